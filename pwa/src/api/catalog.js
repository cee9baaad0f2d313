// Server-provided lists the app needs offline: the categories and the map
// settings. Each is kept in the meta store after a fetch.
import { requestJson } from './http.js';
import { getMeta, setMeta } from '../sync/meta.js';

async function cached(keys, path) {
  try {
    const value = await requestJson(path);
    await Promise.all(keys.map((key) => setMeta(key, value)));
    return value;
  } catch (error) {
    for (const key of keys) {
      const stored = await getMeta(key, null);
      if (stored !== null) return stored;
    }
    throw error;
  }
}

/**
 * The categories, named in `lang` where the server gave that name.
 *
 * Offline in a language never loaded before, the last list loaded in any
 * language still lets a person file a report.
 */
export async function loadCategories(lang) {
  // The language is in the URL too, so the service worker's cache, keyed
  // by URL, keeps one list per language.
  const list = await cached(
    [`categories:${lang}`, 'categories:last'],
    `/api/categories?lang=${lang}`,
  );
  return list.map((category) => ({
    ...category,
    name: category.names?.[lang] ?? category.name,
  }));
}

export function loadConfig() {
  return cached(['config'], '/api/config');
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
