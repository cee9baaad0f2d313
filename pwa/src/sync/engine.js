// When and how a sync runs. One tab at a time holds the Web Lock; the others
// hear the result over the events channel.
import { HttpError, NetworkError } from '../api/http.js';
import { logger } from '../app/log.js';
import { emit, on, OUTBOX_CHANGED, STATUS_CHANGED } from './events.js';
import { pruneReadyMedia } from './prune.js';
import { renumberUnsent, resetSending } from './outbox.js';
import { pullChanges } from './pull.js';
import { pushOutbox } from './push.js';
import { uploadPendingMedia } from './media.js';

export const LOCK_NAME = 'wegovnow-sync';

const log = logger('sync');
const MIN_DELAY_MS = 15_000;
const MAX_DELAY_MS = 15 * 60_000;

const status = {
  phase: 'idle', // idle | syncing | offline | signin | error
  lastSyncedAt: null,
  error: null,
};
let paused = false;
let timer = null;
let failures = 0;
let pending = null;
let again = null;
let beforeRun = async () => {};

let onForeignClient = () => renumberUnsent(crypto.randomUUID());

/** Run `hook` when the server says our client id belongs to someone else. */
export function setForeignClientHandler(hook) {
  onForeignClient = hook;
}

/** Run `hook` before each sync, e.g. to finish signing in after offline. */
export function setBeforeRun(hook) {
  beforeRun = hook;
}

export function syncStatus() {
  return { ...status, paused };
}

function setStatus(change) {
  Object.assign(status, change);
  emit(STATUS_CHANGED, syncStatus(), { local: true });
}

function withLock(work) {
  if (!navigator.locks) return work();
  return navigator.locks.request(LOCK_NAME, work);
}

async function runOnce() {
  setStatus({ phase: 'syncing', error: null });
  await beforeRun();
  // Photos first so reports arrive with them when it can be; their failures
  // are counted but never stop the text.
  await uploadPendingMedia();
  await pushOutbox();
  await pullChanges();
  await pruneReadyMedia();
}

function schedule(delayMs) {
  clearTimeout(timer);
  timer = setTimeout(() => requestSync('timer'), delayMs);
}

function backoffDelay() {
  const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** failures);
  return base / 2 + Math.random() * (base / 2);
}

async function handleFailure(error) {
  await resetSending();
  if (error instanceof HttpError && error.status === 401) {
    // Nothing is dropped: the queue waits for the person to sign in again.
    paused = true;
    setStatus({ phase: 'signin', error: null });
    return;
  }
  if (error instanceof HttpError && error.code === 'sync.client_foreign') {
    // Another account signed in behind our back (a sign-in link opened in
    // another tab): the app re-reads who is here and moves the unsent work
    // to a fresh client id.
    await onForeignClient();
    schedule(0);
    return;
  }
  failures += 1;
  if (error instanceof NetworkError || !navigator.onLine) {
    setStatus({ phase: 'offline', error: null });
  } else {
    log.warn('sync failed', error);
    setStatus({ phase: 'error', error: error.message });
  }
  schedule(backoffDelay());
}

/**
 * Sync now, or right after the run that is already going.
 *
 * A request that arrives mid-run (the network just came back, a report was
 * just saved) gets a run of its own afterwards: the current run may have
 * read the outbox or the network state before the reason for the request.
 * Answers true when the run finished without error.
 */
export function requestSync(reason = 'manual') {
  if (paused) return Promise.resolve(false);
  if (pending) {
    log.debug('sync requested during a run', reason);
    again ??= pending.then(() => {
      again = null;
      return requestSync(`${reason} (after the run)`);
    });
    return again;
  }

  log.debug('sync requested', reason);
  pending = withLock(runOnce)
    .then(() => {
      failures = 0;
      setStatus({ phase: 'idle', lastSyncedAt: new Date().toISOString() });
      schedule(MAX_DELAY_MS);
      log.debug('sync done');
      return true;
    })
    .catch(async (error) => {
      await handleFailure(error);
      log.debug('sync failed', error);
      return false;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** Called once the person has signed in again after a 401. */
export function resumeSync() {
  paused = false;
  failures = 0;
  return requestSync('resume');
}

/** Wire the triggers: online, visible again, new outbox items, timer. */
export function startSyncTriggers() {
  window.addEventListener('online', () => requestSync('online'));
  window.addEventListener('offline', () => setStatus({ phase: 'offline' }));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') requestSync('visible');
  });
  on(OUTBOX_CHANGED, (detail) => {
    if (detail?.queued && navigator.onLine) schedule(300);
  });
}
