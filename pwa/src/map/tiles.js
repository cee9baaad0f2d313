// Tile arithmetic (Web Mercator, the slippy-map scheme) and the offline copy
// of an area's tiles, which lives in a cache of its own so that browsing can
// never evict what staff chose to keep.
export const SAVED_TILES_CACHE = 'wgn-tiles-saved';
export const MAX_SAVED_TILES = 400;
// OpenStreetMap's tile usage policy forbids bulk downloading, naming offline
// copies at zoom 17 and above (operations.osmfoundation.org/policies/tiles):
// without a setting from the server, a saved area stops at 16.
export const DEFAULT_SAVE_MAX_ZOOM = 16;
const SAVE_MIN_ZOOM = 12;
const PARALLEL = 4;

function tileX(lon, zoom) {
  return Math.floor(((lon + 180) / 360) * 2 ** zoom);
}

function tileY(lat, zoom) {
  const rad = (lat * Math.PI) / 180;
  const y = (1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2;
  return Math.floor(y * 2 ** zoom);
}

/**
 * Tile addresses covering `bbox` [minLon, minLat, maxLon, maxLat], from
 * `minZoom` up, stopping before the list would pass `limit`.
 */
export function tilesForBbox(bbox, minZoom, maxZoom, limit = MAX_SAVED_TILES) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const tiles = [];

  for (let z = minZoom; z <= maxZoom; z += 1) {
    const level = [];
    for (let x = tileX(minLon, z); x <= tileX(maxLon, z); x += 1) {
      for (let y = tileY(maxLat, z); y <= tileY(minLat, z); y += 1) {
        level.push({ z, x, y });
      }
    }
    if (tiles.length + level.length > limit) break;
    tiles.push(...level);
  }
  return tiles;
}

export function tileUrl(template, { z, x, y }) {
  return template
    .replace('{s}', 'a')
    .replace('{z}', z)
    .replace('{x}', x)
    .replace('{y}', y)
    .replace('{r}', '');
}

/**
 * Keep the tiles of `bbox` for offline use, from zoom 12 up to `maxZoom`,
 * replacing the area saved before.
 *
 * Calls `onProgress(done, total)` after each tile; a tile that fails is
 * counted and skipped. Answers {saved, total}.
 */
export async function saveTiles(template, bbox, maxZoom, onProgress) {
  const tiles = tilesForBbox(bbox, Math.min(SAVE_MIN_ZOOM, maxZoom), maxZoom);
  await caches.delete(SAVED_TILES_CACHE);
  const cache = await caches.open(SAVED_TILES_CACHE);
  let done = 0;
  let saved = 0;
  let failed = 0;
  const queue = [...tiles];

  async function worker() {
    while (queue.length > 0) {
      const url = new URL(tileUrl(template, queue.shift()), location.href);
      try {
        const response = await fetch(url, { credentials: 'omit' });
        if (response.ok) {
          await cache.put(url, response);
          saved += 1;
        }
      } catch {
        // One tile lost is a gap; every tile of the first round lost means
        // no signal, or a tile host the page may not fetch (connect-src).
        failed += 1;
        if (failed === done + 1 && failed >= PARALLEL) queue.length = 0;
      }
      done += 1;
      onProgress(done, tiles.length);
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { saved, total: tiles.length };
}
