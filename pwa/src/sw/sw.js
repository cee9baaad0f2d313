// The service worker: the app shell from the precache, one index.html for
// every app route, and bounded runtime caches for what is safe to show stale.
// Sync requests never touch a cache: their answers are only right once.
import {
  cleanupOutdatedCaches,
  precacheAndRoute,
  createHandlerBoundToURL,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';

const DAY_S = 24 * 60 * 60;
// Paths the server answers itself, even for a navigation.
const SERVER_PATHS = [/^\/api\//, /^\/signin\//, /^\/open311\//, /^\/auth\//];

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: SERVER_PATHS,
  }),
);

const sameOrigin = (url) => url.origin === self.location.origin;

registerRoute(
  ({ url }) =>
    sameOrigin(url) &&
    (url.pathname === '/api/categories' || url.pathname === '/api/config'),
  new StaleWhileRevalidate({
    cacheName: 'wgn-api-lists',
    plugins: [new CacheableResponsePlugin({ statuses: [200] })],
  }),
);

registerRoute(
  ({ url }) =>
    sameOrigin(url) && /^\/api\/media\/[0-9a-f]{64}\/thumb$/.test(url.pathname),
  new CacheFirst({
    cacheName: 'wgn-thumbs',
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({
        maxEntries: 300,
        maxAgeSeconds: 30 * DAY_S,
        purgeOnQuotaError: true,
      }),
    ],
  }),
);

// Map tiles from the configured source, opaque if it is another origin; a
// bounded set so an afternoon of panning cannot fill the disk.
registerRoute(
  ({ request, url }) =>
    request.destination === 'image' &&
    /\/\d+\/\d+\/\d+(@2x)?\.png$/.test(url.pathname),
  new CacheFirst({
    cacheName: 'wgn-tiles',
    plugins: [
      new CacheableResponsePlugin({ statuses: [0, 200] }),
      new ExpirationPlugin({
        maxEntries: 1000,
        maxAgeSeconds: 14 * DAY_S,
        purgeOnQuotaError: true,
      }),
    ],
  }),
);

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});
