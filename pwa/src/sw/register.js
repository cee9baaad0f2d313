// Registers the service worker and handles its updates. A new version waits
// until the person taps "update", and even then:
// - not over a half-written report: a reload would throw it away, so the
//   banner asks the person to save or clear it first;
// - not in the middle of a sync: the sync lock is taken first and held until
//   the page reloads, so no sync starts between the tap and the new version.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { LOCK_NAME } from '../sync/engine.js';
import { hasUnsavedWork } from '../app/unsaved.js';
import { logger } from '../app/log.js';

const log = logger('sw');
// If the new worker never takes control (it failed to activate), give the
// lock back so that syncing goes on with the old one.
const TAKEOVER_TIMEOUT_MS = 30_000;
// Set when the person accepted an update: only then does a new controller
// mean "reload". The first install also changes the controller (it claims
// the page) and must not reload it.
let updateAccepted = false;

function holdSyncLockUntilReload(work) {
  const heldUntilReload = () => {
    work();
    return new Promise((release) => setTimeout(release, TAKEOVER_TIMEOUT_MS));
  };
  if (!navigator.locks) return heldUntilReload();
  return navigator.locks.request(LOCK_NAME, heldUntilReload);
}

function applyUpdate(worker, button) {
  button.disabled = true;
  updateAccepted = true;
  holdSyncLockUntilReload(() =>
    worker.postMessage({ type: 'SKIP_WAITING' }),
  ).then(() => {
    log.warn('the new version did not take over; still on the old one');
    updateAccepted = false;
    button.disabled = false;
  });
}

function updateBanner(worker) {
  const note = h('span', { testid: 'update-note' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--small',
      testid: 'update-now',
      onclick: () => {
        // Saying why beats a disabled button: the person may not know the
        // form counts as unfinished work.
        if (hasUnsavedWork()) {
          note.textContent = t('update.finish_report_first');
          return;
        }
        note.textContent = '';
        applyUpdate(worker, button);
      },
    },
    t('update.now'),
  );
  return h(
    'div',
    { class: 'update', role: 'status', testid: 'update-banner' },
    h('span', {}, t('update.available'), ' ', note),
    button,
  );
}

function offerUpdate(worker, container) {
  if (container.querySelector('[data-testid="update-banner"]')) return;
  container.append(updateBanner(worker));
}

export async function registerServiceWorker(container) {
  if (!('serviceWorker' in navigator)) return null;

  let registration;
  try {
    registration = await navigator.serviceWorker.register('/sw.js');
  } catch (error) {
    log.warn('service worker not registered', error);
    return null;
  }
  // Some embedders (and test harnesses) resolve without a registration.
  if (!registration) return null;

  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updateAccepted) location.reload();
  });

  if (registration.waiting && navigator.serviceWorker.controller) {
    offerUpdate(registration.waiting, container);
  }
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (
        installing.state === 'installed' &&
        navigator.serviceWorker.controller
      ) {
        offerUpdate(installing, container);
      }
    });
  });
  return registration;
}
