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

/* A tag shows a subject of at most this many bytes, whole (never cut). */
#define TAG_MAX		24

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
	ui_panel_begin(u, "whereis", &L->whereis);
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

/*
 * A tag of the message's subject where there is room (the label placer,
 * place.h): left of the envelope r, else right of it, over or under it;
 * none where nothing is free.
 */
static void
tag(struct ui *u, int msg, SDL_Rect r)
{
	const struct layout *L = &u->lay;
	int px = L->font_small, g = layout_px(L, 3);
	struct buf b = { 0 };
	int w, h;

	whereis_msg_name_cut(u->whereis, msg, ui_lang(u), 0, &b);
	if (b.len > TAG_MAX) {
		buf_free(&b);
		return;
	}
	text_size(u->text, FACE_SANS, px, (const char *)b.data, &w, &h);
	w += 4;
	int cy = r.y + r.h / 2, cx = r.x + r.w / 2;
	SDL_Rect cand[4] = {
		{ r.x - g - w, cy - h / 2, w, h },
		{ r.x + r.w + g, cy - h / 2, w, h },
		{ cx - w / 2, r.y - g - h, w, h },
		{ cx - w / 2, r.y + r.h + g, w, h },
	};
	int k = place_pick(&u->place, cand, 4, -1);
	if (k >= 0) {
		place_take(&u->place, cand[k]);
		draw_fill(u->r, cand[k], u->th->picture);
		text_draw(u->text, FACE_SANS, px, u->th->text, cand[k].x + 2,
		    cand[k].y, (const char *)b.data);
	}
	buf_free(&b);
}

/* The envelope's place: the first of n candidate centres free of labels; 0 when none. */
static int
envelope_at(struct ui *u, const int *cx, const int *cy, int n, int w,
    SDL_Rect *out)
{
	SDL_Rect cand[8];
	int h = w * 2 / 3;

	for (int i = 0; i < n && i < 8; i++)
		cand[i] = (SDL_Rect){ cx[i] - w / 2, cy[i] - h / 2, w, h };
	int k = -1;
	for (int i = 0; i < n && i < 8 && k < 0; i++)
		if (place_clear(&u->place, cand[i], 0, -1))
			k = i;
	if (k < 0)
		return 0;
	*out = cand[k];
	place_take(&u->place, cand[k]);
	return 1;
}

void
panel_whereis_marks(struct ui *u)
{
	const struct layout *L = &u->lay;
	SDL_Rect pic = ui_rect(&L->picture);
	const struct whereis_entry *e;
	int n = whereis_at(places(u), u->app.step, &e);
	int ew = layout_px(L, 20), gap = layout_px(L, 3);

	ui_panel_begin(u, "network", &L->picture);
	SDL_RenderSetClipRect(u->r, &pic);
	for (int i = 0; i < n; i++) {
		int seen = 0;

		if (!whereis_line_shows(e, n, i) || e[i].node < 0 ||
		    e[i].node >= u->sc->nnodes)
			continue;
		/*
		 * Once per message and place (two recipients in one queue);
		 * e is by message, so its places before i are just before it.
		 */
		for (int k = i - 1; k >= 0 && e[k].msg == e[i].msg &&
		    !seen; k--)
			if (e[k].node == e[i].node &&
			    e[k].kind == e[i].kind && e[k].peer == e[i].peer &&
			    whereis_line_shows(e, n, k))
				seen = 1;
		if (seen)
			continue;
		int a = e[i].node;
		SDL_Rect r;
		if (e[i].kind == WHERE_TRANSIT && e[i].peer >= 0 &&
		    e[i].peer < u->sc->nnodes) {
			/* Half-way: the message is between the two (or near it). */
			double ax = L->nx[a], ay = L->ny[a];
			double bx = L->nx[e[i].peer], by = L->ny[e[i].peer];
			static const double at[] = { 0.5, 0.4, 0.6, 0.3, 0.7 };
			int cx[5], cy[5];
			for (int k = 0; k < 5; k++) {
				cx[k] = (int)(ax + (bx - ax) * at[k]);
				cy[k] = (int)(ay + (by - ay) * at[k]) - ew / 2;
			}
			if (envelope_at(u, cx, cy, 5, ew * 5 / 4, &r)) {
				envelope(u, r.x + r.w / 2, r.y + r.h / 2, r.w);
				tag(u, e[i].msg, r);
			}
			continue;
		}
		if (e[i].kind != WHERE_QUEUE && e[i].kind != WHERE_MAILBOX &&
		    e[i].kind != WHERE_DEVICE && e[i].kind != WHERE_COMPOSED)
			continue;
		/* Left of the icon, one under another (the badges are on the right); else over it. */
		int cx[8], cy[8], ic = L->icon / 2;
		for (int k = 0; k < 4; k++) {
			cx[k] = (int)L->nx[a] - ic - gap - ew / 2;
			cy[k] = (int)L->ny[a] - ic + ew / 3 + k * (ew * 2 / 3 + gap);
			cx[k + 4] = (int)L->nx[a] - ic + ew / 2 + k * (ew + gap);
			cy[k + 4] = (int)L->ny[a] - ic - gap - ew / 3;
		}
		if (envelope_at(u, cx, cy, 8, ew, &r)) {
			envelope(u, r.x + r.w / 2, r.y + r.h / 2, r.w);
			tag(u, e[i].msg, r);
		}
	}
	SDL_RenderSetClipRect(u->r, NULL);
}
