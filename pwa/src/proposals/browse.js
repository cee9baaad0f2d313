// Screens: /proposals (units, their areas, issues by phase) and
// /proposals/areas/:id (one area's issues). Read from the pulled records,
// so both work offline after a sync.
import { addChildren, h, uid } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import {
  issueCard,
  matchesPhase,
  phasePicker,
  sortIssues,
} from './issue-card.js';
import { backLink, isMember, liveRegion, notFound } from './parts.js';
import { initiativesOf, listIssues, loadStructure } from './store.js';
import { PHASE_FILTERS } from './issue-card.js';

function phaseFromUrl() {
  const phase = new URLSearchParams(location.search).get('phase');
  return PHASE_FILTERS.includes(phase) ? phase : 'open';
}

function rememberPhase(phase) {
  const url = new URL(location.href);
  url.searchParams.set('phase', phase);
  history.replaceState(null, '', url.pathname + url.search);
}

async function issueList(issues) {
  if (issues.length === 0) {
    return h(
      'p',
      { class: 'empty', testid: 'issues-empty' },
      t('proposals.no_issues'),
    );
  }
  const cards = await Promise.all(
    sortIssues(issues).map(async (issue) =>
      issueCard(issue, await initiativesOf(issue)),
    ),
  );
  return h('ul', { class: 'list', testid: 'issue-list' }, cards);
}

function unitTitle(unit, structure) {
  const parent = unit.parent_id ? structure.unit.get(unit.parent_id) : null;
  const name = unit.name ?? t('proposals.unit_unnamed');
  return parent?.name ? `${parent.name} › ${name}` : name;
}

function areaLink(area, issues) {
  const open = issues.filter((i) => i.area.id === area.id && !i.closed).length;
  return h(
    'li',
    { class: 'row' },
    h(
      'a',
      {
        href: `/proposals/areas/${area.id}`,
        class: 'row__title',
        testid: 'area-link',
      },
      area.name,
    ),
    h(
      'span',
      { class: 'row__meta' },
      t('proposals.open_issues', { count: formatNumber(open) }),
    ),
  );
}

function unitSection(unit, structure, issues) {
  const areas = structure.areas.filter((a) => a.unit_id === unit.id);
  return h(
    'section',
    { class: 'unit', testid: 'unit' },
    h('h2', { class: 'section__title' }, unitTitle(unit, structure)),
    unit.description ? h('p', { class: 'hint' }, unit.description) : null,
    areas.length
      ? h(
          'ul',
          { class: 'rows', testid: 'area-list' },
          areas.map((a) => areaLink(a, issues)),
        )
      : h('p', { class: 'empty' }, t('proposals.no_areas')),
    isMember()
      ? h(
          'p',
          {},
          h(
            'a',
            {
              href: `/proposals/delegation?scope=unit&id=${unit.id}`,
              testid: 'unit-delegation',
            },
            t('proposals.delegation_unit'),
          ),
        )
      : null,
  );
}

function head(title, extra = null) {
  return h(
    'div',
    { class: 'screen__head' },
    h('h1', { class: 'screen__title' }, title),
    extra,
  );
}

function newLink(query) {
  if (!isMember()) return null;
  return h(
    'a',
    {
      href: `/proposals/new${query}`,
      class: 'btn btn--primary',
      testid: 'new-initiative',
    },
    t('proposals.new_initiative'),
  );
}

export async function proposalsScreen(outlet) {
  let phase = phaseFromUrl();
  let live = null;
  let structure = await loadStructure({
    onFresh: (fresh) => {
      structure = fresh;
      live?.update();
    },
  });
  const pickerId = uid('phase');

  live = liveRegion(async () => {
    const issues = await listIssues();
    const units = structure.units.length
      ? structure.units.map((u) => unitSection(u, structure, issues))
      : h('p', { class: 'empty', testid: 'no-units' }, t('proposals.no_units'));
    return [
      units,
      h('h2', { class: 'section__title' }, t('proposals.issues_title')),
      await issueList(issues.filter((i) => matchesPhase(i, phase))),
    ];
  });
  addChildren(
    outlet,
    head(t('proposals.title'), newLink('')),
    phasePicker(
      phase,
      (next) => {
        phase = next;
        rememberPhase(next);
        live.update();
      },
      pickerId,
    ),
    live.el,
  );
  await live.ready;
  return live.cleanup;
}

export async function areaScreen(outlet, { id }) {
  let phase = phaseFromUrl();
  const structure = await loadStructure();
  const area = structure.area.get(id);
  const unit = area ? structure.unit.get(area.unit_id) : null;

  const live = liveRegion(async () => {
    const issues = (await listIssues()).filter((i) => i.area.id === id);
    return issueList(issues.filter((i) => matchesPhase(i, phase)));
  });
  addChildren(
    outlet,
    backLink('/proposals', t('proposals.back_to_units')),
    head(area?.name ?? t('proposals.area_unknown'), newLink(`?area=${id}`)),
    unit?.name
      ? h('p', { class: 'hint', testid: 'area-unit' }, unit.name)
      : null,
    area?.description ? h('p', {}, area.description) : null,
    area ? null : notFound(t('proposals.area_offline')),
    isMember()
      ? h(
          'p',
          {},
          h(
            'a',
            {
              href: `/proposals/delegation?scope=area&id=${id}`,
              testid: 'area-delegation',
            },
            t('proposals.delegation_area'),
          ),
        )
      : null,
    phasePicker(
      phase,
      (next) => {
        phase = next;
        rememberPhase(next);
        live.update();
      },
      uid('phase'),
    ),
    h('h2', { class: 'section__title' }, t('proposals.issues_title')),
    live.el,
  );
  await live.ready;
  return live.cleanup;
}
