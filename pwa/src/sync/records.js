// The local copy of what the server lets this person see, as pulled.
import { getDb } from './db.js';
import { emit, RECORDS_CHANGED } from './events.js';

export async function applyChanges(changes) {
  if (changes.length === 0) return;
  const db = await getDb();
  const tx = db.transaction('records', 'readwrite');

  for (const change of changes) {
    if (change.deleted) {
      await tx.store.delete([change.entity, change.id]);
    } else {
      await tx.store.put({
        entity: change.entity,
        id: change.id,
        version: change.version,
        data: change.data,
      });
    }
  }
  await tx.done;
  emit(RECORDS_CHANGED);
}

export async function clearRecords() {
  const db = await getDb();
  await db.clear('records');
  emit(RECORDS_CHANGED);
}

export async function listRecords(entity) {
  const db = await getDb();
  return db.getAllFromIndex('records', 'entity', entity);
}

export async function getRecord(entity, id) {
  const db = await getDb();
  return db.get('records', [entity, id]);
}
