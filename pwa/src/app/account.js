// Binds this installation's client id to the signed-in account. The server
// refuses a client id from a second account, so when someone else signs in
// here the device starts a new client id and carries unsent work across.
import { getMeta, setMeta } from '../sync/meta.js';
import { renumberUnsent } from '../sync/outbox.js';
import { clearRecords } from '../sync/records.js';

export async function bindAccount(user) {
  if (!user || user.offline) return;
  const owner = await getMeta('account_id', null);
  if (owner === user.id) return;

  if (owner !== null) {
    await renumberUnsent(crypto.randomUUID());
    await clearRecords();
  }
  await setMeta('account_id', user.id);
}
