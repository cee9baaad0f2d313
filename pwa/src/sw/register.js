// Registers the service worker and handles its updates. A new version waits
// until the person taps "update", and even then:
// - not over a half-written report: a reload would throw it away, so the
//   banner asks the person to save or clear it first. This is asked at the
//   tap and again once the sync lock is ours, since waiting for it (behind a
//   long upload) leaves time to start a report;
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
// the page) and must not reload it. It stays set after the timeout: a worker
// that takes over late serves new files to old code, which a reload ends.
let updateAccepted = false;
// Whether the sync lock is held for the takeover right now.
let takingOver = false;

// Runs `work` holding the sync lock. If it answers true the lock is kept
// until the page reloads, or until the timeout; otherwise it goes back now.
function withSyncLock(work) {
  const held = () => {
    if (!work()) return false;
    takingOver = true;
    return new Promise((release) =>
      setTimeout(() => {
        takingOver = false;
        release(true);
      }, TAKEOVER_TIMEOUT_MS),
    );
  };
  if (!navigator.locks) return Promise.resolve(held());
  return navigator.locks.request(LOCK_NAME, held);
}

function askToFinishFirst(note) {
  note.textContent = t('update.finish_report_first');
}

function applyUpdate(worker, button, note) {
  button.disabled = true;
  withSyncLock(() => {
    if (hasUnsavedWork()) {
      askToFinishFirst(note);
      return false;
    }
    updateAccepted = true;
    // Already in control (it took over after the timeout): reloading is all
    // that is left.
    if (worker.state === 'activated') location.reload();
    else worker.postMessage({ type: 'SKIP_WAITING' });
    return true;
  }).then((timedOut) => {
    if (timedOut) {
      log.warn('the new version did not take over; still on the old one');
    }
    button.disabled = false;
  });
}

// The new worker took control after the person accepted it. Within the
// timeout the lock is still held: reload. Later, take the lock again so no
// sync is cut off, and reload only if nothing unsaved is on screen; else the
// banner asks for that first and its button reloads.
function reloadIntoNewVersion(container) {
  if (takingOver) {
    location.reload();
    return;
  }
  withSyncLock(() => {
    if (!hasUnsavedWork()) {
      location.reload();
      return true;
    }
    const note = container.querySelector('[data-testid="update-note"]');
    if (note) askToFinishFirst(note);
    return false;
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
          askToFinishFirst(note);
          return;
        }
        note.textContent = '';
        applyUpdate(worker, button, note);
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
    if (updateAccepted) reloadIntoNewVersion(container);
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
