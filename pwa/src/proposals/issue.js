// Screen: /proposals/issues/:id, an issue with its phase, deadlines, quorum,
// the person's interest and every initiative competing in it.
import { addChildren, h } from '../ui/dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/i18n.js';
import { setInterest } from './actions.js';
import { initiativeCard } from './initiative-summary.js';
import {
  backLink,
  facts,
  isMember,
  liveRegion,
  notFound,
  pendingPill,
  signInHint,
} from './parts.js';
import { phaseLine, phasePill } from './phase.js';
import { refusalList } from './refusals.js';
import {
  getIssue,
  initiativesOf,
  loadStructure,
  pendingProposals,
  SUPPORTING,
} from './store.js';

function timeline(issue) {
  const when = (iso) => (iso ? formatDateTime(iso) : null);
  return facts(
    [
      [t('proposals.created_at'), when(issue.created_at)],
      [t('proposals.accepted_at'), when(issue.accepted_at)],
      [t('proposals.half_frozen_at'), when(issue.half_frozen_at)],
      [t('proposals.fully_frozen_at'), when(issue.fully_frozen_at)],
      [t('proposals.closed_at_label'), when(issue.closed_at)],
      [
        issue.closed ? null : t('proposals.phase_ends_label'),
        issue.closed ? null : when(issue.phase_ends_at),
      ],
    ].filter(([label]) => label),
    'issue-timeline',
  );
}

function interestButton(issue, pending) {
  if (issue.closed || !isMember()) return null;
  const interested = pending ? pending.args.interested : issue.interested;
  return h(
    'p',
    { class: 'actions' },
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn--secondary',
        'aria-pressed': String(interested),
        'data-focus': 'interest',
        testid: 'interest-toggle',
        onclick: () => setInterest(issue.id, !interested),
      },
      t(interested ? 'proposals.interested' : 'proposals.interest'),
    ),
    ' ',
    pending ? pendingPill() : null,
  );
}

function votingLinks(issue) {
  const links = [];
  if (issue.state === 'voting') {
    links.push(['ballot', 'proposals.to_ballot']);
  }
  if (issue.state.startsWith('finished')) {
    links.push(['results', 'proposals.to_results']);
  }
  const items = links.map(([path, key]) =>
    h(
      'a',
      {
        href: `/proposals/issues/${issue.id}/${path}`,
        class: 'btn btn--primary',
        testid: `issue-${path}`,
      },
      t(key),
    ),
  );
  if (isMember() && !issue.closed) {
    items.push(
      h(
        'a',
        {
          href: `/proposals/delegation?scope=issue&id=${issue.id}`,
          class: 'btn btn--secondary',
          testid: 'issue-delegation',
        },
        t('proposals.delegation_issue'),
      ),
    );
  }
  return items.length ? h('p', { class: 'actions' }, items) : null;
}

function pendingInitiatives(pending, issueId) {
  const mine = pending.filter(
    (item) =>
      item.name === 'proposal.initiative.create' &&
      item.args.issue_id === issueId,
  );
  return mine.map((item) =>
    h(
      'li',
      { class: 'card card--stack', testid: 'pending-initiative' },
      h('h3', { class: 'card__title' }, item.args.name),
      pendingPill(),
    ),
  );
}

async function render(id, structure) {
  const [issue, pending] = await Promise.all([
    getIssue(id),
    pendingProposals(),
  ]);
  const queued = pendingInitiatives(pending, id);
  if (!issue) {
    if (queued.length === 0) return notFound(t('proposals.issue_missing'));
    return [
      h('h1', { class: 'screen__title' }, t('proposals.issue_new')),
      h('ul', { class: 'list' }, queued),
    ];
  }
  const initiatives = await initiativesOf(issue);
  const interest = pending.findLast(
    (item) => item.name === 'proposal.interest' && item.args.issue_id === id,
  );
  const unit = structure.unit.get(issue.area.unit_id);
  const canPropose = isMember() && SUPPORTING.has(issue.state);

  return [
    backLink(`/proposals/areas/${issue.area.id}`, issue.area.name),
    h(
      'h1',
      { class: 'screen__title' },
      t('proposals.issue_title', { area: issue.area.name }),
    ),
    h('p', { class: 'card__meta' }, phasePill(issue), ' ', phaseLine(issue)),
    facts(
      [
        [t('proposals.unit'), unit?.name ?? null],
        [t('proposals.policy'), issue.policy.name],
        [
          t('proposals.interested_label'),
          formatNumber(issue.interest_count ?? 0),
        ],
        [
          t('proposals.population'),
          issue.population ? formatNumber(issue.population) : null,
        ],
      ],
      'issue-facts',
    ),
    await refusalList([id, ...issue.initiative_ids]),
    votingLinks(issue),
    interestButton(issue, interest),
    isMember() ? null : signInHint(),
    h('h2', { class: 'section__title' }, t('proposals.initiatives_title')),
    h(
      'ul',
      { class: 'list', testid: 'initiative-list' },
      initiatives.map((initiative) => initiativeCard(issue, initiative)),
      queued,
    ),
    canPropose
      ? h(
          'p',
          {},
          h(
            'a',
            {
              href: `/proposals/new?issue=${id}`,
              class: 'btn btn--secondary',
              testid: 'new-competing',
            },
            t('proposals.new_competing'),
          ),
        )
      : null,
    h('h2', { class: 'section__title' }, t('proposals.timeline_title')),
    timeline(issue),
  ];
}

export async function issueScreen(outlet, { id }) {
  const structure = await loadStructure();
  const live = liveRegion(() => render(id, structure));
  addChildren(outlet, live.el);
  await live.ready;
  return live.cleanup;
}
