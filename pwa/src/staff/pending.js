// Staff changes made on this device that the server has not answered yet.
import { listUnsent } from '../sync/outbox.js';

/** Map of report id → its newest unsent `report.set_state` item. */
export async function pendingStates() {
  const pending = new Map();
  for (const item of await listUnsent()) {
    if (item.name === 'report.set_state') pending.set(item.args.id, item);
  }
  return pending;
}
