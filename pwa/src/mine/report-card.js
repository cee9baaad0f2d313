// One report as its author sees it: photo, what and when, whether it has
// reached the server, and what the city has done with it since.
import { h } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { dismiss, SENT } from '../sync/outbox.js';
import { getMediaBlob } from '../sync/media.js';

function syncState(item) {
  if (item.create) return item.create.state;
  return SENT;
}

function thumbnail(photo, localBlob, alt, urls) {
  let src = null;
  if (localBlob) {
    src = URL.createObjectURL(localBlob);
    urls.push(src);
  } else if (photo?.status === 'ready') src = photo.thumb_url;
  if (!src) return null;
  return h('img', { src, alt, class: 'card__thumb', loading: 'lazy' });
}

async function photos(item, urls) {
  const remote = item.record?.data?.photos ?? [];
  const shas = remote.length
    ? remote.map((p) => p.sha256)
    : (item.create?.args.photos ?? []);
  const alt = t('mine.photo_alt');

  return Promise.all(
    shas.map(async (sha) => {
      const photo = remote.find((p) => p.sha256 === sha);
      const local = photo?.status === 'ready' ? null : await getMediaBlob(sha);
      return thumbnail(photo, local, alt, urls);
    }),
  );
}

export async function reportCard(item, categories, urls) {
  const data = item.record?.data ?? item.create.args;
  const state = syncState(item);
  const serverState = item.record?.data?.state;
  const reason = item.create?.result?.message;
  const when = item.record?.data?.created_at ?? item.create?.created_at;

  return h(
    'li',
    { class: 'card', testid: 'my-report', 'data-id': item.id },
    h('div', { class: 'card__thumbs' }, await photos(item, urls)),
    h(
      'div',
      { class: 'card__body' },
      h(
        'p',
        { class: 'card__title' },
        categories.get(data.category) ?? data.category,
      ),
      data.description
        ? h('p', { class: 'card__text' }, data.description)
        : null,
      h('p', { class: 'card__meta' }, formatDateTime(when)),
      h(
        'p',
        { class: 'card__states' },
        h(
          'span',
          {
            class: `pill pill--${state}`,
            testid: 'sync-state',
            'data-state': state,
          },
          t(`sync_state.${state}`),
        ),
        serverState
          ? h(
              'span',
              {
                class: 'pill pill--server',
                testid: 'server-state',
                'data-state': serverState,
              },
              t(`state.${serverState}`),
            )
          : null,
      ),
      state === 'attention'
        ? h(
            'div',
            { class: 'card__attention', role: 'alert' },
            h('p', {}, t('mine.rejected', { reason: reason ?? '' })),
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn--small',
                onclick: () => dismiss(item.create.seq),
              },
              t('mine.dismiss'),
            ),
          )
        : null,
      latestUpdate(item.record?.data),
    ),
  );
}

function latestUpdate(data) {
  const update = data?.updates?.at(-1);
  if (!update?.text) return null;
  return h(
    'p',
    { class: 'card__update', testid: 'latest-update' },
    t('mine.update', { author: update.author_name ?? '', text: update.text }),
  );
}
