// What a first visit downloads: index.html's script with every chunk it
// imports statically, and the app stylesheet. Lazy chunks (the map) are not
// counted, as the budget in DESIGN.md says.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';

export const BUDGET_BYTES = 170 * 1024;

function staticClosure(metafile, distDir, entryUrl) {
  const byUrl = new Map();
  for (const [path, info] of Object.entries(metafile.outputs)) {
    const url =
      '/' +
      relative(
        distDir,
        path.startsWith('/') ? path : join(distDir, '..', path),
      );
    byUrl.set(url.split('\\').join('/'), info);
  }
  const seen = new Set();
  const walk = (url) => {
    if (seen.has(url) || !byUrl.has(url)) return;
    seen.add(url);
    for (const imp of byUrl.get(url).imports) {
      if (imp.kind !== 'import-statement') continue;
      const child =
        '/' +
        relative(distDir, join(distDir, '..', imp.path))
          .split('\\')
          .join('/');
      walk(child);
    }
  };
  walk(entryUrl);
  return [...seen];
}

export async function firstLoadReport(distDir, metafile, entryUrl, cssUrl) {
  const files = [...staticClosure(metafile, distDir, entryUrl), cssUrl];
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  const lines = [];

  for (const url of files) {
    const bytes = await readFile(join(distDir, url));
    const gz = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += gz;
    brotli += brotliCompressSync(bytes).length;
    lines.push(`  ${url}  ${bytes.length} B, ${gz} B gzip`);
  }
  const withinBudget = gzip <= BUDGET_BYTES;
  const kib = (n) => (n / 1024).toFixed(1);
  const text =
    `first load JS+CSS (map aside): ${kib(raw)} KiB raw, ${kib(gzip)} KiB gzip, ` +
    `${kib(brotli)} KiB brotli; budget ${kib(BUDGET_BYTES)} KiB ` +
    `${withinBudget ? 'OK' : 'EXCEEDED'}\n${lines.join('\n')}\n`;
  return { withinBudget, gzip, brotli, raw, text };
}
