// `npm run build:size`: the deployable bundle as `npm run build` makes it (into a temporary
// folder), then what each package contributes to it, raw and gzipped, as a Markdown table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { breakdownByPackage } from './bundle-breakdown';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'edge-api-bundle-'));
try {
  const metafile = path.join(outDir, 'meta.json');
  const build = spawnSync('wrangler', ['deploy', '--dry-run', '--outdir', outDir, '--metafile', metafile], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.error) fail(`Could not run wrangler (${build.error.message}): run npm install first.`);
  if (build.status !== 0) fail(`wrangler deploy --dry-run failed (exit ${build.status}).`);

  const code = readFileSync(path.join(outDir, 'index.js'), 'utf8');
  const sourceMap = JSON.parse(readFileSync(path.join(outDir, 'index.js.map'), 'utf8')) as {
    sources: string[];
    sourceRoot?: string;
    mappings: string;
  };
  const sources = sourceMap.sources.map((source) =>
    path.relative(PROJECT_ROOT, path.resolve(sourceMap.sourceRoot ?? outDir, source)),
  );
  const shares = breakdownByPackage(JSON.parse(readFileSync(metafile, 'utf8')), code, { ...sourceMap, sources });

  console.log('| Package | KiB | gzip KiB, alone |\n| --- | ---: | ---: |');
  for (const share of shares) console.log(`| ${share.name} | ${kib(share.bytes)} | ${kib(share.gzipBytes)} |`);
  // wrangler's "Total Upload" figures: the module, and the module gzipped as one.
  console.log(`\nBundle: ${kib(Buffer.byteLength(code))} KiB / gzip: ${kib(gzipSync(code).length)} KiB`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
