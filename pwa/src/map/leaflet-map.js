// The Leaflet side of the map screen, in its own chunk: a tile layer when
// there is one, area outlines, and report pins clustered on a grid. Without
// tiles (offline, nothing cached) the pins and outlines sit on the plain
// background of the map element.
import * as leaflet from 'leaflet';
import { gridClusters, stateTypeOf } from './cluster.js';

// Leaflet 1.x ships CommonJS/UMD; the bundler puts it under `default`.
const L = leaflet.default ?? leaflet;
const FALLBACK_VIEW = { center: [45.63, 12.57], zoom: 13 };

function pinIcon(stateType) {
  return L.divIcon({
    className: `report-pin report-pin--${stateType}`,
    iconSize: [44, 44],
    iconAnchor: [22, 40],
  });
}

function clusterIcon(count) {
  return L.divIcon({
    className: 'report-cluster',
    html: `<span>${Number(count)}</span>`,
    iconSize: [44, 44],
  });
}

function label(marker, text) {
  const el = marker.getElement();
  el?.setAttribute('aria-label', text);
  el?.removeAttribute('title');
}

// Leaflet gives a marker a tab stop and role="button" but answers Enter
// only for a marker with a popup: a pin must work as the button it says.
function onChoose(marker, action) {
  marker.on('click', action);
  marker.getElement()?.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    action();
  });
}

/**
 * Build the map in `container`.
 *
 * `labels.pin(report)` and `labels.cluster(count)` name the markers for
 * screen readers; `onPick(report)` runs when a pin is chosen.
 */
export function createReportMap(
  container,
  { tileUrl, attribution, labels, onPick },
) {
  // No zoom animation: it spares motion, and a screen left mid-animation
  // cannot leave Leaflet touching removed panes.
  const map = L.map(container, {
    zoomControl: true,
    zoomAnimation: false,
    markerZoomAnimation: false,
  });
  map.setView(FALLBACK_VIEW.center, FALLBACK_VIEW.zoom);
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution, maxZoom: 19 }).addTo(map);
  }
  const outlines = L.geoJSON(null, {
    style: { color: '#0b5cad', weight: 3, fillOpacity: 0.06 },
    interactive: false,
  }).addTo(map);
  const pins = L.layerGroup().addTo(map);
  const markerPane = map.getPane('markerPane');
  let reports = [];
  let drawn = '';

  /** Focus the pin of report `id`, or the map when it is not drawn. */
  function focusPin(id) {
    const pin = id
      ? markerPane.querySelector(`[data-id="${CSS.escape(id)}"]`)
      : null;
    (pin ?? container).focus();
  }

  function drawPins() {
    const points = reports.map((report) => {
      const at = map.project(
        [report.data.location.lat, report.data.location.lon],
        map.getZoom(),
      );
      return { x: at.x, y: at.y, item: report };
    });
    const clusters = gridClusters(points);
    // Redraw only when what is shown changed, so a pin under a finger or
    // the keyboard focus is not replaced by an identical one.
    const key = JSON.stringify([
      map.getZoom(),
      clusters.map((c) => c.items.map((r) => `${r.id}@${r.version}`)),
    ]);
    if (key === drawn) return;
    drawn = key;
    // Redrawing removes the focused marker: keep the keyboard on the same
    // pin, or on the map when a cluster opened into new pins.
    const focused = markerPane.contains(document.activeElement)
      ? (document.activeElement.dataset.id ?? '')
      : null;
    pins.clearLayers();

    for (const cluster of clusters) {
      const at = map.unproject([cluster.x, cluster.y], map.getZoom());
      if (cluster.items.length === 1) {
        const [report] = cluster.items;
        const marker = L.marker(at, {
          icon: pinIcon(stateTypeOf(report.data)),
          keyboard: true,
        }).addTo(pins);
        marker.getElement()?.setAttribute('data-testid', 'map-pin');
        marker.getElement()?.setAttribute('data-id', report.id);
        label(marker, labels.pin(report));
        onChoose(marker, () => onPick(report));
        continue;
      }
      const bounds = L.latLngBounds(
        cluster.items.map((r) => [r.data.location.lat, r.data.location.lon]),
      );
      const marker = L.marker(at, {
        icon: clusterIcon(cluster.items.length),
        keyboard: true,
      }).addTo(pins);
      marker.getElement()?.setAttribute('data-testid', 'map-cluster');
      label(marker, labels.cluster(cluster.items.length));
      onChoose(marker, () => {
        if (map.getZoom() >= map.getMaxZoom()) onPick(cluster.items[0]);
        else map.fitBounds(bounds.pad(0.3), { maxZoom: map.getZoom() + 3 });
      });
    }
    if (focused !== null) focusPin(focused);
  }
  map.on('zoomend', drawPins);

  return {
    setReports(next) {
      reports = next.filter((r) => r.data?.location);
      drawPins();
    },
    setAreas(features) {
      outlines.clearLayers();
      for (const feature of features) outlines.addData(feature);
    },
    /** Show all of `reports` and the outlines, or stay where we are. */
    fit() {
      const bounds = outlines.getBounds();
      for (const r of reports) {
        bounds.extend([r.data.location.lat, r.data.location.lon]);
      }
      if (bounds.isValid()) map.fitBounds(bounds.pad(0.05), { maxZoom: 17 });
      drawPins();
    },
    focusPin,
    destroy() {
      map.stop();
      map.remove();
    },
  };
}
