/*
 * evtext.h: what the event list says about one trace record, in words
 * of the student's language, and which protocol chip it wears.  No SDL:
 * the tests read the same rows the window draws (tests/test_indonesian.c
 * checks every kind in Indonesian).
 *
 * A reason, a state or an outcome is never shown as the engine's code
 * ("node_down", "queued", "FIN-WAIT-1" alone): the record's kind, its
 * numbers and its narration key (trace.h, struct say) pick the words of
 * words.c, and only the data a student can look up (an address, a DNS
 * record, a port) is copied from the record.
 */
#ifndef SUREL_EVTEXT_H
#define SUREL_EVTEXT_H

#include <stddef.h>

#include "scenario.h"
#include "trace.h"

/*
 * The chip classes, one bit each in struct app's hide mask: a protocol
 * by enum app_proto, and APP_NONE for "TCP only" (frames that carry no
 * application bytes, and TCP's own states, retransmissions and errors).
 */
#define EVTEXT_NOCHIP	0xff

/*
 * The chip of record rec: its protocol (APP_NONE: TCP only), or
 * EVTEXT_NOCHIP for a record that wears none (a state change, a node or
 * a link switched) and is never hidden by a filter.
 */
unsigned evtext_chip(const struct scenario *sc, const struct trace *tr,
	    size_t rec);
/* The one-line summary of record rec in lang ("en", "id"; others get English). */
void	 evtext_summary(const struct scenario *sc, const struct trace *tr,
	    const char *lang, size_t rec, char *buf, size_t n);

#endif
