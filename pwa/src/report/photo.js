// Turns the camera's file into what we send: upright, at most 2560 px on the
// long edge, re-encoded as JPEG. Re-encoding drops EXIF, so the location and
// device details inside the original never leave the phone.
import { logger } from '../app/log.js';
import { HeifUnsafeError, wipeHeifMetadata } from './heif-metadata.js';

const log = logger('photo');
const MAX_EDGE = 2560;
const JPEG_QUALITY = 0.85;

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    await blob.arrayBuffer(),
  );
  return Array.from(new Uint8Array(digest), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

function fitWithin(width, height) {
  const scale = Math.min(1, MAX_EDGE / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

async function encodeJpeg(bitmap, { width, height }) {
  if ('OffscreenCanvas' in self) {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('encode failed'))),
      'image/jpeg',
      JPEG_QUALITY,
    ),
  );
}

/** A photo whose metadata could not be removed here: it must not be sent. */
export class PhotoNotCleanError extends Error {
  constructor(reason) {
    super(`photo metadata cannot be removed: ${reason}`);
    this.name = 'PhotoNotCleanError';
  }
}

// A format this browser cannot decode (HEIC on all but Safari) keeps its
// pixels as they came, for the server to decode; its Exif and XMP are zeroed
// here first, or the GPS inside would wait in the outbox, the exported
// outbox file and every proxy on the way.
async function keepUndecoded(file) {
  let bytes;
  try {
    bytes = wipeHeifMetadata(new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    if (!(error instanceof HeifUnsafeError)) throw error;
    throw new PhotoNotCleanError(error.reason);
  }
  const blob = new Blob([bytes], { type: file.type || 'image/heif' });
  return { blob, sha256: await sha256Hex(blob), decoded: false };
}

/**
 * Prepare a chosen photo for the outbox: answers `{blob, sha256, decoded,
 * width, height}`. Throws PhotoNotCleanError for a photo that this browser
 * can neither decode nor clean of its metadata.
 */
export async function preparePhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (error) {
    log.warn('cannot decode here, sending it cleaned', file.type, error);
    return keepUndecoded(file);
  }

  try {
    const size = fitWithin(bitmap.width, bitmap.height);
    const blob = await encodeJpeg(bitmap, size);
    return { blob, sha256: await sha256Hex(blob), decoded: true, ...size };
  } finally {
    bitmap.close();
  }
}
