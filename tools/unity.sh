#!/bin/sh
# unity.sh PART OUT FILE...: write OUT, one translation unit of the
# library.  PART is NAME-IofN, and OUT includes the I-th of every N of
# the FILEs (the Makefile's UNIT_NAME lists them).  OUT is rewritten
# only when what it would hold changes, so that make recompiles a part
# only when its files or their list do.
set -e
part=$1
out=$2
shift 2
i=${part##*-}
n=${i#*of}
i=${i%of*}
tmp=$out.tmp
mkdir -p "$(dirname "$out")"
{
	echo "/* $part, made by tools/unity.sh: do not edit. */"
	k=0
	for f in "$@"; do
		[ $((k % n + 1)) -eq "$i" ] && echo "#include \"$f\""
		k=$((k + 1))
	done
} >"$tmp"
if cmp -s "$tmp" "$out"; then rm -f "$tmp"; else mv "$tmp" "$out"; fi
