// An initiative's standing in a few words: supporters, satisfied supporters,
// the quorum, the person's own support, and the vote's outcome once counted.
import { h } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { quorumMeter } from './phase.js';

export function supportCounts(initiative) {
  return h(
    'p',
    { class: 'card__meta', testid: 'support-counts' },
    t('proposals.supporters', {
      count: formatNumber(initiative.supporter_count),
      satisfied: formatNumber(initiative.satisfied_supporter_count),
    }),
  );
}

export function initiatorNames(initiative) {
  const names = initiative.initiators.map(
    (i) => i.name ?? t('proposals.someone'),
  );
  return h(
    'p',
    { class: 'card__meta', testid: 'initiators' },
    t('proposals.initiators', { names: names.join(', ') }),
  );
}

/** Badges: my support (and whether the draft changed since), the outcome. */
export function standing(initiative) {
  const badges = [];
  if (initiative.revoked_at) badges.push(['closed', t('proposals.revoked')]);
  if (initiative.support_outdated) {
    badges.push(['attention', t('proposals.draft_changed')]);
  } else if (initiative.supported) {
    badges.push(['sent', t('proposals.you_support')]);
  }
  if (initiative.admitted === false) {
    badges.push(['closed', t('proposals.not_admitted')]);
  }
  if (initiative.winner) badges.push(['sent', t('proposals.winner')]);
  else if (initiative.rank) {
    badges.push(['server', t('proposals.rank', { rank: initiative.rank })]);
  }
  if (badges.length === 0) return null;
  return h(
    'p',
    { class: 'badges', testid: 'standing' },
    badges.map(([kind, text]) =>
      h('span', { class: `pill pill--${kind}` }, text),
    ),
  );
}

export function initiativeCard(issue, initiative) {
  return h(
    'li',
    { class: 'card card--stack', testid: 'initiative-card' },
    h(
      'h3',
      { class: 'card__title' },
      h(
        'a',
        {
          href: `/proposals/initiatives/${initiative.id}`,
          testid: 'initiative-link',
        },
        initiative.name,
      ),
    ),
    standing(initiative),
    initiatorNames(initiative),
    supportCounts(initiative),
    quorumMeter(issue, initiative),
  );
}
