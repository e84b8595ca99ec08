/*
 * panel_narration.c: what is happening at the current step, in one or
 * two large sentences under the picture, in the chosen language (L
 * switches it live).  The sentences come from narrate() and the
 * language files (sim/narrate.h, render/lang.h); step 0, before
 * anything happens, shows the scenario's title and description.
 */
#include "ui.h"
#include "narrate.h"

#include <stdio.h>
#include <string.h>

const char *
ui_narration(struct ui *u, size_t step, int lang, char *out, size_t n)
{
	if (lang < 0 || lang >= u->nlangs)
		lang = 0;
	const char *code = u->lang_code[lang];

	/* Before the first step: how to start (the story is in the right panel). */
	if (step == 0 || step > trace_count(u->tr)) {
		snprintf(out, n, "%s", words_get(code, W_START_HINT));
		return out;
	}
	struct buf b = { 0 };
	narrate(u->sim, u->lang[lang], u->fallback, step - 1, &b);
	snprintf(out, n, "%.*s", (int)b.len, b.data ? (const char *)b.data : "");
	buf_free(&b);
	return out;
}

/* The rectangle the sentence may use, and the font. */
static void
narration_box(struct ui *u, SDL_Rect *box, int *px, int *max_lines)
{
	const struct layout *L = &u->lay;
	int pad = layout_px(L, 10);
	int head = text_line_height(u->text, FACE_SANS, L->font_small);

	*px = L->font_narration;
	box->x = L->narration.x + pad;
	box->y = L->narration.y + layout_px(L, 4) + head + layout_px(L, 2);
	box->w = L->narration.w - 2 * pad;
	box->h = L->narration.y + L->narration.h - box->y - layout_px(L, 4);
	int lh = text_line_height(u->text, FACE_SANS, *px);
	*max_lines = box->h / lh;
	if (*max_lines < 1)
		*max_lines = 1;
}

/*
 * The font for a sentence: the large one where it fits, else one size
 * down, else the smallest; *lines is what it needs at that size.
 */
static void
narration_font(struct ui *u, const SDL_Rect *box, const char *s, int *px,
    int *lines, int *max_lines)
{
	const struct layout *L = &u->lay;
	int sizes[3] = { L->font_narration, L->font_normal, L->font_small };

	/* Presentation mode: never below 24 design px (36 at 1920x1080). */
	if (L->present)
		sizes[1] = sizes[2] = layout_px(L, 24);

	for (int i = 0; i < 3; i++) {
		int lh = text_line_height(u->text, FACE_SANS, sizes[i]);
		*px = sizes[i];
		*max_lines = box->h / lh > 0 ? box->h / lh : 1;
		*lines = text_wrap(u->text, FACE_SANS, *px, u->th->text, box->x,
		    box->y, box->w, 0, 0, s);
		if (*lines <= *max_lines)
			return;
	}
}

int
panel_narration_fits(struct ui *u, size_t step, int lang, int *lines,
    int *max_lines)
{
	char buf[2048];
	SDL_Rect box;
	int px;

	narration_box(u, &box, &px, max_lines);
	ui_narration(u, step, lang, buf, sizeof buf);
	narration_font(u, &box, buf, &px, lines, max_lines);
	return *lines <= *max_lines;
}

int
panel_narration_px(struct ui *u, size_t step, int lang)
{
	char buf[2048];
	SDL_Rect box;
	int px, lines, max_lines;

	narration_box(u, &box, &px, &max_lines);
	ui_narration(u, step, lang, buf, sizeof buf);
	narration_font(u, &box, buf, &px, &lines, &max_lines);
	return px;
}

/*
 * The step whose sentence the panel shows.  At story and messages: the
 * level's last step, while the records after it play; but a question's
 * own step is told as itself at any level (a lesson may ask about one
 * packet: its TTL, a loss).
 */
size_t
panel_narration_step(const struct ui *u)
{
	size_t said = view_level_at(u->view, u->app.level, u->app.step);

	for (int i = 0; i < u->app.ncps; i++)
		if (u->app.cp_step[i] == u->app.step && u->app.step > 0)
			said = u->app.step;
	return said;
}

const char *
panel_narration_score(struct ui *u, char *buf, size_t n)
{
	int right, asked;

	buf[0] = '\0';
	if (!app_score(&u->app, &right, &asked))
		return buf;
	snprintf(buf, n, ui_word(u, asked == 1 ? W_Q_SCORE_ONE : W_Q_SCORE),
	    right, asked);
	return buf;
}

void
panel_narration_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	char buf[2048], head[160];
	SDL_Rect box;
	int px, max_lines, lines;

	ui_panel_begin(u, "narration", &L->narration);
	draw_fill(u->r, ui_rect(&L->narration), th->panel);
	draw_frame(u->r, ui_rect(&L->narration), 1, th->edge);
	/* A heading: the step and the time, where the eye starts reading. */
	snprintf(head, sizeof head, "%s %zu %s %zu  ·  %.3f ms",
	    ui_word(u, W_STEP), u->app.step, ui_word(u, W_OF),
	    u->app.nsteps - 1, (double)view_step_time(u->view, u->app.step) /
	    1e6);
	text_draw(u->text, FACE_BOLD, L->font_small, th->dim,
	    L->narration.x + layout_px(L, 10), L->narration.y + layout_px(L, 4),
	    head);
	narration_box(u, &box, &px, &max_lines);
	/*
	 * The end of a lesson that asked: how many were answered right, on
	 * a band above the last sentence (issue 12: the class sees its
	 * score where it has been reading all along).
	 */
	int right, asked;
	if (app_score(&u->app, &right, &asked)) {
		char score[160];
		int sp = L->font_normal;
		int bh = text_line_height(u->text, FACE_BOLD, sp);
		panel_narration_score(u, score, sizeof score);
		int bw = text_width(u->text, FACE_BOLD, sp, score) +
		    layout_px(L, 16);
		if (bw > box.w)
			bw = box.w;
		draw_round(u->r, (SDL_Rect){ box.x, box.y, bw, bh },
		    layout_px(L, 4), right == asked ? th->right : th->select);
		text_draw_fit(u->text, FACE_BOLD, sp, right == asked ?
		    (SDL_Color){ 0, 0, 0, 255 } : th->select_text,
		    box.x + layout_px(L, 8), box.y, bw - layout_px(L, 16), score);
		box.y += bh + layout_px(L, 4);
		box.h -= bh + layout_px(L, 4);
	}
	ui_narration(u, panel_narration_step(u), u->app.lang, buf, sizeof buf);
	narration_font(u, &box, buf, &px, &lines, &max_lines);
	text_wrap(u->text, FACE_SANS, px, th->text, box.x, box.y, box.w,
	    max_lines, TEXT_DRAW, buf);
}
