// `npm run bench:scale [-- --products N] [--requests R]`: seeds N products (default 1,000,000)
// into a throwaway database (on DATABASE_URL's server, else an embedded Postgres in a temporary
// folder), serves the production bundle against it, and times every read route and query shape
// uncached (`Cache-Control: no-store`, so each answer comes from Postgres), one request at a
// time: p50/p95/max per shape, against the 20 ms p95 the catalog is held to. Nothing of the
// developer's stack or .dev.vars is touched, and everything it made is removed at the end.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { CursorKey } from '../src/catalog/page-cursor';
import type { ProductSort } from '../src/schemas/product';
import { throwawayDatabase } from '../stack/db/throwaway-database';
import { PROJECT_ROOT } from '../stack/dev-vars';
import { findFreePort } from '../stack/endpoint-kit';
import { type RunningIsolates, startIsolates } from '../stack/isolates';
import { buildBundle, measurementBindings, readBundleSettings, UNREACHABLE_BUDGET } from '../stack/production-bundle';
import { workerVarsOf } from '../stack/stack-info';
import { type RunningStack, startStack } from '../stack/start-stack';
import { type DeepKeys, percentile, type QueryShape, queryShapes, SORTS } from './scale-shapes';

const P95_LIMIT_MS = 20;
const CATEGORY = 'tea';

const { values } = parseArgs({
  options: { products: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '60' } },
});
const productCount = Number(values.products);
const requestsPerShape = Number(values.requests);
if (
  !Number.isInteger(productCount) ||
  productCount < 1000 ||
  !Number.isInteger(requestsPerShape) ||
  requestsPerShape < 1
) {
  console.error('usage: npm run bench:scale [-- --products N (at least 1000)] [--requests R per shape]');
  process.exit(2);
}

/** A database of its own: a new one on DATABASE_URL's server, or an embedded Postgres in a temporary folder. */
async function scaleDatabase(): Promise<{ databaseUrl?: string; dataDir: string; remove(): Promise<void> }> {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'edge-api-scale-'));
  await chmod(tempDir, 0o755); // the embedded Postgres runs as its own user, which must enter the folder
  const removeDir = () => rm(tempDir, { recursive: true, force: true });
  const server = process.env.DATABASE_URL;
  if (!server) return { dataDir: path.join(tempDir, 'postgres'), remove: removeDir };
  const database = throwawayDatabase(server, 'edge_api_scale');
  await database.create();
  return {
    databaseUrl: database.url,
    dataDir: path.join(tempDir, 'unused'),
    remove: async () => {
      await database.drop();
      await removeDir();
    },
  };
}

const EXACT_CREATED_AT = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const ORDER_SQL: Record<ProductSort, { key: string; order: string }> = {
  id: { key: 'id', order: 'id' },
  price: { key: 'price_cents, id', order: 'price_cents, id' },
  '-price': { key: 'price_cents, id', order: 'price_cents desc, id desc' },
  newest: { key: `${EXACT_CREATED_AT}, id`, order: 'created_at desc, id desc' },
};

/** Product ids to read, and for each sort the row ~90 % of the way through (overall and in the category). */
async function samplePositions(databaseUrl: string): Promise<{ productIds: number[]; deep: DeepKeys }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = await client.query<{ id: number }>('SELECT id FROM products ORDER BY random() LIMIT 50');
    const keyAt = async (sort: ProductSort, inCategory: boolean): Promise<CursorKey> => {
      const where = inCategory ? `WHERE category_id = (SELECT id FROM categories WHERE slug = '${CATEGORY}')` : '';
      const { rows } = await client.query({
        text: `SELECT ${ORDER_SQL[sort].key} FROM products ${where} ORDER BY ${ORDER_SQL[sort].order}
               OFFSET (SELECT count(*) * 9 / 10 FROM products ${where}) LIMIT 1`,
        rowMode: 'array',
      });
      return rows[0] as CursorKey;
    };
    const deep = {} as DeepKeys;
    for (const sort of SORTS) deep[sort] = { all: await keyAt(sort, false), inCategory: await keyAt(sort, true) };
    return { productIds: ids.rows.map((row) => row.id), deep };
  } finally {
    await client.end();
  }
}

interface ShapeResult {
  name: string;
  example: string;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  met: boolean;
}

/** `apiToken`: only a client with the API token can make the cache step aside (`no-store`). */
async function timeShape(baseUrl: string, apiToken: string, shape: QueryShape): Promise<ShapeResult> {
  const headers = { 'Cache-Control': 'no-store', Authorization: `Bearer ${apiToken}` };
  const once = async (i: number) => {
    const pathname = shape.paths[i % shape.paths.length]!;
    const started = performance.now();
    const response = await fetch(`${baseUrl}${pathname}`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${pathname} answered ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < Math.min(3, shape.paths.length) + 2; i++) await once(i);
  const times: number[] = [];
  for (let i = 0; i < requestsPerShape; i++) times.push(await once(i));
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  return {
    name: shape.name,
    example: shape.paths[0]!,
    requests: times.length,
    p50: percentile(times, 50),
    p95,
    max: times.at(-1)!,
    met: p95 <= P95_LIMIT_MS,
  };
}

async function main(): Promise<void> {
  const database = await scaleDatabase();
  let stack: RunningStack | undefined;
  let isolates: RunningIsolates | undefined;
  try {
    console.log(
      `Seeding ${productCount.toLocaleString('en')} products into a throwaway database (${database.databaseUrl ? "on DATABASE_URL's server" : 'embedded Postgres'})…`,
    );
    const seedStarted = performance.now();
    stack = await startStack({
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
      pgPort: await findFreePort(),
      neonPort: 0,
      upstashPort: 0,
      metricsPort: 0,
      seedProducts: productCount,
    });
    console.log(`Seeded and analyzed in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s.`);
    const { productIds, deep } = await samplePositions(stack.info.databaseUrl);

    const settings = readBundleSettings();
    const bundlePath = await buildBundle(path.join(os.tmpdir(), `edge-api-scale-bundle-${process.pid}`));
    isolates = await startIsolates({
      bundlePath,
      isolates: 1,
      compatibilityDate: settings.compatibilityDate,
      compatibilityFlags: settings.compatibilityFlags,
      bindings: {
        // Every timed request is a forced read (token + no-store) from this one address.
        ...measurementBindings(settings.vars, {}),
        RATE_LIMIT_FORCED: UNREACHABLE_BUDGET,
        ...workerVarsOf(stack.info),
      },
      host: '127.0.0.1',
      port: 0,
      onCrash: () => console.error('workerd exited during the run'),
    });

    const shapes = queryShapes(CATEGORY, productIds, deep);
    console.log(
      `Timing ${shapes.length} shapes × ${requestsPerShape} uncached requests, one at a time (p95 limit ${P95_LIMIT_MS} ms)\n`,
    );
    console.log(`${'shape'.padEnd(44)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'max ms'.padStart(7)}`);
    const results: ShapeResult[] = [];
    for (const shape of shapes) {
      const result = await timeShape(isolates.url, stack.info.apiToken, shape);
      results.push(result);
      console.log(
        `${result.name.padEnd(44)} ${result.p50.toFixed(1).padStart(7)} ${result.p95.toFixed(1).padStart(7)} ${result.max.toFixed(1).padStart(7)}${result.met ? '' : '  over'}`,
      );
    }
    const over = results.filter((result) => !result.met);
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`;
    console.log(`\nMachine: ${machine}`);
    console.log(
      over.length === 0
        ? `PASS  every shape p95 ≤ ${P95_LIMIT_MS} ms`
        : `MISS  ${over.length} shapes over ${P95_LIMIT_MS} ms: ${over.map((r) => r.name).join('; ')}`,
    );
    const file = path.join(
      PROJECT_ROOT,
      'bench',
      'results',
      `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), productCount, requestsPerShape, machine, results }, null, 2)}\n`,
    );
    console.log(`Wrote ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await isolates?.stop();
    await stack?.stop();
    await database.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
