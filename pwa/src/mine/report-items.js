// Joins the two halves of "my reports": what this device has queued (the
// outbox) and what the server says now (the pulled records).
import { listOutbox, ATTENTION } from '../sync/outbox.js';
import { listRecords } from '../sync/records.js';

/**
 * Answer one entry per report, newest first:
 * `{id, create, record, pending}` where `create` is the outbox item that
 * made it on this device (if any) and `pending` its unsent later changes.
 */
export async function myReportItems() {
  const [outbox, records] = await Promise.all([
    listOutbox(),
    listRecords('report'),
  ]);
  const byId = new Map();
  const entry = (id) => {
    if (!byId.has(id)) byId.set(id, { id, create: null, record: null });
    return byId.get(id);
  };

  for (const item of outbox) {
    if (item.name === 'report.create' && !item.dismissed) {
      entry(item.args.id).create = item;
    }
  }
  for (const record of records) {
    if (record.data?.mine) entry(record.id).record = record;
  }

  return [...byId.values()].sort((a, b) =>
    createdAt(b).localeCompare(createdAt(a)),
  );
}

function createdAt(item) {
  return item.record?.data?.created_at ?? item.create?.created_at ?? '';
}

/**
 * What the person should read before it leaves the list: rejections of
 * anything but their own reports (those show on the report's card), and
 * changes that lost a conflict, whose value the server kept aside.
 */
export async function otherAttentionItems() {
  const outbox = await listOutbox();
  return outbox.filter((item) => {
    if (item.dismissed) return false;
    if (item.result?.status === 'conflict') return true;
    return item.state === ATTENTION && item.name !== 'report.create';
  });
}
