// Reads the server's changes after our cursor until it has no more.
import { requestJson } from '../api/http.js';
import { getMeta, setMeta } from './meta.js';
import { settleUpTo } from './outbox.js';
import { PROTOCOL } from './push.js';
import { applyChanges, clearRecords } from './records.js';

const PAGE_SIZE = 500;
// A server that keeps answering has_more without moving is a bug; stop
// rather than spin.
const MAX_PAGES = 200;

function pullUrl(clientId, cursor) {
  const query = new URLSearchParams({
    protocol: String(PROTOCOL),
    client_id: clientId,
    cursor: String(cursor),
    limit: String(PAGE_SIZE),
  });
  return `/api/sync/pull?${query}`;
}

export async function pullChanges() {
  const clientId = await getMeta('client_id');
  let cursor = await getMeta('cursor', 0);
  let resets = 0;

  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await requestJson(pullUrl(clientId, cursor));
    await settleUpTo(answer.last_seq);
    await setMeta('last_seq', answer.last_seq);

    if (answer.reset_required && resets === 0) {
      // The outbox stays: only the synced copy is dropped and re-read.
      resets += 1;
      await clearRecords();
      cursor = 0;
      await setMeta('cursor', 0);
      continue;
    }

    await applyChanges(answer.changes);
    cursor = answer.cursor;
    await setMeta('cursor', cursor);
    if (!answer.has_more) return;
  }
}
