/*
 * prog.c: the program tests/test_record.c records with "kmbench
 * record": known descriptor, process and memory operations after a
 * marker, so that the test can tell them from the start-up of the
 * dynamic loader and libc.  No stdio and no malloc, which would add
 * calls of their own.  The comments give the kmtrace events expected
 * (P is this process, C its child, mX the mapping's ID).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	4096

int
main(void)
{
	char *p;
	pid_t pid;
	int fd, fd2;

	/* The marker: everything before it is start-up. */
	dup2(2, 63);				/* P dup 2 63 */
	close(63);				/* P close 63 */

	fd = open("/dev/null", O_RDONLY);	/* P open 3 */
	dup2(fd, 10);				/* P dup 3 10 */
	fd2 = open("/dev/null", O_RDONLY | O_CLOEXEC);	/* P open 4 cloexec */
	close(fd);				/* P close 3 */

	/* P map mX 4, touch mX */
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	munmap(p + PAGE, PAGE);			/* P unmap mX 1 1 */

	sbrk(3 * PAGE);				/* P map heap 3, touch heap */
	sbrk(2 * PAGE);				/* P grow heap 5 */
	sbrk(-PAGE);				/* P grow heap 4 */

	pid = fork();				/* P fork C */
	if (pid == 0) {
		close(10);			/* C close 10 */
		execl("/bin/true", "true", (char *)NULL);	/* C exec */
		_exit(127);			/* (/bin/true: C exit) */
	}
	waitpid(pid, NULL, 0);

	munmap(p, 4 * PAGE);			/* P unmap mX (all left) */
	close(fd2);				/* P close 4 */
	_exit(0);				/* P exit */
}
