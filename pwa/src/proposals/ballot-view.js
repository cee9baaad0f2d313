// The ballot's three parts (approve, the status quo line with the
// abstainers, reject) and one row per initiative with its move buttons.
// Buttons, not drag: every move works by keyboard and is announced.
import { h, uid } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { allowedMoves, position } from './ballot-model.js';

export const MOVE_NAMES = ['up', 'down', 'tie', 'approve', 'abstain', 'reject'];

/** What a screen reader hears after a move, and what the row says. */
export function describe(ballot, id, name) {
  const at = position(ballot, id);
  if (at.section === 'abstain') return t('ballot.now_abstain', { name });
  const key = at.shared
    ? `ballot.now_${at.section}_shared`
    : `ballot.now_${at.section}`;
  return t(key, { name, rank: at.rank, count: at.of });
}

function moveButton(item, name, allowed, onMove) {
  return h(
    'button',
    {
      type: 'button',
      class: `btn btn--small ballot__move ballot__move--${name}`,
      testid: `ballot-${name}`,
      'data-move': name,
      'data-initiative': item.id,
      disabled: !allowed,
      onclick: () => onMove(item.id, name),
    },
    t(`ballot.move_${name}`),
  );
}

function row(ballot, item, onMove) {
  const labelId = uid('ballot-name');
  const allowed = allowedMoves(ballot, item.id);
  return h(
    'li',
    {
      class: 'ballot__item',
      testid: 'ballot-item',
      'data-initiative': item.id,
    },
    h(
      'p',
      { class: 'ballot__name', id: labelId },
      h('a', { href: `/proposals/initiatives/${item.id}` }, item.name),
    ),
    h(
      'p',
      { class: 'ballot__where', testid: 'ballot-where' },
      describe(ballot, item.id, item.name),
    ),
    h(
      'div',
      {
        class: 'ballot__moves',
        role: 'group',
        'aria-labelledby': labelId,
      },
      MOVE_NAMES.map((name) => moveButton(item, name, allowed[name], onMove)),
    ),
  );
}

function tierList(tiers, items, ballot, onMove, section) {
  if (tiers.length === 0) {
    return h('p', { class: 'hint' }, t(`ballot.${section}_empty`));
  }
  return h(
    'ol',
    { class: 'ballot__tiers', testid: `ballot-${section}` },
    tiers.map((tier, i) =>
      h(
        'li',
        { class: 'ballot__tier', 'data-rank': i + 1 },
        h(
          'p',
          { class: 'ballot__rank' },
          t(`ballot.rank_${section}`, { rank: i + 1 }),
        ),
        h(
          'ul',
          { class: 'ballot__row-list' },
          tier.map((id) => row(ballot, items.get(id), onMove)),
        ),
      ),
    ),
  );
}

/** The whole arrangement: approve, the status quo line, reject. */
export function ballotBody(ballot, initiatives, onMove) {
  const items = new Map(initiatives.map((i) => [i.id, i]));
  return [
    h(
      'section',
      {
        class: 'ballot__part ballot__part--approve',
        'aria-labelledby': 'ballot-approve-title',
      },
      h(
        'h2',
        { class: 'section__title', id: 'ballot-approve-title' },
        t('ballot.approve_title'),
      ),
      h('p', { class: 'hint' }, t('ballot.approve_hint')),
      tierList(ballot.approve, items, ballot, onMove, 'approve'),
    ),
    h(
      'section',
      {
        class: 'ballot__part ballot__status-quo',
        testid: 'ballot-status-quo',
        'aria-labelledby': 'ballot-sq-title',
      },
      h(
        'h2',
        { class: 'section__title', id: 'ballot-sq-title' },
        t('ballot.status_quo_title'),
      ),
      h('p', {}, t('ballot.status_quo_hint')),
      ballot.abstain.length
        ? h(
            'ul',
            { class: 'ballot__row-list', testid: 'ballot-abstain' },
            ballot.abstain.map((id) => row(ballot, items.get(id), onMove)),
          )
        : h('p', { class: 'hint' }, t('ballot.abstain_empty')),
    ),
    h(
      'section',
      {
        class: 'ballot__part ballot__part--reject',
        'aria-labelledby': 'ballot-reject-title',
      },
      h(
        'h2',
        { class: 'section__title', id: 'ballot-reject-title' },
        t('ballot.reject_title'),
      ),
      h('p', { class: 'hint' }, t('ballot.reject_hint')),
      tierList(ballot.reject, items, ballot, onMove, 'reject'),
    ),
  ];
}
