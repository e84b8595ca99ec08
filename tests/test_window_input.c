/*
 * test_window_input.c: the window driven by pushed SDL events (SDL's
 * dummy video driver takes them; the picture is drawn by the software
 * renderer): keys for playing and moving, clicks on the timeline, on a
 * packet (which fills the inspector), on a field (which lights its
 * bytes), on a node, and L for the language.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "window_helpers.h"

static struct wh w;

static void
setup(void)
{
	ck_assert_int_eq(SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
	ck_assert_int_eq(wh_open(&w, NULL, 1280, 720, "en"), 0);
	/* These tests count single events: the packets level (test_window_levels.c has the others). */
	w.u->app.level = DETAIL_PACKETS;
	wh_draw(&w);
}

static void
teardown(void)
{
	wh_close(&w);
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
}

/* Deliver what was pushed, as the window's loop does, then draw. */
static void
pump(void)
{
	SDL_Event ev;

	while (SDL_PollEvent(&ev))
		input_event(w.u, &ev);
	wh_draw(&w);
}

START_TEST(test_space_toggles_play)
{
	ck_assert_int_eq(w.u->app.playing, 0);
	wh_key(&w, SDLK_SPACE, 0);
	ck_assert_int_eq(w.u->app.playing, 1);
	/* Playing moves on with wall time (here: given, not measured). */
	for (int i = 0; i < 50 && w.u->app.step == 0; i++)
		app_advance(&w.u->app, 0.1);
	ck_assert_uint_gt(w.u->app.step, 0);
	wh_key(&w, SDLK_SPACE, 0);
	ck_assert_int_eq(w.u->app.playing, 0);
	size_t s = w.u->app.step;
	app_advance(&w.u->app, 1.0);
	ck_assert_uint_eq(w.u->app.step, s);
}
END_TEST

START_TEST(test_right_left_one_step)
{
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_uint_eq(w.u->app.step, 1);
	wh_key(&w, SDLK_RIGHT, 0);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_uint_eq(w.u->app.step, 3);
	wh_key(&w, SDLK_LEFT, 0);
	ck_assert_uint_eq(w.u->app.step, 2);
	ck_assert_uint_eq(w.u->app.t, view_step_time(w.u->view, 2));
	wh_key(&w, SDLK_END, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->app.nsteps - 1);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->app.nsteps - 1);
	wh_key(&w, SDLK_HOME, 0);
	ck_assert_uint_eq(w.u->app.step, 0);
	wh_key(&w, SDLK_LEFT, 0);
	ck_assert_uint_eq(w.u->app.step, 0);
}
END_TEST

/* Is step s the start of a chapter, or a change of state (where Shift stops first)? */
static int
chapter_or_state(size_t s, const struct view_chapter *ch, int n)
{
	for (int i = 0; i < n; i++)
		if (ch[i].step == s)
			return 1;
	return view_step_is_state(w.u->view, s);
}

START_TEST(test_shift_right_next_chapter)
{
	const struct view_chapter *ch;
	int n = view_chapters(w.u->view, &ch);

	ck_assert_int_ge(n, 3);
	size_t first = ch[0].step > 0 ? ch[0].step : ch[1].step;
	size_t st = view_next_state(w.u->view, 0, 1);
	size_t want = st > 0 && st < first ? st : first;
	wh_key(&w, SDLK_RIGHT, KMOD_LSHIFT);
	ck_assert_uint_eq(w.u->app.step, want);
	wh_key(&w, SDLK_RIGHT, KMOD_LSHIFT);
	ck_assert_uint_gt(w.u->app.step, want);
	ck_assert_msg(chapter_or_state(w.u->app.step, ch, n), "step %zu starts "
	    "no chapter and changes no state", w.u->app.step);
	wh_key(&w, SDLK_LEFT, KMOD_LSHIFT);
	ck_assert_uint_eq(w.u->app.step, want);
	/* Further on, every move lands on a chapter or a change of state. */
	for (int i = 0; i < 40; i++) {
		size_t was = w.u->app.step;
		wh_key(&w, SDLK_RIGHT, KMOD_LSHIFT);
		if (w.u->app.quiz >= 0) {
			/* A checkpoint on the way stops it: skip the question. */
			wh_key(&w, SDLK_ESCAPE, 0);
			continue;
		}
		if (w.u->app.step == was)
			break;
		ck_assert_msg(chapter_or_state(w.u->app.step, ch, n), "step %zu",
		    w.u->app.step);
	}
}
END_TEST

START_TEST(test_ctrl_right_next_message)
{
	wh_key(&w, SDLK_RIGHT, KMOD_LCTRL);
	size_t a = w.u->app.step;
	ck_assert_uint_gt(a, 0);
	ck_assert_int_eq(trace_at(w.u->tr, a - 1).kind, TR_APP);
	wh_key(&w, SDLK_RIGHT, KMOD_LCTRL);
	size_t b = w.u->app.step;
	ck_assert_uint_gt(b, a);
	ck_assert_int_eq(trace_at(w.u->tr, b - 1).kind, TR_APP);
	for (size_t s = a; s + 1 < b; s++)
		ck_assert_int_ne(trace_at(w.u->tr, s).kind, TR_APP);
	wh_key(&w, SDLK_LEFT, KMOD_LCTRL);
	ck_assert_uint_eq(w.u->app.step, a);
}
END_TEST

START_TEST(test_speed_keys)
{
	int s = w.u->app.speed;

	wh_key(&w, SDLK_PLUS, 0);
	ck_assert_int_eq(w.u->app.speed, s + 1);
	wh_key(&w, SDLK_MINUS, 0);
	wh_key(&w, SDLK_MINUS, 0);
	ck_assert_int_eq(w.u->app.speed, s - 1);
}
END_TEST

START_TEST(test_timeline_click_and_drag)
{
	SDL_Rect tr = w.u->tl_track;
	int y = w.u->lay.timeline.y + w.u->lay.timeline.h / 2;

	ck_assert_int_gt(tr.w, 100);
	wh_click(&w, tr.x + tr.w / 2, y, SDL_BUTTON_LEFT);
	size_t half = (w.u->app.nsteps - 1) / 2;
	size_t got = w.u->app.step;
	ck_assert_msg(got + 10 > half && got < half + 10, "clicked the middle, "
	    "got step %zu of %zu", got, w.u->app.nsteps);
	/* Drag to the right end. */
	SDL_Event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SDL_MOUSEBUTTONDOWN;
	ev.button.button = SDL_BUTTON_LEFT;
	ev.button.x = tr.x + tr.w / 4;
	ev.button.y = y;
	SDL_PushEvent(&ev);
	memset(&ev, 0, sizeof ev);
	ev.type = SDL_MOUSEMOTION;
	ev.motion.state = SDL_BUTTON_LMASK;
	ev.motion.x = tr.x + tr.w + 5;
	ev.motion.y = y;
	SDL_PushEvent(&ev);
	pump();
	ck_assert_uint_eq(w.u->app.step, w.u->app.nsteps - 1);
}
END_TEST

START_TEST(test_click_packet_fills_inspector)
{
	/* A moment with an SMTP segment on the wire. */
	long s = wh_resolve(w.u, "text:MAIL FROM");
	ck_assert_int_gt(s, 0);
	while ((size_t)s < w.u->app.nsteps && trace_at(w.u->tr,
	    (size_t)s - 1).kind != TR_FRAME_TX)
		s++;
	app_seek(&w.u->app, (size_t)s);
	wh_draw(&w);
	ck_assert_int_gt(w.u->npk, 0);
	const struct ui_packet *p = &w.u->pk[w.u->npk - 1];
	uint32_t frame = p->p.frame;
	wh_click(&w, p->box.x + p->box.w / 2, p->box.y + p->box.h / 2, SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.sel_packet, 1);
	ck_assert_uint_eq(w.u->app.sel_frame, frame);
	/* Layers and fields of that very frame. */
	int rows = panel_inspector_rows(w.u), eth = 0, ip = 0, tcp = 0;
	ck_assert_int_gt(rows, 10);
	for (int i = 0; i < rows; i++) {
		const char *t = panel_inspector_row_text(w.u, i);
		eth |= strcmp(t, "Ethernet") == 0;
		ip |= strcmp(t, "IPv4") == 0;
		tcp |= strcmp(t, "TCP") == 0;
	}
	ck_assert(eth && ip && tcp);
	/* Choosing a field lights its bytes: its row is chosen. */
	SDL_Point at = { 0, 0 };
	for (int y = w.u->lay.right.y; y < w.u->lay.right.y + w.u->lay.right.h;
	    y += 2) {
		int r = panel_inspector_hit(w.u, w.u->lay.right.x + 40, y);
		if (r > 3) {
			at.x = w.u->lay.right.x + 40;
			at.y = y;
			break;
		}
	}
	ck_assert_int_gt(at.y, 0);
	int want = panel_inspector_hit(w.u, at.x, at.y);
	wh_click(&w, at.x, at.y, SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.sel_field, want);
	wh_key(&w, SDLK_DOWN, 0);
	ck_assert_int_eq(w.u->app.sel_field, want + 1);
	/* An empty spot of the picture lets go of it. */
	wh_click(&w, w.u->lay.picture.x + 3, w.u->lay.picture.y + 3, SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.sel_packet, 0);
}
END_TEST

START_TEST(test_click_node_and_event)
{
	int mb = -1;

	for (int i = 0; i < w.u->sc->nnodes; i++)
		if (w.u->sc->nodes[i].pop3.present)
			mb = i;
	ck_assert_int_ge(mb, 0);
	wh_click(&w, (int)w.u->lay.nx[mb], (int)w.u->lay.ny[mb], SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.right, RIGHT_NODE);
	ck_assert_int_eq(w.u->app.sel_node, mb);
	/* A click on a row of the event list goes to that step. */
	wh_key(&w, SDLK_RIGHT, 0);
	size_t before = w.u->app.step;
	for (int y = w.u->lay.events.y; y < w.u->lay.events.y +
	    w.u->lay.events.h; y++) {
		long s = panel_events_hit(w.u, 20, y);
		if (s > (long)before + 2) {
			wh_click(&w, 20, y, SDL_BUTTON_LEFT);
			ck_assert_uint_eq(w.u->app.step, (size_t)s);
			return;
		}
	}
	ck_abort_msg("no row after the current step");
}
END_TEST

START_TEST(test_l_switches_language)
{
	char a[2048], b[2048];

	ck_assert_str_eq(ui_lang(w.u), "en");
	wh_key(&w, SDLK_RIGHT, KMOD_LCTRL);
	snprintf(a, sizeof a, "%s", ui_narration(w.u, w.u->app.step,
	    w.u->app.lang, b, sizeof b));
	wh_key(&w, SDLK_l, 0);
	ck_assert_str_eq(ui_lang(w.u), "id");
	ui_narration(w.u, w.u->app.step, w.u->app.lang, b, sizeof b);
	ck_assert_str_ne(a, b);
	/* Back round to English. */
	for (int i = 1; i < w.u->nlangs; i++)
		wh_key(&w, SDLK_l, 0);
	ck_assert_str_eq(ui_lang(w.u), "en");
}
END_TEST

START_TEST(test_tab_fullscreen_quit)
{
	wh_key(&w, SDLK_TAB, 0);
	ck_assert_int_eq(w.u->app.center, APP_SEQUENCE);
	wh_key(&w, SDLK_RIGHT, KMOD_LCTRL);
	wh_key(&w, SDLK_TAB, 0);
	ck_assert_int_eq(w.u->app.center, APP_PICTURE);
	wh_key(&w, SDLK_f, 0);
	ck_assert_int_eq(w.u->app.fullscreen, 1);
	wh_key(&w, SDLK_ESCAPE, 0);	/* leaves full screen first */
	ck_assert_int_eq(w.u->app.fullscreen, 0);
	ck_assert_int_eq(w.u->app.quit, 0);
	wh_key(&w, SDLK_d, 0);
	ck_assert_int_eq(w.u->app.dark, 1);
	wh_key(&w, SDLK_q, 0);
	ck_assert_int_eq(w.u->app.quit, 1);
}
END_TEST

/*
 * On a small window the side panels fold to tabs (layout.c); a click on
 * a tab opens its panel, and a click on the picture where nothing is
 * folds them again.
 */
START_TEST(test_folded_tab_opens)
{
	struct wh t;
	struct layout *L;

	ck_assert_int_eq(wh_open(&t, NULL, 640, 480, "en"), 0);
	wh_draw(&t);
	L = &t.u->lay;
	ck_assert_int_eq(L->fold_events, 1);
	ck_assert_int_eq(L->fold_right, 1);
	int pw = L->picture.w, tab = L->events.w;
	wh_click(&t, L->events.x + L->events.w / 2, L->events.y +
	    L->events.h / 2, SDL_BUTTON_LEFT);
	ck_assert_int_eq(L->fold_events, 0);
	ck_assert_int_gt(L->events.w, tab);
	ck_assert_int_lt(L->picture.w, pw);
	/* Now a click there is the list's: a row seeks (step 10's rows). */
	app_seek(&t.u->app, 10);
	wh_draw(&t);
	long row = -1;
	int ry = 0;
	for (int y = L->events.y; y < L->events.y + L->events.h && row < 0;
	    y += 2)
		if ((row = panel_events_hit(t.u, L->events.x + 20, y)) >= 0)
			ry = y;
	ck_assert_int_ge(row, 0);
	wh_click(&t, L->events.x + 20, ry, SDL_BUTTON_LEFT);
	ck_assert_uint_eq(t.u->app.step, (size_t)row);
	ck_assert_int_eq(L->fold_events, 0);

	tab = L->right.w;
	wh_click(&t, L->right.x + L->right.w / 2, L->right.y + L->right.h / 2,
	    SDL_BUTTON_LEFT);
	ck_assert_int_eq(L->fold_right, 0);
	ck_assert_int_gt(L->right.w, tab);
	/* Both stay open while frames are drawn. */
	wh_draw(&t);
	ck_assert_int_eq(L->fold_events, 0);
	ck_assert_int_eq(L->fold_right, 0);

	/* The picture's top left corner holds no node nor packet. */
	wh_click(&t, L->picture.x + 2, L->picture.y + 2, SDL_BUTTON_LEFT);
	ck_assert_int_eq(L->fold_events, 1);
	ck_assert_int_eq(L->fold_right, 1);
	wh_close(&t);
}
END_TEST

Suite *
window_input_suite(void)
{
	Suite *s = suite_create("window_input");
	TCase *tc = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_space_toggles_play);
	tcase_add_test(tc, test_right_left_one_step);
	tcase_add_test(tc, test_shift_right_next_chapter);
	tcase_add_test(tc, test_ctrl_right_next_message);
	tcase_add_test(tc, test_speed_keys);
	tcase_add_test(tc, test_timeline_click_and_drag);
	tcase_add_test(tc, test_click_packet_fills_inspector);
	tcase_add_test(tc, test_click_node_and_event);
	tcase_add_test(tc, test_l_switches_language);
	tcase_add_test(tc, test_tab_fullscreen_quit);
	tcase_add_test(tc, test_folded_tab_opens);
	suite_add_tcase(s, tc);
	return s;
}
