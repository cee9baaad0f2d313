// The one place that knows the IndexedDB schema. Every other module asks for
// the open database here, so a schema change is one edit and one version bump.
import { openDB } from 'idb';

export const DB_NAME = 'wegovnow';
export const DB_VERSION = 1;

// Booleans are not valid IndexedDB keys, so indexed flags are 0 or 1.
export const NO = 0;
export const YES = 1;

let opening = null;

function upgrade(db, oldVersion) {
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
