// Strings come from /locales/<lang>.json, flat keys with {named} placeholders
// and, where a count changes the words, plural forms (see `t`).
// English is loaded too, as the fallback for any key a translation misses.
import { logger } from '../app/log.js';
import { setLanguage } from '../api/http.js';

export const LANGUAGES = {
  en: 'English',
  it: 'Italiano',
  de: 'Deutsch',
  el: 'Ελληνικά',
};
const DEFAULT = 'en';
const STORAGE_KEY = 'wgn-lang';
const log = logger('i18n');

let lang = DEFAULT;
let messages = {};
let fallback = {};
const listeners = new Set();

/** The person's choice if they made one, else their browser's first match. */
export function preferredLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && saved in LANGUAGES) return saved;

  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base in LANGUAGES) return base;
  }
  return DEFAULT;
}

async function fetchMessages(code) {
  const response = await fetch(`/locales/${code}.json`);
  if (!response.ok) throw new Error(`locale ${code}: HTTP ${response.status}`);
  return response.json();
}

export async function loadLanguage(code, { remember = false } = {}) {
  const next = code in LANGUAGES ? code : DEFAULT;
  try {
    if (Object.keys(fallback).length === 0) {
      fallback = await fetchMessages(DEFAULT);
    }
    messages = next === DEFAULT ? fallback : await fetchMessages(next);
    lang = next;
  } catch (error) {
    log.warn('locale failed to load, staying in', lang, error);
  }

  if (remember) localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  setLanguage(lang);
  listeners.forEach((listener) => listener(lang));
}

export function currentLanguage() {
  return lang;
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const pluralRules = new Map();

// The CLDR category ("one", "other", ...) of a count, which may come already
// formatted ("1.234"): counts are whole numbers, so its digits are the number.
function pluralCategory(count) {
  const n =
    typeof count === 'number'
      ? count
      : Number(String(count).replace(/\D/g, ''));
  if (!Number.isFinite(n) || String(count).trim() === '') return 'other';
  if (!pluralRules.has(lang)) pluralRules.set(lang, new Intl.PluralRules(lang));
  return pluralRules.get(lang).select(n);
}

function lookup(table, keys) {
  for (const key of keys) if (key in table) return table[key];
  return undefined;
}

/**
 * Translate `key`, filling {placeholders} from `params`. With a `count`, a
 * message may come in plural forms, `key.one` and `key.other` (CLDR's
 * categories for the language), chosen by the count.
 */
export function t(key, params = {}) {
  const keys =
    'count' in params
      ? [`${key}.${pluralCategory(params.count)}`, `${key}.other`, key]
      : [key];
  const template = lookup(messages, keys) ?? lookup(fallback, keys) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}

// Dates and numbers follow the person's region when it matches the language
// ("en-GB" writes 3 Dec, "en" alone would write Dec 3).
function intlLocale() {
  const regional = (navigator.languages ?? []).find(
    (tag) => tag.toLowerCase().split('-')[0] === lang,
  );
  return regional ?? lang;
}

export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}
