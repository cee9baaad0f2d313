// One line under the header that says what sync is doing, and the one action
// a person may need: sign in again after the session ended.
import { h, mount } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { on, STATUS_CHANGED } from '../sync/events.js';
import { requestSync, syncStatus } from '../sync/engine.js';

export function statusBar({ onSignIn }) {
  const bar = h('div', {
    class: 'status',
    role: 'status',
    'aria-live': 'polite',
    testid: 'sync-status',
  });

  function render(status = syncStatus()) {
    bar.dataset.phase = status.phase;
    if (status.phase === 'signin') {
      mount(
        bar,
        h('span', {}, t('sync.signin_needed')),
        h(
          'button',
          { class: 'btn btn--small', type: 'button', onclick: onSignIn },
          t('sync.signin_again'),
        ),
      );
      return;
    }
    const text = {
      syncing: t('sync.syncing'),
      offline: t('sync.offline'),
      // Server messages end with a full stop; the template adds its own.
      error: t('sync.error', {
        message: (status.error ?? '').replace(/[.。]\s*$/, ''),
      }),
      idle: status.lastSyncedAt
        ? t('sync.synced_at', { time: formatDateTime(status.lastSyncedAt) })
        : t('sync.idle'),
    }[status.phase];
    const retry =
      status.phase === 'error' || status.phase === 'offline'
        ? h(
            'button',
            {
              class: 'btn btn--small',
              type: 'button',
              onclick: () => requestSync('button'),
            },
            t('sync.retry'),
          )
        : null;
    mount(bar, h('span', {}, text), retry);
  }

  on(STATUS_CHANGED, render);
  window.addEventListener('offline', () => render());
  render();
  return { el: bar, render };
}
