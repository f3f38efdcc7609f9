-- Trigram indexes back case-insensitive name search (ILIKE); Neon supports pg_trgm.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
