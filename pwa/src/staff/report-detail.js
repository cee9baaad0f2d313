// One report for staff: what was reported, its history, and the form to move
// it to its next state. The change is queued, so it works without signal.
import { h } from '../ui/dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/i18n.js';
import { dismiss, enqueue } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';
import { conflictList } from './conflicts.js';
import { editForm, fixedPhotoForm } from './triage.js';
import { departmentName } from './departments.js';

function photoList(photos) {
  if (!photos?.length) return null;
  return h(
    'ul',
    { class: 'thumbs' },
    photos.map((photo, index) =>
      h(
        'li',
        { class: 'thumbs__item' },
        photo.status === 'ready'
          ? h(
              'a',
              {
                href: photo.display_url,
                target: '_blank',
                rel: 'noopener',
                'data-external': '',
              },
              h('img', {
                src: photo.thumb_url,
                alt: t('report.photo_alt', { number: index + 1 }),
                class: 'thumbs__img',
              }),
            )
          : h('span', { class: 'thumbs__pending' }, t('staff.photo_pending')),
      ),
    ),
  );
}

function history(updates) {
  if (!updates?.length) return null;
  return h(
    'ol',
    { class: 'history', testid: 'report-history' },
    updates.map((update) =>
      h(
        'li',
        { class: 'history__item' },
        h(
          'p',
          { class: 'history__meta' },
          `${formatDateTime(update.created_at)} · ${update.author_name ?? ''}`,
          update.state ? ` · ${t(`state.${update.state}`)}` : '',
        ),
        update.text ? h('p', {}, update.text) : null,
      ),
    ),
  );
}

function stateForm(record, pending) {
  const next = record.data.next_states ?? [];
  if (next.length === 0)
    return h('p', { class: 'hint' }, t('staff.no_next_state'));

  const stateSelect = h(
    'select',
    {
      id: 'next-state',
      class: 'input',
      testid: 'state-select',
      required: true,
    },
    next.map((state) => h('option', { value: state }, t(`state.${state}`))),
  );
  const note = h('textarea', {
    id: 'state-note',
    class: 'input',
    rows: 3,
    maxlength: '1000',
    testid: 'state-note',
  });
  const message = h('p', {
    class: 'form__message',
    role: 'status',
    testid: 'state-message',
  });

  async function onSubmit(event) {
    event.preventDefault();
    await enqueue(
      'report.set_state',
      { id: record.id, state: stateSelect.value, note: note.value.trim() },
      { baseVersion: record.version },
    );
    note.value = '';
    message.textContent = t('staff.state_queued');
    requestSync('state changed');
  }

  return h(
    'form',
    { class: 'form', onsubmit: onSubmit, testid: 'state-form' },
    pending
      ? h(
          'p',
          { class: 'hint', testid: 'state-pending' },
          t('staff.state_pending', { state: t(`state.${pending.args.state}`) }),
        )
      : null,
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: 'next-state', class: 'field__label' },
        t('staff.next_state'),
      ),
      stateSelect,
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'state-note', class: 'field__label' }, t('staff.note')),
      note,
    ),
    h(
      'button',
      { type: 'submit', class: 'btn btn--primary', testid: 'state-submit' },
      t('staff.change_state'),
    ),
    message,
  );
}

function refusedList(refused) {
  if (!refused?.length) return null;
  return h(
    'ul',
    { class: 'list', testid: 'refused-changes' },
    refused.map((item) =>
      h(
        'li',
        { class: 'card card--attention', role: 'alert' },
        h(
          'p',
          {},
          t('staff.change_refused', { state: t(`state.${item.args.state}`) }),
        ),
        h('p', {}, item.result?.message ?? ''),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn--small',
            onclick: () => dismiss(item.seq),
          },
          t('mine.dismiss'),
        ),
      ),
    ),
  );
}

export function reportDetail(
  record,
  categories,
  departments,
  pending,
  refused = [],
  conflicts = [],
) {
  const data = record.data;
  const where = data.location
    ? `${formatNumber(data.location.lat, { maximumFractionDigits: 5 })}, ${formatNumber(data.location.lon, { maximumFractionDigits: 5 })}`
    : '';

  return h(
    'article',
    { class: 'detail', testid: 'report-detail', 'data-id': record.id },
    h('a', { href: '/staff', class: 'back' }, t('staff.back')),
    h(
      'h2',
      { class: 'detail__title' },
      categories.get(data.category) ?? data.category,
    ),
    h(
      'p',
      {},
      h(
        'span',
        {
          class: 'pill pill--server',
          testid: 'report-state',
          'data-state': data.state,
        },
        t(`state.${data.state}`),
      ),
    ),
    photoList(data.photos),
    data.description
      ? h('p', { class: 'detail__text' }, data.description)
      : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('staff.observed_at')),
      h(
        'dd',
        {},
        formatDateTime(data.observed_at),
        data.observed_at_implausible ? ` (${t('staff.time_implausible')})` : '',
      ),
      h('dt', {}, t('staff.location')),
      h(
        'dd',
        {},
        where,
        data.location_manual ? ` (${t('staff.location_manual')})` : '',
      ),
      data.reporter_name
        ? [h('dt', {}, t('staff.reporter')), h('dd', {}, data.reporter_name)]
        : null,
      data.department
        ? [
            h('dt', {}, t('staff.department')),
            h(
              'dd',
              { testid: 'report-department' },
              departmentName(departments, data.department),
            ),
          ]
        : null,
      h('dt', {}, t('staff.confirmations')),
      h('dd', {}, String(data.confirmations ?? 0)),
    ),
    refusedList(refused),
    conflictList(conflicts, categories, departments),
    stateForm(record, pending),
    editForm(record, categories, departments),
    fixedPhotoForm(record),
    history(data.updates),
  );
}
