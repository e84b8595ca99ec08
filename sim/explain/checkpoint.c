/*
 * checkpoint.c: a checkpoint's step in a trace (see checkpoint.h).
 *
 * A checkpoint names its step by what happens there; this file walks the
 * trace once, in order, and counts the records that fit the description
 * until the nth.  The trace is in time order, so "the first step at or
 * after 1234 ms" is the first record whose time is not earlier.
 */
#include "checkpoint.h"

#include <string.h>

static int	checkpoint_fits(const struct trace *tr,
		    const struct trace_rec *r, const struct sc_at *at);
static void	checkpoint_why(const struct sim *s, const struct sc_at *at,
		    size_t matches, struct buf *out);

/* Whether record r fits at's description (SC_AT_MS aside). */
static int
checkpoint_fits(const struct trace *tr, const struct trace_rec *r,
    const struct sc_at *at)
{
	if (at->node >= 0 && r->node != at->node)
		return 0;
	switch (at->kind) {
	case SC_AT_APP:
		return r->kind == TR_APP && r->text != 0 && at->text != NULL &&
		    strstr(trace_text_at(tr, r->text), at->text) != NULL;
	case SC_AT_KIND:
		return r->kind == at->what;
	case SC_AT_STATE:
		return r->kind == TR_STATE && r->a == (uint32_t)at->what;
	case SC_AT_MS:
		break;
	}
	return 0;
}

size_t
checkpoint_step(const struct trace *tr, const struct sc_at *at,
    size_t *matches)
{
	size_t n = trace_count(tr), found = 0, step = 0;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (at->kind == SC_AT_MS) {
			if (r.t >= at->ns) {
				found = 1;
				step = i + 1;
				break;
			}
			continue;
		}
		if (!checkpoint_fits(tr, &r, at))
			continue;
		if (++found == (size_t)at->nth && step == 0)
			step = i + 1;
	}
	if (matches != NULL)
		*matches = found;
	return step;
}

/* Why at names no step: what it asked for, and what the trace holds. */
static void
checkpoint_why(const struct sim *s, const struct sc_at *at, size_t matches,
    struct buf *out)
{
	const struct scenario *sc = sim_scenario(s);
	const char *plural = matches == 1 ? "" : "s";
	struct buf what = { 0 };

	switch (at->kind) {
	case SC_AT_APP:
		buf_printf(&what, "application message%s containing '%s'",
		    plural, at->text ? at->text : "");
		break;
	case SC_AT_KIND:
		buf_printf(&what, "step%s of kind '%s'", plural,
		    trace_kind_name((enum trace_kind)at->what));
		break;
	case SC_AT_STATE:
		buf_printf(&what, "state change%s '%s'", plural,
		    state_what_name((enum state_what)at->what));
		break;
	case SC_AT_MS:
		buf_printf(out, "the simulation ends at %.3f ms, before %.15g "
		    "ms", (double)sim_now(s) / 1e6, (double)at->ns / 1e6);
		goto tail;
	}
	if (at->node >= 0 && at->node < sc->nnodes)
		buf_printf(&what, " at node '%s'", sc->nodes[at->node].id);
	if (matches == 0)
		buf_printf(out, "the simulation has no %s", (char *)what.data);
	else
		buf_printf(out, "the simulation has only %zu %s, so there is "
		    "no number %d", matches, (char *)what.data, at->nth);
tail:
	buf_puts(out, "; this question would never be asked");
	buf_free(&what);
}

int
checkpoint_check(const struct sim *s, const char *file, struct buf *out)
{
	const struct scenario *sc = sim_scenario(s);
	const struct trace *tr = sim_trace(s);
	int bad = 0;

	for (int i = 0; i < sc->ncheckpoints; i++) {
		const struct sc_at *at = &sc->checkpoints[i].at;
		size_t matches;

		if (checkpoint_step(tr, at, &matches) != 0)
			continue;
		if (bad++ > 0)
			buf_putc(out, '\n');
		buf_printf(out, "%s: checkpoints[%d].at: ", file, i);
		checkpoint_why(s, at, matches, out);
	}
	return bad;
}
