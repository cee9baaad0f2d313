// Web Push in the service worker. Every push shows a notification (iOS revokes
// subscriptions that receive silent pushes); a click opens the report in the app;
// a changed subscription is renewed and sent to the server.
import { peekMeta } from '../sync/db.js';

const FALLBACK = { title: 'WeGovNow', body: '', url: '/', tag: 'wegovnow' };

/** The message the server sent, or a neutral one if it cannot be read. */
export function readMessage(event) {
  try {
    const data = event.data?.json() ?? {};
    return {
      id: String(data.id ?? ''),
      title: String(data.title || FALLBACK.title),
      body: String(data.body ?? ''),
      url: sameOriginPath(data.url, self.location.origin),
      tag: String(data.tag || data.id || FALLBACK.tag),
    };
  } catch {
    return { ...FALLBACK, id: '' };
  }
}

/** Only paths of this app may be opened: anything else becomes the start page. */
export function sameOriginPath(url, origin) {
  try {
    const resolved = new URL(url || '/', origin);
    return resolved.origin === origin
      ? resolved.pathname + resolved.search
      : '/';
  } catch {
    return '/';
  }
}

function showMessage(self, message) {
  return self.registration.showNotification(message.title, {
    body: message.body,
    // One notification per report: a later change replaces the earlier one, and
    // a message sent twice after a server crash shows once.
    tag: message.tag,
    renotify: true,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: message.url, id: message.id },
  });
}

/**
 * Show `path` in a window of the app: the open one, focused and navigated, or
 * a new one. Only windows this worker controls can be navigated; focus may be
 * refused (it needs the click's user activation), which must not stop the
 * navigation.
 */
async function openInApp(self, path) {
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window' });
  const client = windows.find((w) => w.focused) ?? windows[0];
  if (client) {
    await client.focus().catch(() => null);
    const moved = await client.navigate(target).catch(() => null);
    if (moved) return moved;
  }
  return self.clients.openWindow(target);
}

function toUint8(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * Subscribe again with the server's key and hand the subscription to the
 * server with this device's id. The server gives the new endpoint the topics,
 * filters and queued messages of the device's earlier one and drops that:
 * the old subscription itself cannot be relied on (Chrome passes none).
 */
export async function renewSubscription(self) {
  const key = await (
    await fetch('/api/push/key', { credentials: 'same-origin' })
  ).json();
  const subscription = await self.registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: toUint8(key.public_key),
  });
  const me = await fetch('/api/me', { credentials: 'same-origin' });
  if (!me.ok) return subscription; // signed out: the app sends it at next start
  const { csrf_token: csrf } = await me.json();
  const clientId = await peekMeta('client_id');
  await fetch('/api/push/subscriptions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ?? '' },
    body: JSON.stringify({
      ...subscription.toJSON(),
      ...(clientId ? { client_id: clientId } : {}),
    }),
  });
  return subscription;
}

export function installPushHandlers(self) {
  self.addEventListener('push', (event) => {
    event.waitUntil(showMessage(self, readMessage(event)));
  });

  self.addEventListener('notificationclick', (event) => {
    event.notification.close();
    const path = sameOriginPath(
      event.notification.data?.url,
      self.location.origin,
    );
    event.waitUntil(openInApp(self, path));
  });

  self.addEventListener('pushsubscriptionchange', (event) => {
    event.waitUntil(renewSubscription(self));
  });
}
