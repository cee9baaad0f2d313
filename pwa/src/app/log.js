// A named logger that stays quiet in shipped builds unless asked:
// localStorage 'wgn-debug' = '1' turns the debug level on.
const debugOn = () => {
  try {
    return localStorage.getItem('wgn-debug') === '1';
  } catch {
    return false;
  }
};

export function logger(name) {
  const prefix = `[wgn:${name}]`;
  return {
    debug: (...args) => debugOn() && console.debug(prefix, ...args),
    warn: (...args) => console.warn(prefix, ...args),
    error: (...args) => console.error(prefix, ...args),
  };
}
