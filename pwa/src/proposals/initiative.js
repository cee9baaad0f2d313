// Screen: /proposals/initiatives/:id, the current draft (as the server's safe
// HTML), its history, initiators, support and suggestions. What the person
// does here is queued, shown as waiting, and survives going offline.
import { addChildren, h } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { currentUser } from '../api/session.js';
import { setSupport } from './actions.js';
import {
  initiatorNames,
  standing,
  supportCounts,
} from './initiative-summary.js';
import {
  backLink,
  isMember,
  liveRegion,
  notFound,
  pendingPill,
  signInHint,
} from './parts.js';
import { phaseLine, phasePill, quorumMeter } from './phase.js';
import { refusalList } from './refusals.js';
import {
  DRAFTING,
  getInitiative,
  getIssue,
  pendingProposals,
  SUPPORTING,
} from './store.js';
import { suggestionForm, suggestionList } from './suggestions.js';
import { richText } from './text.js';

function supportButton(label, supported, testid, initiative) {
  return h(
    'button',
    {
      type: 'button',
      class: supported ? 'btn btn--primary' : 'btn btn--secondary',
      testid,
      'data-focus': testid,
      onclick: () => setSupport(initiative.id, supported),
    },
    label,
  );
}

function supportBlock(initiative, pending) {
  const supported = pending ? pending.args.supported : initiative.supported;
  // A queued "support" is for the draft as it is now, so not outdated.
  const outdated = !pending && initiative.support_outdated;
  let text = t('proposals.not_supporting');
  let button = supportButton(
    t('proposals.support'),
    true,
    'support-button',
    initiative,
  );

  if (outdated) {
    text = t('proposals.draft_changed_since');
    button = supportButton(
      t('proposals.support_new_draft'),
      true,
      'support-new-draft',
      initiative,
    );
  } else if (supported) {
    text = t('proposals.you_support');
    button = supportButton(
      t('proposals.unsupport'),
      false,
      'unsupport-button',
      initiative,
    );
  }
  return h(
    'div',
    {
      class: outdated ? 'support support--outdated' : 'support',
      testid: 'support',
    },
    h(
      'p',
      { testid: outdated ? 'draft-changed' : 'support-state' },
      text,
      ' ',
      pending ? pendingPill() : null,
    ),
    h('p', { class: 'actions' }, button),
  );
}

function draftSection(initiative, queuedDrafts) {
  const { draft } = initiative;
  return h(
    'section',
    { class: 'draft', testid: 'draft', 'aria-labelledby': 'draft-title' },
    h(
      'h2',
      { class: 'section__title', id: 'draft-title' },
      t('proposals.current_draft'),
    ),
    h(
      'p',
      { class: 'card__meta' },
      t('proposals.draft_by', {
        name: draft.author ?? t('proposals.someone'),
        date: formatDateTime(draft.created_at),
      }),
    ),
    richText(draft.html),
    queuedDrafts.map((item) =>
      h(
        'div',
        { class: 'draft draft--pending', testid: 'pending-draft' },
        h('p', {}, t('proposals.draft_pending'), ' ', pendingPill()),
        richText(null, { plain: item.args.content }),
      ),
    ),
  );
}

function history(initiative) {
  if (initiative.drafts.length < 2) return null;
  const current = initiative.draft.id;
  return h(
    'section',
    { testid: 'draft-history' },
    h('h2', { class: 'section__title' }, t('proposals.draft_history')),
    h(
      'ol',
      { class: 'history' },
      initiative.drafts.map((draft) =>
        h(
          'li',
          { class: 'history__item' },
          formatDateTime(draft.created_at),
          draft.id === current ? ` (${t('proposals.draft_current')})` : '',
        ),
      ),
    ),
  );
}

function isInitiator(initiative) {
  const me = currentUser()?.id;
  return initiative.initiators.some((i) => i.id === me);
}

async function render(id) {
  const [initiative, pending] = await Promise.all([
    getInitiative(id),
    pendingProposals(),
  ]);
  if (!initiative) return notFound(t('proposals.initiative_missing'));
  const issue = await getIssue(initiative.issue_id);
  const mine = pending.filter(
    (item) =>
      item.args.initiative_id === id ||
      initiative.suggestions.some((s) => s.id === item.args.suggestion_id),
  );
  const support = mine.findLast((item) => item.name === 'proposal.support.set');
  const drafts = mine.filter((item) => item.name === 'proposal.draft.add');
  const live = !initiative.revoked_at && issue && SUPPORTING.has(issue.state);
  const member = isMember();

  return [
    backLink(
      `/proposals/issues/${initiative.issue_id}`,
      t('proposals.back_to_issue'),
    ),
    h('h1', { class: 'screen__title' }, initiative.name),
    issue
      ? h('p', { class: 'card__meta' }, phasePill(issue), ' ', phaseLine(issue))
      : null,
    standing(initiative),
    initiatorNames(initiative),
    supportCounts(initiative),
    issue ? quorumMeter(issue, initiative) : null,
    await refusalList([id, ...initiative.suggestions.map((s) => s.id)]),
    member && live ? supportBlock(initiative, support) : null,
    member ? null : signInHint(),
    member && live && isInitiator(initiative) && DRAFTING.has(issue.state)
      ? h(
          'p',
          {},
          h(
            'a',
            {
              href: `/proposals/initiatives/${id}/draft`,
              class: 'btn btn--secondary',
              testid: 'new-draft',
            },
            t('proposals.new_draft'),
          ),
        )
      : null,
    draftSection(initiative, drafts),
    history(initiative),
    h(
      'h2',
      { class: 'section__title' },
      t('proposals.suggestions_title', {
        count: initiative.suggestions.length,
      }),
    ),
    suggestionList(initiative, { canRate: member && live, pending: mine }),
  ];
}

export async function initiativeScreen(outlet, { id }) {
  const live = liveRegion(() => render(id));
  await live.ready;
  const initiative = await getInitiative(id);
  const issue = initiative ? await getIssue(initiative.issue_id) : null;
  const open =
    isMember() && issue && DRAFTING.has(issue.state) && !initiative.revoked_at;
  addChildren(outlet, live.el, open ? suggestionForm(id) : null);
  return live.cleanup;
}
