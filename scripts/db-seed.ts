// `npm run db:seed [-- --products N] [--reset]`: writes the deterministic catalog (idempotent; --reset leaves exactly N).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../stack/cli-runner';
import { withScriptDatabase } from '../stack/db/database-url';
import { cacheSettingsFor, catalogTags, forgetCachedCatalog } from '../stack/db/forget-cached-catalog';
import { DEFAULT_PRODUCT_COUNT, seedDatabase } from '../stack/db/seed';
import { DEV_VARS_FILE, readDevVars } from '../stack/dev-vars';
import { readBundleSettings } from '../stack/production-bundle';
import { StackError } from '../stack/stack-error';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      products: { type: 'string', default: String(DEFAULT_PRODUCT_COUNT) },
      reset: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.products);
  if (!Number.isInteger(count) || count < 0)
    throw new StackError(`--products must be a whole number, not "${values.products}".`);
  const started = performance.now();
  const { upserted, total, highestProductId, categorySlugs } = await withScriptDatabase((url) =>
    seedDatabase(url, count, { reset: values.reset }),
  );
  const took = `${Math.round(performance.now() - started)} ms`;
  if (values.reset) console.log(`Reset the catalog to exactly ${upserted} seeded products in 25 categories (${took}).`);
  else if (total === upserted) console.log(`Seeded ${upserted} products in 25 categories (${took}).`);
  else
    console.log(
      `Upserted ${upserted} seeded products (matched by sku); the table has ${total} (${took}). For exactly ${upserted}: npm run db:seed -- --products ${upserted} --reset`,
    );
  // Seeding writes past the API, so no write invalidated what the cache holds: tell it here.
  const fromEnv = Boolean(process.env.DATABASE_URL);
  const cache = cacheSettingsFor(
    fromEnv ? process.env : readDevVars(DEV_VARS_FILE),
    readBundleSettings().vars.CACHE_NAMESPACE ?? 'edge-api',
  );
  const stale =
    'cached answers may show the old catalog until they expire (product pages 10 min, lists 5 min, stats 60 s)';
  if (!cache) {
    console.log(
      `No cache to tell (no UPSTASH_REDIS_REST_URL and _TOKEN ${fromEnv ? 'in the environment' : `in ${path.basename(DEV_VARS_FILE)}`}): ${stale}.`,
    );
    return;
  }
  try {
    const dropped = await forgetCachedCatalog(cache, catalogTags(highestProductId, categorySlugs));
    console.log(
      `Told the cache (namespace "${cache.namespace}"): no answer cached before the seed is served again (${dropped} tag versions dropped); running Workers stop trusting their memory at their next look at it.`,
    );
  } catch (error) {
    console.log(
      `Could not tell the cache at ${cache.url} (${error instanceof Error ? error.message : String(error)}): ${stale}.`,
    );
  }
});
