// Registers the service worker and handles its updates. A new version waits
// until the person taps "update", and even then not in the middle of a sync:
// the sync lock is taken first, so the swap happens between runs.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { LOCK_NAME } from '../sync/engine.js';
import { logger } from '../app/log.js';

const log = logger('sw');
// Set when the person accepted an update: only then does a new controller
// mean "reload". The first install also changes the controller (it claims
// the page) and must not reload it.
let updateAccepted = false;

function whenIdle(work) {
  if (!navigator.locks) return work();
  return navigator.locks.request(LOCK_NAME, work);
}

function updateBanner(worker) {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--small',
      testid: 'update-now',
      onclick: () => {
        button.disabled = true;
        updateAccepted = true;
        whenIdle(async () => worker.postMessage({ type: 'SKIP_WAITING' }));
      },
    },
    t('update.now'),
  );
  return h(
    'div',
    { class: 'update', role: 'status', testid: 'update-banner' },
    h('span', {}, t('update.available')),
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
