// Small key/value facts about this installation: its client id, the next
// mutation number, the pull cursor and what the server last confirmed.
import { getDb } from './db.js';

const SENTINEL_KEY = 'wgn-installed';
// The sentinel says only "installed here". Its cookie goes with every
// request, so a value such as the install time would tell devices apart in
// the server's logs. Older versions wrote the time: any value still counts,
// and start rewrites it to this.
const SENTINEL_VALUE = '1';
// How many items were unsent when the outbox last changed: if IndexedDB is
// wiped, this is what the person lost.
const UNSENT_KEY = 'wgn-unsent';
const PERSIST_KEY = 'wgn-persist-asked';
// Chromium's longest cookie life; every outbox change renews it.
const MARKER_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;

// The sentinel and the unsent count are written twice. A browser short of
// space evicts the whole storage bucket, localStorage with IndexedDB, so
// localStorage alone would forget that anything was there. Cookies are not
// part of that bucket and stay, as the session cookie does. (Safari's
// seven-day cap also removes cookies set from script: there the notice
// depends on localStorage surviving.)
function writeMarker(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or blocked: the cookie below may still hold it.
  }
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie =
    `${key}=${encodeURIComponent(value)}; Path=/; ` +
    `Max-Age=${MARKER_COOKIE_MAX_AGE_S}; SameSite=Strict${secure}`;
}

function readMarker(key) {
  const stored = localStorage.getItem(key);
  if (stored !== null) return stored;
  const cookie = document.cookie
    .split('; ')
    .find((pair) => pair.startsWith(`${key}=`));
  return cookie ? decodeCookie(cookie.slice(key.length + 1)) : null;
}

// A cookie we did not write (or a broken one) must not stop the app starting.
function decodeCookie(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Remember the unsent count outside IndexedDB, for the sentinel. */
export function recordUnsentMarker(count) {
  // The sentinel is a safety net, not a must: never fail a save over it.
  try {
    writeMarker(UNSENT_KEY, String(count));
  } catch {
    // Cookies blocked as well.
  }
}

function lostCount() {
  const count = Number(readMarker(UNSENT_KEY) ?? 0);
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
 * sentinel outside IndexedDB (localStorage, and a cookie for when the whole
 * bucket went) survives, and then anything that was still in the outbox is
 * gone: `lost` says how many items were unsent when the outbox last changed.
 */
export async function ensureInstallation() {
  const db = await getDb();
  const tx = db.transaction('meta', 'readwrite');
  const store = tx.objectStore('meta');
  const sentinel = await store.get('sentinel');
  let evicted = false;
  let lost = 0;

  if (!sentinel) {
    evicted = readMarker(SENTINEL_KEY) !== null;
    lost = evicted ? lostCount() : 0;
    const installedAt = new Date().toISOString();
    await store.put({ installed_at: installedAt }, 'sentinel');
    await store.put(crypto.randomUUID(), 'client_id');
    await store.put(1, 'next_seq');
    await store.put(0, 'cursor');
    await store.put(0, 'last_seq');
  }
  await tx.done;
  try {
    // Also replaces an install time written by an older version.
    writeMarker(SENTINEL_KEY, SENTINEL_VALUE);
  } catch {
    // Cookies blocked: localStorage may still hold it.
  }
  if (evicted) recordUnsentMarker(0);

  askPersistence();
  return { evicted, lost };
}
