// What a member does on the proposals screens, as queued mutations: each
// goes through the outbox, so it works offline and reaches the server once.
import { enqueue } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';
import { uuidv7 } from '../sync/uuid.js';

async function queue(name, args) {
  const item = await enqueue(name, args);
  requestSync(name);
  return item;
}

export function setSupport(initiativeId, supported) {
  return queue('proposal.support.set', {
    initiative_id: initiativeId,
    supported,
  });
}

export function setInterest(issueId, interested) {
  return queue('proposal.interest', { issue_id: issueId, interested });
}

/** degree: 2 must, 1 should, -1 should not, -2 must not, 0 removes. */
export function setOpinion(suggestionId, degree, fulfilled) {
  return queue('proposal.opinion.set', {
    suggestion_id: suggestionId,
    degree,
    fulfilled,
  });
}

export async function addSuggestion({ initiativeId, name, content, degree }) {
  const id = uuidv7();
  await queue('proposal.suggestion.add', {
    id,
    initiative_id: initiativeId,
    name,
    content,
    degree,
  });
  return id;
}

export async function addDraft(initiativeId, content) {
  const id = uuidv7();
  await queue('proposal.draft.add', {
    id,
    initiative_id: initiativeId,
    content,
  });
  return id;
}

/** A new initiative; without `issueId` it opens a new issue in the area. */
export async function createInitiative({
  issueId,
  areaId,
  policyId,
  name,
  content,
}) {
  const args = {
    id: uuidv7(),
    draft_id: uuidv7(),
    issue_id: issueId ?? uuidv7(),
    name,
    content,
  };
  if (!issueId) Object.assign(args, { area_id: areaId, policy_id: policyId });
  await queue('proposal.initiative.create', args);
  return args;
}
