// Take or choose up to five photos; each is made ready (downscaled, hashed)
// as soon as it is chosen, so Save has nothing slow left to do.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { PhotoNotCleanError, preparePhoto } from './photo.js';

export const MAX_PHOTOS = 5;

export function photoField() {
  const photos = [];
  const urls = [];
  let busy = Promise.resolve();
  let observedAt = null;

  const previews = h('ul', { class: 'thumbs', testid: 'photo-previews' });
  const message = h('p', { class: 'hint', 'aria-live': 'polite' });
  // A photo that would carry its location: say why it stays behind, and let
  // the person go on without it or pick another.
  const refused = h(
    'div',
    { role: 'alert', testid: 'photo-refused', hidden: true },
    h('p', { class: 'form__message--error' }, t('report.photo_not_clean')),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn--small btn--secondary',
          testid: 'photo-choose-other',
          onclick: () => {
            refused.hidden = true;
            input.click();
          },
        },
        t('report.photo_choose_other'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn--small btn--quiet',
          testid: 'photo-go-without',
          onclick: () => {
            refused.hidden = true;
          },
        },
        t('report.photo_go_without'),
      ),
    ),
  );
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
      refused.hidden = true;
      let failed = false;
      for (const file of files.slice(0, MAX_PHOTOS - photos.length)) {
        try {
          photos.push(await preparePhoto(file));
        } catch (error) {
          if (error instanceof PhotoNotCleanError) refused.hidden = false;
          else failed = true;
        }
      }
      input.value = '';
      message.textContent = failed ? t('report.photo_failed') : '';
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
    refused,
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
      refused.hidden = true;
      observedAt = null;
      renderPreviews();
    },
  };
}
