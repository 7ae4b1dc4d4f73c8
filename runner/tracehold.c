/*
 * tracehold.c: the last trace a process replayed, held in memory
 * (tracehold.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../db/sha256.h"
#include "../workloads/kmtrecs.h"
#include "tracehold.h"

static struct {
	size_t		 h_max;		/* 0: off */
	char		*h_path;	/* NULL: nothing held or tried */
	struct stat	 h_st;		/* of the file that was read */
	struct kmt_image *h_im;		/* NULL: it could not be held */
	char		 h_digest[65];
	/*
	 * A binary image's events as records (kmtrecs.h), kept as the
	 * first replay reads them, so that those after it do not decode
	 * the image again; their memory stays from one trace to the next,
	 * as a matrix worker holds one after another.
	 */
	struct kmt_recs	*h_recs;
	int		 h_recsok;	/* h_recs keeps h_im's events */
} hold;

void
tracehold_enable(size_t max)
{

	hold.h_max = max;
}

static void
forget(void)
{

	if (hold.h_recs != NULL)
		kmt_recs_end(hold.h_recs);
	hold.h_recsok = 0;
	kmt_image_free(hold.h_im);
	free(hold.h_path);
	hold.h_im = NULL;
	hold.h_path = NULL;
}

void
tracehold_disable(void)
{

	forget();
	kmt_recs_free(hold.h_recs);
	hold.h_recs = NULL;
	hold.h_max = 0;
}

static int
same_file(const struct stat *a, const struct stat *b)
{

	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

struct kmt_reader *
tracehold_open(const char *path, char digest[65])
{
	struct kmt_reader *rd;
	struct sha256 sha;
	struct stat st;
	char err[512];

	if (hold.h_max == 0 || stat(path, &st) != 0)
		return NULL;
	if (hold.h_path == NULL || strcmp(hold.h_path, path) != 0 ||
	    !same_file(&hold.h_st, &st)) {
		forget();
		if ((hold.h_path = strdup(path)) == NULL)
			return NULL;
		sha256_init(&sha);
		/* A file that cannot be held is marked so (h_im NULL),
		 * so that the next replay does not try again. */
		hold.h_im = kmt_image_load(path, hold.h_max, sha256_tap, &sha,
		    &hold.h_st, err, sizeof(err));
		if (hold.h_im == NULL)
			hold.h_st = st;
		else {
			sha256_hex(&sha, hold.h_digest);
			if (hold.h_recs == NULL)
				hold.h_recs = kmt_recs_new(TRACEHOLD_RECS_MAX);
			hold.h_recsok = hold.h_recs != NULL &&
			    kmt_recs_begin(hold.h_recs, hold.h_im) == 0;
		}
	}
	if (hold.h_im == NULL)
		return NULL;
	if (digest != NULL)
		memcpy(digest, hold.h_digest, sizeof(hold.h_digest));
	if (hold.h_recsok && (rd = kmt_recs_open(hold.h_recs, path, err,
	    sizeof(err))) != NULL)
		return rd;
	return kmt_open_image(hold.h_im, err, sizeof(err));
}
