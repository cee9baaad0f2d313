// The delegation screen's data: the server's answer for one scope (kept on
// the device as "last known"), member search, and the queued changes.
import { requestJson, NetworkError } from '../api/http.js';
import { getMeta, setMeta } from '../sync/meta.js';
import { ATTENTION, listOutbox, SENDING, WAITING } from '../sync/outbox.js';

export const DELEGATION_MUTATION = 'proposal.delegation.set';
export const SCOPES = ['unit', 'area', 'issue'];
const NAMES_KEY = 'member_names';
const NAMES_MAX = 500;

const cacheKey = (userId, scope, id) => `delegation:${userId}:${scope}:${id}`;

/**
 * `{data, fetched_at, fresh}`: the server's answer when it can be reached,
 * else the last one kept here (`fresh: false`), else null.
 */
export async function loadDelegation(userId, scope, id) {
  const key = cacheKey(userId, scope, id);
  try {
    const query = new URLSearchParams({ scope, id });
    const data = await requestJson(`/api/proposals/delegations?${query}`);
    const entry = { data, fetched_at: new Date().toISOString() };
    await setMeta(key, entry);
    await rememberNames([
      ...data.my_voice_reaches,
      ...data.i_represent,
      data.mine?.trustee,
      data.inherited?.trustee,
    ]);
    return { ...entry, fresh: true };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const kept = await getMeta(key, null);
    return kept ? { ...kept, fresh: false } : null;
  }
}

/** One page of other members whose name contains `query`. */
export function searchMembers(unitId, query, offset = 0) {
  const params = new URLSearchParams({ q: query, offset: String(offset) });
  return requestJson(`/api/proposals/units/${unitId}/members?${params}`);
}

/** Names seen on this device, so queued changes can say whom they name. */
export async function rememberNames(people) {
  const known = await getMeta(NAMES_KEY, {});
  for (const person of people) {
    if (person?.id && person.name) known[person.id] = person.name;
  }
  const ids = Object.keys(known);
  for (const id of ids.slice(0, Math.max(0, ids.length - NAMES_MAX))) {
    delete known[id];
  }
  await setMeta(NAMES_KEY, known);
}

export function knownNames() {
  return getMeta(NAMES_KEY, {});
}

/** This scope's queued changes: unsent ones and refused ones not dismissed. */
export async function queuedChanges(scope, id) {
  const items = (await listOutbox()).filter(
    (item) =>
      item.name === DELEGATION_MUTATION &&
      item.args.scope === scope &&
      item.args.target_id === id,
  );
  return {
    pending: items.filter((i) => i.state === WAITING || i.state === SENDING),
    refused: items.filter((i) => i.state === ATTENTION && !i.dismissed),
  };
}
