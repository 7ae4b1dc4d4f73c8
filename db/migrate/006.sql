-- migrate/006.sql: version 5 to 6: how a run timed its calls.  From
-- version 6 latency comes from a deterministic sample of the calls (the
-- first clock_first of each operation, then one in clock_every), read
-- with the cycle counter (clock 'tsc', at clock_ticks_per_ns, as
-- calibrated against CLOCK_MONOTONIC when the run began) or with
-- CLOCK_MONOTONIC (clock 'monotonic'); clock_how says how the rate was
-- found or why the counter was not used (kernel/kp_clock.h,
-- docs/metrics.md).  Runs stored before timed every call with
-- CLOCK_MONOTONIC, which the defaults say.

ALTER TABLE run ADD COLUMN clock TEXT NOT NULL DEFAULT 'monotonic';
ALTER TABLE run ADD COLUMN clock_ticks_per_ns REAL;
ALTER TABLE run ADD COLUMN clock_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run ADD COLUMN clock_every INTEGER NOT NULL DEFAULT 1;
ALTER TABLE run ADD COLUMN clock_how TEXT NOT NULL DEFAULT '';

PRAGMA user_version = 6;
