// Screen: my account. Passkeys (add, remove), my data, sign out, delete.
import { h, mount } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { navigate } from '../app/router.js';
import { currentUser } from '../api/session.js';
import {
  addPasskey,
  deleteAccount,
  listPasskeys,
  removePasskey,
  signOut,
} from './api.js';
import { messageLine, screenHead } from './parts.js';

function passkeyRow(passkey, onRemove) {
  const used = passkey.last_used_at
    ? t('account.passkey_used', { time: formatDateTime(passkey.last_used_at) })
    : t('account.passkey_unused');
  return h(
    'li',
    { class: 'row', testid: 'passkey-row' },
    h(
      'div',
      { class: 'row__text' },
      h(
        'p',
        { class: 'row__title' },
        passkey.label || t('account.passkey_unnamed'),
      ),
      h('p', { class: 'row__meta' }, used),
      passkey.flagged
        ? h(
            'p',
            { class: 'pill pill--attention' },
            t('account.passkey_flagged'),
          )
        : null,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn--small btn--quiet',
        onclick: () => onRemove(passkey),
        'aria-label': t('account.remove_passkey_named', {
          name: passkey.label || '',
        }),
      },
      t('account.remove_passkey'),
    ),
  );
}

export async function accountScreen(outlet) {
  const user = currentUser();
  if (!user || user.is_guest) {
    navigate('/signup', { replace: true });
    return;
  }
  const message = messageLine('account-message');
  const list = h('ul', { class: 'rows', testid: 'passkey-list' });

  async function renderPasskeys() {
    const passkeys = await listPasskeys();
    mount(
      list,
      passkeys.map((passkey) => passkeyRow(passkey, remove)),
    );
  }

  async function remove(passkey) {
    try {
      await removePasskey(passkey.id);
      await renderPasskeys();
    } catch (error) {
      message.fail(error);
    }
  }

  async function add() {
    try {
      await addPasskey();
      message.ok('account.passkey_added');
      await renderPasskeys();
    } catch (error) {
      message.fail(error);
    }
  }

  async function leave() {
    await signOut();
    // A fresh start: the app becomes a guest again until someone signs in.
    location.assign('/signin');
  }

  async function erase() {
    if (!window.confirm(t('account.delete_confirm'))) return;
    await deleteAccount();
    location.assign('/');
  }

  const button = (key, onclick, testid, extra = '') =>
    h(
      'button',
      { type: 'button', class: `btn ${extra}`, onclick, testid },
      t(key),
    );

  mount(
    outlet,
    screenHead('account.title'),
    h(
      'p',
      { testid: 'account-name-shown' },
      t('account.signed_in_as', { name: user.name }),
    ),
    h('h2', { class: 'section__title' }, t('account.passkeys')),
    list,
    button('account.add_passkey', add, 'add-passkey', 'btn--primary'),
    message.el,
    h('h2', { class: 'section__title' }, t('account.your_data')),
    h(
      'p',
      {},
      h(
        'a',
        {
          href: '/api/me/export',
          download: 'wegovnow-my-data.json',
          'data-external': '',
        },
        t('account.export'),
      ),
    ),
    button('account.sign_out', leave, 'sign-out'),
    button('account.delete', erase, 'delete-account', 'btn--quiet'),
  );
  await renderPasskeys();
}
