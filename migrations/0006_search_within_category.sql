DROP INDEX "products_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "products_category_name_trgm_idx" ON "products" USING gin ("category_id","name" gin_trgm_ops);