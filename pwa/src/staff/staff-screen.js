// Screen: staff work the list of reports from the pulled copy, offline too.
// On a tablet the list and the open report sit side by side.
import { h, mount } from '../ui/dom.js';
import { currentLanguage, formatDateTime, t } from '../i18n/i18n.js';
import { categoryNames } from '../api/catalog.js';
import { isStaff } from '../api/session.js';
import { on, OUTBOX_CHANGED, RECORDS_CHANGED } from '../sync/events.js';
import { listRecords } from '../sync/records.js';
import { filters } from './filters.js';
import { pendingStates, refusedChanges } from './pending.js';
import { reportDetail } from './report-detail.js';
import { listDepartments } from './departments.js';
import { logger } from '../app/log.js';
import { openConflicts } from './conflicts.js';
import { areaOffline } from './area-offline.js';
import { bulkBar } from './bulk.js';
import { getMeta } from '../sync/meta.js';
import { requestSync } from '../sync/engine.js';

const chosen = { state: '', category: '', area: '' };
const picked = new Set();
const log = logger('staff');

function matches(record) {
  const data = record.data ?? {};
  return (
    (!chosen.state || data.state === chosen.state) &&
    (!chosen.category || data.category === chosen.category) &&
    (!chosen.area || data.area === chosen.area)
  );
}

function row(record, categories, pending, openId, onPick) {
  const data = record.data;
  const link = h(
    'a',
    {
      href: `/staff/reports/${encodeURIComponent(record.id)}`,
      class: 'row',
      testid: 'staff-report',
    },
    h(
      'span',
      { class: 'row__title' },
      categories.get(data.category) ?? data.category,
    ),
    h('span', { class: 'row__text' }, data.description ?? ''),
    h(
      'span',
      { class: 'row__meta' },
      h(
        'span',
        { class: 'pill pill--server', 'data-state': data.state },
        t(`state.${data.state}`),
      ),
      pending.has(record.id)
        ? h('span', { class: 'pill pill--waiting' }, t('sync_state.waiting'))
        : null,
      ` ${formatDateTime(data.created_at)}`,
    ),
  );
  if (record.id === openId) link.setAttribute('aria-current', 'true');
  const check = h('input', {
    type: 'checkbox',
    class: 'row-pick__check',
    testid: 'staff-pick',
    'aria-label': t('staff.pick_for_bulk', {
      name: categories.get(data.category) ?? data.category,
    }),
    checked: picked.has(record.id),
    onchange: (event) => {
      if (event.target.checked) picked.add(record.id);
      else picked.delete(record.id);
      onPick();
    },
  });
  return h('li', { class: 'row-pick' }, check, link);
}

export async function staffScreen(outlet, params) {
  if (!isStaff()) {
    mount(outlet, h('p', { class: 'hint' }, t('staff.not_allowed')));
    return null;
  }
  const listPane = h('section', {
    class: 'split__list',
    'aria-label': t('staff.list_label'),
  });
  const detailPane = h('section', {
    class: 'split__detail',
    'aria-live': 'polite',
  });
  const split = h(
    'div',
    { class: `split${params.id ? ' split--open' : ''}` },
    listPane,
    detailPane,
  );

  let detailKey = null;
  let searched = false;
  let missing = false;
  // Renders run one after another: two reading the store at once could
  // finish out of order and leave the older list on screen.
  let rendering = Promise.resolve();
  const queueRender = () => {
    rendering = rendering.then(render).catch((e) => log.warn('render', e));
    return rendering;
  };

  chosen.area = await getMeta('staff_area', '');
  const areaBox = await areaOffline((areaId) => {
    chosen.area = areaId;
    queueRender();
  });

  // Ticking a box redraws the bulk bar only, so focus stays on the box.
  const bulkSlot = h('div', {});
  let latest = [];
  function showBulk() {
    mount(
      bulkSlot,
      bulkBar(
        latest.filter((r) => picked.has(r.id)),
        () => {
          picked.clear();
          queueRender();
        },
      ),
    );
  }

  async function render() {
    const [records, categories, departments, pending] = await Promise.all([
      listRecords('report'),
      categoryNames(currentLanguage()),
      listDepartments(currentLanguage()),
      pendingStates(),
    ]);
    records.sort((a, b) =>
      (b.data?.created_at ?? '').localeCompare(a.data?.created_at ?? ''),
    );
    const shown = records.filter(matches);
    latest = records;
    showBulk();

    mount(
      listPane,
      filters(chosen, categories, (next) => {
        Object.assign(chosen, next);
        queueRender();
      }),
      areaBox,
      h('p', { class: 'hint' }, t('staff.count', { count: shown.length })),
      bulkSlot,
      h(
        'ul',
        { class: 'rows', testid: 'staff-reports' },
        shown.map((r) => row(r, categories, pending, params.id, showBulk)),
      ),
    );

    const open = params.id && records.find((r) => r.id === params.id);
    // Keep the open form (and a half-typed note) unless the report changed.
    const refused = open ? await refusedChanges(open.id) : [];
    const conflicts = open ? await openConflicts(open.id) : [];
    const key = open
      ? JSON.stringify([
          open.version,
          pending.get(open.id)?.seq,
          refused.map((i) => i.seq),
          conflicts.map((c) => [c.id, c.queued]),
          departments.map((d) => [d.id, d.version]),
        ])
      : null;
    missing = Boolean(params.id && !open);
    if (open && key === detailKey) return;
    detailKey = key;

    // A report opened from a notification may land with the next pull: look
    // for it until one sync has run since the screen opened. The pulled copy
    // holds only what the server lets this person see, so nothing leaks.
    if (params.id && !open)
      mount(
        detailPane,
        h(
          'p',
          {
            class: 'hint',
            role: 'status',
            testid: searched ? 'report-not-found' : 'report-looking',
          },
          t(searched ? 'staff.not_found' : 'staff.looking'),
        ),
      );
    else if (open)
      mount(
        detailPane,
        reportDetail(
          open,
          categories,
          departments,
          pending.get(open.id),
          refused,
          conflicts,
        ),
      );
    else
      mount(
        detailPane,
        h('p', { class: 'hint split__placeholder' }, t('staff.pick_one')),
      );
  }

  mount(outlet, h('h1', { class: 'screen__title' }, t('staff.title')), split);
  // Listen first: a pull that lands during the first render is not missed.
  const offRecords = on(RECORDS_CHANGED, queueRender);
  const offOutbox = on(OUTBOX_CHANGED, queueRender);
  await queueRender();
  if (missing) {
    requestSync('link').finally(() => {
      searched = true;
      queueRender();
    });
  }
  return () => {
    offRecords();
    offOutbox();
  };
}
