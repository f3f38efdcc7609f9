import { randomBytes } from 'node:crypto';
import { migrateDatabase } from './db/migrate';
import { DEFAULT_PRODUCT_COUNT, isCatalogEmpty, seedDatabase } from './db/seed';
import { startMetricsCollector } from './metrics/collector';
import { startNeonEndpoint } from './neon/server';
import { startPostgres } from './postgres';
import type { StackInfo } from './stack-info';
import { startUpstashEndpoint } from './upstash/server';

export interface StackOptions {
  /** Your own Postgres (`DATABASE_URL`); otherwise an embedded one in `dataDir`. */
  databaseUrl?: string;
  /** Your own Redis (`REDIS_URL`); otherwise the in-memory backend. */
  redisUrl?: string;
  dataDir: string;
  pgPort: number;
  /** 0 picks a free port. */
  neonPort: number;
  upstashPort: number;
  metricsPort: number;
  upstashToken?: string;
  apiToken?: string;
  /** Products seeded into an empty catalog. */
  seedProducts?: number;
  log?: (line: string) => void;
}

export interface RunningStack {
  info: StackInfo;
  /** Stops what the stack started, newest first. */
  stop(): Promise<void>;
}

const randomToken = () => randomBytes(24).toString('base64url');

/** Postgres (migrated and seeded on first start), the Neon endpoint, the Upstash endpoint and the metrics collector. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? (() => {});
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne().catch(() => {});
  };
  try {
    log(
      options.databaseUrl ? 'Postgres: connecting to DATABASE_URL' : `Postgres: embedded, data in ${options.dataDir}`,
    );
    const postgres = await startPostgres({
      databaseUrl: options.databaseUrl,
      dataDir: options.dataDir,
      port: options.pgPort,
      database: 'edge_api',
    });
    stops.push(postgres.stop);

    await migrateDatabase(postgres.url);
    if (await isCatalogEmpty(postgres.url)) {
      const count = options.seedProducts ?? DEFAULT_PRODUCT_COUNT;
      log(`Postgres: seeding ${count} products`);
      await seedDatabase(postgres.url, count);
    }

    const neon = await startNeonEndpoint({ port: options.neonPort, databaseUrl: postgres.url });
    stops.push(neon.close);
    const upstashToken = options.upstashToken ?? randomToken();
    const upstash = await startUpstashEndpoint({
      port: options.upstashPort,
      token: upstashToken,
      redisUrl: options.redisUrl ?? null,
    });
    stops.push(upstash.close);
    const metrics = await startMetricsCollector({ port: options.metricsPort, databaseUrl: postgres.url });
    stops.push(metrics.close);

    return {
      info: {
        databaseUrl: postgres.url,
        neonEndpoint: neon.url,
        upstashUrl: upstash.url,
        upstashToken,
        redisUrl: options.redisUrl ?? null,
        apiToken: options.apiToken ?? randomToken(),
        metricsCollector: metrics.url,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
