// Take an area offline: its open reports are already in the pulled copy, so
// what remains is their thumbnails (through the service worker's thumbnail
// cache) and the map tiles of the area up to the zoom the server allows,
// with the progress shown.
import { h } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { loadConfig } from '../api/catalog.js';
import { listRecords } from '../sync/records.js';
import { listAreas } from '../map/areas.js';
import { DEFAULT_SAVE_MAX_ZOOM, saveTiles } from '../map/tiles.js';
import { getMeta, setMeta } from '../sync/meta.js';

export async function openReportsOf(areaId) {
  const records = await listRecords('report');
  return records.filter(
    (r) => r.data?.area === areaId && (r.data.state_type ?? 'open') === 'open',
  );
}

async function cacheThumbs(reports, onProgress) {
  const urls = reports.flatMap((r) =>
    (r.data.photos ?? []).filter((p) => p.thumb_url).map((p) => p.thumb_url),
  );
  let done = 0;
  for (const url of urls) {
    try {
      await fetch(url, { credentials: 'same-origin' });
    } catch {
      // Counted anyway: one missing thumbnail must not stop the rest.
    }
    done += 1;
    onProgress(done, urls.length);
  }
  return urls.length;
}

async function tilesOrSkip(area, onProgress) {
  try {
    const config = await loadConfig();
    const maxZoom = config.tile_save_max_zoom ?? DEFAULT_SAVE_MAX_ZOOM;
    return await saveTiles(config.tile_url, area.bbox, maxZoom, onProgress);
  } catch {
    return { saved: 0, total: 0 };
  }
}

/** The area picker with its "take offline" button. */
export async function areaOffline(onChosen) {
  const areas = await listAreas();
  if (areas.length === 0) return null;
  const chosenId = await getMeta('staff_area', '');

  const picker = h(
    'select',
    { id: 'staff-area', class: 'input', testid: 'staff-area' },
    h('option', { value: '' }, t('staff.area_all')),
    areas.map((a) => h('option', { value: a.id }, a.name)),
  );
  picker.value = chosenId;
  const progress = h('progress', {
    class: 'progress',
    max: '1',
    value: '0',
    hidden: true,
    'aria-label': t('staff.offline_progress_label'),
  });
  const status = h('p', {
    class: 'hint',
    role: 'status',
    testid: 'offline-status',
  });
  const button = h(
    'button',
    { type: 'button', class: 'btn btn--secondary', testid: 'take-offline' },
    t('staff.take_offline'),
  );

  picker.addEventListener('change', async () => {
    await setMeta('staff_area', picker.value);
    onChosen(picker.value);
  });

  button.addEventListener('click', async () => {
    const area = areas.find((a) => a.id === picker.value);
    if (!area) return;
    button.disabled = true;
    progress.hidden = false;
    const show = (stepKey) => (done, total) => {
      progress.max = String(Math.max(total, 1));
      progress.value = String(done);
      status.textContent = t(stepKey, {
        done: formatNumber(done),
        total: formatNumber(total),
      });
    };
    try {
      const reports = await openReportsOf(area.id);
      const thumbs = await cacheThumbs(reports, show('staff.offline_thumbs'));
      const tiles = await tilesOrSkip(area, show('staff.offline_tiles'));
      status.textContent = t('staff.offline_ready', {
        reports: formatNumber(reports.length),
        photos: formatNumber(thumbs),
        tiles: formatNumber(tiles.saved),
      });
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });

  const box = h(
    'div',
    { class: 'bulk', testid: 'area-offline' },
    h(
      'div',
      { class: 'field field--inline' },
      h('label', { for: 'staff-area', class: 'field__label' }, t('staff.area')),
      picker,
    ),
    button,
    progress,
    status,
  );
  return box;
}
