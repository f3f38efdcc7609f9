// Runs before `npm run deploy` (npm's predeploy). `wrangler deploy` keeps the Worker's secrets from
// its newest version, deployed or not (the upload's keep_bindings and inherit bindings resolve to
// the latest version). After `npm run preview` that can be a preview whose DATABASE_URL is a Neon
// branch: a plain deploy would point production at it, until the pull request closes and the
// branch is deleted. So: refuse while a version uploaded since the deployed one is a preview, and
// say how to deploy with production's secrets stated.
import { spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

interface Version {
  id: string;
  metadata: { created_on: string };
  annotations?: Record<string, string | undefined>;
}

interface Deployment {
  versions: Array<{ version_id: string }>;
}

const DEPLOY_WITH_SECRETS =
  'npx wrangler deploy --secrets-file <JSON with production\'s DATABASE_URL and API_TOKEN> (README "Previews")';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function wranglerJson<T>(command: string[]): T {
  const run = spawnSync('wrangler', [...command, '--json'], { encoding: 'utf8' });
  if (run.error) fail(`Could not run wrangler (${run.error.message}): run npm install first.`);
  if (run.status !== 0) {
    const lines = stripVTControlCharacters(`${run.stderr}\n${run.stdout}`)
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const error =
      lines.find((line) => line.includes('[ERROR]'))?.replace(/^✘ \[ERROR\]\s*/, '') ??
      lines[0] ??
      `exit ${run.status}`;
    fail(
      `npm run deploy could not check the Worker's versions (wrangler ${command.join(' ')}: ${error}). ` +
        `For a first deploy, or to deploy anyway: ${DEPLOY_WITH_SECRETS}.`,
    );
  }
  return JSON.parse(run.stdout) as T;
}

/** Uploaded by `npm run preview` (scripts/preview.ts writes that message; wrangler adds the alias). */
const isPreview = (version: Version) =>
  Boolean(version.annotations?.['workers/alias']) ||
  (version.annotations?.['workers/message'] ?? '').startsWith('preview of ');

const versions = wranglerJson<Version[]>(['versions', 'list']).toSorted((a, b) =>
  a.metadata.created_on.localeCompare(b.metadata.created_on),
);
const deployed = new Set(
  wranglerJson<Deployment>(['deployments', 'status']).versions.map((version) => version.version_id),
);
const newestDeployed = versions.findLastIndex((version) => deployed.has(version.id));
const newest = versions.slice(newestDeployed + 1).findLast(isPreview);
if (newest) {
  fail(
    `npm run deploy refused: a version uploaded since the deployed one is a preview (newest: ${newest.id}, ` +
      `"${newest.annotations?.['workers/message'] ?? ''}"). wrangler deploy keeps secrets from the newest version, so production ` +
      `would get a preview's DATABASE_URL, a Neon branch deleted when its pull request closes. Deploy with production's secrets stated: ${DEPLOY_WITH_SECRETS}.`,
  );
}
