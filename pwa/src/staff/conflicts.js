// Conflict records the server keeps when two edits changed the same field:
// the value it kept ("theirs") beside the one that lost ("yours"). Staff
// pick one; the choice is queued like any other change.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { enqueue, listUnsent } from '../sync/outbox.js';
import { listRecords } from '../sync/records.js';
import { requestSync } from '../sync/engine.js';

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

function shown(value) {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function resolve(conflict, choice, value = undefined) {
  const args = { id: conflict.id, choice };
  if (choice === 'merged') args.value = value;
  await enqueue('conflict.resolve', args);
  requestSync('conflict resolved');
}

function conflictItem(conflict) {
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
        h('dd', {}, shown(conflict.theirs)),
      ),
      h(
        'div',
        {},
        h('dt', {}, t('conflict.your_value')),
        h('dd', {}, shown(conflict.yours)),
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
          typeof conflict.theirs === 'string' || conflict.theirs === null
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

export function conflictList(conflicts) {
  if (!conflicts.length) return null;
  return h(
    'section',
    { class: 'conflicts', testid: 'conflicts' },
    h('h3', { class: 'section__title' }, t('conflict.heading')),
    h('ul', { class: 'list' }, conflicts.map(conflictItem)),
  );
}
