-- migrate/002.sql: version 1 to 2: the fragmentation time series, the
-- per-process figures and the microbenchmark results.

CREATE TABLE series (
	case_id		INTEGER NOT NULL REFERENCES "case"(id),
	seq		INTEGER NOT NULL,
	event		INTEGER NOT NULL,
	time_ns		INTEGER NOT NULL,
	why		TEXT NOT NULL,
	map		TEXT NOT NULL,
	footprint	INTEGER NOT NULL,	-- pages
	live		INTEGER NOT NULL,	-- bytes asked
	waste		INTEGER NOT NULL,	-- bytes given - asked
	freeheld	INTEGER NOT NULL,	-- pages
	largest		INTEGER NOT NULL,	-- pages
	freepages	INTEGER NOT NULL,
	wired		INTEGER NOT NULL,
	PRIMARY KEY (case_id, seq, map)
);

CREATE TABLE proc (
	case_id		INTEGER NOT NULL REFERENCES "case"(id),
	pid		INTEGER NOT NULL,
	state		TEXT NOT NULL,
	max_fds		INTEGER NOT NULL,
	emfile		INTEGER NOT NULL,
	enfile		INTEGER NOT NULL,
	enomem		INTEGER NOT NULL,
	ebadf		INTEGER NOT NULL,
	eagain		INTEGER NOT NULL,
	skipped		INTEGER NOT NULL,
	PRIMARY KEY (case_id, pid)
);

CREATE TABLE micro (
	id		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL REFERENCES run(id),
	name		TEXT NOT NULL,
	iterations	INTEGER NOT NULL,
	real_ns		REAL NOT NULL,
	cpu_ns		REAL NOT NULL,
	aggregate	TEXT,			-- mean, median, p99, ... or NULL
	counters	TEXT NOT NULL		-- JSON object
);

PRAGMA user_version = 2;
