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
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int
whatif_refuse(struct ui *u, enum word why)
{
	snprintf(u->toast, sizeof u->toast, "%s", ui_word(u, why));
	u->toast_at = 0;
	u->app.dirty = 1;
	return -1;
}

/*
 * The action's time, as "at_ms" wants it: 1 ns after the step's own, so
 * that every record up to the step, and those at the same time after
 * it, stays what it was.
 */
void
whatif_at_ms(struct ui *u, struct buf *b)
{
	uint64_t at = view_step_time(u->view, u->app.step) + 1;

	buf_printf(b, "%llu.%06llu", (unsigned long long)(at / 1000000),
	    (unsigned long long)(at % 1000000));
}

/* Whether an intervention can be made now: -1 with the sentence that says why not. */
int
whatif_can(struct ui *u)
{
	struct ui_whatif *w;

	/* surel live: the world is the one real clients talk to; it has one future. */
	if (u->live != NULL)
		return whatif_refuse(u, W_WI_LIVE);
	if (u->wi != NULL && u->wi->original)
		return whatif_refuse(u, W_WI_IN_ORIGINAL);
	if ((w = whatif_get(u)) == NULL || w->n == WI_MAX)
		return whatif_refuse(u, W_WI_FULL);
	return 0;
}

int
whatif_apply(struct ui *u, const char *action, const char *sentence,
    char *err, size_t errsz)
{
	struct ui_whatif *w;
	char said[sizeof u->toast];

	if (whatif_can(u) != 0)
		return -1;
	w = u->wi;
	size_t step = u->app.step;
	snprintf(said, sizeof said, "%s", sentence);
	w->adds[w->n] = xstrdup(action);
	w->steps[w->n] = step;
	w->n++;
	if (whatif_rebuild(u, step) != 0) {
		free(w->adds[--w->n]);
		/* whatif_scenario() failed: the run shown (and the list) is untouched. */
		if (err != NULL)
			snprintf(err, errsz, "%s", u->toast);
		return -1;
	}
	/* The list's entries pointed into the scenario just replaced. */
	w->menu.open = 0;
	w->panel = 1;
	w->scroll = 0;
	snprintf(u->toast, sizeof u->toast, "%s", said);
	u->toast_at = 0;
	return 0;
}

int
whatif_toggle(struct ui *u)
{
	if (u->wi == NULL || u->wi->n == 0)
		return whatif_refuse(u, W_WI_NONE);
	u->wi->menu.open = 0;
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
	w->menu.open = 0;
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
	w->panel = 1;		/* the comparison shows in the right panel */
	return whatif_rebuild(u, u->app.step);
}

/*
 * Ctrl+S: the what-if as a scenario file of its own, surel-NAME-whatif.json
 * in the current folder (-2, -3... where that exists), the same text as
 * `surel run FILE --add ... --save-as NEW.json` writes.  0 or -1.
 */
int
whatif_save(struct ui *u, char *out, size_t outsz)
{
	struct ui_whatif *w = u->wi;
	struct sc_errors errs = { 0 };
	char *merged = NULL;
	FILE *f;

	if (w == NULL || w->n == 0)
		return whatif_refuse(u, W_WI_NONE);
	struct scenario *sc = scenario_load_adds(w->text, w->len, w->file,
	    (const char *const *)w->adds, w->n, &merged, &errs);
	sc_errors_free(&errs);
	if (sc == NULL || merged == NULL) {
		scenario_free(sc);
		free(merged);
		return -1;
	}
	scenario_free(sc);
	snprintf(out, outsz, "surel-%s-whatif.json", u->name);
	for (int k = 2; k < 1000 && access(out, F_OK) == 0; k++)
		snprintf(out, outsz, "surel-%s-whatif-%d.json", u->name, k);
	size_t len = strlen(merged);
	if ((f = fopen(out, "w")) == NULL || fwrite(merged, 1, len, f) != len) {
		snprintf(u->toast, sizeof u->toast, "%s: %s", out,
		    strerror(errno));
		if (f != NULL)
			fclose(f);
		free(merged);
		u->toast_at = 0;
		return -1;
	}
	free(merged);
	if (fclose(f) != 0)
		return -1;
	snprintf(u->toast, sizeof u->toast, "%s %s", ui_word(u, W_WI_SAVED),
	    out);
	u->toast_at = 0;
	u->app.dirty = 1;
	return 0;
}

/* ---- the comparison in the right panel (C) ---- */

int
whatif_panel_shown(const struct ui *u)
{
	return u->wi != NULL && u->wi->panel && u->wi->has_cmp;
}

void
whatif_panel_toggle(struct ui *u)
{
	if (u->wi == NULL || !u->wi->has_cmp) {
		whatif_refuse(u, W_WI_NONE);
		return;
	}
	u->wi->panel = !u->wi->panel;
	u->app.dirty = 1;
}

void
whatif_panel_scroll(struct ui *u, int rows)
{
	if (u->wi == NULL)
		return;
	u->wi->scroll += rows;
	if (u->wi->scroll < 0)
		u->wi->scroll = 0;
	u->app.dirty = 1;
}

/*
 * The whole comparison: for every message and recipient the original's
 * outcome, then the what-if's under it (a mark where they differ), then
 * the mailboxes and devices that hold different mail at the end.  Long
 * lines wrap; the wheel scrolls.
 */
void
whatif_panel_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	const struct compare *c = whatif_comparison(u);
	const struct narr_lang *lang = u->lang[u->app.lang];
	struct buf b = { 0 };

	if (c == NULL)
		return;
	draw_panel(u, &L->right, ui_word(u, W_WI_COMPARE));
	SDL_Rect box = ui_rect(&L->right);
	int px = L->font_small, pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_SANS, px);
	int x = box.x + pad, tw = box.w - 2 * pad;
	int top = box.y + lh + 2 * pad, bottom = box.y + box.h - pad;
	/* The lines to show, each with its face: built first, then scrolled. */
	struct line { char *s; int bold, dim, indent; } *ln = NULL;
	int n = 0, cap = 0;
#define ADD(str, b_, d_, i_) do { \
		if (n == cap) { cap = cap ? 2 * cap : 32; \
		    ln = xrealloc(ln, (size_t)cap * sizeof *ln); } \
		ln[n++] = (struct line){ xstrdup(str), b_, d_, i_ }; \
	} while (0)
	ADD(ui_word(u, W_WI_COMPARE_HINT), 0, 1, 0);
	if (c->ndiffer == 0)
		ADD(ui_word(u, W_WI_SAME), 1, 0, 0);
	for (int i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];
		char head[512];
		char what[400];
		snprintf(what, sizeof what, ui_word(u, r->bounce ?
		    W_WI_BOUNCE_OF : W_WI_MAIL_TO), r->subject, r->rcpt);
		snprintf(head, sizeof head, "%s%s", r->differs ? "* " : "",
		    what);
		ADD(head, 1, !r->differs, 0);
		for (int k = 0; k < 2; k++) {
			b.len = 0;
			buf_printf(&b, "%s: ", ui_word(u, k ? W_WI_LABEL_WHATIF :
			    W_WI_LABEL_ORIGINAL));
			compare_fate_text(k ? &r->b : &r->a, lang, u->fallback,
			    &b);
			buf_putc(&b, '\0');
			ADD((const char *)b.data, 0, !r->differs, 1);
		}
	}
	if (c->nholders > 0) {
		ADD(ui_word(u, W_WI_AT_END), 1, 0, 0);
		for (int i = 0; i < c->nholders; i++) {
			const struct cmp_holder *h = &c->holders[i];
			char line[512];
			int node = h->device ? scenario_node_index(u->sc,
			    h->name) : -1;
			snprintf(line, sizeof line, ui_word(u, h->device ?
			    W_WI_HOLD_DEVICE : W_WI_HOLD_MAILBOX),
			    h->device && node >= 0 ? ui_node_name(u, node) :
			    h->name, h->na, h->nb);
			ADD(line, 0, 0, 1);
		}
	}
#undef ADD
	buf_free(&b);
	/* Wrapped, from the scroll's line on. */
	if (u->wi->scroll >= n)
		u->wi->scroll = n > 0 ? n - 1 : 0;
	int y = top;
	for (int i = u->wi->scroll; i < n && y + lh <= bottom; i++) {
		int ind = ln[i].indent ? layout_px(L, 16) : 0;
		enum text_face f = ln[i].bold ? FACE_BOLD : FACE_SANS;
		char **wl = NULL;
		int k = text_lines(u->text, f, px, tw - ind, ln[i].s, &wl);
		for (int j = 0; j < k && y + lh <= bottom; j++) {
			text_draw(u->text, f, px, ln[i].dim ? th->dim : th->text,
			    x + ind, y, wl[j]);
			y += lh;
		}
		text_lines_free(wl, k);
		y += ln[i].indent ? 0 : lh / 4;
	}
	for (int i = 0; i < n; i++)
		free(ln[i].s);
	free(ln);
}
