// `npm run preview`: uploads a new version (not deployed to production traffic) with a preview
// alias named after the branch, and prints its URL, e.g. for `k6 run -e BASE_URL=<url> k6/smoke.ts`.
// The version uses the production bindings and secrets (with its own cache namespace): point
// load tests at it read-only (no API_TOKEN), or give previews their own database first.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { unstable_readConfig } from 'wrangler';
import { previewAlias, previewUrlFrom } from './preview-alias';

const branch = process.env.GITHUB_HEAD_REF || execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { encoding: 'utf8' }).trim();
const workerName = unstable_readConfig({ config: 'wrangler.toml' }).name ?? 'edge-api';
const alias = previewAlias(branch, workerName);

// The version shares production's Redis: its own cache namespace keeps a changed entry format
// (or a bug) in this branch from touching production's entries.
const upload = spawn('wrangler', [
  'versions', 'upload', '--preview-alias', alias, '--message', `preview of ${branch}`, '--var', `CACHE_NAMESPACE:preview-${alias}`,
], { stdio: ['inherit', 'pipe', 'inherit'] });
upload.once('error', (error) => {
  console.error(`Could not run wrangler (${error.message}): run npm install first.`);
  process.exit(1);
});
let output = '';
upload.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
  process.stdout.write(chunk);
});
upload.on('exit', (code) => {
  if (code !== 0) process.exit(code ?? 1);
  const url = previewUrlFrom(output);
  if (!url) {
    console.error('Uploaded, but no preview URL was printed: enable preview_urls for this Worker (workers.dev).');
    process.exit(1);
  }
  console.log(`\nPreview (${alias}): ${url}\n  k6 run -e BASE_URL=${url} k6/smoke.ts`);
  // In GitHub Actions, hand the URL to later steps.
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `url=${url}\n`);
});
