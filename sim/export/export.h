/*
 * export.h: the outputs of `surel run`, each made from the trace alone
 * (shared/DESIGN.md: exports read the trace).  Each appends to a buffer;
 * the caller writes it where it wants, so sim/ does no I/O.
 */
#ifndef SUREL_EXPORT_H
#define SUREL_EXPORT_H

#include "sim.h"
#include "util.h"

/*
 * Classic pcap (nanosecond timestamps, LINKTYPE_ETHERNET).  link < 0:
 * every frame once, as it leaves the host that created it.  link >= 0:
 * every frame that crosses that link, both directions, with the MAC
 * addresses and TTL it had there.
 */
void	export_pcap(const struct sim *s, int link, struct buf *out);
/* Every trace record as one JSON object a line. */
void	export_trace_jsonl(const struct sim *s, struct buf *out);
/* The final state, shared/SPEC.md section 4. */
void	export_summary(const struct sim *s, struct buf *out);
/* One line per application message. */
void	export_transcript(const struct sim *s, struct buf *out);

/* Index of the link between nodes a and b, or -1. */
int	export_link_between(const struct scenario *sc, int a, int b);

#endif
