/*
 * replay_result.h: a replay's result (result/result.h), made from the
 * replayer's and the probes' own records, for the store to write.
 */
#ifndef KM_REPLAY_RESULT_H
#define KM_REPLAY_RESULT_H

struct probe;
struct replay;
struct result;

/*
 * Fill RES (result_init()ed) with what replay R produced on its machine,
 * and with probes P's figures when P is not NULL.  0, or -1 when out of
 * memory (RES then holds part; result_free() it all the same).
 */
int	replay_result(struct result *res, const struct replay *r,
	    const struct probe *p);

#endif /* KM_REPLAY_RESULT_H */
