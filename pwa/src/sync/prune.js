// Once the server shows a photo as ready, the device copy is only a cache.
import { pruneMedia } from './media.js';
import { listRecords } from './records.js';

export async function pruneReadyMedia() {
  const reports = await listRecords('report');
  const ready = new Set();

  for (const record of reports) {
    for (const photo of record.data?.photos ?? []) {
      if (photo.status === 'ready') ready.add(photo.sha256);
    }
  }
  await pruneMedia(ready);
}
