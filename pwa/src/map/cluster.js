// Grid clustering: points whose screen positions share a cell of `cell`
// pixels at the current zoom become one cluster. leaflet.markercluster was
// the alternative; it is a UMD script that reads a global `L`, which native
// ES modules and the bundle do not provide, so a small grid of our own is
// clearer and costs a few hundred bytes.

/**
 * Group `points` ({x, y, item}) in screen pixels into clusters.
 *
 * Each cluster is {x, y, items}, placed at the mean of its members, so a
 * lone point stays exactly where it is.
 */
export function gridClusters(points, cell = 56) {
  const cells = new Map();

  for (const point of points) {
    const key = `${Math.floor(point.x / cell)}:${Math.floor(point.y / cell)}`;
    const found = cells.get(key);
    if (found) found.push(point);
    else cells.set(key, [point]);
  }

  return separate([...cells.values()].map(centre), cell);
}

function centre(members) {
  return {
    x: members.reduce((sum, p) => sum + p.x, 0) / members.length,
    y: members.reduce((sum, p) => sum + p.y, 0) / members.length,
    items: members.map((p) => p.item),
    members,
  };
}

// Neighbouring cells can put two markers on top of each other; merge any
// pair closer than `gap` so every target keeps its own 44 px of room.
function separate(clusters, gap) {
  for (let i = 0; i < clusters.length; i += 1) {
    for (let j = i + 1; j < clusters.length; j += 1) {
      const a = clusters[i];
      const b = clusters[j];
      if (Math.hypot(a.x - b.x, a.y - b.y) >= gap) continue;
      clusters[i] = centre([...a.members, ...b.members]);
      clusters.splice(j, 1);
      j = i;
    }
  }
  return clusters.map(({ x, y, items }) => ({ x, y, items }));
}

/** The state type a pin is coloured by, for any report shape. */
export function stateTypeOf(data) {
  if (data?.state_type) return data.state_type;
  if (['closed', 'rejected'].includes(data?.state)) return 'closed';
  if (data?.state === 'resolved') return 'fixed';
  return 'open';
}
