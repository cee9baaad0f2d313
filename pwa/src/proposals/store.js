// What the proposals screens read: the pulled issue and initiative records,
// the unit/area/policy names, and this device's unsent or refused proposal
// mutations, so a change made offline shows at once and a refusal stays seen.
import { getRecord, listRecords } from '../sync/records.js';
import { ATTENTION, listOutbox, listUnsent } from '../sync/outbox.js';
import { requestJson } from '../api/http.js';
import { getMeta, setMeta } from '../sync/meta.js';

export const ISSUE = 'proposal_issue';
export const INITIATIVE = 'proposal_initiative';
const STRUCTURE_KEY = 'proposals:structure';

export const OPEN_PHASES = [
  'admission',
  'discussion',
  'verification',
  'voting',
];
// Which actions each phase allows, as the server judges them (RULES.md 9).
export const DRAFTING = new Set(['admission', 'discussion']);
export const SUPPORTING = new Set([...DRAFTING, 'verification']);

export async function listIssues() {
  return (await listRecords(ISSUE)).map((r) => r.data).filter(Boolean);
}

export async function getIssue(id) {
  return (await getRecord(ISSUE, id))?.data ?? null;
}

export async function getInitiative(id) {
  return (await getRecord(INITIATIVE, id))?.data ?? null;
}

/** The issue's initiatives in the server's order (oldest first). */
export async function initiativesOf(issue) {
  const found = await Promise.all(issue.initiative_ids.map(getInitiative));
  return found.filter(Boolean);
}

/**
 * Units, areas and policies by id. The pull carries none of them, so the
 * last answer of the two structure routes is kept in the meta store and
 * shown at once; a fresh answer arrives later through `onFresh`. On a device
 * that never had one, the names embedded in the pulled issues stand in.
 */
export async function loadStructure({ onFresh = null } = {}) {
  const stored = await getMeta(STRUCTURE_KEY, null);
  const fresh = fetchStructure().then(async (value) => {
    const changed = JSON.stringify(value) !== JSON.stringify(stored);
    if (changed) await setMeta(STRUCTURE_KEY, value);
    if (changed && stored) onFresh?.(indexStructure(value));
    return value;
  });

  if (stored) {
    fresh.catch(() => {});
    return indexStructure(stored);
  }
  try {
    return indexStructure(await fresh);
  } catch {
    return indexStructure(await structureFromIssues());
  }
}

async function fetchStructure() {
  // A weak signal must not hold the screen: a short wait, then the fallback.
  const options = { timeoutMs: 6000 };
  const [units, policies] = await Promise.all([
    requestJson('/api/proposals/units', options),
    requestJson('/api/proposals/policies', options),
  ]);
  return { ...units, policies };
}

async function structureFromIssues() {
  const issues = await listIssues();
  const areas = new Map(issues.map((i) => [i.area.id, i.area]));
  const policies = new Map(issues.map((i) => [i.policy.id, i.policy]));
  const units = new Set([...areas.values()].map((a) => a.unit_id));
  return {
    units: [...units].map((id) => ({ id, parent_id: null, name: null })),
    areas: [...areas.values()].map((a) => ({ ...a, policy_ids: [] })),
    policies: [...policies.values()].map((p) => ({ ...p, active: true })),
  };
}

function indexStructure({ units, areas, policies }) {
  return {
    units,
    areas,
    policies,
    unit: new Map(units.map((u) => [u.id, u])),
    area: new Map(areas.map((a) => [a.id, a])),
    policy: new Map(policies.map((p) => [p.id, p])),
  };
}

/** Unsent proposal mutations, oldest first. */
export async function pendingProposals() {
  return (await listUnsent()).filter((item) =>
    item.name.startsWith('proposal.'),
  );
}

/** Refused proposal mutations that mention one of `ids`, not yet dismissed. */
export async function refusedProposals(ids) {
  const wanted = new Set(ids);
  return (await listOutbox()).filter(
    (item) =>
      item.name.startsWith('proposal.') &&
      item.state === ATTENTION &&
      !item.dismissed &&
      Object.values(item.args).some((value) => wanted.has(value)),
  );
}
