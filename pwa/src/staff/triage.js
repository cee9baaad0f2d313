// Triage beyond the state: category and department (report.edit, only the
// fields that changed, with the base version for the server's field merge)
// and a "fixed" photo (report.add_photo). Both are queued, so both work
// without signal.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { enqueue } from '../sync/outbox.js';
import { putMedia } from '../sync/media.js';
import { requestSync } from '../sync/engine.js';
import { PhotoNotCleanError, preparePhoto } from '../report/photo.js';
import { departmentName } from './departments.js';

function field(id, labelKey, control) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, class: 'field__label' }, t(labelKey)),
    control,
  );
}

// The departments in the list, and the report's own value when it is not
// one of them (retired, or free text from before the list): it stays as it
// is until staff choose another, since only changed fields are sent.
function departmentSelect(current, departments) {
  const listed = departments.filter((d) => !d.retired);
  const select = h(
    'select',
    { id: 'edit-department', class: 'input', testid: 'edit-department' },
    h('option', { value: '' }, t('staff.department_none')),
    listed.map((d) => h('option', { value: d.id }, d.name)),
    current && !listed.some((d) => d.id === current)
      ? h(
          'option',
          { value: current },
          t('staff.department_unlisted', {
            name: departmentName(departments, current),
          }),
        )
      : null,
  );
  select.value = current;
  return select;
}

export function editForm(record, categories, departments) {
  const data = record.data;
  const category = h(
    'select',
    { id: 'edit-category', class: 'input', testid: 'edit-category' },
    [...categories.entries()].map(([id, name]) =>
      h('option', { value: id }, name),
    ),
  );
  category.value = data.category;
  const department = departmentSelect(data.department ?? '', departments);
  const message = h('p', { class: 'form__message', role: 'status' });

  async function onSubmit(event) {
    event.preventDefault();
    const fields = {};
    if (category.value && category.value !== data.category) {
      fields.category = category.value;
    }
    if (department.value !== (data.department ?? '')) {
      fields.department = department.value;
    }
    if (Object.keys(fields).length === 0) return;

    await enqueue(
      'report.edit',
      { id: record.id, fields },
      { baseVersion: record.version },
    );
    message.textContent = t('staff.state_queued');
    requestSync('report edited');
  }

  return h(
    'form',
    { class: 'form', onsubmit: onSubmit, testid: 'edit-form' },
    h('h3', { class: 'section__title' }, t('staff.edit_heading')),
    field('edit-category', 'staff.filter_category', category),
    field('edit-department', 'staff.department', department),
    h(
      'button',
      { type: 'submit', class: 'btn btn--secondary', testid: 'edit-submit' },
      t('staff.edit_save'),
    ),
    message,
  );
}

export function fixedPhotoForm(record) {
  const message = h('p', {
    class: 'form__message',
    role: 'status',
    testid: 'fixed-photo-message',
  });
  const input = h('input', {
    id: 'fixed-photo',
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    class: 'file__input',
    testid: 'fixed-photo-input',
    onchange: () => add(input.files[0]),
  });

  async function add(file) {
    if (!file) return;
    message.textContent = t('report.photo_preparing');
    try {
      const photo = await preparePhoto(file);
      await putMedia(photo.sha256, photo.blob);
      await enqueue('report.add_photo', {
        id: record.id,
        sha256: photo.sha256,
        kind: 'fixed',
      });
      message.textContent = t('staff.fixed_photo_queued');
      requestSync('fixed photo');
    } catch (error) {
      message.textContent = t(
        error instanceof PhotoNotCleanError
          ? 'report.photo_not_clean'
          : 'report.photo_failed',
      );
    } finally {
      input.value = '';
    }
  }

  return h(
    'div',
    { class: 'field' },
    h(
      'label',
      { for: 'fixed-photo', class: 'btn btn--secondary file' },
      t('staff.fixed_photo'),
    ),
    input,
    message,
  );
}
