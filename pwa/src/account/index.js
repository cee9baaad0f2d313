// The account feature: its routes, and the banner that invites a guest to
// keep their reports by adding a passkey.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { accountScreen } from './manage.js';
import { invitationScreen, signUpScreen } from './signup.js';
import { recoverScreen, signInScreen } from './signin.js';

export function addAccountRoutes(route) {
  route('/signin', signInScreen);
  route('/signup', signUpScreen);
  route('/recover', recoverScreen);
  route('/account', accountScreen);
  route('/invitation/:secret', invitationScreen);
}

/** For a guest: keep your reports, add a passkey. Nothing for anyone else. */
export function guestBanner(user) {
  if (!user?.is_guest || location.pathname === '/signup') return null;
  return h(
    'p',
    { class: 'banner', testid: 'guest-banner' },
    t('account.guest_banner'),
    ' ',
    h('a', { href: '/signup', testid: 'guest-keep' }, t('account.guest_keep')),
  );
}
