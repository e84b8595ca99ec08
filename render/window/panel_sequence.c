/*
 * panel_sequence.c: the sequence diagram (Tab): one column per host
 * that speaks an application protocol, in the picture's left-to-right
 * order, and one arrow per application message up to the current step,
 * newest at the bottom, the current one lit.  Read like the message
 * sequence charts of the RFCs.
 */
#include "ui.h"
#include "evtext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A host and its x in the picture, sorted by x, then file order. */
struct seq_host {
	double	 fx;
	int	 node;
};

static int
seq_by_x(const void *a, const void *b)
{
	const struct seq_host *x = a, *y = b;

	if (x->fx != y->fx)
		return x->fx < y->fx ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * The hosts in the diagram: those that send or receive an application
 * message, in the picture's left-to-right order; u->seq_col[node] is a
 * host's column, or -1.  Made at the first picture of the scenario and
 * kept (a 100,000-message world has 2.7 million messages to read).
 */
static int
seq_hosts(struct ui *u)
{
	int nn = u->sc->nnodes;
	size_t napps;
	const uint32_t *apps = view_apps(u->view, &napps);

	if (u->seq_col != NULL)
		return u->seq_n;
	u->seq_col = malloc((size_t)(nn + 1) * sizeof *u->seq_col);
	u->seq_order = malloc((size_t)(nn + 1) * sizeof *u->seq_order);
	if (u->seq_col == NULL || u->seq_order == NULL) {
		free(u->seq_col);
		free(u->seq_order);
		u->seq_col = u->seq_order = NULL;
		return 0;
	}
	int *col = u->seq_col, *order = u->seq_order, n = 0;
	for (int i = 0; i < nn; i++)
		col[i] = -1;
	for (size_t k = 0; k < napps; k++) {
		const struct trace_rec r = trace_at(u->tr, apps[k]);
		int ends[2] = { r.node, r.peer };
		for (int j = 0; j < 2; j++)
			if (ends[j] >= 0 && ends[j] < nn && col[ends[j]] < 0)
				col[ends[j]] = 0;
	}
	struct seq_host *h = malloc((size_t)(nn + 1) * sizeof *h);
	if (h == NULL) {
		free(u->seq_col);
		free(u->seq_order);
		u->seq_col = u->seq_order = NULL;
		return 0;
	}
	for (int i = 0; i < nn; i++)
		if (col[i] >= 0)
			h[n++] = (struct seq_host){ u->lay.fx[i], i };
	qsort(h, (size_t)n, sizeof *h, seq_by_x);
	for (int i = 0; i < n; i++)
		col[order[i] = h[i].node] = i;
	free(h);
	return u->seq_n = n;
}

/*
 * The words over the arrow of application message rec, in the window's
 * language: a DNS message in our words (the transcript's are English);
 * a mail protocol's line as the wire has it, with what the transcript
 * describes instead of bytes (a message's content, a password) in the
 * language's words, as the event list writes it (evtext.c).
 */
void
panel_sequence_label(struct ui *u, size_t rec, char *buf, size_t n)
{
	const struct trace_rec r = trace_at(u->tr, rec);

	if (r.a == APP_DNS)
		words_dns_text(ui_lang(u), r.text ? trace_text_at(u->tr,
		    r.text) : "", buf, n);
	else
		evtext_summary(u->sc, u->tr, ui_lang(u), rec, buf, n);
	for (char *c = buf; *c; c++)
		if (*c == '\r' || *c == '\n')
			*c = ' ';
}

void
panel_sequence_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	SDL_Rect area = { L->center.x, L->center.y, L->center.w,
	    L->center.h - L->narration.h };
	int px = L->font_small, pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_SANS, px);
	int nn = u->sc->nnodes;
	size_t napps;
	const uint32_t *apps = view_apps(u->view, &napps);
	char buf[512];

	ui_panel_begin_rect(u, "sequence", area);
	draw_fill(u->r, area, th->picture);
	draw_frame(u->r, area, 1, th->edge);
	int nh = seq_hosts(u);
	const int *col = u->seq_col, *order = u->seq_order;
	text_draw(u->text, FACE_BOLD, L->font_normal, th->text, area.x + pad,
	    area.y + layout_px(L, 4), ui_word(u, W_SEQUENCE));
	if (nh == 0) {
		text_draw(u->text, FACE_SANS, px, th->dim, area.x + pad,
		    area.y + 3 * lh, ui_word(u, W_NO_MESSAGES));
		return;
	}
	int gutter = layout_px(L, 64);
	int x0 = area.x + gutter, x1 = area.x + area.w - layout_px(L, 50);
	int head_y = area.y + layout_px(L, 4) + text_line_height(u->text,
	    FACE_BOLD, L->font_normal) + layout_px(L, 4);
	/* Below the where-is line, drawn over this area's top (window.c). */
	SDL_Rect wl = ui_rect(&L->whereis);
	if (!u->app.present && wl.h > 0 && head_y < wl.y + wl.h + layout_px(L, 4))
		head_y = wl.y + wl.h + layout_px(L, 4);
	double dx = nh > 1 ? (double)(x1 - x0) / (nh - 1) : 0;
	int colw = nh > 1 ? (int)dx - pad : x1 - x0;
	if (colw > layout_px(L, 150))
		colw = layout_px(L, 150);
	/* Names on top, two lines at most. */
	for (int i = 0; i < nh; i++) {
		int cx = (int)lround(x0 + dx * i);
		text_wrap(u->text, FACE_BOLD, px, th->text, cx - colw / 2, head_y,
		    colw, 2, TEXT_DRAW | TEXT_CENTER, ui_node_name(u, order[i]));
	}
	int top = head_y + 2 * lh + pad, bottom = area.y + area.h - pad;
	for (int i = 0; i < nh; i++) {
		int cx = (int)lround(x0 + dx * i);
		draw_fill(u->r, (SDL_Rect){ cx - 1, top - pad / 2, 2,
		    bottom - top + pad / 2 }, th->track);
	}
	/* The messages up to the current step: as many as fit, newest last. */
	int row = lh * 2 - lh / 3;
	int fit = (bottom - top) / row;
	/* The index after the last message shown: the first at or after this step. */
	size_t last = 0, hi = napps;
	while (last < hi) {
		size_t mid = last + (hi - last) / 2;

		if (apps[mid] + 1 <= u->app.step)
			last = mid + 1;
		else
			hi = mid;
	}
	size_t first = last > (size_t)fit ? last - (size_t)fit : 0;
	if (first == last) {
		text_draw(u->text, FACE_SANS, px, th->dim, x0, top + lh,
		    ui_word(u, W_NO_MESSAGES));
		return;
	}
	for (size_t k = first; k < last; k++) {
		const struct trace_rec r = trace_at(u->tr, apps[k]);
		int y = top + (int)(k - first) * row;
		int cur = k + 1 == last && apps[k] + 1 == u->app.step;
		if (r.node < 0 || r.peer < 0 || r.node >= nn || r.peer >= nn)
			continue;
		int xa = (int)lround(x0 + dx * col[r.node]);
		int xb = (int)lround(x0 + dx * col[r.peer]);
		struct theme_proto pc = theme_proto((enum app_proto)r.a);
		int ay = y + lh + lh / 4;

		if (cur)
			draw_fill(u->r, (SDL_Rect){ area.x + 1, y, area.w - 2,
			    row }, th->current);
		snprintf(buf, sizeof buf, "%.1f", (double)r.t / 1e6);
		text_draw(u->text, FACE_SANS, px, th->dim, area.x + pad / 2, y +
		    lh / 2, buf);
		/* The arrow, in the protocol's colour, outlined for contrast. */
		int dir = xb >= xa ? 1 : -1, ah = layout_px(L, 7);
		draw_line(u->r, xa, ay, xb - dir * ah, ay, layout_px(L, 5),
		    th->text);
		draw_line(u->r, xa, ay, xb - dir * ah, ay, layout_px(L, 3),
		    pc.fill);
		draw_triangle(u->r, xb, ay, xb - dir * ah * 1.6, ay - ah,
		    xb - dir * ah * 1.6, ay + ah, th->text);
		/* The label above the arrow: protocol, then the message. */
		const char *pname = app_proto_name((enum app_proto)r.a);
		int lx = (xa < xb ? xa : xb) + pad / 2;
		int span = abs(xb - xa) - pad;
		if (span < layout_px(L, 260))
			span = layout_px(L, 260);
		if (lx + span > area.x + area.w - pad)
			lx = area.x + area.w - pad - span;
		int w = text_width(u->text, FACE_BOLD, px, pname) + pad;
		SDL_Rect chip = { lx, y, w, lh };
		draw_round(u->r, chip, lh / 4, pc.fill);
		text_draw_center(u->text, FACE_BOLD, px, pc.ink, lx + w / 2, y,
		    pname);
		panel_sequence_label(u, apps[k], buf, sizeof buf);
		text_draw_fit(u->text, cur ? FACE_BOLD : FACE_SANS, px, th->text,
		    lx + w + pad / 2, y, span - w - pad / 2, buf);
	}
}
