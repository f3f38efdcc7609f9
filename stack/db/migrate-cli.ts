// `npm run db:migrate`: applies migrations/ to DATABASE_URL (or the running local stack's database).
import { runCli } from '../from-env';
import { withScriptDatabase } from './database-url';
import { migrateDatabase } from './migrate';

runCli(async () => {
  await withScriptDatabase(migrateDatabase);
  console.log('Migrations applied.');
});
