// Proposal mutations the server refused, shown where they were made until the
// person dismisses them. The reason is looked up in the app's own strings,
// so it follows the language chosen now, not the one of the send.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { dismiss } from '../sync/outbox.js';
import { refusalReason } from '../mine/outbox-actions.js';
import { refusedProposals } from './store.js';

// Codes of the proposals engine a member can meet (server/proposals/).
export const REFUSAL_CODES = [
  'half_frozen',
  'fully_frozen',
  'issue_closed',
  'revoked',
  'members_only',
  'not_initiator',
  'policy_not_allowed',
  'policy_not_found',
  'area_not_found',
  'issue_not_found',
  'initiative_not_found',
  'suggestion_not_found',
  'id_taken',
];

export function proposalRefusal(result) {
  const code = result?.code?.replace(/^proposal\./, '');
  if (REFUSAL_CODES.includes(code)) {
    return t(`proposals.refusal.${code}`, result.params ?? {});
  }
  return refusalReason(result);
}

/** A region listing the refusals that mention any of `ids`, or null. */
export async function refusalList(ids) {
  const items = await refusedProposals(ids);
  if (items.length === 0) return null;

  return h(
    'section',
    {
      class: 'refusals',
      role: 'alert',
      'aria-label': t('proposals.refused_title'),
      testid: 'proposal-refusals',
    },
    h('h2', { class: 'section__title' }, t('proposals.refused_title')),
    h(
      'ul',
      { class: 'list' },
      items.map((item) =>
        h(
          'li',
          { class: 'card card--attention', testid: 'proposal-refusal' },
          h('p', { class: 'card__title' }, t(`mutation.${item.name}`)),
          h('p', { testid: 'refusal-reason' }, proposalRefusal(item.result)),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn--small',
              testid: 'refusal-dismiss',
              onclick: () => dismiss(item.seq),
            },
            t('proposals.dismiss'),
          ),
        ),
      ),
    ),
  );
}
