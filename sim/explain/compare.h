/*
 * compare.h: two futures side by side (issue 14, point 3): the original
 * run of a scenario and a what-if (the same scenario with actions
 * added, scenario_load_adds()), both run to their end.
 *
 * For every message and recipient: what became of it in each run
 * (delivered at, queued and retried at, bounced with its status code,
 * rejected, or not sent at all in that run); and every mailbox and
 * device whose contents differ at the end.  A message is known in both
 * runs by where it came from, not by its Message-ID (an added mail
 * shifts the counter): a send by its action's index, a bounce by the
 * message it reports on.
 *
 * compare_sims() reads finished sims (sim_run() done) and keeps nothing
 * of them; the window's compare panel and `surel run --compare` read the
 * result.
 */
#ifndef SUREL_COMPARE_H
#define SUREL_COMPARE_H

#include <stdint.h>

#include "narrate.h"
#include "util.h"

struct sim;

enum cmp_status {
	CMP_ABSENT,		/* no such message in this run */
	CMP_QUEUED,		/* still in a queue at the end */
	CMP_DELIVERED,
	CMP_BOUNCED,
	CMP_REJECTED,
	CMP_ONTHEWAY,		/* sent, with no outcome yet (until_ms cut the run) */
};

#define CMP_MAX_RETRIES	8

/* One message and recipient in one run. */
struct cmp_fate {
	enum cmp_status	 status;
	uint64_t	 t_ns;		/* when the status was reached (delivered, bounced...) */
	char		*reply;		/* the last reply, "" where none */
	char		*server;	/* node id that holds it or gave up, "" */
	int		 nretries;	/* delivery attempts that failed and were retried */
	uint64_t	 retry_ns[CMP_MAX_RETRIES];	/* when the first ones were retried */
};

struct cmp_row {
	char		*subject;
	char		*rcpt;
	int		 bounce;	/* a bounce (a report about another message) */
	struct cmp_fate	 a, b;		/* original, what-if */
	int		 differs;
};

/* A mailbox (an account) or a device whose messages differ at the end. */
struct cmp_holder {
	int		 device;	/* 0: a mailbox, 1: a device */
	char		*name;		/* the address, or the device's node id */
	char		*server;	/* a mailbox's server id, "" for a device */
	int		 na, nb;	/* messages held in each run */
};

struct compare {
	struct cmp_row	*rows;
	int		 nrows;
	struct cmp_holder *holders;
	int		 nholders;
	int		 ndiffer;	/* rows that differ */
};

/* Compare original a with what-if b (same scenario file, b with added actions). */
void	 compare_sims(const struct sim *a, const struct sim *b,
	    struct compare *out);
void	 compare_free(struct compare *c);
/*
 * Human-readable, one line a message and recipient, in language L (its
 * "words" section, English where L has none): "Subject" -> rcpt:
 * ORIGINAL | WHAT-IF, then the holders that differ.
 */
void	 compare_text(const struct compare *c, const struct narr_lang *L,
	    const struct narr_lang *en, struct buf *out);
/* One fate in words ("queued, retried at 61 s, delivered at 92 s"). */
void	 compare_fate_text(const struct cmp_fate *f,
	    const struct narr_lang *L, const struct narr_lang *en,
	    struct buf *out);
/* The same as JSON for tools (scenarios/README.md, "--compare-json"). */
void	 compare_json(const struct compare *c, struct buf *out);

#endif
