-- Model registry schema, version 3 (SQLite): a unique case-insensitive key per model name, so that
-- 'Loan' and 'loan' cannot both exist even when two writers create them at once. The key (NFKC,
-- case-folded) is computed by ModelNames.key in Java: rows of older schemas start with NULL and
-- are filled in when the registry opens read-write; names that already clash keep NULL (they
-- still work; no new clash can be created). Statements are separated by lines holding only ';'.
ALTER TABLE registered_models ADD COLUMN name_key TEXT
;
CREATE UNIQUE INDEX registered_models_name_key ON registered_models (name_key)
