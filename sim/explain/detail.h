/*
 * detail.h: the three levels of detail of a trace (issue 11), one
 * decision for the command line (`surel run --narrate --detail`) and the
 * window alike.
 *
 *   DETAIL_PACKETS   every record, as the trace holds it;
 *   DETAIL_MESSAGES  every application message (SMTP/LMTP, DNS, POP3,
 *                    IMAP), every change of state, and every TCP
 *                    connection that failed;
 *   DETAIL_STORY     the turning points of the mail's trip (detail.c).
 *
 * A record's level is decided from its kind and its narration key only
 * (trace.h, struct say), never from transcript text.  The levels nest:
 * every story step is a messages step, every messages step a packets step.
 */
#ifndef SUREL_DETAIL_H
#define SUREL_DETAIL_H

#include <stddef.h>

#include "trace.h"

/* From the fewest steps to all of them; a higher level holds the lower. */
enum detail {
	DETAIL_STORY,
	DETAIL_MESSAGES,
	DETAIL_PACKETS,
	DETAIL_NLEVELS
};

/* 1 if record rec of tr (rec < trace_count()) is a step at level d. */
int	 detail_has(const struct trace *tr, size_t rec, enum detail d);
/* The same for a record already read (trace_at()): a pass over the trace reads each once. */
int	 detail_has_rec(const struct trace *tr, const struct trace_rec *r,
	    enum detail d);
/* The number of steps of tr at level d. */
size_t	 detail_count(const struct trace *tr, enum detail d);

/* "story", "messages", "packets". */
const char *detail_name(enum detail d);
/* The level called name; -1 where there is none. */
int	 detail_parse(const char *name, enum detail *out);

/* Every story key or key family (a trailing '.' or '_' matches a prefix); *n gets the count. */
const char *const *detail_story_keys(size_t *n);

#endif
