/*
 * panel_events.c: the event list: one row per step (trace record) of the
 * current level of detail, with its time, who to whom (the names the
 * picture shows), the protocol and a summary in words (evtext.c); the
 * current step is lit and kept in the middle; a click jumps to a row's
 * step.  The protocol filters (struct app's hide) take rows out.
 */
#include "ui.h"

#include <stdio.h>
#include <string.h>

#include "evtext.h"

int
panel_events_chip(struct ui *u, size_t rec, enum app_proto *p)
{
	unsigned c;

	if (rec >= trace_count(u->tr))
		return 0;
	c = evtext_chip(u->sc, u->tr, rec);
	if (c == EVTEXT_NOCHIP)
		return 0;
	*p = (enum app_proto)c;
	return 1;
}

/* Who, by the names the picture shows under the icons (ui_node_name). */
void
panel_events_who(struct ui *u, size_t rec, char *buf, size_t n)
{
	const struct trace_rec r = trace_at(u->tr, rec);
	int from, to;

	ui_record_ends(u, &r, &from, &to);
	if (from >= 0 && to >= 0 && r.kind != TR_TCP_STATE &&
	    r.kind != TR_STATE)
		snprintf(buf, n, "%s → %s", ui_node_name(u, from),
		    ui_node_name(u, to));
	else
		snprintf(buf, n, "%s", ui_node_name(u, from >= 0 ? from : to));
}

void
panel_events_summary(struct ui *u, size_t rec, char *buf, size_t n)
{
	evtext_summary(u->sc, u->tr, ui_lang(u), rec, buf, n);
}

/*
 * The rows the list may show: all of them, but while a question is open
 * only those up to its step, so that the list does not tell what comes
 * after it (issue 12: the class must predict before it sees).
 */
static long
events_shown(struct ui *u)
{
	if (u->app.quiz >= 0)
		return (long)evlist_below(u, u->app.step);
	return (long)evlist_count(u);
}

/*
 * Rows: the height of one, how many fit, and which row (an index into
 * the rows shown) comes first.
 */
static void
events_rows(struct ui *u, int *row_h, int *top, int *nrows, long *first)
{
	const struct layout *L = &u->lay;
	int lh = text_line_height(u->text, FACE_SANS, L->font_small);
	long n = events_shown(u);

	*row_h = 2 * lh + layout_px(L, 6);
	*top = L->events.y + text_line_height(u->text, FACE_BOLD,
	    L->font_normal) + layout_px(L, 10);
	*nrows = (L->events.y + L->events.h - *top) / *row_h;
	if (*nrows < 1)
		*nrows = 1;
	/*
	 * The current step's row in the middle (record step-1; step 0 has
	 * none); where that record is not listed, the last row before it.
	 */
	long cur = u->app.step > 0 ? (long)evlist_below(u, u->app.step) - 1 :
	    -1;
	long f = cur - *nrows / 2 + u->app.scroll_events;
	if (f > n - *nrows)
		f = n - *nrows;
	if (f < 0)
		f = 0;
	*first = f;
}

long
panel_events_hit(struct ui *u, int x, int y)
{
	int row_h, top, nrows;
	long first, rec;

	(void)x;
	events_rows(u, &row_h, &top, &nrows, &first);
	if (y < top || (y - top) / row_h >= nrows ||
	    first + (y - top) / row_h >= events_shown(u))
		return -1;
	rec = evlist_row(u, (size_t)(first + (y - top) / row_h));
	return rec < 0 ? -1 : rec + 1;		/* the step just after the record */
}

void
panel_events_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	int row_h, top, nrows, px = L->font_small;
	long first;
	char head[160], buf[512], when[48];
	size_t shown = evlist_count(u);

	ui_panel_begin(u, "events", &L->events);

	/* How many rows of how many steps: the level or a filter leaves some out. */
	if (shown < trace_count(u->tr))
		snprintf(head, sizeof head, "%s (%zu/%zu) · ms",
		    ui_word(u, W_EVENTS), shown, trace_count(u->tr));
	else
		snprintf(head, sizeof head, "%s (%zu) · ms", ui_word(u,
		    W_EVENTS), trace_count(u->tr));
	draw_panel(u, &L->events, head);
	events_rows(u, &row_h, &top, &nrows, &first);
	int pad = layout_px(L, 8), lh = text_line_height(u->text, FACE_SANS, px);
	SDL_Rect clip = { L->events.x + 1, top, L->events.w - 2,
	    L->events.y + L->events.h - top - 1 };
	SDL_RenderSetClipRect(u->r, &clip);
	long limit = events_shown(u);
	for (int k = 0; k < nrows && first + k < limit; k++) {
		long i = evlist_row(u, (size_t)(first + k));
		if (i < 0)
			break;
		const struct trace_rec r = trace_at(u->tr, (size_t)i);
		int y = top + k * row_h;
		int cur = (size_t)i + 1 == u->app.step;
		int x = L->events.x + pad, right = L->events.x + L->events.w - pad;

		if (cur)
			draw_fill(u->r, (SDL_Rect){ L->events.x + 1, y,
			    L->events.w - 2, row_h }, th->current);
		else if (k > 0)
			draw_fill(u->r, (SDL_Rect){ L->events.x + pad, y,
			    L->events.w - 2 * pad, 1 }, th->track);
		y += layout_px(L, 3);
		/* Time in milliseconds, with microseconds. */
		snprintf(when, sizeof when, "%.3f", (double)r.t / 1e6);
		x += text_draw(u->text, cur ? FACE_BOLD : FACE_SANS, px, th->text,
		    x, y, when) + pad;
		/* The protocol chip on the right. */
		enum app_proto p;
		if (panel_events_chip(u, (size_t)i, &p)) {
			struct theme_proto pc = theme_proto(p);
			const char *name = p == APP_NONE ? "TCP" : app_proto_name(p);
			if (r.kind == TR_FRAME_DROP) {
				pc.fill = th->lost;
				pc.ink = th->badge_text;
			}
			int w = text_width(u->text, FACE_BOLD, px, name) + pad;
			SDL_Rect chip = { right - w, y, w, lh };
			draw_round(u->r, chip, lh / 4, pc.fill);
			text_draw_center(u->text, FACE_BOLD, px, pc.ink,
			    chip.x + w / 2, y, name);
			right -= w + pad / 2;
		}
		panel_events_who(u, (size_t)i, buf, sizeof buf);
		text_draw_fit(u->text, cur ? FACE_BOLD : FACE_SANS, px, th->text,
		    x, y, right - x, buf);
		panel_events_summary(u, (size_t)i, buf, sizeof buf);
		text_draw_fit(u->text, FACE_SANS, px, cur ? th->text : th->dim,
		    L->events.x + pad, y + lh, L->events.w - 2 * pad, buf);
	}
	SDL_RenderSetClipRect(u->r, NULL);
}
