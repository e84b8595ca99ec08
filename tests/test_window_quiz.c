/*
 * test_window_quiz.c: "predict, then observe" in the window
 * (scenarios/README.md, "Checkpoints"), driven by pushed SDL events on
 * the software renderer: playback stops at a checkpoint's step and asks;
 * a key or a click answers; the verdict and the explanation follow (PNG
 * goldens of the question, a right answer, and a wrong one in
 * Indonesian); Space or Enter goes on; moving back and forward again asks
 * again; jumps do not ask.
 *
 * The lesson is scenarios/06-unknown-user.json: checkpoint 0 stops at the
 * sender's server's RCPT TO for the misspelt address, before the 550
 * (answer A); checkpoint 1 at the same step, "who finds out?" (answer C),
 * asked before the 550's own sentence says it (issue 12).
 */
#include <check.h>
#include <SDL2/SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "window_helpers.h"

#define LESSON		"scenarios/06-unknown-user.json"
/* As test_window.c's golden pictures. */
#define GOLDEN_TOL	24
#define GOLDEN_MAX_BAD	1843

static struct wh w;

static void
setup(void)
{
	ck_assert_int_eq(SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
	ck_assert_int_eq(wh_open(&w, LESSON, 1280, 720, "en"), 0);
	ck_assert_int_eq(w.u->app.ncps, 2);
	ck_assert_uint_gt(w.u->cp_steps[0], 0);
	/* These tests count single events (test_window_levels.c: the story level). */
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
/* Play with wall time given in slices until a question opens (or the end). */
static void
play_until_question(void)
{
	for (int i = 0; i < 100000 && w.u->app.playing && w.u->app.quiz < 0;
	    i++)
		app_advance(&w.u->app, 0.05);
}

/* The picture now against tests/golden/NAME.png (`make golden` draws it). */
static void
golden(const char *name)
{
	char png[256], msg[512];

	snprintf(png, sizeof png, "tests/golden/%s.png", name);
	long bad = wh_compare_png(w.sf, png, GOLDEN_TOL, msg, sizeof msg);
	if (bad != 0) {
		char out[256];
		mkdir("build/golden-diff", 0777);
		snprintf(out, sizeof out, "build/golden-diff/%s.png", name);
		IMG_SavePNG(w.sf, out);
	}
	ck_assert_msg(bad >= 0 && bad <= GOLDEN_MAX_BAD, "%s (see "
	    "build/golden-diff/%s.png; `make golden` after a deliberate "
	    "change)", msg, name);
}

/* A point inside choice c of the open question. */
static SDL_Point
choice_at(int c)
{
	const struct lrect *p = &w.u->lay.center;

	for (int y = p->y; y < p->y + p->h; y += 2)
		for (int x = p->x + 40; x < p->x + p->w; x += 40)
			if (panel_quiz_hit(w.u, x, y) == c)
				return (SDL_Point){ x, y };
	ck_abort_msg("choice %d is not drawn", c);
	return (SDL_Point){ 0, 0 };
}

/* Open checkpoint k's question by stepping onto its step with →. */
static void
step_into(int k)
{
	app_seek(&w.u->app, w.u->cp_steps[k] - 1);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_int_eq(w.u->app.quiz, k);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[k]);
}

START_TEST(test_play_stops_and_asks)
{
	const struct sc_checkpoint *cp = &w.u->sc->checkpoints[0];

	wh_key(&w, SDLK_SPACE, 0);
	ck_assert_int_eq(w.u->app.playing, 1);
	play_until_question();
	ck_assert_int_eq(w.u->app.quiz, 0);
	ck_assert_int_eq(w.u->app.playing, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, -1);
	/* It stopped at the very step: the sender's server's RCPT TO, before the 550. */
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0]);
	struct trace_rec r;
	ck_assert(ui_current(w.u, &r));
	ck_assert_int_eq(r.kind, TR_APP);
	ck_assert_ptr_nonnull(strstr(trace_text_at(w.u->tr, r.text),
	    "RCPT TO:<penrima@"));
	ck_assert_str_eq(w.u->sc->nodes[r.node].id, "mail-pengirim");
	ck_assert_uint_eq(w.u->app.t, view_step_time(w.u->view,
	    w.u->app.step));
	/* More wall time changes nothing while the question waits. */
	app_advance(&w.u->app, 1.0);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0]);
	wh_draw(&w);
	golden("quiz-question");

	/* The right key: "Right!" and the explanation. */
	wh_key(&w, SDLK_a, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, cp->answer);
	ck_assert_int_eq(w.u->app.quiz, 0);
	golden("quiz-right");

	/* Space: the second question, at the same step, asks at once. */
	wh_key(&w, SDLK_SPACE, 0);
	ck_assert_int_eq(w.u->app.quiz, 1);
	ck_assert_int_eq(w.u->app.playing, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[1]);
	ck_assert_uint_eq(w.u->cp_steps[1], w.u->cp_steps[0]);
	/* A digit answers too; Enter goes on, playing as before. */
	wh_key(&w, SDLK_3, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, 2);
	wh_key(&w, SDLK_RETURN, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_int_eq(w.u->app.playing, 1);
	play_until_question();
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_uint_eq(w.u->app.step, w.u->app.nsteps - 1);
}
END_TEST

/* A wrong answer shows which one was right, in the language chosen live. */
START_TEST(test_wrong_answer_shows_the_right_one)
{
	const struct sc_checkpoint *cp = &w.u->sc->checkpoints[0];

	step_into(0);
	ck_assert_int_eq(w.u->app.quiz_resume, 0);
	wh_key(&w, SDLK_b, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, 1);
	ck_assert_int_ne(w.u->app.quiz_chosen, cp->answer);
	/* A second answer does not replace the first. */
	wh_key(&w, SDLK_a, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, 1);
	/* L switches the card's language with everything else. */
	wh_key(&w, SDLK_l, 0);
	ck_assert_str_eq(ui_lang(w.u), "id");
	ck_assert_int_eq(w.u->app.quiz, 0);
	golden("quiz-wrong-id");
	/* Stepping onto the question, Enter leaves playback paused (after the second). */
	wh_key(&w, SDLK_RETURN, 0);
	ck_assert_int_eq(w.u->app.quiz, 1);
	wh_key(&w, SDLK_c, 0);
	wh_key(&w, SDLK_RETURN, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_int_eq(w.u->app.playing, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0]);
}
END_TEST

/* Before an answer the story does not move on; a click answers. */
START_TEST(test_question_waits_for_an_answer)
{
	step_into(0);
	size_t at = w.u->app.step;

	wh_key(&w, SDLK_RIGHT, 0);
	wh_key(&w, SDLK_SPACE, 0);
	wh_key(&w, SDLK_END, 0);
	wh_key(&w, SDLK_PLUS, 0);		/* speed still works */
	ck_assert_uint_eq(w.u->app.step, at);
	ck_assert_int_eq(w.u->app.quiz, 0);
	ck_assert_int_eq(w.u->app.playing, 0);
	/* A click beside the choices, on the card, does nothing. */
	wh_click(&w, w.u->lay.center.x + 14, w.u->lay.center.y + 14, SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.quiz_chosen, -1);
	ck_assert_int_eq(w.u->app.sel_node, -1);
	/* A click on a choice answers it. */
	SDL_Point p = choice_at(1);
	wh_click(&w, p.x, p.y, SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.quiz_chosen, 1);
	/* → after the answer closes it; the second question waits at the step. */
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_int_eq(w.u->app.quiz, 1);
	ck_assert_uint_eq(w.u->app.step, at);
	wh_key(&w, SDLK_c, 0);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_uint_eq(w.u->app.step, at + 1);
}
END_TEST

/* Going back before the step and forward again asks again. */
START_TEST(test_back_and_forward_asks_again)
{
	step_into(0);
	wh_key(&w, SDLK_a, 0);
	wh_key(&w, SDLK_SPACE, 0);
	ck_assert_int_eq(w.u->app.quiz, 1);
	wh_key(&w, SDLK_c, 0);
	wh_key(&w, SDLK_SPACE, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	wh_key(&w, SDLK_RIGHT, 0);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0] + 2);
	wh_key(&w, SDLK_LEFT, 0);
	wh_key(&w, SDLK_LEFT, 0);
	wh_key(&w, SDLK_LEFT, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0] - 1);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_int_eq(w.u->app.quiz, 0);
	ck_assert_int_eq(w.u->app.quiz_chosen, -1);
	/* ← while it is open closes it and steps back. */
	wh_key(&w, SDLK_LEFT, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0] - 1);
	/* Ctrl+→ (the next message) lands on the RCPT TO and asks. */
	app_seek(&w.u->app, view_next_app(w.u->view, w.u->cp_steps[0], -1));
	ck_assert_uint_lt(w.u->app.step, w.u->cp_steps[0] - 1);
	wh_key(&w, SDLK_RIGHT, KMOD_LCTRL);
	ck_assert_int_eq(w.u->app.quiz, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[0]);
}
END_TEST

/* Jumps go where they are told without asking; Esc skips a question. */
START_TEST(test_jumps_and_esc)
{
	wh_key(&w, SDLK_END, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_uint_eq(w.u->app.step, w.u->app.nsteps - 1);
	wh_key(&w, SDLK_HOME, 0);
	SDL_Rect tr = w.u->tl_track;
	wh_click(&w, tr.x + tr.w - 2, w.u->lay.timeline.y + w.u->lay.timeline.h / 2, SDL_BUTTON_LEFT);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_uint_gt(w.u->app.step, w.u->cp_steps[1]);
	/* Esc skips: no answer, no quitting, still at the step; the second asks. */
	step_into(0);
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.quiz, 1);
	ck_assert_int_eq(w.u->app.quit, 0);
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.quiz, -1);
	ck_assert_int_eq(w.u->app.quit, 0);
	ck_assert_uint_eq(w.u->app.step, w.u->cp_steps[1]);
	/* Esc with no question open asks first (issue 12, point 7). */
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.quit, 0);
	ck_assert_int_eq(w.u->app.ask_quit, 1);
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.quit, 1);
}
END_TEST

/* Two questions at one step ask one after the other, in file order. */
static const char *two_world =
"{\"surel\":1,\"title\":\"t\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"]},\"submission\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"password\":\"pw\"}],"
"\"actions\":[{\"at_ms\":0,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\","
"\"to\":[\"u@a.test\"],\"via\":\"srv\",\"auth\":{\"user\":\"u@a.test\","
"\"password\":\"pw\"}}}],"
"\"checkpoints\":["
"{\"at\":{\"state\":\"mailbox_add\"},\"question\":\"second?\",\"choices\":[\"x\",\"y\"],"
"\"answer\":1,\"explain\":\"two\"},"
"{\"at\":{\"app\":\"C: DATA\"},\"question\":\"first?\",\"choices\":[\"x\",\"y\",\"z\"],"
"\"answer\":2,\"explain\":\"one\"},"
"{\"at\":{\"app\":\"C: DATA\"},\"question\":{\"en\":\"also first?\"},"
"\"choices\":[\"x\",\"y\"],\"answer\":0,\"explain\":\"one b\"},"
"{\"at\":{\"app\":\"nothing like this\"},\"question\":\"never\",\"choices\":[\"x\",\"y\"],"
"\"answer\":0,\"explain\":\"never\"}]}";

START_TEST(test_two_questions_one_step)
{
	struct sc_errors e;
	struct scenario *sc = scenario_load(two_world, strlen(two_world), "two",
	    &e);
	struct wh t;

	ck_assert_int_eq(e.n, 0);
	ck_assert_int_eq(wh_open_scenario(&t, sc, 1280, 720, "en"), 0);
	ck_assert_uint_eq(t.u->cp_steps[1], t.u->cp_steps[2]);
	ck_assert_uint_gt(t.u->cp_steps[0], t.u->cp_steps[1]);
	ck_assert_uint_eq(t.u->cp_steps[3], 0);
	struct app_command play = { CMD_PLAY, 0, 0 };
	struct app_command b = { CMD_ANSWER, 1, 0 }, go = { CMD_CONTINUE, 0, 0 };
	struct app_command bad = { CMD_ANSWER, 2, 0 };
	app_do(&t.u->app, &play);
	for (int i = 0; i < 100000 && t.u->app.playing; i++)
		app_advance(&t.u->app, 0.05);
	ck_assert_int_eq(t.u->app.quiz, 1);
	app_do(&t.u->app, &go);		/* not answered: stays */
	ck_assert_int_eq(t.u->app.quiz, 1);
	app_do(&t.u->app, &b);
	app_do(&t.u->app, &go);
	ck_assert_int_eq(t.u->app.quiz, 2);
	ck_assert_int_eq(t.u->app.playing, 0);
	app_do(&t.u->app, &bad);	/* only two choices here */
	ck_assert_int_eq(t.u->app.quiz_chosen, -1);
	app_do(&t.u->app, &b);
	wh_draw(&t);			/* a text in one language draws too */
	app_do(&t.u->app, &go);
	ck_assert_int_eq(t.u->app.quiz, -1);
	ck_assert_int_eq(t.u->app.playing, 1);
	for (int i = 0; i < 100000 && t.u->app.playing; i++)
		app_advance(&t.u->app, 0.05);
	ck_assert_int_eq(t.u->app.quiz, 0);
	ck_assert_uint_eq(t.u->app.step, t.u->cp_steps[0]);
	wh_close(&t);
	sc_errors_free(&e);
}
END_TEST

/* The card's own words exist in both languages, and differ. */
START_TEST(test_quiz_words_both_languages)
{
	for (int k = W_Q_QUESTION; k <= W_Q_CONTINUE; k++) {
		const char *en = words_get("en", (enum word)k);
		const char *id = words_get("id", (enum word)k);
		ck_assert_uint_gt(strlen(en), 2);
		ck_assert_uint_gt(strlen(id), 2);
		ck_assert_str_ne(en, id);
	}
}
END_TEST

/*
 * Every question of every bundled lesson, in both languages, before and
 * after an answer (right and wrong), fits its card at 1280x720 with the
 * texts at least 0.8 of their full size: large enough for the back of a
 * classroom.
 */
START_TEST(test_every_lesson_question_fits)
{
	static const char *const files[] = {
		"scenarios/01-what-is-an-email.json",
		"scenarios/02-packets-and-tcp.json",
		"scenarios/03-same-domain.json", "scenarios/04-dns-mx.json",
		"scenarios/04b-dns-from-the-root.json",
		"scenarios/05-relay-hops.json", "scenarios/06-unknown-user.json",
		"scenarios/07-no-such-domain.json",
		"scenarios/08-pop3-then-phone.json",
		"scenarios/08b-imap-two-devices.json",
		"scenarios/09-pop3-keep.json", "scenarios/10-server-down.json",
		"scenarios/11-backup-mx.json", "scenarios/12-open-relay.json",
		"scenarios/13-wrong-password.json",
		"scenarios/14-lossy-link.json", "scenarios/default.json",
	};
	static const char *const langs[] = { "en", "id" };
	int asked = 0;

	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
		for (int l = 0; l < 2; l++) {
			struct wh t;
			ck_assert_int_eq(wh_open(&t, files[f], 1280, 720,
			    langs[l]), 0);
			for (int k = 0; k < t.u->app.ncps; k++) {
				const struct sc_checkpoint *cp =
				    &t.u->sc->checkpoints[k];
				int tries[3] = { -1, cp->answer,
				    cp->answer == 0 ? 1 : 0 };
				char what[32];
				for (int a = 0; a < 3; a++) {
					snprintf(what, sizeof what, a ? "quiz:%d:%d" :
					    "quiz:%d", k, tries[a]);
					ck_assert_int_gt(wh_apply(t.u, what), 0);
					double fac;
					int need, room;
					ck_assert_msg(panel_quiz_fits(t.u, &fac,
					    &need, &room) && fac >= 0.8, "%s (%s) "
					    "checkpoints[%d], %s: needs %d px of %d "
					    "at size %.1f", files[f], langs[l], k,
					    what, need, room, fac);
					asked++;
				}
			}
			wh_close(&t);
		}
	ck_assert_int_ge(asked, 3 * 2 * 30);
}
END_TEST

Suite *
window_quiz_suite(void)
{
	Suite *s = suite_create("window_quiz");
	TCase *tc = tcase_create("checkpoints");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_play_stops_and_asks);
	tcase_add_test(tc, test_wrong_answer_shows_the_right_one);
	tcase_add_test(tc, test_question_waits_for_an_answer);
	tcase_add_test(tc, test_back_and_forward_asks_again);
	tcase_add_test(tc, test_jumps_and_esc);
	tcase_add_test(tc, test_two_questions_one_step);
	tcase_add_test(tc, test_quiz_words_both_languages);
	tcase_add_test(tc, test_every_lesson_question_fits);
	suite_add_tcase(s, tc);
	return s;
}
