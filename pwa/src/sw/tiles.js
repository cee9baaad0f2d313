// Map tiles a person has seen, from this origin or from the tile server the
// config names (OpenStreetMap by default), kept under two bounds the server
// sets: a count and a byte total, the oldest written dropped first. Each
// stored tile carries its size in a header, so the budget is counted without
// reading bodies back. Tiles an area was saved with live in a cache of their
// own and are answered first.
//
// Leaflet asks for tiles as plain images (no CORS), which a tile server
// without CORS headers still answers. The worker asks for the same tile with
// CORS instead: only then can it read the size and keep the tile. A server
// that refuses CORS gets the plain request back, its tile is shown and not
// kept, because an opaque answer has no size for the budget and Chrome
// charges it about 7 MB of quota.
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { knownConfig, readConfig } from './config.js';

export const TILES_CACHE = 'wgn-tiles';
export const SAVED_TILES_CACHE = 'wgn-tiles-saved';
// Used while there is no config (offline on a first start); the server's
// defaults are the same.
const DEFAULT_LIMITS = { maxTiles: 1000, maxBytes: 30 * 1024 * 1024 };
const SIZE_HEADER = 'x-wgn-bytes';
const DAY_S = 24 * 60 * 60;
const TILE_PATH = /\/\d+\/\d+\/\d+(@2x)?\.(png|jpg|jpeg|webp)$/;

function limitsOf(config) {
  return {
    maxTiles: config?.tile_cache_max_tiles ?? DEFAULT_LIMITS.maxTiles,
    maxBytes: config?.tile_cache_max_bytes ?? DEFAULT_LIMITS.maxBytes,
  };
}

/** Does `url` come from the tile server of `template`? `{s}` is any name. */
export function fromTileServer(template, url) {
  if (!template) return false;
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.exec(template)?.[0];
  if (!origin) return false; // a path on this origin
  const pattern = origin
    .split('{s}')
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+');
  return new RegExp(`^${pattern}$`, 'i').test(url.origin);
}

async function withSize(response) {
  const body = await response.blob();
  const headers = new Headers(response.headers);
  headers.set(SIZE_HEADER, String(body.size));
  return new Response(body, { status: response.status, headers });
}

/**
 * Drop the oldest tiles until the cache holds at most `maxTiles` tiles of
 * `maxBytes` in all.
 */
export async function enforceBudget({ maxTiles, maxBytes }) {
  const cache = await caches.open(TILES_CACHE);
  const keys = await cache.keys();
  const sizes = [];
  let total = 0;

  for (const request of keys) {
    const response = await cache.match(request);
    const size = Number(response?.headers.get(SIZE_HEADER) ?? 0);
    sizes.push(size);
    total += size;
  }
  // keys() answers in insertion order: the front is the oldest.
  let count = keys.length;
  for (let i = 0; count > maxTiles || total > maxBytes; i += 1) {
    await cache.delete(keys[i]);
    count -= 1;
    total -= sizes[i];
  }
}

// One pass at a time, and one more after it when tiles arrived meanwhile:
// a pass that read the keys before a tile was stored must not be the last.
let budgetRun = null;
let budgetAgain = false;

function scheduleBudget() {
  if (budgetRun) {
    budgetAgain = true;
    return budgetRun;
  }
  budgetRun = (async () => {
    do {
      budgetAgain = false;
      await enforceBudget(limitsOf(await readConfig()));
    } while (budgetAgain);
  })().finally(() => {
    budgetRun = null;
  });
  return budgetRun;
}

const budget = {
  // Only a readable 200 is kept: an opaque answer (status 0) never is.
  cacheWillUpdate: async ({ response }) =>
    response?.status === 200 && response.type !== 'opaque'
      ? withSize(response)
      : null,
  cacheDidUpdate: () => scheduleBudget(),
};

const seen = new CacheFirst({
  cacheName: TILES_CACHE,
  plugins: [
    budget,
    new ExpirationPlugin({
      maxAgeSeconds: 30 * DAY_S,
      purgeOnQuotaError: true,
    }),
  ],
});

// Origins whose tile server answered without CORS in this worker's life:
// asking them with CORS again would fetch every tile twice.
const withoutCors = new Set();

async function fromOtherOrigin({ request, event }) {
  if (withoutCors.has(new URL(request.url).origin)) return fetch(request);
  const cors = new Request(request.url, { mode: 'cors', credentials: 'omit' });
  try {
    return await seen.handle({ request: cors, event });
  } catch (error) {
    // No CORS, or no network: the plain request tells which.
    const plain = await fetch(request).catch(() => null);
    if (!plain) throw error;
    withoutCors.add(new URL(request.url).origin);
    return plain;
  }
}

// A tile neither the caches nor the network can give (offline, never seen):
// an empty square instead of a failed image, so the map shows its plain
// background under the pins with no broken picture and no error logged. It
// is never stored: the real tile comes once the signal is back.
const EMPTY_TILE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"/>';

function emptyTile() {
  return new Response(EMPTY_TILE, {
    headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store' },
  });
}

async function tileFromAnywhere(options) {
  const { request, url } = options;
  const saved = await caches.match(request.url, {
    cacheName: SAVED_TILES_CACHE,
    ignoreVary: true,
  });
  if (saved) return saved;
  if (url.origin === self.location.origin) return seen.handle(options);

  const config = await readConfig();
  if (!fromTileServer(config?.tile_url, url)) return fetch(request);
  return fromOtherOrigin(options);
}

export async function handleTile(options) {
  try {
    return await tileFromAnywhere(options);
  } catch {
    return emptyTile();
  }
}

/**
 * A map tile: an image ending in /{z}/{x}/{y}.png, from this origin or the
 * configured tile server. Before the worker has read the config, any origin
 * is taken and `handleTile` sorts them once it has.
 */
export function isTile({ request, url }) {
  if (request.destination !== 'image' || !TILE_PATH.test(url.pathname)) {
    return false;
  }
  if (url.origin === self.location.origin) return true;
  const config = knownConfig();
  return config === null || fromTileServer(config.tile_url, url);
}
