// `npm run db:seed [-- --products N]`: writes the deterministic catalog (idempotent).
import { parseArgs } from 'node:util';
import { StackError } from '../contracts';
import { runCli } from '../from-env';
import { withScriptDatabase } from './database-url';
import { DEFAULT_PRODUCT_COUNT, seedDatabase } from './seed';

runCli(async () => {
  const { values } = parseArgs({ options: { products: { type: 'string', default: String(DEFAULT_PRODUCT_COUNT) } } });
  const count = Number(values.products);
  if (!Number.isInteger(count) || count < 0) throw new StackError(`--products must be a whole number, not "${values.products}".`);
  const started = performance.now();
  await withScriptDatabase((url) => seedDatabase(url, count));
  console.log(`Seeded ${count} products in 25 categories (${Math.round(performance.now() - started)} ms).`);
});
