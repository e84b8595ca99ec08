/*
 * place.c: the label placer (see place.h).  A frame places a few
 * hundred boxes at most against as many others: plain lists and
 * pairwise tests are fast enough.
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
}

void
place_free(struct place *p)
{
	free(p->box);
	free(p->seg);
	p->box = NULL;
	p->seg = NULL;
	p->nbox = p->boxcap = p->nseg = p->segcap = 0;
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
	p->box[p->nbox++] = r;
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
	p->seg[p->nseg++] = (struct place_seg){ x0, y0, x1, y1, id };
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
	for (int i = 0; i < p->nbox; i++)
		if (SDL_HasIntersection(&g, &p->box[i]))
			return 0;
	for (int i = 0; lines && i < p->nseg; i++)
		if (p->seg[i].id != own && place_seg_hits(&p->seg[i], r))
			return 0;
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
