// Where and what "new reports" are about on this device: map areas and
// categories, each a list of boxes where none ticked means all of them.
//
// Message keys: push.filter.areas, push.filter.categories, push.filter.all.
import { h } from '../ui/dom.js';
import { currentLanguage, t } from '../i18n/i18n.js';
import { requestJson } from '../api/http.js';
import { loadCategories } from '../api/catalog.js';
import { listAreas } from '../map/areas.js';
import { isStaff } from '../api/session.js';

/** The areas admins loaded, from the server or, offline, the pulled copy. */
async function loadAreas() {
  try {
    const collection = await requestJson('/api/areas');
    return collection.features.map((feature) => feature.properties);
  } catch {
    return listAreas();
  }
}

/** Areas and categories to choose from; an empty list when one cannot load. */
export async function loadFilterOptions() {
  const [areas, categories] = await Promise.all([
    loadAreas().catch(() => []),
    loadCategories(currentLanguage()).catch(() => []),
  ]);
  return { areas, categories };
}

/**
 * What the server gives a new device of `user` (server/push/subscriptions.py
 * default_map_areas): staff hear of the areas they work in, named by an
 * area's id or code; everyone else, and staff with none, of the whole city.
 */
export function defaultMapAreas(user, areas) {
  if (!isStaff(user)) return [];
  const named = new Set(user?.areas ?? []);
  return areas
    .filter((area) => named.has(area.id) || named.has(area.code))
    .map((area) => area.id);
}

function boxes(legend, name, options, chosen) {
  if (options.length === 0) return null;
  return h(
    'fieldset',
    { testid: `push-${name}s` },
    h('legend', {}, legend),
    h('p', { class: 'hint' }, t('push.filter.all')),
    ...options.map((option) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          name,
          value: option.id,
          checked: chosen.includes(option.id),
          testid: `${name}-${option.id}`,
        }),
        ' ',
        option.name,
      ),
    ),
  );
}

/** The two pickers, ticked as `device` (or a new device) has them. */
export function filterFields(options, chosen) {
  return [
    boxes(t('push.filter.areas'), 'map_area', options.areas, chosen.map_areas),
    boxes(
      t('push.filter.categories'),
      'category',
      options.categories,
      chosen.categories,
    ),
  ];
}

/** The choices ticked in `data` (a FormData of the settings form). */
export function readFilters(data) {
  return {
    map_areas: data.getAll('map_area'),
    categories: data.getAll('category'),
  };
}
