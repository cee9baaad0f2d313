// Screens listen here instead of polling: the outbox, the pulled records and
// the sync status each announce when they change, also across tabs.
const bus = new EventTarget();
const channel =
  'BroadcastChannel' in self ? new BroadcastChannel('wegovnow-sync') : null;

export const OUTBOX_CHANGED = 'outbox';
export const RECORDS_CHANGED = 'records';
export const STATUS_CHANGED = 'status';

export function emit(type, detail = null, { local = false } = {}) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
  if (!local) channel?.postMessage({ type, detail });
}

export function on(type, listener) {
  const wrapped = (event) => listener(event.detail);
  bus.addEventListener(type, wrapped);
  return () => bus.removeEventListener(type, wrapped);
}

channel?.addEventListener('message', (event) => {
  const { type, detail } = event.data ?? {};
  if (type) bus.dispatchEvent(new CustomEvent(type, { detail }));
});
