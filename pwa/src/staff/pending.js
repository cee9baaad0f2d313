// Staff changes made on this device: those the server has not answered yet,
// and those it refused or overruled, kept in sight until dismissed.
import { ATTENTION, listOutbox, listUnsent } from '../sync/outbox.js';

/** Map of report id → its newest unsent `report.set_state` item. */
export async function pendingStates() {
  const pending = new Map();
  for (const item of await listUnsent()) {
    if (item.name === 'report.set_state') pending.set(item.args.id, item);
  }
  return pending;
}

/** Items for report `id` that were rejected or lost a conflict. */
export async function refusedChanges(id) {
  const outbox = await listOutbox();
  return outbox.filter(
    (item) =>
      item.entity_id === id &&
      !item.dismissed &&
      (item.state === ATTENTION || item.result?.status === 'conflict'),
  );
}
