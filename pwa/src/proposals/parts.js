// Pieces every proposals screen uses: a region that re-renders when the
// outbox or the pulled records change (keeping the focused control), the
// member check, and small labelled blocks.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { currentUser } from '../api/session.js';
import { on, OUTBOX_CHANGED, RECORDS_CHANGED } from '../sync/events.js';
import { logger } from '../app/log.js';

const log = logger('proposals');

/** Guests may read; acting needs a member (a signed-in account). */
export function isMember() {
  const user = currentUser();
  return Boolean(user && !user.is_guest);
}

/**
 * A container filled by `render()` now and after every outbox or records
 * change. A control marked `data-focus` that had the focus gets it back, so
 * a sync finishing does not throw a keyboard user to the top.
 */
export function liveRegion(render) {
  const el = h('div', { class: 'live' });
  let chain = Promise.resolve();

  const update = () => {
    chain = chain
      .then(async () => {
        const active = document.activeElement;
        const key = el.contains(active)
          ? active.closest('[data-focus]')?.dataset.focus
          : null;
        mount(el, await render());
        if (key) el.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
      })
      .catch((error) => log.warn('render', error));
  };
  const offs = [on(OUTBOX_CHANGED, update), on(RECORDS_CHANGED, update)];
  update();
  // Screens wait for the first paint, so the router swaps in a full page.
  const ready = chain;
  return { el, update, ready, cleanup: () => offs.forEach((off) => off()) };
}

export function signInHint() {
  return h(
    'p',
    { class: 'hint', testid: 'proposals-signin' },
    t('proposals.members_only'),
    ' ',
    h('a', { href: '/signin' }, t('proposals.signin')),
  );
}

export function pendingPill() {
  return h(
    'span',
    { class: 'pill pill--waiting', testid: 'pending' },
    t('proposals.pending'),
  );
}

export function backLink(href, text) {
  return h('p', {}, h('a', { href, class: 'back', testid: 'back' }, text));
}

/** A definition list from [label, value] pairs, skipping empty values. */
export function facts(pairs, testid = 'facts') {
  return h(
    'dl',
    { class: 'facts', testid },
    pairs
      .filter(([, value]) => value !== null && value !== '' && value !== false)
      .flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}

export function notFound(text) {
  return h('p', { class: 'empty', testid: 'proposals-missing' }, text);
}
