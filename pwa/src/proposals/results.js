// Screen: /proposals/issues/:id/results. The count as pulled: the winner or
// why there is none, each initiative's votes and rank, the pairwise matrix,
// and the ballots file anyone can recount.
import { h, mount } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { on, RECORDS_CHANGED } from '../sync/events.js';
import { logger } from '../app/log.js';
import { pairwiseTable } from './results-matrix.js';
import { backToIssue, notSynced } from './ballot-shared.js';
import { getIssue, initiativesOf } from './store.js';

const log = logger('results');
const STATUS_QUO = 'status_quo';

function byRank(a, b) {
  const key = (i) => [i.rank ?? Infinity, i.schulze_rank ?? Infinity];
  const [ra, sa] = key(a);
  const [rb, sb] = key(b);
  return ra - rb || sa - sb;
}

/** Why an initiative did not win, in one phrase. */
function shortfall(initiative) {
  if (!initiative.better_than_status_quo) return t('results.not_better');
  if (!initiative.direct_majority || initiative.indirect_majority === false) {
    return t('results.no_majority');
  }
  return t('results.not_eligible_policy');
}

function verdict(issue, ranked, label) {
  const winner = ranked.find((i) => i.winner);
  if (winner) {
    return h(
      'p',
      {
        class: 'results__verdict',
        testid: 'results-winner',
        'data-winner': winner.id,
      },
      t('results.winner', { name: winner.name }),
    );
  }
  let why = t('results.why_none_admitted');
  if (!issue.result?.voter_count) why = t('results.why_no_votes');
  else if (ranked.length) {
    const best = [...ranked].sort(
      (a, b) => (a.schulze_rank ?? Infinity) - (b.schulze_rank ?? Infinity),
    )[0];
    why = best.better_than_status_quo
      ? t('results.why_best_fails', {
          name: label(best.id),
          reason: shortfall(best),
        })
      : t('results.why_status_quo');
  }
  return h(
    'div',
    { class: 'results__verdict', testid: 'results-no-winner' },
    h('p', {}, t('results.no_winner')),
    h('p', { testid: 'results-why' }, why),
  );
}

function rankingList(ranked) {
  return h(
    'ol',
    { class: 'list', testid: 'results-ranking' },
    ranked.map((i) =>
      h(
        'li',
        {
          class: 'card results__initiative',
          testid: 'results-initiative',
          'data-initiative': i.id,
        },
        h(
          'p',
          { class: 'card__title' },
          h('a', { href: `/proposals/initiatives/${i.id}` }, i.name),
        ),
        h(
          'p',
          { testid: 'results-votes' },
          t('results.votes', {
            yes: formatNumber(i.positive_votes ?? 0),
            no: formatNumber(i.negative_votes ?? 0),
          }),
        ),
        h(
          'p',
          {},
          i.winner
            ? t('results.is_winner')
            : i.eligible
              ? t('results.eligible')
              : shortfall(i),
        ),
      ),
    ),
  );
}

function schulzeOrder(result, label) {
  return h(
    'ol',
    { testid: 'schulze-ranking' },
    result.schulze_ranking.map((c) =>
      h('li', { 'data-candidate': c }, label(c)),
    ),
  );
}

function recount(issue) {
  const file = `issue-${issue.id}-ballots.json`;
  const tie = issue.result.tie_breaking ?? 'variant1';
  return [
    h(
      'p',
      {},
      h(
        'a',
        {
          href: `/api/proposals/issues/${issue.id}/ballots.json`,
          download: file,
          'data-external': '',
          testid: 'results-ballots',
        },
        t('results.ballots_file'),
      ),
    ),
    h(
      'p',
      { class: 'hint', testid: 'results-recount' },
      t('results.recount'),
      ' ',
      h('code', {}, `wegovnow proposals tally ${file} --tie-breaking ${tie}`),
    ),
  ];
}

async function render(outlet, id) {
  const issue = await getIssue(id);
  if (!issue) return notSynced(outlet);
  const head = [
    backToIssue(id),
    h('h1', { class: 'screen__title' }, t('results.title')),
  ];
  if (!issue.closed || !issue.result) {
    mount(
      outlet,
      head,
      h('p', { testid: 'results-pending' }, t('results.pending')),
    );
    return null;
  }
  const initiatives = await initiativesOf(issue);
  const names = new Map(initiatives.map((i) => [i.id, i.name]));
  const label = (c) =>
    c === STATUS_QUO ? t('results.status_quo') : (names.get(c) ?? c);
  const ranked = initiatives
    .filter((i) => issue.result.candidates.includes(i.id))
    .sort(byRank);

  mount(
    outlet,
    head,
    verdict(issue, ranked, label),
    h(
      'p',
      { testid: 'results-voters' },
      t('results.voters', {
        count: formatNumber(issue.result.voter_count ?? 0),
      }),
    ),
    h('h2', { class: 'section__title' }, t('results.ranking_title')),
    rankingList(ranked),
    h('h2', { class: 'section__title' }, t('results.matrix_title')),
    h('p', { class: 'hint' }, t('results.matrix_hint')),
    pairwiseTable(issue.result, label),
    h('h2', { class: 'section__title' }, t('results.schulze_title')),
    schulzeOrder(issue.result, label),
    recount(issue),
  );
  return null;
}

export async function resultsScreen(outlet, { id }) {
  await render(outlet, id);
  const off = on(RECORDS_CHANGED, () =>
    render(outlet, id).catch((e) => log.warn(e)),
  );
  return () => off();
}
