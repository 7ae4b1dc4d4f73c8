#!/bin/sh
# layers.sh [ROOT]: dependencies run one way, down the data flow
# (README.md, "A short tour").  Every #include in the sources under ROOT
# (default .) is checked against the rules below; each one that runs
# upward is named as FILE:LINE with the rule it breaks, on stderr, and
# the exit status is 1.  make check runs it first; tests/test_layers.c
# runs it on the tree and on trees with a bad include.
#
#   kernel/      includes nothing from strategies/, result/, runner/,
#                db/ or workloads/: it owns its interfaces (kern_site.h)
#   result/      nothing from strategies/, runner/, db/ or workloads/:
#                it sits below the store and the runner
#   db/          nothing from runner/
set -u
root=${1:-.}

# rule DIR FORBIDDEN...: the includes in DIR's .c and .h files (any
# depth) whose path has a component named one of FORBIDDEN.
rule() {
	dir=$1
	shift
	[ -d "$root/$dir" ] || return 0
	pat=$(echo "$*" | tr ' ' '|')
	find "$root/$dir" -type f \( -name '*.c' -o -name '*.h' \) |
	    LC_ALL=C sort | while IFS= read -r f; do
		awk -v f="${f#"$root"/}" -v pat="$pat" -v dir="$dir" '
		/^[ \t]*#[ \t]*include[ \t]*["<]/ {
			s = $0
			sub(/^[^"<]*["<]/, "", s)
			sub(/[">].*$/, "", s)
			if (match("/" s, "/(" pat ")/")) {
				d = substr("/" s, RSTART + 1, RLENGTH - 2)
				printf "%s:%d: #include \"%s\": %s/ may " \
				    "not include from %s/\n", f, FNR, s, dir, d
			}
		}' "$f"
	done
}

out=$( (
	rule kernel strategies result runner db workloads
	rule result strategies runner db workloads
	rule db runner
) 2>&1)
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	echo "layers.sh: includes against the data flow (dependencies run" \
	    "down it: kernel/ uses nothing above it, db/ nothing of runner/)" >&2
	exit 1
fi
exit 0
