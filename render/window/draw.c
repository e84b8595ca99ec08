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

void
draw_packets_layout(struct ui *u)
{
	const struct layout *L = &u->lay;
	int n;

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
	int px = L->font_small;
	int th = text_line_height(u->text, FACE_BOLD, px);
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct ui_packet *q = &u->pk[k];
		double x0, y0, x1, y1;

		/* A filtered protocol's packets are neither drawn nor clicked. */
		if (u->app.hide & APP_HIDE(u->vpk[i].proto))
			continue;
		k++;
		q->p = u->vpk[i];
		q->p.label = words_packet_label(ui_lang(u), q->p.label);
		link_ends(u, q->p.link, q->p.dir, &x0, &y0, &x1, &y1);
		double f = clamp01(q->p.len / 600.0);
		int tw = text_width(u->text, FACE_BOLD, px,
		    q->p.label ? q->p.label : "");
		int h = th + layout_px(L, 2 + 8 * f);
		int w = tw + layout_px(L, 8 + 18 * f);
		double len = hypot(x1 - x0, y1 - y0);
		/*
		 * A frame waiting for the link sits where the link leaves the
		 * sender's icon, clear of the node's name under the icon.
		 */
		double pr = q->p.queued ? (len > 0 ? fmin(0.35, L->icon * 0.8 /
		    len) : 0) : clamp01(q->p.progress);
		double cx = x0 + (x1 - x0) * pr, cy = y0 + (y1 - y0) * pr;
		/* Each direction on its own side of the line. */
		if (len > 0) {
			double off = h * 0.55 + layout_px(L, 2);
			cx += -(y1 - y0) / len * off;
			cy += (x1 - x0) / len * off;
		}
		q->box.x = (int)lround(cx - w / 2.0);
		q->box.y = (int)lround(cy - h / 2.0);
		q->box.w = w;
		q->box.h = h;
	}
	u->npk = k;
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
 * How far a node's name may reach to its left and right: half the way to
 * a neighbour on the same row, so two names never meet.
 */
static void
node_label_extent(struct ui *u, int i, int *left, int *right)
{
	const struct layout *L = &u->lay;
	int lh = text_line_height(u->text, FACE_SANS, L->font_small);
	double l = layout_px(L, 85), r = l, minw = layout_px(L, 36);

	for (int j = 0; j < u->sc->nnodes; j++) {
		if (j == i || fabs(L->ny[j] - L->ny[i]) > L->icon + 3 * lh)
			continue;
		double dx = L->nx[j] - L->nx[i];
		double half = fabs(dx) / 2 - layout_px(L, 4);
		if (dx > 0 && half < r)
			r = half;
		if (dx <= 0 && half < l)
			l = half;
	}
	*left = (int)(l < minw ? minw : l);
	*right = (int)(r < minw ? minw : r);
}

/* The icon, name and address of a node: what a label must not cover. */
static SDL_Rect
node_box(struct ui *u, int i)
{
	const struct layout *L = &u->lay;
	int lh = text_line_height(u->text, FACE_SANS, L->font_small);
	int left, right;

	node_label_extent(u, i, &left, &right);
	SDL_Rect r = { (int)L->nx[i] - left, (int)L->ny[i] - L->icon / 2,
	    left + right, L->icon + 3 * lh + layout_px(L, 2) };
	return r;
}

/* One line of a node's name or address, centred where it can be, on the picture's ground. */
static void
node_text(struct ui *u, enum text_face f, SDL_Color c, int cx, int left,
    int right, int y, const char *s)
{
	int px = u->lay.font_small, w, h;

	text_size(u->text, f, px, s, &w, &h);
	int x = cx - w / 2;
	if (x < cx - left)
		x = cx - left;
	if (x + w > cx + right)
		x = cx + right - w;
	if (w > left + right) {
		x = cx - left;
		w = left + right;
	}
	draw_fill(u->r, (SDL_Rect){ x - 2, y, w + 4, h }, u->th->picture);
	text_draw_fit(u->text, f, px, c, x, y, w, s);
}

static void
draw_links(struct ui *u)
{
	const struct view_state *st = view_state(u->view);
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	char buf[64];

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
	SDL_Rect *boxes = malloc((size_t)(u->sc->nnodes + 1) * sizeof *boxes);
	for (int j = 0; boxes && j < u->sc->nnodes; j++)
		boxes[j] = node_box(u, j);
	for (int i = 0; i < u->sc->nlinks; i++) {
		const struct sc_link *lk = &u->sc->links[i];
		double mx = (L->nx[lk->a] + L->nx[lk->b]) / 2;
		double my = (L->ny[lk->a] + L->ny[lk->b]) / 2;
		double ms = lk->latency_ns / 1e6;

		if (ms == floor(ms))
			snprintf(buf, sizeof buf, "%.0f ms", ms);
		else
			snprintf(buf, sizeof buf, "%.1f ms", ms);
		if (!st->link_up[i]) {
			char b2[96];
			snprintf(b2, sizeof b2, "✕ %s", ui_word(u, W_LINK_DOWN));
			draw_chip(u, (int)mx, (int)my - L->font_small, th->lost,
			    th->badge_text, b2, 1);
			continue;
		}
		int w, h;
		text_size(u->text, FACE_SANS, L->font_small, buf, &w, &h);
		/* Along the link, the first place that covers no node's name. */
		static const double at[] = { 0.5, 0.62, 0.38, 0.74, 0.26 };
		double ax = L->nx[lk->a], ay = L->ny[lk->a];
		double bx = L->nx[lk->b], by = L->ny[lk->b];
		for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
			double px = ax + (bx - ax) * at[k], py = ay + (by - ay) * at[k];
			SDL_Rect cand = { (int)px - w / 2 - 2, (int)py - h / 2,
			    w + 4, h };
			int clean = 1;
			for (int j = 0; j < u->sc->nnodes && clean; j++)
				if (boxes && SDL_HasIntersection(&cand, &boxes[j]))
					clean = 0;
			if (clean) {
				mx = px;
				my = py;
				break;
			}
		}
		SDL_Rect bg = { (int)mx - w / 2 - 2, (int)my - h / 2, w + 4, h };
		draw_fill(u->r, bg, th->picture);
		text_draw(u->text, FACE_SANS, L->font_small, th->dim, bg.x + 2,
		    bg.y, buf);
	}
	free(boxes);
}

static void
draw_nodes(struct ui *u)
{
	const struct view_state *st = view_state(u->view);
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	int is = L->icon, px = L->font_small;
	int lh = text_line_height(u->text, FACE_SANS, px);
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

		/* Name (three lines at most) and address under the icon. */
		int y = rc.y + rc.h + layout_px(L, 2), left, right;
		node_label_extent(u, i, &left, &right);
		char **lines;
		int nl = text_lines(u->text, FACE_BOLD, px, left + right,
		    ui_node_name(u, i), &lines);
		for (int j = 0; j < nl && j < 3; j++) {
			node_text(u, FACE_BOLD, up ? th->text : th->off, cx, left,
			    right, y, lines[j]);
			y += lh;
		}
		text_lines_free(lines, nl);
		uint32_t ip = n->ip;
		snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24,
		    (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
		node_text(u, FACE_SANS, up ? th->dim : th->off, cx, left, right, y,
		    buf);

		/* Badges: what the trace says this node holds now. */
		int bx = rc.x + rc.w + layout_px(L, 3), by = rc.y;
		struct {
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
			if (!b[j].show)
				continue;
			snprintf(buf, sizeof buf, "%s %d", ui_word(u, b[j].w),
			    b[j].count);
			SDL_Color bg = b[j].count ? th->badge : th->picture;
			SDL_Color fg = b[j].count ? th->badge_text : th->dim;
			int cw = draw_chip(u, bx, by, bg, fg, buf, 0);
			if (!b[j].count) {
				SDL_Rect fr = { bx, by, cw, lh };
				draw_frame(u->r, fr, 1, th->edge);
			}
			by += lh + layout_px(L, 2);
		}
	}
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
draw_packets(struct ui *u)
{
	const struct theme *th = u->th;
	const struct layout *L = &u->lay;
	int px = L->font_small;
	int bw = layout_px(L, 2);
	int nl = u->sc->nlinks;
	/* Frames waiting for each link and direction: only the first is drawn, with the count. */
	int *waiting = calloc((size_t)(2 * nl + 1), sizeof *waiting);
	uint8_t *shown = calloc((size_t)(2 * nl + 1), 1);

	if (waiting == NULL || shown == NULL)
		goto out;
	for (int i = 0; i < u->npk; i++)
		if (u->pk[i].p.queued && u->pk[i].p.link >= 0 &&
		    u->pk[i].p.link < nl)
			waiting[2 * u->pk[i].p.link + (u->pk[i].p.dir & 1)]++;
	for (int i = 0; i < u->npk; i++) {
		const struct ui_packet *q = &u->pk[i];
		struct theme_proto pc = theme_proto(q->p.proto);
		int selected = u->app.sel_packet &&
		    u->app.sel_frame == q->p.frame &&
		    u->app.sel_tx_step == q->p.tx_step;
		int ld = q->p.link >= 0 && q->p.link < nl ?
		    2 * q->p.link + (q->p.dir & 1) : 2 * nl;

		if (q->p.queued) {
			if (shown[ld] && !selected)
				continue;
			shown[ld] = 1;
		}
		SDL_Rect out = { q->box.x - bw, q->box.y - bw, q->box.w + 2 * bw,
		    q->box.h + 2 * bw };
		draw_packet_arrow(u, q, selected ? th->select : th->text);
		draw_round(u->r, out, out.h / 4, selected ? th->select : th->text);
		draw_round(u->r, q->box, q->box.h / 4, pc.fill);
		text_draw_center(u->text, FACE_BOLD, px, pc.ink,
		    q->box.x + q->box.w / 2, q->box.y + (q->box.h -
		    text_line_height(u->text, FACE_BOLD, px)) / 2,
		    q->p.label ? q->p.label : "");
		if (q->p.queued) {
			char buf[64];
			snprintf(buf, sizeof buf, "%d %s", waiting[ld],
			    ui_word(u, W_WAITING));
			/* Beside the frame, not under it, where names are. */
			draw_chip(u, q->box.x + q->box.w + 2 * bw, q->box.y +
			    (q->box.h - text_line_height(u->text, FACE_BOLD,
			    px)) / 2, th->badge, th->badge_text, buf, 0);
		}
	}
out:
	free(waiting);
	free(shown);
}

/* An X where a frame was lost recently, with the word "lost". */
static void
draw_drops(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	size_t step = u->app.step;
	size_t lo = step > 400 ? step - 400 : 0;
	uint64_t linger = 250 * SIM_MS;

	for (size_t s = step; s > lo; s--) {
		const struct trace_rec *r = trace_get(u->tr, s - 1);
		if (r->t + linger < u->app.t)
			break;
		if (r->kind != TR_FRAME_DROP || evlist_hidden(u, s - 1))
			continue;
		double x, y;
		int at_node = r->a != DROP_LOSS && r->a != DROP_LINK_DOWN &&
		    r->node >= 0 && r->node < u->sc->nnodes;
		if (at_node) {
			/* Refused by the node itself: beside its icon, clear of its name. */
			x = L->nx[r->node] - L->icon * 0.85;
			y = L->ny[r->node];
		} else if (r->link >= 0 && r->link < u->sc->nlinks) {
			double x0, y0, x1, y1;
			link_ends(u, r->link, r->dir, &x0, &y0, &x1, &y1);
			x = (x0 + x1) / 2;
			y = (y0 + y1) / 2;
		} else
			continue;
		double sz = layout_px(L, 9);
		draw_disc(u->r, x, y, sz * 1.7, th->picture);
		draw_cross(u->r, x, y, sz, layout_px(L, 4), th->lost);
		char buf[64];
		snprintf(buf, sizeof buf, "%s", ui_word(u, W_LOST));
		int lh = text_line_height(u->text, FACE_BOLD, L->font_small);
		draw_chip(u, (int)x, (int)(y - sz - lh - 2), th->lost,
		    th->badge_text, buf, 1);
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
 */
static void
draw_filtered(struct ui *u)
{
	const struct layout *L = &u->lay;
	unsigned hidden = u->app.hide & evlist_present(u);
	char buf[160];
	int len, w, h;

	if (hidden == 0)
		return;
	len = snprintf(buf, sizeof buf, "%s:", ui_word(u, W_FILTERED));
	for (size_t i = 0; i < LEGEND_N && len > 0 &&
	    (size_t)len < sizeof buf; i++)
		if (hidden & APP_HIDE(legend_order[i]))
			len += snprintf(buf + len, sizeof buf - (size_t)len,
			    "%s %s", buf[len - 1] == ':' ? "" : ",",
			    legend_name(u, legend_order[i]));
	text_size(u->text, FACE_BOLD, L->font_small, buf, &w, &h);
	int pad = layout_px(L, 4), m = layout_px(L, 6);
	draw_chip(u, L->picture.x + L->picture.w - m - w - 2 * pad,
	    L->picture.y + m, u->th->badge, u->th->badge_text, buf, 0);
}

void
draw_picture(struct ui *u)
{
	SDL_Rect rc = ui_rect(&u->lay.picture);

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
