// Screen: the person's own reports, with their sync and city state.
import { h, mount } from '../ui/dom.js';
import { currentLanguage, t } from '../i18n/i18n.js';
import { categoryNames } from '../api/catalog.js';
import { on, OUTBOX_CHANGED, RECORDS_CHANGED } from '../sync/events.js';
import { requestSync } from '../sync/engine.js';
import { myReportItems, otherAttentionItems } from './report-items.js';
import { reportCard } from './report-card.js';
import {
  attentionActions,
  refusalReason,
  transferTools,
} from './outbox-actions.js';
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
          { class: 'card card--attention', testid: 'attention-item' },
          h('p', {}, t(`mutation.${item.name}`)),
          h('p', { testid: 'attention-reason' }, refusalReason(item.result)),
          attentionActions(item),
        ),
      ),
    ),
  );
}

// A notification links to `/mine?report=<id>`. The report may not be on this
// device yet (the city acted since the last sync): it is looked for until one
// sync has run since the screen opened, then said to be missing. Only the
// person's own reports count, so the link never shows anyone else's.
function linkedNotice(wanted, found, searched) {
  if (!wanted || found) return null;
  return h(
    'p',
    {
      class: searched ? 'banner banner--warn' : 'hint',
      role: 'status',
      testid: searched ? 'report-not-found' : 'report-looking',
    },
    t(searched ? 'mine.report_not_found' : 'mine.report_looking'),
  );
}

function showLinked(card) {
  card.scrollIntoView({ block: 'start' });
  card.focus({ preventScroll: true });
}

export async function myReportsScreen(outlet) {
  const urls = [];
  const list = h('ul', { class: 'list', testid: 'my-reports' });
  const extra = h('div');
  const linked = h('div');
  const wanted = new URLSearchParams(location.search).get('report');
  let searched = false;
  let shown = false;
  let rendering = Promise.resolve();

  async function render() {
    const [items, others, categories] = await Promise.all([
      myReportItems(),
      otherAttentionItems(),
      categoryNames(currentLanguage()),
    ]);
    urls.splice(0).forEach((url) => URL.revokeObjectURL(url));
    const cards = await Promise.all(
      items.map((item) =>
        reportCard(item, categories, urls, { open: item.id === wanted }),
      ),
    );
    mount(
      list,
      cards.length ? cards : h('li', { class: 'empty' }, t('mine.empty')),
    );
    mount(extra, attentionList(others));
    const card = cards.find((c) => c.dataset.id === wanted);
    mount(linked, linkedNotice(wanted, card, searched));
    // Scrolled to once: later syncs must not pull the page back.
    if (card && !shown) {
      shown = true;
      requestAnimationFrame(() => showLinked(card));
    }
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
        {
          href: '/settings/notifications',
          class: 'link-alone',
          testid: 'notify-link',
        },
        t('mine.notifications'),
      ),
    ),
    linked,
    extra,
    list,
    transferTools(),
  );
  queueRender();
  if (wanted) {
    requestSync('link').finally(() => {
      searched = true;
      queueRender();
    });
  }

  const offOutbox = on(OUTBOX_CHANGED, queueRender);
  const offRecords = on(RECORDS_CHANGED, queueRender);
  return () => {
    offOutbox();
    offRecords();
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}
