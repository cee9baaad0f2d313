// Areas the admins loaded, from the pulled copy (entity "area").
import { listRecords } from '../sync/records.js';

/** The pulled areas, sorted by name, as {id, name, bbox, geometry}. */
export async function listAreas() {
  const records = await listRecords('area');
  return records
    .map((record) => record.data)
    .filter((data) => data?.geometry)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function areaFeature(area) {
  return {
    type: 'Feature',
    id: area.id,
    geometry: area.geometry,
    properties: { name: area.name },
  };
}
