// The top bar: where am I, what is waiting to be sent, which language.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { isStaff } from '../api/session.js';
import { languagePicker } from './language-picker.js';

function navLink(href, key, testid) {
  const link = h('a', { href, class: 'nav__link', testid }, t(key));
  if (isCurrent(href)) link.setAttribute('aria-current', 'page');
  return link;
}

function isCurrent(href) {
  const path = location.pathname;
  return href === '/' ? path === '/' : path.startsWith(href);
}

/** The header for `user`; `badge` is built once and moved in each time. */
export function header(user, badge) {
  const links = [
    navLink('/', 'nav.new_report', 'nav-new'),
    navLink('/mine', 'nav.my_reports', 'nav-mine'),
    navLink('/map', 'nav.map', 'nav-map'),
    navLink('/proposals', 'proposals.nav', 'nav-proposals'),
    isStaff(user) ? navLink('/staff', 'nav.staff', 'nav-staff') : null,
    !user || user.is_guest
      ? navLink('/signin', 'nav.signin', 'nav-signin')
      : navLink('/account', 'nav.account', 'nav-account'),
  ];
  return h(
    'header',
    { class: 'topbar' },
    h(
      'div',
      { class: 'topbar__row' },
      h('a', { href: '/', class: 'brand' }, t('app.name')),
      badge,
      languagePicker(),
    ),
    h('nav', { class: 'nav', 'aria-label': t('nav.label') }, links),
  );
}
