// A state change for several reports at once, each queued as its own
// report.set_state with its own base version.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { enqueue } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';

/** States every one of `records` may move to next. */
function commonNextStates(records) {
  const [first, ...rest] = records.map((r) => r.data.next_states ?? []);
  return (first ?? []).filter((s) => rest.every((list) => list.includes(s)));
}

export function bulkBar(records, onDone) {
  if (records.length === 0) return null;
  const states = commonNextStates(records);
  const select = h(
    'select',
    { id: 'bulk-state', class: 'input', testid: 'bulk-state' },
    states.map((s) => h('option', { value: s }, t(`state.${s}`))),
  );

  async function apply() {
    for (const record of records) {
      await enqueue(
        'report.set_state',
        { id: record.id, state: select.value, note: '' },
        { baseVersion: record.version },
      );
    }
    requestSync('bulk state change');
    onDone();
  }

  return h(
    'div',
    { class: 'bulk', testid: 'bulk-bar' },
    h(
      'p',
      { class: 'hint' },
      t('staff.bulk_selected', { count: records.length }),
    ),
    states.length === 0
      ? h('p', { class: 'hint' }, t('staff.bulk_no_common'))
      : [
          h(
            'div',
            { class: 'field field--inline' },
            h(
              'label',
              { for: 'bulk-state', class: 'field__label' },
              t('staff.next_state'),
            ),
            select,
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn--primary',
              testid: 'bulk-apply',
              onclick: apply,
            },
            t('staff.bulk_apply'),
          ),
        ],
  );
}
