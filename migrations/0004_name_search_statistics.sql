-- A name search (ILIKE '%term%') is planned from a sample of names: with the default 100-entry
-- histogram a term as common as 1.6 % of the catalog ("kettle") can be missing from it, and Postgres
-- then reads every match through the trigram index and sorts them (444 ms at 1,000,000 products),
-- while a term the sample overrates sends it walking the ordered index past every row. A 1,000-entry
-- sample (resolution 0.1 %) tells common from rare; ANALYZE reads ~300,000 rows to build it. No
-- larger: planning a search tests the term against every entry of the sample.
ALTER TABLE products ALTER COLUMN name SET STATISTICS 1000;
--> statement-breakpoint
ANALYZE products;
