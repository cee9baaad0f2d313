// Small key/value facts about this installation: its client id, the next
// mutation number, the pull cursor and what the server last confirmed.
import { getDb } from './db.js';

const SENTINEL_KEY = 'wgn-installed';
// How many items were unsent when the outbox last changed: if IndexedDB is
// wiped, this is what the person lost.
const UNSENT_KEY = 'wgn-unsent';
const PERSIST_KEY = 'wgn-persist-asked';

/** Remember the unsent count outside IndexedDB, for the sentinel. */
export function recordUnsentMarker(count) {
  try {
    localStorage.setItem(UNSENT_KEY, String(count));
  } catch {
    // Storage full or blocked: the sentinel is a safety net, not a must.
  }
}

function lostCount() {
  const count = Number(localStorage.getItem(UNSENT_KEY) ?? 0);
  return Number.isFinite(count) ? count : 0;
}

/** Ask once per installation not to be evicted under storage pressure. */
function askPersistence() {
  if (!navigator.storage?.persist || localStorage.getItem(PERSIST_KEY)) return;
  localStorage.setItem(PERSIST_KEY, new Date().toISOString());
  navigator.storage.persist().catch(() => {});
}

export async function getMeta(key, fallback = undefined) {
  const db = await getDb();
  const value = await db.get('meta', key);
  return value === undefined ? fallback : value;
}

export async function setMeta(key, value) {
  const db = await getDb();
  await db.put('meta', value, key);
}

/**
 * Make sure this installation has a client id and a seq counter.
 *
 * Answers whether the browser dropped our storage since the last visit: the
 * sentinel in localStorage survives when IndexedDB was evicted on its own, and
 * then anything that was still in the outbox is gone: `lost` says how many
 * items were unsent when the outbox last changed.
 */
export async function ensureInstallation() {
  const db = await getDb();
  const tx = db.transaction('meta', 'readwrite');
  const store = tx.objectStore('meta');
  const sentinel = await store.get('sentinel');
  let evicted = false;
  let lost = 0;

  if (!sentinel) {
    evicted = localStorage.getItem(SENTINEL_KEY) !== null;
    lost = evicted ? lostCount() : 0;
    const installedAt = new Date().toISOString();
    await store.put({ installed_at: installedAt }, 'sentinel');
    await store.put(crypto.randomUUID(), 'client_id');
    await store.put(1, 'next_seq');
    await store.put(0, 'cursor');
    await store.put(0, 'last_seq');
    localStorage.setItem(SENTINEL_KEY, installedAt);
  }
  await tx.done;
  if (evicted) recordUnsentMarker(0);

  askPersistence();
  return { evicted, lost };
}
