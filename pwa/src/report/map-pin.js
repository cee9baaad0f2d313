// The map is the one large dependency, so it loads only when a report needs
// a pin, stylesheet included. Tiles and their attribution come from the
// server's config, never from a hard-coded third party.
import { loadConfig } from '../api/catalog.js';
import { h } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';

let stylesheet = null;

function loadStylesheet() {
  if (!stylesheet) {
    stylesheet = new Promise((resolve, reject) => {
      const link = h('link', { rel: 'stylesheet', href: __LEAFLET_CSS__ });
      link.addEventListener('load', resolve);
      link.addEventListener('error', reject);
      document.head.append(link);
    });
  }
  return stylesheet;
}

/**
 * Show a draggable pin at `position` inside `container`.
 *
 * Calls `onMove({lat, lon})` when the person drags the pin or taps the map.
 * Rejects when the map code or the config cannot be had (offline on a first
 * visit); the caller then shows the coordinates alone.
 */
export async function showMapPin(container, position, onMove) {
  const [leaflet, config] = await Promise.all([
    import('leaflet'),
    loadConfig(),
    loadStylesheet(),
  ]);
  // Leaflet 1.x ships CommonJS/UMD; the bundler puts it under `default`.
  const L = leaflet.default ?? leaflet;
  const at = [position.lat, position.lon];
  const map = L.map(container, { zoomControl: true }).setView(at, 18);

  L.tileLayer(config.tile_url, {
    attribution: config.tile_attribution,
    maxZoom: 19,
  }).addTo(map);

  const icon = L.divIcon({
    className: 'map-pin',
    iconSize: [32, 32],
    iconAnchor: [16, 32],
  });
  const marker = L.marker(at, {
    draggable: true,
    icon,
    keyboard: true,
    title: t('report.pin_title'),
    alt: t('report.pin_title'),
  }).addTo(map);

  marker.on('dragend', () => {
    const { lat, lng } = marker.getLatLng();
    onMove({ lat, lon: lng });
  });
  map.on('click', (event) => {
    marker.setLatLng(event.latlng);
    onMove({ lat: event.latlng.lat, lon: event.latlng.lng });
  });

  return {
    moveTo(next) {
      marker.setLatLng([next.lat, next.lon]);
      map.panTo([next.lat, next.lon]);
    },
    destroy() {
      map.remove();
    },
  };
}
