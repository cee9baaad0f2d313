// Builds pwa/dist: bundled, code-split, minified ES modules with hashed names,
// the stylesheets, locales, manifest and icons, and a service worker whose
// precache list workbox-build writes from what ended up in dist.
import { build } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstLoadReport } from './size.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const work = join(root, '.build');
const locales = join(root, '..', 'locales');

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ['es2022', 'chrome109', 'safari16', 'firefox115'],
  legalComments: 'none',
  logLevel: 'warning',
};

function outputFor(metafile, entry) {
  const [out] = Object.entries(metafile.outputs).find(
    ([, info]) => info.entryPoint === entry,
  );
  return '/' + relative(dist, join(root, out)).split('\\').join('/');
}

async function buildStyles() {
  const result = await build({
    ...common,
    entryPoints: {
      app: 'src/styles/index.css',
      leaflet: 'node_modules/leaflet/dist/leaflet.css',
    },
    outdir: join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: 'img/[name]-[hash]',
    loader: { '.png': 'file', '.svg': 'file' },
    metafile: true,
    absWorkingDir: root,
  });
  return {
    app: outputFor(result.metafile, 'src/styles/index.css'),
    leaflet: outputFor(
      result.metafile,
      'node_modules/leaflet/dist/leaflet.css',
    ),
    metafile: result.metafile,
  };
}

async function buildScripts(leafletCss) {
  const result = await build({
    ...common,
    entryPoints: { app: 'src/main.js' },
    outdir: join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    splitting: true,
    metafile: true,
    define: { __LEAFLET_CSS__: JSON.stringify(leafletCss) },
    absWorkingDir: root,
  });
  return {
    app: outputFor(result.metafile, 'src/main.js'),
    metafile: result.metafile,
  };
}

async function writeIndex(appJs, appCss) {
  const template = await readFile(join(root, 'index.html'), 'utf8');
  const html = template.replace('%APP_JS%', appJs).replace('%APP_CSS%', appCss);
  await writeFile(join(dist, 'index.html'), html);
}

async function copyStatic() {
  await cp(join(root, 'public'), dist, { recursive: true });
  await mkdir(join(dist, 'locales'), { recursive: true });
  for (const name of await readdir(locales)) {
    if (!name.endsWith('.json')) continue;
    // Parse and re-serialise: a broken locale file fails the build, not the app.
    const messages = JSON.parse(await readFile(join(locales, name), 'utf8'));
    await writeFile(join(dist, 'locales', name), JSON.stringify(messages));
  }
}

async function buildServiceWorker() {
  const bundled = join(work, 'sw.js');
  await build({
    ...common,
    entryPoints: ['src/sw/sw.js'],
    outfile: bundled,
    format: 'iife',
    define: { 'process.env.NODE_ENV': '"production"' },
    absWorkingDir: root,
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: bundled,
    swDest: join(dist, 'sw.js'),
    globDirectory: dist,
    globPatterns: ['**/*.{html,js,css,json,png,svg,webmanifest}'],
    globIgnores: ['sw.js'],
    // Hashed names change with their content; no second revision needed.
    dontCacheBustURLsMatching: /-[A-Z0-9]{8}\.(js|css|png|svg)$/,
    maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
  });
  warnings.forEach((w) => process.stderr.write(`workbox: ${w}\n`));
  return { count, size };
}

async function main() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(work, { recursive: true });

  const styles = await buildStyles();
  const scripts = await buildScripts(styles.leaflet);
  await writeIndex(scripts.app, styles.app);
  await copyStatic();
  const precache = await buildServiceWorker();
  await writeFile(
    join(work, 'meta.json'),
    JSON.stringify({
      scripts: scripts.metafile,
      styles: styles.metafile,
      app: scripts.app,
      css: styles.app,
    }),
  );

  const report = await firstLoadReport(
    dist,
    scripts.metafile,
    scripts.app,
    styles.app,
  );
  process.stdout.write(
    `precache: ${precache.count} files, ${(precache.size / 1024).toFixed(1)} KiB\n` +
      report.text,
  );
  if (!report.withinBudget) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
