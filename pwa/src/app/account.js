// Binds this installation's client id to the signed-in account. The server
// refuses a client id from a second account, so when someone else signs in
// here the device starts a new client id and carries unsent work across.
import { getMeta, setMeta } from '../sync/meta.js';
import { renumberUnsent } from '../sync/outbox.js';
import { clearRecords } from '../sync/records.js';

/** Answers true when the device changed hands (and so its client id). */
export async function bindAccount(user) {
  if (!user || user.offline) return false;
  const owner = await getMeta('account_id', null);
  if (owner === user.id) return false;

  await setMeta('account_id', user.id);
  if (owner === null) return false;
  await startNewClient();
  return true;
}

/** Move unsent work to a fresh client id and re-read the synced copy. */
export async function startNewClient() {
  await renumberUnsent(crypto.randomUUID());
  await clearRecords();
}
