// Suggestions on an initiative: ordered by support, with the opinion counts,
// the person's own rating (must … must not, in the draft or not), and a form
// to add one. Ratings and new suggestions are queued mutations.
import { h, uid } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { addSuggestion, setOpinion } from './actions.js';
import { pendingPill } from './parts.js';
import { richText } from './text.js';

// Opinion degrees as the protocol sends them, strongest first.
export const DEGREES = [
  [2, 'must'],
  [1, 'should'],
  [-1, 'should_not'],
  [-2, 'must_not'],
];

function total(counts) {
  return counts.fulfilled + counts.unfulfilled;
}

/** Most support first: must and should together, then must alone. */
export function bySupport(suggestions) {
  const support = (s) => total(s.opinions.must) + total(s.opinions.should);
  return [...suggestions].sort(
    (a, b) =>
      support(b) - support(a) ||
      total(b.opinions.must) - total(a.opinions.must) ||
      (a.created_at ?? '').localeCompare(b.created_at ?? ''),
  );
}

/** A must left out, or a must-not put in: the supporter is not satisfied. */
export function leavesUnsatisfied(opinion) {
  if (!opinion) return false;
  return (
    (opinion.degree === 2 && !opinion.fulfilled) ||
    (opinion.degree === -2 && opinion.fulfilled)
  );
}

function opinionCounts(suggestion) {
  return h(
    'ul',
    { class: 'opinions', testid: 'opinion-counts' },
    DEGREES.map(([, name]) => {
      const counts = suggestion.opinions[name];
      return h(
        'li',
        { class: 'opinions__item', testid: `opinion-${name}` },
        t(`proposals.degree.${name}`),
        ': ',
        t('proposals.opinion_count', {
          count: formatNumber(total(counts)),
          fulfilled: formatNumber(counts.fulfilled),
        }),
      );
    }),
  );
}

function select(id, testid, options, value) {
  return h(
    'select',
    { id, class: 'input', testid, 'data-focus': `${testid}-${id}` },
    options.map(([optionValue, label]) =>
      h(
        'option',
        { value: String(optionValue), selected: optionValue === value },
        label,
      ),
    ),
  );
}

function ratingForm(suggestion, mine, pending) {
  const degreeId = uid('degree');
  const fulfilledId = uid('fulfilled');
  const degree = select(
    degreeId,
    'opinion-degree',
    [
      [0, t('proposals.degree.none')],
      ...DEGREES.map(([d, n]) => [d, t(`proposals.degree.${n}`)]),
    ],
    mine?.degree ?? 0,
  );
  const fulfilled = select(
    fulfilledId,
    'opinion-fulfilled',
    [
      [0, t('proposals.fulfilled_no')],
      [1, t('proposals.fulfilled_yes')],
    ],
    mine?.fulfilled ? 1 : 0,
  );

  return h(
    'form',
    {
      class: 'rating',
      testid: 'opinion-form',
      onsubmit: (event) => {
        event.preventDefault();
        setOpinion(
          suggestion.id,
          Number(degree.value),
          fulfilled.value === '1',
        );
      },
    },
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: degreeId, class: 'field__label' },
        t('proposals.your_opinion'),
      ),
      degree,
    ),
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: fulfilledId, class: 'field__label' },
        t('proposals.fulfilled_label'),
      ),
      fulfilled,
    ),
    h(
      'button',
      {
        type: 'submit',
        class: 'btn btn--small',
        testid: 'opinion-save',
        'data-focus': `opinion-save-${suggestion.id}`,
      },
      t('proposals.opinion_save'),
    ),
    pending ? pendingPill() : null,
  );
}

function suggestionCard(suggestion, { canRate, pending }) {
  const opinion = pending
    ? { degree: pending.args.degree, fulfilled: pending.args.fulfilled }
    : suggestion.my_opinion;
  const mine = opinion?.degree ? opinion : null;

  return h(
    'li',
    { class: 'card card--stack suggestion', testid: 'suggestion' },
    h(
      'h3',
      { class: 'card__title', testid: 'suggestion-name' },
      suggestion.name,
    ),
    suggestion.author
      ? h(
          'p',
          { class: 'card__meta' },
          t('proposals.by', { name: suggestion.author }),
        )
      : null,
    suggestion.content ? richText(suggestion.html, { headingShift: 3 }) : null,
    opinionCounts(suggestion),
    leavesUnsatisfied(mine)
      ? h(
          'p',
          { class: 'hint hint--warn', testid: 'not-satisfied' },
          t('proposals.not_satisfied'),
        )
      : null,
    canRate ? ratingForm(suggestion, mine, pending) : null,
  );
}

function pendingSuggestion(item) {
  return h(
    'li',
    { class: 'card card--stack suggestion', testid: 'pending-suggestion' },
    h('h3', { class: 'card__title' }, item.args.name),
    item.args.content ? richText(null, { plain: item.args.content }) : null,
    pendingPill(),
  );
}

/** The list; `pending` holds this initiative's unsent suggestion mutations. */
export function suggestionList(initiative, { canRate, pending }) {
  const opinions = new Map();
  for (const item of pending) {
    if (item.name === 'proposal.opinion.set')
      opinions.set(item.args.suggestion_id, item);
  }
  const queued = pending.filter(
    (item) =>
      item.name === 'proposal.suggestion.add' &&
      item.args.initiative_id === initiative.id,
  );
  const cards = [
    ...bySupport(initiative.suggestions).map((s) =>
      suggestionCard(s, { canRate, pending: opinions.get(s.id) }),
    ),
    ...queued.map(pendingSuggestion),
  ];
  if (cards.length === 0) {
    return h(
      'p',
      { class: 'empty', testid: 'no-suggestions' },
      t('proposals.no_suggestions'),
    );
  }
  return h('ul', { class: 'list', testid: 'suggestion-list' }, cards);
}

/** The add form; stays outside the live region so typing survives a sync. */
export function suggestionForm(initiativeId) {
  const nameId = uid('s-name');
  const contentId = uid('s-content');
  const degreeId = uid('s-degree');
  const name = h('input', {
    id: nameId,
    class: 'input',
    required: true,
    maxlength: '200',
    testid: 'suggestion-name-input',
  });
  const content = h('textarea', {
    id: contentId,
    class: 'input',
    rows: 4,
    maxlength: '20000',
    'aria-describedby': `${contentId}-hint`,
    testid: 'suggestion-content',
  });
  const degree = select(
    degreeId,
    'suggestion-degree',
    DEGREES.map(([d, n]) => [d, t(`proposals.degree.${n}`)]),
    1,
  );
  const message = h('p', {
    role: 'status',
    class: 'form__message--ok',
    testid: 'suggestion-message',
  });

  return h(
    'form',
    {
      class: 'form',
      testid: 'suggestion-form',
      onsubmit: async (event) => {
        event.preventDefault();
        if (!name.value.trim()) return;
        await addSuggestion({
          initiativeId,
          name: name.value.trim(),
          content: content.value,
          degree: Number(degree.value),
        });
        name.value = '';
        content.value = '';
        message.textContent = navigator.onLine
          ? t('proposals.saved_online')
          : t('proposals.saved_offline');
      },
    },
    h('h2', { class: 'section__title' }, t('proposals.suggestion_add_title')),
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: nameId, class: 'field__label' },
        t('proposals.suggestion_name'),
      ),
      name,
    ),
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: contentId, class: 'field__label' },
        t('proposals.suggestion_content'),
      ),
      h(
        'p',
        { class: 'hint', id: `${contentId}-hint` },
        t('proposals.markdown_hint'),
      ),
      content,
    ),
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: degreeId, class: 'field__label' },
        t('proposals.suggestion_degree'),
      ),
      degree,
    ),
    h(
      'button',
      { type: 'submit', class: 'btn btn--primary', testid: 'suggestion-add' },
      t('proposals.suggestion_add'),
    ),
    message,
  );
}
