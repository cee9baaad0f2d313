// Resumable photo uploads over tus 1.0, loaded only when a photo is sent so
// the first visit does not pay for it.
import { HttpError, request, sendTimeHeaders } from '../api/http.js';

export const CHUNK_BYTES = 1024 * 1024;
const TUS_VERSION = '1.0.0';

function base64(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text);
}

/**
 * Create the upload, or find it again: the server keeps one upload per
 * person and photo, so after an app kill the same request answers the same
 * address and how much of the photo it already holds.
 */
export async function openUpload(sha256, size) {
  const answer = await request('/api/uploads', {
    method: 'POST',
    headers: {
      'Tus-Resumable': TUS_VERSION,
      'Upload-Length': String(size),
      'Upload-Metadata': `sha256 ${btoa(sha256)}`,
    },
  });
  if (answer.status !== 201) {
    throw new HttpError(answer.status, await answer.json().catch(() => null));
  }
  return {
    url: answer.headers.get('Location'),
    offset: Number(answer.headers.get('Upload-Offset') ?? 0),
  };
}

/** Each chunk carries its own SHA-256, so a garbled chunk is refused alone. */
function checksumChunks(blob) {
  return async (req) => {
    if (req.getMethod() !== 'PATCH') return;
    const offset = Number(req.getHeader('Upload-Offset'));
    const chunk = blob.slice(offset, Math.min(offset + CHUNK_BYTES, blob.size));
    const digest = await crypto.subtle.digest(
      'SHA-256',
      await chunk.arrayBuffer(),
    );
    req.setHeader('Upload-Checksum', `sha256 ${base64(digest)}`);
  };
}

/** Send the rest of `blob` to `url`, from the offset a HEAD answers. */
export async function sendUpload(url, blob, { onProgress } = {}) {
  const { Upload } = await import('tus-js-client');

  return new Promise((resolve, reject) => {
    const upload = new Upload(blob, {
      uploadUrl: url,
      uploadSize: blob.size,
      chunkSize: CHUNK_BYTES,
      // The sync run retries later with back-off; a quick second try covers
      // a single dropped chunk.
      retryDelays: [0, 2000],
      headers: sendTimeHeaders(),
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: checksumChunks(blob),
      onProgress,
      onSuccess: () => resolve(),
      onError: (error) => {
        const status = error.originalResponse?.getStatus?.() ?? 0;
        reject(status ? new HttpError(status, null) : error);
      },
    });
    upload.start();
  });
}
