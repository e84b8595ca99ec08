/*
 * panel_whereis.c: where the mail is, at the current step (issue 11).
 *
 * One line under the protocol chips says it in words
 * (whereis_line.c: "Where the mail is: "Laporan bulan ini" in
 * mail.pengirimmail.com's queue"), and the picture marks it: a small
 * envelope beside each node that holds a message now (its queue, a
 * mailbox, a device, a mail not sent yet), and one half-way along the
 * way while the message is crossing, each with a tiny tag of its
 * subject where there is room.  The places come from
 * sim/explain/whereis.h, read once from the trace and asked again at
 * every step drawn, in any order.
 */
#include "ui.h"
#include "whereis.h"
#include "whereis_line.h"

#include <stdlib.h>
#include <string.h>

/* A tag shows at most this many bytes of a subject. */
#define TAG_MAX		14

static struct whereis *
places(struct ui *u)
{
	if (u->whereis == NULL)
		u->whereis = whereis_new(u->tr, u->sc);
	return u->whereis;
}

void
panel_whereis_free(struct ui *u)
{
	whereis_free(u->whereis);
	u->whereis = NULL;
}

void
panel_whereis_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	SDL_Rect rc = ui_rect(&L->whereis);
	int px = L->font_small, pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_SANS, px);
	int y = rc.y + (rc.h - lh) / 2, room = rc.w - 2 * pad;
	const char *lang = ui_lang(u);
	struct buf b = { 0 };

	if (rc.w <= 0 || rc.h <= 0)
		return;
	draw_fill(u->r, rc, th->panel);
	draw_frame(u->r, rc, 1, th->edge);
	/*
	 * The whole line where it fits, else shorter subjects, else without
	 * its heading (the places matter more than the words before them),
	 * else the last try cut with "…".
	 */
	static const struct {
		size_t	cut;
		int	head;
	} tries[] = { { 0, 1 }, { 24, 1 }, { 14, 1 }, { 0, 0 }, { 14, 0 },
	    { 8, 0 } };
	const char *head = words_get(lang, W_WH_HEAD);
	size_t hn = strlen(head), t;
	int hw = text_width(u->text, FACE_BOLD, px, head) + layout_px(L, 4);
	const char *rest = "";
	for (t = 0; t < sizeof tries / sizeof tries[0]; t++) {
		b.len = 0;
		whereis_line_cut(places(u), u->sc, u->app.step, lang,
		    tries[t].cut, &b);
		rest = (const char *)b.data;
		if (b.len > hn && strncmp(rest, head, hn) == 0)
			rest += hn + 1;
		if (text_width(u->text, FACE_SANS, px, rest) +
		    (tries[t].head ? hw : 0) <= room)
			break;
	}
	int x = rc.x + pad;
	if (t < sizeof tries / sizeof tries[0] && tries[t].head)
		x += text_draw(u->text, FACE_BOLD, px, th->text, x, y, head) +
		    layout_px(L, 4);
	text_draw_fit(u->text, FACE_SANS, px, th->text, x, y,
	    rc.x + rc.w - pad - x, rest);
	buf_free(&b);
}

/* An envelope w wide with its centre at cx, cy: a card and its flap. */
static void
envelope(struct ui *u, int cx, int cy, int w)
{
	const struct theme *th = u->th;
	int h = w * 2 / 3;
	SDL_Rect rc = { cx - w / 2, cy - h / 2, w, h };
	double lw = w >= 18 ? 2 : 1;

	/* The current row's yellow: it stands out from icons and packets. */
	draw_fill(u->r, rc, th->current);
	draw_frame(u->r, rc, lw > 1 ? 2 : 1, th->text);
	draw_line(u->r, rc.x, rc.y, cx, rc.y + h * 0.6, lw, th->text);
	draw_line(u->r, rc.x + rc.w - 1, rc.y, cx, rc.y + h * 0.6, lw,
	    th->text);
}

/* Where node i's icon, name and address are: a tag must not cover them. */
static SDL_Rect
node_area(struct ui *u, int i)
{
	const struct layout *L = &u->lay;
	int lh = text_line_height(u->text, FACE_SANS, L->font_small);
	int half = L->icon / 2 + layout_px(L, 40);

	return (SDL_Rect){ (int)L->nx[i] - half, (int)L->ny[i] - L->icon / 2,
	    2 * half, L->icon + 3 * lh };
}

/*
 * A tag of the message's subject where there is room: left of x (else,
 * where right is not -1, right of it), centred on cy.
 */
static void
tag(struct ui *u, int msg, int x, int right, int cy, const SDL_Rect *pic,
    int skip)
{
	const struct layout *L = &u->lay;
	int px = L->font_small;
	struct buf b = { 0 };
	int w, h;

	whereis_msg_name_cut(u->whereis, msg, ui_lang(u), TAG_MAX, &b);
	text_size(u->text, FACE_SANS, px, (const char *)b.data, &w, &h);
	for (int side = 0; side < 2; side++) {
		SDL_Rect rc = { side == 0 ? x - w - 6 : right + 2, cy - h / 2,
		    w + 4, h };
		int ok = rc.x >= pic->x && rc.y >= pic->y &&
		    rc.x + rc.w <= pic->x + pic->w &&
		    rc.y + rc.h <= pic->y + pic->h && (side == 0 || right >= 0);
		for (int j = 0; ok && j < u->sc->nnodes; j++) {
			SDL_Rect a = node_area(u, j);
			if (j != skip && SDL_HasIntersection(&rc, &a))
				ok = 0;
		}
		if (ok) {
			draw_fill(u->r, rc, u->th->picture);
			text_draw(u->text, FACE_SANS, px, u->th->text, rc.x + 2,
			    rc.y, (const char *)b.data);
			break;
		}
	}
	buf_free(&b);
}

void
panel_whereis_marks(struct ui *u)
{
	const struct layout *L = &u->lay;
	SDL_Rect pic = ui_rect(&L->picture);
	const struct whereis_entry *e;
	int n = whereis_at(places(u), u->app.step, &e);
	int ew = layout_px(L, 20), gap = layout_px(L, 3);
	int *stack = calloc((size_t)u->sc->nnodes, sizeof *stack);

	if (stack == NULL)
		return;
	SDL_RenderSetClipRect(u->r, &pic);
	for (int i = 0; i < n; i++) {
		int seen = 0;

		if (!whereis_line_shows(e, n, i) || e[i].node < 0 ||
		    e[i].node >= u->sc->nnodes)
			continue;
		/* Once per message and place (two recipients in one queue). */
		for (int k = 0; k < i; k++)
			if (e[k].msg == e[i].msg && e[k].node == e[i].node &&
			    e[k].kind == e[i].kind && e[k].peer == e[i].peer &&
			    whereis_line_shows(e, n, k))
				seen = 1;
		if (seen)
			continue;
		int a = e[i].node;
		if (e[i].kind == WHERE_TRANSIT && e[i].peer >= 0 &&
		    e[i].peer < u->sc->nnodes) {
			/* Half-way: the message is between the two. */
			int cx = (int)((L->nx[a] + L->nx[e[i].peer]) / 2);
			int cy = (int)((L->ny[a] + L->ny[e[i].peer]) / 2) -
			    ew / 2;
			envelope(u, cx, cy, ew * 5 / 4);
			tag(u, e[i].msg, cx - ew * 5 / 8, cx + ew * 5 / 8, cy,
			    &pic, -1);
			continue;
		}
		if (e[i].kind != WHERE_QUEUE && e[i].kind != WHERE_MAILBOX &&
		    e[i].kind != WHERE_DEVICE && e[i].kind != WHERE_COMPOSED)
			continue;
		/* Left of the icon, one under another (the badges are on the right). */
		int cx = (int)L->nx[a] - L->icon / 2 - gap - ew / 2;
		int cy = (int)L->ny[a] - L->icon / 2 + ew / 3 +
		    stack[a]++ * (ew * 2 / 3 + gap);
		envelope(u, cx, cy, ew);
		tag(u, e[i].msg, cx - ew / 2, -1, cy, &pic, a);
	}
	SDL_RenderSetClipRect(u->r, NULL);
	free(stack);
}
