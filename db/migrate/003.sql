-- migrate/003.sql: version 2 to 3: capacity searches (kmbench capacity
-- --db), one row per search and one per replay it made.

CREATE TABLE capacity (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES run(id),
	strategy	TEXT NOT NULL,
	machine		TEXT NOT NULL,
	trace		TEXT NOT NULL,
	key		TEXT NOT NULL,		-- scale, nkmempages, ...
	lo		INTEGER NOT NULL,	-- the range searched
	hi		INTEGER NOT NULL,
	clean		INTEGER NOT NULL,	-- 1: a refusal is a failure
	stagger		INTEGER NOT NULL,	-- ns, for scale
	value		INTEGER,		-- the answer; NULL: none
	monotonic	INTEGER			-- 1, 0; NULL: unchecked
);

CREATE TABLE capacity_try (
	capacity_id	INTEGER NOT NULL REFERENCES capacity(id),
	seq		INTEGER NOT NULL,	-- order of the replays
	value		INTEGER NOT NULL,
	outcome		TEXT NOT NULL,	-- survived refused hung panic, no boot
	events		INTEGER NOT NULL,
	skipped		INTEGER NOT NULL,
	refused		INTEGER NOT NULL,
	hung		INTEGER NOT NULL,
	panic_event	INTEGER NOT NULL,
	kmem_peak	INTEGER NOT NULL,	-- pages
	PRIMARY KEY (capacity_id, seq)
);

CREATE INDEX capacity_trace ON capacity(trace, key, machine, strategy);

PRAGMA user_version = 3;
