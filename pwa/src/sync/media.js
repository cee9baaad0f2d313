// Photos travel apart from the text: stored here by their SHA-256 and sent
// before each push, but a photo that fails never holds the report back.
import { getDb, NO, YES } from './db.js';
import { HttpError, request } from '../api/http.js';
import { logger } from '../app/log.js';

const log = logger('media');
// Room for a 5 MB photo at about 30 kB/s, a poor 3G link.
const UPLOAD_TIMEOUT_MS = 180_000;

export async function putMedia(sha256, blob) {
  const db = await getDb();
  const existing = await db.get('media', sha256);
  if (existing) return;
  await db.put('media', {
    sha256,
    blob,
    uploaded: NO,
    created_at: new Date().toISOString(),
  });
}

export async function getMediaBlob(sha256) {
  const db = await getDb();
  return (await db.get('media', sha256))?.blob ?? null;
}

async function markUploaded(sha256) {
  const db = await getDb();
  const tx = db.transaction('media', 'readwrite');
  const item = await tx.store.get(sha256);
  if (item) await tx.store.put({ ...item, uploaded: YES });
  await tx.done;
}

async function uploadOne(item) {
  const path = `/api/media/${item.sha256}`;
  const head = await request(path, { method: 'HEAD' });
  if (head.status === 401) throw new HttpError(401, null);
  if (head.ok) return true;

  const put = await request(path, {
    method: 'PUT',
    body: item.blob,
    timeoutMs: UPLOAD_TIMEOUT_MS,
  });
  if (put.status === 401) throw new HttpError(401, null);
  if (put.ok) return true;

  // 4xx other than auth will not get better by retrying the same bytes.
  log.warn('photo refused', item.sha256, put.status);
  return put.status >= 400 && put.status < 500;
}

/** Upload every photo the server does not have yet; answers how many failed. */
export async function uploadPendingMedia() {
  const db = await getDb();
  const pending = await db.getAllFromIndex('media', 'uploaded', NO);
  let failed = 0;

  for (const item of pending) {
    try {
      if (await uploadOne(item)) await markUploaded(item.sha256);
      else failed += 1;
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) throw error;
      failed += 1;
      log.warn('photo upload failed', item.sha256, error);
    }
  }
  return failed;
}

/** Forget uploaded photos that the server now shows as ready. */
export async function pruneMedia(readyShas) {
  const db = await getDb();
  const tx = db.transaction('media', 'readwrite');
  const uploaded = await tx.store.index('uploaded').getAllKeys(YES);

  for (const sha of uploaded) {
    if (readyShas.has(sha)) await tx.store.delete(sha);
  }
  await tx.done;
}
