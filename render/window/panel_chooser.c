/*
 * panel_chooser.c: the lesson chooser (issue 12, point 4): the built-in
 * story and every bundled lesson (lessons.h), each on a card with its
 * title and one line of what it teaches (the scenario's "summary"), in
 * the window's language, over the whole window.  O or --chooser opens
 * it; arrows and Enter, or a click, open a lesson in the same window
 * (ui_load()); Esc or O goes back.  A file dropped on the window that
 * does not open shows its errors here, above the cards.
 *
 * Cards go in two columns where the window is wide enough (one at a
 * large --scale), in reading order; a list longer than the window
 * scrolls with the selection and the wheel.
 */
#include "ui.h"
#include "lessons.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#define CHOOSER_ERR_LINES	6

struct chooser_lay {
	int		 pad, gap;
	int		 px_head, px_hint, px_title, px_sum, px_name;
	int		 title_lines;	/* 1, or 2 where a title needs them */
	int		 y_head, y_hint, y_err, err_h;
	SDL_Rect	 area;		/* where the cards go */
	int		 cols, rows, rows_vis;
	int		 card_w, card_h;
};

struct lessons *
panel_chooser_list(struct ui *u)
{
	if (u->lessons == NULL)
		u->lessons = lessons_load();
	return u->lessons;
}

void
panel_chooser_free(struct ui *u)
{
	lessons_free(u->lessons);
	u->lessons = NULL;
	free(u->chooser_err);
	u->chooser_err = NULL;
}

/* The lesson lit: the one open now until the arrows move it. */
static int
chooser_sel(struct ui *u)
{
	struct lessons *l = panel_chooser_list(u);

	if (u->chooser_sel < 0 || u->chooser_sel >= l->n) {
		u->chooser_sel = 0;
		for (int i = 0; i < l->n; i++)
			if (u->name && strcmp(l->v[i].name, u->name) == 0)
				u->chooser_sel = i;
	}
	return u->chooser_sel;
}

/* The error text's lines (it may hold several, one a line), wrapped; at most max drawn. */
static int
chooser_err_lines(struct ui *u, int px, int x, int y, int w, int max,
    int flags)
{
	char *copy = strdup(u->chooser_err), *save = NULL;
	int n = 0, lh = text_line_height(u->text, FACE_SANS, px);

	for (char *s = strtok_r(copy, "\n", &save); s && n < max;
	    s = strtok_r(NULL, "\n", &save))
		n += text_wrap(u->text, FACE_SANS, px, u->th->lost, x,
		    y + n * lh, w, max - n, flags, s);
	free(copy);
	return n < max ? n : max;
}

/*
 * A title or a summary on one line: smaller letters where it is too
 * long, down to 5/6 of the size (never below the minimum sizes of the
 * window), and only then cut.
 */
static void
chooser_text(struct ui *u, enum text_face f, int px, SDL_Color col, int x,
    int y, int w, const char *s)
{
	int min = px * 5 / 6;

	while (px > min && text_width(u->text, f, px, s) > w)
		px--;
	text_draw_fit(u->text, f, px, col, x, y, w, s);
}

/* The sizes at the chooser's own scale cs (px per design px). */
static void
chooser_sizes(struct ui *u, struct chooser_lay *c, double cs)
{
	const struct layout *L = &u->lay;
	struct lessons *l = panel_chooser_list(u);

#define CPX(d)	((int)((d) * cs + 0.5) > 1 ? (int)((d) * cs + 0.5) : 1)
	c->pad = CPX(14);
	c->gap = CPX(4);
	c->px_head = CPX(22);
	c->px_hint = CPX(15);
	c->px_title = CPX(18);
	c->px_sum = CPX(15);
	c->px_name = CPX(14);
#undef CPX
	c->y_head = c->pad;
	c->y_hint = c->y_head + text_line_height(u->text, FACE_BOLD,
	    c->px_head) + c->gap / 2;
	int y = c->y_hint + text_line_height(u->text, FACE_SANS, c->px_hint) +
	    c->pad;
	if (u->chooser_err != NULL) {
		int lh = text_line_height(u->text, FACE_SANS, c->px_hint);
		int n = 1 + chooser_err_lines(u, c->px_hint, 0, 0, L->w -
		    4 * c->pad, CHOOSER_ERR_LINES, 0);
		c->y_err = y;
		c->err_h = n * lh + 2 * c->gap;
		y += c->err_h + c->gap;
	}
	c->area = (SDL_Rect){ c->pad, y, L->w - 2 * c->pad, L->h - y -
	    c->pad };
	/* Two columns where a card still has the width of a sentence. */
	c->cols = L->w / cs >= 900 ? 2 : 1;
	c->card_w = (c->area.w - (c->cols - 1) * c->gap) / c->cols;
	/* A title too long for one line takes two, on every card alike. */
	c->title_lines = 1;
	for (int i = 0; i < l->n; i++) {
		const char *t = l->v[i].sc ? sc_text_get(&l->v[i].sc->title,
		    ui_lang(u)) : l->v[i].name;
		if (text_width(u->text, FACE_BOLD, c->px_title * 5 / 6, t) >
		    c->card_w - 2 * c->pad)
			c->title_lines = 2;
	}
	c->card_h = 2 * c->gap + text_line_height(u->text, FACE_SANS,
	    c->px_name) + c->title_lines * text_line_height(u->text, FACE_BOLD,
	    c->px_title) + c->gap / 2 + text_line_height(u->text, FACE_SANS,
	    c->px_sum);
	c->rows = (l->n + c->cols - 1) / c->cols;
	c->rows_vis = (c->area.h + c->gap) / (c->card_h + c->gap);
	if (c->rows_vis < 1)
		c->rows_vis = 1;
}

/*
 * The largest letters with which every card fits the window, from a
 * third larger than the window's scale (a 4:3 projector has the room)
 * down to the window's scale, where the list scrolls instead.
 */
static void
chooser_layout(struct ui *u, struct chooser_lay *c)
{
	const struct layout *L = &u->lay;

	for (int k = 0; k <= 6; k++) {
		double cs = L->s * (1.3 - 0.05 * k);
		memset(c, 0, sizeof *c);
		chooser_sizes(u, c, k == 6 ? L->s : cs);
		if (c->rows_vis >= c->rows)
			break;
	}
	/* The first row shown: never past the last page. */
	int maxtop = c->rows > c->rows_vis ? c->rows - c->rows_vis : 0;
	if (u->chooser_top > maxtop)
		u->chooser_top = maxtop;
	if (u->chooser_top < 0)
		u->chooser_top = 0;
}

/* The card of lesson i, or an empty rectangle where it is scrolled away. */
static SDL_Rect
chooser_card(struct ui *u, const struct chooser_lay *c, int i)
{
	int row = i / c->cols - u->chooser_top, col = i % c->cols;

	if (row < 0 || row >= c->rows_vis)
		return (SDL_Rect){ 0, 0, 0, 0 };
	return (SDL_Rect){ c->area.x + col * (c->card_w + c->gap),
	    c->area.y + row * (c->card_h + c->gap), c->card_w, c->card_h };
}

int
panel_chooser_hit(struct ui *u, int x, int y)
{
	struct chooser_lay c;
	SDL_Point p = { x, y };
	struct lessons *l = panel_chooser_list(u);

	chooser_layout(u, &c);
	for (int i = 0; i < l->n; i++) {
		SDL_Rect r = chooser_card(u, &c, i);
		if (r.w > 0 && SDL_PointInRect(&p, &r))
			return i;
	}
	return -1;
}

int
panel_chooser_key(struct ui *u, SDL_Keycode sym)
{
	struct lessons *l = panel_chooser_list(u);
	struct chooser_lay c;
	int sel = chooser_sel(u);

	chooser_layout(u, &c);
	switch (sym) {
	case SDLK_UP:
		sel -= c.cols;
		break;
	case SDLK_DOWN:
		sel += c.cols;
		break;
	case SDLK_LEFT:
		sel--;
		break;
	case SDLK_RIGHT:
	case SDLK_TAB:
		sel++;
		break;
	case SDLK_PAGEUP:
		sel -= c.rows_vis * c.cols;
		break;
	case SDLK_PAGEDOWN:
		sel += c.rows_vis * c.cols;
		break;
	case SDLK_HOME:
		sel = 0;
		break;
	case SDLK_END:
		sel = l->n - 1;
		break;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
	case SDLK_SPACE:
		ui_open_lesson(u, sel);
		return 1;
	case SDLK_ESCAPE:
	case SDLK_o:
		u->app.chooser = 0;
		free(u->chooser_err);
		u->chooser_err = NULL;
		u->app.dirty = 1;
		return 1;
	default:
		return 0;
	}
	if (sel < 0)
		sel = 0;
	if (sel >= l->n)
		sel = l->n - 1;
	u->chooser_sel = sel;
	/* Keep the lit card in sight. */
	int row = sel / c.cols;
	if (row < u->chooser_top)
		u->chooser_top = row;
	if (row >= u->chooser_top + c.rows_vis)
		u->chooser_top = row - c.rows_vis + 1;
	u->app.dirty = 1;
	return 1;
}

void
panel_chooser_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	struct lessons *l = panel_chooser_list(u);
	struct text *t = u->text;
	struct chooser_lay c;
	int sel = chooser_sel(u);

	chooser_layout(u, &c);
	draw_fill(u->r, (SDL_Rect){ 0, 0, L->w, L->h }, th->bg);
	text_draw_fit(t, FACE_BOLD, c.px_head, th->text, c.pad, c.y_head,
	    L->w - 2 * c.pad, ui_word(u, W_CHOOSER));
	text_draw_fit(t, FACE_SANS, c.px_hint, th->dim, c.pad, c.y_hint,
	    L->w - 2 * c.pad, ui_word(u, W_CHOOSER_HINT));
	if (u->chooser_err != NULL) {
		SDL_Rect e = { c.pad, c.y_err, L->w - 2 * c.pad, c.err_h };
		int lh = text_line_height(t, FACE_SANS, c.px_hint);
		draw_fill(u->r, e, th->panel);
		draw_frame(u->r, e, layout_px(L, 2), th->lost);
		text_draw_fit(t, FACE_BOLD, c.px_hint, th->text, e.x + c.pad,
		    e.y + c.gap, e.w - 2 * c.pad, ui_word(u, W_CHOOSER_CANNOT));
		chooser_err_lines(u, c.px_hint, e.x + c.pad, e.y + c.gap + lh,
		    e.w - 2 * c.pad, CHOOSER_ERR_LINES, TEXT_DRAW);
	}
	for (int i = 0; i < l->n; i++) {
		const struct lesson *e = &l->v[i];
		SDL_Rect r = chooser_card(u, &c, i);
		char name[160];

		if (r.w == 0)
			continue;
		int now = u->name && strcmp(e->name, u->name) == 0;
		draw_fill(u->r, r, i == sel ? th->current : th->panel);
		draw_frame(u->r, r, i == sel ? layout_px(L, 3) : 1, i == sel ?
		    th->select : th->edge);
		int x = r.x + c.pad, w = r.w - 2 * c.pad, ty = r.y + c.gap;
		/* The name a teacher types (surel view NAME), small, on top. */
		snprintf(name, sizeof name, now ? "%s  ·  %s" : "%s", e->name,
		    ui_word(u, W_CHOOSER_NOW));
		text_draw_fit(t, now ? FACE_BOLD : FACE_SANS, c.px_name, th->dim,
		    x, ty, w, name);
		ty += text_line_height(t, FACE_SANS, c.px_name);
		const char *title = e->sc ? sc_text_get(&e->sc->title,
		    ui_lang(u)) : e->name;
		if (c.title_lines == 1)
			chooser_text(u, FACE_BOLD, c.px_title, th->text, x, ty, w,
			    title);
		else
			text_wrap(t, FACE_BOLD, c.px_title, th->text, x, ty, w, 2,
			    TEXT_DRAW, title);
		int nl = c.title_lines == 1 ? 1 : text_wrap(t, FACE_BOLD,
		    c.px_title, th->text, x, ty, w, 2, 0, title);
		ty += (nl < 2 ? 1 : 2) * text_line_height(t, FACE_BOLD,
		    c.px_title) + c.gap / 2;
		if (e->sc == NULL)
			chooser_text(u, FACE_SANS, c.px_sum, th->lost, x, ty, w,
			    ui_word(u, W_CHOOSER_BAD));
		else
			chooser_text(u, FACE_SANS, c.px_sum, th->text, x, ty, w,
			    sc_text_get(&e->sc->summary, ui_lang(u)));
	}
	/* More below or above: a mark at the edge of the list. */
	if (u->chooser_top + c.rows_vis < c.rows)
		text_draw_center(t, FACE_BOLD, c.px_sum, th->dim, L->w / 2,
		    L->h - text_line_height(t, FACE_BOLD, c.px_sum), "▼");
	if (u->chooser_top > 0)
		text_draw_center(t, FACE_BOLD, c.px_sum, th->dim, L->w / 2,
		    c.area.y - text_line_height(t, FACE_BOLD, c.px_sum), "▲");
}

/* ---- opening a lesson or a file in the window ---- */

int
ui_open_file(struct ui *u, const char *path)
{
	char *err = NULL;
	struct scenario *sc = lesson_load(path, &err);

	if (sc == NULL) {
		free(u->chooser_err);
		u->chooser_err = err;
		u->app.chooser = 1;
		u->app.dirty = 1;
		return -1;
	}
	char *name = lesson_name(path);
	ui_load(u, sc, name);
	free(name);
	return 0;
}

int
ui_open_lesson(struct ui *u, int i)
{
	struct lessons *l = panel_chooser_list(u);

	if (i < 0 || i >= l->n)
		return -1;
	if (l->v[i].sc == NULL) {
		free(u->chooser_err);
		u->chooser_err = strdup(l->v[i].err ? l->v[i].err :
		    l->v[i].name);
		u->app.dirty = 1;
		return -1;
	}
	char *err = NULL;
	struct scenario *sc = lesson_load(l->v[i].path, &err);
	if (sc == NULL) {
		free(u->chooser_err);
		u->chooser_err = err;
		u->app.dirty = 1;
		return -1;
	}
	ui_load(u, sc, l->v[i].name);
	return 0;
}
