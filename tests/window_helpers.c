/*
 * window_helpers.c: see window_helpers.h.
 */
#include "window_helpers.h"
#include "cli.h"

#include <SDL2/SDL_image.h>
#include <SDL2/SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
wh_open_scenario(struct wh *w, struct scenario *sc, int width, int height,
    const char *lang)
{
	struct ui_options o = { .lang = lang ? lang : "en", .scale = 1 };
	char err[512];

	memset(w, 0, sizeof *w);
	if (sc == NULL)
		return -1;
	if (!TTF_WasInit() && TTF_Init() != 0) {
		scenario_free(sc);
		return -1;
	}
	w->sf = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32,
	    SDL_PIXELFORMAT_RGB888);
	w->r = w->sf ? SDL_CreateSoftwareRenderer(w->sf) : NULL;
	if (w->r == NULL) {
		scenario_free(sc);
		wh_close(w);
		return -1;
	}
	w->u = ui_new(sc, &o, w->r, width, height, err, sizeof err);
	if (w->u == NULL) {
		fprintf(stderr, "wh_open: %s\n", err);
		wh_close(w);
		return -1;
	}
	return 0;
}

int
wh_open(struct wh *w, const char *file, int width, int height,
    const char *lang)
{
	return wh_open_scenario(w, cli_load(file), width, height, lang);
}

void
wh_close(struct wh *w)
{
	ui_free(w->u);
	if (w->r)
		SDL_DestroyRenderer(w->r);
	if (w->sf)
		SDL_FreeSurface(w->sf);
	memset(w, 0, sizeof *w);
}

void
wh_draw(struct wh *w)
{
	ui_draw(w->u);
	SDL_RenderPresent(w->r);
}

long
wh_resolve(struct ui *u, const char *what)
{
	size_t n = trace_count(u->tr);
	long k = 0;

	if (strncmp(what, "step:", 5) == 0)
		return atol(what + 5);
	if (strncmp(what, "app:", 4) == 0) {
		char proto[16] = "";
		long want = 1;
		sscanf(what + 4, "%15[^:]:%ld", proto, &want);
		for (size_t i = 0; i < n; i++) {
			const struct trace_rec r = trace_at(u->tr, i);
			if (r.kind == TR_APP && strcmp(app_proto_name(
			    (enum app_proto)r.a), proto) == 0 && ++k == want)
				return (long)i + 1;
		}
		return -1;
	}
	if (strncmp(what, "text:", 5) == 0) {
		char words[128];
		long want = 1;
		snprintf(words, sizeof words, "%s", what + 5);
		char *hash = strrchr(words, '#');
		if (hash) {
			*hash = '\0';
			want = atol(hash + 1);
		}
		for (char *c = words; *c; c++)
			if (*c == '_')
				*c = ' ';	/* list.txt has no spaces in a field */
		for (size_t i = 0; i < n; i++) {
			const struct trace_rec r = trace_at(u->tr, i);
			if (r.kind == TR_APP && r.text &&
			    strstr(trace_text_at(u->tr, r.text), words) &&
			    ++k == want)
				return (long)i + 1;
		}
		return -1;
	}
	if (strncmp(what, "chapter:", 8) == 0) {
		const struct view_chapter *ch;
		int nch = view_chapters(u->view, &ch);
		for (int i = 0; i < nch; i++)
			if (strcmp(ch[i].key, what + 8) == 0)
				return (long)ch[i].step;
		return -1;
	}
	if (strncmp(what, "drop:", 5) == 0) {
		long want = atol(what + 5);
		for (size_t i = 0; i < n; i++)
			if (trace_at(u->tr, i).kind == TR_FRAME_DROP &&
			    ++k == want)
				return (long)i + 1;
		return -1;
	}
	if (strncmp(what, "state:", 6) == 0) {
		for (size_t i = 0; i < n; i++) {
			const struct trace_rec r = trace_at(u->tr, i);
			if (r.kind == TR_STATE && strcmp(state_what_name(
			    (enum state_what)r.a), what + 6) == 0)
				return (long)i + 1;
		}
		return -1;
	}
	if (strncmp(what, "frame:", 6) == 0) {
		/* The first frame whose bytes hold WORDS, as its creator sends it. */
		char words[128];
		snprintf(words, sizeof words, "%s", what + 6);
		for (char *c = words; *c; c++)
			if (*c == '_')
				*c = ' ';
		size_t wl = strlen(words);
		for (size_t i = 0; i < n && wl > 0; i++) {
			const struct trace_rec r = trace_at(u->tr, i);
			if (r.kind != TR_FRAME_TX || !r.a)
				continue;
			const struct trace_frame *f = trace_frame(u->tr, r.frame);
			const uint8_t *p = trace_frame_bytes(u->tr, r.frame);
			for (size_t off = 0; off + wl <= f->len; off++)
				if (memcmp(p + off, words, wl) == 0)
					return (long)i + 1;
		}
		return -1;
	}
	if (strcmp(what, "busiest") == 0) {
		struct view_packet p[64];
		long best = 0;
		int most = -1;
		for (size_t s = 0; s <= n; s++) {
			int c = view_packets(u->view, view_step_time(u->view, s),
			    p, 64);
			if (c > most) {
				most = c;
				best = (long)s;
			}
		}
		return best;
	}
	return -1;
}

long
wh_apply(struct ui *u, const char *what)
{
	if (strncmp(what, "quiz:", 5) == 0) {
		int k = -1, choice = -1;
		if (sscanf(what + 5, "%d:%d", &k, &choice) < 1 || k < 0 ||
		    k >= u->app.ncps || u->cp_steps[k] == 0)
			return -1;
		struct app_command step = { CMD_STEP, 1, 0 };
		struct app_command ans = { CMD_ANSWER, choice, 0 };
		struct app_command skip = { CMD_SKIP, 0, 0 };
		while (u->app.quiz >= 0)
			app_do(&u->app, &skip);
		/* As the quiz tests play it: one step at a time (packets). */
		u->app.level = DETAIL_PACKETS;
		app_seek(&u->app, u->cp_steps[k] - 1);
		app_do(&u->app, &step);
		/* Questions before it at the same step are skipped. */
		while (u->app.quiz >= 0 && u->app.quiz != k &&
		    u->cp_steps[u->app.quiz] == u->cp_steps[k])
			app_do(&u->app, &skip);
		if (u->app.quiz != k)
			return -1;
		if (choice >= 0)
			app_do(&u->app, &ans);
		return (long)u->app.step;
	}
	/* "WHAT+N": N steps after WHAT. */
	char base[160];
	long plus = 0;
	snprintf(base, sizeof base, "%s", what);
	char *p = strrchr(base, '+');
	if (p != NULL && p[1] >= '0' && p[1] <= '9' &&
	    strspn(p + 1, "0123456789") == strlen(p + 1)) {
		plus = atol(p + 1);
		*p = '\0';
	}
	long step = wh_resolve(u, base);
	if (step >= 0)
		step += plus;
	app_seek(&u->app, step < 0 ? 0 : (size_t)step);
	return step;
}

long
wh_compare_png(SDL_Surface *sf, const char *png, int tol, char *msg,
    size_t msgsz)
{
	SDL_Surface *raw = IMG_Load(png);

	if (raw == NULL) {
		snprintf(msg, msgsz, "%s: cannot read (%s); `make golden` "
		    "makes it", png, IMG_GetError());
		return -1;
	}
	SDL_Surface *g = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB888,
	    0);
	SDL_FreeSurface(raw);
	if (g == NULL || g->w != sf->w || g->h != sf->h) {
		snprintf(msg, msgsz, "%s: %dx%d, the picture is %dx%d", png,
		    g ? g->w : 0, g ? g->h : 0, sf->w, sf->h);
		if (g)
			SDL_FreeSurface(g);
		return -1;
	}
	long bad = 0;
	SDL_LockSurface(sf);
	SDL_LockSurface(g);
	for (int y = 0; y < sf->h; y++) {
		const Uint32 *a = (const Uint32 *)((const Uint8 *)sf->pixels +
		    (size_t)y * (size_t)sf->pitch);
		const Uint32 *b = (const Uint32 *)((const Uint8 *)g->pixels +
		    (size_t)y * (size_t)g->pitch);
		for (int x = 0; x < sf->w; x++)
			for (int c = 0; c < 24; c += 8) {
				int d = (int)((a[x] >> c) & 255) -
				    (int)((b[x] >> c) & 255);
				if (d > tol || d < -tol) {
					bad++;
					break;
				}
			}
	}
	SDL_UnlockSurface(g);
	SDL_UnlockSurface(sf);
	SDL_FreeSurface(g);
	snprintf(msg, msgsz, "%s: %ld pixels differ by more than %d", png, bad,
	    tol);
	return bad;
}

int
wh_golden_list(struct wh_golden **out)
{
	FILE *f = fopen("tests/golden/list.txt", "r");
	char line[512];
	int n = 0, cap = 0;
	struct wh_golden *g = NULL;

	*out = NULL;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct wh_golden *p = realloc(g, (size_t)cap * sizeof *p);
			if (p == NULL)
				break;
			g = p;
		}
		memset(&g[n], 0, sizeof g[n]);
		if (sscanf(line, "%63s %255s %127s %7s", g[n].name, g[n].file,
		    g[n].what, g[n].lang) >= 3)
			n++;
	}
	fclose(f);
	*out = g;
	return n;
}

/* ---- events, as input.c gets them from SDL ---- */

void
wh_key(struct wh *w, SDL_Keycode sym, Uint16 mod)
{
	SDL_Event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = SDL_KEYDOWN;
	ev.key.state = SDL_PRESSED;
	ev.key.keysym.sym = sym;
	ev.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
	ev.key.keysym.mod = mod;
	input_event(w->u, &ev);
	wh_draw(w);
}

void
wh_click(struct wh *w, int x, int y, int button)
{
	SDL_Event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = SDL_MOUSEBUTTONDOWN;
	ev.button.button = (Uint8)button;
	ev.button.state = SDL_PRESSED;
	ev.button.clicks = 1;
	ev.button.x = x;
	ev.button.y = y;
	input_event(w->u, &ev);
	ev.type = SDL_MOUSEBUTTONUP;
	ev.button.state = SDL_RELEASED;
	input_event(w->u, &ev);
	wh_draw(w);
}

void
wh_text(struct wh *w, const char *utf8)
{
	SDL_Event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = SDL_TEXTINPUT;
	snprintf(ev.text.text, sizeof ev.text.text, "%s", utf8);
	input_event(w->u, &ev);
	wh_draw(w);
}
