/*
 * place.h: the label placer of the network picture (issue 12).
 *
 * Everything written on the picture is a box: node names and addresses,
 * badges, link latencies, packet tags, the where-is envelopes and their
 * tags, the lost marks.  Boxes are placed greedily in the order of what
 * matters most (names, then addresses, badges, link labels, tags): each
 * takes the first of its candidate places, around its anchor, that
 * overlaps no box already placed and no icon, crosses no link line and
 * stays inside the picture.  Where only a line is in the way, the first
 * place clear of boxes and icons will do; where nothing fits, the caller
 * shortens or merges its text rather than overlap.  No randomness: the
 * same picture always gives the same places (screenshots are compared
 * byte for byte).
 */
#ifndef SUREL_PLACE_H
#define SUREL_PLACE_H

#include <SDL2/SDL.h>

/* Pixels kept free left and right of a label, so that neighbours never touch. */
#define PLACE_GAP	4

struct place_seg {
	double	 x0, y0, x1, y1;
	int	 id;		/* the link, for a label allowed on its own line */
};

/* PLACE_CELL pixels square: place_clear() looks only at the cells a box covers. */
#define PLACE_CELL	32

struct place_ent {
	int	 what;		/* a box index, or -1 - a segment index */
	int	 next;		/* the next entry of the cell, -1 at the end */
};

struct place {
	SDL_Rect	 area;		/* everything stays inside */
	SDL_Rect	*box;		/* placed boxes and icons */
	int		 nbox, boxcap;
	struct place_seg *seg;		/* link lines */
	int		 nseg, segcap;
	/*
	 * A grid over the area: each cell lists the boxes and lines that
	 * touch it, so that a crowded picture (hundreds of links and tags)
	 * tests a candidate against its neighbours, not against everything.
	 */
	int		*cell;		/* [gw * gh] first entry, -1 none */
	int		 gw, gh, cellcap;
	struct place_ent *ent;
	int		 nent, entcap;
};

void	 place_reset(struct place *p, SDL_Rect area);
void	 place_free(struct place *p);
/* Something nothing may cover (an icon, a placed label). */
void	 place_take(struct place *p, SDL_Rect r);
/* Box i moved or resized in place (a merged tag grown). */
void	 place_set(struct place *p, int i, SDL_Rect r);
/* A link line, width w, labels avoid it where they can. */
void	 place_line(struct place *p, double x0, double y0, double x1,
	    double y1, double w, int id);
/* Whether r is inside the area and covers no box (and, if lines, crosses no line but link own). */
int	 place_clear(const struct place *p, SDL_Rect r, int lines, int own);
/*
 * The first of the n candidates clear of everything (lines too, but the
 * link own's), else the first clear of boxes only; -1 when none.  The
 * chosen one is not taken: call place_take().
 */
int	 place_pick(const struct place *p, const SDL_Rect *cand, int n,
	    int own);
/* The first of the n candidates clear of boxes and icons, lines or not; -1 when none. */
int	 place_pick_any(const struct place *p, const SDL_Rect *cand, int n);

#endif
