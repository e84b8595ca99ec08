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

#include "evtext.h"

struct ui_events {
	uint8_t		*chip;		/* [n] the chip a filter hides it by, or EVTEXT_NOCHIP */
	uint8_t		*level;		/* [n] the lowest level it is a step of */
	uint32_t	*rows;		/* [nrows] records shown, in order */
	size_t		 n, nrows;
	unsigned	 present;	/* APP_HIDE() of every chip the trace has */
	int		 built;		/* rows are for level and hide below */
	enum detail	 level_of_rows;
	unsigned	 hide_of_rows;
};

static struct ui_events *
evlist_index(struct ui *u)
{
	struct ui_events *e = u->events;
	size_t n = trace_count(u->tr);

	if (e == NULL) {
		if ((e = calloc(1, sizeof *e)) == NULL)
			return NULL;
		e->chip = malloc(n + 1);
		e->level = malloc(n + 1);
		e->rows = malloc((n + 1) * sizeof *e->rows);
		if (e->chip == NULL || e->level == NULL || e->rows == NULL) {
			free(e->chip);
			free(e->level);
			free(e->rows);
			free(e);
			return NULL;
		}
		e->n = n;
		for (size_t i = 0; i < n; i++) {
			unsigned c = evtext_chip(u->sc, u->tr, i);
			if (c != EVTEXT_NOCHIP && c < 32)
				e->present |= APP_HIDE(c);
			/*
			 * A connection that failed is a turning point of the
			 * story (detail.c), not TCP's chatter: "TCP only"
			 * never hides it.
			 */
			if (trace_get(u->tr, i)->kind == TR_TCP_ERROR)
				c = EVTEXT_NOCHIP;
			e->chip[i] = (uint8_t)c;
			/* The levels nest: the first that has it, from the story up. */
			int d = DETAIL_STORY;
			while (d < DETAIL_PACKETS &&
			    !detail_has(u->tr, i, (enum detail)d))
				d++;
			e->level[i] = (uint8_t)d;
		}
		u->events = e;
	}
	if (!e->built || e->level_of_rows != u->app.level ||
	    e->hide_of_rows != u->app.hide) {
		e->nrows = 0;
		for (size_t i = 0; i < e->n; i++)
			if (e->level[i] <= u->app.level &&
			    !(e->chip[i] != EVTEXT_NOCHIP &&
			    (u->app.hide & APP_HIDE(e->chip[i]))))
				e->rows[e->nrows++] = (uint32_t)i;
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
	free(u->events->chip);
	free(u->events->level);
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

	if (e == NULL || rec >= e->n || e->chip[rec] == EVTEXT_NOCHIP)
		return 0;
	return (u->app.hide & APP_HIDE(e->chip[rec])) != 0;
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

