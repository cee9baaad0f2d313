// Conflict records the server keeps when two edits changed the same field:
// the value it kept ("theirs") beside the one that lost ("yours"). Staff
// pick one; the choice is queued like any other change.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { enqueue, listUnsent } from '../sync/outbox.js';
import { listRecords } from '../sync/records.js';
import { requestSync } from '../sync/engine.js';
import { departmentName } from './departments.js';

/** Open conflicts of report `id` from the pulled copy, with queued choices. */
export async function openConflicts(id) {
  const [records, unsent] = await Promise.all([
    listRecords('conflict'),
    listUnsent(),
  ]);
  const chosen = new Set(
    unsent
      .filter((item) => item.name === 'conflict.resolve')
      .map((item) => item.args.id),
  );
  return records
    .map((record) => record.data)
    .filter((data) => data?.entity_id === id && !data.resolved_at)
    .map((data) => ({ ...data, queued: chosen.has(data.id) }));
}

function shown(value, name) {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? name(value) : JSON.stringify(value);
}

// Fields whose values come from a list: shown by name, never merged by hand
// (a merged category would be no category at all).
const LISTED_FIELDS = new Set(['category', 'department']);

// Staff know categories and departments by their names; the ids are what
// the server stores and what the choice sends back.
function namerFor(field, categories, departments) {
  if (field === 'category') return (id) => categories.get(id) ?? id;
  if (field === 'department') return (id) => departmentName(departments, id);
  return (value) => value;
}

async function resolve(conflict, choice, value = undefined) {
  const args = { id: conflict.id, choice };
  if (choice === 'merged') args.value = value;
  await enqueue('conflict.resolve', args);
  requestSync('conflict resolved');
}

function conflictItem(conflict, name) {
  const choose = (choice, key) =>
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn--small',
        testid: `conflict-${choice}`,
        onclick: () => resolve(conflict, choice),
      },
      t(key),
    );
  return h(
    'li',
    { class: 'card card--attention', testid: 'conflict' },
    h(
      'p',
      { class: 'card__title' },
      t('conflict.title', { field: conflict.field ?? '' }),
    ),
    h(
      'dl',
      { class: 'conflict__sides', testid: 'conflict-sides' },
      h(
        'div',
        {},
        h('dt', {}, t('conflict.server_value')),
        h('dd', {}, shown(conflict.theirs, name)),
      ),
      h(
        'div',
        {},
        h('dt', {}, t('conflict.your_value')),
        h('dd', {}, shown(conflict.yours, name)),
      ),
    ),
    conflict.queued
      ? h('p', { class: 'hint' }, t('conflict.queued'))
      : [
          h(
            'div',
            { class: 'actions' },
            choose('theirs', 'conflict.keep_theirs'),
            choose('yours', 'conflict.use_yours'),
          ),
          !LISTED_FIELDS.has(conflict.field) &&
          (typeof conflict.theirs === 'string' || conflict.theirs === null)
            ? mergeForm(conflict)
            : null,
        ],
  );
}

// Text fields can be merged by hand: both values start in the box.
function mergeForm(conflict) {
  const id = `merge-${conflict.id}`;
  const box = h('textarea', {
    id,
    class: 'input',
    rows: 3,
    testid: 'conflict-merge-value',
    value: [conflict.theirs, conflict.yours].filter(Boolean).join('\n'),
  });
  return h(
    'form',
    {
      class: 'form',
      onsubmit: (event) => {
        event.preventDefault();
        resolve(conflict, 'merged', box.value.trim());
      },
    },
    h('label', { for: id, class: 'field__label' }, t('conflict.merge_label')),
    box,
    h(
      'button',
      { type: 'submit', class: 'btn btn--small', testid: 'conflict-merged' },
      t('conflict.merge_save'),
    ),
  );
}

export function conflictList(conflicts, categories, departments) {
  if (!conflicts.length) return null;
  const item = (conflict) =>
    conflictItem(conflict, namerFor(conflict.field, categories, departments));
  return h(
    'section',
    { class: 'conflicts', testid: 'conflicts' },
    h('h3', { class: 'section__title' }, t('conflict.heading')),
    h('ul', { class: 'list' }, conflicts.map(item)),
  );
}
