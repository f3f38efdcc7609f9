-- A search within a category through an index whose keys are (category, trigram) pairs. The GIN
-- index of 0006 keeps category ids and name trigrams as separate keys, so "walnut in tea" meant
-- intersecting tea's 40,000 entries with each trigram's 60,000 (4-9 ms at 1,000,000 products, for
-- a count of at most 201), and a term absent from the category cost the same. Here each key is
-- "<category id>:<3 characters>": the lists to intersect hold only the category's rows (walnut in
-- tea: 2,500 each, ~1 ms; chair in tea: none, 0.1 ms).
--
-- The keys are plain 3-character substrings of lower(name), not pg_trgm's words: ILIKE compares
-- lower(name) with lower(pattern) (like.c), so a name that contains the term contains every
-- 3-character substring of lower(term) and the index never misses a match. It is only a filter:
-- the ILIKE itself still decides.
--
-- count_name_matches (0007) is no longer called; it stays so that Workers of the previous version
-- keep answering while this one deploys (a later migration can drop it).

-- A product's keys: its category's own key ("<id>", so a term under 3 characters still finds
-- just its category) and "<id>:<substring>" for every 3-character substring of lower(name).
CREATE FUNCTION category_name_trigrams(category_id integer, name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  lowered text := lower(name);
  prefix text := category_id::text || ':';
  keys text[] := ARRAY[category_id::text];
BEGIN
  FOR i IN 1 .. char_length(lowered) - 2 LOOP
    keys := keys || (prefix || substr(lowered, i, 3));
  END LOOP;
  RETURN keys;
END $$;
--> statement-breakpoint
-- The keys a product whose name contains `term` must have: 3-character substrings of
-- lower(term) that cover it (every third one and the last: each is a list to intersect, and
-- overlapping ones add little), or the category's own key for a term under 3 characters.
CREATE FUNCTION category_term_trigrams(category_id integer, term text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  lowered text := lower(term);
  last integer := char_length(lowered) - 2;
  prefix text := category_id::text || ':';
  keys text[] := '{}';
BEGIN
  IF last < 1 THEN
    RETURN ARRAY[category_id::text];
  END IF;
  FOR i IN 1 .. last BY 3 LOOP
    keys := keys || (prefix || substr(lowered, i, 3));
  END LOOP;
  IF (last - 1) % 3 <> 0 THEN
    keys := keys || (prefix || substr(lowered, last, 3));
  END IF;
  RETURN keys;
END $$;
--> statement-breakpoint
-- Ids of up to `cap` products of the category whose name contains `term` (case-insensitive, as
-- the list query's ILIKE with the term's wildcards escaped), found through the index on
-- category_name_trigrams. OFFSET 0 keeps the ILIKE out of the scan's conditions, so no other
-- index can take part, and the function's setting leaves Postgres no plan but that index.
-- A search within a category asks this first: up to 200 ids are the matches themselves; more
-- means the ordered walk of the category meets a page soon.
CREATE FUNCTION category_name_matches(term text, category_slug text, cap integer) RETURNS integer[]
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
  SELECT ARRAY(
    SELECT id FROM (
      SELECT id, name ILIKE '%' || regexp_replace(term, '([\\%_])', '\\\1', 'g') || '%' AS matches
      FROM products
      WHERE category_name_trigrams(category_id, name)
        @> category_term_trigrams((SELECT id FROM categories WHERE slug = category_slug), term)
      OFFSET 0
    ) candidates
    WHERE matches
    LIMIT cap
  )
$$;
