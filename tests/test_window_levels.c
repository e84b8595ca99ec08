/*
 * test_window_levels.c: the window's levels of detail (issue 11, point
 * 1): Right/Left go from one step of the level to the next and visit
 * exactly the steps detail_has() names, in both directions; Ctrl and
 * Shift never jump over a change of state (over every bundled lesson;
 * lesson 03's "new mail in the mailbox" was the bug); playing at the
 * story level holds each step for its sentence's time and lands exactly
 * on the next story step, and still stops at a checkpoint; V and the
 * timeline's control choose the level; `surel view --detail` takes only
 * the three levels.  The app is driven as the other window tests do:
 * commands and wall time given, no window.
 */
#include <check.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "window_helpers.h"

/* A world without a window: the sim, its view, and the app over them. */
struct lw {
	struct scenario	*sc;
	struct sim	*s;
	struct view	*v;
	struct app	 a;
};

static void
lw_open(struct lw *l, const char *file)
{
	l->sc = cli_load(file);
	ck_assert_msg(l->sc != NULL, "%s does not load", file);
	l->s = sim_new(l->sc, l->sc->seed);
	sim_run(l->s);
	l->v = view_new(l->s);
	ck_assert_ptr_nonnull(l->v);
	app_init(&l->a, l->v, 2);	/* no checkpoints: nothing stops a move */
}

static void
lw_close(struct lw *l)
{
	view_free(l->v);
	sim_free(l->s);
	scenario_free(l->sc);
}

static void
cmd(struct app *a, enum app_cmd c, long arg)
{
	struct app_command x = { c, arg, 0 };

	app_do(a, &x);
}

/* Every bundled scenario. */
static glob_t lessons;

static void
lessons_find(void)
{
	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &lessons), 0);
	ck_assert_uint_ge(lessons.gl_pathc, 17);
}

/* A change of state, read from the record itself (not from view.c). */
static int
is_state(const struct trace *tr, size_t step)
{
	struct trace_rec r;

	if (step == 0)
		return 0;
	r = trace_at(tr, step - 1);
	return (r.kind == TR_STATE && r.a != ST_SESSION) ||
	    r.kind == TR_NODE_STATE || r.kind == TR_LINK_STATE;
}

/* Right from the start, then Left from the last: exactly the level's steps. */
START_TEST(test_steps_visit_each_level)
{
	lessons_find();
	for (size_t f = 0; f < lessons.gl_pathc; f++)
		for (int d = 0; d < DETAIL_NLEVELS; d++) {
			struct lw l;
			lw_open(&l, lessons.gl_pathv[f]);
			const struct trace *tr = sim_trace(l.s);
			size_t n = trace_count(tr), k = 0;
			size_t *want = malloc((n + 1) * sizeof *want);

			for (size_t i = 0; i < n; i++)
				if (detail_has(tr, i, (enum detail)d))
					want[k++] = i + 1;
			ck_assert_uint_eq(k, detail_count(tr, (enum detail)d));
			ck_assert_uint_eq(k, view_level_count(l.v, (enum detail)d));
			cmd(&l.a, CMD_LEVEL, d);
			ck_assert_int_eq(l.a.level, d);
			/* Forward: want[0], want[1], ... then it stays. */
			for (size_t j = 0; j < k; j++) {
				cmd(&l.a, CMD_STEP, 1);
				ck_assert_msg(l.a.step == want[j], "%s at %s: step "
				    "%zu on is %zu, not %zu", lessons.gl_pathv[f],
				    detail_name((enum detail)d), j, l.a.step,
				    want[j]);
				ck_assert_uint_eq(l.a.t, view_step_time(l.v,
				    want[j]));
			}
			size_t last = l.a.step;
			cmd(&l.a, CMD_STEP, 1);
			ck_assert_uint_eq(l.a.step, last);
			/* Back: the same, the other way, then the start. */
			for (size_t j = k; j-- > 1;) {
				cmd(&l.a, CMD_STEP, -1);
				ck_assert_uint_eq(l.a.step, want[j - 1]);
			}
			cmd(&l.a, CMD_STEP, -1);
			ck_assert_uint_eq(l.a.step, 0);
			/* From the end, back goes to the last level step before it. */
			ck_assert_uint_gt(k, 0);
			cmd(&l.a, CMD_END, 0);
			cmd(&l.a, CMD_STEP, -1);
			ck_assert_uint_eq(l.a.step, want[k - 1] < n ? want[k - 1] :
			    (k > 1 ? want[k - 2] : 0));
			free(want);
			lw_close(&l);
		}
	globfree(&lessons);
}
END_TEST

/*
 * Ctrl (a message) and Shift (a chapter), on and back, over every
 * lesson: no change of state between where a move starts and where it
 * lands, and it lands on the message, the chapter or a change of state.
 */
START_TEST(test_jumps_never_skip_a_state_change)
{
	static const enum app_cmd cmds[] = { CMD_MESSAGE, CMD_CHAPTER };

	lessons_find();
	for (size_t f = 0; f < lessons.gl_pathc; f++) {
		struct lw l;
		lw_open(&l, lessons.gl_pathv[f]);
		const struct trace *tr = sim_trace(l.s);
		size_t nstates = 0, seen = 0;

		for (size_t s = 1; s < l.a.nsteps; s++)
			nstates += is_state(tr, s);
		for (int c = 0; c < 2; c++)
			for (int dir = 1; dir >= -1; dir -= 2) {
				cmd(&l.a, dir > 0 ? CMD_HOME : CMD_END, 0);
				for (;;) {
					size_t a = l.a.step;
					size_t plain = cmds[c] == CMD_MESSAGE ?
					    view_next_app(l.v, a, dir) :
					    view_next_chapter(l.v, a, dir);
					cmd(&l.a, cmds[c], dir);
					size_t b = l.a.step;
					if (b == a)
						break;
					size_t lo = a < b ? a : b, hi = a < b ? b : a;
					for (size_t s = lo + 1; s < hi; s++)
						ck_assert_msg(!is_state(tr, s), "%s: %s "
						    "%+d from %zu to %zu skips the change "
						    "of state at %zu", lessons.gl_pathv[f],
						    c ? "chapter" : "message", dir, a, b,
						    s);
					ck_assert_msg(b == plain || is_state(tr, b),
					    "%s: %zu -> %zu", lessons.gl_pathv[f],
					    a, b);
					seen += c == 0 && dir > 0 && is_state(tr, b);
				}
			}
		/* Ctrl+Right alone stops at every one of them. */
		ck_assert_uint_eq(seen, nstates);
		lw_close(&l);
	}
	globfree(&lessons);
}
END_TEST

/*
 * Issue 11: in lesson 03, Ctrl+Right went from the mail's DATA to the
 * server's 250 and on to QUIT, over "New mail in the mailbox of
 * teman@...", the point of the lesson.  It stops there now, both ways.
 */
START_TEST(test_lesson03_ctrl_stops_at_new_mail)
{
	struct lw l;
	struct trace_say y;
	size_t m = 0;

	lw_open(&l, "scenarios/03-same-domain.json");
	const struct trace *tr = sim_trace(l.s);
	for (size_t i = 0; i < trace_count(tr) && m == 0; i++) {
		const struct trace_rec r = trace_at(tr, i);
		if (r.kind == TR_STATE && r.a == ST_MAILBOX_ADD)
			m = i + 1;
	}
	ck_assert_uint_gt(m, 0);
	ck_assert(trace_say_read(tr, trace_at(tr, m - 1).say, &y));
	ck_assert_int_eq((int)y.key_len, (int)strlen("state.mailbox_add"));
	ck_assert_int_eq(memcmp(y.key, "state.mailbox_add", y.key_len), 0);
	/* The message before it (the server's 250), then Ctrl+Right. */
	size_t before = view_next_app(l.v, m, -1), after = view_next_app(l.v,
	    m, 1);
	ck_assert_uint_lt(before, m);
	ck_assert_uint_gt(after, m);
	app_seek(&l.a, before);
	for (int i = 0; i < 10 && l.a.step < m; i++)
		cmd(&l.a, CMD_MESSAGE, 1);
	ck_assert_uint_eq(l.a.step, m);
	/* And from the message after it, Ctrl+Left comes back to it. */
	app_seek(&l.a, after);
	for (int i = 0; i < 10 && l.a.step > m; i++)
		cmd(&l.a, CMD_MESSAGE, -1);
	ck_assert_uint_eq(l.a.step, m);
	/* From the start, Ctrl+Right alone reaches it too. */
	cmd(&l.a, CMD_HOME, 0);
	while (l.a.step < m)
		cmd(&l.a, CMD_MESSAGE, 1);
	ck_assert_uint_eq(l.a.step, m);
	fprintf(stderr, "lesson 03: new mail in the mailbox at step %zu, "
	    "between the messages at %zu and %zu\n", m, before, after);
	lw_close(&l);
}
END_TEST

/* The narration's step: the last level step at or before the current one. */
START_TEST(test_level_at)
{
	struct lw l;

	lw_open(&l, "scenarios/default.json");
	const struct trace *tr = sim_trace(l.s);
	for (int d = 0; d < DETAIL_NLEVELS; d++)
		for (size_t s = 0; s < l.a.nsteps; s++) {
			size_t at = view_level_at(l.v, (enum detail)d, s);
			ck_assert_uint_le(at, s);
			ck_assert(at == 0 || detail_has(tr, at - 1,
			    (enum detail)d));
			size_t on = view_next_level(l.v, (enum detail)d, at, 1);
			ck_assert(on == at || on > s);
		}
	lw_close(&l);
}
END_TEST

/*
 * A question's own step is told as itself at story level, even where it
 * is a packet (lesson 14 asks about a lost frame, lesson 02 about a
 * TTL); elsewhere the panel tells the story step at or before.
 */
START_TEST(test_question_step_is_told)
{
	static const char *const asked_in[] = {
		"scenarios/14-lossy-link.json", "scenarios/02-packets-and-tcp.json",
	};

	for (size_t f = 0; f < 2; f++) {
		struct wh w;
		int packets = 0;

		ck_assert_int_eq(wh_open(&w, asked_in[f], 1280, 720, "en"), 0);
		struct app *a = &w.u->app;
		ck_assert_int_eq(a->level, DETAIL_STORY);
		ck_assert_int_gt(a->ncps, 0);
		for (int i = 0; i < a->ncps; i++) {
			size_t cs = a->cp_step[i];

			if (cs == 0)
				continue;
			app_seek(a, cs);
			ck_assert_uint_eq(panel_narration_step(w.u), cs);
			packets += view_level_at(w.u->view, DETAIL_STORY, cs) != cs;
			/* One step on, not a question: the story's step again. */
			if (cs + 1 < a->nsteps) {
				app_seek(a, cs + 1);
				int asked = 0;
				for (int j = 0; j < a->ncps; j++)
					asked |= a->cp_step[j] == cs + 1;
				if (!asked)
					ck_assert_uint_eq(panel_narration_step(w.u),
					    view_level_at(w.u->view, DETAIL_STORY,
					    cs + 1));
			}
		}
		/* The lesson has a question on a step the story leaves out. */
		ck_assert_int_gt(packets, 0);
		wh_close(&w);
	}
}
END_TEST

/* Characters of a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Play with wall time in slices until `wall` seconds have gone. */
static double
play_for(struct app *a, double wall, double slice)
{
	double gone = 0;

	while (gone + slice / 2 < wall) {
		app_advance(a, slice);
		gone += slice;
	}
	return gone;
}

/* Play in slices until the step reaches `to` (or 60 s); the wall time it took. */
static double
play_to(struct app *a, size_t to, double slice)
{
	double gone = 0;

	while (a->step < to && gone < 60) {
		app_advance(a, slice);
		gone += slice;
	}
	return gone;
}

/*
 * Playing at the story level: a story step's sentence stays for
 * APP_HOLD_BASE + APP_HOLD_CHAR a character (divided by the speed), the
 * records up to the next story step play through meanwhile, and the hold
 * ends exactly on the next story step.
 */
START_TEST(test_story_playback_holds)
{
	struct wh w;
	char buf[2048];

	ck_assert_int_eq(wh_open(&w, "scenarios/default.json", 1280, 720, "en"),
	    0);
	struct app *a = &w.u->app;
	ck_assert_int_eq(a->level, DETAIL_STORY);
	app_set_checkpoints(a, NULL, NULL, 0);
	/* A story step with records, and simulated time, before the next. */
	size_t s = 0, next = 0;
	for (int k = 0; k < 1000; k++) {
		s = view_next_level(w.u->view, DETAIL_STORY, s, 1);
		next = view_next_level(w.u->view, DETAIL_STORY, s, 1);
		if (k >= 2 && next > s + 3 && view_step_time(w.u->view, next) >
		    view_step_time(w.u->view, s))
			break;
	}
	ck_assert_uint_gt(next, s + 3);
	app_seek(a, s);
	double hold = app_hold_seconds(a, s);
	ui_narration(w.u, s, a->lang, buf, sizeof buf);
	ck_assert_uint_gt(chars(buf), 20);
	ck_assert(hold > APP_HOLD_BASE + 20 * APP_HOLD_CHAR);
	ck_assert(fabs(hold - (APP_HOLD_BASE + APP_HOLD_CHAR *
	    (double)chars(buf))) < 1e-9);

	cmd(a, CMD_PLAY, 0);
	ck_assert_int_eq(a->playing, 1);
	/* Nearly the whole hold: the sentence stays, the records move on. */
	play_for(a, hold - 0.05, 0.01);
	ck_assert_uint_gt(a->step, s);
	ck_assert_uint_lt(a->step, next);
	ck_assert_uint_eq(view_level_at(w.u->view, a->level, a->step), s);
	ck_assert_uint_gt(a->t, view_step_time(w.u->view, s));
	wh_draw(&w);
	/* Then, when the hold is over, exactly the next story step at its time. */
	double more = play_to(a, next, 0.01);
	ck_assert_msg(more > 0.03 && more < 0.07, "the hold of %.2f s ended "
	    "%.2f s late", hold, more - 0.05);
	ck_assert_uint_eq(a->step, next);
	ck_assert_uint_eq(a->t, view_step_time(w.u->view, next));
	ck_assert_int_eq(a->playing, 1);

	/* At x2 the next one takes half its time. */
	cmd(a, CMD_SPEED, 1);
	ck_assert(fabs(app_speeds[a->speed] - 2) < 1e-9);
	size_t after = view_next_level(w.u->view, DETAIL_STORY, next, 1);
	double h2 = app_hold_seconds(a, next) / 2;
	double took = play_to(a, after, 0.01);
	ck_assert_msg(fabs(took - h2) < 0.025, "%.3f s, not %.3f", took, h2);
	ck_assert_uint_eq(a->step, after);

	/* Paused, nothing moves; at packets, playing follows simulated time again. */
	cmd(a, CMD_PLAY, 0);
	size_t at = a->step;
	app_advance(a, 5);
	ck_assert_uint_eq(a->step, at);
	cmd(a, CMD_LEVEL, DETAIL_PACKETS);
	cmd(a, CMD_PLAY, 0);
	uint64_t t_at = a->t;
	app_advance(a, 0.01);
	/* 0.01 s at x2: 1 ms of simulated time at most (none where idle). */
	ck_assert_uint_le(a->t, t_at + (uint64_t)(0.01 * APP_BASE_RATE * 2 *
	    1e9) + 1);
	wh_close(&w);
}
END_TEST

/* At the story level the checkpoints still stop playback and ask. */
START_TEST(test_story_playback_checkpoints)
{
	struct wh w;

	ck_assert_int_eq(wh_open(&w, "scenarios/06-unknown-user.json", 1280,
	    720, "en"), 0);
	struct app *a = &w.u->app;
	ck_assert_int_eq(a->level, DETAIL_STORY);
	ck_assert_int_eq(a->ncps, 2);
	cmd(a, CMD_PLAY, 0);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 200000 && a->playing && a->quiz < 0; i++)
			app_advance(a, 0.05);
		ck_assert_int_eq(a->quiz, k);
		ck_assert_int_eq(a->playing, 0);
		ck_assert_uint_eq(a->step, w.u->cp_steps[k]);
		ck_assert_uint_eq(a->t, view_step_time(w.u->view, a->step));
		app_advance(a, 10);
		ck_assert_uint_eq(a->step, w.u->cp_steps[k]);
		wh_draw(&w);
		cmd(a, CMD_ANSWER, w.u->sc->checkpoints[k].answer);
		cmd(a, CMD_CONTINUE, 0);
		/* The second question shares the first one's step: it asks at once. */
		if (k == 0) {
			ck_assert_int_eq(a->quiz, 1);
			ck_assert_int_eq(a->playing, 0);
			continue;
		}
		ck_assert_int_eq(a->quiz, -1);
		ck_assert_int_eq(a->playing, 1);
	}
	for (int i = 0; i < 200000 && a->playing; i++)
		app_advance(a, 0.05);
	ck_assert_int_eq(a->quiz, -1);
	ck_assert_uint_eq(a->step, a->nsteps - 1);
	wh_close(&w);
}
END_TEST

/* A point inside the level control's part for level d, found by its hit test. */
static int
level_part_at(struct ui *u, int d, int *px, int *py)
{
	const struct lrect *t = &u->lay.timeline;

	for (int y = t->y; y < t->y + t->h; y++)
		for (int x = t->x; x < t->x + t->w / 2; x++)
			if (timeline_level_hit(u, x, y) == d) {
				/* Its middle, roughly: a few pixels in. */
				*px = x + 4;
				*py = y + 4;
				return 1;
			}
	return 0;
}

/*
 * V goes story -> messages -> packets -> story; a click on a part of the
 * control chooses that level; the control lies between the play state
 * and the track, inside the timeline, in both languages and sizes.
 */
START_TEST(test_level_key_and_control)
{
	static const struct {
		int w, h;
		const char *lang;
	} sizes[] = {
		{ 1280, 720, "en" }, { 1024, 768, "id" }, { 1920, 1080, "id" },
		{ 1024, 768, "en" },
	};

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		struct wh w;
		ck_assert_int_eq(wh_open(&w, NULL, sizes[k].w, sizes[k].h,
		    sizes[k].lang), 0);
		wh_draw(&w);
		ck_assert_int_eq(w.u->app.level, DETAIL_STORY);
		for (int i = 1; i <= 3; i++) {
			wh_key(&w, SDLK_v, 0);
			ck_assert_int_eq(w.u->app.level, i % 3);
		}
		int right = 0;
		for (int d = DETAIL_NLEVELS - 1; d >= 0; d--) {
			int x, y;
			ck_assert_msg(level_part_at(w.u, d, &x, &y), "no part "
			    "for %s at %dx%d", detail_name((enum detail)d),
			    sizes[k].w, sizes[k].h);
			wh_click(&w, x, y, SDL_BUTTON_LEFT);
			ck_assert_int_eq(w.u->app.level, d);
			ck_assert_uint_eq(w.u->app.step, 0);	/* a click on it is no seek */
			if (x > right)
				right = x;
		}
		wh_draw(&w);
		/* The track begins right of the control and keeps most of the bar. */
		ck_assert_int_gt(w.u->tl_track.x, right);
		ck_assert_int_gt(w.u->tl_track.w, sizes[k].w / 2);
		ck_assert_int_eq(timeline_level_hit(w.u, w.u->tl_track.x + 5,
		    w.u->lay.timeline.y + w.u->lay.timeline.h / 2), -1);
		wh_close(&w);
	}
	/* The parts' words, in both languages, differ. */
	for (int k = W_LEVEL_STORY; k <= W_LEVEL_PACKETS; k++) {
		ck_assert_uint_gt(strlen(words_get("id", (enum word)k)), 2);
		ck_assert_str_ne(words_get("en", (enum word)k),
		    words_get("id", (enum word)k));
	}
}
END_TEST

/* `surel view --detail`: the three levels, anything else is status 2 naming them. */
START_TEST(test_view_detail_option)
{
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	char cmdline[512], err[1024] = "";

	snprintf(cmdline, sizeof cmdline, "%s view scenarios/default.json "
	    "--detail bogus 2>build/detail-err.txt", bin);
	int st = system(cmdline);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	FILE *f = fopen("build/detail-err.txt", "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(err, 1, sizeof err - 1, f);
	err[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(err, "story"));
	ck_assert_ptr_nonnull(strstr(err, "messages"));
	ck_assert_ptr_nonnull(strstr(err, "packets"));
	ck_assert_ptr_nonnull(strstr(err, "bogus"));
	static const char *const good[] = { "story", "messages", "packets" };
	for (int i = 0; i < 3; i++) {
		snprintf(cmdline, sizeof cmdline, "%s view scenarios/default.json "
		    "--detail %s --screenshot build/detail.png --step 50", bin,
		    good[i]);
		ck_assert_int_eq(system(cmdline), 0);
	}
}
END_TEST

/*
 * How long each bundled lesson plays at the story level and x1, in both
 * languages: the hold of step 0 and of every story step.  A lesson must
 * fit a class period (45 minutes) with room to talk; the table goes to
 * stderr for the teacher's guide.
 */
START_TEST(test_story_durations)
{
	static const char *const langs[] = { "en", "id" };

	lessons_find();
	fprintf(stderr, "%-40s %6s %9s %9s\n", "lesson (story level, x1)",
	    "steps", "en", "id");
	for (size_t f = 0; f < lessons.gl_pathc; f++) {
		double secs[2] = { 0, 0 };
		size_t nsteps = 0;
		for (int l = 0; l < 2; l++) {
			struct wh w;
			ck_assert_int_eq(wh_open(&w, lessons.gl_pathv[f], 1280, 720,
			    langs[l]), 0);
			struct app *a = &w.u->app;
			size_t s = 0, k = 0;
			secs[l] = app_hold_seconds(a, 0);
			for (;;) {
				size_t on = view_next_level(w.u->view, DETAIL_STORY,
				    s, 1);
				if (on == s)
					break;
				s = on;
				secs[l] += app_hold_seconds(a, s);
				k++;
			}
			nsteps = k;
			wh_close(&w);
		}
		fprintf(stderr, "%-40s %6zu %4d:%02d %4d:%02d\n",
		    lessons.gl_pathv[f] + strlen("scenarios/"), nsteps,
		    (int)secs[0] / 60, (int)secs[0] % 60, (int)secs[1] / 60,
		    (int)secs[1] % 60);
		for (int l = 0; l < 2; l++)
			ck_assert_msg(secs[l] < 45 * 60, "%s takes %.0f s in %s",
			    lessons.gl_pathv[f], secs[l], langs[l]);
	}
	globfree(&lessons);
}
END_TEST

Suite *
window_levels_suite(void)
{
	Suite *s = suite_create("window_levels");
	TCase *tc = tcase_create("levels");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_steps_visit_each_level);
	tcase_add_test(tc, test_jumps_never_skip_a_state_change);
	tcase_add_test(tc, test_lesson03_ctrl_stops_at_new_mail);
	tcase_add_test(tc, test_question_step_is_told);
	tcase_add_test(tc, test_level_at);
	tcase_add_test(tc, test_story_playback_holds);
	tcase_add_test(tc, test_story_playback_checkpoints);
	tcase_add_test(tc, test_level_key_and_control);
	tcase_add_test(tc, test_view_detail_option);
	tcase_add_test(tc, test_story_durations);
	suite_add_tcase(s, tc);
	return s;
}
