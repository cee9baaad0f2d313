// The account routes of the server, and what changes on this device with them.
import { requestJson } from '../api/http.js';
import { refreshSession } from '../api/session.js';
import { bindAccount } from '../app/account.js';
import { requestSync } from '../sync/engine.js';
import {
  assertionJson,
  creationOptions,
  registrationJson,
  requestOptions,
} from './webauthn.js';

const post = (path, body = {}) => requestJson(path, { method: 'POST', body });

/** Who is signed in now; the device's sync binds to them. */
async function adoptSession() {
  const user = await refreshSession();
  await bindAccount(user);
  requestSync('signed in');
  return user;
}

/**
 * Add a passkey: to the signed-in account (a guest keeps every report) or to
 * a new one. Answers the recovery codes of a first passkey, shown once.
 */
export async function addPasskey({ name, invitation, label } = {}) {
  const options = await post('/api/auth/passkeys/register/options', {
    name: name || undefined,
    invitation: invitation || undefined,
  });
  const credential = await navigator.credentials.create({
    publicKey: creationOptions(options),
  });
  const answer = await post('/api/auth/passkeys/register/verify', {
    credential: registrationJson(credential),
    label: label || defaultLabel(),
  });
  await adoptSession();
  return answer;
}

/** Usernameless sign-in: the browser offers the passkeys it has for us. */
export async function signInWithPasskey() {
  const options = await post('/api/auth/passkeys/login/options');
  const credential = await navigator.credentials.get({
    publicKey: requestOptions(options),
  });
  await post('/api/auth/passkeys/login/verify', {
    credential: assertionJson(credential),
  });
  return adoptSession();
}

export async function recoverWithCode(code) {
  await post('/api/auth/recovery', { code });
  return adoptSession();
}

export async function signOut() {
  await requestJson('/api/auth/logout', { method: 'POST' });
}

export const listPasskeys = () => requestJson('/api/me/passkeys');

export const removePasskey = (id) =>
  requestJson(`/api/me/passkeys/${encodeURIComponent(id)}`, {
    method: 'DELETE',
  });

export const deleteAccount = () =>
  requestJson('/api/me', { method: 'DELETE', body: { confirm: true } });

function defaultLabel() {
  const platform = navigator.userAgentData?.platform || navigator.platform;
  return platform ? String(platform).slice(0, 60) : '';
}
