// The outbox holds intents (named mutations), never raw requests: no URLs, no
// cookies, no tokens, so an app update or a new session can still send them.
import { fromStoredItem, getDb, toStoredItem } from './db.js';
import { emit, OUTBOX_CHANGED } from './events.js';
import { recordUnsentMarker } from './meta.js';

export const WAITING = 'waiting';
export const SENDING = 'sending';
export const SENT = 'sent';
export const ATTENTION = 'attention';

const UNSENT = [WAITING, SENDING];

// Every change is announced, and the unsent count copied outside IndexedDB
// so that a wiped database can be told apart from an empty one.
async function changed(detail = null) {
  recordUnsentMarker(await countUnsent());
  emit(OUTBOX_CHANGED, detail);
}

/**
 * Queue a mutation and give it the next seq, in one transaction so two tabs
 * can never take the same number or leave a gap.
 */
export async function enqueue(
  name,
  args,
  { baseVersion = null, createdAt = null } = {},
) {
  const db = await getDb();
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const meta = tx.objectStore('meta');
  const seq = await meta.get('next_seq');
  const item = {
    seq,
    name,
    args,
    base_version: baseVersion,
    created_at: createdAt ?? new Date().toISOString(),
    entity_id: args.id ?? null,
    state: WAITING,
    result: null,
  };

  await tx.objectStore('outbox').add(toStoredItem(item));
  await meta.put(seq + 1, 'next_seq');
  await tx.done;

  await changed({ queued: true });
  return item;
}

export async function listOutbox() {
  const db = await getDb();
  return (await db.getAll('outbox')).map(fromStoredItem);
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
    const item = fromStoredItem(await tx.store.get(seq));
    if (item) await tx.store.put(toStoredItem({ ...item, ...change(item) }));
  }
  await tx.done;
  await changed();
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

/** Send a refused item again, as a new mutation with the next number. */
export async function retry(seq) {
  const item = await getItem(seq);
  if (!item || item.state !== ATTENTION) return null;
  await updateItems([seq], () => ({ state: SENT, dismissed: true }));
  return enqueue(item.name, item.args, { baseVersion: item.base_version });
}

/** Drop a refused item from the list for good (the server keeps its copy). */
export async function discard(seq) {
  await updateItems([seq], () => ({ state: SENT, dismissed: true }));
}

/**
 * Replace a refused item with a corrected one: the old one leaves the list,
 * the new one waits with the next number.
 */
export async function replace(seq, args) {
  const item = await getItem(seq);
  await discard(seq);
  return enqueue(item.name, args, { baseVersion: item.base_version });
}

export async function getItem(seq) {
  const db = await getDb();
  return fromStoredItem(await db.get('outbox', seq));
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
  const unsent = (await tx.objectStore('outbox').getAll())
    .map(fromStoredItem)
    .filter((item) => UNSENT.includes(item.state));
  let seq = 1;

  await tx.objectStore('outbox').clear();
  for (const item of unsent) {
    await tx
      .objectStore('outbox')
      .add(toStoredItem({ ...item, seq, state: WAITING }));
    seq += 1;
  }
  const meta = tx.objectStore('meta');
  await meta.put(clientId, 'client_id');
  await meta.put(seq, 'next_seq');
  await meta.put(0, 'last_seq');
  await meta.put(0, 'cursor');
  await tx.done;
  await changed();
}

/** After a failed send nothing is in flight any more. */
export async function resetSending() {
  const db = await getDb();
  const sending = await db.getAllKeysFromIndex('outbox', 'state', SENDING);
  await updateItems(sending, () => ({ state: WAITING }));
}
