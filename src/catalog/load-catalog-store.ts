/**
 * The catalog's Postgres side (`./catalog-store`), evaluated by the first request that reaches the
 * database rather than at isolate startup. Neon's driver is a bundled `pg` whose top-level code
 * took 15-20 ms of startup CPU (`wrangler check startup`), half of it in workerd building
 * `process.stderr` for the `pgpass` inside; Drizzle builds every table. A cache hit needs none of
 * it. The module stays in the one bundle: esbuild wraps a dynamically imported module so that its
 * top-level code runs on the first call.
 */
export const loadCatalogStore = () => import('./catalog-store');
