// Take or choose up to five photos; each is made ready (downscaled, hashed)
// as soon as it is chosen, so Save has nothing slow left to do.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { preparePhoto } from './photo.js';

export const MAX_PHOTOS = 5;

export function photoField() {
  const photos = [];
  const urls = [];
  let busy = Promise.resolve();
  let observedAt = null;

  const previews = h('ul', { class: 'thumbs', testid: 'photo-previews' });
  const message = h('p', { class: 'hint', 'aria-live': 'polite' });
  const input = h('input', {
    id: 'photo',
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    class: 'file__input',
    testid: 'photo-input',
    onchange: () => addFiles([...input.files]),
  });

  function renderPreviews() {
    urls.forEach((url) => URL.revokeObjectURL(url));
    urls.length = 0;
    mount(
      previews,
      photos.map((photo, index) => {
        const alt = t('report.photo_alt', { number: index + 1 });
        return h(
          'li',
          { class: 'thumbs__item' },
          preview(photo, alt),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn--small btn--quiet',
              onclick: () => {
                photos.splice(index, 1);
                renderPreviews();
              },
            },
            t('report.photo_remove'),
          ),
        );
      }),
    );
  }

  // A format this browser cannot show (HEIC) still goes to the server, which
  // can; here it gets a labelled placeholder instead of a broken image.
  function preview(photo, alt) {
    if (!photo.decoded) {
      return h(
        'span',
        { class: 'thumbs__pending', role: 'img', 'aria-label': alt },
        t('report.photo_no_preview'),
      );
    }
    const url = URL.createObjectURL(photo.blob);
    urls.push(url);
    return h('img', { src: url, alt, class: 'thumbs__img' });
  }

  function addFiles(files) {
    observedAt ??= new Date().toISOString();
    busy = busy.then(async () => {
      message.textContent = t('report.photo_preparing');
      for (const file of files.slice(0, MAX_PHOTOS - photos.length)) {
        try {
          photos.push(await preparePhoto(file));
        } catch {
          message.textContent = t('report.photo_failed');
          continue;
        }
      }
      input.value = '';
      message.textContent = '';
      renderPreviews();
    });
  }

  const el = h(
    'div',
    { class: 'field' },
    h('span', { class: 'field__label' }, t('report.photo')),
    h(
      'label',
      { for: 'photo', class: 'btn btn--secondary file' },
      t('report.photo_add'),
    ),
    input,
    message,
    previews,
  );

  return {
    el,
    addFiles,
    /** Wait for photos still being prepared, then answer them. */
    async value() {
      await busy;
      return { photos: [...photos], observedAt };
    },
    /** How many photos are ready to be saved with the report. */
    count() {
      return photos.length;
    },
    reset() {
      photos.length = 0;
      observedAt = null;
      renderPreviews();
    },
  };
}
