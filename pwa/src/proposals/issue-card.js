// One issue in a list: its phase and deadline, its area and its initiatives.
import { h } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { phaseLine, phasePill } from './phase.js';
import { OPEN_PHASES } from './store.js';

export const PHASE_FILTERS = ['open', ...OPEN_PHASES, 'closed', 'all'];

export function matchesPhase(issue, phase) {
  if (phase === 'all') return true;
  if (phase === 'open') return !issue.closed;
  if (phase === 'closed') return issue.closed;
  return issue.state === phase;
}

/** Newest first, as the server lists them. */
export function sortIssues(issues) {
  return [...issues].sort((a, b) =>
    (b.created_at ?? '').localeCompare(a.created_at ?? ''),
  );
}

export function issueCard(issue, initiatives) {
  const names = initiatives.map((i) => i.name);
  const title = names[0] ?? t('proposals.issue_untitled');
  const more =
    names.length > 1
      ? t('proposals.more_initiatives', { count: names.length - 1 })
      : null;

  return h(
    'li',
    { class: 'card card--stack', testid: 'issue-card' },
    h(
      'p',
      { class: 'card__meta' },
      phasePill(issue),
      ' ',
      issue.area?.name ?? '',
    ),
    h(
      'h3',
      { class: 'card__title' },
      h(
        'a',
        { href: `/proposals/issues/${issue.id}`, testid: 'issue-link' },
        title,
      ),
    ),
    more ? h('p', { class: 'card__body' }, more) : null,
    h('p', { class: 'card__meta' }, phaseLine(issue)),
    h(
      'p',
      { class: 'card__meta' },
      t('proposals.interested_count', {
        count: formatNumber(issue.interest_count ?? 0),
      }),
    ),
  );
}

/** A labelled phase picker; `onChange(phase)` on each change. */
export function phasePicker(value, onChange, id) {
  const select = h(
    'select',
    {
      id,
      class: 'input',
      testid: 'phase-filter',
      onchange: () => onChange(select.value),
    },
    PHASE_FILTERS.map((phase) =>
      h(
        'option',
        { value: phase, selected: phase === value },
        t(`proposals.filter.${phase}`),
      ),
    ),
  );
  return h(
    'div',
    { class: 'field field--inline' },
    h('label', { for: id, class: 'field__label' }, t('proposals.filter_label')),
    select,
  );
}
