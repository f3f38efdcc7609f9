CREATE TABLE "category_counters" (
	"category_id" integer PRIMARY KEY NOT NULL,
	"product_count" bigint DEFAULT 0 NOT NULL,
	"sum_price_cents" bigint DEFAULT 0 NOT NULL,
	"total_stock" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "category_counters" ADD CONSTRAINT "category_counters_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE cascade ON UPDATE no action;