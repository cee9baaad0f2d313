// Follows the device position until it is good enough or the person accepts
// what there is. 20 m is about the width of a street: close enough for a
// crew to find the problem.
export const GOOD_ACCURACY_M = 20;

/**
 * Watch the position, calling `onFix({lat, lon, accuracy})` on each reading
 * and `onError(code)` with 'denied', 'unavailable' or 'unsupported'.
 *
 * Answers a function that stops watching. Stops by itself at a good fix.
 */
export function watchLocation({ onFix, onError }) {
  if (!('geolocation' in navigator)) {
    onError('unsupported');
    return () => {};
  }

  let id = null;
  const stop = () => {
    if (id !== null) navigator.geolocation.clearWatch(id);
    id = null;
  };

  id = navigator.geolocation.watchPosition(
    (position) => {
      const { latitude, longitude, accuracy } = position.coords;
      onFix({ lat: latitude, lon: longitude, accuracy });
      if (accuracy <= GOOD_ACCURACY_M) stop();
    },
    (error) => {
      onError(
        error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable',
      );
    },
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
  );
  return stop;
}

/**
 * Whether the position may be read without a prompt. Asking for permission
 * as a page opens is refused by many people; the prompt waits for a tap.
 */
export async function locationAllowed() {
  try {
    const status = await navigator.permissions.query({ name: 'geolocation' });
    return status.state === 'granted';
  } catch {
    return false;
  }
}
