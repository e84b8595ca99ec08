/*
 * layout.c: panel rectangles and node places (see layout.h).  Pure
 * arithmetic, so the same window size always gives the same picture.
 */
#include "layout.h"
#include "theme.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
lrect_has(const struct lrect *r, int x, int y)
{
	return x >= r->x && y >= r->y && x < r->x + r->w && y < r->y + r->h;
}

int
layout_px(const struct layout *l, double design)
{
	int v = (int)lround(design * l->s);

	return v < 1 ? 1 : v;
}

/*
 * Automatic places for nodes without x, y: columns by hop distance from
 * the first client (breadth-first over the links), rows in file order
 * within a column.  Nodes that cannot be reached go in a last column.
 */
static void
layout_auto(struct layout *l, const struct scenario *sc)
{
	int n = sc->nnodes, start = 0, maxd = 0;
	int *depth = malloc((size_t)n * sizeof *depth);
	int *queue = malloc((size_t)n * sizeof *queue);
	int *count = calloc((size_t)n + 1, sizeof *count);
	int *seen = calloc((size_t)n + 1, sizeof *seen);

	if (!depth || !queue || !count || !seen)
		goto out;
	for (int i = 0; i < n; i++) {
		depth[i] = -1;
		if (sc->nodes[i].kind == SC_CLIENT) {
			start = i;
			break;
		}
	}
	for (int i = 0; i < n; i++)
		depth[i] = -1;
	int qh = 0, qt = 0;
	depth[start] = 0;
	queue[qt++] = start;
	while (qh < qt) {
		int u = queue[qh++];
		for (int k = 0; k < sc->nlinks; k++) {
			int v = sc->links[k].a == u ? sc->links[k].b :
			    sc->links[k].b == u ? sc->links[k].a : -1;
			if (v >= 0 && depth[v] < 0) {
				depth[v] = depth[u] + 1;
				queue[qt++] = v;
			}
		}
	}
	for (int i = 0; i < n; i++)
		if (depth[i] > maxd)
			maxd = depth[i];
	for (int i = 0; i < n; i++) {
		if (depth[i] < 0)
			depth[i] = maxd + 1;
		count[depth[i]]++;
	}
	int cols = maxd + 1;
	for (int i = 0; i < n; i++)
		if (depth[i] > maxd)
			cols = maxd + 2;
	for (int i = 0; i < n; i++) {
		if (sc->nodes[i].has_xy)
			continue;
		int d = depth[i];
		l->fx[i] = cols == 1 ? 0.5 : 0.05 + 0.9 * d / (cols - 1);
		l->fy[i] = (seen[d] + 1.0) / (count[d] + 1.0);
		/*
		 * A crowded column zig-zags: every other node a little to the
		 * right, so that each has twice the height for its name.
		 */
		if (count[d] >= 4 && seen[d] % 2 == 1 && cols > 1)
			l->fx[i] += 0.45 * 0.9 / (cols - 1);
		seen[d]++;
	}
out:
	free(depth);
	free(queue);
	free(count);
	free(seen);
}

int
layout_init(struct layout *l, const struct scenario *sc)
{
	int n = sc->nnodes, need_auto = 0;

	memset(l, 0, sizeof *l);
	l->nnodes = n;
	l->fx = calloc((size_t)n + 1, sizeof *l->fx);
	l->fy = calloc((size_t)n + 1, sizeof *l->fy);
	l->nx = calloc((size_t)n + 1, sizeof *l->nx);
	l->ny = calloc((size_t)n + 1, sizeof *l->ny);
	if (!l->fx || !l->fy || !l->nx || !l->ny) {
		layout_free(l);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		l->fx[i] = sc->nodes[i].x;
		l->fy[i] = sc->nodes[i].y;
		if (!sc->nodes[i].has_xy)
			need_auto = 1;
	}
	if (need_auto)
		layout_auto(l, sc);
	return 0;
}

void
layout_free(struct layout *l)
{
	free(l->fx);
	free(l->fy);
	free(l->nx);
	free(l->ny);
	l->fx = l->fy = l->nx = l->ny = NULL;
}

static struct lrect
lr(int x, int y, int w, int h)
{
	struct lrect r = { x, y, w < 0 ? 0 : w, h < 0 ? 0 : h };

	return r;
}

/* A font size: the design size at the layout's scale, never below LAYOUT_MIN_PX. */
static int
layout_font(const struct layout *l, double design)
{
	int v = layout_px(l, design);

	return v < LAYOUT_MIN_PX ? LAYOUT_MIN_PX : v;
}

/* ---- presentation mode (issue 12, point 3) ---- */

/*
 * Presentation mode, for a projector: the picture over the whole width,
 * the narration under it, the timeline; no top bar, event list,
 * inspector, chips or "where the mail is" line.  The narration's letters
 * are 26 design px, 39 px at 1920x1080 (the back row of a classroom
 * reads 36 px there), and follow the window's size and --scale.
 */
static void
layout_present(struct layout *l, int w, int h)
{
	int tl = l->timeline.h, narr = layout_px(l, 150);

	if (narr > (h - tl) * 2 / 5)
		narr = (h - tl) * 2 / 5;
	l->font_narration = layout_px(l, THEME_FONT_NARRATION_PRESENT);
	l->top = lr(0, 0, w, 0);
	l->events = lr(0, 0, 0, 0);
	l->right = lr(w, 0, 0, 0);
	l->center = lr(0, 0, w, h - tl);
	l->legend = lr(0, 0, w, 0);
	l->whereis = lr(0, 0, w, 0);
	l->narration = lr(0, h - tl - narr, w, narr);
	l->picture = lr(0, 0, w, h - tl - narr);
}

/* ---- the usual layout ---- */

void
layout_compute(struct layout *l, int w, int h, double scale)
{
	double fit = fmin((double)w / THEME_DESIGN_W,
	    (double)h / THEME_DESIGN_H);

	if (scale <= 0)
		scale = 1;
	l->w = w;
	l->h = h;
	l->s = fit * pow(scale, 0.75);
	l->font_small = layout_font(l, THEME_FONT_SMALL);
	l->font_normal = layout_font(l, THEME_FONT_NORMAL);
	l->font_title = layout_font(l, THEME_FONT_TITLE);
	/* The narration grows with the window, and a little less with --scale. */
	l->font_narration = layout_font(l, THEME_FONT_NARRATION);
	if (scale > 1 && l->font_narration > l->font_small * 5 / 4) {
		int fn = (int)lround(fit * THEME_FONT_NARRATION);
		l->font_narration = fn > l->font_small * 5 / 4 ? fn :
		    l->font_small * 5 / 4;
	}
	/* The hex dump alone may stay smaller: it is read up close. */
	l->font_mono = layout_px(l, THEME_FONT_MONO);
	l->icon = layout_px(l, 44);

	/* Bars as tall as their text needs (fonts have a floor, the design does not). */
	double fs = (double)l->font_small / THEME_FONT_SMALL;
	double ft = (double)l->font_title / THEME_FONT_TITLE;
	int top = (int)lround(34 * ft), tl = (int)lround(54 * fs);
	int narr = (int)lround(118.0 * l->font_narration /
	    THEME_FONT_NARRATION);
	int leg = (int)lround(28 * fs), wh = (int)lround(22 * fs);
	int side_l = (int)lround(216 * fs), side_r = (int)lround(250 * fs);
	int tab = 2 * l->font_normal;

	if (side_l > w * 20 / 100)
		side_l = w * 20 / 100;
	if (side_r > w * 22 / 100)
		side_r = w * 22 / 100;
	/*
	 * The picture needs about 48 letters across to hold a row of names:
	 * fold the inspector to a tab first, then narrow the event list, then
	 * fold it too.
	 */
	int need = 48 * l->font_small;
	l->fold_right = l->fold_events = 0;
	if (w - side_l - side_r < need && !l->open_right) {
		l->fold_right = 1;
		side_r = tab;
	}
	if (w - side_l - side_r < need && side_l > w * 14 / 100)
		side_l = w * 14 / 100;
	if (w - side_l - side_r < need && side_l < 14 * l->font_small &&
	    !l->open_events) {
		l->fold_events = 1;
		side_l = tab;
	}
	l->top = lr(0, 0, w, top);
	l->timeline = lr(0, h - tl, w, tl);
	l->events = lr(0, top, side_l, h - top - tl);
	l->right = lr(w - side_r, top, side_r, h - top - tl);
	l->center = lr(side_l, top, w - side_l - side_r, h - top - tl);
	l->narration = lr(l->center.x, l->center.y + l->center.h - narr,
	    l->center.w, narr);
	l->legend = lr(l->center.x, l->center.y, l->center.w, leg);
	/* One line under the chips: where each message is now. */
	l->whereis = lr(l->center.x, l->center.y + leg, l->center.w, wh);
	l->picture = lr(l->center.x, l->center.y + leg + wh, l->center.w,
	    l->center.h - narr - leg - wh);
	if (l->present)
		layout_present(l, w, h);
	/* A what-if's comparison: under the picture, which keeps at least half. */
	int cmp = l->compare_lines > 0 ? l->compare_lines * l->font_small * 4 /
	    3 + layout_px(l, 12) : 0;
	if (cmp > l->picture.h / 2)
		cmp = l->picture.h / 2;
	l->picture.h -= cmp;
	l->compare = lr(l->picture.x, l->picture.y + l->picture.h,
	    l->picture.w, cmp);

	/* Icons no larger than the picture can hold (--scale makes text larger first). */
	if (l->icon > l->picture.h / 9)
		l->icon = l->picture.h / 9 > 16 ? l->picture.h / 9 : 16;
	if (l->icon > l->picture.w / 14)
		l->icon = l->picture.w / 14 > 16 ? l->picture.w / 14 : 16;
	/*
	 * Room around the nodes for icons and names: the label placer puts
	 * names under, over or beside their icon, so the margins hold an
	 * icon and a line or two, and node places scale with the picture.
	 */
	int lh = l->font_small * 6 / 5;
	double mx = fmin(l->icon / 2.0 + 5 * l->font_small, l->picture.w * 0.12);
	double mt = fmin(l->icon / 2.0 + lh + layout_px(l, 6),
	    l->picture.h * 0.12);
	double mb = fmin(l->icon / 2.0 + 2 * lh + layout_px(l, 6),
	    l->picture.h * 0.2);
	double pw = l->picture.w - 2 * mx, ph = l->picture.h - mt - mb;
	for (int i = 0; i < l->nnodes; i++) {
		l->nx[i] = l->picture.x + mx + l->fx[i] * (pw > 1 ? pw : 1);
		l->ny[i] = l->picture.y + mt + l->fy[i] * (ph > 1 ? ph : 1);
	}
}
