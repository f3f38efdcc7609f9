import { defineConfig } from 'drizzle-kit';

// drizzle-kit talks to Postgres directly over TCP (migrate, studio); `npm run stack` prints the URL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5433/edge_api' },
  strict: true,
});
