// Where the problem is: the device position, refined until it is good enough,
// with a map pin to correct it by hand.
import { h } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { GOOD_ACCURACY_M, locationAllowed, watchLocation } from './location.js';
import { logger } from '../app/log.js';

const log = logger('location');

function formatCoords({ lat, lon }) {
  const opts = { minimumFractionDigits: 5, maximumFractionDigits: 5 };
  return `${formatNumber(lat, opts)}, ${formatNumber(lon, opts)}`;
}

export function locationField({ onChange = () => {} } = {}) {
  let position = null; // {lat, lon, accuracy, manual}
  let accepted = false;
  let stopWatch = () => {};
  let map = null;
  let mapLoading = false;

  const status = h('p', {
    class: 'location__status',
    'aria-live': 'polite',
    testid: 'location-status',
  });
  const coords = h('p', {
    class: 'location__coords',
    testid: 'location-coords',
  });
  const accept = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--secondary',
      testid: 'location-accept',
      hidden: true,
      onclick: () => {
        accepted = true;
        stopWatch();
        render();
      },
    },
    t('report.location_accept'),
  );
  const locate = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--secondary',
      testid: 'location-start',
      hidden: true,
      onclick: () => {
        locate.hidden = true;
        start();
      },
    },
    t('report.location_start'),
  );
  const mapBox = h('div', {
    class: 'map',
    testid: 'location-map',
    hidden: true,
  });

  const mapNote = h(
    'p',
    { class: 'hint', testid: 'map-unavailable' },
    t('report.map_unavailable'),
  );

  function render() {
    onChange(position);
    if (!position && !locate.hidden) {
      status.textContent = t('report.location_ask');
      coords.textContent = '';
      accept.hidden = true;
      return;
    }
    if (!position) {
      status.textContent = t('report.location_searching');
      coords.textContent = '';
      accept.hidden = true;
      return;
    }
    const accuracy = Math.round(position.accuracy ?? 0);
    if (position.manual) status.textContent = t('report.location_manual');
    else if (accepted || accuracy <= GOOD_ACCURACY_M) {
      status.textContent = t('report.location_ok', { accuracy });
    } else {
      status.textContent = t('report.location_improving', { accuracy });
    }
    coords.textContent = formatCoords(position);
    accept.hidden = accepted || position.manual || accuracy <= GOOD_ACCURACY_M;
  }

  async function ensureMap() {
    if (map || mapLoading || !position) return;
    mapLoading = true;
    mapBox.hidden = false;
    try {
      const { showMapPin } = await import('./map-pin.js');
      map = await showMapPin(mapBox, position, (moved) => {
        stopWatch();
        position = { ...moved, accuracy: position.accuracy, manual: true };
        render();
      });
    } catch (error) {
      // Offline before the map was ever loaded: coordinates still save.
      log.warn('map unavailable', error);
      mapBox.hidden = true;
      status.after?.(mapNote);
    } finally {
      mapLoading = false;
    }
  }

  function start() {
    render();
    stopWatch = watchLocation({
      onFix(fix) {
        if (position?.manual) return;
        position = { ...fix, manual: false };
        render();
        map?.moveTo(position);
        ensureMap();
      },
      onError(code) {
        if (position) return;
        status.textContent = t(`report.location_error_${code}`);
      },
    });
  }

  // Read the position at once where the person already allowed it; else
  // wait for their tap, so the browser's question comes with a reason.
  async function begin() {
    if (await locationAllowed()) start();
    else {
      locate.hidden = false;
      render();
    }
  }

  render();
  begin();

  return {
    el: h(
      'div',
      { class: 'field location' },
      h('span', { class: 'field__label' }, t('report.location')),
      status,
      coords,
      locate,
      accept,
      mapBox,
    ),
    value: () => position,
    reset() {
      stopWatch();
      accepted = false;
      position = null;
      map?.destroy();
      map = null;
      mapBox.hidden = true;
      render();
      begin();
    },
    destroy() {
      stopWatch();
      map?.destroy();
    },
  };
}
