/*
 * whatif.c: interventions at the current step (issue 14, points 1-3).
 *
 * K on the selected node switches it off (or on, where it is off) at the
 * current step: the window runs the scenario again with one more power
 * action (scenario_load_adds(), the file's own text and the added
 * actions, checked by the file's parser) and stays at the same step of
 * the new future.  The action is 1 ns after the step's time, so every
 * record up to the step, and those at the same time after it, is the
 * same record as before: the past is kept.  W shows the original or the
 * what-if, U undoes the last intervention; they stack.  While there is
 * one, a box on the picture lists compare_text()'s outcome of every
 * message in the original and in the what-if, and the timeline marks
 * where each intervention was made.
 */
#include "ui.h"
#include "whatif.h"
#include "compare.h"
#include "scenario.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scenario with the first n interventions; NULL with the toast saying why. */
static struct scenario *
whatif_scenario(struct ui *u, int n)
{
	struct ui_whatif *w = u->wi;
	struct sc_errors errs = { 0 };
	struct scenario *sc;

	if (n == 0)
		sc = scenario_load(w->text, w->len, w->file, &errs);
	else
		sc = scenario_load_adds(w->text, w->len, w->file,
		    (const char *const *)w->adds, n, NULL, &errs);
	if (sc == NULL)
		snprintf(u->toast, sizeof u->toast, "%s",
		    errs.n > 0 ? errs.msg[0] : "?");
	sc_errors_free(&errs);
	return sc;
}

/* The other run (the one not shown), compared with the one shown. */
static void
whatif_compare(struct ui *u)
{
	struct ui_whatif *w = u->wi;

	if (w->has_cmp)
		compare_free(&w->cmp);
	w->has_cmp = 0;
	if (w->n == 0)
		return;
	struct scenario *sc = whatif_scenario(u, w->original ? w->n : 0);
	if (sc == NULL)
		return;
	struct sim *other = sim_new(sc, sc->seed);
	sim_run(other);
	if (w->original)
		compare_sims(u->sim, other, &w->cmp);
	else
		compare_sims(other, u->sim, &w->cmp);
	w->has_cmp = 1;
	sim_free(other);
	scenario_free(sc);
}

/*
 * Run the shown scenario again (the original or the what-if) and go to
 * step, keeping the selected node and what the window shows; 0 or -1.
 */
static int
whatif_rebuild(struct ui *u, size_t step)
{
	struct ui_whatif *w = u->wi;
	struct app keep = u->app;
	char err[256];
	int wd = u->lay.w, ht = u->lay.h;

	struct scenario *sc = whatif_scenario(u, w->original ? 0 : w->n);
	if (sc == NULL)
		return -1;
	/* The interventions outlive the run they replace. */
	u->wi = NULL;
	ui_scenario_free(u);
	u->wi = w;
	if (ui_scenario_init(u, sc, &keep, err, sizeof err) != 0)
		fatalx("surel: %s", err);
	u->app.center = keep.center;
	u->app.right = keep.right;
	u->app.sel_node = keep.sel_node < u->sc->nnodes ? keep.sel_node : -1;
	app_seek(&u->app, step);
	whatif_compare(u);
	/* The comparison's strip: which run is shown, then a line a message, at most 5. */
	u->lay.compare_lines = 0;
	if (w->has_cmp) {
		int n = 1 + w->cmp.nrows;
		u->lay.compare_lines = n > WI_LINES ? WI_LINES : n;
	}
	layout_compute(&u->lay, wd, ht, u->scale);
	u->app.dirty = 1;
	return 0;
}

/* The first time: keep the file's text, the ground of every what-if. */
static struct ui_whatif *
whatif_get(struct ui *u)
{
	if (u->wi != NULL)
		return u->wi;
	if (u->sc->src == NULL)
		return NULL;
	u->wi = xcalloc(1, sizeof *u->wi);
	u->wi->text = xstrdup(u->sc->src);
	u->wi->len = u->sc->srclen;
	u->wi->file = xstrdup(u->sc->srcname ? u->sc->srcname : "-");
	return u->wi;
}

static int
whatif_refuse(struct ui *u, enum word why)
{
	snprintf(u->toast, sizeof u->toast, "%s", ui_word(u, why));
	u->toast_at = 0;
	u->app.dirty = 1;
	return -1;
}

int
whatif_power(struct ui *u)
{
	int node = u->app.sel_node;
	struct ui_whatif *w;
	struct buf b = { 0 };
	char sentence[512];

	if (node < 0 || node >= u->sc->nnodes)
		return whatif_refuse(u, W_WI_SELECT);
	if (u->wi != NULL && u->wi->original)
		return whatif_refuse(u, W_WI_IN_ORIGINAL);
	if ((w = whatif_get(u)) == NULL || w->n == WI_MAX)
		return whatif_refuse(u, W_WI_FULL);
	size_t step = u->app.step;
	view_seek(u->view, step);
	int up = view_state(u->view)->node_up[node];
	uint64_t at = view_step_time(u->view, step) + 1;

	/* A power action (scenarios/README.md, "power"): the node's id, off or on. */
	buf_printf(&b, "{\"at_ms\": %llu.%06llu, \"node\": ",
	    (unsigned long long)(at / 1000000),
	    (unsigned long long)(at % 1000000));
	buf_json_str(&b, u->sc->nodes[node].id);
	buf_printf(&b, ", \"power\": \"%s\"}", up ? "off" : "on");
	buf_putc(&b, '\0');
	snprintf(sentence, sizeof sentence, ui_word(u, up ? W_WI_OFF :
	    W_WI_ON), ui_node_name(u, node));
	w->adds[w->n] = xstrdup((const char *)b.data);
	w->steps[w->n] = step;
	w->n++;
	buf_free(&b);
	if (whatif_rebuild(u, step) != 0) {
		free(w->adds[--w->n]);
		return -1;
	}
	snprintf(u->toast, sizeof u->toast, "%s", sentence);
	u->toast_at = 0;
	return 0;
}

int
whatif_toggle(struct ui *u)
{
	if (u->wi == NULL || u->wi->n == 0)
		return whatif_refuse(u, W_WI_NONE);
	u->wi->original = !u->wi->original;
	if (whatif_rebuild(u, u->app.step) != 0) {
		u->wi->original = !u->wi->original;
		return -1;
	}
	snprintf(u->toast, sizeof u->toast, "%s", ui_word(u,
	    u->wi->original ? W_WI_SHOW_ORIGINAL : W_WI_SHOW_WHATIF));
	u->toast_at = 0;
	return 0;
}

int
whatif_undo(struct ui *u)
{
	struct ui_whatif *w = u->wi;

	if (w == NULL || w->n == 0)
		return whatif_refuse(u, W_WI_NO_UNDO);
	free(w->adds[--w->n]);
	w->original = 0;
	if (whatif_rebuild(u, u->app.step) != 0)
		return -1;
	snprintf(u->toast, sizeof u->toast, "%s", ui_word(u, W_WI_UNDONE));
	u->toast_at = 0;
	return 0;
}

int
whatif_count(const struct ui *u)
{
	return u->wi ? u->wi->n : 0;
}

int
whatif_showing(const struct ui *u)
{
	return u->wi != NULL && u->wi->n > 0 && !u->wi->original;
}

size_t
whatif_fork_step(const struct ui *u, int k)
{
	return u->wi && k >= 0 && k < u->wi->n ? u->wi->steps[k] : 0;
}

const struct compare *
whatif_comparison(const struct ui *u)
{
	return u->wi && u->wi->has_cmp ? &u->wi->cmp : NULL;
}

/*
 * The comparison, in its strip under the picture (layout.h): which run
 * is shown and how to switch, then compare_text()'s line for every
 * message and recipient, "original | what-if", as many as fit.
 */
void
whatif_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	const struct compare *c = whatif_comparison(u);
	struct buf b = { 0 };

	if (c == NULL || L->compare.h <= 0)
		return;
	compare_text(c, u->lang[u->app.lang], u->fallback, &b);
	buf_putc(&b, '\0');
	int px = L->font_small, pad = layout_px(L, 6);
	int lh = text_line_height(u->text, FACE_SANS, px);
	SDL_Rect box = ui_rect(&L->compare);
	ui_panel_begin(u, "whatif", &L->compare);
	draw_fill(u->r, box, th->panel);
	draw_fill(u->r, (SDL_Rect){ box.x, box.y, box.w, layout_px(L, 2) },
	    th->lost);
	int y = box.y + pad, x = box.x + pad, tw = box.w - 2 * pad;
	/* The first line of compare_text() says "original | what-if": beside the heading. */
	const char *p = (const char *)b.data;
	size_t n = strcspn(p, "\n");
	char line[512];
	snprintf(line, sizeof line, "%s · %.*s", ui_word(u, u->wi->original ?
	    W_WI_SHOW_ORIGINAL : W_WI_SHOW_WHATIF), (int)(n < 400 ? n : 400),
	    p);
	text_draw_fit(u->text, FACE_BOLD, px, th->text, x, y, tw, line);
	y += lh;
	p += n;
	if (*p == '\n')
		p++;
	while (*p && y + lh <= box.y + box.h) {
		n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < 511 ? n : 511), p);
		text_draw_fit(u->text, FACE_SANS, px, th->text, x, y, tw, line);
		y += lh;
		p += n;
		if (*p == '\n')
			p++;
	}
	buf_free(&b);
}

/*
 * `surel view FILE --add ACTION`: the window opens on the original (u->sc,
 * the file alone) with the added actions as interventions, each forking
 * at the last step before its time, and shows the what-if.
 */
int
whatif_start(struct ui *u, const char *const *adds, int nadds)
{
	struct ui_whatif *w;

	if (nadds <= 0)
		return 0;
	if ((w = whatif_get(u)) == NULL || nadds > WI_MAX)
		return -1;
	for (int k = 0; k < nadds; k++) {
		cJSON *a = cJSON_Parse(adds[k]);
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(a, "at_ms");
		uint64_t t = cJSON_IsNumber(at) ? (uint64_t)llround(
		    at->valuedouble * 1e6) : 0;
		size_t step = 0;
		for (size_t s = 1; s < view_steps(u->view); s++)
			if (view_step_time(u->view, s) < t)
				step = s;
		cJSON_Delete(a);
		w->adds[w->n] = xstrdup(adds[k]);
		w->steps[w->n++] = step;
	}
	return whatif_rebuild(u, u->app.step);
}
