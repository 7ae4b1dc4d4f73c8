-- schema.sql: the kmbench result store as first made: schema version 1.
--
-- One run row per kmbench invocation that stores anything (a run, or a
-- matrix); one case row per replay (strategy x machine x trace x
-- repetition); the figures of a case in result (scalars), series (the
-- fragmentation time series), latency (quantiles and histogram) and
-- proc (per process).  micro holds Google Benchmark results.  A new
-- file gets this script and then each of migrate/NNN.sql in order, which
-- is also how an older file is brought forward (store.c);
-- PRAGMA user_version is the version, application_id marks the file
-- as kmbench's.

PRAGMA application_id = 1263354434;	-- "KMBB"

CREATE TABLE run (
	id		INTEGER PRIMARY KEY,
	commit_id	TEXT NOT NULL,		-- git commit of the build
	dirty		INTEGER NOT NULL,	-- 1: uncommitted changes
	compiler	TEXT NOT NULL,
	cflags		TEXT NOT NULL,
	host		TEXT NOT NULL,
	cpu		TEXT NOT NULL,
	date		TEXT NOT NULL,		-- UTC, ISO 8601
	version		TEXT NOT NULL,		-- kmbench's
	command		TEXT NOT NULL		-- run, matrix, microbench
);

CREATE TABLE "case" (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES run(id),
	key		TEXT NOT NULL,		-- commit, inputs and rep, hashed
	inputs		TEXT NOT NULL,		-- the same without the commit
	strategy	TEXT NOT NULL,
	machine		TEXT NOT NULL,
	settings	TEXT NOT NULL,		-- every profile setting, k=v;...
	trace		TEXT NOT NULL,
	trace_sha256	TEXT NOT NULL,
	rep		INTEGER NOT NULL,
	outcome		TEXT NOT NULL,		-- survived or panic
	wall_ns		INTEGER NOT NULL
);
CREATE INDEX case_key ON "case"(key);
CREATE INDEX case_inputs ON "case"(inputs);

-- Scalar figures.  deterministic = 1: a pure function of the inputs.
CREATE TABLE result (
	case_id		INTEGER NOT NULL REFERENCES "case"(id),
	name		TEXT NOT NULL,
	value		REAL NOT NULL,
	deterministic	INTEGER NOT NULL,
	PRIMARY KEY (case_id, name)
);

CREATE TABLE latency (
	case_id		INTEGER NOT NULL REFERENCES "case"(id),
	op		TEXT NOT NULL,
	arena		TEXT NOT NULL,
	count		INTEGER NOT NULL,
	p50		INTEGER NOT NULL,
	p90		INTEGER NOT NULL,
	p99		INTEGER NOT NULL,
	p999		INTEGER NOT NULL,
	max		INTEGER NOT NULL,
	mean		REAL NOT NULL,
	hist		BLOB NOT NULL,		-- (bucket u16, count u64) pairs, LE
	PRIMARY KEY (case_id, op, arena)
);

PRAGMA user_version = 1;
