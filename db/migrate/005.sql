-- migrate/005.sql: version 4 to 5: latency split by result.  From
-- version 5 a latency row of op OP holds only the calls that succeeded
-- and OP.refused those that returned an error (runner/probe.h).  Rows
-- stored before held both at once and cannot be split: they are renamed
-- OP.all, so that no comparison or report takes them for either.

UPDATE latency SET op = op || '.all';

PRAGMA user_version = 5;
