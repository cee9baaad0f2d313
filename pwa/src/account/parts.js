// Small pieces the account screens share.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { HttpError } from '../api/http.js';
import { logger } from '../app/log.js';

const log = logger('account');

export function screenHead(key) {
  return h(
    'div',
    { class: 'screen__head' },
    h('h1', { class: 'screen__title' }, t(key)),
  );
}

export function messageLine(testid) {
  const el = h('p', { class: 'form__message', role: 'alert', testid });
  return {
    el,
    ok(key, params) {
      el.textContent = t(key, params);
      el.className = 'form__message form__message--ok';
    },
    fail(error) {
      el.textContent = explain(error);
      el.className = 'form__message form__message--error';
    },
  };
}

/** A sentence for a failed passkey step: the server's, or the browser's. */
export function explain(error) {
  if (error instanceof HttpError) return error.message;
  if (error?.name === 'NotAllowedError') return t('account.passkey_cancelled');
  if (error?.name === 'InvalidStateError') return t('account.passkey_known');
  log.warn('passkey step failed', error);
  return t('account.passkey_error');
}

export function textField(id, labelKey, attrs = {}) {
  const input = h('input', { id, type: 'text', class: 'input', ...attrs });
  return {
    input,
    el: h(
      'div',
      { class: 'field' },
      h('label', { for: id, class: 'field__label' }, t(labelKey)),
      input,
    ),
  };
}

/** The recovery codes, shown once, with a button that moves on. */
export function recoveryCodes(codes, onDone) {
  return h(
    'section',
    { class: 'card', testid: 'recovery-codes' },
    h('h2', { class: 'section__title' }, t('account.codes_title')),
    h('p', { class: 'hint' }, t('account.codes_hint')),
    h(
      'ol',
      { class: 'rows' },
      codes.map((code) => h('li', { class: 'row__text' }, h('code', {}, code))),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn--primary',
        onclick: onDone,
        testid: 'codes-saved',
      },
      t('account.codes_saved'),
    ),
  );
}
