// Work that exists only on screen, such as a half-written report. Anything
// that would reload the page (an app update) asks here first, because a
// reload throws such work away without a word.
const checks = new Set();

/** Register a check that answers true while its screen holds unsaved work. */
export function trackUnsaved(check) {
  checks.add(check);
  return () => checks.delete(check);
}

export function hasUnsavedWork() {
  for (const check of checks) {
    if (check()) return true;
  }
  return false;
}
