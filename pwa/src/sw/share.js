// Web Share Target: a photo shared from another app arrives as a POST to
// /share. The worker keeps it in a cache and opens the new-report screen,
// which picks it up from there.
export const SHARED_CACHE = 'wgn-shared';
export const SHARED_URL = '/shared-photo';

export async function receiveShare({ request }) {
  const form = await request.formData();
  const file = form.getAll('photo').find((item) => item instanceof File);

  if (file) {
    const cache = await caches.open(SHARED_CACHE);
    await cache.put(
      SHARED_URL,
      new Response(file, {
        headers: {
          'Content-Type': file.type || 'application/octet-stream',
          'X-File-Name': encodeURIComponent(file.name || 'photo'),
        },
      }),
    );
  }
  return Response.redirect(file ? '/?shared=1' : '/', 303);
}
