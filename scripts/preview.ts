// `npm run preview`: uploads a new version of the Worker (not deployed to production traffic) with
// a preview alias named after the branch, on a database and cache namespace of its own, and
// prints its URL, e.g. for `k6 run -e BASE_URL=<url> -e ALLOW_WRITES=1 k6/smoke.ts`.
//   - Database: the Neon branch `preview/<alias>`, created from production's on the first run and
//     reused after; the version's DATABASE_URL secret is that branch's connection string.
//   - Cache: CACHE_NAMESPACE=preview-<alias>, in production's Redis.
//   - API_TOKEN: production's, unless PREVIEW_API_TOKEN gives the version one of its own.
// Needs NEON_API_KEY and NEON_PROJECT_ID, and fails without them: never production's database.
// `npm run preview:cleanup` deletes the branch.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NeonApiError, NeonBranches } from './neon-branches';
import { previewTarget } from './preview-target';
import { type UploadedVersion, uploadedVersionFrom } from './wrangler-output';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const neon = NeonBranches.fromEnv();
if (!neon) {
  fail(
    "npm run preview needs NEON_API_KEY and NEON_PROJECT_ID: each preview gets a Neon branch of its own, never production's database. " +
      'Set both (repository secrets in CI; README "Previews").',
  );
}
const target = previewTarget();

let databaseUrl: string;
try {
  const { branch, created } = await neon.ensure(target.neonBranch);
  console.log(`Neon branch ${branch.name} (${branch.id}): ${created ? 'created' : 'reused'}.`);
  databaseUrl = await neon.connectionUri(branch.id);
} catch (error) {
  if (error instanceof NeonApiError) fail(error.message);
  throw error;
}

/**
 * `wrangler versions upload --secrets-file`: the secrets become secret_text bindings of this
 * version only; the others are inherited, and the deployed version is not touched. The file
 * (JSON: no dotenv expansion, no override from the environment) is private to this user and
 * deleted after, so the connection string never appears on a command line.
 */
async function uploadVersion(
  secrets: Record<string, string>,
): Promise<{ code: number | null; version?: UploadedVersion }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edge-api-preview-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // Ctrl+C skips `finally`: remove the secrets file on the way out too.
  const onSignal = (signal: NodeJS.Signals) => {
    removeDir();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const secretsFile = path.join(dir, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
    const outputFile = path.join(dir, 'wrangler-output.ndjson');
    // wrangler needs no Neon key.
    const { NEON_API_KEY: _, ...env } = process.env;
    const upload = spawn(
      'wrangler',
      [
        'versions',
        'upload',
        '--preview-alias',
        target.alias,
        '--message',
        `preview of ${target.branch}`,
        '--var',
        `CACHE_NAMESPACE:preview-${target.alias}`,
        '--secrets-file',
        secretsFile,
      ],
      { stdio: 'inherit', env: { ...env, WRANGLER_OUTPUT_FILE_PATH: outputFile } },
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      upload.once('error', reject);
      upload.once('exit', resolve);
    });
    return {
      code,
      version: code === 0 && existsSync(outputFile) ? uploadedVersionFrom(readFileSync(outputFile, 'utf8')) : undefined,
    };
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    removeDir();
  }
}

let upload: Awaited<ReturnType<typeof uploadVersion>>;
try {
  upload = await uploadVersion({
    DATABASE_URL: databaseUrl,
    ...(process.env.PREVIEW_API_TOKEN ? { API_TOKEN: process.env.PREVIEW_API_TOKEN } : {}),
  });
} catch (error) {
  fail(`Could not run wrangler (${(error as Error).message}): run npm install first.`);
}
if (upload.code !== 0)
  fail(
    `wrangler versions upload failed (exit ${upload.code}). The Neon branch ${target.neonBranch} stays; npm run preview:cleanup deletes it.`,
  );
const url = upload.version?.previewAliasUrl ?? upload.version?.previewUrl;
if (!url) fail('Uploaded, but wrangler reported no preview URL: enable preview_urls for this Worker (workers.dev).');
console.log(`\nPreview (${target.alias}): ${url}\n  k6 run -e BASE_URL=${url} -e ALLOW_WRITES=1 k6/smoke.ts`);
// In GitHub Actions, hand the URL to later steps.
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `url=${url}\n`);
