// The check before `npm run deploy` (scripts/deploy-guard.ts), with the real wrangler reading a
// local fake of Cloudflare's API: a deploy goes on unless a version uploaded since the deployed one
// is a preview, whose DATABASE_URL (a Neon branch) `wrangler deploy` would carry into production.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCloudflareApi, type FakeVersion, startFakeCloudflareApi } from './fake-cloudflare-api';
import { runNpmScript, runScript } from './run-script';

const ACCOUNT = 'fake-account';
const CLOUDFLARE_API_TOKEN = 'fake-cloudflare-token';
const DEPLOY_WITH_SECRETS =
  'npx wrangler deploy --secrets-file <JSON with production\'s DATABASE_URL and API_TOKEN> (README "Previews")';

let cloudflare: FakeCloudflareApi;
let configDir: string;

const version = (id: string, day: number, annotations?: Record<string, string>): FakeVersion => ({
  id,
  number: day,
  metadata: { created_on: `2026-12-0${day}T00:00:00Z`, source: 'wrangler' },
  annotations,
});

beforeAll(async () => {
  configDir = mkdtempSync(path.join(tmpdir(), 'edge-api-deploy-guard-'));
  cloudflare = await startFakeCloudflareApi({
    accountId: ACCOUNT,
    workerName: 'edge-api',
    apiToken: CLOUDFLARE_API_TOKEN,
    secretNames: ['DATABASE_URL'],
  });
});

afterAll(async () => {
  await cloudflare?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

const env = () => ({
  CLOUDFLARE_API_BASE_URL: cloudflare.url,
  CLOUDFLARE_API_TOKEN,
  CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  XDG_CONFIG_HOME: configDir,
});

describe("npm run deploy's check", () => {
  it('lets the deploy go on when no version newer than the deployed one is a preview', {
    timeout: 60_000,
  }, async () => {
    cloudflare.versions.push(
      version('v1', 1, { 'workers/message': 'release' }),
      version('v2', 2, { 'workers/message': 'next release' }),
    );
    cloudflare.deployedVersionIds.push('v1');
    const run = await runScript('scripts/deploy-guard.ts', [], env());
    expect(run.status, run.stderr).toBe(0);
    expect(cloudflare.requests.map((request) => `${request.method} ${request.path}${request.query}`)).toEqual([
      `GET /accounts/${ACCOUNT}/workers/scripts/edge-api/versions?deployable=true`,
      `GET /accounts/${ACCOUNT}/workers/scripts/edge-api/deployments`,
    ]);
  });

  it('stops npm run deploy while a preview (or a version uploaded after one) is newer than the deployed version', {
    timeout: 60_000,
  }, async () => {
    cloudflare.versions.push(
      version('v3', 3, { 'workers/message': 'preview of feature/x', 'workers/alias': 'feature-x' }),
      version('v4', 4, { 'workers/message': 'hotfix, uploaded after the preview' }),
    );
    cloudflare.requests.length = 0;
    const run = await runNpmScript('deploy', env());
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toBe(
      'npm run deploy refused: a version uploaded since the deployed one is a preview (newest: v3, ' +
        '"preview of feature/x"). wrangler deploy keeps secrets from the newest version, so production would get a preview\'s ' +
        `DATABASE_URL, a Neon branch deleted when its pull request closes. Deploy with production's secrets stated: ${DEPLOY_WITH_SECRETS}.`,
    );
    // wrangler deploy never ran: only the check's two reads reached the API.
    expect(cloudflare.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
  });

  it('lets the deploy go on once a version newer than the preview is deployed', { timeout: 60_000 }, async () => {
    cloudflare.deployedVersionIds.splice(0, Infinity, 'v4');
    const run = await runScript('scripts/deploy-guard.ts', [], env());
    expect(run.status, run.stderr).toBe(0);
  });

  it("fails closed, with wrangler's reason, when it cannot read the deployment", { timeout: 60_000 }, async () => {
    cloudflare.deployedVersionIds.length = 0;
    const run = await runScript('scripts/deploy-guard.ts', [], env());
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      "npm run deploy could not check the Worker's versions (wrangler deployments status: The Worker edge-api has no deployments.). " +
        `For a first deploy, or to deploy anyway: ${DEPLOY_WITH_SECRETS}.`,
    );
  });
});
