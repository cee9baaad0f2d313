// The voting half of proposals: ballot, delegation and results. Each screen
// is its own chunk, loaded on first use (and precached for offline), so the
// first visit of someone reporting a street light does not download them.
const lazy = (load, name) => async (outlet, params) =>
  (await load())[name](outlet, params);

export function addVotingRoutes(route) {
  route(
    '/proposals/issues/:id/ballot',
    lazy(() => import('./ballot.js'), 'ballotScreen'),
  );
  route(
    '/proposals/issues/:id/results',
    lazy(() => import('./results.js'), 'resultsScreen'),
  );
  route(
    '/proposals/delegation',
    lazy(() => import('./delegation.js'), 'delegationScreen'),
  );
}
