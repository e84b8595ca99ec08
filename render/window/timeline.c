/*
 * timeline.c: the bar at the bottom: play state and speed on the left,
 * the level of detail (a control of three parts, a click chooses), the
 * track of every step with the chapters marked and named, the
 * current step as a knob, and a "?" at each checkpoint's step (where
 * playback stops to ask a question); a click or a drag anywhere on the
 * track jumps.
 * The track counts steps, not time: a 20 s wait between two mails would
 * otherwise squeeze the whole story into a corner.
 */
#include "ui.h"

#include <math.h>
#include <stdio.h>

static const enum word tl_level_words[DETAIL_NLEVELS] = {
	[DETAIL_STORY] = W_LEVEL_STORY,
	[DETAIL_MESSAGES] = W_LEVEL_MESSAGES,
	[DETAIL_PACKETS] = W_LEVEL_PACKETS,
};

/*
 * The level control (detail.h): three labelled parts side by side, just
 * right of the play state and the speed (their widest words in the
 * language), centred in the bar's height; returns its right edge.
 */
static int
tl_levels(struct ui *u, SDL_Rect part[DETAIL_NLEVELS])
{
	const struct layout *L = &u->lay;
	int px = L->font_small, pad = layout_px(L, 10), in = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_BOLD, px);
	char sb[96];

	snprintf(sb, sizeof sb, "%s ×1/8", ui_word(u, W_SPEED));
	int w = text_width(u->text, FACE_SANS, px, sb);
	for (int i = 0; i < 2; i++) {
		int ww = text_width(u->text, FACE_BOLD, px,
		    ui_word(u, i ? W_PLAYING : W_PAUSED));
		if (ww > w)
			w = ww;
	}
	/* The play symbol (2 x 11), the words, as timeline_draw() places them. */
	int x = L->timeline.x + pad + 2 * layout_px(L, 11) + pad + w + pad;
	int h = lh + layout_px(L, 8);
	int y = L->timeline.y + (L->timeline.h - h) / 2;
	for (int d = 0; d < DETAIL_NLEVELS; d++) {
		int tw = text_width(u->text, FACE_BOLD, px,
		    ui_word(u, tl_level_words[d]));
		part[d] = (SDL_Rect){ x, y, tw + 2 * in, h };
		x += part[d].w;
	}
	return x;
}

/* The track: where steps are laid out, right of the level control. */
static SDL_Rect
tl_track(struct ui *u)
{
	const struct layout *L = &u->lay;
	SDL_Rect part[DETAIL_NLEVELS];
	int left = tl_levels(u, part) + layout_px(L, 20) - L->timeline.x;
	int right = layout_px(L, 20);
	SDL_Rect r = { L->timeline.x + left, L->timeline.y, L->timeline.w -
	    left - right, L->timeline.h };

	return r;
}

int
timeline_level_hit(struct ui *u, int x, int y)
{
	SDL_Rect part[DETAIL_NLEVELS];

	tl_levels(u, part);
	for (int d = 0; d < DETAIL_NLEVELS; d++)
		if (x >= part[d].x && x < part[d].x + part[d].w &&
		    y >= part[d].y && y < part[d].y + part[d].h)
			return d;
	return -1;
}

/* The level control: the current level on a dark part, the others on the track's grey. */
static void
tl_levels_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	SDL_Rect part[DETAIL_NLEVELS];
	int px = L->font_small;
	int lh = text_line_height(u->text, FACE_BOLD, px);

	int right = tl_levels(u, part);
	SDL_Rect all = { part[0].x, part[0].y, right - part[0].x, part[0].h };
	draw_round(u->r, all, all.h / 4, th->track);
	for (int d = 0; d < DETAIL_NLEVELS; d++) {
		const char *name = ui_word(u, tl_level_words[d]);
		int cx = part[d].x + part[d].w / 2, ty = part[d].y +
		    (part[d].h - lh) / 2;
		if ((int)u->app.level == d) {
			draw_round(u->r, part[d], part[d].h / 4, th->badge);
			text_draw_center(u->text, FACE_BOLD, px, th->badge_text,
			    cx, ty, name);
		} else
			text_draw_center(u->text, FACE_SANS, px, th->text, cx,
			    ty, name);
		/* A thin line between two parts that are not current. */
		if (d > 0 && (int)u->app.level != d &&
		    (int)u->app.level != d - 1)
			draw_fill(u->r, (SDL_Rect){ part[d].x, part[d].y +
			    part[d].h / 4, 1, part[d].h / 2 }, th->dim);
	}
}

static int
tl_x(struct ui *u, const SDL_Rect *tr, size_t step)
{
	size_t last = u->app.nsteps > 1 ? u->app.nsteps - 1 : 1;

	return tr->x + (int)lround((double)tr->w * (double)step / (double)last);
}

size_t
timeline_step_at(struct ui *u, int x)
{
	SDL_Rect tr = tl_track(u);
	size_t last = u->app.nsteps > 1 ? u->app.nsteps - 1 : 0;

	if (x <= tr.x || tr.w <= 0)
		return 0;
	if (x >= tr.x + tr.w)
		return last;
	return (size_t)lround((double)(x - tr.x) / tr.w * (double)last);
}

int
timeline_hit(struct ui *u, int x, int y)
{
	SDL_Rect tr = tl_track(u);
	int slack = layout_px(&u->lay, 8);

	return y >= u->lay.timeline.y && y < u->lay.timeline.y +
	    u->lay.timeline.h && x >= tr.x - slack && x < tr.x + tr.w + slack;
}

void
timeline_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	SDL_Rect bar = ui_rect(&L->timeline);
	SDL_Rect tr = tl_track(u);
	int px = L->font_small, pad = layout_px(L, 10);
	int lh = text_line_height(u->text, FACE_SANS, px);
	char buf[64];

	u->tl_track = tr;
	ui_panel_begin(u, "timeline", &L->timeline);
	draw_fill(u->r, bar, th->panel);
	draw_fill(u->r, (SDL_Rect){ bar.x, bar.y, bar.w, 1 }, th->edge);

	/* Play or pause symbol, then the speed. */
	int s = layout_px(L, 11), cx = bar.x + pad + s, cy = bar.y + bar.h / 2;
	if (u->app.playing) {
		draw_fill(u->r, (SDL_Rect){ cx - s, cy - s, s * 2 / 3, 2 * s },
		    th->text);
		draw_fill(u->r, (SDL_Rect){ cx + s / 3, cy - s, s * 2 / 3, 2 * s },
		    th->text);
	} else
		draw_triangle(u->r, cx - s, cy - s, cx + s, cy, cx - s, cy + s,
		    th->text);
	double sp = app_speeds[u->app.speed];
	if (sp >= 1)
		snprintf(buf, sizeof buf, "×%g", sp);
	else
		snprintf(buf, sizeof buf, "×1/%g", 1 / sp);
	int tx = cx + s + pad;
	text_draw(u->text, FACE_BOLD, px, th->text, tx, cy - lh,
	    ui_word(u, u->app.playing ? W_PLAYING : W_PAUSED));
	char sb[96];
	snprintf(sb, sizeof sb, "%s %s", ui_word(u, W_SPEED), buf);
	text_draw(u->text, FACE_SANS, px, th->dim, tx, cy, sb);
	tl_levels_draw(u);

	/* The track, the part played, the chapters, the knob. */
	int ty = bar.y + bar.h - layout_px(L, 16), th_h = layout_px(L, 8);
	SDL_Rect track = { tr.x, ty - th_h / 2, tr.w, th_h };
	draw_round(u->r, track, th_h / 2, th->track);
	int kx = tl_x(u, &tr, u->app.step);
	SDL_Rect done = { tr.x, track.y, kx - tr.x, th_h };
	if (done.w > 0)
		draw_round(u->r, done, th_h / 2, th->done);
	const struct view_chapter *ch;
	int nch = view_chapters(u->view, &ch), cur = -1;
	for (int i = 0; i < nch; i++)
		if (ch[i].step <= u->app.step)
			cur = i;
	/* The marks, then the names: the current chapter's first, then
	 * every other one that has room beside the names already there. */
	int spans[2 * 64], nspans = 0;
	for (int i = 0; i < nch; i++)
		draw_fill(u->r, (SDL_Rect){ tl_x(u, &tr, ch[i].step) - 1,
		    ty - th_h, 3, 2 * th_h }, th->text);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nch; i++) {
			if ((pass == 0) != (i == cur))
				continue;
			/* A question open: no chapter ahead is named ("Bounce" would tell). */
			if (u->app.quiz >= 0 && ch[i].step > u->app.step)
				continue;
			const char *name = words_chapter(ui_lang(u), ch[i].key);
			enum text_face f = i == cur ? FACE_BOLD : FACE_SANS;
			int w = text_width(u->text, f, px, name);
			int lx = tl_x(u, &tr, ch[i].step);
			if (lx + w > tr.x + tr.w)
				lx = tr.x + tr.w - w;
			int clear = 1;
			for (int k = 0; k < nspans && clear; k++)
				if (lx < spans[2 * k + 1] + pad / 2 &&
				    lx + w + pad / 2 > spans[2 * k])
					clear = 0;
			if (!clear)
				continue;
			text_draw(u->text, f, px, i == cur ? th->text : th->dim,
			    lx + 2, bar.y + layout_px(L, 4), name);
			if (nspans < 64) {
				spans[2 * nspans] = lx;
				spans[2 * nspans + 1] = lx + w;
				nspans++;
			}
		}
	/* The checkpoints: a "?" where playback will stop and ask. */
	int qr = layout_px(L, 8);
	for (int i = 0; i < u->app.ncps; i++) {
		if (u->cp_steps[i] == 0)
			continue;
		int qx = tl_x(u, &tr, u->cp_steps[i]);
		draw_disc(u->r, qx, ty, qr, th->select);
		text_draw_center(u->text, FACE_BOLD, px, th->select_text, qx,
		    ty - lh / 2, "?");
	}
	/* The what-if's forks: a small vermillion bar above the track. */
	for (int i = 0; i < whatif_count(u); i++) {
		int fx = tl_x(u, &tr, whatif_fork_step(u, i));
		draw_triangle(u->r, fx - qr / 2, ty - th_h - qr, fx + qr / 2,
		    ty - th_h - qr, fx, ty - th_h / 2, th->lost);
	}
	draw_disc(u->r, kx, ty, layout_px(L, 9), th->text);
	draw_disc(u->r, kx, ty, layout_px(L, 6), th->select);
}
