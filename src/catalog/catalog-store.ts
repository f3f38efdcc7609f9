// The catalog's Postgres side: the driver, Drizzle, the tables and the queries. Import it only
// through `loadCatalogStore()`; a static import would put all of it back into isolate startup.
export { createDb } from '../db/client';
export { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './product-queries';
export { catalogStats, listCategories } from './summary-queries';
