// A photo another app shared with us (see sw/share.js), taken once.
const SHARED_CACHE = 'wgn-shared';
const SHARED_URL = '/shared-photo';

/** The shared photo as a File, removed from the cache, or null. */
export async function takeSharedPhoto() {
  if (!('caches' in self)) return null;
  const cache = await caches.open(SHARED_CACHE);
  const response = await cache.match(SHARED_URL);
  if (!response) return null;

  const blob = await response.blob();
  await cache.delete(SHARED_URL);
  const name = decodeURIComponent(
    response.headers.get('X-File-Name') ?? 'photo',
  );
  return new File([blob], name, { type: blob.type });
}
