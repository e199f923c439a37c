-- The directory's city and language filters compare these keys, computed by the app
-- (domain::people::fold: NFKC, lower case), not the database's lower(): SQLite's folds
-- ASCII only and PostgreSQL's depends on the locale. Rows from before this migration are
-- filled in by the app at start-up (db::directory::backfill_keys).
ALTER TABLE practitioners ADD COLUMN city_key TEXT NOT NULL DEFAULT '';
ALTER TABLE practitioners ADD COLUMN languages_key TEXT NOT NULL DEFAULT '';
