// An issue's phase in words: what it is, when it ends, and how far each
// initiative is from the quorum that matters in that phase.
import { h } from '../ui/dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/i18n.js';

export function phaseName(state) {
  return t(`proposals.phase.${state}`);
}

/** "Discussion, ends 3 Dec 2026, 10:00", or when it closed. */
export function phaseLine(issue) {
  if (issue.closed) {
    return t('proposals.closed_at', {
      phase: phaseName(issue.state),
      date: formatDateTime(issue.closed_at),
    });
  }
  if (!issue.phase_ends_at) return phaseName(issue.state);
  return t('proposals.phase_ends', {
    phase: phaseName(issue.state),
    date: formatDateTime(issue.phase_ends_at),
  });
}

export function phasePill(issue) {
  return h(
    'span',
    {
      class: `pill pill--phase pill--${issue.closed ? 'closed' : issue.state}`,
      testid: 'issue-phase',
    },
    phaseName(issue.state),
  );
}

/**
 * The quorum that counts now: in admission an issue needs one initiative
 * with `quorum.issue` supporters; until voting, each initiative needs
 * `quorum.initiative` satisfied supporters to be put to the vote.
 */
export function quorumFor(issue, initiative) {
  const quorum = issue.quorum ?? {};
  if (issue.state === 'admission' && quorum.issue) {
    return {
      key: 'proposals.quorum_issue',
      have: initiative.supporter_count,
      need: quorum.issue,
    };
  }
  if (['discussion', 'verification'].includes(issue.state)) {
    const need = quorum.initiative ?? issue.initiative_quorum;
    if (!need) return null;
    return {
      key: 'proposals.quorum_initiative',
      have: initiative.satisfied_supporter_count,
      need,
    };
  }
  return null;
}

export function quorumMeter(issue, initiative) {
  const quorum = quorumFor(issue, initiative);
  if (!quorum) return null;
  const text = t(quorum.key, {
    have: formatNumber(quorum.have),
    need: formatNumber(quorum.need),
  });
  const reached = quorum.have >= quorum.need;

  return h(
    'div',
    { class: 'quorum', testid: 'quorum' },
    h('progress', {
      class: 'quorum__bar',
      max: String(quorum.need),
      value: String(Math.min(quorum.have, quorum.need)),
      'aria-label': text,
    }),
    h(
      'span',
      { class: reached ? 'quorum__text quorum__text--ok' : 'quorum__text' },
      reached ? t('proposals.quorum_reached', { text }) : text,
    ),
  );
}
