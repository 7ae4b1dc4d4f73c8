/*
 * outfile.c: an output file that is whole or untouched (outfile.h):
 * a temporary file beside the target, renamed over it on success;
 * devices and FIFOs written directly and never unlinked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

int
outfile_is_input(const char *out, const char *in, char *err, size_t errlen)
{
	struct stat so, si;

	if (strcmp(out, "-") == 0 || strcmp(in, "-") == 0)
		return 0;
	if (stat(out, &so) != 0 || stat(in, &si) != 0)
		return 0;
	if (so.st_dev != si.st_dev || so.st_ino != si.st_ino)
		return 0;
	snprintf(err, errlen, "%s: is the input %s; refusing to write over "
	    "it", out, in);
	return 1;
}

static void
outfile_free(struct outfile *of)
{

	free(of->of_path);
	free(of->of_tmp);
	free(of->of_final);
	of->of_path = of->of_tmp = of->of_final = NULL;
	of->of_fd = -1;
	of->of_own = 0;
}

int
outfile_open(struct outfile *of, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *slash, *base;
	char *target = NULL;
	mode_t mask;
	size_t n;

	memset(of, 0, sizeof(*of));
	of->of_fd = -1;
	if ((of->of_path = strdup(path)) == NULL)
		goto nomem;
	if (strcmp(path, "-") == 0) {
		of->of_fd = STDOUT_FILENO;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device, a FIFO: written in place, never replaced. */
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
			goto bad;
		}
		if ((of->of_fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto bad;
		}
		of->of_own = 1;
		return 0;
	}
	/* A link to a regular file: its target is replaced. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (target = realpath(path, NULL)) != NULL)
		of->of_final = target;
	else if ((of->of_final = strdup(path)) == NULL)
		goto nomem;
	slash = strrchr(of->of_final, '/');
	base = slash != NULL ? slash + 1 : of->of_final;
	n = strlen(of->of_final) + 16;
	if ((of->of_tmp = malloc(n)) == NULL)
		goto nomem;
	snprintf(of->of_tmp, n, "%.*s.%s.XXXXXX",
	    (int)(base - of->of_final), of->of_final, base);
	if ((of->of_fd = mkostemp(of->of_tmp, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(of->of_tmp);
		of->of_tmp = NULL;
		goto bad;
	}
	of->of_own = 1;
	/* mkostemp() makes it 0600: give it the mode the file would get. */
	if (stat(of->of_final, &st) == 0)
		(void)fchmod(of->of_fd, st.st_mode & 07777);
	else {
		mask = umask(0);
		umask(mask);
		(void)fchmod(of->of_fd, 0666 & ~mask);
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
bad:
	outfile_abort(of);
	return -1;
}

int
outfile_commit(struct outfile *of, char *err, size_t errlen)
{
	int rc = 0;

	if (of->of_tmp == NULL) {
		if (of->of_own && close(of->of_fd) != 0) {
			snprintf(err, errlen, "%s: %s", of->of_path,
			    strerror(errno));
			rc = -1;
		}
		outfile_free(of);
		return rc;
	}
	if (fsync(of->of_fd) != 0 || close(of->of_fd) != 0) {
		snprintf(err, errlen, "%s: %s", of->of_path, strerror(errno));
		of->of_own = 0;
		outfile_abort(of);
		return -1;
	}
	of->of_own = 0;
	if (rename(of->of_tmp, of->of_final) != 0) {
		snprintf(err, errlen, "%s: %s", of->of_path, strerror(errno));
		outfile_abort(of);
		return -1;
	}
	outfile_free(of);
	return 0;
}

void
outfile_abort(struct outfile *of)
{

	if (of->of_own && of->of_fd >= 0)
		close(of->of_fd);
	if (of->of_tmp != NULL)
		(void)unlink(of->of_tmp);
	outfile_free(of);
}
