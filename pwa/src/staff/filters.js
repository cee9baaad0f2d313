// Filter controls for the staff list: state and category, both optional.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';

export const STATES = [
  'new',
  'acknowledged',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
];

/** A labelled filter menu whose first choice is "all". */
export function filterSelect(id, labelKey, options, value, onChange) {
  const el = h(
    'select',
    {
      id,
      class: 'input',
      testid: id,
      onchange: (e) => onChange(e.target.value),
    },
    h('option', { value: '' }, t('staff.filter_all')),
    options.map(([v, text]) => h('option', { value: v }, text)),
  );
  el.value = value;
  return h(
    'div',
    { class: 'field field--inline' },
    h('label', { for: id, class: 'field__label' }, t(labelKey)),
    el,
  );
}

export function filters({ state, category }, categories, onChange) {
  return h(
    'div',
    { class: 'filters' },
    filterSelect(
      'filter-state',
      'staff.filter_state',
      STATES.map((s) => [s, t(`state.${s}`)]),
      state,
      (value) => onChange({ state: value, category }),
    ),
    filterSelect(
      'filter-category',
      'staff.filter_category',
      [...categories.entries()],
      category,
      (value) => onChange({ state, category: value }),
    ),
  );
}
