#!/bin/sh
# configure-probe.sh: a configure-style script, as autoconf's are: it
# probes the compiler, headers, functions, types and programs one small
# test program at a time, and writes config.h and config.mk.  make traces
# records it as the "configure" workload.  Usage: configure-probe.sh DIR
set -e
dir=${1:-.}
mkdir -p "$dir"
cd "$dir"
CC=${CC:-cc}
: >config.h
: >config.log
check() {
	printf 'checking %s... ' "$1"
	if $CC -o conftest conftest.c >>config.log 2>&1 && ./conftest; then
		echo yes
		echo "#define $2 1" >>config.h
	else
		echo no
		echo "/* #undef $2 */" >>config.h
	fi
	rm -f conftest conftest.c
}
for h in stdio.h stdlib.h string.h unistd.h fcntl.h sys/mman.h sys/types.h \
    sys/stat.h sys/wait.h sys/socket.h netinet/in.h arpa/inet.h poll.h \
    pthread.h dlfcn.h zlib.h zstd.h sqlite3.h stdint.h inttypes.h; do
	id=HAVE_$(echo "$h" | tr 'a-z./' 'A-Z__')
	printf '#include <%s>\nint main(void) { return 0; }\n' "$h" >conftest.c
	check "for $h" "$id"
done
for f in mmap munmap madvise mprotect posix_memalign strdup strndup \
    getline pipe2 dup3 accept4 epoll_create1 eventfd memfd_create; do
	id=HAVE_$(echo "$f" | tr 'a-z' 'A-Z')
	printf '#define _GNU_SOURCE\n#include <stdlib.h>\n#include <string.h>\n'\
'#include <stdio.h>\n#include <unistd.h>\n#include <sys/mman.h>\n'\
'char %s();\nint main(void) { return %s == 0; }\n' "$f" "$f" >conftest.c
	check "for $f" "$id"
done
for t in int long "long long" "void *" size_t off_t; do
	id=SIZEOF_$(echo "$t" | tr 'a-z *' 'A-Z_P')
	printf '#include <stdio.h>\n#include <sys/types.h>\n'\
'int main(void) { printf("%%zu", sizeof(%s)); return 0; }\n' "$t" >conftest.c
	printf 'checking size of %s... ' "$t"
	$CC -o conftest conftest.c >>config.log 2>&1
	n=$(./conftest)
	echo "$n"
	echo "#define $id $n" >>config.h
	rm -f conftest conftest.c
done
for p in sed awk grep tr sort uniq install mkdir gzip tar; do
	printf 'checking for %s... ' "$p"
	command -v "$p" || echo no
done
sed -n 's/^#define \([A-Z_0-9]*\) 1$/\1=yes/p' config.h | sort >config.mk
echo "configure: wrote config.h ($(wc -l <config.h) lines) and config.mk"
