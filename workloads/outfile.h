/*
 * outfile.h: an output file that is whole or untouched.
 *
 * Everything kmbench writes to a path it is given (convert, import,
 * record, gen, through the trace writer) goes through here.  A regular
 * file, or a name that does not exist yet, is written to a temporary
 * file beside it (same directory, so on the same file system) and
 * renamed over it only when everything was written and synced: a
 * failure at any point leaves the old file exactly as it was, and a
 * reader never sees half a file.  A name that is a symbolic link to a
 * regular file has its target replaced, and stays a link.
 *
 * A path that exists and is not a regular file (a character device
 * such as /dev/null or /dev/full, a FIFO, a socket) cannot be replaced
 * by a rename and must not be: it is opened and written directly, is
 * never truncated nor unlinked, and what reached it before a failure
 * stays there.  "-" is the standard output, also written directly.
 */
#ifndef KM_OUTFILE_H
#define KM_OUTFILE_H

#include <stddef.h>

struct outfile {
	char	*of_path;	/* as given */
	char	*of_tmp;	/* the temporary file, or NULL: direct */
	char	*of_final;	/* what of_tmp is renamed to */
	int	 of_fd;
	int	 of_own;	/* of_fd is ours to close */
};

/*
 * Whether OUT and IN name the same existing file (the same device and
 * inode, whatever the names: ./x, a symbolic or hard link).  If so,
 * writes "OUT: is the input IN; refusing to write over it" into ERR
 * and returns 1; otherwise 0.  A command calls it for each of its
 * inputs before it opens anything for writing, and exits 2 on 1.
 */
int	outfile_is_input(const char *out, const char *in, char *err,
	    size_t errlen);

/*
 * Open PATH for writing as described above; of_fd is the descriptor to
 * write to.  0, or -1 with a one-line message naming PATH in ERR
 * (nothing is left behind).
 */
int	outfile_open(struct outfile *, const char *path, char *err,
	    size_t errlen);

/*
 * Everything was written: sync the temporary file, close it and rename
 * it over the path.  0, or -1 with a message (the temporary file is
 * removed and the path keeps what it had).  Direct outputs are closed
 * (not the standard output).
 */
int	outfile_commit(struct outfile *, char *err, size_t errlen);

/* Give up: close and remove the temporary file; the path is untouched. */
void	outfile_abort(struct outfile *);

#endif /* KM_OUTFILE_H */
