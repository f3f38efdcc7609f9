-- category_counters stays equal to a recount of products: statement-level triggers fold each
-- write's rows (transition tables) into per-category deltas in the write's own transaction, so a
-- bulk insert costs one upsert per category, not one per row. Counter rows are upserted in
-- category order, so writes that touch the same categories lock them in the same order (no
-- deadlock); a write that changes no counted column (a rename) touches no counter row.
-- The table is locked first: no write may land between the triggers and the backfill.
LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
CREATE FUNCTION category_counters_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids integer[];
  counts bigint[];
  prices bigint[];
  stocks bigint[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM category_counters;
    RETURN NULL;
  END IF;
  -- A transition table exists only for the events its trigger names: one query per event.
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(category_id), array_agg(n), array_agg(price), array_agg(stock) INTO ids, counts, prices, stocks
    FROM (SELECT category_id, count(*) AS n, sum(price_cents) AS price, sum(stock) AS stock FROM new_rows GROUP BY category_id) d;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(category_id), array_agg(-n), array_agg(-price), array_agg(-stock) INTO ids, counts, prices, stocks
    FROM (SELECT category_id, count(*) AS n, sum(price_cents) AS price, sum(stock) AS stock FROM old_rows GROUP BY category_id) d;
  ELSE
    SELECT array_agg(category_id), array_agg(n), array_agg(price), array_agg(stock) INTO ids, counts, prices, stocks
    FROM (
      SELECT category_id, sum(n) AS n, sum(price) AS price, sum(stock) AS stock FROM (
        SELECT category_id, 1 AS n, price_cents AS price, stock FROM new_rows
        UNION ALL SELECT category_id, -1, -price_cents, -stock FROM old_rows
      ) rows GROUP BY category_id HAVING sum(n) <> 0 OR sum(price) <> 0 OR sum(stock) <> 0
    ) d;
  END IF;
  INSERT INTO category_counters AS c (category_id, product_count, sum_price_cents, total_stock)
    SELECT * FROM unnest(ids, counts, prices, stocks) AS d(category_id, n, price, stock) ORDER BY category_id
  ON CONFLICT (category_id) DO UPDATE SET
    product_count = c.product_count + EXCLUDED.product_count,
    sum_price_cents = c.sum_price_cents + EXCLUDED.sum_price_cents,
    total_stock = c.total_stock + EXCLUDED.total_stock;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_counters_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION category_counters_apply();
--> statement-breakpoint
CREATE TRIGGER products_counters_update AFTER UPDATE ON products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION category_counters_apply();
--> statement-breakpoint
CREATE TRIGGER products_counters_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION category_counters_apply();
--> statement-breakpoint
CREATE TRIGGER products_counters_truncate AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION category_counters_apply();
--> statement-breakpoint
INSERT INTO category_counters (category_id, product_count, sum_price_cents, total_stock)
  SELECT category_id, count(*), sum(price_cents), sum(stock) FROM products GROUP BY category_id ORDER BY category_id;
