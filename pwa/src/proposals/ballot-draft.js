// Ballot drafts live on the device until the person sends them, and after:
// the draft is what they see again when the server refuses a late ballot.
// Kept in the `meta` store under one key per person and issue, so this
// feature needs no schema change (db.js owns the schema; a dedicated store
// would need a version bump shared with every other feature).
import { getMeta, setMeta } from '../sync/meta.js';
import { ATTENTION, listOutbox, SENDING, WAITING } from '../sync/outbox.js';

export const BALLOT_MUTATION = 'proposal.ballot.cast';

const key = (userId, issueId) => `ballot_draft:${userId}:${issueId}`;

/** `{ballot, updated_at}` or null. */
export function loadDraft(userId, issueId) {
  return getMeta(key(userId, issueId), null);
}

export function saveDraft(userId, issueId, ballot) {
  return setMeta(key(userId, issueId), {
    ballot,
    updated_at: new Date().toISOString(),
  });
}

/**
 * The newest ballot this device queued for the issue, and whether it is still
 * unsent, was applied, or was refused (`{item, state}`), or null.
 */
export async function latestBallotItem(issueId) {
  const items = (await listOutbox()).filter(
    (item) => item.name === BALLOT_MUTATION && item.args.issue_id === issueId,
  );
  const item = items.sort((a, b) => b.seq - a.seq)[0];
  if (!item) return null;
  let state = 'applied';
  if (item.state === WAITING || item.state === SENDING) state = 'waiting';
  else if (item.state === ATTENTION) state = 'refused';
  else if (item.result && item.result.status !== 'applied') state = 'refused';
  return { item, state };
}
