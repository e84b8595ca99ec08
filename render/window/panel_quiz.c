/*
 * panel_quiz.c: a checkpoint's question (scenarios/README.md,
 * "Checkpoints"), drawn large on a card over the network picture while
 * playback waits; the narration under it still says what just happened.
 *
 *   Question 1 of 2 · What happens next? Guess before you watch.
 *   What will the recipient's server answer?          (large, bold)
 *   [A] 250 OK: the mail is accepted
 *   [B] 550: there is no such mailbox                 (one box a choice)
 *   Press the letter or its number ... · Esc: skip
 *
 * Once the student has answered, the right choice turns green with a
 * tick, a wrong choice taken turns vermillion with a cross (colour is
 * never the only sign), and the verdict and the explanation follow.
 * Everything is in the window's language, so L switches it live.  The
 * texts shrink together, step by step, until the card holds them.
 */
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Where each part of the card goes, for drawing and for clicks. */
struct quiz_lay {
	SDL_Rect	 card;
	int		 pad, gap;
	int		 px_head, px_q, px_c, px_x;	/* font sizes */
	int		 y_head, y_q, y_end;
	SDL_Rect	 box[SC_MAX_CHOICES];
	int		 chip;				/* the letter's square */
	int		 nbox;
	int		 height;			/* of the content */
	int		 room;				/* the card's inner height */
	double		 factor;			/* the texts' size, 1 = full */
};

static const char *quiz_text(struct ui *u, const struct sc_text *t);
static int	quiz_measure(struct ui *u, const struct sc_checkpoint *cp,
		    double f, struct quiz_lay *q, int answered);
static void	quiz_layout(struct ui *u, struct quiz_lay *q);
static void	quiz_head(struct ui *u, char *buf, size_t n);
static void	quiz_verdict(struct ui *u, const struct sc_checkpoint *cp,
		    char *buf, size_t n);

static const char *
quiz_text(struct ui *u, const struct sc_text *t)
{
	return sc_text_get(t, ui_lang(u));
}

/* "Question 1 of 2 · What happens next? Guess before you watch." */
static void
quiz_head(struct ui *u, char *buf, size_t n)
{
	int k = 1, of = 0;

	for (int i = 0; i < u->app.ncps; i++) {
		if (u->cp_steps[i] == 0)
			continue;
		of++;
		if (u->cp_steps[i] < u->cp_steps[u->app.quiz] ||
		    (u->cp_steps[i] == u->cp_steps[u->app.quiz] &&
		    i < u->app.quiz))
			k++;
	}
	snprintf(buf, n, "%s %d %s %d  ·  %s", ui_word(u, W_Q_QUESTION), k,
	    ui_word(u, W_OF), of, ui_word(u, W_Q_PREDICT));
}

/* "✓ Right!" or "✗ Not quite. The answer is B." */
static void
quiz_verdict(struct ui *u, const struct sc_checkpoint *cp, char *buf,
    size_t n)
{
	if (u->app.quiz_chosen == cp->answer)
		snprintf(buf, n, "✓ %s", ui_word(u, W_Q_RIGHT));
	else
		snprintf(buf, n, "✗ %s %s %c.", ui_word(u, W_Q_WRONG),
		    ui_word(u, W_Q_ANSWER_IS), 'A' + cp->answer);
}

/*
 * The card's content at font factor f, from y = 0: returns its height
 * and fills q's sizes and the choices' boxes (relative to the card's
 * top until quiz_layout() moves them).
 */
static int
quiz_measure(struct ui *u, const struct sc_checkpoint *cp, double f,
    struct quiz_lay *q, int answered)
{
	const struct layout *L = &u->lay;
	struct text *t = u->text;
	SDL_Color c = u->th->text;
	int w = q->card.w - 2 * q->pad, y = 0;
	char buf[512];

	q->px_head = L->font_small;
	q->px_q = (int)lround(L->font_narration * 1.3 * f);
	q->px_c = (int)lround(L->font_narration * 1.05 * f);
	q->px_x = (int)lround(L->font_narration * f);
	if (q->px_q < L->font_small)
		q->px_q = L->font_small;
	if (q->px_c < L->font_small)
		q->px_c = L->font_small;
	if (q->px_x < L->font_small)
		q->px_x = L->font_small;

	q->y_head = y;
	y += text_line_height(t, FACE_BOLD, q->px_head) + q->gap;
	q->y_q = y;
	y += text_wrap(t, FACE_BOLD, q->px_q, c, 0, 0, w, 0, 0,
	    quiz_text(u, &cp->question)) * text_line_height(t, FACE_BOLD,
	    q->px_q) + 2 * q->gap;

	int lh = text_line_height(t, FACE_SANS, q->px_c);
	q->chip = lh + q->gap;
	int tw = w - q->chip - 3 * q->gap;
	q->nbox = cp->nchoices;
	for (int i = 0; i < cp->nchoices; i++) {
		int lines = text_wrap(t, FACE_SANS, q->px_c, c, 0, 0, tw, 0, 0,
		    quiz_text(u, &cp->choices[i]));
		int h = (lines > 0 ? lines : 1) * lh + q->gap;
		if (h < q->chip + q->gap / 2)
			h = q->chip + q->gap / 2;
		q->box[i] = (SDL_Rect){ q->card.x + q->pad, y, w, h };
		y += h + q->gap;
	}
	y += q->gap;
	if (!answered) {
		y += text_line_height(t, FACE_SANS, q->px_head);
	} else {
		quiz_verdict(u, cp, buf, sizeof buf);
		y += text_line_height(t, FACE_BOLD, q->px_c) + q->gap;
		y += text_wrap(t, FACE_SANS, q->px_x, c, 0, 0, w, 0, 0,
		    quiz_text(u, &cp->explain)) * text_line_height(t,
		    FACE_SANS, q->px_x) + q->gap;
		y += text_line_height(t, FACE_BOLD, q->px_head);
	}
	q->height = y;
	return y;
}

/* The card over the picture and the factor at which everything fits. */
static void
quiz_layout(struct ui *u, struct quiz_lay *q)
{
	const struct layout *L = &u->lay;
	const struct sc_checkpoint *cp = &u->sc->checkpoints[u->app.quiz];
	static const double factors[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.5 };
	int answered = u->app.quiz_chosen >= 0;
	int m = layout_px(L, 10);

	memset(q, 0, sizeof *q);
	q->card = (SDL_Rect){ L->center.x + m, L->center.y + m,
	    L->center.w - 2 * m, L->center.h - L->narration.h - 2 * m };
	q->pad = layout_px(L, 18);
	q->gap = layout_px(L, 6);
	int room = q->card.h - 2 * q->pad;
	q->room = room;
	for (size_t i = 0; i < sizeof factors / sizeof factors[0]; i++) {
		q->factor = factors[i];
		if (quiz_measure(u, cp, factors[i], q, answered) <= room)
			break;
	}
	/* Centred in the card's height; the boxes move with the content. */
	int top = q->card.y + q->pad + (room > q->height ? (room - q->height) /
	    2 : 0);
	q->y_head += top;
	q->y_q += top;
	for (int i = 0; i < q->nbox; i++)
		q->box[i].y += top;
	q->y_end = q->nbox > 0 ? q->box[q->nbox - 1].y +
	    q->box[q->nbox - 1].h + 2 * q->gap : q->y_q;
}

int
panel_quiz_hit(struct ui *u, int x, int y)
{
	struct quiz_lay q;
	SDL_Point p = { x, y };

	if (u->app.quiz < 0)
		return -1;
	quiz_layout(u, &q);
	for (int i = 0; i < q.nbox; i++)
		if (SDL_PointInRect(&p, &q.box[i]))
			return i;
	return -1;
}

int
panel_quiz_fits(struct ui *u, double *factor, int *need, int *room)
{
	struct quiz_lay q;

	if (u->app.quiz < 0)
		return 1;
	quiz_layout(u, &q);
	*factor = q.factor;
	*need = q.height;
	*room = q.room;
	return q.height <= q.room;
}

int
panel_quiz_has(struct ui *u, int x, int y)
{
	struct quiz_lay q;
	SDL_Point p = { x, y };

	if (u->app.quiz < 0)
		return 0;
	quiz_layout(u, &q);
	return SDL_PointInRect(&p, &q.card);
}

void
panel_quiz_draw(struct ui *u)
{
	const struct theme *th = u->th;
	const struct sc_checkpoint *cp;
	struct text *t = u->text;
	struct quiz_lay q;
	SDL_Color black = { 0, 0, 0, 255 };
	char buf[512];

	if (u->app.quiz < 0 || u->app.quiz >= u->sc->ncheckpoints)
		return;
	cp = &u->sc->checkpoints[u->app.quiz];
	int answered = u->app.quiz_chosen >= 0;
	quiz_layout(u, &q);
	int x = q.card.x + q.pad, w = q.card.w - 2 * q.pad;

	/* The card, alone over the picture and its legend: a thick edge in the selection colour sets it apart. */
	const struct layout *L = &u->lay;
	draw_fill(u->r, (SDL_Rect){ L->center.x, L->center.y, L->center.w,
	    L->center.h - L->narration.h }, th->bg);
	ui_panel_begin_rect(u, "quiz", (SDL_Rect){ L->center.x, L->center.y,
	    L->center.w, L->center.h - L->narration.h });
	draw_fill(u->r, q.card, th->panel);
	draw_frame(u->r, q.card, layout_px(&u->lay, 3), th->select);

	quiz_head(u, buf, sizeof buf);
	text_draw_fit(t, FACE_BOLD, q.px_head, th->dim, x, q.y_head, w, buf);
	text_wrap(t, FACE_BOLD, q.px_q, th->text, x, q.y_q, w, 0, TEXT_DRAW,
	    quiz_text(u, &cp->question));

	int lh = text_line_height(t, FACE_SANS, q.px_c);
	for (int i = 0; i < q.nbox; i++) {
		SDL_Rect b = q.box[i];
		int right = answered && i == cp->answer;
		int wrong = answered && i == u->app.quiz_chosen && !right;
		SDL_Color fill = right ? th->right : wrong ? th->wrong :
		    th->picture;
		SDL_Color ink = right || wrong ? black : answered ? th->dim :
		    th->text;
		int r = layout_px(&u->lay, 6);

		draw_round(u->r, b, r, fill);
		if (!right && !wrong)
			draw_frame(u->r, b, 1, th->edge);
		/* The letter, in a dark square; a tick or a cross once answered. */
		SDL_Rect chip = { b.x + q.gap / 2, b.y + (b.h - q.chip) / 2,
		    q.chip, q.chip };
		draw_round(u->r, chip, r, right || wrong ? black : th->badge);
		char key[8];
		if (right)
			snprintf(key, sizeof key, "✓");
		else if (wrong)
			snprintf(key, sizeof key, "✗");
		else
			snprintf(key, sizeof key, "%c", 'A' + i);
		text_draw_center(t, FACE_BOLD, q.px_c, right ? th->right :
		    wrong ? th->wrong : th->badge_text, chip.x + chip.w / 2,
		    chip.y + (chip.h - lh) / 2, key);
		int tx = chip.x + chip.w + q.gap * 2;
		int lines = text_wrap(t, FACE_SANS, q.px_c, ink, 0, 0,
		    b.x + b.w - tx - q.gap, 0, 0, quiz_text(u, &cp->choices[i]));
		text_wrap(t, right ? FACE_BOLD : FACE_SANS, q.px_c, ink, tx,
		    b.y + (b.h - lines * lh) / 2, b.x + b.w - tx - q.gap, 0,
		    TEXT_DRAW, quiz_text(u, &cp->choices[i]));
	}

	int y = q.y_end;
	if (!answered) {
		snprintf(buf, sizeof buf, "%s   ·   %s", ui_word(u, W_Q_HINT),
		    ui_word(u, W_Q_SKIP));
		text_draw_fit(t, FACE_SANS, q.px_head, th->dim, x, y, w, buf);
		return;
	}
	/* The verdict on a coloured band, then why, then how to go on. */
	quiz_verdict(u, cp, buf, sizeof buf);
	int vh = text_line_height(t, FACE_BOLD, q.px_c);
	int vw = text_width(t, FACE_BOLD, q.px_c, buf) + 2 * q.gap;
	if (vw > w)
		vw = w;
	draw_round(u->r, (SDL_Rect){ x, y, vw, vh }, layout_px(&u->lay, 4),
	    u->app.quiz_chosen == cp->answer ? th->right : th->wrong);
	text_draw_fit(t, FACE_BOLD, q.px_c, black, x + q.gap, y, vw - q.gap,
	    buf);
	y += vh + q.gap;
	int xl = text_wrap(t, FACE_SANS, q.px_x, th->text, x, y, w, 0,
	    TEXT_DRAW, quiz_text(u, &cp->explain));
	y += xl * text_line_height(t, FACE_SANS, q.px_x) + q.gap;
	text_draw_fit(t, FACE_BOLD, q.px_head, th->text, x, y, w,
	    ui_word(u, W_Q_CONTINUE));
}
