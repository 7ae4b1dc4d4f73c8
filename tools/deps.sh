#!/bin/sh
# deps.sh: install the Debian packages kmbench needs, if any is missing,
# and any packages named as arguments (make traces names the programs it
# records).  Runs apt-get directly as root, else through sudo.  chromium
# is for the test that loads kmbench report's HTML pages in a real
# browser (tests/test_html.c).
set -e
PKGS="build-essential pkg-config libsqlite3-dev libbenchmark-dev gnuplot-nox
libcriterion-dev zlib1g-dev libzstd-dev strace libjemalloc-dev libmimalloc-dev
clang libclang-rt-14-dev git libxml2-utils sqlite3 parallel chromium $*"
# One dpkg-query for them all: make bench and make test start here.
# shellcheck disable=SC2086
installed=" $(dpkg-query -W -f='${Package}\t${Status}\n' $PKGS 2>/dev/null |
    awk -F '\t' '$2 == "install ok installed" { printf "%s ", $1 }')"
missing=""
for p in $PKGS; do
	case $installed in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing$missing, and neither root nor sudo" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $missing >/dev/null
