// The service worker: the app shell from the precache, one index.html for
// every app route, and bounded runtime caches for what is safe to show stale.
// Sync requests never touch a cache: their answers are only right once.
import {
  cleanupOutdatedCaches,
  precacheAndRoute,
  createHandlerBoundToURL,
} from 'workbox-precaching';
import { clientsClaim } from 'workbox-core';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { installPushHandlers } from './push.js';
import { handleTile, isTile } from './tiles.js';
import { followConfig, readConfig } from './config.js';
import { receiveShare } from './share.js';

const DAY_S = 24 * 60 * 60;
// Paths the server answers itself, even for a navigation.
const SERVER_PATHS = [/^\/api\//, /^\/signin\//, /^\/open311\//, /^\/auth\//];

// The first install takes the open page at once, so it works offline without
// a second visit. Later versions still wait for the person (see register.js).
clientsClaim();
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
    plugins: [new CacheableResponsePlugin({ statuses: [200] }), followConfig],
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

// Map tiles from the app's own origin or the configured tile server, whose
// origin the server's CSP adds to connect-src for this worker's fetches.
// Reading the config now lets the tile route tell tile servers apart from
// the first tile on.
readConfig();
registerRoute(isTile, handleTile);

registerRoute(({ url }) => url.pathname === '/share', receiveShare, 'POST');

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

installPushHandlers(self);
