// The part of the Worker's `Env` (worker-configuration.d.ts, which this Node-side project does not
// load) that the database code read here needs: search-within-category.test.ts runs src/db and
// src/catalog in Node against the local Neon endpoint.
interface Env {
  DATABASE_URL: string;
  NEON_LOCAL_ENDPOINT: string;
}
