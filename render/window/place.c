/*
 * place.c: the label placer (see place.h).  Boxes and lines are kept
 * in plain lists, and indexed by a grid of PLACE_CELL-pixel cells: a
 * crowded picture places thousands of boxes, and testing each candidate
 * against every box placed before it grew as their square.  A test
 * gives the same answer either way (only whether anything meets the
 * candidate), so the pictures do not change.
 */
#include "place.h"

#include <math.h>
#include <stdlib.h>

void
place_reset(struct place *p, SDL_Rect area)
{
	p->area = area;
	p->nbox = 0;
	p->nseg = 0;
	p->nent = 0;
	p->gw = area.w > 0 ? (area.w + PLACE_CELL - 1) / PLACE_CELL : 1;
	p->gh = area.h > 0 ? (area.h + PLACE_CELL - 1) / PLACE_CELL : 1;
	if (p->gw * p->gh > p->cellcap) {
		int *c = realloc(p->cell, (size_t)(p->gw * p->gh) * sizeof *c);
		if (c == NULL) {
			p->gw = p->gh = 0;
			return;
		}
		p->cell = c;
		p->cellcap = p->gw * p->gh;
	}
	for (int i = 0; i < p->gw * p->gh; i++)
		p->cell[i] = -1;
}

/*
 * The cells a rectangle covers, clamped to the grid: a box beyond the
 * edge lands in the edge cells, where every box that could meet it
 * looks.  Returns 0 when there is no grid.
 */
static int
place_cells(const struct place *p, SDL_Rect r, int *cx0, int *cy0, int *cx1,
    int *cy1)
{
	if (p->gw <= 0 || p->gh <= 0)
		return 0;
	int x0 = (r.x - p->area.x) / PLACE_CELL, y0 = (r.y - p->area.y) /
	    PLACE_CELL;
	int x1 = (r.x + r.w - 1 - p->area.x) / PLACE_CELL;
	int y1 = (r.y + r.h - 1 - p->area.y) / PLACE_CELL;
	/* Division rounds towards zero: left of the area is cell 0 anyway. */
	*cx0 = x0 < 0 ? 0 : x0 >= p->gw ? p->gw - 1 : x0;
	*cy0 = y0 < 0 ? 0 : y0 >= p->gh ? p->gh - 1 : y0;
	*cx1 = x1 < 0 ? 0 : x1 >= p->gw ? p->gw - 1 : x1;
	*cy1 = y1 < 0 ? 0 : y1 >= p->gh ? p->gh - 1 : y1;
	return 1;
}

static void
place_add(struct place *p, int cell, int what)
{
	if (p->nent == p->entcap) {
		int cap = p->entcap ? 2 * p->entcap : 256;
		struct place_ent *e = realloc(p->ent, (size_t)cap * sizeof *e);
		if (e == NULL)
			return;
		p->ent = e;
		p->entcap = cap;
	}
	p->ent[p->nent] = (struct place_ent){ what, p->cell[cell] };
	p->cell[cell] = p->nent++;
}

static void
place_index_box(struct place *p, int i)
{
	int x0, y0, x1, y1;
	SDL_Rect r = p->box[i];

	if (r.w <= 0 || r.h <= 0 || !place_cells(p, r, &x0, &y0, &x1, &y1))
		return;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++)
			place_add(p, y * p->gw + x, i);
}

void
place_free(struct place *p)
{
	free(p->box);
	free(p->seg);
	free(p->cell);
	free(p->ent);
	p->box = NULL;
	p->seg = NULL;
	p->cell = NULL;
	p->ent = NULL;
	p->nbox = p->boxcap = p->nseg = p->segcap = 0;
	p->gw = p->gh = p->cellcap = p->nent = p->entcap = 0;
}

void
place_take(struct place *p, SDL_Rect r)
{
	if (r.w <= 0 || r.h <= 0)
		return;
	if (p->nbox == p->boxcap) {
		int cap = p->boxcap ? 2 * p->boxcap : 64;
		SDL_Rect *b = realloc(p->box, (size_t)cap * sizeof *b);
		if (b == NULL)
			return;
		p->box = b;
		p->boxcap = cap;
	}
	p->box[p->nbox] = r;
	place_index_box(p, p->nbox++);
}

void
place_set(struct place *p, int i, SDL_Rect r)
{
	if (i < 0 || i >= p->nbox)
		return;
	p->box[i] = r;
	/* The old cells keep it listed: they test its new rectangle, harmlessly. */
	place_index_box(p, i);
}

static int	place_seg_hits(const struct place_seg *, SDL_Rect);

/* A line in the cells it crosses (each cell tested, a pixel wider). */
static void
place_index_seg(struct place *p, int i)
{
	const struct place_seg *s = &p->seg[i];
	int x0, y0, x1, y1;
	SDL_Rect bb = { (int)floor(fmin(s->x0, s->x1)) - 1,
	    (int)floor(fmin(s->y0, s->y1)) - 1, 0, 0 };

	bb.w = (int)ceil(fmax(s->x0, s->x1)) + 2 - bb.x;
	bb.h = (int)ceil(fmax(s->y0, s->y1)) + 2 - bb.y;
	if (!place_cells(p, bb, &x0, &y0, &x1, &y1))
		return;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			SDL_Rect c = { p->area.x + x * PLACE_CELL - 1,
			    p->area.y + y * PLACE_CELL - 1, PLACE_CELL + 2,
			    PLACE_CELL + 2 };
			/* Edge cells also hold what lies beyond the edge. */
			if (x == 0)
				c.x -= 1 << 20, c.w += 1 << 20;
			if (y == 0)
				c.y -= 1 << 20, c.h += 1 << 20;
			if (x == p->gw - 1)
				c.w += 1 << 20;
			if (y == p->gh - 1)
				c.h += 1 << 20;
			if (place_seg_hits(s, c))
				place_add(p, y * p->gw + x, -1 - i);
		}
}

void
place_line(struct place *p, double x0, double y0, double x1, double y1,
    double w, int id)
{
	(void)w;
	if (p->nseg == p->segcap) {
		int cap = p->segcap ? 2 * p->segcap : 32;
		struct place_seg *s = realloc(p->seg, (size_t)cap * sizeof *s);
		if (s == NULL)
			return;
		p->seg = s;
		p->segcap = cap;
	}
	p->seg[p->nseg] = (struct place_seg){ x0, y0, x1, y1, id };
	place_index_seg(p, p->nseg++);
}

/* Liang-Barsky: whether the segment meets the rectangle. */
static int
place_seg_hits(const struct place_seg *s, SDL_Rect r)
{
	double dx = s->x1 - s->x0, dy = s->y1 - s->y0, t0 = 0, t1 = 1;
	double pk[4] = { -dx, dx, -dy, dy };
	double qk[4] = { s->x0 - r.x, r.x + r.w - s->x0, s->y0 - r.y,
	    r.y + r.h - s->y0 };

	for (int i = 0; i < 4; i++) {
		if (fabs(pk[i]) < 1e-9) {
			if (qk[i] < 0)
				return 0;
			continue;
		}
		double t = qk[i] / pk[i];
		if (pk[i] < 0) {
			if (t > t1)
				return 0;
			if (t > t0)
				t0 = t;
		} else {
			if (t < t0)
				return 0;
			if (t < t1)
				t1 = t;
		}
	}
	return t0 <= t1;
}

int
place_clear(const struct place *p, SDL_Rect r, int lines, int own)
{
	if (r.x < p->area.x || r.y < p->area.y ||
	    r.x + r.w > p->area.x + p->area.w ||
	    r.y + r.h > p->area.y + p->area.h)
		return 0;
	/*
	 * A little air on either side: two labels that only touch read as
	 * one ("Tulang punggung internetISP penerima").
	 */
	SDL_Rect g = { r.x - PLACE_GAP, r.y, r.w + 2 * PLACE_GAP, r.h };
	int x0, y0, x1, y1;
	if (!place_cells(p, g, &x0, &y0, &x1, &y1)) {
		for (int i = 0; i < p->nbox; i++)
			if (SDL_HasIntersection(&g, &p->box[i]))
				return 0;
		for (int i = 0; lines && i < p->nseg; i++)
			if (p->seg[i].id != own && place_seg_hits(&p->seg[i], r))
				return 0;
		return 1;
	}
	/* r lies inside g: the cells of g hold every line that meets r. */
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++)
			for (int e = p->cell[y * p->gw + x]; e >= 0;
			    e = p->ent[e].next) {
				int w = p->ent[e].what;
				if (w >= 0) {
					if (SDL_HasIntersection(&g, &p->box[w]))
						return 0;
				} else if (lines && p->seg[-1 - w].id != own &&
				    place_seg_hits(&p->seg[-1 - w], r))
					return 0;
			}
	return 1;
}

int
place_pick(const struct place *p, const SDL_Rect *cand, int n, int own)
{
	for (int i = 0; i < n; i++)
		if (place_clear(p, cand[i], 1, own))
			return i;
	for (int i = 0; i < n; i++)
		if (place_clear(p, cand[i], 0, own))
			return i;
	return -1;
}

int
place_pick_any(const struct place *p, const SDL_Rect *cand, int n)
{
	for (int i = 0; i < n; i++)
		if (place_clear(p, cand[i], 0, -1))
			return i;
	return -1;
}
