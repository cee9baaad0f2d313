// Screen: a resident reports a problem. Everything here works offline; Save
// only writes to the device and asks sync to run when it can.
import { h, mount } from '../ui/dom.js';
import { currentLanguage, t } from '../i18n/i18n.js';
import { loadCategories } from '../api/catalog.js';
import { enqueue } from '../sync/outbox.js';
import { putMedia } from '../sync/media.js';
import { requestSync } from '../sync/engine.js';
import { uuidv7 } from '../sync/uuid.js';
import { categoryPicker } from './category-picker.js';
import { locationField } from './location-field.js';
import { photoField } from './photo-field.js';
import { nearbyPanel } from './nearby.js';
import { takeSharedPhoto } from './shared-photo.js';
import { logger } from '../app/log.js';
import { on, RECORDS_CHANGED } from '../sync/events.js';
import { trackUnsaved } from '../app/unsaved.js';

const log = logger('report');

const DESCRIPTION_MAX = 500;

async function categoriesOrEmpty() {
  try {
    return await loadCategories(currentLanguage());
  } catch {
    return [];
  }
}

async function saveReport({
  category,
  description,
  location,
  photos,
  showName,
  observedAt,
}) {
  for (const photo of photos) await putMedia(photo.sha256, photo.blob);

  const id = uuidv7();
  await enqueue('report.create', {
    id,
    category,
    description,
    location: {
      lat: location.lat,
      lon: location.lon,
      accuracy: location.accuracy ?? null,
      manual: Boolean(location.manual),
    },
    observed_at: observedAt ?? new Date().toISOString(),
    photos: photos.map((photo) => photo.sha256),
    show_name: showName,
  });
  return id;
}

export async function newReportScreen(outlet) {
  let category = null;
  const categories = await categoriesOrEmpty();
  const photo = photoField();
  const nearby = nearbyPanel();
  let lastAt = null;
  const showNearby = () =>
    nearby.update(category, lastAt).catch((e) => log.warn('nearby', e));
  const where = locationField({
    onChange: (position) => {
      const moved =
        position?.lat !== lastAt?.lat || position?.lon !== lastAt?.lon;
      lastAt = position;
      if (moved) showNearby();
    },
  });
  const message = h('p', {
    class: 'form__message',
    role: 'alert',
    testid: 'report-message',
  });
  const description = h('input', {
    id: 'description',
    type: 'text',
    class: 'input',
    maxlength: String(DESCRIPTION_MAX),
    autocomplete: 'off',
    testid: 'description',
  });
  const showName = h('input', {
    id: 'show-name',
    type: 'checkbox',
    class: 'check__input',
  });
  const save = h(
    'button',
    { type: 'submit', class: 'btn btn--primary', testid: 'save-report' },
    t('report.save'),
  );

  async function onSubmit(event) {
    event.preventDefault();
    const location = where.value();
    if (!category) return showMessage('report.need_category', true);
    if (!location) return showMessage('report.need_location', true);

    save.disabled = true;
    try {
      const { photos, observedAt } = await photo.value();
      // The server refuses a report with neither; say so before it is queued.
      if (photos.length === 0 && !description.value.trim()) {
        showMessage('report.need_photo_or_text', true);
        return;
      }
      await saveReport({
        category,
        description: description.value.trim(),
        location,
        photos,
        showName: showName.checked,
        observedAt,
      });
      form.reset();
      category = null;
      showNearby();
      photo.reset();
      where.reset();
      showMessage(
        navigator.onLine ? 'report.saved_online' : 'report.saved_offline',
      );
      requestSync('report saved');
    } finally {
      save.disabled = false;
    }
  }

  function showMessage(key, isError = false) {
    message.textContent = t(key);
    message.classList.toggle('form__message--error', isError);
    message.classList.toggle('form__message--ok', !isError);
  }

  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      onsubmit: onSubmit,
      testid: 'new-report',
    },
    categoryPicker(categories, (id) => {
      category = id;
      showNearby();
    }),
    nearby.el,
    photo.el,
    where.el,
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: 'description', class: 'field__label' },
        t('report.description'),
      ),
      description,
    ),
    h(
      'div',
      { class: 'field check' },
      showName,
      h(
        'label',
        { for: 'show-name', class: 'check__label' },
        t('report.show_name'),
      ),
    ),
    save,
    message,
  );

  mount(outlet, h('h1', { class: 'screen__title' }, t('report.title')), form);
  if (new URLSearchParams(location.search).has('shared')) {
    takeSharedPhoto()
      .then((file) => file && photo.addFiles([file]))
      .catch((e) => log.warn('shared photo', e));
  }
  // A pull that lands while the form is open may bring a nearby report.
  const offRecords = on(RECORDS_CHANGED, showNearby);
  // The position fills itself in, so it alone is not the person's work.
  const offUnsaved = trackUnsaved(
    () =>
      category !== null ||
      description.value.trim() !== '' ||
      photo.count() > 0 ||
      showName.checked,
  );
  return () => {
    offRecords();
    offUnsaved();
    where.destroy();
  };
}
