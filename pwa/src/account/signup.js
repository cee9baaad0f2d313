// Screens: create an account with a passkey. A guest who does this keeps the
// same account, so every report they made stays theirs. An invitation link
// from an admin makes the new account staff.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../app/router.js';
import { currentUser } from '../api/session.js';
import { addPasskey } from './api.js';
import { messageLine, recoveryCodes, screenHead, textField } from './parts.js';
import { passkeysSupported } from './webauthn.js';

function signUpForm(outlet, { invitation = null, titleKey, introKey }) {
  const message = messageLine('signup-message');
  const name = textField('account-name', 'account.name_label', {
    autocomplete: 'nickname',
    maxlength: '120',
    testid: 'account-name',
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn--primary', testid: 'signup-passkey' },
    t('account.create_passkey'),
  );
  submit.disabled = !passkeysSupported();

  async function onSubmit(event) {
    event.preventDefault();
    submit.disabled = true;
    try {
      const answer = await addPasskey({
        name: name.input.value.trim(),
        invitation,
      });
      const done = () => navigate('/account');
      if (answer.recovery_codes) {
        mount(
          outlet,
          screenHead('account.welcome'),
          recoveryCodes(answer.recovery_codes, done),
        );
      } else done();
    } catch (error) {
      message.fail(error);
      submit.disabled = false;
    }
  }

  mount(
    outlet,
    screenHead(titleKey),
    h('p', {}, t(introKey)),
    h(
      'form',
      {
        class: 'form',
        novalidate: true,
        onsubmit: onSubmit,
        testid: 'signup-form',
      },
      name.el,
      submit,
      message.el,
    ),
    invitation
      ? null
      : h('p', {}, h('a', { href: '/signin' }, t('account.to_signin'))),
  );
}

export async function signUpScreen(outlet) {
  const user = currentUser();
  if (user && !user.is_guest && !user.offline) {
    navigate('/account', { replace: true });
    return;
  }
  signUpForm(outlet, {
    titleKey: 'account.signup_title',
    introKey: user?.is_guest
      ? 'account.signup_intro_guest'
      : 'account.signup_intro',
  });
}

export async function invitationScreen(outlet, { secret }) {
  signUpForm(outlet, {
    invitation: secret,
    titleKey: 'account.invitation_title',
    introKey: 'account.invitation_intro',
  });
}
