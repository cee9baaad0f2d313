// Unsent work as a file: a person whose browser may drop its storage (or who
// changes phone) saves the outbox and loads it again elsewhere. Resending a
// report that already arrived is harmless: the server answers
// `report.already_created` for the same person and id.
import { enqueue, listUnsent } from './outbox.js';
import { getMediaBlob, putMedia } from './media.js';

export const EXPORT_FORMAT = 'wegovnow-outbox';
const EXPORT_VERSION = 1;

function blobToDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// Not fetch(): the CSP's connect-src does not allow data: URLs.
function dataUrlToBlob(dataUrl) {
  const [head, body] = dataUrl.split(',', 2);
  const type = head.slice('data:'.length).split(';')[0];
  const text = atob(body);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** Unsent mutations and the photos they name, as one JSON document. */
export async function exportUnsent() {
  const items = await listUnsent();
  const shas = new Set(items.flatMap((item) => item.args?.photos ?? []));
  const photos = [];

  for (const sha256 of shas) {
    const blob = await getMediaBlob(sha256);
    if (!blob) continue;
    photos.push({
      sha256,
      type: blob.type,
      size: blob.size,
      data_url: await blobToDataUrl(blob),
    });
  }
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exported_at: new Date().toISOString(),
    mutations: items.map((item) => ({
      name: item.name,
      args: item.args,
      base_version: item.base_version,
      created_at: item.created_at,
    })),
    photos,
  };
}

/** The export as a file the browser downloads. */
export async function exportUnsentFile() {
  const body = JSON.stringify(await exportUnsent());
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new File([body], `wegovnow-unsent-${stamp}.json`, {
    type: 'application/json',
  });
}

/** Queue the mutations of an export again; answers how many were queued. */
export async function importUnsent(text) {
  const data = JSON.parse(text);
  if (data?.format !== EXPORT_FORMAT || data.version !== EXPORT_VERSION) {
    throw new Error('not a WeGovNow outbox file');
  }
  for (const photo of data.photos ?? []) {
    const blob = dataUrlToBlob(photo.data_url);
    await putMedia(photo.sha256, blob);
  }
  for (const m of data.mutations ?? []) {
    await enqueue(m.name, m.args, {
      baseVersion: m.base_version,
      createdAt: m.created_at,
    });
  }
  return data.mutations?.length ?? 0;
}
