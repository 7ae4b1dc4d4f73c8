-- migrate/004.sql: version 3 to 4: one case row per case key.
--
-- A killed matrix's workers, or two matrices over the same cases, could
-- store a case twice.  The first of each key's rows is kept (the lowest
-- id: the one stored first), the later ones and their figures are
-- dropped, and a unique index makes a second store of a key impossible
-- (store.c stores with INSERT OR IGNORE, so that it is a no-op).

CREATE TEMP TABLE dup_case AS
	SELECT id FROM "case" WHERE id NOT IN
	    (SELECT min(id) FROM "case" GROUP BY key);
DELETE FROM result WHERE case_id IN (SELECT id FROM dup_case);
DELETE FROM latency WHERE case_id IN (SELECT id FROM dup_case);
DELETE FROM series WHERE case_id IN (SELECT id FROM dup_case);
DELETE FROM proc WHERE case_id IN (SELECT id FROM dup_case);
DELETE FROM "case" WHERE id IN (SELECT id FROM dup_case);
DROP TABLE dup_case;

DROP INDEX case_key;
CREATE UNIQUE INDEX case_key ON "case"(key);

PRAGMA user_version = 4;
