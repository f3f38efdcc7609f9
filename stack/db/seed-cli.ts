// `npm run db:seed [-- --products N] [--reset]`: writes the deterministic catalog (idempotent; --reset leaves exactly N).
import { parseArgs } from 'node:util';
import { StackError } from '../contracts';
import { runCli } from '../from-env';
import { withScriptDatabase } from './database-url';
import { DEFAULT_PRODUCT_COUNT, seedDatabase } from './seed';

runCli(async () => {
  const { values } = parseArgs({
    options: { products: { type: 'string', default: String(DEFAULT_PRODUCT_COUNT) }, reset: { type: 'boolean', default: false } },
  });
  const count = Number(values.products);
  if (!Number.isInteger(count) || count < 0) throw new StackError(`--products must be a whole number, not "${values.products}".`);
  const started = performance.now();
  const { upserted, total } = await withScriptDatabase((url) => seedDatabase(url, count, { reset: values.reset }));
  const took = `${Math.round(performance.now() - started)} ms`;
  if (values.reset) console.log(`Reset the catalog to exactly ${upserted} seeded products in 25 categories (${took}).`);
  else if (total === upserted) console.log(`Seeded ${upserted} products in 25 categories (${took}).`);
  else console.log(`Upserted ${upserted} seeded products (matched by sku); the table has ${total} (${took}). For exactly ${upserted}: npm run db:seed -- --products ${upserted} --reset`);
  // Seeding writes past the API, so no invalidation tells the cache.
  console.log('Cached answers may show the old catalog until they expire (product pages 10 min, lists 5 min, stats 60 s): restart npm run dev to start with an empty cache (in-memory Redis), or use Cache-Control: no-cache.');
});
