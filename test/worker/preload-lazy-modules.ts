// The Worker imports the catalog store and the Postgres probe on the first request that needs
// them (src/catalog/load-catalog-store.ts). In the bundle that costs their evaluation, a few ms;
// here Vite first transforms Drizzle and the rest module by module, ~0.7 s inside whichever test
// makes that request. Importing them before each file keeps that out of what tests time.
import '../../src/catalog/catalog-store';
import '../../src/routes/postgres-probe';
