// The card shown when a pin is chosen: enough to recognise the report, and
// for staff a way into the full report. It takes the focus when it opens and
// gives it back through `onClose` (its button, or Escape).
import { h, uid } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { stateTypeOf } from './cluster.js';

export function reportSummary(report, categories, staff, onClose) {
  const data = report.data;
  const photo = data.photos?.find((p) => p.status === 'ready');
  const titleId = uid('map-card-title');

  return h(
    'article',
    {
      class: 'card map-card',
      testid: 'map-card',
      'data-id': report.id,
      tabindex: '-1',
      'aria-labelledby': titleId,
      onkeydown: (event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onClose();
      },
    },
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
        'div',
        { class: 'map-card__head' },
        h(
          'h2',
          { class: 'card__title', id: titleId },
          categories.get(data.category) ?? data.category,
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn--small btn--quiet',
            testid: 'map-card-close',
            onclick: onClose,
          },
          t('map.close_card'),
        ),
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
