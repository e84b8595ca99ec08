/*
 * window.c: the window: SDL start, the frame loop, the top bar, and
 * --screenshot (see window.h and ui.h).
 *
 * The frame loop follows ioquake3's split (shared/STYLE.md): the picture
 * is a function of the trace and the playback time alone; the wall clock
 * (SDL_GetPerformanceCounter) only says how far playback moves between
 * two frames while playing.  Paused, the loop sleeps in
 * SDL_WaitEventTimeout and draws only after an event.
 */
#include "ui.h"
#include "checkpoint.h"
#include "compare.h"
#include "cli.h"
#include "lang.h"
#include "lessons.h"
#include "util.h"
#include "window.h"

#include <SDL2/SDL_image.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

/* ---- the ui ---- */

/*
 * The languages: every one lang.h knows and can load (en and id are
 * compiled in; a teacher's file in assets/lang/ adds more), English
 * first so that L goes en -> id -> ... and back.
 */
static void
ui_langs(struct ui *u, const char *want)
{
	char *list = lang_list(), *save = NULL;

	u->nlangs = 0;
	u->fallback = lang_fallback();
	for (char *c = list ? strtok_r(list, ", ", &save) : NULL; c &&
	    u->nlangs < UI_MAX_LANGS; c = strtok_r(NULL, ", ", &save)) {
		const struct narr_lang *L = lang_get(c);
		if (L == NULL || strlen(c) >= sizeof u->lang_code[0])
			continue;
		int at = strcmp(c, "en") == 0 ? 0 : u->nlangs;
		for (int i = u->nlangs; i > at; i--) {
			memcpy(u->lang_code[i], u->lang_code[i - 1],
			    sizeof u->lang_code[i]);
			u->lang[i] = u->lang[i - 1];
		}
		snprintf(u->lang_code[at], sizeof u->lang_code[at], "%s", c);
		u->lang[at] = L;
		u->nlangs++;
	}
	free(list);
	if (u->nlangs == 0) {
		/* No narration files at all: the window's own words still work. */
		snprintf(u->lang_code[0], sizeof u->lang_code[0], "en");
		snprintf(u->lang_code[1], sizeof u->lang_code[1], "id");
		u->nlangs = 2;
	}
	if (want == NULL)
		want = lang_default();
	u->app.lang = 0;
	for (int i = 0; i < u->nlangs; i++)
		if (strcmp(u->lang_code[i], want) == 0)
			u->app.lang = i;
}

struct ui *
ui_new(struct scenario *sc, const struct ui_options *o, SDL_Renderer *r,
    int w, int h, char *err, size_t errsz)
{
	struct ui *u = calloc(1, sizeof *u);
	struct app keep;

	if (u == NULL) {
		snprintf(err, errsz, "out of memory");
		scenario_free(sc);
		return NULL;
	}
	u->r = r;
	u->live = o ? o->live : NULL;
	u->mouse_sx = u->mouse_sy = 1;
	u->scale = o && o->scale > 0 ? o->scale : 1;
	u->th = o && o->dark ? &theme_dark : &theme_light;
	u->name = strdup(o && o->name ? o->name : "default");
	u->chooser_sel = -1;
	if ((u->text = text_new(r, err, errsz)) == NULL) {
		scenario_free(sc);
		goto fail;
	}
	u->icons = icons_new(r);
	ui_langs(u, o ? o->lang : NULL);
	memset(&keep, 0, sizeof keep);
	keep.level = o ? o->level : DETAIL_STORY;
	keep.dark = o && o->dark;
	keep.hide = o ? o->hide : 0;
	keep.fullscreen = o && o->fullscreen;
	keep.present = o && o->present;
	keep.chooser = o && o->chooser;
	keep.speed = APP_SPEED_1X;
	keep.lang = u->app.lang;	/* ui_langs() chose it */
	if (ui_scenario_init(u, sc, &keep, err, errsz) != 0)
		goto fail;
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
	ui_resize(u, w, h);
	if (o && o->nadds > 0 && whatif_start(u, o->adds, o->nadds) != 0) {
		snprintf(err, errsz, "%s", u->toast);
		goto fail;
	}
	return u;
fail:
	ui_free(u);
	return NULL;
}

void
ui_free(struct ui *u)
{
	if (u == NULL)
		return;
	ui_scenario_free(u);
	panel_chooser_free(u);
	icons_free(u->icons);
	text_free(u->text);
	free(u->name);
	free(u);
}

int
ui_save_png(struct ui *u, char *out, size_t outsz)
{
	int w = 0, h = 0, rc = -1;

	snprintf(out, outsz, "surel-%s-step%zu.png", u->name, u->app.step);
	for (int k = 2; k < 1000 && access(out, F_OK) == 0; k++)
		snprintf(out, outsz, "surel-%s-step%zu-%d.png", u->name,
		    u->app.step, k);
	if (SDL_GetRendererOutputSize(u->r, &w, &h) != 0 || w <= 0 || h <= 0)
		return -1;
	SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32,
	    SDL_PIXELFORMAT_RGB888);
	if (sf != NULL && SDL_RenderReadPixels(u->r, NULL,
	    SDL_PIXELFORMAT_RGB888, sf->pixels, sf->pitch) == 0 &&
	    IMG_SavePNG(sf, out) == 0) {
		snprintf(u->toast, sizeof u->toast, "%s %s", ui_word(u,
		    W_SAVED), out);
		rc = 0;
	} else
		snprintf(u->toast, sizeof u->toast, "%s: %s", out,
		    SDL_GetError());
	SDL_FreeSurface(sf);
	u->toast_at = 0;
	u->app.dirty = 1;
	return rc;
}

void
ui_resize(struct ui *u, int w, int h)
{
	if (w < 320)
		w = 320;
	if (h < 200)
		h = 200;
	layout_compute(&u->lay, w, h, u->scale);
	u->app.dirty = 1;
}

/* The top bar: the scenario's title, the language, the keys. */
static void
ui_draw_top(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	SDL_Rect rc = ui_rect(&L->top);
	int pad = layout_px(L, 10);
	int lh = text_line_height(u->text, FACE_BOLD, L->font_title);
	int y = rc.y + (rc.h - lh) / 2;

	ui_panel_begin(u, "title", &L->top);
	draw_fill(u->r, rc, th->panel);
	draw_frame(u->r, (SDL_Rect){ rc.x, rc.y + rc.h - 1, rc.w, 1 }, 1,
	    th->edge);
	const char *title = sc_text_get(&u->sc->title, ui_lang(u));
	int x = rc.x + pad;
	/*
	 * The lesson's title comes first and whole wherever the bar can
	 * hold it beside the language chips (a cut title was issue 12's
	 * complaint); the list of keys takes what is left, or nothing.
	 */
	int langs_w = 0;
	for (int i = 0; i < u->nlangs; i++)
		langs_w += text_width(u->text, FACE_BOLD, L->font_small,
		    u->lang_code[i]) + pad + layout_px(L, 2);
	x += text_draw_fit(u->text, FACE_BOLD, L->font_title, th->text, x, y,
	    rc.w - 4 * pad - langs_w, title) + 2 * pad;

	/* Languages: the current one on a dark chip. */
	int sh = text_line_height(u->text, FACE_BOLD, L->font_small);
	int sy = rc.y + (rc.h - sh) / 2;
	for (int i = 0; i < u->nlangs; i++) {
		char code[8];
		snprintf(code, sizeof code, "%s", u->lang_code[i]);
		for (char *c = code; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		int w = text_width(u->text, FACE_BOLD, L->font_small, code) + pad;
		SDL_Rect chip = { x, sy, w, sh };
		if (i == u->app.lang) {
			draw_round(u->r, chip, sh / 4, th->badge);
			text_draw_center(u->text, FACE_BOLD, L->font_small,
			    th->badge_text, x + w / 2, sy, code);
		} else
			text_draw_center(u->text, FACE_SANS, L->font_small,
			    th->dim, x + w / 2, sy, code);
		x += w + layout_px(L, 2);
	}
	x += pad;
	/* The keys, right-aligned where they fit. */
	const char *keys = ui_word(u, W_KEYS);
	int kw = text_width(u->text, FACE_SANS, L->font_small, keys);
	int room = rc.x + rc.w - pad - x;
	if (kw <= room)
		text_draw(u->text, FACE_SANS, L->font_small, th->dim,
		    rc.x + rc.w - pad - kw, sy, keys);
	else if (room >= kw / 4)
		text_draw_fit(u->text, FACE_SANS, L->font_small, th->dim, x, sy,
		    room, keys);
}

/* A card in the middle of the window: a heading and a line under it. */
static void
ui_draw_card(struct ui *u, const char *head, const char *line)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	int pad = layout_px(L, 18), px_h = layout_px(L, 20),
	    px_l = layout_px(L, 15);
	int hh = text_line_height(u->text, FACE_BOLD, px_h);
	int lh = text_line_height(u->text, FACE_SANS, px_l);
	int tw = text_width(u->text, FACE_BOLD, px_h, head);
	int lw = text_width(u->text, FACE_SANS, px_l, line);
	int w = (tw > lw ? tw : lw) + 2 * pad;

	if (w > L->w - 2 * pad)
		w = L->w - 2 * pad;
	SDL_Rect c = { (L->w - w) / 2, (L->h - (hh + lh + 3 * pad)) / 2, w,
	    hh + lh + 3 * pad };
	draw_fill(u->r, c, th->panel);
	draw_frame(u->r, c, layout_px(L, 3), th->select);
	text_draw_fit(u->text, FACE_BOLD, px_h, th->text, c.x + pad, c.y + pad,
	    w - 2 * pad, head);
	text_draw_fit(u->text, FACE_SANS, px_l, th->dim, c.x + pad,
	    c.y + 2 * pad + hh, w - 2 * pad, line);
}

/* Esc: "Quit?", in the window's language (input.c). */
static void
ui_draw_ask_quit(struct ui *u)
{
	ui_draw_card(u, ui_word(u, W_ASK_QUIT), ui_word(u, W_ASK_QUIT_KEYS));
}

/* A line for a moment at the bottom, over the narration: "Saved ...". */
static void
ui_draw_toast(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	int px = layout_px(L, 15), pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_BOLD, px);
	int w = text_width(u->text, FACE_BOLD, px, u->toast) + 2 * pad;

	if (w > L->w)
		w = L->w;
	SDL_Rect c = { (L->w - w) / 2, L->timeline.y - lh - 3 * pad, w,
	    lh + 2 * pad };
	if (c.y < 0)
		c.y = 0;
	draw_round(u->r, c, pad, th->badge);
	text_draw_fit(u->text, FACE_BOLD, px, th->badge_text, c.x + pad,
	    c.y + pad, w - 2 * pad, u->toast);
}

void
ui_draw(struct ui *u)
{
	const struct theme *th = u->app.dark ? &theme_dark : &theme_light;

	if (th != u->th) {
		u->th = th;
		text_flush(u->text);
	}
	/* Presentation mode (P) has its own layout. */
	if (u->lay.present != u->app.present) {
		u->lay.present = u->app.present;
		ui_resize(u, u->lay.w, u->lay.h);
	}
	/* Every colour drawn is opaque: no blending makes software fills and triangles much cheaper. */
	SDL_SetRenderDrawBlendMode(u->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(u->r, th->bg.r, th->bg.g, th->bg.b, 255);
	SDL_RenderClear(u->r);
	if (u->app.chooser) {
		panel_chooser_draw(u);
		goto over;
	}
	draw_packets_layout(u);
	if (!u->app.present) {
		ui_draw_top(u);
		if (u->lay.fold_events)
			draw_tab(u, "events", &u->lay.events,
			    ui_word(u, W_EVENTS));
		else
			panel_events_draw(u);
	}
	if (u->app.center == APP_SEQUENCE)
		panel_sequence_draw(u);
	else {
		draw_picture(u);
		panel_whereis_marks(u);
	}
	if (!u->app.present)
		panel_whereis_draw(u);
	panel_narration_draw(u);
	if (u->app.present)
		;	/* presentation mode: no side panels */
	else if (u->lay.fold_right)
		draw_tab(u, "inspector", &u->lay.right, ui_word(u, W_INSPECTOR));
	else if (whatif_panel_shown(u))
		whatif_panel_draw(u);
	else if (u->app.right == RIGHT_NODE && u->app.sel_node >= 0)
		panel_node_draw(u);
	else
		panel_inspector_draw(u);
	whatif_draw(u);
	timeline_draw(u);
	if (u->app.quiz >= 0)
		panel_quiz_draw(u);
	whatif_menu_draw(u);
over:
	if (u->app.ask_quit)
		ui_draw_ask_quit(u);
	/* S: this frame, without the last "saved" line, to a PNG. */
	if (u->save_pending) {
		char name[512];
		u->save_pending = 0;
		if (ui_save_png(u, name, sizeof name) != 0)
			fprintf(stderr, "surel: %s\n", u->toast);
	}
	if (u->toast[0])
		ui_draw_toast(u);
	u->app.dirty = 0;
	u->frames++;
}

/* ---- options ---- */

#define WINDOW_MAX_ADDS	64

struct window_opts {
	const char	*file;
	struct ui_options ui;
	const char	*shot;
	long		 step;
	int		 has_step;
	const char	*field;		/* --field */
	const char	*boxes;		/* --boxes */
	int		 w, h;
	int		 has_size;	/* --size given: the window opens at w x h too */
	/* --add ACTION: a what-if, as `surel run --add` (cli_load_adds()). */
	const char	*adds[WINDOW_MAX_ADDS];
	int		 nadds;
};

static int
window_usage(const char *fmt, const char *arg)
{
	fputs("surel: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see surel --help)\n", stderr);
	return EXIT_USAGE;
}

/* --hide dns,tcp: the filters to start with (the legend's chips). */
static int
window_parse_hide(const char *v, unsigned *hide)
{
	static const struct {
		const char *name;
		enum app_proto p;
	} k[] = {
		{ "dns", APP_DNS }, { "smtp", APP_SMTP }, { "lmtp", APP_LMTP },
		{ "pop3", APP_POP3 }, { "imap", APP_IMAP }, { "tcp", APP_NONE },
	};

	*hide = 0;
	while (*v) {
		size_t n = strcspn(v, ","), i;
		for (i = 0; i < sizeof k / sizeof k[0]; i++)
			if (strlen(k[i].name) == n &&
			    strncasecmp(k[i].name, v, n) == 0)
				break;
		if (i == sizeof k / sizeof k[0])
			return -1;
		*hide |= APP_HIDE(k[i].p);
		v += n;
		if (*v == ',' && *++v == '\0')
			return -1;
	}
	return *hide ? 0 : -1;
}

static int
window_parse(int argc, char **argv, struct window_opts *o)
{
	memset(o, 0, sizeof *o);
	o->ui.scale = 1;
	o->w = 1280;
	o->h = 720;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--fullscreen") == 0) {
			o->ui.fullscreen = 1;
			continue;
		}
		if (strcmp(a, "--dark") == 0) {
			o->ui.dark = 1;
			continue;
		}
		if (strcmp(a, "--present") == 0) {
			o->ui.present = 1;
			continue;
		}
		if (strcmp(a, "--chooser") == 0) {
			o->ui.chooser = 1;
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			if (!window_is_option(a))
				return window_usage("unknown option '%s'", a);
			if (v == NULL)
				return window_usage("%s needs a value", a);
			i++;
			if (strcmp(a, "--lang") == 0) {
				if (!lang_known(v)) {
					char *list = lang_list();
					fprintf(stderr, "surel: --lang takes one of "
					    "%s, not '%s'\n", list ? list : "en, id",
					    v);
					free(list);
					return EXIT_USAGE;
				}
				o->ui.lang = v;
			} else if (strcmp(a, "--scale") == 0) {
				char *end;
				double s = strtod(v, &end);
				if (*end || !isfinite(s) || s < 0.5 || s > 4)
					return window_usage("--scale takes a "
					    "number from 0.5 to 4, not '%s'", v);
				o->ui.scale = s;
			} else if (strcmp(a, "--detail") == 0) {
				if (detail_parse(v, &o->ui.level) != 0)
					return window_usage("--detail takes story, "
					    "messages or packets, not '%s'", v);
			} else if (strcmp(a, "--hide") == 0) {
				if (window_parse_hide(v, &o->ui.hide) != 0)
					return window_usage("--hide takes protocols "
					    "separated by commas, of dns, smtp, lmtp, "
					    "pop3, imap, tcp (TCP only), not '%s'", v);
			} else if (strcmp(a, "--screenshot") == 0)
				o->shot = v;
			else if (strcmp(a, "--field") == 0)
				o->field = v;
			else if (strcmp(a, "--select") == 0)
				o->ui.select = v;
			else if (strcmp(a, "--boxes") == 0)
				o->boxes = v;
			else if (strcmp(a, "--add") == 0) {
				if (o->nadds == WINDOW_MAX_ADDS)
					return window_usage("at most %s --add",
					    "64");
				o->adds[o->nadds++] = v;
			}
			else if (strcmp(a, "--step") == 0) {
				char *end;
				errno = 0;
				long n = strtol(v, &end, 10);
				if (*v < '0' || *v > '9' || *end || errno)
					return window_usage("--step takes a "
					    "whole number >= 0, not '%s'", v);
				o->step = n;
				o->has_step = 1;
			} else if (strcmp(a, "--size") == 0) {
				int w, h;
				char x, extra;
				if (sscanf(v, "%d%c%d%c", &w, &x, &h, &extra) != 3 ||
				    (x != 'x' && x != 'X') || w < 320 || h < 200 ||
				    w > 8192 || h > 8192)
					return window_usage("--size takes WxH "
					    "(320x200 to 8192x8192), not '%s'", v);
				o->w = w;
				o->h = h;
				o->has_size = 1;
			}
			continue;
		}
		if (o->file)
			return window_usage("more than one scenario ('%s')", a);
		o->file = a;
	}
	if (o->field && !o->shot)
		return window_usage("%s", "--field goes with --screenshot");
	if (o->boxes && !o->shot)
		return window_usage("%s", "--boxes goes with --screenshot: it "
		    "says where the texts of that picture are");
	return 0;
}

/* ---- --screenshot ---- */

/*
 * A picture of one step, drawn by the software renderer on an RGB888
 * surface: no video subsystem, no display, and the same bytes on every
 * run (shared/SDL-NOTES.md).
 */
int
window_screenshot(struct scenario *sc, const struct ui_options *uo,
    int w, int h, long step, const char *out)
{
	return window_screenshot_field(sc, uo, w, h, step, NULL, out);
}

int
window_screenshot_field(struct scenario *sc, const struct ui_options *uo,
    int w, int h, long step, const char *field, const char *out)
{
	return window_screenshot_boxes(sc, uo, w, h, step, field, out, NULL);
}

/* Writes txt (NULL: out of memory) to path; 0 or -1, with a message. */
static int
window_write(const char *path, const char *txt)
{
	FILE *f = txt ? fopen(path, "w") : NULL;
	int bad = f == NULL;

	if (f) {
		bad = fputs(txt, f) < 0 || fputc('\n', f) < 0;
		bad = fclose(f) != 0 || bad;
	}
	if (bad)
		fprintf(stderr, "surel: %s: cannot write the boxes: %s\n", path,
		    txt ? strerror(errno) : "out of memory");
	return bad ? -1 : 0;
}

/* Draws the current state, recording every text: the frame's boxes. */
cJSON *
ui_draw_boxes(struct ui *u)
{
	const struct text_box *b;
	const struct text_panel *p;
	cJSON *root = cJSON_CreateObject();
	cJSON *panels = cJSON_AddArrayToObject(root, "panels");
	cJSON *boxes = cJSON_AddArrayToObject(root, "boxes");

	text_record(u->text, 1);
	ui_draw(u);
	int np = text_panels(u->text, &p), nb = text_boxes(u->text, &b);
	for (int i = 0; i < np; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", p[i].name);
		cJSON_AddNumberToObject(o, "x", p[i].x);
		cJSON_AddNumberToObject(o, "y", p[i].y);
		cJSON_AddNumberToObject(o, "w", p[i].w);
		cJSON_AddNumberToObject(o, "h", p[i].h);
		cJSON_AddItemToArray(panels, o);
	}
	for (int i = 0; i < nb; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "panel", b[i].panel);
		cJSON_AddNumberToObject(o, "x", b[i].x);
		cJSON_AddNumberToObject(o, "y", b[i].y);
		cJSON_AddNumberToObject(o, "w", b[i].w);
		cJSON_AddNumberToObject(o, "h", b[i].h);
		cJSON_AddStringToObject(o, "text", b[i].s);
		cJSON_AddNumberToObject(o, "px", b[i].px);
		cJSON_AddItemToArray(boxes, o);
	}
	text_record(u->text, 0);
	return root;
}

int
window_screenshot_boxes(struct scenario *sc, const struct ui_options *uo,
    int w, int h, long step, const char *field, const char *out,
    const char *boxes)
{
	char err[512];
	int rc = 1;

	if (TTF_Init() != 0) {
		fprintf(stderr, "surel: cannot start SDL_ttf: %s\n",
		    TTF_GetError());
		scenario_free(sc);
		return 1;
	}
	SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32,
	    SDL_PIXELFORMAT_RGB888);
	SDL_Renderer *r = sf ? SDL_CreateSoftwareRenderer(sf) : NULL;
	if (r == NULL) {
		fprintf(stderr, "surel: cannot draw a %dx%d picture: %s\n", w, h,
		    SDL_GetError());
		scenario_free(sc);
		goto out;
	}
	struct ui *u = ui_new(sc, uo, r, w, h, err, sizeof err);
	if (u == NULL) {
		fprintf(stderr, "surel: %s\n", err);
		goto out;
	}
	/* A step past the end is the last; a checkpoint's step shows its question. */
	app_seek_ask(&u->app, step < 0 ? 0 : (size_t)step);
	/* --field: a field of the packet lit, as a click on its row does. */
	if (field != NULL &&
	    (u->app.sel_field = panel_inspector_find(u, field)) < 0) {
		fprintf(stderr, "surel: --field %s: the packet of step %ld has "
		    "no such field (keys such as tcp.seq, ip.ttl, dns.flags)\n",
		    field, step);
		rc = EXIT_USAGE;
		ui_free(u);
		goto out;
	}
	/* --select: a node's holdings shown (and a mail opened), as clicks do. */
	if (uo->select != NULL && panel_node_select(u, uo->select) != 0) {
		rc = EXIT_USAGE;
		ui_free(u);
		goto out;
	}
	if (boxes) {
		cJSON *j = ui_draw_boxes(u);
		char *txt = j ? cJSON_Print(j) : NULL;
		int bad = window_write(boxes, txt);
		free(txt);
		cJSON_Delete(j);
		if (bad) {
			ui_free(u);
			goto out;
		}
	} else
		ui_draw(u);
	SDL_RenderPresent(r);
	if (IMG_SavePNG(sf, out) != 0)
		fprintf(stderr, "surel: %s: cannot write the picture: %s\n", out,
		    IMG_GetError());
	else
		rc = 0;
	ui_free(u);
out:
	if (r)
		SDL_DestroyRenderer(r);
	if (sf)
		SDL_FreeSurface(sf);
	TTF_Quit();
	return rc;
}

/* ---- the window ---- */

static void
window_fullscreen(SDL_Window *win, int on)
{
	SDL_SetWindowFullscreen(win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
}

static int
window_run(struct scenario *sc, const struct ui_options *uo, long step,
    int want_w, int want_h)
{
	char err[512];
	int rc = 1;
	SDL_Window *win = NULL;
	SDL_Renderer *r = NULL;
	struct ui *u = NULL;

	/*
	 * With no display SDL falls back to drivers that draw nowhere
	 * (offscreen, dummy): a window nobody sees would wait forever.  Those
	 * only when asked for by name (the tests do).
	 */
	const char *asked = getenv("SDL_VIDEODRIVER");
	const char *drv = NULL;
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 ||
	    ((drv = SDL_GetCurrentVideoDriver()) != NULL &&
	    (strcmp(drv, "offscreen") == 0 || strcmp(drv, "dummy") == 0) &&
	    (asked == NULL || strcmp(asked, drv) != 0))) {
		fprintf(stderr, "surel: cannot open a window: %s\n(no display? "
		    "`surel run` works without one, and --screenshot makes a "
		    "picture)\n", drv ? "no display found" : SDL_GetError());
		scenario_free(sc);
		SDL_Quit();
		return 1;
	}
	if (TTF_Init() != 0) {
		fprintf(stderr, "surel: cannot start SDL_ttf: %s\n",
		    TTF_GetError());
		scenario_free(sc);
		goto out;
	}
	/* A window of 3/4 of the screen, 16:9, at least 960x540. */
	int w = 1280, h = 720;
	SDL_Rect db;
	if (SDL_GetDisplayUsableBounds(0, &db) == 0 && db.w > 0 && db.h > 0) {
		w = db.w * 3 / 4;
		h = w * 9 / 16;
		if (h > db.h * 3 / 4) {
			h = db.h * 3 / 4;
			w = h * 16 / 9;
		}
		if (w < 960) {
			w = 960;
			h = 540;
		}
	}
	/* --size without --screenshot: the window at that size (a projector's, say). */
	if (want_w > 0 && want_h > 0) {
		w = want_w;
		h = want_h;
	}
	win = SDL_CreateWindow("surel", SDL_WINDOWPOS_CENTERED,
	    SDL_WINDOWPOS_CENTERED, w, h, SDL_WINDOW_RESIZABLE |
	    SDL_WINDOW_ALLOW_HIGHDPI | (uo->fullscreen ?
	    SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
	if (win == NULL) {
		fprintf(stderr, "surel: cannot open a window: %s\n",
		    SDL_GetError());
		scenario_free(sc);
		goto out;
	}
	SDL_SetWindowMinimumSize(win, 640, 360);
	r = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED |
	    SDL_RENDERER_PRESENTVSYNC);
	if (r == NULL)
		r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
	if (r == NULL) {
		fprintf(stderr, "surel: cannot draw in the window: %s\n",
		    SDL_GetError());
		scenario_free(sc);
		goto out;
	}
	int ow, oh;
	SDL_GetRendererOutputSize(r, &ow, &oh);
	u = ui_new(sc, uo, r, ow, oh, err, sizeof err);
	if (u == NULL) {
		fprintf(stderr, "surel: %s\n", err);
		goto out;
	}
	if (uo->select != NULL)
		(void)panel_node_select(u, uo->select);	/* checked in window_main */
	/* Live, the trace is still empty: a checkpoint finds its step later. */
	for (int i = 0; i < u->sc->ncheckpoints && u->live == NULL; i++)
		if (u->cp_steps[i] == 0)
			fprintf(stderr, "surel: checkpoints[%d] names no step of "
			    "this scenario and is never asked (surel check "
			    "says why)\n", i);
	/* --step N: there, as playback arriving there would be (a question open). */
	if (step > 0)
		app_seek_ask(&u->app, (size_t)step);
	/* A .json file dropped on the window opens (input.c). */
	SDL_EventState(SDL_DROPFILE, SDL_ENABLE);
	int loads = 0;

	Uint64 freq = SDL_GetPerformanceFrequency(), last =
	    SDL_GetPerformanceCounter();
	int fullscreen = u->app.fullscreen;
	while (!u->app.quit) {
		SDL_Event ev;

		if (!u->app.playing && !u->app.dirty) {
			/* Paused: sleep until something happens (live: the world moves on). */
			if (SDL_WaitEventTimeout(&ev, u->live ? 10 : 500))
				input_event(u, &ev);
			last = SDL_GetPerformanceCounter();
		}
		if (u->live)
			live_tick(u);
		while (SDL_PollEvent(&ev))
			input_event(u, &ev);
		/* The window's title follows the scenario shown. */
		if (u->loads != loads) {
			char title[256];
			loads = u->loads;
			snprintf(title, sizeof title, "surel: %s",
			    sc_text_get(&u->sc->title, ui_lang(u)));
			SDL_SetWindowTitle(win, title);
		}
		/* A line such as "saved ..." stays three seconds. */
		if (u->toast[0] && u->toast_at == 0)
			u->toast_at = SDL_GetTicks() | 1;
		else if (u->toast[0] && SDL_GetTicks() - u->toast_at > 3000) {
			u->toast[0] = '\0';
			u->toast_at = 0;
			u->app.dirty = 1;
		}
		if (u->app.fullscreen != fullscreen) {
			fullscreen = u->app.fullscreen;
			window_fullscreen(win, fullscreen);
		}
		SDL_GetRendererOutputSize(r, &ow, &oh);
		if (ow != u->lay.w || oh != u->lay.h)
			ui_resize(u, ow, oh);
		/* Mouse positions arrive in window units; the layout is in pixels. */
		int ww, wh;
		SDL_GetWindowSize(win, &ww, &wh);
		u->mouse_sx = ww > 0 ? (double)ow / ww : 1;
		u->mouse_sy = wh > 0 ? (double)oh / wh : 1;
		Uint64 now = SDL_GetPerformanceCounter();
		double wall = (double)(now - last) / (double)freq;
		last = now;
		if (wall > 0.1)
			wall = 0.1;		/* after a stall, do not jump */
		app_advance(&u->app, wall);
		if (u->app.dirty) {
			ui_draw(u);
			SDL_RenderPresent(r);
		}
		/* Vsync paces a GPU; without it, no more than about 60 frames a second. */
		if (u->app.playing) {
			double spent = (double)(SDL_GetPerformanceCounter() - now) /
			    (double)freq;
			SDL_Delay(spent < 1.0 / 60 ? (Uint32)((1.0 / 60 - spent) *
			    1000) + 1 : 1);
		}
	}
	rc = 0;
	/* For the smoke test under Xvfb: where the keys it sent have led. */
	const char *state = getenv("SUREL_STATE_OUT");
	FILE *sf = state && *state ? fopen(state, "w") : NULL;
	if (sf) {
		fprintf(sf, "step=%zu lang=%s playing=%d center=%d frames=%d "
		    "lesson=%s present=%d chooser=%d quiz=%d whatif=%d "
		    "showing=%d differ=%d toast=%s\n",
		    u->app.step, ui_lang(u), u->app.playing, (int)u->app.center,
		    u->frames, u->name, u->app.present, u->app.chooser,
		    u->app.quiz, whatif_count(u), whatif_showing(u),
		    whatif_comparison(u) ? whatif_comparison(u)->ndiffer : -1,
		    u->toast);
		fclose(sf);
	}
out:
	ui_free(u);
	if (r)
		SDL_DestroyRenderer(r);
	if (win)
		SDL_DestroyWindow(win);
	if (TTF_WasInit())
		TTF_Quit();
	SDL_Quit();
	return rc;
}

int
window_main(int argc, char **argv)
{
	struct window_opts o;
	int rc = window_parse(argc, argv, &o);

	if (rc != 0)
		return rc;
	struct scenario *sc = cli_load_adds(o.file, o.adds, o.nadds, NULL);
	if (sc == NULL)
		return EXIT_USAGE;
	/* --add: checked above; the window opens on the file alone and forks (whatif.c). */
	if (o.nadds > 0) {
		scenario_free(sc);
		if ((sc = cli_load(o.file)) == NULL)
			return EXIT_USAGE;
		o.ui.adds = o.adds;
		o.ui.nadds = o.nadds;
	}
	if (o.ui.select != NULL && panel_node_check(sc, o.ui.select) != 0) {
		scenario_free(sc);
		return EXIT_USAGE;
	}
	/* The lesson's name, for the pictures S saves: "default", "06-unknown-user". */
	char *path = NULL, *name = NULL;
	if (o.file != NULL && strcmp(o.file, "-") == 0)
		name = xstrdup("stdin");
	else if (o.file != NULL && lessons_resolve(o.file, &path) >= 0)
		name = lesson_name(path);
	free(path);
	o.ui.name = name;
	if (o.shot)
		rc = window_screenshot_boxes(sc, &o.ui, o.w, o.h, o.step,
		    o.field, o.shot, o.boxes);
	else
		rc = window_run(sc, &o.ui, o.has_step ? o.step : 0,
		    o.has_size ? o.w : 0, o.has_size ? o.h : 0);
	free(name);
	return rc;
}

/* surel live: the window on a world that real clients talk to (live.c). */
int
window_live(struct bridge *b, struct scenario *sc, const char *lang,
    double scale)
{
	struct ui_options uo;

	memset(&uo, 0, sizeof uo);
	uo.lang = lang;
	uo.scale = scale;
	uo.live = b;
	uo.name = "live";
	return window_run(sc, &uo, 0, 0, 0);
}
