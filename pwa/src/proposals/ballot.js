// Screen: /proposals/issues/:id/ballot. The person arranges the admitted
// initiatives against the status quo; the draft is saved on the device at
// every move and sent as one `proposal.ballot.cast` through the outbox.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { currentUser } from '../api/session.js';
import { enqueue } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';
import { on, OUTBOX_CHANGED, RECORDS_CHANGED } from '../sync/events.js';
import { logger } from '../app/log.js';
import { refresh } from '../app/router.js';
import {
  emptyBallot,
  fromGrades,
  move,
  normalise,
  sameGrades,
  toGrades,
} from './ballot-model.js';
import {
  BALLOT_MUTATION,
  latestBallotItem,
  loadDraft,
  saveDraft,
} from './ballot-draft.js';
import { ballotBody, describe } from './ballot-view.js';
import { deadlineNotice, sendStatus } from './ballot-status.js';
import { backToIssue, membersOnly, notSynced } from './ballot-shared.js';
import { getIssue, initiativesOf } from './store.js';

const log = logger('ballot');
// Re-check the deadline now and then: it can pass while the screen is open.
const DEADLINE_CHECK_MS = 15_000;

async function startingBallot(user, issue, ids) {
  const draft = await loadDraft(user.id, issue.id);
  if (draft) return normalise(draft.ballot, ids);
  if (issue.my_ballot) return fromGrades(issue.my_ballot, ids);
  return emptyBallot(ids);
}

async function admittedOf(issue) {
  return (await initiativesOf(issue)).filter(
    (i) => i.admitted && !i.revoked_at,
  );
}

// Opened before the first sync brought the issue: show so, and start over
// once it arrives.
function waitForIssue(outlet, id) {
  notSynced(outlet);
  return on(RECORDS_CHANGED, async () => {
    if (await getIssue(id)) refresh();
  });
}

function focusAfterMove(body, id, name) {
  const buttons = [
    ...body.querySelectorAll(`button[data-initiative="${CSS.escape(id)}"]`),
  ];
  const same = buttons.find((b) => b.dataset.move === name && !b.disabled);
  (same ?? buttons.find((b) => !b.disabled))?.focus();
}

export async function ballotScreen(outlet, { id }) {
  const user = currentUser();
  const gate = membersOnly(user);
  if (gate) {
    mount(outlet, h('h1', { class: 'screen__title' }, t('ballot.title')), gate);
    return null;
  }
  let issue = await getIssue(id);
  if (!issue) return waitForIssue(outlet, id);
  let initiatives = await admittedOf(issue);
  let ballot = await startingBallot(
    user,
    issue,
    initiatives.map((i) => i.id),
  );

  const announce = h('p', {
    class: 'visually-hidden',
    'aria-live': 'polite',
    testid: 'ballot-announce',
  });
  const notices = h('div', { testid: 'ballot-notices' });
  const body = h('div', { class: 'ballot', testid: 'ballot' });
  const status = h('div', { 'aria-live': 'polite' });
  const sendButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--primary',
      testid: 'ballot-send',
      onclick: () => send(),
    },
    t('ballot.send'),
  );
  let sent = null;

  async function refreshStatus() {
    sent = await latestBallotItem(id);
    const matches =
      issue.my_ballot && sameGrades(issue.my_ballot, toGrades(ballot));
    mount(notices, deadlineNotice(issue, sent));
    mount(status, sendStatus(sent, matches));
    sendButton.hidden = issue.closed || initiatives.length === 0;
  }

  function showBody() {
    mount(
      body,
      initiatives.length
        ? ballotBody(ballot, initiatives, onMove)
        : h(
            'p',
            { class: 'empty', testid: 'ballot-none' },
            t('ballot.none_admitted'),
          ),
    );
  }

  function onMove(initiativeId, name) {
    ballot = move(ballot, initiativeId, name);
    showBody();
    focusAfterMove(body, initiativeId, name);
    const item = initiatives.find((i) => i.id === initiativeId);
    announce.textContent = describe(ballot, initiativeId, item.name);
    saveDraft(user.id, id, ballot).catch((e) => log.warn('draft', e));
    refreshStatus().catch((e) => log.warn('status', e));
  }

  async function send() {
    await saveDraft(user.id, id, ballot);
    await enqueue(BALLOT_MUTATION, { issue_id: id, grades: toGrades(ballot) });
    announce.textContent = t('ballot.queued');
    await refreshStatus();
    requestSync('ballot');
  }

  mount(
    outlet,
    backToIssue(id),
    h('h1', { class: 'screen__title' }, t('ballot.title')),
    h(
      'p',
      { class: 'hint' },
      t('ballot.issue_in', { area: issue.area?.name ?? '' }),
    ),
    notices,
    issue.ballots_public_after_close
      ? h(
          'p',
          { class: 'banner', testid: 'ballot-public' },
          t('ballot.public_after_close'),
        )
      : null,
    h('p', {}, t('ballot.how')),
    body,
    announce,
    status,
    h('p', { class: 'hint' }, t('ballot.may_change')),
    sendButton,
  );
  showBody();
  await refreshStatus();

  // A newer pull may bring the issue's new state or the stored ballot; the
  // person's arrangement on screen stays as it is.
  const reread = async () => {
    issue = (await getIssue(id)) ?? issue;
    const fresh = await admittedOf(issue);
    const ids = fresh.map((i) => i.id).join();
    if (ids !== initiatives.map((i) => i.id).join()) {
      initiatives = fresh;
      ballot = normalise(
        ballot,
        fresh.map((i) => i.id),
      );
      showBody();
    }
    await refreshStatus();
  };
  const offRecords = on(RECORDS_CHANGED, () =>
    reread().catch((e) => log.warn(e)),
  );
  const offOutbox = on(OUTBOX_CHANGED, () =>
    refreshStatus().catch((e) => log.warn(e)),
  );
  const onNetwork = () => refreshStatus().catch((e) => log.warn(e));
  window.addEventListener('online', onNetwork);
  window.addEventListener('offline', onNetwork);
  const timer = setInterval(onNetwork, DEADLINE_CHECK_MS);
  return () => {
    offRecords();
    offOutbox();
    window.removeEventListener('online', onNetwork);
    window.removeEventListener('offline', onNetwork);
    clearInterval(timer);
  };
}
