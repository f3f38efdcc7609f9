// `npm run preview:cleanup` against a local fake of Neon's API: it deletes the preview's branch and
// no other, and a second run (or a run with nothing to delete) succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeNeonApi, startFakeNeonApi } from './fake-neon-api';
import { runScript, type ScriptRun } from './run-script';

/** Each run starts Node with tsx (one to two seconds, more while other test files load the machine). */
const SPAWNS_NODE = { timeout: 30_000 };

const NEON_API_KEY = `napi_fake_${process.pid}_cleanup`;
const PROJECT = 'fake-project-456';

let neon: FakeNeonApi;

beforeAll(async () => {
  neon = await startFakeNeonApi({ apiKey: NEON_API_KEY, projectId: PROJECT });
  const branches: Array<[string, string]> = [
    ['br-mine', 'preview/feature-preview-db'],
    ['br-longer', 'preview/feature-preview-db-2'],
    ['br-other', 'preview/other'],
  ];
  for (const [id, name] of branches) {
    neon.branches.set(id, { id, name, parent_id: 'br-main', default: false, protected: false });
  }
});

afterAll(() => neon?.close());

function cleanup(args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  return runScript('scripts/preview-cleanup.ts', args, {
    NEON_API_KEY,
    NEON_PROJECT_ID: PROJECT,
    NEON_API_HOST: neon.url,
    GITHUB_HEAD_REF: 'feature/Preview_DB',
    ...env,
  });
}

describe('npm run preview:cleanup', () => {
  const runs: ScriptRun[] = [];

  it("deletes the pull request's preview branch, and only it", SPAWNS_NODE, async () => {
    const run = await cleanup([]);
    runs.push(run);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Deleted Neon branch preview/feature-preview-db.');
    // `search` also matched preview/feature-preview-db-2: only the exact name goes.
    expect(neon.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /projects/${PROJECT}/branches?search=${encodeURIComponent('preview/feature-preview-db')}`,
      `DELETE /projects/${PROJECT}/branches/br-mine`,
    ]);
    expect([...neon.branches.keys()]).toEqual(['br-main', 'br-longer', 'br-other']);
  });

  it('succeeds when there is nothing to delete', SPAWNS_NODE, async () => {
    neon.requests.length = 0;
    const run = await cleanup([]);
    runs.push(run);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('No Neon branch preview/feature-preview-db: nothing to delete.');
    expect(neon.requests.map((request) => request.method)).toEqual(['GET']);
  });

  it('takes another git branch with --branch', SPAWNS_NODE, async () => {
    const run = await cleanup(['--branch', 'other']);
    runs.push(run);
    expect(run.status, run.stderr).toBe(0);
    expect([...neon.branches.keys()]).toEqual(['br-main', 'br-longer']);
  });

  it('refuses a protected branch, even with a preview name', SPAWNS_NODE, async () => {
    neon.branches.set('br-kept', {
      id: 'br-kept',
      name: 'preview/kept',
      parent_id: 'br-main',
      default: false,
      protected: true,
    });
    const run = await cleanup(['--branch', 'kept']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'Branch preview/kept (br-kept) is the default or a protected branch: not deleting it.',
    );
    expect(neon.branches.has('br-kept')).toBe(true);
  });

  it('fails without NEON_API_KEY, and says a Neon error in one line without the key', SPAWNS_NODE, async () => {
    neon.requests.length = 0;
    const missing = await cleanup([], { NEON_API_KEY: '' });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'npm run preview:cleanup needs NEON_API_KEY and NEON_PROJECT_ID (README "Previews").',
    );
    expect(neon.requests).toEqual([]);

    const rejected = await cleanup([], { NEON_API_KEY: 'napi_revoked_key' });
    runs.push(rejected);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr.trim()).toBe(
      `Neon API: GET /projects/${PROJECT}/branches answered 401: authorization failed.`,
    );
    for (const run of runs) expect(`${run.stdout}${run.stderr}`).not.toMatch(/napi_/);
  });
});
