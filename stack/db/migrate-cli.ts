// `npm run db:migrate`: applies migrations/ to DATABASE_URL (or the running local stack's database).
import { runCli } from '../from-env';
import { databaseUrlForScripts } from './database-url';
import { migrateDatabase } from './migrate';

runCli(async () => {
  await migrateDatabase(databaseUrlForScripts());
  console.log('Migrations applied.');
});
