// A ballot as the person arranges it: tiers of initiatives, best first, with
// the status quo's tier among them. Initiatives in the status quo's tier
// abstain (grade 0); tiers above it approve, tiers below reject (RULES.md 4).
// Every function answers a new ballot and leaves its input alone.

/** `{approve: [[id]], abstain: [id], reject: [[id]]}` with everything abstaining. */
export function emptyBallot(ids) {
  return { approve: [], abstain: [...ids], reject: [] };
}

/** Rebuild a ballot from the grades the server stored (or a draft's). */
export function fromGrades(grades, ids) {
  const byGrade = new Map();
  for (const id of ids) {
    const grade = Number(grades?.[id] ?? 0);
    if (!byGrade.has(grade)) byGrade.set(grade, []);
    byGrade.get(grade).push(id);
  }
  const sorted = [...byGrade.keys()].sort((a, b) => b - a);
  return {
    approve: sorted.filter((g) => g > 0).map((g) => byGrade.get(g)),
    abstain: byGrade.get(0) ?? [],
    reject: sorted.filter((g) => g < 0).map((g) => byGrade.get(g)),
  };
}

/** Grades for `proposal.ballot.cast`: n..1 above the status quo, -1..-m below. */
export function toGrades(ballot) {
  const grades = {};
  const top = ballot.approve.length;
  ballot.approve.forEach((tier, i) => {
    for (const id of tier) grades[id] = top - i;
  });
  for (const id of ballot.abstain) grades[id] = 0;
  ballot.reject.forEach((tier, i) => {
    for (const id of tier) grades[id] = -(i + 1);
  });
  return grades;
}

/** Keep only `ids` (the admitted initiatives); new ones abstain. */
export function normalise(ballot, ids) {
  const known = new Set(ids);
  const keep = (tier) => tier.filter((id) => known.has(id));
  const tiers = (list) => list.map(keep).filter((tier) => tier.length);
  const next = {
    approve: tiers(ballot.approve ?? []),
    abstain: keep(ballot.abstain ?? []),
    reject: tiers(ballot.reject ?? []),
  };
  const placed = new Set(Object.keys(toGrades(next)));
  for (const id of ids) if (!placed.has(id)) next.abstain.push(id);
  return next;
}

// One list of tiers, the status quo's marked, is easier to move things in.
function flatten(ballot) {
  return [
    ...ballot.approve.map((ids) => ({ ids: [...ids], sq: false })),
    { ids: [...ballot.abstain], sq: true },
    ...ballot.reject.map((ids) => ({ ids: [...ids], sq: false })),
  ];
}

function rebuild(tiers) {
  const kept = tiers.filter((tier) => tier.sq || tier.ids.length);
  const s = kept.findIndex((tier) => tier.sq);
  return {
    approve: kept.slice(0, s).map((tier) => tier.ids),
    abstain: kept[s].ids,
    reject: kept.slice(s + 1).map((tier) => tier.ids),
  };
}

function locate(tiers, id) {
  const i = tiers.findIndex((tier) => tier.ids.includes(id));
  return { i, s: tiers.findIndex((tier) => tier.sq), tier: tiers[i] };
}

function take(tier, id) {
  tier.ids.splice(tier.ids.indexOf(id), 1);
}

const single = (id) => ({ ids: [id], sq: false });

/** Which moves make sense for `id` now (the screen disables the others). */
export function allowedMoves(ballot, id) {
  const tiers = flatten(ballot);
  const { i, s, tier } = locate(tiers, id);
  const alone = tier.ids.length === 1;
  const first = tier.ids[0] === id;
  return {
    up: i === s || !alone || i > 0,
    down: i === s || !alone || i < tiers.length - 1,
    tie: i !== s && i !== 0 && i !== s + 1 && first,
    approve: i >= s,
    abstain: i !== s,
    reject: i <= s,
  };
}

/** Apply one move by name: up, down, tie, approve, abstain or reject. */
export function move(ballot, id, name) {
  if (!allowedMoves(ballot, id)[name]) return ballot;
  const tiers = flatten(ballot);
  const { i, s, tier } = locate(tiers, id);
  const alone = tier.ids.length === 1;
  MOVES[name]({ tiers, id, i, s, tier, alone });
  return rebuild(tiers);
}

const MOVES = {
  // Up: out of the abstainers to the lowest approval; out of a shared tier to
  // just above it; a lone one swaps with the tier above, except that the top
  // rejection goes back to abstaining rather than jumping the status quo.
  up({ tiers, id, i, s, tier, alone }) {
    if (i === s) {
      take(tier, id);
      tiers.splice(s, 0, single(id));
    } else if (!alone) {
      take(tier, id);
      tiers.splice(i, 0, single(id));
    } else if (i === s + 1) {
      take(tier, id);
      tiers[s].ids.push(id);
    } else {
      [tiers[i - 1], tiers[i]] = [tiers[i], tiers[i - 1]];
    }
  },
  down({ tiers, id, i, s, tier, alone }) {
    if (i === s) {
      take(tier, id);
      tiers.splice(s + 1, 0, single(id));
    } else if (!alone) {
      take(tier, id);
      tiers.splice(i + 1, 0, single(id));
    } else if (i === s - 1) {
      take(tier, id);
      tiers[s].ids.push(id);
    } else {
      [tiers[i], tiers[i + 1]] = [tiers[i + 1], tiers[i]];
    }
  },
  tie({ tiers, id, i, tier }) {
    take(tier, id);
    tiers[i - 1].ids.push(id);
  },
  approve({ tiers, id, s, tier }) {
    take(tier, id);
    tiers.splice(s, 0, single(id));
  },
  abstain({ tiers, id, s, tier }) {
    take(tier, id);
    tiers[s].ids.push(id);
  },
  reject({ tiers, id, s, tier }) {
    take(tier, id);
    tiers.splice(s + 1, 0, single(id));
  },
};

/**
 * Where `id` stands: `{section: 'approve'|'abstain'|'reject', rank, of,
 * shared}`; rank 1 is the most preferred approval, or the mildest rejection.
 */
export function position(ballot, id) {
  for (const section of ['approve', 'reject']) {
    const tiers = ballot[section];
    const rank = tiers.findIndex((tier) => tier.includes(id));
    if (rank >= 0) {
      return {
        section,
        rank: rank + 1,
        of: tiers.length,
        shared: tiers[rank].length > 1,
      };
    }
  }
  return { section: 'abstain', rank: 0, of: 0, shared: false };
}

export function sameGrades(a, b) {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].every((k) => (a?.[k] ?? 0) === (b?.[k] ?? 0));
}
