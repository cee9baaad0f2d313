// Sends the outbox in seq order and files each answer under its mutation.
import { requestJson } from '../api/http.js';
import { getMeta, setMeta } from './meta.js';
import {
  ATTENTION,
  SENDING,
  SENT,
  WAITING,
  listUnsent,
  settleUpTo,
  updateItems,
} from './outbox.js';

export const PROTOCOL = 1;
const BATCH_SIZE = 100;

function wireMutation(item) {
  return {
    seq: item.seq,
    name: item.name,
    args: item.args,
    base_version: item.base_version,
    created_at: item.created_at,
  };
}

function outcome(result) {
  if (result.status === 'rejected') return { state: ATTENTION, result };
  return { state: SENT, result };
}

async function pushBatch(clientId, batch) {
  await updateItems(
    batch.map((item) => item.seq),
    () => ({ state: SENDING }),
  );
  const answer = await requestJson('/api/sync/push', {
    method: 'POST',
    body: {
      protocol: PROTOCOL,
      client_id: clientId,
      mutations: batch.map(wireMutation),
    },
  });

  const bySeq = new Map(answer.results.map((r) => [r.seq, r]));
  await updateItems(
    batch.map((item) => item.seq).filter((seq) => bySeq.has(seq)),
    (item) => outcome(bySeq.get(item.seq)),
  );
  await settleUpTo(answer.last_seq);
  await setMeta('last_seq', answer.last_seq);
  return answer;
}

/**
 * Push every unsent mutation, a batch at a time.
 *
 * Stops early when the server answers a gap (its last_seq is below the
 * batch): the next pull's last_seq and a later push sort it out.
 */
export async function pushOutbox() {
  const clientId = await getMeta('client_id');
  let pushed = 0;

  for (;;) {
    const unsent = await listUnsent();
    if (unsent.length === 0) return pushed;

    const batch = unsent.slice(0, BATCH_SIZE);
    const answer = await pushBatch(clientId, batch);
    pushed += batch.length;

    const lastInBatch = batch[batch.length - 1].seq;
    if (answer.last_seq < lastInBatch) {
      await updateItems(
        batch.filter((i) => i.seq > answer.last_seq).map((i) => i.seq),
        (item) => (item.state === SENDING ? { state: WAITING } : {}),
      );
      return pushed;
    }
  }
}
