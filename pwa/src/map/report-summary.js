// The card shown when a pin is chosen: enough to recognise the report, and
// for staff a way into the full report.
import { h } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { stateTypeOf } from './cluster.js';

export function reportSummary(report, categories, staff) {
  const data = report.data;
  const photo = data.photos?.find((p) => p.status === 'ready');

  return h(
    'article',
    { class: 'card map-card', testid: 'map-card', 'data-id': report.id },
    photo
      ? h('img', {
          src: photo.thumb_url,
          alt: t('report.photo_alt', { number: 1 }),
          class: 'card__thumb',
        })
      : null,
    h(
      'div',
      { class: 'card__body' },
      h(
        'h2',
        { class: 'card__title' },
        categories.get(data.category) ?? data.category,
      ),
      h(
        'p',
        {},
        h(
          'span',
          {
            class: `pill pill--${stateTypeOf(data)}`,
            testid: 'map-card-state',
          },
          t(`state.${data.state}`),
        ),
      ),
      data.description ? h('p', {}, data.description) : null,
      h('p', { class: 'card__meta' }, formatDateTime(data.created_at)),
      staff
        ? h(
            'a',
            {
              href: `/staff/reports/${encodeURIComponent(report.id)}`,
              class: 'btn btn--secondary',
            },
            t('map.open_report'),
          )
        : null,
    ),
  );
}
