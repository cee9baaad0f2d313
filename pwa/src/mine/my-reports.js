// Screen: the person's own reports, with their sync and city state.
import { h, mount } from '../ui/dom.js';
import { currentLanguage, t } from '../i18n/i18n.js';
import { categoryNames } from '../api/catalog.js';
import { on, OUTBOX_CHANGED, RECORDS_CHANGED } from '../sync/events.js';
import { dismiss } from '../sync/outbox.js';
import { requestSync } from '../sync/engine.js';
import { myReportItems, otherAttentionItems } from './report-items.js';
import { reportCard } from './report-card.js';
import { logger } from '../app/log.js';

const log = logger('mine');

function attentionList(items) {
  if (items.length === 0) return null;
  return h(
    'section',
    { class: 'attention', testid: 'attention-list' },
    h('h2', { class: 'section__title' }, t('mine.attention_title')),
    h(
      'ul',
      { class: 'list' },
      items.map((item) =>
        h(
          'li',
          { class: 'card card--attention' },
          h('p', {}, t(`mutation.${item.name}`)),
          h('p', {}, item.result?.message ?? ''),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn--small',
              onclick: () => dismiss(item.seq),
            },
            t('mine.dismiss'),
          ),
        ),
      ),
    ),
  );
}

export async function myReportsScreen(outlet) {
  const urls = [];
  const list = h('ul', { class: 'list', testid: 'my-reports' });
  const extra = h('div');
  let rendering = Promise.resolve();

  async function render() {
    const [items, others, categories] = await Promise.all([
      myReportItems(),
      otherAttentionItems(),
      categoryNames(currentLanguage()),
    ]);
    urls.splice(0).forEach((url) => URL.revokeObjectURL(url));
    const cards = await Promise.all(
      items.map((item) => reportCard(item, categories, urls)),
    );
    mount(
      list,
      cards.length ? cards : h('li', { class: 'empty' }, t('mine.empty')),
    );
    mount(extra, attentionList(others));
  }
  const queueRender = () => {
    rendering = rendering.then(render).catch((e) => log.warn('render', e));
  };

  mount(
    outlet,
    h(
      'div',
      { class: 'screen__head' },
      h('h1', { class: 'screen__title' }, t('mine.title')),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn--secondary',
          testid: 'sync-now',
          onclick: () => requestSync('button'),
        },
        t('sync.now'),
      ),
    ),
    h(
      'p',
      {},
      h(
        'a',
        { href: '/settings/notifications', testid: 'notify-link' },
        t('mine.notifications'),
      ),
    ),
    extra,
    list,
  );
  queueRender();

  const offOutbox = on(OUTBOX_CHANGED, queueRender);
  const offRecords = on(RECORDS_CHANGED, queueRender);
  return () => {
    offOutbox();
    offRecords();
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}
