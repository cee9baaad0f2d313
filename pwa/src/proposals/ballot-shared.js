// What the ballot, delegation and results screens share: the signed-in
// member check, a way back, the screen for an issue not pulled yet.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';

/** A notice for guests and signed-out people, or null for members. */
export function membersOnly(user) {
  if (user && !user.is_guest) return null;
  return h(
    'p',
    { class: 'banner', testid: 'members-only' },
    t('ballot.members_only'),
    ' ',
    h('a', { href: '/signin' }, t('ballot.sign_in')),
  );
}

export function backToIssue(issueId) {
  return h(
    'p',
    {},
    h(
      'a',
      { href: `/proposals/issues/${issueId}`, class: 'back', testid: 'back' },
      t('ballot.back_to_issue'),
    ),
  );
}

/** A screen for an issue this device has not pulled yet. */
export function notSynced(outlet) {
  outlet.replaceChildren(
    h('h1', { class: 'screen__title' }, t('ballot.issue_missing_title')),
    h('p', { testid: 'issue-missing' }, t('ballot.issue_missing')),
    h('p', {}, h('a', { href: '/proposals' }, t('ballot.to_proposals'))),
  );
}

export function isPast(iso, now = Date.now()) {
  return Boolean(iso) && new Date(iso).getTime() <= now;
}
