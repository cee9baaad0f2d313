// Server-provided lists the app needs offline: the categories (per language)
// and the map settings. Each is kept in the meta store after a fetch.
import { requestJson } from './http.js';
import { getMeta, setMeta } from '../sync/meta.js';

async function cached(key, path) {
  try {
    const value = await requestJson(path);
    await setMeta(key, value);
    return value;
  } catch (error) {
    const stored = await getMeta(key, null);
    if (stored !== null) return stored;
    throw error;
  }
}

export function loadCategories(lang) {
  // The language is in the URL too, so a cache keyed by URL keeps one list
  // per language.
  return cached(`categories:${lang}`, `/api/categories?lang=${lang}`);
}

export function loadConfig() {
  return cached('config', '/api/config');
}

/** The categories as a Map by id, for showing names next to records. */
export async function categoryNames(lang) {
  try {
    const list = await loadCategories(lang);
    return new Map(list.map((c) => [c.id, c.name]));
  } catch {
    return new Map();
  }
}
