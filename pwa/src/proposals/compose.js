// Screens: /proposals/new (an initiative competing in an issue, or a new
// issue in an area under one of its policies) and
// /proposals/initiatives/:id/draft (a new draft, for initiators). Both queue
// a mutation and go back to what they changed; offline it waits there.
import { addChildren, h, uid } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../app/router.js';
import { addDraft, createInitiative } from './actions.js';
import { backLink, isMember, notFound, signInHint } from './parts.js';
import { getInitiative, getIssue, loadStructure } from './store.js';

function field(label, control, hint = null) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id, class: 'field__label' }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
  );
}

function textArea(testid, value = '') {
  const area = h('textarea', {
    id: uid(testid),
    class: 'input',
    rows: 10,
    required: true,
    maxlength: '20000',
    testid,
  });
  area.value = value;
  return area;
}

function errorLine() {
  return h('p', {
    class: 'form__message--error',
    role: 'alert',
    testid: 'compose-error',
  });
}

function policyOptions(structure, areaId) {
  const area = structure.area.get(areaId);
  const allowed = new Set(area?.policy_ids ?? []);
  return structure.policies.filter(
    (p) => p.active !== false && allowed.has(p.id),
  );
}

function placeFields(structure, areaId) {
  const area = h(
    'select',
    { id: uid('area'), class: 'input', required: true, testid: 'compose-area' },
    h('option', { value: '' }, t('proposals.choose_area')),
    structure.areas.map((a) =>
      h('option', { value: a.id, selected: a.id === areaId }, a.name),
    ),
  );
  const policy = h('select', {
    id: uid('policy'),
    class: 'input',
    required: true,
    testid: 'compose-policy',
  });
  const fillPolicies = () => {
    const options = policyOptions(structure, area.value);
    policy.replaceChildren(
      ...options.map((p) => h('option', { value: p.id }, p.name)),
    );
    policy.disabled = options.length === 0;
  };
  area.addEventListener('change', fillPolicies);
  fillPolicies();
  return {
    area,
    policy,
    fields: [
      field(t('proposals.area'), area),
      field(t('proposals.policy'), policy),
    ],
  };
}

export async function newInitiativeScreen(outlet) {
  const params = new URLSearchParams(location.search);
  const issueId = params.get('issue');
  const issue = issueId ? await getIssue(issueId) : null;
  if (!isMember()) {
    addChildren(
      outlet,
      h('h1', { class: 'screen__title' }, t('proposals.new_initiative')),
      signInHint(),
    );
    return null;
  }
  if (issueId && !issue) {
    addChildren(outlet, notFound(t('proposals.issue_missing')));
    return null;
  }
  const structure = issue ? null : await loadStructure();
  const place = issue ? null : placeFields(structure, params.get('area'));
  const name = h('input', {
    id: uid('name'),
    class: 'input',
    required: true,
    maxlength: '200',
    testid: 'compose-name',
  });
  const content = textArea('compose-content');
  const error = errorLine();

  const form = h(
    'form',
    {
      class: 'form',
      testid: 'compose-form',
      onsubmit: async (event) => {
        event.preventDefault();
        if (place && !place.policy.value) {
          error.textContent = t('proposals.need_policy');
          return;
        }
        const created = await createInitiative({
          issueId,
          areaId: place?.area.value,
          policyId: place?.policy.value,
          name: name.value.trim(),
          content: content.value,
        });
        navigate(`/proposals/issues/${created.issue_id}`);
      },
    },
    place?.fields,
    field(t('proposals.initiative_name'), name),
    field(
      t('proposals.initiative_content'),
      content,
      t('proposals.markdown_hint'),
    ),
    h(
      'button',
      { type: 'submit', class: 'btn btn--primary', testid: 'compose-save' },
      t('proposals.publish'),
    ),
    error,
  );
  addChildren(
    outlet,
    issue
      ? backLink(`/proposals/issues/${issue.id}`, t('proposals.back_to_issue'))
      : backLink('/proposals', t('proposals.back_to_units')),
    h(
      'h1',
      { class: 'screen__title' },
      t(issue ? 'proposals.new_competing' : 'proposals.new_initiative'),
    ),
    issue
      ? h(
          'p',
          { class: 'hint' },
          t('proposals.issue_title', { area: issue.area.name }),
        )
      : null,
    form,
  );
  return null;
}

export async function newDraftScreen(outlet, { id }) {
  const initiative = await getInitiative(id);
  if (!initiative) {
    addChildren(outlet, notFound(t('proposals.initiative_missing')));
    return null;
  }
  const content = textArea('draft-content', initiative.draft.content);
  const form = h(
    'form',
    {
      class: 'form',
      testid: 'draft-form',
      onsubmit: async (event) => {
        event.preventDefault();
        await addDraft(id, content.value);
        navigate(`/proposals/initiatives/${id}`);
      },
    },
    field(t('proposals.draft_content'), content, t('proposals.draft_hint')),
    h(
      'button',
      { type: 'submit', class: 'btn btn--primary', testid: 'draft-save' },
      t('proposals.draft_save'),
    ),
  );
  addChildren(
    outlet,
    backLink(`/proposals/initiatives/${id}`, initiative.name),
    h('h1', { class: 'screen__title' }, t('proposals.new_draft')),
    isMember() ? form : signInHint(),
  );
  return null;
}
