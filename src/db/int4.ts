/** The largest value a Postgres integer (int4) holds: the products table's ids, prices and stock are int4 (./schema). */
export const MAX_INT4 = 2_147_483_647;
