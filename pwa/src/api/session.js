// Who is using the app. A person who never signed in still gets an account: a
// guest bound to this browser, so their reports are theirs from the start.
import { HttpError, requestJson, setCsrfToken } from './http.js';
import { getMeta, setMeta } from '../sync/meta.js';

const STAFF_ROLES = new Set(['staff', 'admin']);

let current = null;

export function currentUser() {
  return current;
}

export function isStaff(user = current) {
  return STAFF_ROLES.has(user?.role);
}

function adopt(user) {
  current = user;
  setCsrfToken(user.csrf_token);
  // Kept for offline starts: shows the right screens before the network
  // answers. The CSRF token is left out on purpose.
  const { csrf_token: _ignored, ...cached } = user;
  setMeta('user', cached).catch(() => {});
  return user;
}

/**
 * Find out who is signed in, becoming a guest if nobody is.
 *
 * Offline, answers the person last seen on this device with `offline: true`;
 * the sync queue waits until a real answer arrives.
 */
export async function startSession() {
  try {
    return adopt(await requestJson('/api/me'));
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) {
      return adopt(await requestJson('/api/auth/guest', { method: 'POST' }));
    }
    const cached = await getMeta('user', null);
    if (cached) {
      current = { ...cached, offline: true };
      return current;
    }
    throw error;
  }
}

/** Ask the server again after a 401, without becoming a new guest. */
export async function refreshSession() {
  return adopt(await requestJson('/api/me'));
}
