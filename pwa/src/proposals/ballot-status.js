// Before and after sending: when voting ends, whether this device can still
// make it, and what became of the ballot it queued.
import { h } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { refusalReason } from '../mine/outbox-actions.js';
import { isPast } from './ballot-shared.js';

/**
 * The deadline line, and a warning (role=alert) when the end has passed on
 * this device's clock, or when the device is offline so the ballot may not
 * arrive in time. The server's clock decides; this only warns.
 */
export function deadlineNotice(issue, sent) {
  const ends = issue.phase_ends_at;
  const when = formatDateTime(ends);
  const parts = [];

  if (issue.state === 'voting' && ends) {
    parts.push(
      h('p', { testid: 'ballot-ends' }, t('ballot.ends_at', { time: when })),
    );
  }
  let warning = null;
  if (issue.closed || issue.state !== 'voting') {
    warning = t('ballot.warn_closed');
  } else if (isPast(ends)) {
    warning =
      sent?.state === 'waiting'
        ? t('ballot.warn_ended_unsent', { time: when })
        : t('ballot.warn_ended', { time: when });
  } else if (!navigator.onLine) {
    warning = t('ballot.warn_offline', { time: when });
  }
  if (issue.closed) {
    parts.push(
      h(
        'p',
        {},
        h(
          'a',
          {
            href: `/proposals/issues/${issue.id}/results`,
            testid: 'ballot-results',
          },
          t('ballot.see_results'),
        ),
      ),
    );
  }
  if (warning) {
    parts.push(
      h(
        'p',
        {
          class: 'banner banner--warn',
          role: 'alert',
          testid: 'ballot-warning',
        },
        warning,
      ),
    );
  }
  return parts;
}

/** What happened to the newest ballot this device queued for the issue. */
export function sendStatus(sent, matchesServer) {
  if (!sent) {
    return matchesServer
      ? h(
          'p',
          { testid: 'ballot-status', 'data-state': 'stored' },
          t('ballot.status_stored'),
        )
      : null;
  }
  const { item, state } = sent;
  if (state === 'waiting') {
    return h(
      'p',
      { testid: 'ballot-status', 'data-state': 'waiting' },
      t('ballot.status_waiting', { time: formatDateTime(item.created_at) }),
    );
  }
  if (state === 'applied') {
    return h(
      'p',
      { testid: 'ballot-status', 'data-state': 'applied' },
      t('ballot.status_applied'),
    );
  }
  const closed = item.result?.code === 'proposal.voting_closed';
  return h(
    'div',
    {
      class: 'card card--attention',
      testid: 'ballot-status',
      'data-state': 'refused',
    },
    h('p', {}, closed ? t('ballot.refused_closed') : t('ballot.refused')),
    h('p', { testid: 'ballot-refusal' }, refusalReason(item.result)),
    h('p', { class: 'hint' }, t('ballot.draft_kept')),
  );
}
