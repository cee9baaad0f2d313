import { h } from '../ui/dom.js';
import { currentLanguage, LANGUAGES, loadLanguage, t } from '../i18n/i18n.js';

export function languagePicker() {
  const select = h(
    'select',
    {
      id: 'language',
      class: 'lang__select',
      testid: 'language',
      onchange: (event) => loadLanguage(event.target.value, { remember: true }),
    },
    Object.entries(LANGUAGES).map(([code, name]) =>
      h('option', { value: code, lang: code }, name),
    ),
  );
  select.value = currentLanguage();
  const label = h(
    'label',
    { for: 'language', class: 'visually-hidden' },
    t('language.label'),
  );
  return h('div', { class: 'lang' }, label, select);
}
