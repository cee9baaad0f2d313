// Boot: open local storage, pick a language, find out who is here, show the
// app, then start syncing. Each step tolerates being offline.
import { h, mount } from './ui/dom.js';
import {
  loadLanguage,
  onLanguageChange,
  preferredLanguage,
  t,
} from './i18n/i18n.js';
import { ensureInstallation } from './sync/meta.js';
import { refreshSession, startSession, currentUser } from './api/session.js';
import { HttpError, NetworkError } from './api/http.js';
import { bindAccount, startNewClient } from './app/account.js';
import { refresh, route, startRouter } from './app/router.js';
import {
  requestSync,
  resumeSync,
  setForeignClientHandler,
  setBeforeRun,
  startSyncTriggers,
} from './sync/engine.js';
import { header } from './shell/header.js';
import { outboxBadge } from './shell/outbox-badge.js';
import { statusBar } from './shell/status-bar.js';
import { registerServiceWorker } from './sw/register.js';
import { newReportScreen } from './report/new-report.js';
import { myReportsScreen } from './mine/my-reports.js';
import { staffScreen } from './staff/staff-screen.js';
import { mapScreen } from './map/index.js';
import { pushSettingsScreen } from './push/settings.js';
import { refreshSubscription } from './push/subscription.js';
import { logger } from './app/log.js';
import { addAccountRoutes, guestBanner } from './account/index.js';
import { addVotingRoutes } from './proposals/voting-routes.js';
import { addProposalRoutes } from './proposals/routes.js';

const log = logger('boot');

async function establishSession() {
  try {
    const user = await startSession();
    await bindAccount(user);
    return user;
  } catch (error) {
    log.warn('no session yet', error);
    return null;
  }
}

// Started offline: sign in for real before the first sync that has network.
async function sessionBeforeSync() {
  const user = currentUser();
  if (user && !user.offline) return;
  const fresh = await startSession();
  if (fresh.offline) throw new NetworkError(new Error('still offline'));
  await bindAccount(fresh);
  renderChrome();
}

async function recoverForeignClient() {
  const user = await refreshSession();
  if (!(await bindAccount(user))) await startNewClient();
  renderChrome();
}

async function signInAgain() {
  try {
    const user = await refreshSession();
    await bindAccount(user);
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 401)) throw error;
    // A guest whose session ended gets a new guest account; anyone else
    // signs in again with a passkey.
    if (!currentUser()?.is_guest) {
      location.assign('/signin');
      return;
    }
    await bindAccount(await startSession());
  }
  renderChrome();
  resumeSync();
}

const chrome = {
  header: null,
  status: null,
  banners: null,
  guest: null,
  badge: null,
};

function renderChrome() {
  const user = currentUser();
  chrome.badge.update();
  mount(chrome.header, header(user, chrome.badge.el));
  chrome.status.render();
  chrome.guest.replaceChildren(guestBanner(user) ?? '');
}

function buildLayout(root) {
  chrome.header = h('div', { class: 'chrome' });
  chrome.badge = outboxBadge();
  chrome.status = statusBar({
    onSignIn: () => signInAgain().catch((e) => log.warn(e)),
  });
  chrome.banners = h('div', { class: 'banners' });
  // A named section is a landmark, so the guest banner is not stray content.
  chrome.guest = h('section', {
    class: 'banners',
    'aria-label': t('account.guest_region'),
  });
  const main = h('main', { id: 'main', class: 'screen', tabindex: '-1' });

  mount(
    root,
    h(
      'a',
      { href: '#main', class: 'skip', 'data-external': '' },
      t('app.skip'),
    ),
    chrome.header,
    chrome.status.el,
    chrome.banners,
    chrome.guest,
    main,
  );
  return main;
}

function warnEvicted(lost) {
  chrome.banners.append(
    h(
      'p',
      {
        class: 'banner banner--warn',
        role: 'alert',
        testid: 'storage-evicted',
      },
      lost > 0
        ? t('storage.evicted_unsent', { count: lost })
        : t('storage.evicted'),
    ),
  );
}

export async function boot() {
  const root = document.getElementById('app');
  const { evicted, lost } = await ensureInstallation();
  await loadLanguage(preferredLanguage());
  const user = await establishSession();

  const main = buildLayout(root);
  renderChrome();
  if (evicted) warnEvicted(lost);

  route('/', newReportScreen);
  route('/mine', myReportsScreen);
  route('/map', mapScreen);
  route('/staff', staffScreen);
  route('/staff/reports/:id', staffScreen);
  route('/settings/notifications', pushSettingsScreen);
  addAccountRoutes(route);
  addVotingRoutes(route);
  addProposalRoutes(route);
  startRouter(main);

  window.addEventListener('wgn:routed', () => {
    renderChrome();
    main.focus({ preventScroll: true });
  });
  onLanguageChange(() => {
    root.ownerDocument.title = t('app.name');
    refresh();
  });
  window.addEventListener('wgn:db-outdated', () => location.reload());

  setBeforeRun(sessionBeforeSync);
  setForeignClientHandler(recoverForeignClient);
  startSyncTriggers();
  registerServiceWorker(chrome.banners);
  // Endpoints change; hand the current one to the server (never asks).
  if (user && !user.offline) {
    refreshSubscription().catch((error) => log.warn('push refresh', error));
  }
  if (user || navigator.onLine) requestSync('start');
}

boot().catch((error) => log.error('boot failed', error));
