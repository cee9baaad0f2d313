// The proposals screens A owns, loaded on first visit so the first load of
// the app stays small; the chunks are precached, so they open offline too.
const browse = () => import('./browse.js');
const issue = () => import('./issue.js');
const initiative = () => import('./initiative.js');
const compose = () => import('./compose.js');

function lazy(load, name) {
  return async (outlet, params) => (await load())[name](outlet, params);
}

/** Register the screens with the app's router (`route` from app/router.js). */
export function addProposalRoutes(route) {
  route('/proposals', lazy(browse, 'proposalsScreen'));
  route('/proposals/new', lazy(compose, 'newInitiativeScreen'));
  route('/proposals/areas/:id', lazy(browse, 'areaScreen'));
  route('/proposals/issues/:id', lazy(issue, 'issueScreen'));
  route('/proposals/initiatives/:id', lazy(initiative, 'initiativeScreen'));
  route('/proposals/initiatives/:id/draft', lazy(compose, 'newDraftScreen'));
}
