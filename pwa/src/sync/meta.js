// Small key/value facts about this installation: its client id, the next
// mutation number, the pull cursor and what the server last confirmed.
import { getDb } from './db.js';

const SENTINEL_KEY = 'wgn-installed';

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
 * then anything that was still in the outbox is gone.
 */
export async function ensureInstallation() {
  const db = await getDb();
  const tx = db.transaction('meta', 'readwrite');
  const store = tx.objectStore('meta');
  const sentinel = await store.get('sentinel');
  let evicted = false;

  if (!sentinel) {
    evicted = localStorage.getItem(SENTINEL_KEY) !== null;
    const installedAt = new Date().toISOString();
    await store.put({ installed_at: installedAt }, 'sentinel');
    await store.put(crypto.randomUUID(), 'client_id');
    await store.put(1, 'next_seq');
    await store.put(0, 'cursor');
    await store.put(0, 'last_seq');
    localStorage.setItem(SENTINEL_KEY, installedAt);
  }
  await tx.done;

  // Ask the browser not to evict the outbox under storage pressure.
  navigator.storage?.persist?.().catch(() => {});
  return { evicted };
}
