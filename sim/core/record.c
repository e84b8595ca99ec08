/*
 * record.c: the one way every layer writes to the trace: a record
 * stamped with the current simulated time, with the narration that the
 * layer that acted chose for it (trace.h, "Narration at the source").
 */
#include "world.h"

#include <stdarg.h>

uint32_t
sim_record(struct sim *s, struct trace_rec r)
{
	r.t = sim_time(s);
	return trace_add(s->tr, &r);
}

uint32_t
sim_say(struct sim *s, struct say *y)
{
	return trace_say_put(s->tr, y);
}

void
sim_app_say(struct sim *s, int node, int peer, enum app_proto proto,
    const char *text, size_t len, uint32_t say)
{
	sim_record(s, (struct trace_rec){ .kind = TR_APP, .node = node,
	    .peer = peer, .link = -1, .frame = TRACE_NONE, .a = proto,
	    .text = trace_text(s->tr, text, len), .say = say });
}

static void
state_record(struct sim *s, int node, enum state_what what, uint32_t count,
    uint32_t say, const char *fmt, va_list ap)
{
	struct buf b = { 0 };

	buf_vprintf(&b, fmt, ap);
	sim_record(s, (struct trace_rec){ .kind = TR_STATE, .node = node,
	    .peer = -1, .link = -1, .frame = TRACE_NONE, .a = what,
	    .b = count, .text = trace_text(s->tr, b.data ? (char *)b.data : "",
	    b.len), .say = say });
	buf_free(&b);
}

void
sim_state_say(struct sim *s, int node, enum state_what what, uint32_t count,
    uint32_t say, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	state_record(s, node, what, count, say, fmt, ap);
	va_end(ap);
}
