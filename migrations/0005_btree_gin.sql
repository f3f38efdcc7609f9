-- btree_gin lets one GIN index hold category ids beside name trigrams: a search within a category
-- then reads only that category's matches (Neon supports btree_gin).
CREATE EXTENSION IF NOT EXISTS btree_gin;
