// What a newcomer's first mistakes print: one line that says what is wrong and what to do,
// and a failing exit code, from the real commands; and what a seed tells the cache.
import { spawnSync } from 'node:child_process';
import { Redis } from '@upstash/redis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BenchUsageError, parseBenchOptions, SCENARIO_NAMES } from '../../bench/options';
import { EdgeCache, sharedTierFor } from '../../src/cache';
import { postgresFailure } from '../../stack/db/postgres-failure';
import { startPostgres } from '../../stack/postgres';

const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

/** Runs a script of the project as npm would (Node with tsx), with `env` on top of ours. */
function runScript(script: string, args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr.trim(), stdout: run.stdout.trim() };
}

describe('npm run db:migrate', () => {
  it('says in one line that nothing answers, and what to start, when no Postgres listens', () => {
    const run = runScript('scripts/db-migrate.ts', [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/edge_api' });
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      '[stack] Nothing answers at 127.0.0.1:1. Start that Postgres, or unset DATABASE_URL to use the local stack (npm run stack).',
    ]);
  });

  it('says that the database does not exist, and how to create it', () => {
    const url = new URL(inject('stack').databaseUrl);
    url.pathname = '/no_such_database_here';
    const run = runScript('scripts/db-migrate.ts', [], { DATABASE_URL: url.toString() });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `[stack] Database "no_such_database_here" does not exist on ${url.hostname}:${url.port || 5432}: ` +
        `create it (createdb -h ${url.hostname} -p ${url.port || 5432} no_such_database_here) or name another in DATABASE_URL.`,
    );
  });
});

describe('npm run dev / stack / serve with DATABASE_URL', () => {
  it('says that the database does not exist, and how to create it', async () => {
    const url = new URL(inject('stack').databaseUrl);
    url.pathname = '/no_such_database_here';
    const port = url.port || '5432';
    await expect(
      startPostgres({ databaseUrl: url.toString(), dataDir: 'unused', port: 0, database: 'unused' }),
    ).rejects.toThrow(
      `Database "no_such_database_here" does not exist on ${url.hostname}:${port}: create it (createdb -h ${url.hostname} -p ${port} no_such_database_here) or name another in DATABASE_URL.`,
    );
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
    expect(runScript('scripts/db-migrate.ts', [], { DATABASE_URL: databaseUrl }).status).toBe(0);
  }, 60_000);
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${database}`));

  const { upstashUrl, upstashToken } = inject('stack');
  const namespace = `seed-cli-${process.pid}`;
  const withCache = {
    DATABASE_URL: databaseUrl,
    UPSTASH_REDIS_REST_URL: upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: upstashToken,
    CACHE_NAMESPACE: namespace,
  };
  const redis = new Redis({
    url: upstashUrl,
    token: upstashToken,
    retry: false,
    enableTelemetry: false,
    enableAutoPipelining: false,
    automaticDeserialization: false,
  });

  it('says what it did when the table held more, and how to get exactly N', async () => {
    expect(runScript('scripts/db-seed.ts', ['--products', '30'], withCache).stdout).toMatch(
      /^Seeded 30 products in 25 categories/,
    );
    const fewer = runScript('scripts/db-seed.ts', ['--products', '20'], withCache);
    expect(fewer.status).toBe(0);
    expect(fewer.stdout).toMatch(
      /^Upserted 20 seeded products \(matched by sku\); the table has 30 \(\d+ ms\)\. For exactly 20: npm run db:seed -- --products 20 --reset$/m,
    );
    expect(await productCount()).toBe(30);

    const reset = runScript('scripts/db-seed.ts', ['--products', '20', '--reset'], withCache);
    expect(reset.stdout).toMatch(/^Reset the catalog to exactly 20 seeded products/);
    expect(await productCount()).toBe(20);
  }, 60_000);

  it('tells the cache: every catalog tag gets a new version, and the log starts over', async () => {
    const cache = new EdgeCache({
      namespace,
      tagTtlMs: 60_000,
      timeoutMs: 2000,
      patientTimeoutMs: 2000,
      breakerThreshold: 100,
      breakerFailureRatio: 1,
    });
    const shared = sharedTierFor(cache, () => redis);
    const stampOf = async (tags: string[]) =>
      (await shared.read('http:/api/stats?', tags, Date.now(), 1000, 0)).tagStamp;
    const tags = ['stats', 'product:7', 'products:list:category:audio'];
    const before = await stampOf(tags);
    expect(await stampOf(tags)).toBe(before);
    await shared.invalidate(['product:1']);
    const seqBefore = Number(await redis.get(`${namespace}:seq`));
    await redis.set('someone-else:tag:stats', 'keep');

    const run = runScript('scripts/db-seed.ts', ['--products', '20'], withCache);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Told the cache \\(namespace "${namespace}"\\): no answer cached before the seed is served again \\(\\d+ tag versions dropped\\)`,
        'm',
      ),
    );
    // Entries stamped with the old versions never match again, for every tag the catalog uses.
    const after = await stampOf(tags);
    for (let i = 0; i < tags.length; i++) expect(after.split(',')[i]).not.toBe(before.split(',')[i]);
    // Every isolate's position is below the new floor: its next look finds a gap and it starts over.
    const [seq, floor] = (await redis.mget<string[]>(`${namespace}:seq`, `${namespace}:floor`)).map(Number);
    expect(seq).toBeGreaterThan(seqBefore);
    expect(floor).toBe(seq);
    expect((await shared.logTail(seqBefore)).gap).toBe(true);
    expect(await redis.get('someone-else:tag:stats')).toBe('keep');
    await redis.del('someone-else:tag:stats');
  }, 60_000);

  it('says so when no cache can be told, and when the cache does not answer', () => {
    const none = runScript('scripts/db-seed.ts', ['--products', '20'], {
      DATABASE_URL: databaseUrl,
      UPSTASH_REDIS_REST_URL: '',
      UPSTASH_REDIS_REST_TOKEN: '',
    });
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(
      /^No cache to tell \(no UPSTASH_REDIS_REST_URL and _TOKEN in the environment\): cached answers may show the old catalog/m,
    );
    const down = runScript('scripts/db-seed.ts', ['--products', '20'], {
      ...withCache,
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1',
    });
    expect(down.status).toBe(0);
    expect(down.stdout).toMatch(
      /^Could not tell the cache at http:\/\/127\.0\.0\.1:1 \(.+\): cached answers may show the old catalog/m,
    );
  }, 60_000);
});

describe('postgresFailure', () => {
  it('leaves errors it cannot explain alone (they keep their stack trace)', () => {
    expect(
      postgresFailure(Object.assign(new Error('syntax error'), { code: '42601' }), 'postgres://h/db', 'x'),
    ).toBeUndefined();
    expect(postgresFailure(new Error('boom'), 'not a url', 'x')).toBeUndefined();
  });

  it('names a refused login without the password', () => {
    const failure = postgresFailure(
      Object.assign(new Error('auth'), { code: '28P01' }),
      'postgres://me:s3cret@db.example:6543/app',
      'x',
    );
    expect(failure?.message).toBe(
      'Postgres at db.example:6543 refused the login (28P01): fix the user or password in DATABASE_URL.',
    );
  });
});

describe('npm run bench flags', () => {
  it('accepts the defaults and every scenario name', () => {
    expect(parseBenchOptions([])).toEqual({
      url: 'http://127.0.0.1:8787',
      durationSeconds: 10,
      connections: 50,
      only: undefined,
    });
    expect(parseBenchOptions(['--only', SCENARIO_NAMES.join(',')]).only).toEqual([...SCENARIO_NAMES]);
  });

  it.each([
    [
      ['--only', 'product bypass (database)'],
      /--only: no scenario "product bypass \(database\)"; the scenarios are "hello-world", "health"/,
    ],
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
