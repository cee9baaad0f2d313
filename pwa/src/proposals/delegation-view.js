// How a delegation reads: the person's own setting at this scope, what it
// inherits, where their voice goes, and whose voices they carry.
import { h } from '../ui/dom.js';
import { formatDateTime, formatNumber, t } from '../i18n/i18n.js';
import { refusalReason } from '../mine/outbox-actions.js';

const nameOf = (person) => person?.name ?? t('delegation.unnamed');

/** The setting at this scope in one sentence, with the inherited one. */
export function currentSetting(data) {
  const lines = [];
  if (data.mine?.trustee) {
    lines.push(t('delegation.mine_to', { name: nameOf(data.mine.trustee) }));
  } else if (data.mine) {
    lines.push(t('delegation.mine_blocked'));
  } else {
    lines.push(t('delegation.mine_none'));
  }
  if (data.inherited) {
    const scope = t(`delegation.scope_${data.inherited.scope}`);
    lines.push(
      data.inherited.trustee
        ? t(
            data.mine
              ? 'delegation.inherited_overridden'
              : 'delegation.inherited_applies',
            { scope, name: nameOf(data.inherited.trustee) },
          )
        : t('delegation.inherited_blocked', { scope }),
    );
  }
  return lines.map((line) => h('p', { testid: 'delegation-current' }, line));
}

/** Where the voice goes and who votes through me, with its freshness. */
export function chainView(entry) {
  if (!entry) {
    return h(
      'p',
      { class: 'banner banner--warn', testid: 'delegation-needs-connection' },
      t('delegation.needs_connection'),
    );
  }
  const data = entry.data;
  const reaches = data.my_voice_reaches;
  return h(
    'div',
    { testid: 'delegation-chain', 'data-fresh': entry.fresh ? 'yes' : 'no' },
    entry.fresh
      ? null
      : h(
          'p',
          { class: 'banner banner--warn', testid: 'delegation-last-known' },
          t('delegation.last_known', {
            time: formatDateTime(entry.fetched_at),
          }),
        ),
    h('h2', { class: 'section__title' }, t('delegation.reaches_title')),
    reaches.length
      ? h(
          'ol',
          { class: 'chain', testid: 'voice-reaches' },
          reaches.map((person, i) =>
            h(
              'li',
              { 'data-member': person.id },
              i === reaches.length - 1
                ? t('delegation.takes_part_for_you', { name: nameOf(person) })
                : nameOf(person),
            ),
          ),
        )
      : h(
          'p',
          { testid: 'voice-reaches-none' },
          data.participates
            ? t('delegation.you_take_part')
            : t('delegation.reaches_nobody'),
        ),
    h('h2', { class: 'section__title' }, t('delegation.through_you_title')),
    h(
      'p',
      { testid: 'delegation-weight', 'data-weight': data.weight },
      data.participates
        ? t('delegation.weight', {
            weight: formatNumber(data.weight),
            count: formatNumber(data.i_represent_count),
          })
        : t('delegation.weight_none'),
    ),
    data.i_represent.length
      ? h(
          'ul',
          { class: 'chain', testid: 'i-represent' },
          data.i_represent.map((person) =>
            h('li', { 'data-member': person.id }, nameOf(person)),
          ),
        )
      : null,
    data.i_represent_count > data.i_represent.length
      ? h(
          'p',
          { class: 'hint' },
          t('delegation.and_more', {
            count: formatNumber(
              data.i_represent_count - data.i_represent.length,
            ),
          }),
        )
      : null,
    data.assumed_participants
      ? h('p', { class: 'hint' }, t('delegation.assumed'))
      : null,
  );
}

function describeChange(item, names) {
  if (!item.args.active) return t('delegation.pending_remove');
  if (!item.args.trustee_id) return t('delegation.pending_block');
  return t('delegation.pending_to', {
    name: names[item.args.trustee_id] ?? t('delegation.unnamed'),
  });
}

/** Changes waiting for a connection, and refused ones with the reason. */
export function queuedView({ pending, refused }, names) {
  return [
    ...pending.map((item) =>
      h(
        'p',
        { class: 'banner', testid: 'delegation-pending' },
        t('delegation.pending', { change: describeChange(item, names) }),
      ),
    ),
    ...refused.map((item) =>
      h(
        'div',
        { class: 'card card--attention', testid: 'delegation-refused' },
        h('p', {}, describeChange(item, names)),
        h('p', {}, refusalReason(item.result)),
      ),
    ),
  ];
}
