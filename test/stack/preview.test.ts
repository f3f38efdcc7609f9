// `npm run preview` end to end against local fakes of Neon's and Cloudflare's APIs: the real script,
// the real wrangler (bundling src/ and uploading), no network. What the fakes cannot show (Neon's
// and Cloudflare's real behaviour) is listed in README "Previews".
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCloudflareApi, startFakeCloudflareApi, type UploadedBinding } from './fake-cloudflare-api';
import { type FakeNeonApi, startFakeNeonApi } from './fake-neon-api';
import { runScript, type ScriptRun } from './run-script';

/** Each run starts Node with tsx (one to two seconds, more while other test files load the machine). */
const SPAWNS_NODE = { timeout: 30_000 };

const NEON_API_KEY = `napi_fake_${process.pid}_key`;
const PROJECT = 'fake-project-123';
const CLOUDFLARE_API_TOKEN = 'fake-cloudflare-token';
const ACCOUNT = 'fake-account';
const HEAD_BRANCH = 'feature/Preview_DB';
const ALIAS = 'feature-preview-db';
const NEON_BRANCH = `preview/${ALIAS}`;
const PREVIEW_URL = `https://${ALIAS}-edge-api.fake-subdomain.workers.dev`;

let neon: FakeNeonApi;
let cloudflare: FakeCloudflareApi;
let work: string;
/** What the machine looked like while wrangler's upload was in flight. */
let midUpload: { secretsFiles: Array<{ mode: number; content: unknown }>; passwordOnACommandLine: boolean } | undefined;

const tmp = () => path.join(work, 'tmp');
const previewDirs = () => readdirSync(tmp()).filter((name) => name.startsWith('edge-api-preview-'));

function lookAtTheMachine() {
  const secretsFiles = previewDirs().map((dir) => {
    const file = path.join(tmp(), dir, 'secrets.json');
    return { mode: statSync(file).mode & 0o777, content: JSON.parse(readFileSync(file, 'utf8')) as unknown };
  });
  // What `ps` shows: every process's command line.
  const commandLines = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    });
  midUpload = { secretsFiles, passwordOnACommandLine: commandLines.some((line) => line.includes(neon.password)) };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'edge-api-preview-test-'));
  for (const dir of ['tmp', 'config']) mkdirSync(path.join(work, dir));
  neon = await startFakeNeonApi({ apiKey: NEON_API_KEY, projectId: PROJECT, lockFirstCreate: true });
  cloudflare = await startFakeCloudflareApi({
    accountId: ACCOUNT,
    workerName: 'edge-api',
    apiToken: CLOUDFLARE_API_TOKEN,
    secretNames: ['DATABASE_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'API_TOKEN'],
    onUpload: lookAtTheMachine,
  });
});

afterAll(async () => {
  await neon?.close();
  await cloudflare?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function preview(env: Record<string, string> = {}): Promise<ScriptRun> {
  return runScript('scripts/preview.ts', [], {
    NEON_API_KEY,
    NEON_PROJECT_ID: PROJECT,
    NEON_API_HOST: neon.url,
    CLOUDFLARE_API_BASE_URL: cloudflare.url,
    CLOUDFLARE_API_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    // wrangler's only other destinations: telemetry, and the npm registry for its update check (in the banner).
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    // wrangler's logs and user config, and the script's temporary files, where the test can see them.
    XDG_CONFIG_HOME: path.join(work, 'config'),
    TMPDIR: tmp(),
    GITHUB_HEAD_REF: HEAD_BRANCH,
    GITHUB_OUTPUT: path.join(work, 'github-output'),
    ...env,
  });
}

const calls = (api: { requests: Array<{ method: string; path: string }> }) =>
  api.requests.map((request) => `${request.method} ${request.path}`);
const binding = (bindings: UploadedBinding[], name: string) => bindings.find((entry) => entry.name === name);

/** Everything a run printed, and everything wrangler logged to its files. */
function everythingWritten(runs: ScriptRun[]): string {
  const logsDir = path.join(work, 'config', '.wrangler', 'logs');
  const logs = readdirSync(logsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.log'))
    .map((file) => readFileSync(path.join(logsDir, file), 'utf8'));
  return [
    ...runs.flatMap((run) => [run.stdout, run.stderr]),
    ...logs,
    readFileSync(path.join(work, 'github-output'), 'utf8'),
  ].join('\n');
}

describe('npm run preview', () => {
  const runs: ScriptRun[] = [];

  it(
    'fails closed without NEON_API_KEY or NEON_PROJECT_ID, before any Neon or Cloudflare call',
    SPAWNS_NODE,
    async () => {
      for (const missing of ['NEON_API_KEY', 'NEON_PROJECT_ID']) {
        const run = await preview({ [missing]: '' });
        expect(run.status).toBe(1);
        expect(run.stderr.trim()).toBe(
          'npm run preview needs NEON_API_KEY and NEON_PROJECT_ID: each preview gets a Neon branch of its own, ' +
            'never production\'s database. Set both (repository secrets in CI; README "Previews").',
        );
        expect(run.stdout).toBe('');
      }
      expect(neon.requests).toEqual([]);
      expect(cloudflare.requests).toEqual([]);
    },
  );

  it('creates the Neon branch, then uploads a version whose DATABASE_URL is its connection string', {
    timeout: 120_000,
  }, async () => {
    const run = await preview();
    runs.push(run);
    expect(run.status, run.stderr).toBe(0);

    // Neon: looked up, created from the default branch with a read-write compute (after one 423),
    // waited for, then asked for the pooled connection string.
    const project = `/projects/${PROJECT}`;
    expect(calls(neon)).toEqual([
      `GET ${project}/branches?search=${encodeURIComponent(NEON_BRANCH)}`,
      `POST ${project}/branches`,
      `POST ${project}/branches`,
      `GET ${project}/operations/op-br-preview-1-0`,
      `GET ${project}/operations/op-br-preview-1-0`,
      `GET ${project}/operations/op-br-preview-1-1`,
      `GET ${project}/operations/op-br-preview-1-1`,
      `GET ${project}/connection_uri?branch_id=br-preview-1&database_name=neondb&role_name=neondb_owner&pooled=true`,
    ]);
    expect(neon.requests[2]?.body).toEqual({ branch: { name: NEON_BRANCH }, endpoints: [{ type: 'read_write' }] });
    expect(new Set(neon.requests.map((request) => request.authorization))).toEqual(new Set([`Bearer ${NEON_API_KEY}`]));
    expect([...neon.branches.values()].map((branch) => branch.name)).toEqual(['main', NEON_BRANCH]);
    expect(run.stdout).toContain(`Neon branch ${NEON_BRANCH} (br-preview-1): created.`);

    // Cloudflare: reads, then one version upload. Nothing that deploys, nor edits the Worker's secrets or settings.
    const script = `/accounts/${ACCOUNT}/workers/scripts/edge-api`;
    expect(calls(cloudflare)).toEqual([
      `GET /accounts/${ACCOUNT}/workers/services/edge-api`,
      `GET ${script}/secrets`,
      `GET ${script}/settings`,
      `POST ${script}/versions`,
      `GET /accounts/${ACCOUNT}/workers/workers/edge-api`,
    ]);
    const [upload] = cloudflare.uploads;
    expect(binding(upload!.bindings, 'DATABASE_URL')).toEqual({
      name: 'DATABASE_URL',
      type: 'secret_text',
      text: neon.connectionUri('br-preview-1'),
    });
    expect(binding(upload!.bindings, 'CACHE_NAMESPACE')).toEqual({
      name: 'CACHE_NAMESPACE',
      type: 'plain_text',
      text: `preview-${ALIAS}`,
    });
    for (const name of ['API_TOKEN', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']) {
      expect(binding(upload!.bindings, name)).toEqual({ name, type: 'inherit' });
    }
    expect(upload!.annotations).toEqual({ 'workers/alias': ALIAS, 'workers/message': `preview of ${HEAD_BRANCH}` });

    expect(run.stdout).toContain(`Preview (${ALIAS}): ${PREVIEW_URL}`);
    expect(readFileSync(path.join(work, 'github-output'), 'utf8')).toBe(`url=${PREVIEW_URL}\n`);
  });

  it('hands wrangler the connection string in a private file, never on a command line, and deletes it', () => {
    expect(midUpload).toEqual({
      secretsFiles: [{ mode: 0o600, content: { DATABASE_URL: neon.connectionUri('br-preview-1') } }],
      passwordOnACommandLine: false,
    });
    expect(previewDirs()).toEqual([]);
  });

  it('reuses the branch on the next run, and gives the version PREVIEW_API_TOKEN when set', {
    timeout: 120_000,
  }, async () => {
    neon.requests.length = 0;
    const run = await preview({ PREVIEW_API_TOKEN: 'token-of-this-preview' });
    runs.push(run);
    expect(run.status, run.stderr).toBe(0);
    const project = `/projects/${PROJECT}`;
    expect(calls(neon)).toEqual([
      `GET ${project}/branches?search=${encodeURIComponent(NEON_BRANCH)}`,
      `GET ${project}/connection_uri?branch_id=br-preview-1&database_name=neondb&role_name=neondb_owner&pooled=true`,
    ]);
    expect(run.stdout).toContain(`Neon branch ${NEON_BRANCH} (br-preview-1): reused.`);
    const upload = cloudflare.uploads[1];
    expect(binding(upload!.bindings, 'DATABASE_URL')?.text).toBe(neon.connectionUri('br-preview-1'));
    expect(binding(upload!.bindings, 'API_TOKEN')).toEqual({
      name: 'API_TOKEN',
      type: 'secret_text',
      text: 'token-of-this-preview',
    });
    expect(readFileSync(path.join(work, 'github-output'), 'utf8')).toBe(`url=${PREVIEW_URL}\nurl=${PREVIEW_URL}\n`);
    expect(cloudflare.requests.filter((request) => request.method !== 'GET').map((request) => request.path)).toEqual([
      `/accounts/${ACCOUNT}/workers/scripts/edge-api/versions`,
      `/accounts/${ACCOUNT}/workers/scripts/edge-api/versions`,
    ]);
  });

  it('stops at a Neon error with one line, before any Cloudflare call', SPAWNS_NODE, async () => {
    const before = cloudflare.requests.length;
    const run = await preview({ NEON_API_KEY: 'napi_revoked_key' });
    runs.push(run);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`Neon API: GET /projects/${PROJECT}/branches answered 401: authorization failed.`);
    expect(cloudflare.requests.length).toBe(before);
  });

  it("prints and logs neither the Neon API key nor the branch's password", () => {
    const written = everythingWritten(runs);
    expect(written).toContain(PREVIEW_URL);
    for (const secret of [NEON_API_KEY, 'napi_revoked_key', neon.password, 'token-of-this-preview'])
      expect(written).not.toContain(secret);
  });
});
