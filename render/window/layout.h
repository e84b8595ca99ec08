/*
 * layout.h: where everything goes, as plain numbers (no SDL): the panel
 * rectangles for a window size and scale, and the nodes' places in the
 * network picture (the scenario's x, y, or an automatic left-to-right
 * layout by distance from the first client).
 *
 *   +--------------------------- top bar ----------------------------+
 *   | events |        network picture         |  inspector / node   |
 *   |  list  |   (or the sequence diagram)    |       panel         |
 *   |        |--------------------------------|                     |
 *   |        |   narration, large             |                     |
 *   +----------------------- timeline -------------------------------+
 *
 * In presentation mode (present, for a projector) only three remain:
 * the picture, the narration under it in large letters, the timeline;
 * the other rectangles are empty (nothing drawn there, no clicks).
 */
#ifndef SUREL_LAYOUT_H
#define SUREL_LAYOUT_H

#include "scenario.h"

struct lrect {
	int x, y, w, h;
};

struct layout {
	int		 w, h;		/* window or picture size, px */
	double		 s;		/* px per design px */
	struct lrect	 top, events, center, legend, picture, narration,
			 right, timeline;
	struct lrect	 whereis;	/* the line "where the mail is", above the picture */
	int		 font_small, font_normal, font_title, font_narration,
			 font_mono;
	int		 icon;		/* icon size, px */
	/*
	 * Side panels folded away so that the picture keeps its room (a
	 * small screen, a large --scale): the rectangle is then a narrow
	 * tab at the window's edge.  open_right asks for the inspector
	 * anyway (a packet or a node chosen, a click on its tab),
	 * open_events for the event list (a click on its tab).
	 */
	int		 fold_events, fold_right, open_right, open_events;
	int		 nnodes;
	double		*fx, *fy;	/* nodes' places, 0..1 (owned) */
	double		*nx, *ny;	/* the same in px, inside picture (owned) */
	/* Presentation mode (--present, P): set before layout_compute(). */
	int		 present;
	/*
	 * A what-if's comparison (whatif.c): its lines, set before
	 * layout_compute(), take a strip at the foot of the picture.
	 */
	int		 compare_lines;
	struct lrect	 compare;
};

/* Places of the nodes, from the scenario; call once.  0 or -1 (no memory). */
int	 layout_init(struct layout *l, const struct scenario *sc);
void	 layout_free(struct layout *l);
/*
 * Rectangles and sizes for a w x h window at user scale (--scale): text
 * grows as scale^0.75 (18 px at 1920x1080, 26 at 1.5, 33 at 2), so that
 * a projector's larger text still leaves the picture its room.
 */
void	 layout_compute(struct layout *l, int w, int h, double scale);

int	 lrect_has(const struct lrect *r, int x, int y);
/* The smallest text anywhere but the hex dump, px (1024x768 and up). */
#define LAYOUT_MIN_PX	12
/* A design size at the layout's scale, at least 1 px. */
int	 layout_px(const struct layout *l, double design);

#endif
