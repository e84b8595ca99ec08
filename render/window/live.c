/*
 * live.c: the window of `surel live` (cmd_live.c, bridge.h).  The world
 * runs on while the window is open: every turn of the window's loop
 * gives the bridge a moment (real bytes in, the simulation moved to the
 * wall clock's time, its answers out), and when the trace has grown the
 * window's view of it is made again.
 *
 * The view (view.c) indexes a whole trace when it is made; rather than
 * teach it to grow, the window makes it again from the trace so far, at
 * most LIVE_REFRESH_MS apart, as a what-if does (whatif.c): the
 * simulation stays (the bridge owns it), every panel starts afresh on
 * the longer trace, and the step shown, the selection and the window's
 * settings stay.  A window that was at the last step plays on into the
 * new steps, so the packets of real clients animate as they come and
 * the narration explains them; a teacher who went back stays there.
 */
#include "ui.h"
#include "bridge.h"
#include "util.h"
#include "words.h"

#include <stdio.h>
#include <string.h>

#define LIVE_REFRESH_MS	250

/* A real program connected: the window says who, in its language, for a moment. */
static void
live_connected(void *ctx, const char *peer, int client, int server,
    uint16_t port)
{
	struct ui *u = ctx;
	const char *lang = ui_lang(u);
	const struct sc_node *c = &u->sc->nodes[client];
	const char *cl = sc_text_get(&c->label, lang);
	const char *sv = u->sc->nodes[server].hostname;

	(void)port;
	snprintf(u->toast, sizeof u->toast, words_get(lang, W_LIVE_CLIENT),
	    peer, *cl ? cl : c->id, sv && *sv ? sv : u->sc->nodes[server].id);
	u->toast_at = 0;
	u->app.dirty = 1;
}

void
live_tick(struct ui *u)
{
	/* Ctrl+C in the terminal closes the window as Q does: the files are written then. */
	if (bridge_stopped())
		u->app.quit = 1;
	bridge_on_connect(u->live, live_connected, u);
	bridge_pump(u->live, 0);
	size_t n = trace_count(u->tr);
	uint32_t now = SDL_GetTicks();

	if (n + 1 == u->app.nsteps || now - u->live_at < LIVE_REFRESH_MS)
		return;
	u->live_at = now;

	struct app keep = u->app;
	struct scenario *sc = u->sc;
	char err[256];
	int wd = u->lay.w, ht = u->lay.h;
	int follow = keep.step + 1 >= keep.nsteps && keep.quiz < 0;

	/* The scenario outlives the view it is made again for. */
	u->sc = NULL;
	ui_scenario_free(u);
	if (ui_scenario_init(u, sc, &keep, err, sizeof err) != 0)
		fatalx("surel: %s", err);
	app_seek(&u->app, keep.step);
	u->app.center = keep.center;
	u->app.right = keep.right;
	u->app.sel_node = keep.sel_node;
	u->app.sel_packet = keep.sel_packet;
	u->app.sel_frame = keep.sel_frame;
	u->app.sel_tx_step = keep.sel_tx_step;
	u->app.sel_field = keep.sel_field;
	u->app.sel_msg = keep.sel_msg;
	u->app.scroll_events = keep.scroll_events;
	u->app.scroll_inspector = keep.scroll_inspector;
	u->app.scroll_node = keep.scroll_node;
	u->app.playing = keep.playing || follow;
	/* Playback goes on where it was: the time between steps, the hold of a sentence. */
	u->app.t = keep.t;
	u->app.dwell = keep.dwell;
	u->app.hold = keep.hold;
	u->app.held = keep.held;
	u->app.hold_t0 = keep.hold_t0;
	u->app.hold_t1 = keep.hold_t1;
	u->app.hold_to = keep.hold_to;
	/* A question open stays open, and the answers given still count. */
	u->app.quiz = keep.quiz;
	u->app.quiz_chosen = keep.quiz_chosen;
	u->app.quiz_resume = keep.quiz_resume;
	memcpy(u->app.quiz_got, keep.quiz_got, sizeof u->app.quiz_got);
	if (u->app.quiz >= 0)
		u->app.playing = 0;
	layout_compute(&u->lay, wd, ht, u->scale);
	u->app.dirty = 1;
}
