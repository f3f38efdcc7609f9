// `npm run db:migrate`: applies migrations/ to DATABASE_URL (or the running local stack's database).
import { runCli } from '../stack/cli-runner';
import { withScriptDatabase } from '../stack/db/database-url';
import { migrateDatabase } from '../stack/db/migrate';

runCli(async () => {
  await withScriptDatabase(migrateDatabase);
  console.log('Migrations applied.');
});
