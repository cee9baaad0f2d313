// The outbox holds intents (named mutations), never raw requests: no URLs, no
// cookies, no tokens, so an app update or a new session can still send them.
import { getDb } from './db.js';
import { emit, OUTBOX_CHANGED } from './events.js';

export const WAITING = 'waiting';
export const SENDING = 'sending';
export const SENT = 'sent';
export const ATTENTION = 'attention';

const UNSENT = [WAITING, SENDING];

/**
 * Queue a mutation and give it the next seq, in one transaction so two tabs
 * can never take the same number or leave a gap.
 */
export async function enqueue(name, args, { baseVersion = null } = {}) {
  const db = await getDb();
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const meta = tx.objectStore('meta');
  const seq = await meta.get('next_seq');
  const item = {
    seq,
    name,
    args,
    base_version: baseVersion,
    created_at: new Date().toISOString(),
    entity_id: args.id ?? null,
    state: WAITING,
    result: null,
  };

  await tx.objectStore('outbox').add(item);
  await meta.put(seq + 1, 'next_seq');
  await tx.done;

  emit(OUTBOX_CHANGED, { queued: true });
  return item;
}

export async function listOutbox() {
  const db = await getDb();
  return db.getAll('outbox');
}

/** Unsent items in seq order: the order the server must apply them in. */
export async function listUnsent() {
  const all = await listOutbox();
  return all.filter((item) => UNSENT.includes(item.state));
}

export async function countUnsent() {
  const db = await getDb();
  const counts = await Promise.all(
    UNSENT.map((state) => db.countFromIndex('outbox', 'state', state)),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

export async function countAttention() {
  const db = await getDb();
  return db.countFromIndex('outbox', 'state', ATTENTION);
}

/** Apply `change(item)` to each listed seq in one transaction. */
export async function updateItems(seqs, change) {
  if (seqs.length === 0) return;
  const db = await getDb();
  const tx = db.transaction('outbox', 'readwrite');

  for (const seq of seqs) {
    const item = await tx.store.get(seq);
    if (item) await tx.store.put({ ...item, ...change(item) });
  }
  await tx.done;
  emit(OUTBOX_CHANGED);
}

/** The server says everything up to lastSeq is done, answer lost or not. */
export async function settleUpTo(lastSeq) {
  const unsent = await listUnsent();
  const done = unsent.filter((item) => item.seq <= lastSeq);
  await updateItems(
    done.map((item) => item.seq),
    () => ({ state: SENT }),
  );
}

/** The person has read a rejection; it leaves the list but not the server. */
export async function dismiss(seq) {
  await updateItems([seq], () => ({ state: SENT, dismissed: true }));
}

/**
 * Give unsent items fresh numbers from 1 under a new client id.
 *
 * Used when another account signs in on this device: the server binds a
 * client id to one account, so the old id cannot carry the new person's work.
 */
export async function renumberUnsent(clientId) {
  const db = await getDb();
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const unsent = (await tx.objectStore('outbox').getAll()).filter((item) =>
    UNSENT.includes(item.state),
  );
  let seq = 1;

  await tx.objectStore('outbox').clear();
  for (const item of unsent) {
    await tx.objectStore('outbox').add({ ...item, seq, state: WAITING });
    seq += 1;
  }
  const meta = tx.objectStore('meta');
  await meta.put(clientId, 'client_id');
  await meta.put(seq, 'next_seq');
  await meta.put(0, 'last_seq');
  await meta.put(0, 'cursor');
  await tx.done;
  emit(OUTBOX_CHANGED);
}

/** After a failed send nothing is in flight any more. */
export async function resetSending() {
  const db = await getDb();
  const sending = await db.getAllKeysFromIndex('outbox', 'state', SENDING);
  await updateItems(sending, () => ({ state: WAITING }));
}
