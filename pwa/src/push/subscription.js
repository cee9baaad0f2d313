// The page side of Web Push: subscribe only after the person asked for
// notifications, and hand the subscription to the server on every app start
// (endpoints change; the server keeps the topics this device chose).
import { request, requestJson } from '../api/http.js';
import { getMeta } from '../sync/meta.js';

export function pushSupported() {
  return (
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

function toUint8(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function subscribeBrowser(registration) {
  const existing = await registration.pushManager.getSubscription();
  if (existing) return existing;
  const { public_key: key } = await requestJson('/api/push/key');
  return registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: toUint8(key),
  });
}

/**
 * Send this browser's subscription, with `choices` (topics, categories, area)
 * if given. The device id lets a changed endpoint keep the device's choices.
 */
export async function saveSubscription(choices = {}) {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await subscribeBrowser(registration);
  const clientId = await getMeta('client_id');
  return requestJson('/api/push/subscriptions', {
    method: 'POST',
    body: {
      ...subscription.toJSON(),
      ...(clientId ? { client_id: clientId } : {}),
      ...choices,
    },
  });
}

/** On every app start: renew what the person already allowed; never ask here. */
export async function refreshSubscription() {
  if (!pushSupported() || Notification.permission !== 'granted') return null;
  return saveSubscription();
}

/** The person chose to be notified: only now ask the browser for permission. */
export async function enableNotifications(choices = {}) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return null;
  return saveSubscription(choices);
}

export async function disableNotifications() {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return;
  await request('/api/push/subscriptions', {
    method: 'DELETE',
    body: { endpoint: subscription.endpoint },
  });
  await subscription.unsubscribe();
}
