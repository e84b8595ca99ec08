/*
 * evlist.c: which rows the event list shows (ui.h): the records that are
 * steps at the current level of detail (detail.h) and wear no hidden
 * chip (struct app's hide).  Apart from panel_events.c, so that the
 * picture (draw.c) can ask whether a record is filtered without
 * depending on the panel that draws with it.
 *
 * Each record's chip and lowest level are read once; the rows are listed
 * again only when the level or the filter changes, so a frame costs a
 * binary search, not a walk over the trace (a million records stay
 * quick).
 */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

#include "evtext.h"

/*
 * One byte per record: the chip a filter hides it by (EV_NOCHIP for
 * none) in the low five bits, the lowest level it is a step of above.
 * A trace of 44 million records keeps 44 MB here, not 264.
 */
#define EV_NOCHIP	0x1f
#define EV_CHIP(b)	((b) & EV_NOCHIP)
#define EV_LEVEL(b)	((b) >> 5)

struct ui_events {
	uint8_t		*rec;		/* [n] chip and level, packed */
	uint32_t	*rows;		/* [nrows] records shown, in order */
	size_t		 n, nrows, caprows;
	unsigned	 present;	/* APP_HIDE() of every chip the trace has */
	int		 built;		/* rows are for level and hide below */
	enum detail	 level_of_rows;
	unsigned	 hide_of_rows;
};

static struct ui_events *
evlist_index(struct ui *u)
{
	struct ui_events *e = u->events;
	/* The records the view covers (a live trace grows between refreshes). */
	size_t n = view_steps(u->view) - 1;

	if (e == NULL) {
		if ((e = calloc(1, sizeof *e)) == NULL)
			return NULL;
		if ((e->rec = malloc(n + 1)) == NULL) {
			free(e);
			return NULL;
		}
		e->n = n;
		/*
		 * A frame's chip comes from its bytes, and each hop writes
		 * three or four records of it: read once per frame (memo,
		 * 0xfe while unknown, freed when the list is made).
		 */
		size_t nf = trace_frame_count(u->tr);
		uint8_t *memo = malloc(nf + 1);
		if (memo != NULL)
			memset(memo, 0xfe, nf + 1);
		/* Each record's level, from the view's lists (it asked detail.c once). */
		size_t nst, nms, ks = 0, km = 0;
		const uint32_t *st = view_level_list(u->view, DETAIL_STORY, &nst);
		const uint32_t *ms = view_level_list(u->view, DETAIL_MESSAGES,
		    &nms);
		for (size_t i = 0; i < n; i++) {
			const struct trace_rec r = trace_at(u->tr, i);
			int framed = memo != NULL && r.frame < nf &&
			    r.kind <= TR_FRAME_DROP;
			unsigned c;
			if (framed && memo[r.frame] != 0xfe)
				c = memo[r.frame] == 0xff ? EVTEXT_NOCHIP :
				    memo[r.frame];
			else {
				c = evtext_chip(u->sc, u->tr, i);
				if (framed)
					memo[r.frame] = c < 0xfe ? (uint8_t)c :
					    0xff;
			}
			if (c != EVTEXT_NOCHIP && c < 32)
				e->present |= APP_HIDE(c);
			/*
			 * A connection that failed is a turning point of the
			 * story (detail.c), not TCP's chatter: "TCP only"
			 * never hides it.
			 */
			if (r.kind == TR_TCP_ERROR || c >= EV_NOCHIP)
				c = EV_NOCHIP;
			/* The levels nest: the first that has it, from the story up. */
			int d = DETAIL_PACKETS;
			if (km < nms && ms[km] == i) {
				d = DETAIL_MESSAGES;
				km++;
			}
			if (ks < nst && st[ks] == i) {
				d = DETAIL_STORY;
				ks++;
			}
			e->rec[i] = (uint8_t)(c | (unsigned)d << 5);
		}
		free(memo);
		u->events = e;
	}
	if (!e->built || e->level_of_rows != u->app.level ||
	    e->hide_of_rows != u->app.hide) {
		/* Counted first, so that the rows take what they need. */
		size_t k = 0;
		for (int pass = 0; pass < 2; pass++) {
			k = 0;
			for (size_t i = 0; i < e->n; i++) {
				unsigned c = EV_CHIP(e->rec[i]);
				if ((unsigned)EV_LEVEL(e->rec[i]) > (unsigned)u->app.level ||
				    (c != EV_NOCHIP && (u->app.hide & APP_HIDE(c))))
					continue;
				if (pass == 1)
					e->rows[k] = (uint32_t)i;
				k++;
			}
			if (pass == 0 && k + 1 > e->caprows) {
				uint32_t *r = realloc(e->rows, (k + 1) *
				    sizeof *r);
				if (r == NULL) {
					e->nrows = 0;
					return e;
				}
				e->rows = r;
				e->caprows = k + 1;
			}
		}
		e->nrows = k;
		e->built = 1;
		e->level_of_rows = u->app.level;
		e->hide_of_rows = u->app.hide;
	}
	return e;
}

void
evlist_free(struct ui *u)
{
	if (u->events == NULL)
		return;
	free(u->events->rec);
	free(u->events->rows);
	free(u->events);
	u->events = NULL;
}

size_t
evlist_count(struct ui *u)
{
	struct ui_events *e = evlist_index(u);

	return e ? e->nrows : 0;
}

long
evlist_row(struct ui *u, size_t row)
{
	struct ui_events *e = evlist_index(u);

	return e && row < e->nrows ? (long)e->rows[row] : -1;
}

unsigned
evlist_present(struct ui *u)
{
	struct ui_events *e = evlist_index(u);

	return e ? e->present : 0;
}

int
evlist_hidden(struct ui *u, size_t rec)
{
	struct ui_events *e = evlist_index(u);

	if (e == NULL || rec >= e->n || EV_CHIP(e->rec[rec]) == EV_NOCHIP)
		return 0;
	return (u->app.hide & APP_HIDE(EV_CHIP(e->rec[rec]))) != 0;
}

/* How many rows are of records before rec (binary search). */
size_t
evlist_below(struct ui *u, size_t rec)
{
	struct ui_events *e = evlist_index(u);
	size_t lo = 0, hi = e ? e->nrows : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->rows[mid] < rec)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

