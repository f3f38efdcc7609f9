import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { findFreePort } from '../stack/endpoint-kit';
import { startStack } from '../stack/start-stack';
import { deleteNamespace } from './redis-namespace-cleanup';

/** Products in the test catalog: enough to page through many times, small enough to seed in a second. */
export const TEST_PRODUCT_COUNT = 2_000;

/**
 * Starts the local stack once for the whole run: an embedded Postgres in a temporary folder
 * (or `DATABASE_URL`), the in-memory Redis backend (or `REDIS_URL`), and both endpoints.
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'edge-api-test-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  // A fresh key prefix per run: a shared REDIS_URL may hold entries from earlier runs.
  const cacheNamespace = `test-${randomUUID()}`;
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    // Run as root, Postgres runs as the `postgres` user, which must be able to enter the folder.
    await chmod(dataDir, 0o755);
    stack = await startStack({
      databaseUrl: process.env.DATABASE_URL || undefined,
      redisUrl: process.env.REDIS_URL || undefined,
      dataDir: path.join(dataDir, 'postgres'),
      pgPort: await findFreePort(),
      neonPort: 0,
      upstashPort: 0,
      metricsPort: 0,
      seedProducts: TEST_PRODUCT_COUNT,
    });
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  project.provide('stack', stack.info);
  project.provide('cacheNamespace', cacheNamespace);
  return async () => {
    await stack.stop();
    await removeDataDir();
    if (stack.info.redisUrl) await deleteNamespace(stack.info.redisUrl, cacheNamespace);
  };
}
