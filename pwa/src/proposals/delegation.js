// Screen: /proposals/delegation?scope=unit|area|issue&id=... Choose a
// trustee, block an inherited delegation, or remove one; each change is a
// `proposal.delegation.set` in the outbox, so it works offline.
import { h, mount, uid } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { currentUser } from '../api/session.js';
import { HttpError, NetworkError } from '../api/http.js';
import { enqueue } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';
import { on, OUTBOX_CHANGED } from '../sync/events.js';
import { logger } from '../app/log.js';
import {
  DELEGATION_MUTATION,
  knownNames,
  loadDelegation,
  queuedChanges,
  rememberNames,
  SCOPES,
  searchMembers,
} from './delegation-data.js';
import { chainView, currentSetting, queuedView } from './delegation-view.js';
import { backToIssue, membersOnly } from './ballot-shared.js';
import { getIssue } from './store.js';
import { refusalReason } from '../mine/outbox-actions.js';

const log = logger('delegation');

function button(label, testid, onclick, extra = {}) {
  return h(
    'button',
    { type: 'button', class: 'btn btn--small', testid, onclick, ...extra },
    label,
  );
}

function searchForm(unitId, onPick, announce) {
  const inputId = uid('member-search');
  const input = h('input', {
    id: inputId,
    type: 'search',
    class: 'input',
    testid: 'member-query',
    autocomplete: 'off',
  });
  const results = h('ul', { class: 'list', testid: 'member-results' });
  const more = h('div');

  async function show(offset) {
    if (!unitId()) {
      mount(
        results,
        h('li', { class: 'hint' }, t('delegation.search_needs_connection')),
      );
      return;
    }
    try {
      const page = await searchMembers(unitId(), input.value.trim(), offset);
      await rememberNames(page.members);
      const rows = page.members.map((member) =>
        h(
          'li',
          { class: 'member', testid: 'member-result' },
          h('span', {}, member.name),
          button(
            t('delegation.delegate_to', { name: member.name }),
            'delegate-to',
            () => onPick(member),
          ),
        ),
      );
      if (offset === 0)
        mount(
          results,
          rows.length
            ? rows
            : h('li', { class: 'hint' }, t('delegation.search_empty')),
        );
      else results.append(...rows);
      announce(t('delegation.search_found', { count: page.members.length }));
      mount(
        more,
        page.next_offset === null
          ? null
          : button(t('delegation.search_more'), 'member-more', () =>
              show(page.next_offset),
            ),
      );
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      mount(
        results,
        h('li', { class: 'hint' }, t('delegation.search_needs_connection')),
      );
      mount(more);
    }
  }

  return h(
    'form',
    {
      class: 'form',
      role: 'search',
      testid: 'member-search',
      onsubmit: (event) => {
        event.preventDefault();
        show(0).catch((e) => log.warn('search', e));
      },
    },
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: inputId, class: 'field__label' },
        t('delegation.search_label'),
      ),
      input,
    ),
    h(
      'button',
      { type: 'submit', class: 'btn', testid: 'member-search-go' },
      t('delegation.search'),
    ),
    results,
    more,
  );
}

export async function delegationScreen(outlet) {
  const params = new URLSearchParams(location.search);
  const scope = params.get('scope');
  const id = params.get('id') ?? '';
  const user = currentUser();
  if (!SCOPES.includes(scope) || !id) {
    mount(
      outlet,
      h('h1', { class: 'screen__title' }, t('delegation.title')),
      h('p', { testid: 'delegation-bad-link' }, t('delegation.bad_link')),
    );
    return null;
  }
  const gate = membersOnly(user);
  if (gate) {
    mount(
      outlet,
      h('h1', { class: 'screen__title' }, t('delegation.title')),
      gate,
    );
    return null;
  }
  const issue = scope === 'issue' ? await getIssue(id) : null;
  let entry = null;
  let error = null;
  let pendingBefore = 0;

  const title = h('h1', { class: 'screen__title', testid: 'delegation-title' });
  const current = h('div', { testid: 'delegation-setting' });
  const queued = h('div');
  const actions = h('div', { class: 'actions' });
  const chain = h('section', { 'aria-label': t('delegation.chain_label') });
  const announce = h('p', {
    class: 'visually-hidden',
    'aria-live': 'polite',
    testid: 'delegation-announce',
  });
  const unitId = () =>
    scope === 'unit'
      ? id
      : (entry?.data.unit_id ?? issue?.area?.unit_id ?? null);

  async function change(args, message) {
    await enqueue(DELEGATION_MUTATION, { scope, target_id: id, ...args });
    announce.textContent = message;
    requestSync('delegation');
    await render();
  }
  const pick = (member) =>
    change(
      { trustee_id: member.id, active: true },
      t('delegation.queued_to', { name: member.name }),
    );

  async function render() {
    const name = entry?.data.target_name ?? issue?.area?.name ?? '';
    title.textContent = t(`delegation.title_${scope}`, { name });
    const changes = await queuedChanges(scope, id);
    mount(queued, queuedView(changes, await knownNames()));
    mount(
      current,
      error
        ? h('p', { class: 'banner banner--warn' }, error)
        : entry
          ? currentSetting(entry.data)
          : null,
    );
    const mine = entry?.data.mine;
    mount(
      actions,
      mine
        ? button(t('delegation.remove'), 'delegation-remove', () =>
            change(
              { trustee_id: null, active: false },
              t('delegation.queued_remove'),
            ),
          )
        : null,
      scope !== 'unit' && !(mine && !mine.trustee)
        ? button(t('delegation.block'), 'delegation-block', () =>
            change(
              { trustee_id: null, active: true },
              t('delegation.queued_block'),
            ),
          )
        : null,
    );
    mount(chain, error ? null : chainView(entry));
    pendingBefore = changes.pending.length;
  }

  async function load() {
    try {
      entry = await loadDelegation(user.id, scope, id);
      error = null;
    } catch (failure) {
      if (!(failure instanceof HttpError)) throw failure;
      error = refusalReason(failure.body) || failure.message;
    }
    await render();
  }

  mount(
    outlet,
    issue
      ? backToIssue(id)
      : h(
          'p',
          {},
          h(
            'a',
            { href: '/proposals', class: 'back' },
            t('ballot.to_proposals'),
          ),
        ),
    title,
    h('p', { class: 'hint' }, t('delegation.explain')),
    queued,
    current,
    actions,
    h('h2', { class: 'section__title' }, t('delegation.choose_title')),
    searchForm(unitId, pick, (text) => (announce.textContent = text)),
    chain,
    announce,
  );
  await load();

  // Once the queue has delivered this scope's change, ask the server again.
  const offOutbox = on(OUTBOX_CHANGED, async () => {
    const { pending } = await queuedChanges(scope, id);
    if (pendingBefore > 0 && pending.length === 0) await load();
    else await render();
  });
  return () => offOutbox();
}
