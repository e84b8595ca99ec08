/*
 * draw.c: drawing primitives and the network picture: nodes with their
 * icons, names, addresses and badges; links with their latency; the
 * packets in flight, coloured by protocol, named, sized by length; an X
 * where a frame was lost; the legend, whose chips show and hide their
 * protocol's packets (struct app's hide).
 *
 * Shapes are triangles for SDL_RenderGeometry, so the software renderer
 * (screenshots, tests) and a GPU draw the same thing.  Icons are the SVG
 * files of assets/icons/, compiled into the program and read by
 * SDL2_image; one that cannot be read is drawn as a plain shape.
 */
#include "ui.h"

#include <SDL2/SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The SVG files, compiled in by the Makefile (build/icons_data.c). */
struct surel_icon_data {
	const char	*name;
	const unsigned char *data;
	unsigned long	 len;
};
extern const struct surel_icon_data surel_icons[];
extern const int surel_nicons;

enum icon_kind {
	ICON_LAPTOP,
	ICON_PHONE,
	ICON_ROUTER,
	ICON_SERVER,
	ICON_DNS,
	ICON_MAIL,
	ICON_N
};

static const char *icon_file[ICON_N] = {
	"laptop.svg", "phone.svg", "router.svg", "server.svg", "dns.svg",
	"mailserver.svg",
};

struct icons {
	SDL_Renderer	*r;
	int		 size;
	SDL_Texture	*tex[ICON_N];
	int		 warned[ICON_N];
};

/* ---- primitives ---- */

SDL_Rect
ui_rect(const struct lrect *l)
{
	SDL_Rect r = { l->x, l->y, l->w, l->h };

	return r;
}

void
draw_fill(SDL_Renderer *r, SDL_Rect rc, SDL_Color c)
{
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(r, &rc);
}

void
draw_frame(SDL_Renderer *r, SDL_Rect rc, int width, SDL_Color c)
{
	SDL_Rect s[4] = {
		{ rc.x, rc.y, rc.w, width },
		{ rc.x, rc.y + rc.h - width, rc.w, width },
		{ rc.x, rc.y, width, rc.h },
		{ rc.x + rc.w - width, rc.y, width, rc.h },
	};

	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRects(r, s, 4);
}

static SDL_Vertex
vtx(double x, double y, SDL_Color c)
{
	SDL_Vertex v = { { (float)x, (float)y }, c, { 0, 0 } };

	return v;
}

void
draw_triangle(SDL_Renderer *r, double x0, double y0, double x1, double y1,
    double x2, double y2, SDL_Color c)
{
	SDL_Vertex v[3] = { vtx(x0, y0, c), vtx(x1, y1, c), vtx(x2, y2, c) };

	SDL_RenderGeometry(r, NULL, v, 3, NULL, 0);
}

void
draw_disc(SDL_Renderer *r, double cx, double cy, double radius, SDL_Color c)
{
	enum { MAXSEG = 40 };
	SDL_Vertex v[MAXSEG + 1];
	int idx[MAXSEG * 3];
	int n = (int)radius;

	if (n < 8)
		n = 8;
	if (n > MAXSEG)
		n = MAXSEG;
	v[0] = vtx(cx, cy, c);
	for (int i = 0; i < n; i++) {
		double a = 2 * M_PI * i / n;
		v[i + 1] = vtx(cx + radius * cos(a), cy + radius * sin(a), c);
		idx[3 * i] = 0;
		idx[3 * i + 1] = i + 1;
		idx[3 * i + 2] = i + 1 == n ? 1 : i + 2;
	}
	SDL_RenderGeometry(r, NULL, v, n + 1, idx, 3 * n);
}

void
draw_line(SDL_Renderer *r, double x0, double y0, double x1, double y1,
    double width, SDL_Color c)
{
	double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);

	if (len < 1e-6)
		return;
	double nx = -dy / len * width / 2, ny = dx / len * width / 2;
	SDL_Vertex v[4] = {
		vtx(x0 + nx, y0 + ny, c), vtx(x1 + nx, y1 + ny, c),
		vtx(x1 - nx, y1 - ny, c), vtx(x0 - nx, y0 - ny, c),
	};
	int idx[6] = { 0, 1, 2, 0, 2, 3 };
	SDL_RenderGeometry(r, NULL, v, 4, idx, 6);
}

/* A rounded rectangle as one fan of triangles: one call, few triangles. */
void
draw_round(SDL_Renderer *r, SDL_Rect rc, int radius, SDL_Color c)
{
	enum { SEG = 4 };	/* per quarter: enough below 12 px of radius */
	SDL_Vertex v[4 * (SEG + 1) + 1];
	int idx[3 * 4 * (SEG + 1)];

	if (radius * 2 > rc.h)
		radius = rc.h / 2;
	if (radius * 2 > rc.w)
		radius = rc.w / 2;
	if (radius < 2) {
		draw_fill(r, rc, c);
		return;
	}
	double rr = radius;
	double cxs[4] = { rc.x + rc.w - rr, rc.x + rr, rc.x + rr,
	    rc.x + rc.w - rr };
	double cys[4] = { rc.y + rc.h - rr, rc.y + rc.h - rr, rc.y + rr,
	    rc.y + rr };
	int n = 0;
	v[n++] = vtx(rc.x + rc.w / 2.0, rc.y + rc.h / 2.0, c);
	for (int q = 0; q < 4; q++)
		for (int k = 0; k <= SEG; k++) {
			double a = (q + (double)k / SEG) * M_PI / 2;
			v[n++] = vtx(cxs[q] + rr * cos(a), cys[q] + rr * sin(a), c);
		}
	int m = n - 1, ni = 0;
	for (int i = 0; i < m; i++) {
		idx[ni++] = 0;
		idx[ni++] = 1 + i;
		idx[ni++] = 1 + (i + 1) % m;
	}
	SDL_RenderGeometry(r, NULL, v, n, idx, ni);
}

void
draw_cross(SDL_Renderer *r, double cx, double cy, double size, double width,
    SDL_Color c)
{
	draw_line(r, cx - size, cy - size, cx + size, cy + size, width, c);
	draw_line(r, cx - size, cy + size, cx + size, cy - size, width, c);
}

/* A dashed line: for a link that is down. */
static void
draw_dashed(SDL_Renderer *r, double x0, double y0, double x1, double y1,
    double width, double dash, SDL_Color c)
{
	double len = hypot(x1 - x0, y1 - y0);

	for (double d = 0; d < len; d += 2 * dash) {
		double e = d + dash < len ? d + dash : len;
		draw_line(r, x0 + (x1 - x0) * d / len, y0 + (y1 - y0) * d / len,
		    x0 + (x1 - x0) * e / len, y0 + (y1 - y0) * e / len, width,
		    c);
	}
}

/* A panel: ground, border, a title line. */
void
draw_panel(struct ui *u, const struct lrect *l, const char *title)
{
	SDL_Rect rc = ui_rect(l);
	const struct theme *th = u->th;

	draw_fill(u->r, rc, th->panel);
	draw_frame(u->r, rc, 1, th->edge);
	if (title) {
		int pad = layout_px(&u->lay, 8);
		text_draw_fit(u->text, FACE_BOLD, u->lay.font_normal, th->text,
		    rc.x + pad, rc.y + layout_px(&u->lay, 5), rc.w - 2 * pad,
		    title);
	}
}

/* A small rounded label: white on black, or as given. */
static int
draw_chip(struct ui *u, int x, int y, SDL_Color bg, SDL_Color fg,
    const char *s, int center)
{
	int px = u->lay.font_small, w, h;
	int pad = layout_px(&u->lay, 4);

	text_size(u->text, FACE_BOLD, px, s, &w, &h);
	if (center)
		x -= (w + 2 * pad) / 2;
	SDL_Rect rc = { x, y, w + 2 * pad, h };
	draw_round(u->r, rc, h / 3, bg);
	text_draw(u->text, FACE_BOLD, px, fg, x + pad, y, s);
	return rc.w;
}

/* ---- icons ---- */

struct icons *
icons_new(SDL_Renderer *r)
{
	struct icons *ic = calloc(1, sizeof *ic);

	if (ic)
		ic->r = r;
	return ic;
}

static void
icons_drop(struct icons *ic)
{
	for (int i = 0; i < ICON_N; i++) {
		if (ic->tex[i])
			SDL_DestroyTexture(ic->tex[i]);
		ic->tex[i] = NULL;
	}
}

void
icons_free(struct icons *ic)
{
	if (ic == NULL)
		return;
	icons_drop(ic);
	free(ic);
}

/* The icon at size px, or NULL (with one message) when it cannot be read. */
static SDL_Texture *
icons_get(struct icons *ic, enum icon_kind k, int size)
{
	if (ic == NULL)
		return NULL;
	if (size != ic->size) {
		icons_drop(ic);
		ic->size = size;
	}
	if (ic->tex[k])
		return ic->tex[k];
	if (ic->warned[k])
		return NULL;
	const struct surel_icon_data *d = NULL;
	for (int i = 0; i < surel_nicons; i++)
		if (strcmp(surel_icons[i].name, icon_file[k]) == 0)
			d = &surel_icons[i];
	SDL_Surface *s = NULL;
	if (d) {
		SDL_RWops *rw = SDL_RWFromConstMem(d->data, (int)d->len);
		if (rw)
			s = IMG_LoadSizedSVG_RW(rw, size, size);
		if (rw)
			SDL_RWclose(rw);
	}
	if (s == NULL) {
		fprintf(stderr, "surel: the icon assets/icons/%s %s; drawing a "
		    "plain shape instead\n", icon_file[k],
		    d ? "cannot be read" : "is missing from this build");
		ic->warned[k] = 1;
		return NULL;
	}
	ic->tex[k] = SDL_CreateTextureFromSurface(ic->r, s);
	SDL_FreeSurface(s);
	if (ic->tex[k])
		SDL_SetTextureBlendMode(ic->tex[k], SDL_BLENDMODE_BLEND);
	return ic->tex[k];
}

static int
contains_any(const char *s, const char *const *words)
{
	for (; s && *words; words++)
		if (strstr(s, *words))
			return 1;
	return 0;
}

static enum icon_kind
node_icon(const struct sc_node *n)
{
	static const char *const phone[] = { "hp", "phone", "ponsel", "mobile",
		"android", "iphone", NULL };

	switch (n->kind) {
	case SC_CLIENT:
		return contains_any(n->id, phone) ? ICON_PHONE : ICON_LAPTOP;
	case SC_ROUTER:
		return ICON_ROUTER;
	case SC_SERVER:
		if (n->smtp.present || n->submission.present ||
		    n->lmtp.present || n->pop3.present || n->imap.present)
			return ICON_MAIL;
		if (n->dns.present)
			return ICON_DNS;
		return ICON_SERVER;
	}
	return ICON_SERVER;
}

/* Plain shapes where an icon cannot be read. */
static void
draw_icon_shape(struct ui *u, enum icon_kind k, SDL_Rect rc, SDL_Color edge,
    SDL_Color fill)
{
	int b = layout_px(&u->lay, 3);

	if (k == ICON_ROUTER) {
		draw_disc(u->r, rc.x + rc.w / 2.0, rc.y + rc.h / 2.0,
		    rc.w / 2.0 - 2, edge);
		draw_disc(u->r, rc.x + rc.w / 2.0, rc.y + rc.h / 2.0,
		    rc.w / 2.0 - 2 - b, fill);
		return;
	}
	SDL_Rect body = rc;
	if (k == ICON_PHONE)
		body = (SDL_Rect){ rc.x + rc.w / 4, rc.y, rc.w / 2, rc.h };
	else if (k == ICON_LAPTOP)
		body = (SDL_Rect){ rc.x, rc.y + rc.h / 5, rc.w, rc.h * 3 / 5 };
	else
		body = (SDL_Rect){ rc.x + rc.w / 5, rc.y, rc.w * 3 / 5, rc.h };
	draw_fill(u->r, body, fill);
	draw_frame(u->r, body, b, edge);
}

/* ---- the network picture ---- */

static double
clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The ends of link l as packets travel it in direction dir, off the icons. */
static void
link_ends(struct ui *u, int l, int dir, double *x0, double *y0, double *x1,
    double *y1)
{
	const struct sc_link *lk = &u->sc->links[l];
	int a = dir ? lk->b : lk->a, b = dir ? lk->a : lk->b;
	double ax = u->lay.nx[a], ay = u->lay.ny[a];
	double bx = u->lay.nx[b], by = u->lay.ny[b];
	double len = hypot(bx - ax, by - ay), cut = u->lay.icon * 0.55;

	if (len < 2 * cut + 1)
		cut = len / 3;
	double ux = len > 0 ? (bx - ax) / len : 0, uy = len > 0 ?
	    (by - ay) / len : 0;
	*x0 = ax + ux * cut;
	*y0 = ay + uy * cut;
	*x1 = bx - ux * cut;
	*y1 = by - uy * cut;
}

/*
 * Where the picture's labels go (place.h): computed with the packets'
 * places before anything is drawn, in the order of what matters most.
 */
struct node_lab {
	char	**lines;	/* the name, wrapped (text_lines()) */
	int	  nl;
	SDL_Rect  name;		/* the name's block, and the address under it */
	int	  addr;		/* 1: the address is under the name */
	SDL_Rect  badge[4];	/* w 0: not shown */
};

struct ui_labels {
	struct node_lab	*node;
	int		 nnode;
	SDL_Rect	*link;		/* latency labels; w 0: none */
	int		 nlink;
	SDL_Rect	 filtered;
};

#define LAB_GAP(L)	layout_px(L, 3)

/* A text line's height for stacking: never less than the text's own box. */
static int
lab_lh(struct ui *u, enum text_face f, int px)
{
	int h, lh = text_line_height(u->text, f, px);

	/* A rendered line can be a pixel taller than the font's line skip. */
	text_size(u->text, f, px, "ÅgÉ", NULL, &h);
	return lh > h ? lh : h;
}

static void
labels_clear(struct ui_labels *lb)
{
	for (int i = 0; lb->node && i < lb->nnode; i++) {
		text_lines_free(lb->node[i].lines, lb->node[i].nl);
		lb->node[i].lines = NULL;
		lb->node[i].nl = 0;
	}
}

void
draw_labels_free(struct ui *u)
{
	if (u->labels) {
		labels_clear(u->labels);
		free(u->labels->node);
		free(u->labels->link);
		free(u->labels);
		u->labels = NULL;
	}
	place_free(&u->place);
}

static struct ui_labels *
labels_get(struct ui *u)
{
	struct ui_labels *lb = u->labels;

	if (lb == NULL) {
		lb = calloc(1, sizeof *lb);
		if (lb == NULL)
			return NULL;
		lb->node = calloc((size_t)u->sc->nnodes + 1, sizeof *lb->node);
		lb->link = calloc((size_t)u->sc->nlinks + 1, sizeof *lb->link);
		if (lb->node == NULL || lb->link == NULL) {
			free(lb->node);
			free(lb->link);
			free(lb);
			return NULL;
		}
		lb->nnode = u->sc->nnodes;
		lb->nlink = u->sc->nlinks;
		u->labels = lb;
	}
	labels_clear(lb);
	return lb;
}

/* Keeps r inside the area where it can be (a name near the picture's edge). */
static SDL_Rect
lab_inside(const struct place *p, SDL_Rect r)
{
	if (r.x + r.w > p->area.x + p->area.w)
		r.x = p->area.x + p->area.w - r.w;
	if (r.x < p->area.x)
		r.x = p->area.x;
	if (r.y + r.h > p->area.y + p->area.h)
		r.y = p->area.y + p->area.h - r.h;
	if (r.y < p->area.y)
		r.y = p->area.y;
	return r;
}

static void
node_ip(const struct sc_node *n, char *buf, size_t sz)
{
	uint32_t ip = n->ip;

	snprintf(buf, sz, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
	    (ip >> 8) & 255, ip & 255);
}

/*
 * A node's name (and its address under it): under the icon, over it,
 * beside it, on one line, else two or three; the first place free of
 * every box placed.  A name is never cut: where no wrapping fits, it
 * still goes under its icon.
 */
static void
place_node_name(struct ui *u, int i, struct node_lab *nl)
{
	const struct layout *L = &u->lay;
	struct place *p = &u->place;
	int px = L->font_small, lh = lab_lh(u, FACE_BOLD, px);
	int alh = lab_lh(u, FACE_SANS, px);
	int cx = (int)lround(L->nx[i]), cy = (int)lround(L->ny[i]);
	int ih = L->icon / 2, g = LAB_GAP(L);
	const char *name = ui_node_name(u, i);
	char ip[32];
	int full = text_width(u->text, FACE_BOLD, px, name);
	int widths[3] = { full + 1, full * 6 / 10 + 1, full * 4 / 10 + 1 };
	/* Wrapped between words only: never narrower than the widest word. */
	int word = 0;
	for (const char *c = name; *c; ) {
		size_t n = strcspn(c, " ");
		char wbuf[128];
		snprintf(wbuf, sizeof wbuf, "%.*s", (int)n, c);
		int ww = text_width(u->text, FACE_BOLD, px, wbuf);
		if (ww > word)
			word = ww;
		c += n;
		c += strspn(c, " ");
	}
	for (int k = 0; k < 3; k++)
		if (widths[k] < word + 1)
			widths[k] = word + 1;
	enum { NC = 2 * 2 * 3 * 6 };
	SDL_Rect cand[NC], far[NC];
	int cwrap[NC], caddr[NC], fwrap[NC], faddr[NC], n = 0, nf = 0;
	int bw[3], nls[3];

	node_ip(&u->sc->nodes[i], ip, sizeof ip);
	int aw = text_width(u->text, FACE_SANS, px, ip);
	for (int k = 0; k < 3; k++) {
		char **lines;
		int c = text_lines(u->text, FACE_BOLD, px, widths[k], name,
		    &lines);
		bw[k] = 0;
		for (int j = 0; j < c; j++) {
			int w = text_width(u->text, FACE_BOLD, px, lines[j]);
			if (w > bw[k])
				bw[k] = w;
		}
		nls[k] = c;
		text_lines_free(lines, c);
	}
	for (int withaddr = 1; withaddr >= 0; withaddr--)
		for (int side = 0; side < 2; side++)
			for (int k = 0; k < 3; k++) {
				if (k > 0 && nls[k] == nls[k - 1])
					continue;
				int w = bw[k] > (withaddr ? aw : 0) ? bw[k] : aw;
				int h = nls[k] * lh + (withaddr ? alh : 0);
				SDL_Rect pos[6];
				int np = 0;
				if (side == 0) {
					/* Under, over; then shifted sideways. */
					pos[np++] = (SDL_Rect){ cx - w / 2, cy + ih + g, w, h };
					pos[np++] = (SDL_Rect){ cx - w / 2, cy - ih - g - h, w, h };
					pos[np++] = (SDL_Rect){ cx - ih, cy + ih + g, w, h };
					pos[np++] = (SDL_Rect){ cx + ih - w, cy + ih + g, w, h };
					pos[np++] = (SDL_Rect){ cx - ih, cy - ih - g - h, w, h };
					pos[np++] = (SDL_Rect){ cx + ih - w, cy - ih - g - h, w, h };
				} else {
					pos[np++] = (SDL_Rect){ cx + ih + g, cy - h / 2, w, h };
					pos[np++] = (SDL_Rect){ cx - ih - g - w, cy - h / 2, w, h };
					pos[np++] = (SDL_Rect){ cx + ih + g, cy + ih - h, w, h };
					pos[np++] = (SDL_Rect){ cx - ih - g - w, cy + ih - h, w, h };
					pos[np++] = (SDL_Rect){ cx + ih + g, cy - ih, w, h };
					pos[np++] = (SDL_Rect){ cx - ih - g - w, cy - ih, w, h };
				}
				for (int j = 0; j < np && n < NC; j++) {
					cand[n] = lab_inside(p, pos[j]);
					cwrap[n] = k;
					caddr[n++] = withaddr;
				}
				/* Then a line further out, up or down (tried last). */
				for (int j = 0; j < 2 && nf + 1 < NC; j++) {
					SDL_Rect r = pos[j];
					r.y += (side == 0 ? (j == 0 ? 1 : -1) : 1) * lh;
					far[nf] = lab_inside(p, r);
					fwrap[nf] = k;
					faddr[nf++] = withaddr;
					r = pos[j];
					r.y += (side == 0 ? (j == 0 ? 2 : -2) : -1) * lh;
					far[nf] = lab_inside(p, r);
					fwrap[nf] = k;
					faddr[nf++] = withaddr;
				}
			}
	/*
	 * Names keep to their icon (under it where they can) rather than
	 * flee a line: a name's ground hides the line under it.
	 */
	int at = place_pick_any(p, cand, n);
	if (at < 0 && (at = place_pick_any(p, far, nf)) >= 0) {
		cand[at] = far[at];
		cwrap[at] = fwrap[at];
		caddr[at] = faddr[at];
	}
	/* Still nowhere: further and further out, all round, the name alone. */
	for (int r = 1; at < 0 && r <= 8; r++) {
		static const int dir[8][2] = { { 0, 1 }, { 0, -1 }, { 1, 0 },
			{ -1, 0 }, { 1, 1 }, { -1, 1 }, { 1, -1 }, { -1, -1 } };
		for (int k = 0; k < 3 && at < 0; k++) {
			int w = bw[k], h = nls[k] * lh;
			SDL_Rect ring[8];
			for (int d = 0; d < 8; d++)
				ring[d] = lab_inside(p, (SDL_Rect){ cx - w / 2 +
				    dir[d][0] * (ih + r * lh + w / 2), cy - h / 2 +
				    dir[d][1] * (ih + r * lh / 2 + h / 2), w, h });
			int d = place_pick(p, ring, 8, -1);
			if (d >= 0) {
				at = 0;
				cand[0] = ring[d];
				cwrap[0] = k;
				caddr[0] = 0;
			}
		}
	}
	/* Last: the free place nearest the icon, on a grid of half lines, the name on two lines at most. */
	if (at < 0) {
		int k = nls[1] < nls[2] ? 1 : 2, w = bw[k], h = nls[k] * lh;
		int step = lh / 2 > 2 ? lh / 2 : 2, best = -1;
		SDL_Rect found = { 0, 0, 0, 0 };
		for (int gy = -12; gy <= 12; gy++)
			for (int gx = -16; gx <= 16; gx++) {
				SDL_Rect r = { cx - w / 2 + gx * step, cy - h / 2 +
				    gy * step, w, h };
				int d = gx * gx + gy * gy;
				if ((best < 0 || d < best) && place_clear(p, r, 0, -1)) {
					best = d;
					found = r;
				}
			}
		if (best >= 0) {
			at = 0;
			cand[0] = found;
			cwrap[0] = k;
			caddr[0] = 0;
		}
	}
	if (at < 0) {
		/* Nowhere free: under the icon all the same, whole. */
		at = 0;
	}
	nl->nl = text_lines(u->text, FACE_BOLD, px, widths[cwrap[at]], name,
	    &nl->lines);
	nl->name = cand[at];
	nl->addr = caddr[at];
	place_take(p, nl->name);
}

/* Badges: what the trace says a node holds now, beside its icon. */
static void
place_node_badges(struct ui *u, int i, struct node_lab *nl)
{
	const struct view_state *st = view_state(u->view);
	const struct sc_node *n = &u->sc->nodes[i];
	const struct layout *L = &u->lay;
	struct place *p = &u->place;
	int px = L->font_small, pad = layout_px(L, 4), g = LAB_GAP(L);
	int lh = lab_lh(u, FACE_BOLD, px);
	int cx = (int)lround(L->nx[i]), cy = (int)lround(L->ny[i]);
	int ih = L->icon / 2;
	char buf[96];
	const struct {
		int show, count;
		enum word w;
	} b[4] = {
		/* A mailbox server always shows its count: 0 tells too. */
		{ n->lmtp.present || n->pop3.present || n->imap.present ||
		  (n->smtp.present && n->smtp.deliver < 0 &&
		   n->smtp.ndomains > 0) || st->mailbox[i] > 0,
		  st->mailbox[i], W_MAILBOX },
		{ st->queue[i] > 0, st->queue[i], W_QUEUE },
		{ st->dns_cache[i] > 0, st->dns_cache[i], W_CACHE },
		{ n->kind == SC_CLIENT && st->device[i] > 0,
		  st->device[i], W_DOWNLOADED },
	};

	for (int j = 0; j < 4; j++) {
		nl->badge[j] = (SDL_Rect){ 0, 0, 0, 0 };
		if (!b[j].show)
			continue;
		snprintf(buf, sizeof buf, "%s %d", ui_word(u, b[j].w),
		    b[j].count);
		int w = text_width(u->text, FACE_BOLD, px, buf) + 2 * pad;
		SDL_Rect cand[16];
		int nc = 0;
		/* Right of the icon, one under another; then left; then over or under. */
		for (int k = 0; k < 4; k++)
			cand[nc++] = (SDL_Rect){ cx + ih + g, cy - ih + k *
			    (lh + g), w, lh };
		for (int k = 0; k < 4; k++)
			cand[nc++] = (SDL_Rect){ cx - ih - g - w, cy - ih + k *
			    (lh + g), w, lh };
		for (int k = 0; k < 2; k++) {
			cand[nc++] = (SDL_Rect){ cx + ih + g, cy - ih - (k + 1) *
			    (lh + g), w, lh };
			cand[nc++] = (SDL_Rect){ cx - ih - g - w, cy - ih -
			    (k + 1) * (lh + g), w, lh };
			cand[nc++] = (SDL_Rect){ cx + ih + g, cy + ih + k *
			    (lh + g), w, lh };
			cand[nc++] = (SDL_Rect){ cx - ih - g - w, cy + ih + k *
			    (lh + g), w, lh };
		}
		int at = place_pick(p, cand, nc, -1);
		if (at < 0)
			continue;	/* no room: left out rather than over a name */
		nl->badge[j] = cand[at];
		place_take(p, cand[at]);
	}
}

static void
link_latency(const struct sc_link *lk, char *buf, size_t sz)
{
	double ms = lk->latency_ns / 1e6;

	if (ms == floor(ms))
		snprintf(buf, sz, "%.0f ms", ms);
	else
		snprintf(buf, sz, "%.1f ms", ms);
}

/* A link's latency (or "cut"): on its line, as near the middle as is free. */
static void
place_link_label(struct ui *u, int i, struct ui_labels *lb)
{
	const struct view_state *st = view_state(u->view);
	const struct layout *L = &u->lay;
	const struct sc_link *lk = &u->sc->links[i];
	int px = L->font_small, w, h;
	char buf[96];
	static const double at[] = { 0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8 };
	SDL_Rect cand[3 * sizeof at / sizeof at[0]];
	int nc = 0;

	if (!st->link_up[i]) {
		snprintf(buf, sizeof buf, "✕ %s", ui_word(u, W_LINK_DOWN));
		text_size(u->text, FACE_BOLD, px, buf, &w, &h);
		w += 2 * layout_px(L, 4);
	} else {
		link_latency(lk, buf, sizeof buf);
		text_size(u->text, FACE_SANS, px, buf, &w, &h);
		w += 4;
	}
	double ax = L->nx[lk->a], ay = L->ny[lk->a];
	double bx = L->nx[lk->b], by = L->ny[lk->b];
	double len = hypot(bx - ax, by - ay);
	double ox = len > 0 ? -(by - ay) / len : 0, oy = len > 0 ?
	    (bx - ax) / len : 1;
	double off = h * 0.5 + fabs(ox) * w * 0.5 + LAB_GAP(L);
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
		double x = ax + (bx - ax) * at[k], y = ay + (by - ay) * at[k];
		cand[nc++] = (SDL_Rect){ (int)lround(x - w / 2.0),
		    (int)lround(y - h / 2.0), w, h };
		for (int sgn = -1; sgn <= 1; sgn += 2)
			cand[nc++] = (SDL_Rect){ (int)lround(x + sgn * ox * off -
			    w / 2.0), (int)lround(y + sgn * oy * off - h / 2.0),
			    w, h };
	}
	int k = place_pick(&u->place, cand, nc, i);
	if (k < 0)
		return;		/* no room: the latency is in the inspector */
	lb->link[i] = cand[k];
	place_take(&u->place, cand[k]);
}

/* A packet's tag in short: its protocol alone ("DNS query" -> "DNS", "SYN-ACK" -> "TCP"). */
static const char *
packet_short(const struct ui_packet *q)
{
	return q->p.proto == APP_NONE ? "TCP" : app_proto_name(q->p.proto);
}

/* The box of a packet with tag s, centred on cx, cy; with its waiting count beside it. */
static void
packet_box(struct ui *u, struct ui_packet *q, const char *s, double cx,
    double cy, SDL_Rect *box, SDL_Rect *all)
{
	const struct layout *L = &u->lay;
	int px = L->font_small, bw = layout_px(L, 2);
	int th = text_line_height(u->text, FACE_BOLD, px);
	double f = clamp01(q->p.len / 600.0);
	int h = th + layout_px(L, 2 + 8 * f);
	int w = text_width(u->text, FACE_BOLD, px, s) + layout_px(L, 8 + 18 * f);

	box->x = (int)lround(cx - w / 2.0);
	box->y = (int)lround(cy - h / 2.0);
	box->w = w;
	box->h = h;
	*all = (SDL_Rect){ box->x - bw, box->y - bw, w + 2 * bw, h + 2 * bw };
	q->wait = (SDL_Rect){ 0, 0, 0, 0 };
	if (q->waiting > 0) {
		char buf[64];
		int pad = layout_px(L, 4), tw, tht;
		snprintf(buf, sizeof buf, "%d %s", q->waiting,
		    ui_word(u, W_WAITING));
		text_size(u->text, FACE_BOLD, px, buf, &tw, &tht);
		q->wait = (SDL_Rect){ box->x + w + 2 * bw, box->y + (h - tht) / 2,
		    tw + 2 * pad, tht };
		all->w += q->wait.w + bw;
		if (q->wait.h > all->h) {
			all->y = q->wait.y;
			all->h = q->wait.h;
		}
	}
}

#define PACKET_NEAR	26	/* packet_spots(): the first spots, beside the line */
/*
 * More frames than this on the wire and the picture is crowded: the
 * first frame of each link and direction tries for a tag, every other
 * one is a dot where it is on its line, so that each frame is still
 * seen and the picture costs no placement per frame.
 */
#define PACKET_DENSE	100

/* Candidate centres of a packet: its place on the link, its side, then slid along, then the other side. */
static int
packet_spots(struct ui *u, const struct ui_packet *q, double w, double h,
    double *sx, double *sy)
{
	const struct layout *L = &u->lay;
	double x0, y0, x1, y1;
	static const double slide[] = { 0, 0.08, -0.08, 0.16, -0.16, 0.24,
		-0.24, 0.32, -0.32, 0.4, -0.4, 0.5, -0.5 };
	int n = 0;

	link_ends(u, q->p.link, q->p.dir, &x0, &y0, &x1, &y1);
	double len = hypot(x1 - x0, y1 - y0);
	/*
	 * A frame waiting for the link sits where the link leaves the
	 * sender's icon, clear of the node's name under the icon.
	 */
	double pr = q->p.queued ? (len > 0 ? fmin(0.35, L->icon * 0.8 /
	    len) : 0) : clamp01(q->p.progress);
	double ox = len > 0 ? -(y1 - y0) / len : 0, oy = len > 0 ?
	    (x1 - x0) / len : 0;
	/* Far enough aside that the box clears its line, whatever the line's slope. */
	double off = fabs(ox) * w * 0.5 + fabs(oy) * h * 0.5 + layout_px(L, 2);
	/* Its own side first, then the other, then further out (PACKET_NEAR: the first two). */
	static const double side[] = { 1, -1, 2, -2, 3, -3 };
	for (size_t s = 0; s < sizeof side / sizeof side[0]; s++)
		for (size_t k = 0; k < sizeof slide / sizeof slide[0]; k++) {
			double t = clamp01(pr + slide[k]);
			sx[n] = x0 + (x1 - x0) * t + side[s] * ox * off;
			sy[n++] = y0 + (y1 - y0) * t + side[s] * oy * off;
		}
	return n;
}

/* A frame of a crowded picture: a dot where it is on its line (draw_packets()). */
static void
packet_dot(struct ui *u, struct ui_packet *q)
{
	double x0, y0, x1, y1;
	int d = layout_px(&u->lay, 3);

	link_ends(u, q->p.link, q->p.dir, &x0, &y0, &x1, &y1);
	double t = clamp01(q->p.progress);
	int cx = (int)lround(x0 + (x1 - x0) * t);
	int cy = (int)lround(y0 + (y1 - y0) * t);
	q->dot = 1;
	q->box = (SDL_Rect){ cx - d, cy - d, 2 * d + 1, 2 * d + 1 };
	q->tag[0] = '\0';
}

/*
 * A packet's tag: where it is, else nearby, else in short, else merged
 * into the tag of another packet of its link ("SMTP ×3"); never over
 * another label.
 */
static void
place_packets(struct ui *u)
{
	struct place *p = &u->place;
	int nl = u->sc->nlinks;
	int *lead = malloc((size_t)(nl + 1) * sizeof *lead);
	int *slot = malloc((size_t)(u->npk + 1) * sizeof *slot);
	int *count = calloc((size_t)u->npk + 1, sizeof *count);
	int *queued_first = malloc((size_t)(2 * nl + 2) * sizeof *queued_first);
	char *tried = calloc((size_t)(2 * nl + 2), 1);
	enum { NS = 78 };
	double sx[NS], sy[NS];

	if (lead == NULL || slot == NULL || count == NULL ||
	    queued_first == NULL || tried == NULL)
		goto out;
	for (int i = 0; i <= nl; i++)
		lead[i] = -1;
	for (int i = 0; i < 2 * nl + 2; i++)
		queued_first[i] = -1;
	int nwire = 0;
	for (int i = 0; i < u->npk; i++)
		nwire += !u->pk[i].p.queued;
	int dense = nwire > PACKET_DENSE;
	for (int i = 0; i < u->npk; i++) {
		struct ui_packet *q = &u->pk[i];
		int ld = q->p.link >= 0 && q->p.link < nl ? 2 * q->p.link +
		    (q->p.dir & 1) : 2 * nl;
		q->waiting = 0;
		slot[i] = -1;
		/* Frames waiting for one link and direction: one tag, with the count. */
		if (q->p.queued) {
			if (queued_first[ld] >= 0) {
				u->pk[queued_first[ld]].waiting++;
				q->box.w = 0;
				continue;
			}
			queued_first[ld] = i;
			q->waiting = 1;
		}
	}
	for (int i = 0; i < u->npk; i++) {
		struct ui_packet *q = &u->pk[i];
		int lk = q->p.link >= 0 && q->p.link < nl ? q->p.link : nl;
		SDL_Rect box, all, cand[NS];
		if (q->p.queued && q->waiting == 0)
			continue;
		int ld = q->p.link >= 0 && q->p.link < nl ? 2 * q->p.link +
		    (q->p.dir & 1) : 2 * nl;
		if (dense && !q->p.queued) {
			/* The first of its link and direction tries for a tag; the others are dots. */
			if (tried[ld]) {
				packet_dot(u, q);
				continue;
			}
			tried[ld] = 1;
		}
		/* Where it would go overlaps a tag of its link and direction: one tag for both. */
		packet_box(u, q, q->p.label ? q->p.label : "", 0, 0, &box, &all);
		packet_spots(u, q, all.w, all.h, sx, sy);
		packet_box(u, q, q->p.label ? q->p.label : "", sx[0], sy[0], &box,
		    &all);
		int mate = -1;
		for (int j = 0; j < i && mate < 0; j++)
			if (slot[j] >= 0 && u->pk[j].p.link == q->p.link &&
			    u->pk[j].p.dir == q->p.dir && !u->pk[j].p.queued &&
			    !q->p.queued && SDL_HasIntersection(&all,
			    &p->box[slot[j]]))
				mate = j;
		if (mate >= 0) {
			q->box.w = 0;
			count[mate]++;
			continue;
		}
		for (int form = 0; form < 2; form++) {
			const char *s = form == 0 ? (q->p.label ? q->p.label : "") :
			    packet_short(q);
			snprintf(q->tag, sizeof q->tag, "%s", s);
			packet_box(u, q, q->tag, 0, 0, &box, &all);
			int ns = packet_spots(u, q, all.w, all.h, sx, sy);
			for (int k = 0; k < ns; k++) {
				packet_box(u, q, q->tag, sx[k], sy[k], &box, &all);
				cand[k] = all;
			}
			int k = -1;
			/* A link that has a tag already: near its line, else counted on that tag. */
			if (lead[lk] >= 0 && ns > PACKET_NEAR)
				ns = PACKET_NEAR;
			for (int j = 0; j < ns && k < 0; j++)
				if (place_clear(p, cand[j], 0, lk))
					k = j;
			if (k >= 0) {
				packet_box(u, q, q->tag, sx[k], sy[k], &q->box, &all);
				slot[i] = p->nbox;
				place_take(p, all);
				break;
			}
		}
		if (slot[i] >= 0) {
			if (lead[lk] < 0)
				lead[lk] = i;
			continue;
		}
		if (dense && !q->p.queued) {
			packet_dot(u, q);
			continue;
		}
		/* No room: counted on the tag of the link's first packet. */
		q->box.w = 0;
		if (lead[lk] >= 0)
			count[lead[lk]] += 1 + (q->waiting > 1 ? q->waiting - 1 : 0);
	}
	/* The merged tags: "SMTP ×3" where the longer tag fits. */
	for (int i = 0; i < u->npk; i++) {
		struct ui_packet *q = &u->pk[i];
		if (count[i] == 0 || slot[i] < 0 || slot[i] >= p->nbox)
			continue;
		char tag[sizeof q->tag];
		SDL_Rect box, all, keep = p->box[slot[i]];
		snprintf(tag, sizeof tag, "%s ×%d", packet_short(q), count[i] + 1);
		p->box[slot[i]].w = 0;	/* it tests clear of nothing meanwhile */
		packet_box(u, q, tag, 0, 0, &box, &all);
		int ns = packet_spots(u, q, all.w, all.h, sx, sy);
		int done = 0;
		for (int k = 0; k < ns && !done; k++) {
			packet_box(u, q, tag, sx[k], sy[k], &box, &all);
			if (place_clear(p, all, 0, q->p.link)) {
				snprintf(q->tag, sizeof q->tag, "%s", tag);
				q->box = box;
				place_set(p, slot[i], all);
				done = 1;
			}
		}
		if (!done) {
			p->box[slot[i]] = keep;
			/* Recompute the waiting count's place for the box kept. */
			SDL_Rect b2;
			packet_box(u, q, q->tag, q->box.x + q->box.w / 2.0,
			    q->box.y + q->box.h / 2.0, &b2, &all);
		}
	}
out:
	free(lead);
	free(slot);
	free(count);
	free(queued_first);
	free(tried);
}

/* The filter's note in the picture's top right corner (draw_filtered()). */
static int filtered_text(struct ui *u, char *buf, size_t sz);

/*
 * Everything the picture writes, placed: icons and lines first (nothing
 * covers them), then names with addresses, badges, link labels, packet
 * tags.  The lost marks and the where-is marks are placed as they are
 * drawn, after these (draw_drops(), panel_whereis_marks()).
 */
static void
place_all(struct ui *u)
{
	const struct layout *L = &u->lay;
	struct ui_labels *lb = labels_get(u);
	struct place *p = &u->place;
	int is = L->icon;

	if (lb == NULL)
		return;
	place_reset(p, ui_rect(&L->picture));
	for (int i = 0; i < u->sc->nlinks; i++) {
		const struct sc_link *lk = &u->sc->links[i];
		place_line(p, L->nx[lk->a], L->ny[lk->a], L->nx[lk->b],
		    L->ny[lk->b], layout_px(L, 3), i);
		lb->link[i] = (SDL_Rect){ 0, 0, 0, 0 };
	}
	const struct view_state *st = view_state(u->view);
	for (int i = 0; i < u->sc->nnodes; i++) {
		int cx = (int)lround(L->nx[i]), cy = (int)lround(L->ny[i]);
		place_take(p, (SDL_Rect){ cx - is / 2, cy - is / 2, is, is });
		/* A node switched off wears its word on the icon (draw_nodes()). */
		if (!st->node_up[i]) {
			int w, h, pad = layout_px(L, 4);
			text_size(u->text, FACE_BOLD, L->font_small,
			    ui_word(u, W_OFF), &w, &h);
			int lh = lab_lh(u, FACE_BOLD, L->font_small);
			place_take(p, (SDL_Rect){ cx - (w + 2 * pad) / 2,
			    cy - lh / 2, w + 2 * pad, h });
		}
	}
	/* The filter's note first: it must be seen, in its corner. */
	lb->filtered = (SDL_Rect){ 0, 0, 0, 0 };
	char buf[160];
	if (filtered_text(u, buf, sizeof buf)) {
		int w, h, pad = layout_px(L, 4), m = layout_px(L, 6);
		text_size(u->text, FACE_BOLD, L->font_small, buf, &w, &h);
		lb->filtered = (SDL_Rect){ L->picture.x + L->picture.w - m - w -
		    2 * pad, L->picture.y + m, w + 2 * pad, h };
		place_take(p, lb->filtered);
	}
	for (int i = 0; i < u->sc->nnodes; i++)
		place_node_name(u, i, &lb->node[i]);
	for (int i = 0; i < u->sc->nnodes; i++)
		place_node_badges(u, i, &lb->node[i]);
	for (int i = 0; i < u->sc->nlinks; i++)
		place_link_label(u, i, lb);
	place_packets(u);
}

void
draw_packets_layout(struct ui *u)
{
	struct layout *L = &u->lay;
	int n;

	/* A packet or a node chosen, or a click on its tab, opens a folded inspector. */
	int want = u->app.sel_packet || u->app.right == RIGHT_NODE ||
	    u->tab_right;
	if (want != L->open_right && (L->fold_right || L->open_right)) {
		L->open_right = want;
		layout_compute(L, L->w, L->h, u->scale);
	}
	for (;;) {
		n = view_packets(u->view, u->app.t, u->vpk, u->vpkcap);
		if (n < u->vpkcap)
			break;
		int cap = u->vpkcap ? u->vpkcap * 2 : 256;
		struct view_packet *p = realloc(u->vpk, (size_t)cap * sizeof *p);
		if (p == NULL)
			break;
		u->vpk = p;
		u->vpkcap = cap;
	}
	if (n > u->pkcap) {
		struct ui_packet *p = realloc(u->pk, (size_t)n * sizeof *p);
		if (p == NULL)
			n = u->pkcap;
		else {
			u->pk = p;
			u->pkcap = n;
		}
	}
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct ui_packet *q = &u->pk[k];

		/* A filtered protocol's packets are neither drawn nor clicked. */
		if (u->app.hide & APP_HIDE(u->vpk[i].proto))
			continue;
		k++;
		memset(q, 0, sizeof *q);
		q->p = u->vpk[i];
		q->p.label = words_packet_label(ui_lang(u), q->p.label);
	}
	u->npk = k;
	place_all(u);
}

int
draw_hit_packet(struct ui *u, int x, int y)
{
	SDL_Point pt = { x, y };

	for (int i = u->npk - 1; i >= 0; i--)
		if (SDL_PointInRect(&pt, &u->pk[i].box))
			return i;
	return -1;
}

int
draw_hit_node(struct ui *u, int x, int y)
{
	double r = u->lay.icon * 0.6;

	for (int i = u->sc->nnodes - 1; i >= 0; i--) {
		double dx = x - u->lay.nx[i], dy = y - u->lay.ny[i];
		/* The icon, and the name under it. */
		if (fabs(dx) <= r && dy >= -r && dy <= r + u->lay.font_small * 2.6)
			return i;
	}
	return -1;
}

/*
 * The cable under x, y: the nearest whose line (between the icons) passes
 * within a finger's width, for a right click (whatif_menu.c).
 */
int
draw_hit_link(struct ui *u, int x, int y)
{
	double best = layout_px(&u->lay, 10), x0, y0, x1, y1;
	int hit = -1;

	for (int l = 0; l < u->sc->nlinks; l++) {
		link_ends(u, l, 0, &x0, &y0, &x1, &y1);
		double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
		double t = len2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / len2 : 0;
		if (t < 0 || t > 1)
			continue;
		double d = hypot(x - (x0 + t * dx), y - (y0 + t * dy));
		if (d <= best) {
			best = d;
			hit = l;
		}
	}
	return hit;
}

/* A small arrowhead at the front of a packet, showing where it goes. */
static void
draw_packet_arrow(struct ui *u, const struct ui_packet *q, SDL_Color c)
{
	double x0, y0, x1, y1;

	link_ends(u, q->p.link, q->p.dir, &x0, &y0, &x1, &y1);
	double len = hypot(x1 - x0, y1 - y0);
	if (len < 1)
		return;
	double ux = (x1 - x0) / len, uy = (y1 - y0) / len;
	double cx = q->box.x + q->box.w / 2.0, cy = q->box.y + q->box.h / 2.0;
	/* From the centre to the box's edge along the direction. */
	double ex = fabs(ux) > 1e-6 ? q->box.w / 2.0 / fabs(ux) : 1e9;
	double ey = fabs(uy) > 1e-6 ? q->box.h / 2.0 / fabs(uy) : 1e9;
	double e = fmin(ex, ey);
	double s = layout_px(&u->lay, 7);
	double tx = cx + ux * (e + s), ty = cy + uy * (e + s);
	double bx = cx + ux * e, by = cy + uy * e;
	draw_triangle(u->r, tx, ty, bx - uy * s, by + ux * s, bx + uy * s,
	    by - ux * s, c);
}

static void
draw_links(struct ui *u)
{
	const struct view_state *st = view_state(u->view);
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	struct ui_labels *lb = u->labels;
	char buf[96];

	for (int i = 0; i < u->sc->nlinks; i++) {
		const struct sc_link *lk = &u->sc->links[i];
		double ax = L->nx[lk->a], ay = L->ny[lk->a];
		double bx = L->nx[lk->b], by = L->ny[lk->b];
		int up = st->link_up[i] && st->node_up[lk->a] &&
		    st->node_up[lk->b];

		if (st->link_up[i])
			draw_line(u->r, ax, ay, bx, by, layout_px(L, 3),
			    up ? th->link : th->link_down);
		else
			draw_dashed(u->r, ax, ay, bx, by, layout_px(L, 3),
			    layout_px(L, 8), th->link_down);
	}
	/* Latency labels after all lines, so no line crosses a label. */
	for (int i = 0; lb && i < u->sc->nlinks; i++) {
		SDL_Rect bg = lb->link[i];
		if (bg.w <= 0)
			continue;
		if (!st->link_up[i]) {
			snprintf(buf, sizeof buf, "✕ %s", ui_word(u, W_LINK_DOWN));
			draw_chip(u, bg.x, bg.y, th->lost, th->badge_text, buf, 0);
			continue;
		}
		link_latency(&u->sc->links[i], buf, sizeof buf);
		draw_fill(u->r, bg, th->picture);
		text_draw(u->text, FACE_SANS, L->font_small, th->dim, bg.x + 2,
		    bg.y, buf);
	}
}

static void
draw_nodes(struct ui *u)
{
	const struct view_state *st = view_state(u->view);
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	struct ui_labels *lb = u->labels;
	int is = L->icon, px = L->font_small;
	int lh = lab_lh(u, FACE_BOLD, px);
	char buf[96];

	for (int i = 0; i < u->sc->nnodes; i++) {
		const struct sc_node *n = &u->sc->nodes[i];
		int cx = (int)lround(L->nx[i]), cy = (int)lround(L->ny[i]);
		SDL_Rect rc = { cx - is / 2, cy - is / 2, is, is };
		enum icon_kind k = node_icon(n);
		SDL_Texture *tex = icons_get(u->icons, k, is);
		int up = st->node_up[i];

		if (u->app.right == RIGHT_NODE && u->app.sel_node == i) {
			SDL_Rect sel = { rc.x - 4, rc.y - 4, rc.w + 8, rc.h + 8 };
			draw_frame(u->r, sel, layout_px(L, 3), th->select);
		}
		/* A ground under the icon, so lines do not show through. */
		draw_disc(u->r, cx, cy, is * 0.5, th->picture);
		if (tex) {
			Uint8 m = up ? 255 : 110;
			SDL_SetTextureAlphaMod(tex, m);
			SDL_RenderCopy(u->r, tex, NULL, &rc);
			SDL_SetTextureAlphaMod(tex, 255);
		} else
			draw_icon_shape(u, k, rc, up ? th->node : th->off,
			    th->node_fill);
		if (!up)
			draw_chip(u, cx, cy - lh / 2, th->badge, th->badge_text,
			    ui_word(u, W_OFF), 1);
		if (lb == NULL || i >= lb->nnode)
			continue;

		/* The name, line under line, and the address, centred in their block. */
		const struct node_lab *nl = &lb->node[i];
		int bx = nl->name.x + nl->name.w / 2, y = nl->name.y;
		draw_fill(u->r, (SDL_Rect){ nl->name.x - 2, nl->name.y,
		    nl->name.w + 4, nl->name.h }, th->picture);
		for (int j = 0; j < nl->nl; j++) {
			text_draw_center(u->text, FACE_BOLD, px, up ? th->text :
			    th->off, bx, y, nl->lines[j]);
			y += lh;
		}
		if (nl->addr) {
			node_ip(n, buf, sizeof buf);
			text_draw_center(u->text, FACE_SANS, px, up ? th->dim :
			    th->off, bx, y, buf);
		}

		/* Badges: what the trace says this node holds now. */
		static const enum word bw[4] = { W_MAILBOX, W_QUEUE, W_CACHE,
			W_DOWNLOADED };
		const int count[4] = { st->mailbox[i], st->queue[i],
			st->dns_cache[i], st->device[i] };
		for (int j = 0; j < 4; j++) {
			SDL_Rect b = nl->badge[j];
			if (b.w <= 0)
				continue;
			snprintf(buf, sizeof buf, "%s %d", ui_word(u, bw[j]),
			    count[j]);
			SDL_Color bg = count[j] ? th->badge : th->picture;
			SDL_Color fg = count[j] ? th->badge_text : th->dim;
			draw_chip(u, b.x, b.y, bg, fg, buf, 0);
			if (!count[j])
				draw_frame(u->r, b, 1, th->edge);
		}
	}
}

/*
 * The dots of a crowded picture (packet_dot()): an edge and a fill of
 * the frame's colour each, all in one call to the renderer, since a
 * call per dot cost more than the thousand dots themselves.
 */
static void
draw_dots(struct ui *u)
{
	enum { SEG = 8, NV = 2 * (SEG + 1), NI = 2 * 3 * SEG };
	const struct theme *th = u->th;
	int bw = layout_px(&u->lay, 2), nd = 0;
	static const double co[SEG] = { 1, 0.70710678, 0, -0.70710678, -1,
		-0.70710678, 0, 0.70710678 };

	for (int i = 0; i < u->npk; i++)
		nd += u->pk[i].dot;
	if (nd == 0)
		return;
	SDL_Vertex *v = malloc((size_t)nd * NV * sizeof *v);
	int *idx = malloc((size_t)nd * NI * sizeof *idx);
	int k = 0;

	if (v == NULL || idx == NULL)
		goto out;
	for (int i = 0; i < u->npk; i++) {
		const struct ui_packet *q = &u->pk[i];
		if (!q->dot)
			continue;
		int selected = u->app.sel_packet &&
		    u->app.sel_frame == q->p.frame &&
		    u->app.sel_tx_step == q->p.tx_step;
		double cx = q->box.x + q->box.w / 2.0, cy = q->box.y +
		    q->box.h / 2.0;
		double rad[2] = { q->box.w / 2.0, q->box.w / 2.0 - bw / 2.0 -
		    0.5 };
		SDL_Color c[2] = { selected ? th->select : th->text,
		    theme_proto(q->p.proto).fill };
		for (int layer = 0; layer < 2; layer++) {
			int base = (k * 2 + layer) * (SEG + 1);
			int *ix = idx + (k * 2 + layer) * 3 * SEG;
			v[base] = vtx(cx, cy, c[layer]);
			for (int j = 0; j < SEG; j++) {
				v[base + 1 + j] = vtx(cx + rad[layer] * co[j],
				    cy + rad[layer] * co[(j + 6) % SEG], c[layer]);
				ix[3 * j] = base;
				ix[3 * j + 1] = base + 1 + j;
				ix[3 * j + 2] = base + 1 + (j + 1) % SEG;
			}
		}
		k++;
	}
	SDL_RenderGeometry(u->r, NULL, v, k * NV, idx, k * NI);
out:
	free(v);
	free(idx);
}

static void
draw_packets(struct ui *u)
{
	const struct theme *th = u->th;
	const struct layout *L = &u->lay;
	int px = L->font_small;
	int bw = layout_px(L, 2);

	/* The dots of a crowded picture first: the tags go over them. */
	draw_dots(u);
	for (int i = 0; i < u->npk; i++) {
		const struct ui_packet *q = &u->pk[i];
		struct theme_proto pc = theme_proto(q->p.proto);
		int selected = u->app.sel_packet &&
		    u->app.sel_frame == q->p.frame &&
		    u->app.sel_tx_step == q->p.tx_step;

		if (q->box.w <= 0 || q->dot)
			continue;
		SDL_Rect out = { q->box.x - bw, q->box.y - bw, q->box.w + 2 * bw,
		    q->box.h + 2 * bw };
		draw_packet_arrow(u, q, selected ? th->select : th->text);
		draw_round(u->r, out, out.h / 4, selected ? th->select : th->text);
		draw_round(u->r, q->box, q->box.h / 4, pc.fill);
		text_draw_center(u->text, FACE_BOLD, px, pc.ink,
		    q->box.x + q->box.w / 2, q->box.y + (q->box.h -
		    text_line_height(u->text, FACE_BOLD, px)) / 2, q->tag);
		if (q->waiting > 0 && q->wait.w > 0) {
			char buf[64];
			snprintf(buf, sizeof buf, "%d %s", q->waiting,
			    ui_word(u, W_WAITING));
			/* Beside the frame, not under it, where names are. */
			draw_chip(u, q->wait.x, q->wait.y, th->badge,
			    th->badge_text, buf, 0);
		}
	}
}

/* An X where a frame was lost recently, with the word "lost" where it fits. */
static void
draw_drops(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	size_t step = u->app.step;
	size_t lo = step > 400 ? step - 400 : 0;
	uint64_t linger = 250 * SIM_MS;

	for (size_t s = step; s > lo; s--) {
		const struct trace_rec r = trace_at(u->tr, s - 1);
		if (r.t + linger < u->app.t)
			break;
		if (r.kind != TR_FRAME_DROP || evlist_hidden(u, s - 1))
			continue;
		double x, y;
		int at_node = r.a != DROP_LOSS && r.a != DROP_LINK_DOWN &&
		    r.node >= 0 && r.node < u->sc->nnodes;
		if (at_node) {
			/* Refused by the node itself: beside its icon, clear of its name. */
			x = L->nx[r.node] - L->icon * 0.85;
			y = L->ny[r.node];
		} else if (r.link >= 0 && r.link < u->sc->nlinks) {
			double x0, y0, x1, y1;
			link_ends(u, r.link, r.dir, &x0, &y0, &x1, &y1);
			x = (x0 + x1) / 2;
			y = (y0 + y1) / 2;
		} else
			continue;
		double sz = layout_px(L, 9);
		draw_disc(u->r, x, y, sz * 1.7, th->picture);
		draw_cross(u->r, x, y, sz, layout_px(L, 4), th->lost);
		int d = (int)lround(sz * 1.7);
		place_take(&u->place, (SDL_Rect){ (int)x - d, (int)y - d, 2 * d,
		    2 * d });
		const char *word = ui_word(u, W_LOST);
		int w, h, pad = layout_px(L, 4), g = LAB_GAP(L);
		text_size(u->text, FACE_BOLD, L->font_small, word, &w, &h);
		w += 2 * pad;
		SDL_Rect cand[4] = {
			{ (int)x - w / 2, (int)y - d - g - h, w, h },
			{ (int)x - w / 2, (int)y + d + g, w, h },
			{ (int)x + d + g, (int)y - h / 2, w, h },
			{ (int)x - d - g - w, (int)y - h / 2, w, h },
		};
		int k = place_pick(&u->place, cand, 4, -1);
		if (k < 0)
			continue;
		place_take(&u->place, cand[k]);
		draw_chip(u, cand[k].x, cand[k].y, th->lost, th->badge_text, word,
		    0);
	}
}

/* The legend's toggles, left to right: the protocols this scenario's trace has. */
static const enum app_proto legend_order[] = { APP_DNS, APP_SMTP, APP_LMTP,
	APP_POP3, APP_IMAP, APP_NONE };
#define LEGEND_N (sizeof legend_order / sizeof legend_order[0])

static const char *
legend_name(struct ui *u, enum app_proto p)
{
	return p == APP_NONE ? ui_word(u, W_LEGEND_TCP) : app_proto_name(p);
}

/*
 * Where each chip of the legend goes (box), for which protocol; returns
 * how many fit.  Drawing and clicks both ask here.
 */
static int
legend_chips(struct ui *u, SDL_Rect *box, enum app_proto *which)
{
	const struct layout *L = &u->lay;
	SDL_Rect rc = ui_rect(&L->legend);
	int px = L->font_small, pad = layout_px(L, 6);
	int x = rc.x + pad, lh = text_line_height(u->text, FACE_BOLD, px);
	int y = rc.y + (rc.h - lh) / 2, n = 0;
	unsigned present = evlist_present(u);

	for (size_t i = 0; i < LEGEND_N; i++) {
		if (!(present & APP_HIDE(legend_order[i])))
			continue;
		int w = text_width(u->text, FACE_BOLD, px,
		    legend_name(u, legend_order[i]));
		SDL_Rect b = { x, y, w + 2 * pad, lh };
		if (x + b.w > rc.x + rc.w)
			break;
		box[n] = b;
		which[n++] = legend_order[i];
		x += b.w + pad;
	}
	return n;
}

int
draw_legend_hit(struct ui *u, int x, int y)
{
	SDL_Rect box[LEGEND_N];
	enum app_proto which[LEGEND_N];
	SDL_Point pt = { x, y };
	int n = legend_chips(u, box, which);

	for (int i = 0; i < n; i++)
		if (SDL_PointInRect(&pt, &box[i]))
			return (int)which[i];
	return -1;
}

int
draw_legend_nth(struct ui *u, int k)
{
	SDL_Rect box[LEGEND_N];
	enum app_proto which[LEGEND_N];
	int n = legend_chips(u, box, which);

	return k >= 0 && k < n ? (int)which[k] : -1;
}

/*
 * The legend is also the filter: each chip shows or hides its protocol.
 * A shown chip wears its colour; a hidden one is grey and struck through.
 */
void
draw_legend(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	SDL_Rect rc = ui_rect(&L->legend);
	int px = L->font_small, pad = layout_px(L, 6);
	int lh = text_line_height(u->text, FACE_BOLD, px);

	if (L->legend.h == 0)
		return;		/* presentation mode: no chips */
	int y = rc.y + (rc.h - lh) / 2, x = rc.x + pad;
	SDL_Rect box[LEGEND_N];

	ui_panel_begin(u, "chips", &L->legend);
	enum app_proto which[LEGEND_N];
	int n;

	draw_fill(u->r, rc, th->panel);
	draw_frame(u->r, rc, 1, th->edge);
	n = legend_chips(u, box, which);
	for (int i = 0; i < n; i++) {
		struct theme_proto pc = theme_proto(which[i]);
		const char *name = legend_name(u, which[i]);
		SDL_Rect out = { box[i].x - 1, box[i].y - 1, box[i].w + 2,
		    box[i].h + 2 };
		int tw = text_width(u->text, FACE_BOLD, px, name);

		if (u->app.hide & APP_HIDE(which[i])) {
			draw_round(u->r, out, lh / 4, th->dim);
			draw_round(u->r, box[i], lh / 4, th->panel);
			text_draw(u->text, FACE_BOLD, px, th->dim, box[i].x + pad,
			    y, name);
			draw_line(u->r, box[i].x + pad / 2.0, y + lh / 2.0,
			    box[i].x + pad * 1.5 + tw, y + lh / 2.0,
			    layout_px(L, 2), th->dim);
		} else {
			draw_round(u->r, out, lh / 4, th->text);
			draw_round(u->r, box[i], lh / 4, pc.fill);
			text_draw(u->text, FACE_BOLD, px, pc.ink, box[i].x + pad,
			    y, name);
		}
		x = box[i].x + box[i].w + pad;
	}
	double sz = lh * 0.3;
	if (x + lh + text_width(u->text, FACE_BOLD, px, ui_word(u, W_LOST)) <
	    rc.x + rc.w) {
		draw_cross(u->r, x + sz + 2, y + lh / 2.0, sz, layout_px(L, 3),
		    th->lost);
		text_draw(u->text, FACE_BOLD, px, th->text, (int)(x + 2 * sz + 6),
		    y, ui_word(u, W_LOST));
	}
}

/*
 * While a filter hides something, the picture says so and what, in its
 * top right corner: a class must not think those packets never flew.
 * 0 when nothing is hidden.
 */
static int
filtered_text(struct ui *u, char *buf, size_t sz)
{
	unsigned hidden = u->app.hide & evlist_present(u);
	int len;

	if (hidden == 0)
		return 0;
	len = snprintf(buf, sz, "%s:", ui_word(u, W_FILTERED));
	for (size_t i = 0; i < LEGEND_N && len > 0 && (size_t)len < sz; i++)
		if (hidden & APP_HIDE(legend_order[i]))
			len += snprintf(buf + len, sz - (size_t)len, "%s %s",
			    buf[len - 1] == ':' ? "" : ",",
			    legend_name(u, legend_order[i]));
	return 1;
}

static void
draw_filtered(struct ui *u)
{
	char buf[160];

	if (u->labels == NULL || u->labels->filtered.w <= 0 ||
	    !filtered_text(u, buf, sizeof buf))
		return;
	draw_chip(u, u->labels->filtered.x, u->labels->filtered.y,
	    u->th->badge, u->th->badge_text, buf, 0);
}

void
draw_picture(struct ui *u)
{
	SDL_Rect rc = ui_rect(&u->lay.picture);

	ui_panel_begin(u, "network", &u->lay.picture);
	draw_fill(u->r, rc, u->th->picture);
	SDL_RenderSetClipRect(u->r, &rc);
	draw_links(u);
	draw_nodes(u);
	draw_packets(u);
	draw_drops(u);
	draw_filtered(u);
	SDL_RenderSetClipRect(u->r, NULL);
	draw_frame(u->r, rc, 1, u->th->edge);
	draw_legend(u);
}

void
draw_tab(struct ui *u, const char *panel, const struct lrect *l,
    const char *name)
{
	const struct theme *th = u->th;
	int px = u->lay.font_small;
	int lh = text_line_height(u->text, FACE_BOLD, px);
	int y = l->y + layout_px(&u->lay, 8);

	ui_panel_begin(u, panel, l);
	draw_fill(u->r, ui_rect(l), th->panel);
	draw_frame(u->r, ui_rect(l), 1, th->edge);
	/* Letter under letter: upper case reads better that way. */
	for (const char *c = name; *c && y + lh <= l->y + l->h; ) {
		char ch[8];
		size_t n = 1;
		while (c[n] && ((unsigned char)c[n] & 0xc0) == 0x80 && n < 4)
			n++;
		memcpy(ch, c, n);
		ch[n] = '\0';
		if (n == 1 && ch[0] >= 'a' && ch[0] <= 'z')
			ch[0] = (char)(ch[0] - 32);
		if (ch[0] != ' ')
			text_draw_center(u->text, FACE_BOLD, px, th->dim,
			    l->x + l->w / 2, y, ch);
		y += lh;
		c += n;
	}
}
