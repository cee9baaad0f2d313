// Screen: the reports on a map, clustered and coloured by state type, with
// filters by category and state. Leaflet loads only when this screen opens.
import { h, mount } from '../ui/dom.js';
import { currentLanguage, t } from '../i18n/i18n.js';
import { categoryNames, loadConfig } from '../api/catalog.js';
import { isStaff } from '../api/session.js';
import { on, RECORDS_CHANGED } from '../sync/events.js';
import { listRecords } from '../sync/records.js';
import { logger } from '../app/log.js';
import { areaFeature, listAreas } from './areas.js';
import { stateTypeOf } from './cluster.js';
import { reportSummary } from './report-summary.js';
import { filterSelect } from '../staff/filters.js';

const STATE_TYPES = ['open', 'fixed', 'closed'];
const chosen = { category: '', stateType: '' };
const log = logger('map');

let stylesheet = null;

function loadStylesheet() {
  stylesheet ??= new Promise((resolve, reject) => {
    const link = h('link', { rel: 'stylesheet', href: __LEAFLET_CSS__ });
    link.addEventListener('load', resolve);
    link.addEventListener('error', reject);
    document.head.append(link);
  });
  return stylesheet;
}

async function configOrNone() {
  try {
    return await loadConfig();
  } catch {
    return {};
  }
}

function matches(record) {
  return (
    (!chosen.category || record.data.category === chosen.category) &&
    (!chosen.stateType || stateTypeOf(record.data) === chosen.stateType)
  );
}

export async function mapScreen(outlet) {
  const categories = await categoryNames(currentLanguage());
  const staff = isStaff();
  const mapEl = h('div', {
    class: 'report-map',
    testid: 'report-map',
    role: 'region',
    'aria-label': t('map.label'),
  });
  const card = h('div', { class: 'map-side', 'aria-live': 'polite' });
  const count = h('p', { class: 'hint', testid: 'map-count' });
  let map = null;

  async function draw({ fit = false } = {}) {
    const [records, areas] = await Promise.all([
      listRecords('report'),
      listAreas(),
    ]);
    const shown = records.filter((r) => r.data && matches(r));
    count.textContent = t('map.count', { count: shown.length });
    map?.setAreas(areas.map(areaFeature));
    map?.setReports(shown);
    if (fit) map?.fit();
  }

  const filterBar = h(
    'div',
    { class: 'filters' },
    filterSelect(
      'map-category',
      'staff.filter_category',
      [...categories.entries()],
      chosen.category,
      (value) => {
        chosen.category = value;
        draw();
      },
    ),
    filterSelect(
      'map-state',
      'map.filter_state_type',
      STATE_TYPES.map((s) => [s, t(`map.state_type_${s}`)]),
      chosen.stateType,
      (value) => {
        chosen.stateType = value;
        draw();
      },
    ),
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': t('map.legend') },
    STATE_TYPES.map((s) =>
      h(
        'li',
        { class: `legend__item legend__item--${s}` },
        t(`map.state_type_${s}`),
      ),
    ),
  );

  mount(
    outlet,
    h('h1', { class: 'screen__title' }, t('map.title')),
    filterBar,
    count,
    h('div', { class: 'map-layout' }, mapEl, card),
    legend,
  );

  let closed = false;
  let off = () => {};

  // Leaflet measures its container, so it starts once the router has put
  // this screen into the page.
  async function start() {
    const [{ createReportMap }, config] = await Promise.all([
      import('./leaflet-map.js'),
      configOrNone(),
      loadStylesheet().catch((e) => log.warn('map css', e)),
    ]);
    if (closed) return;
    map = createReportMap(mapEl, {
      tileUrl: config.tile_url,
      attribution: config.tile_attribution,
      labels: {
        pin: (r) =>
          `${categories.get(r.data.category) ?? r.data.category}, ${t(`state.${r.data.state}`)}`,
        cluster: (n) => t('map.cluster', { count: n }),
      },
      onPick: (report) => {
        const close = () => {
          mount(card);
          map?.focusPin(report.id);
        };
        mount(card, reportSummary(report, categories, staff, close));
        card.firstChild.focus();
      },
    });
    await draw({ fit: true });
    off = on(RECORDS_CHANGED, () => draw().catch((e) => log.warn(e)));
  }
  window.addEventListener(
    'wgn:routed',
    () => start().catch((e) => log.warn('map', e)),
    { once: true },
  );

  return () => {
    closed = true;
    off();
    map?.destroy();
  };
}
