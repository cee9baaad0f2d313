// The notifications settings screen: topics for this device, quiet hours for the
// person. The browser's permission prompt appears only after "Notify me" is
// tapped, never on its own.
//
// Message keys it needs in locales/<lang>.json (and those of filters.js):
// push.title, push.unsupported,
// push.enable, push.disable, push.denied, push.topic.<each of TOPICS>,
// push.quiet, push.quiet_from, push.quiet_to, push.save, push.saved.
import { h, mount } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { HttpError, requestJson } from '../api/http.js';
import { currentUser, isStaff } from '../api/session.js';
import {
  defaultMapAreas,
  filterFields,
  loadFilterOptions,
  readFilters,
} from './filters.js';
import {
  disableNotifications,
  enableNotifications,
  pushSupported,
  saveSubscription,
} from './subscription.js';

// The topics the server offers (server/push/subscriptions.py TOPICS), in the
// order shown, and those a new device starts with: all for staff, the
// server's MEMBER_TOPICS for everyone else.
const TOPICS = ['my_reports', 'new_reports', 'followed_issues', 'delegations'];
const MEMBER_TOPICS = ['my_reports', 'followed_issues', 'delegations'];

async function currentEndpoint() {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.pushManager.getSubscription())?.endpoint ?? null;
}

async function thisDevice() {
  const endpoint = await currentEndpoint();
  if (!endpoint || Notification.permission !== 'granted') return null;
  const mine = await requestJson('/api/push/subscriptions');
  return mine.find((s) => s.endpoint === endpoint) ?? null;
}

function topicBox(name, checked) {
  return h(
    'label',
    { class: 'check' },
    h('input', { type: 'checkbox', name, checked, testid: `topic-${name}` }),
    ' ',
    t(`push.topic.${name}`),
  );
}

function quietFields(preferences) {
  const quiet = preferences.quiet_hours;
  return h(
    'fieldset',
    {},
    h('legend', {}, t('push.quiet')),
    h(
      'label',
      {},
      t('push.quiet_from'),
      ' ',
      h('input', {
        type: 'time',
        name: 'quiet_start',
        value: quiet?.start ?? '',
        testid: 'quiet-start',
      }),
    ),
    h(
      'label',
      {},
      t('push.quiet_to'),
      ' ',
      h('input', {
        type: 'time',
        name: 'quiet_end',
        value: quiet?.end ?? '',
        testid: 'quiet-end',
      }),
    ),
  );
}

function readForm(form) {
  const data = new FormData(form);
  const topics = TOPICS.filter((name) => data.get(name));
  const start = data.get('quiet_start');
  const end = data.get('quiet_end');
  return {
    device: { topics, ...readFilters(data) },
    preferences: {
      quiet_hours: start && end ? { start, end } : null,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    },
  };
}

export async function pushSettingsScreen(outlet) {
  if (!pushSupported()) {
    mount(outlet, h('p', { role: 'status' }, t('push.unsupported')));
    return undefined;
  }
  const [device, preferences, options] = await Promise.all([
    thisDevice(),
    requestJson('/api/push/preferences'),
    loadFilterOptions(),
  ]);
  const status = h('p', { role: 'status', testid: 'push-status' });
  // A device not subscribed yet shows what the server would give it, so
  // that saving the screen untouched keeps the staff defaults.
  const user = currentUser();
  const topics = device?.topics ?? (isStaff(user) ? TOPICS : MEMBER_TOPICS);
  const filters = {
    map_areas: device?.map_areas ?? defaultMapAreas(user, options.areas),
    categories: device?.categories ?? [],
  };
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const chosen = readForm(form);
        try {
          await requestJson('/api/push/preferences', {
            method: 'PUT',
            body: chosen.preferences,
          });
        } catch (error) {
          // A refused setting (quiet hours that end when they start) says why,
          // in the person's language, from the server's message.
          if (!(error instanceof HttpError)) throw error;
          status.textContent = error.message;
          return;
        }
        const saved = device
          ? await saveSubscription(chosen.device)
          : await enableNotifications(chosen.device);
        status.textContent = saved ? t('push.saved') : t('push.denied');
      },
    },
    h('h1', {}, t('push.title')),
    ...TOPICS.map((name) => topicBox(name, topics.includes(name))),
    ...filterFields(options, filters),
    quietFields(preferences),
    h(
      'button',
      { type: 'submit', class: 'btn', testid: 'push-save' },
      device ? t('push.save') : t('push.enable'),
    ),
    device &&
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn--secondary',
          testid: 'push-disable',
          onclick: async () => {
            await disableNotifications();
            status.textContent = t('push.disable');
          },
        },
        t('push.disable'),
      ),
    status,
  );
  mount(outlet, form);
  return undefined;
}
