// Before a duplicate is filed: open reports of the same category close by,
// from the local copy, each with a "me too" that queues report.confirm.
import { h, mount } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { enqueue } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';
import { listRecords } from '../sync/records.js';

export const NEARBY_METRES = 100;
const EARTH_METRES = 6371000;

export function metresBetween(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_METRES * Math.asin(Math.sqrt(s));
}

/** Open reports of `category` within NEARBY_METRES of `at`, nearest first. */
export async function nearbyReports(category, at) {
  const records = await listRecords('report');
  return records
    .filter(
      (r) =>
        r.data?.location &&
        r.data.category === category &&
        (r.data.state_type ?? 'open') === 'open' &&
        !r.data.mine,
    )
    .map((r) => ({ record: r, metres: metresBetween(at, r.data.location) }))
    .filter((found) => found.metres <= NEARBY_METRES)
    .sort((a, b) => a.metres - b.metres);
}

/** A panel that lists nearby reports; call `update(category, at)`. */
export function nearbyPanel() {
  const el = h('section', {
    class: 'nearby',
    testid: 'nearby',
    'aria-live': 'polite',
    hidden: true,
  });
  const confirmed = new Set();

  async function confirm(id, button) {
    await enqueue('report.confirm', { id });
    confirmed.add(id);
    button.replaceWith(
      h('p', { class: 'hint', testid: 'me-too-done' }, t('report.me_too_done')),
    );
    requestSync('me too');
  }

  function item({ record, metres }) {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'btn btn--secondary',
        testid: 'me-too',
        onclick: () => confirm(record.id, button),
      },
      t('report.me_too'),
    );
    return h(
      'li',
      { class: 'card', 'data-id': record.id },
      h(
        'p',
        {},
        record.data.description || t('report.nearby_no_text'),
        ` (${t('report.nearby_distance', { metres: formatNumber(Math.round(metres)) })})`,
      ),
      confirmed.has(record.id)
        ? h('p', { class: 'hint' }, t('report.me_too_done'))
        : button,
    );
  }

  return {
    el,
    async update(category, at) {
      const found = category && at ? await nearbyReports(category, at) : [];
      el.hidden = found.length === 0;
      mount(
        el,
        h('h2', { class: 'section__title' }, t('report.nearby_title')),
        h('p', { class: 'hint' }, t('report.nearby_hint')),
        h('ul', { class: 'list' }, found.map(item)),
      );
    },
  };
}
