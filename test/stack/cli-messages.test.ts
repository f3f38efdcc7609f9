// What a newcomer's first mistakes print: one line that says what is wrong and what to do,
// and a failing exit code, from the real commands.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BenchUsageError, parseBenchOptions, SCENARIO_NAMES } from '../../bench/options';
import { postgresFailure } from '../../stack/db/postgres-failure';

const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

/** Runs a script of the project as npm would (Node with tsx), with `env` on top of ours. */
function runScript(script: string, args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr.trim(), stdout: run.stdout.trim() };
}

describe('npm run db:migrate', () => {
  it('says in one line that nothing answers, and what to start, when no Postgres listens', () => {
    const run = runScript('stack/db/migrate-cli.ts', [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/edge_api' });
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      '[stack] Nothing answers at 127.0.0.1:1. Start that Postgres, or unset DATABASE_URL to use the local stack (npm run stack).',
    ]);
  });

  it('says that the database does not exist, and how to create it', () => {
    const url = new URL(inject('stack').databaseUrl);
    url.pathname = '/no_such_database_here';
    const run = runScript('stack/db/migrate-cli.ts', [], { DATABASE_URL: url.toString() });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`[stack] Database "no_such_database_here" does not exist on ${url.hostname}:${url.port || 5432}: `
      + `create it (createdb -h ${url.hostname} -p ${url.port || 5432} no_such_database_here) or name another in DATABASE_URL.`);
  });
});

describe('npm run db:seed', () => {
  // A database of its own: --reset empties the products table.
  const serverUrl = new URL(inject('stack').databaseUrl);
  const database = `seed_cli_${process.pid}`;
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const productCount = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM products')).rows[0]!.n);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${database}`);
    await admin(`CREATE DATABASE ${database}`);
    expect(runScript('stack/db/migrate-cli.ts', [], { DATABASE_URL: databaseUrl }).status).toBe(0);
  }, 60_000);
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${database}`));

  it('says what it did when the table held more, how to get exactly N, and that the cache was not told', async () => {
    expect(runScript('stack/db/seed-cli.ts', ['--products', '30'], { DATABASE_URL: databaseUrl }).stdout).toMatch(/^Seeded 30 products in 25 categories/);
    const fewer = runScript('stack/db/seed-cli.ts', ['--products', '20'], { DATABASE_URL: databaseUrl });
    expect(fewer.status).toBe(0);
    expect(fewer.stdout).toMatch(/^Upserted 20 seeded products \(matched by sku\); the table has 30 \(\d+ ms\)\. For exactly 20: npm run db:seed -- --products 20 --reset$/m);
    expect(fewer.stdout).toMatch(/^Cached answers may show the old catalog until they expire/m);
    expect(await productCount()).toBe(30);

    const reset = runScript('stack/db/seed-cli.ts', ['--products', '20', '--reset'], { DATABASE_URL: databaseUrl });
    expect(reset.stdout).toMatch(/^Reset the catalog to exactly 20 seeded products/);
    expect(await productCount()).toBe(20);
  }, 60_000);
});

describe('postgresFailure', () => {
  it('leaves errors it cannot explain alone (they keep their stack trace)', () => {
    expect(postgresFailure(Object.assign(new Error('syntax error'), { code: '42601' }), 'postgres://h/db', 'x')).toBeUndefined();
    expect(postgresFailure(new Error('boom'), 'not a url', 'x')).toBeUndefined();
  });

  it('names a refused login without the password', () => {
    const failure = postgresFailure(Object.assign(new Error('auth'), { code: '28P01' }), 'postgres://me:s3cret@db.example:6543/app', 'x');
    expect(failure?.message).toBe('Postgres at db.example:6543 refused the login (28P01): fix the user or password in DATABASE_URL.');
  });
});

describe('npm run bench flags', () => {
  it('accepts the defaults and every scenario name', () => {
    expect(parseBenchOptions([])).toEqual({ url: 'http://127.0.0.1:8787', durationSeconds: 10, connections: 50, only: undefined });
    expect(parseBenchOptions(['--only', SCENARIO_NAMES.join(',')]).only).toEqual([...SCENARIO_NAMES]);
  });

  it.each([
    [['--only', 'product bypass (database)'], /--only: no scenario "product bypass \(database\)"; the scenarios are "health \(floor\)"/],
    [['--duration', 'abc'], /--duration must be a whole number from 1 to 3600, not "abc"/],
    [['--connections', '0'], /--connections must be a whole number/],
    [['--fast'], /Unknown option '--fast'/],
  ])('rejects %j with a message that names the fix', (args, message) => {
    expect(() => parseBenchOptions(args)).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(args)).toThrow(message);
  });

  it('exits 2 before measuring anything', () => {
    const run = runScript('bench/run.ts', ['--only', 'nope'], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^npm run bench: --only: no scenario "nope"/);
    expect(run.stdout).toBe('');
  });
});
