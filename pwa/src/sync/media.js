// Photos travel apart from the text: stored here by their SHA-256 and sent
// after each push (over tus, resumable), so a report's text never waits for
// its photo and a photo that fails never holds the report back.
import { getDb, NO, YES } from './db.js';
import { HttpError } from '../api/http.js';
import { logger } from '../app/log.js';

const log = logger('media');

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

async function rememberUploadUrl(sha256, url) {
  const db = await getDb();
  const tx = db.transaction('media', 'readwrite');
  const item = await tx.store.get(sha256);
  if (item && item.upload_url !== url) {
    await tx.store.put({ ...item, upload_url: url });
  }
  await tx.done;
}

/**
 * Send one photo over tus: create (or find again) its upload, then send
 * what the server lacks in checksummed 1 MB chunks. Answers true when the
 * server holds the photo, null when it refused it for good (it is not tried
 * again) and false when a later run may do better.
 */
async function uploadOne(item) {
  const { openUpload, sendUpload } = await import('./tus.js');
  let upload;
  try {
    upload = await openUpload(item.sha256, item.blob.size);
  } catch (error) {
    if (!(error instanceof HttpError) || error.status === 401) throw error;
    // 4xx other than auth will not get better by retrying the same bytes.
    log.warn('photo refused', item.sha256, error.status);
    return error.status < 500 ? null : false;
  }
  if (upload.offset >= item.blob.size) return true;

  await rememberUploadUrl(item.sha256, upload.url);
  await sendUpload(upload.url, item.blob);
  return true;
}

/** Upload every photo the server does not have yet; answers how many failed. */
export async function uploadPendingMedia() {
  const db = await getDb();
  const pending = await db.getAllFromIndex('media', 'uploaded', NO);
  let failed = 0;

  for (const item of pending) {
    try {
      const done = await uploadOne(item);
      if (done !== false) await markUploaded(item.sha256);
      if (!done) failed += 1;
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
