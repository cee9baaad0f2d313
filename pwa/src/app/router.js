// History-API routing: the server answers index.html for any path that is
// not an API, and the service worker does the same offline.
const routes = [];
let current = null;
let outlet = null;

/** Register `pattern` like '/staff/reports/:id' with its screen. */
export function route(pattern, screen) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, screen });
}

function match(pathname) {
  for (const { regex, names, screen } of routes) {
    const found = regex.exec(pathname);
    if (found) {
      const params = Object.fromEntries(
        names.map((n, i) => [n, decodeURIComponent(found[i + 1])]),
      );
      return { screen, params };
    }
  }
  return null;
}

// Each screen builds into a container of its own, which replaces the page
// only if no newer navigation started meanwhile: a slow screen (waiting for
// the network) must not paint over the one the person went to next.
async function render() {
  current?.cleanup?.();
  const found = match(location.pathname) ?? match('/');
  const view = document.createElement('div');
  const mine = { cleanup: null };
  current = mine;

  const cleanup = await found.screen(view, found.params);
  if (current !== mine) {
    cleanup?.();
    return;
  }
  mine.cleanup = cleanup;
  outlet.replaceChildren(view);
  window.dispatchEvent(new CustomEvent('wgn:routed'));
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

/** Re-render the current screen, e.g. after a language change. */
export function refresh() {
  render();
}

export function startRouter(container) {
  outlet = container;
  window.addEventListener('popstate', render);
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href^="/"]');
    if (!link || link.target || event.metaKey || event.ctrlKey) return;
    if (link.hasAttribute('data-external')) return;
    event.preventDefault();
    navigate(link.getAttribute('href'));
  });
  render();
}
