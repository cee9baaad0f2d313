// Map tiles a person has seen, bounded twice: Workbox's ExpirationPlugin
// keeps at most MAX_ENTRIES (least recently used out first), and this module
// keeps the cache under MAX_BYTES, oldest written first. Each stored tile
// carries its size in a header, so the budget is counted without reading
// bodies back. Tiles an area was saved with live in a cache of their own
// and are answered first.
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';

export const TILES_CACHE = 'wgn-tiles';
export const SAVED_TILES_CACHE = 'wgn-tiles-saved';
export const MAX_ENTRIES = 1000;
export const MAX_BYTES = 30 * 1024 * 1024;
const SIZE_HEADER = 'x-wgn-bytes';
const DAY_S = 24 * 60 * 60;

async function withSize(response) {
  const body = await response.blob();
  const headers = new Headers(response.headers);
  headers.set(SIZE_HEADER, String(body.size));
  return new Response(body, { status: response.status, headers });
}

/** Drop the oldest tiles until the cache fits `maxBytes`. */
export async function enforceByteBudget(maxBytes = MAX_BYTES) {
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
  for (let i = 0; i < keys.length && total > maxBytes; i += 1) {
    await cache.delete(keys[i]);
    total -= sizes[i];
  }
}

let budgetRun = null;

const byteBudget = {
  cacheWillUpdate: async ({ response }) =>
    response?.status === 200 ? withSize(response) : null,
  cacheDidUpdate: async () => {
    // One pass at a time; tiles arrive in bursts of twenty.
    budgetRun ??= enforceByteBudget().finally(() => {
      budgetRun = null;
    });
    await budgetRun;
  },
};

const seen = new CacheFirst({
  cacheName: TILES_CACHE,
  plugins: [
    new CacheableResponsePlugin({ statuses: [200] }),
    byteBudget,
    new ExpirationPlugin({
      maxEntries: MAX_ENTRIES,
      maxAgeSeconds: 30 * DAY_S,
      purgeOnQuotaError: true,
    }),
  ],
});

export async function handleTile(options) {
  const saved = await caches.match(options.request, {
    cacheName: SAVED_TILES_CACHE,
  });
  return saved ?? seen.handle(options);
}

/** A map tile URL: /{z}/{x}/{y}.png at the end of the path. */
export function isTile({ request, url }) {
  return (
    url.origin === self.location.origin &&
    request.destination === 'image' &&
    /\/\d+\/\d+\/\d+(@2x)?\.(png|jpg|webp)$/.test(url.pathname)
  );
}
