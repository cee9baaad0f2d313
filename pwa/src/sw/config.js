// The server's settings as the worker knows them. The page fetches
// /api/config through the worker (a stale-while-revalidate route), so the
// worker reads the copy that route keeps and follows each newer copy it
// stores; only when no copy exists yet does it ask the server itself.
export const API_LISTS_CACHE = 'wgn-api-lists';
const CONFIG_PATH = '/api/config';

let current = null;
let loading = null;

async function fetchAndKeep() {
  const response = await fetch(CONFIG_PATH, { credentials: 'same-origin' });
  if (!response.ok) return null;
  const cache = await caches.open(API_LISTS_CACHE);
  await cache.put(CONFIG_PATH, response.clone());
  return response.json();
}

async function load() {
  const kept = await caches.match(CONFIG_PATH, { cacheName: API_LISTS_CACHE });
  try {
    current = kept ? await kept.json() : await fetchAndKeep();
  } catch {
    // Offline on a first start, or a copy that is not JSON: no config yet,
    // the next request tries again.
    current = null;
  }
  loading = null;
  return current;
}

/** The config, read once per worker start; null when there is none. */
export function readConfig() {
  if (current) return Promise.resolve(current);
  loading ??= load();
  return loading;
}

/** The config already read, without waiting; null before the first read. */
export function knownConfig() {
  return current;
}

/** A Workbox plugin for the route that keeps /api/config: follow it. */
export const followConfig = {
  cacheDidUpdate: async ({ request, newResponse }) => {
    if (new URL(request.url).pathname !== CONFIG_PATH) return;
    try {
      current = await newResponse.clone().json();
    } catch {
      // Keep what we had: a broken copy must not turn tile caching off.
    }
  },
};
