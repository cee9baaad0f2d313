// Screens: sign in with a passkey (no name asked), or with a recovery code.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../app/router.js';
import { addPasskey, recoverWithCode, signInWithPasskey } from './api.js';
import { messageLine, recoveryCodes, screenHead, textField } from './parts.js';
import { passkeysSupported } from './webauthn.js';

export async function signInScreen(outlet) {
  const message = messageLine('signin-message');
  const button = h(
    'button',
    { type: 'button', class: 'btn btn--primary', testid: 'signin-passkey' },
    t('account.signin_passkey'),
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await signInWithPasskey();
      navigate('/account');
    } catch (error) {
      message.fail(error);
    } finally {
      button.disabled = false;
    }
  });
  if (!passkeysSupported()) {
    button.disabled = true;
    message.ok('account.no_passkeys');
  }

  mount(
    outlet,
    screenHead('account.signin_title'),
    h('p', {}, t('account.signin_intro')),
    button,
    message.el,
    h(
      'p',
      {},
      h('a', { href: '/signup', testid: 'to-signup' }, t('account.to_signup')),
    ),
    h('p', {}, h('a', { href: '/recover' }, t('account.to_recover'))),
  );
}

export async function recoverScreen(outlet) {
  const message = messageLine('recover-message');
  const code = textField('recovery-code', 'account.code_label', {
    autocomplete: 'one-time-code',
    maxlength: '40',
    testid: 'recovery-code',
  });

  async function onSubmit(event) {
    event.preventDefault();
    try {
      await recoverWithCode(code.input.value.trim());
      mount(outlet, screenHead('account.recovered_title'), addNew());
    } catch (error) {
      message.fail(error);
    }
  }

  function addNew() {
    const again = messageLine('recover-add-message');
    const add = h(
      'button',
      { type: 'button', class: 'btn btn--primary', testid: 'add-passkey' },
      t('account.add_passkey'),
    );
    const box = h(
      'div',
      {},
      h('p', {}, t('account.recovered_intro')),
      add,
      again.el,
    );
    add.addEventListener('click', async () => {
      try {
        const answer = await addPasskey();
        if (answer.recovery_codes) {
          mount(
            box,
            recoveryCodes(answer.recovery_codes, () => navigate('/account')),
          );
        } else navigate('/account');
      } catch (error) {
        again.fail(error);
      }
    });
    return box;
  }

  mount(
    outlet,
    screenHead('account.recover_title'),
    h(
      'form',
      { class: 'form', novalidate: true, onsubmit: onSubmit },
      code.el,
      h(
        'button',
        { type: 'submit', class: 'btn btn--primary' },
        t('account.recover'),
      ),
      message.el,
    ),
  );
}
