/*
 * timeline.c: the bar at the bottom: play state and speed on the left,
 * the track of every step with the chapters marked and named, the
 * current step as a knob, and a "?" at each checkpoint's step (where
 * playback stops to ask a question); a click or a drag anywhere on the
 * track jumps.
 * The track counts steps, not time: a 20 s wait between two mails would
 * otherwise squeeze the whole story into a corner.
 */
#include "ui.h"

#include <math.h>
#include <stdio.h>

/* The track: where steps are laid out. */
static SDL_Rect
tl_track(struct ui *u)
{
	const struct layout *L = &u->lay;
	int left = layout_px(L, 150), right = layout_px(L, 20);
	SDL_Rect r = { L->timeline.x + left, L->timeline.y, L->timeline.w -
	    left - right, L->timeline.h };

	return r;
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
	draw_disc(u->r, kx, ty, layout_px(L, 9), th->text);
	draw_disc(u->r, kx, ty, layout_px(L, 6), th->select);
}
