// The one place that knows the IndexedDB schema. Every other module asks for
// the open database here, so a schema change is one edit and one version bump.
import { openDB } from 'idb';

export const DB_NAME = 'wegovnow';
export const DB_VERSION = 2;

// Booleans are not valid IndexedDB keys, so indexed flags are 0 or 1.
export const NO = 0;
export const YES = 1;

let opening = null;

function upgrade(db, oldVersion, _newVersion, transaction) {
  if (oldVersion < 1) {
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq' });
    outbox.createIndex('state', 'state');
    outbox.createIndex('entity_id', 'entity_id');

    const media = db.createObjectStore('media', { keyPath: 'sha256' });
    media.createIndex('uploaded', 'uploaded');

    const records = db.createObjectStore('records', {
      keyPath: ['entity', 'id'],
    });
    records.createIndex('entity', 'entity');

    db.createObjectStore('meta');
  }
  if (oldVersion === 1) migrateOutboxToV2(transaction.objectStore('outbox'));
}

/**
 * Version 2 keeps the wire mutation apart from the device's bookkeeping:
 * `{seq, state, entity_id, result, mutation: {name, args, base_version,
 * created_at}}`. Items saved by version 1 are rewritten in the upgrade
 * transaction, so they are sent once like any other.
 */
function migrateOutboxToV2(store) {
  store.openCursor().then(function step(cursor) {
    if (!cursor) return undefined;
    return cursor
      .update(toStoredItem(cursor.value))
      .then(() => cursor.continue().then(step));
  });
}

/** The stored (version 2) shape of an outbox item, from either shape. */
export function toStoredItem(item) {
  if (item.mutation) return item;
  const { name, args, base_version, created_at, ...rest } = item;
  return {
    ...rest,
    format: 2,
    mutation: { name, args, base_version: base_version ?? null, created_at },
  };
}

/**
 * Read a stored outbox item as the app uses it (flat).
 *
 * Keeps the version 1 reader for one version: an item written by an older
 * tab that has not reloaded yet still reads right.
 */
export function fromStoredItem(stored) {
  if (!stored?.mutation) return stored;
  const { mutation, ...rest } = stored;
  return { ...rest, ...mutation };
}

/** Open the database once per page and share the connection. */
export function getDb() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade,
      // Another tab runs a newer app: let it upgrade, this tab reloads.
      blocking() {
        opening?.then((db) => db.close());
        opening = null;
        window.dispatchEvent(new CustomEvent('wgn:db-outdated'));
      },
    });
  }
  return opening;
}

/**
 * Read one `meta` value without keeping the database open, for the service
 * worker. The worker must hold no connection (it would block a newer app's
 * upgrade) and must never create the database (an empty one at version 1
 * would make the app skip its own upgrade): the open is abandoned if the
 * app has not made the database yet. Answers undefined when there is none.
 */
export function peekMeta(key) {
  return new Promise((resolve) => {
    const request = indexedDB.open(DB_NAME);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onerror = () => resolve(undefined);
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('meta')) {
        db.close();
        resolve(undefined);
        return;
      }
      const read = db.transaction('meta').objectStore('meta').get(key);
      read.onsuccess = () => resolve(read.result);
      read.onerror = () => resolve(undefined);
      read.transaction.oncomplete = () => db.close();
    };
  });
}
