// Categories as a group of large radio buttons: one tap, no dropdown to open
// with a thumb in the street.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';

export function categoryPicker(categories, onChange) {
  const options = categories.map((category) =>
    h(
      'label',
      { class: 'choice', testid: `category-${category.id}` },
      h('input', {
        type: 'radio',
        name: 'category',
        value: category.id,
        class: 'choice__input',
        onchange: () => onChange(category.id),
      }),
      h('span', { class: 'choice__text' }, category.name),
    ),
  );
  return h(
    'fieldset',
    { class: 'field categories', testid: 'categories' },
    h('legend', { class: 'field__label' }, t('report.category')),
    options.length
      ? h('div', { class: 'choices' }, options)
      : h('p', { class: 'hint' }, t('report.no_categories')),
  );
}
