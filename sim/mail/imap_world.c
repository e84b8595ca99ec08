/*
 * imap_world.c: what the IMAP layer keeps while the world runs: the
 * server's sessions (imap_server.c), the devices' sessions
 * (imap_client.c) and the \Recent floor of each mailbox; and what both
 * sides read with: commands and responses put together from lines and
 * literals (imap_in).  It sits below both sides, so neither file calls
 * the other, and mail_free() ends them all through imap_free_all().
 */
#include "imap.h"
#include "world.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Made on first use, by a listener or a device, freed by imap_free_all(). */
struct imap_world *
imap_world(struct sim *s)
{
	struct mail_world *mw = s->mail;

	if (mw->imap == NULL) {
		mw->imap = xcalloc(1, sizeof *mw->imap);
		mw->imap->recent_floor = xcalloc((size_t)mw->nboxes + 1,
		    sizeof *mw->imap->recent_floor);
	}
	return mw->imap;
}

/*
 * From mail_free(), before TCP frees the connections: the sessions and
 * devices go without callbacks, as a program killed mid-dialogue does.
 */
void
imap_free_all(struct sim *s)
{
	struct imap_world *w = s->mail->imap;

	if (w == NULL)
		return;
	msess_free_all(&w->sessions);
	msess_free_all(&w->clients);
	free(w->recent_floor);
	free(w);
	s->mail->imap = NULL;
}

/* ---- reading: lines and literals ------------------------------------ */

void
imap_in_init(struct imap_in *in, size_t max_line, uint64_t max_literal)
{
	memset(in, 0, sizeof *in);
	in->max_line = max_line;
	in->max_literal = max_literal;
}

void
imap_in_free(struct imap_in *in)
{
	buf_free(&in->unit);
}

/* The unit is over (whole or dropped): the next one starts afresh. */
static void
in_done(struct msess *m, struct imap_in *in)
{
	in->whole = 1;
	in->octets = 0;
	in->lit = in->lit_total = 0;
	m->lb.max = in->max_line;
}

size_t
imap_in_octets(struct imap_in *in, const uint8_t *p, size_t n)
{
	size_t take = n < in->lit ? n : (size_t)in->lit;

	buf_append(&in->unit, p, take);
	in->lit -= take;
	return take;
}

enum imap_frame
imap_in_line(struct msess *m, struct imap_in *in, enum line_status st,
    const char *line, size_t n, uint64_t *literal)
{
	const uint8_t *p;
	uint64_t nlit;
	int sync;

	*literal = 0;
	if (in->whole) {
		in->unit.len = 0;
		in->whole = 0;
	}
	buf_append(&in->unit, line, n);
	if (st == LINE_TOO_LONG) {
		in_done(m, in);
		return IMAP_FRAME_TOO_LONG;
	}
	buf_puts(&in->unit, m->lb.crlf ? "\r\n" : "\n");
	in->octets += n;
	/* A line end that announces nothing ends the unit. */
	if (!imap_literal_marker((const uint8_t *)line, n, &nlit, &sync)) {
		in_done(m, in);
		return IMAP_FRAME_DONE;
	}
	/*
	 * RFC 3501 7.5: instead of "+", a server may refuse a literal with
	 * a tagged BAD; the client then does not send it.
	 */
	if (nlit > in->max_literal || in->lit_total + nlit > in->max_literal) {
		*literal = nlit;
		in_done(m, in);
		return IMAP_FRAME_TOO_LONG;
	}
	/* The next nlit octets are data, whatever they hold, not lines. */
	in->lit = nlit;
	in->lit_total += nlit;
	while (in->lit > 0 && linebuf_pending(&m->lb) > 0) {
		size_t k = linebuf_take(&m->lb, in->lit > SIZE_MAX ? SIZE_MAX :
		    (size_t)in->lit, &p);
		imap_in_octets(in, p, k);
	}
	/* The limit is the unit's: its later lines get what is left. */
	m->lb.max = in->max_line - in->octets;
	if (sync) {
		*literal = nlit;
		return IMAP_FRAME_LITERAL;
	}
	return IMAP_FRAME_MORE;
}
