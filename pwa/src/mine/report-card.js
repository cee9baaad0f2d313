// One report as its author sees it: photo, what and when, whether it has
// reached the server, and what the city has done with it since.
import { h } from '../ui/dom.js';
import { formatDateTime, t } from '../i18n/i18n.js';
import { SENT } from '../sync/outbox.js';
import { getMediaBlob } from '../sync/media.js';
import { attentionActions, refusalReason } from './outbox-actions.js';

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

/**
 * The card of one report; `open` (the report a notification linked to) shows
 * its whole history instead of the latest update only.
 */
export async function reportCard(
  item,
  categories,
  urls,
  { open = false } = {},
) {
  const data = item.record?.data ?? item.create.args;
  const state = syncState(item);
  const serverState = item.record?.data?.state;
  const reason = refusalReason(item.create?.result);
  const when = item.record?.data?.created_at ?? item.create?.created_at;

  return h(
    'li',
    {
      class: open ? 'card card--open' : 'card',
      testid: 'my-report',
      'data-id': item.id,
      'aria-current': open ? 'true' : null,
      tabindex: open ? '-1' : null,
    },
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
            h(
              'p',
              { testid: 'attention-reason' },
              t('mine.rejected', { reason }),
            ),
            attentionActions(item.create),
          )
        : null,
      open ? fullHistory(item.record?.data) : latestUpdate(item.record?.data),
    ),
  );
}

function fullHistory(data) {
  const updates = (data?.updates ?? []).filter((u) => u.text || u.state);
  if (updates.length === 0) return null;
  return h(
    'ol',
    {
      class: 'history',
      testid: 'report-history',
      'aria-label': t('mine.history'),
    },
    updates.map((update) =>
      h(
        'li',
        { class: 'history__item' },
        h(
          'p',
          { class: 'history__meta' },
          formatDateTime(update.created_at),
          update.state ? ` · ${t(`state.${update.state}`)}` : '',
        ),
        update.text
          ? h(
              'p',
              {},
              t('mine.update', {
                author: update.author_name ?? '',
                text: update.text,
              }),
            )
          : null,
      ),
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
