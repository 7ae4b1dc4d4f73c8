# store-diff.sh: sourced by tools/test-slurm.sh and tools/test-ssh.sh.
# store_diff MERGED SINGLE prints what tells two stores of the same
# cases apart: a deterministic figure, or a case's key, outcome or
# settings, found in one and not the other (both ways); nothing when
# the merged shards equal the single-process matrix.
store_diff() {
	sqlite3 "$1" "ATTACH '$2' AS s;
SELECT c.key, r.name, r.value FROM \"case\" c JOIN result r ON
    r.case_id = c.id WHERE r.deterministic EXCEPT SELECT c.key, r.name,
    r.value FROM s.\"case\" c JOIN s.result r ON r.case_id = c.id WHERE
    r.deterministic;
SELECT c.key, r.name, r.value FROM s.\"case\" c JOIN s.result r ON
    r.case_id = c.id WHERE r.deterministic EXCEPT SELECT c.key, r.name,
    r.value FROM \"case\" c JOIN result r ON r.case_id = c.id WHERE
    r.deterministic;
SELECT key, outcome, settings FROM \"case\" EXCEPT SELECT key, outcome,
    settings FROM s.\"case\";
SELECT key, outcome, settings FROM s.\"case\" EXCEPT SELECT key, outcome,
    settings FROM \"case\";"
}
