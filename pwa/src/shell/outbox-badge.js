// The count of mutations not yet on the server, visible on every screen so a
// person knows whether it is safe to leave signal.
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { countAttention, countUnsent } from '../sync/outbox.js';
import { on, OUTBOX_CHANGED } from '../sync/events.js';

export function outboxBadge() {
  const count = h('span', { class: 'badge__count', testid: 'outbox-count' });
  const attention = h('span', {
    class: 'badge__attention',
    testid: 'outbox-attention',
    hidden: true,
  });
  const badge = h(
    'a',
    { class: 'badge', href: '/mine', testid: 'outbox-badge' },
    h('span', { class: 'badge__icon', 'aria-hidden': 'true' }, '⇅'),
    count,
    attention,
  );

  async function update() {
    const [unsent, flagged] = await Promise.all([
      countUnsent(),
      countAttention(),
    ]);
    count.textContent = String(unsent);
    badge.classList.toggle('badge--empty', unsent === 0);
    attention.hidden = flagged === 0;
    attention.textContent = `!${flagged}`;
    badge.setAttribute('aria-label', t('outbox.badge', { count: unsent }));
    badge.title = badge.getAttribute('aria-label');
  }

  // One count at a time, so an older count never lands after a newer one.
  let counting = Promise.resolve();
  const queueUpdate = () => {
    counting = counting.then(update).catch(() => {});
    return counting;
  };

  on(OUTBOX_CHANGED, queueUpdate);
  queueUpdate();
  return { el: badge, update: queueUpdate };
}
