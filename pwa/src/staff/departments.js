// Departments the admins list, from the pulled copy (entity "department"),
// so that triage offers them offline.
import { listRecords } from '../sync/records.js';

/** Every pulled department as {id, name, retired, version}, by name. */
export async function listDepartments(lang) {
  const records = await listRecords('department');
  return records
    .map((record) => record.data)
    .filter((data) => data?.names)
    .map((data) => ({
      id: data.id,
      name: data.names[lang] ?? data.names.en ?? data.id,
      retired: Boolean(data.retired),
      version: data.version,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}

/**
 * What to show for a report's `department`: a listed department by its
 * name; a value from before the list existed as it was written.
 */
export function departmentName(departments, value) {
  return departments.find((d) => d.id === value)?.name ?? value;
}
