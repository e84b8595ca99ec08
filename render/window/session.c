/*
 * session.c: the part of the ui that belongs to one scenario, made when
 * the window opens (ui_new()) and made again when another scenario opens
 * in the same window (ui_load(): a lesson chosen, a file dropped).
 */
#include "ui.h"
#include "bridge.h"
#include "checkpoint.h"
#include "mail.h"
#include "whatif.h"
#include "util.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the sentence the narration shows for a step, in
 * characters (UTF-8 sequences, not bytes: Indonesian and English alike),
 * in the current language: how long playback holds it (app.h).
 */
static size_t
ui_say_len(void *ctx, size_t step)
{
	struct ui *u = ctx;
	char buf[2048];
	size_t n = 0;

	if (step == 0)
		return 0;	/* the start: nothing of the story to read yet */
	ui_narration(u, step, u->app.lang, buf, sizeof buf);
	for (const unsigned char *p = (const unsigned char *)buf; *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}

/*
 * The part of the ui that belongs to one scenario: the simulation run to
 * its end, the view, the layout's node places, the application steps and
 * the checkpoints' steps.  The app's settings that outlive a scenario
 * (language, theme, level, filters, modes) are in keep.
 */
int
ui_scenario_init(struct ui *u, struct scenario *sc, const struct app *keep,
    char *err, size_t errsz)
{
	u->sc = sc;
	if (u->live != NULL)
		/* Live: the world goes on; the window shows what it has done so far. */
		u->sim = bridge_sim(u->live);
	else {
		u->sim = sim_new(sc, sc->seed);
		sim_run(u->sim);
		/* The window reads the trace, and no stored message's bytes. */
		mail_forget_bodies(u->sim);
#ifdef __GLIBC__
		/*
		 * glibc keeps small blocks freed in the middle of its heap;
		 * hand their pages back, or those 390 MB of a 100,000-message
		 * world stay counted while the view is built (issue 16).
		 */
		malloc_trim(0);
#endif
	}
	u->tr = sim_trace(u->sim);
	u->view = view_new(u->sim);
	if (u->view == NULL || layout_init(&u->lay, sc) != 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	app_init(&u->app, u->view, 2);
	u->app.level = keep->level;
	u->app.dark = keep->dark;
	u->app.hide = keep->hide;
	u->app.fullscreen = keep->fullscreen;
	u->app.present = keep->present;
	u->app.chooser = keep->chooser;
	u->app.speed = keep->speed;
	u->app.lang = keep->lang;
	u->app.nlangs = u->nlangs;
	u->app.say_len = ui_say_len;
	u->app.say_ctx = u;
	/* The checkpoints' steps; one that names none is never asked (surel check says so). */
	u->cp_steps = calloc((size_t)sc->ncheckpoints + 1, sizeof *u->cp_steps);
	if (u->cp_steps == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (int i = 0; i < sc->ncheckpoints; i++)
		u->cp_steps[i] = checkpoint_step(u->tr, &sc->checkpoints[i].at,
		    NULL);
	app_set_checkpoints(&u->app, sc->checkpoints, u->cp_steps,
	    sc->ncheckpoints);
	u->loads++;
	return 0;
}

/* The interventions (whatif.c): here, so that whatif.c alone calls the other way. */
void
whatif_free(struct ui *u)
{
	struct ui_whatif *w = u->wi;

	if (w == NULL)
		return;
	for (int i = 0; i < w->n; i++)
		free(w->adds[i]);
	if (w->has_cmp)
		compare_free(&w->cmp);
	free(w->text);
	free(w->file);
	free(w);
	u->wi = NULL;
}

/* Everything ui_scenario_init() made, and every panel's state of that scenario. */
void
ui_scenario_free(struct ui *u)
{
	whatif_free(u);
	panel_inspector_free(u);
	panel_node_free(u);
	evlist_free(u);
	panel_whereis_free(u);
	draw_labels_free(u);
	free(u->seq_col);
	free(u->seq_order);
	free(u->cp_steps);
	free(u->pk);
	free(u->vpk);
	u->seq_col = u->seq_order = NULL;
	u->cp_steps = NULL;
	u->pk = NULL;
	u->vpk = NULL;
	u->seq_n = 0;
	u->npk = u->pkcap = u->vpkcap = 0;
	u->dragging = 0;
	layout_free(&u->lay);
	if (u->view)
		view_free(u->view);
	if (u->sim && u->live == NULL)
		sim_free(u->sim);
	scenario_free(u->sc);
	u->view = NULL;
	u->sim = NULL;
	u->tr = NULL;
	u->sc = NULL;
}

void
ui_load(struct ui *u, struct scenario *sc, const char *name)
{
	struct app keep = u->app;
	char err[256];
	int w = u->lay.w, h = u->lay.h;

	keep.chooser = 0;
	keep.present = u->app.present;
	ui_scenario_free(u);
	free(u->name);
	u->name = strdup(name ? name : "default");
	u->chooser_sel = -1;
	free(u->chooser_err);
	u->chooser_err = NULL;
	u->toast[0] = '\0';
	/* Only memory can fail here (the scenario is valid): nothing sensible is left to show. */
	if (ui_scenario_init(u, sc, &keep, err, sizeof err) != 0)
		fatalx("surel: %s", err);
	/* As ui_resize() does (window.c): a layout for the same size. */
	layout_compute(&u->lay, w, h, u->scale);
	u->app.dirty = 1;
}

