// What a person can do with an item the server refused: send it again,
// correct it (a new mutation; the refused one stays on the server), or let
// it go. Plus saving unsent work to a file and loading it back.
import { h, mount, uid } from '../ui/dom.js';
import { t } from '../i18n/i18n.js';
import { discard, replace, retry } from '../sync/outbox.js';
import { exportUnsentFile, importUnsent } from '../sync/transfer.js';
import { requestSync } from '../sync/engine.js';
import { logger } from '../app/log.js';

const log = logger('outbox');

/** The server's reason, in the person's language when we know the key. */
export function refusalReason(result) {
  if (!result) return '';
  if (result.message_key) {
    const text = t(result.message_key, result.params ?? {});
    if (text !== result.message_key) return text;
  }
  return result.message ?? result.code ?? '';
}

function button(label, testid, onclick) {
  return h(
    'button',
    { type: 'button', class: 'btn btn--small', testid, onclick },
    label,
  );
}

function editForm(item, host) {
  const id = uid('edit');
  const text = h('textarea', { id, rows: 3, testid: 'edit-description' });
  text.value = item.args.description ?? '';

  return h(
    'form',
    {
      class: 'card__edit',
      testid: 'edit-form',
      onsubmit: async (event) => {
        event.preventDefault();
        await replace(item.seq, { ...item.args, description: text.value });
        mount(host);
        requestSync('corrected');
      },
    },
    h('label', { for: id }, t('outbox.edit_description')),
    text,
    h(
      'button',
      { type: 'submit', class: 'btn btn--small', testid: 'edit-send' },
      t('outbox.send_corrected'),
    ),
  );
}

/** Retry, edit (reports) and discard for one refused item. */
export function attentionActions(item) {
  const formHost = h('div');
  const editable = item.name === 'report.create';

  return h(
    'div',
    { class: 'card__actions', testid: 'attention-actions' },
    button(t('outbox.retry'), 'retry', async () => {
      await retry(item.seq);
      requestSync('retry');
    }),
    editable
      ? button(t('outbox.edit'), 'edit', () =>
          mount(formHost, editForm(item, formHost)),
        )
      : null,
    button(t('outbox.discard'), 'discard', () => discard(item.seq)),
    formHost,
  );
}

async function download() {
  const file = await exportUnsentFile();
  const url = URL.createObjectURL(file);
  const link = h('a', { href: url, download: file.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Save unsent work to a file, and queue a saved file again. */
export function transferTools() {
  const message = h('p', { role: 'status', testid: 'transfer-message' });
  const inputId = uid('import');
  const input = h('input', {
    id: inputId,
    type: 'file',
    accept: 'application/json,.json',
    testid: 'import-input',
    onchange: async () => {
      const file = input.files?.[0];
      if (!file) return;
      try {
        const count = await importUnsent(await file.text());
        message.textContent = t('outbox.imported', { count });
        requestSync('import');
      } catch (error) {
        log.warn('import', error);
        message.textContent = t('outbox.import_failed');
      }
      input.value = '';
    },
  });

  return h(
    'section',
    { class: 'transfer', testid: 'transfer' },
    button(t('outbox.export'), 'export', () =>
      download().catch((e) => log.warn('export', e)),
    ),
    h('label', { for: inputId, class: 'btn btn--small' }, t('outbox.import')),
    input,
    message,
  );
}
