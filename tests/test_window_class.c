/*
 * test_window_class.c: the window in a classroom (issue 12, points 3, 4
 * and 7): the lesson chooser and what it loads, files dropped on the
 * window, Esc that asks, the key that saves a picture, presentation
 * mode, --screenshot of a checkpoint's step, and the real window under
 * Xvfb driven by xdotool.
 */
#include <SDL2/SDL_image.h>
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"
#include "lessons.h"
#include "window_helpers.h"

static struct wh w;

/* "$SUREL_BIN args": its exit status. */
static int
run_surel(const char *args, char *out, size_t n)
{
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%s %s >build/class-out.txt 2>&1", bin, args);
	int st = system(cmd);
	FILE *f = fopen("build/class-out.txt", "r");
	size_t k = f ? fread(out, 1, n - 1, f) : 0;
	out[k] = '\0';
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *
test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 1 << 16);

	if (f == NULL) {
		free(s);
		return NULL;
	}
	*len = fread(s, 1, (1 << 16) - 1, f);
	fclose(f);
	return s;
}

static void
setup(void)
{
	ck_assert_int_eq(SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
	ck_assert_int_eq(wh_open(&w, NULL, 1280, 720, "en"), 0);
	wh_draw(&w);
}

static void
teardown(void)
{
	wh_close(&w);
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
}

static void
pump(void)
{
	SDL_Event ev;

	while (SDL_PollEvent(&ev))
		input_event(w.u, &ev);
	wh_draw(&w);
}

static void
drop(const char *path)
{
	SDL_Event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = SDL_DROPFILE;
	ev.drop.file = SDL_strdup(path);
	ck_assert_int_eq(SDL_PushEvent(&ev), 1);
	pump();
}

/* The bundled lessons' names: "default" and scenarios/NAME.json but default.json. */
static int
bundled(char names[][64], int max)
{
	glob_t g;
	int n = 0;

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	snprintf(names[n++], 64, "default");
	for (size_t i = 0; i < g.gl_pathc && n < max; i++) {
		char *nm = lesson_name(g.gl_pathv[i]);
		if (strcmp(nm, "default") != 0)
			snprintf(names[n++], 64, "%s", nm);
		free(nm);
	}
	globfree(&g);
	return n;
}

/* Exactly the bundled scenarios, each with its own title and summary in both languages. */
START_TEST(test_chooser_lists_bundled)
{
	char names[64][64];
	int n = bundled(names, 64);

	wh_key(&w, SDLK_o, 0);
	ck_assert_int_eq(w.u->app.chooser, 1);
	struct lessons *l = panel_chooser_list(w.u);
	ck_assert_int_eq(l->n, n);
	for (int i = 0; i < n; i++) {
		ck_assert_str_eq(l->v[i].name, names[i]);
		ck_assert_msg(l->v[i].sc != NULL, "%s: %s", names[i],
		    l->v[i].err);
		char *err = NULL;
		char path[128];
		snprintf(path, sizeof path, "scenarios/%s.json", names[i]);
		struct scenario *sc = lesson_load(path, &err);
		ck_assert_ptr_nonnull(sc);
		for (int k = 0; k < 2; k++) {
			const char *lang = k ? "id" : "en";
			ck_assert_str_eq(sc_text_get(&l->v[i].sc->title, lang),
			    sc_text_get(&sc->title, lang));
			/* Every bundled lesson says in one line what it teaches, in both languages. */
			ck_assert_msg(strlen(sc_text_get(&sc->summary, lang)) > 10,
			    "%s has no summary in %s", names[i], lang);
		}
		ck_assert_str_ne(sc_text_get(&sc->summary, "en"),
		    sc_text_get(&sc->summary, "id"));
		scenario_free(sc);
	}
	/* Drawn in both languages; the current lesson is lit. */
	ck_assert_int_eq(panel_chooser_hit(w.u, 1, 1), -1);
	wh_key(&w, SDLK_l, 0);
	ck_assert_str_eq(ui_lang(w.u), "id");
	ck_assert_int_eq(w.u->app.chooser, 1);
	ck_assert_int_eq(w.u->chooser_sel, 0);
	/* Esc goes back to the lesson, not out of the window. */
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.chooser, 0);
	ck_assert_int_eq(w.u->app.ask_quit, 0);
}
END_TEST

/* Arrows and Enter, or a click, load a lesson: step 0, its title, the chooser closed. */
START_TEST(test_chooser_loads)
{
	wh_key(&w, SDLK_RIGHT, 0);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_uint_gt(w.u->app.step, 0);
	wh_key(&w, SDLK_o, 0);
	wh_key(&w, SDLK_RIGHT, 0);	/* 01-what-is-an-email */
	wh_key(&w, SDLK_DOWN, 0);	/* two columns: 03-same-domain */
	ck_assert_int_eq(w.u->chooser_sel, 3);
	wh_key(&w, SDLK_RETURN, 0);
	ck_assert_int_eq(w.u->app.chooser, 0);
	ck_assert_str_eq(w.u->name, "03-same-domain");
	ck_assert_uint_eq(w.u->app.step, 0);
	ck_assert_str_eq(sc_text_get(&w.u->sc->title, "en"),
	    "Same domain: no trip across the internet");
	ck_assert_int_eq(w.u->loads, 2);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_uint_gt(w.u->app.step, 0);
	/* A click on a card opens that lesson. */
	wh_key(&w, SDLK_o, 0);
	struct lessons *l = panel_chooser_list(w.u);
	int want = -1;
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, "06-unknown-user") == 0)
			want = i;
	ck_assert_int_ge(want, 0);
	int hit = -1;
	for (int y = 0; y < 720 && hit != want; y += 4)
		for (int x = 0; x < 1280 && hit != want; x += 16)
			if ((hit = panel_chooser_hit(w.u, x, y)) == want)
				wh_click(&w, x, y, SDL_BUTTON_LEFT);
	ck_assert_str_eq(w.u->name, "06-unknown-user");
	ck_assert_int_eq(w.u->app.ncps, 2);
	ck_assert_uint_gt(w.u->cp_steps[0], 0);
	ck_assert_int_eq(w.u->app.lang, 0);
}
END_TEST

/* A good file dropped opens; a bad one shows its errors in the chooser and changes nothing. */
START_TEST(test_drop_files)
{
	drop("scenarios/14-lossy-link.json");
	ck_assert_str_eq(w.u->name, "14-lossy-link");
	ck_assert_int_eq(w.u->app.chooser, 0);
	const struct scenario *before = w.u->sc;
	drop("tests/bad/syntax_bare_word.json");
	ck_assert_ptr_eq(w.u->sc, before);
	ck_assert_str_eq(w.u->name, "14-lossy-link");
	ck_assert_int_eq(w.u->app.chooser, 1);
	ck_assert_ptr_nonnull(w.u->chooser_err);
	ck_assert_ptr_nonnull(strstr(w.u->chooser_err,
	    "tests/bad/syntax_bare_word.json:"));
	drop("/no/such/file.json");
	ck_assert_ptr_nonnull(strstr(w.u->chooser_err, "cannot open"));
	/* Then a good one still opens, and the error is gone. */
	drop("scenarios/06-unknown-user.json");
	ck_assert_str_eq(w.u->name, "06-unknown-user");
	ck_assert_ptr_null(w.u->chooser_err);
	ck_assert_int_eq(w.u->app.chooser, 0);
}
END_TEST

/* Esc asks; any other key stays; Esc again (or Q, or Enter) quits. */
START_TEST(test_esc_asks)
{
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.ask_quit, 1);
	ck_assert_int_eq(w.u->app.quit, 0);
	wh_key(&w, SDLK_RIGHT, 0);
	ck_assert_int_eq(w.u->app.ask_quit, 0);
	ck_assert_int_eq(w.u->app.quit, 0);
	ck_assert_uint_eq(w.u->app.step, 0);	/* the key only closed the card */
	wh_key(&w, SDLK_ESCAPE, 0);
	wh_key(&w, SDLK_RETURN, 0);
	ck_assert_int_eq(w.u->app.quit, 1);
	w.u->app.quit = 0;
	w.u->app.ask_quit = 0;
	/* Full screen: Esc leaves it first. */
	w.u->app.fullscreen = 1;
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.fullscreen, 0);
	ck_assert_int_eq(w.u->app.ask_quit, 0);
	wh_key(&w, SDLK_ESCAPE, 0);
	wh_key(&w, SDLK_ESCAPE, 0);
	ck_assert_int_eq(w.u->app.quit, 1);
}
END_TEST

/* S writes surel-NAME-stepN.png, the window's size, in the current folder, and says so. */
START_TEST(test_save_key)
{
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	mkdir("build/save-test", 0755);
	system("rm -f build/save-test/*.png");
	ck_assert_int_eq(chdir("build/save-test"), 0);
	wh_key(&w, SDLK_RIGHT, 0);
	wh_key(&w, SDLK_s, 0);
	wh_key(&w, SDLK_F12, 0);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_ptr_nonnull(strstr(w.u->toast, "surel-default-step1-2.png"));
	SDL_Surface *a = IMG_Load("build/save-test/surel-default-step1.png");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->w, 1280);
	ck_assert_int_eq(a->h, 720);
	SDL_FreeSurface(a);
	/* The saved picture is the window's, without the "saved" line. */
	char msg[256];
	w.u->toast[0] = '\0';
	wh_draw(&w);
	ck_assert_int_eq(wh_compare_png(w.sf,
	    "build/save-test/surel-default-step1-2.png", 0, msg, sizeof msg), 0);
}
END_TEST

/* Presentation mode: picture, narration, timeline; the narration at least 36 px at 1920x1080. */
START_TEST(test_present)
{
	wh_close(&w);
	ck_assert_int_eq(wh_open(&w, NULL, 1920, 1080, "en"), 0);
	wh_draw(&w);
	int normal_px = w.u->lay.font_narration;
	wh_key(&w, SDLK_p, 0);
	const struct layout *L = &w.u->lay;
	ck_assert_int_eq(L->present, 1);
	ck_assert_int_eq(L->top.h, 0);
	ck_assert_int_eq(L->events.w, 0);
	ck_assert_int_eq(L->right.w, 0);
	ck_assert_int_eq(L->legend.h, 0);
	ck_assert_int_eq(L->whereis.h, 0);
	ck_assert_int_eq(L->picture.w, 1920);
	ck_assert_int_gt(L->picture.h, 1080 / 2);
	ck_assert_int_gt(L->font_narration, normal_px);
	/* Every sentence of the story level and in both languages: 36 px or more. */
	for (int lang = 0; lang < w.u->nlangs; lang++)
		for (size_t s = 0; s < w.u->app.nsteps; s = view_next_level(
		    w.u->view, DETAIL_STORY, s, 1)) {
			int px = panel_narration_px(w.u, s, lang);
			ck_assert_msg(px >= 36, "step %zu (%s): %d px", s,
			    w.u->lang_code[lang], px);
			if (view_next_level(w.u->view, DETAIL_STORY, s, 1) == s)
				break;
		}
	/* Nothing drawn where the side panels were: the top-left corner is the picture's ground. */
	SDL_LockSurface(w.sf);
	Uint32 px = ((Uint32 *)w.sf->pixels)[5 * w.sf->pitch / 4 + 40];
	SDL_UnlockSurface(w.sf);
	Uint8 r, g, b;
	SDL_GetRGB(px, w.sf->format, &r, &g, &b);
	ck_assert_int_eq(r, w.u->th->picture.r);
	ck_assert_int_eq(g, w.u->th->picture.g);
	ck_assert_int_eq(b, w.u->th->picture.b);
	/* No clicks reach panels that are not there. */
	ck_assert_int_eq(lrect_has(&L->events, 10, 100), 0);
	wh_key(&w, SDLK_p, 0);
	ck_assert_int_eq(w.u->lay.present, 0);
	ck_assert_int_gt(w.u->lay.events.w, 0);
}
END_TEST

/* --screenshot at a checkpoint's step draws its question; past the end is the last step. */
START_TEST(test_screenshot_checkpoint)
{
	char out[4096], cmd[256], msg[256];

	wh_close(&w);
	ck_assert_int_eq(wh_open(&w, "scenarios/06-unknown-user.json", 1280,
	    720, "en"), 0);
	size_t cp = w.u->cp_steps[0];
	ck_assert_uint_gt(cp, 0);
	snprintf(cmd, sizeof cmd, "06-unknown-user --screenshot "
	    "build/cp-shot.png --step %zu --lang en", cp);
	ck_assert_int_eq(run_surel(cmd, out, sizeof out), 0);
	/* The same step without the card. */
	app_seek(&w.u->app, cp);
	ck_assert_int_eq(w.u->app.quiz, -1);
	wh_draw(&w);
	long diff = wh_compare_png(w.sf, "build/cp-shot.png", 24, msg,
	    sizeof msg);
	ck_assert_msg(diff > 20000, "the card is not drawn: %ld pixels (%s)",
	    diff, msg);
	/* With the question open, as playback stopping there opens it: the same picture. */
	app_seek_ask(&w.u->app, cp);
	ck_assert_int_eq(w.u->app.quiz, 0);
	wh_draw(&w);
	ck_assert_int_eq(wh_compare_png(w.sf, "build/cp-shot.png", 0, msg,
	    sizeof msg), 0);
	/* A step past the end: the last one, not an error. */
	ck_assert_int_eq(run_surel("06-unknown-user --screenshot build/end-a.png "
	    "--step 99999999 --lang en", out, sizeof out), 0);
	app_seek_ask(&w.u->app, w.u->app.nsteps - 1);
	wh_draw(&w);
	ck_assert_int_eq(wh_compare_png(w.sf, "build/end-a.png", 0, msg,
	    sizeof msg), 0);
	/* The chooser pictured. */
	ck_assert_int_eq(run_surel("--chooser --screenshot build/chooser.png "
	    "--size 1024x768 --lang id", out, sizeof out), 0);
}
END_TEST

/*
 * The real window under Xvfb: opens at --step 5 of a lesson named by
 * its name, P presentation, S saves a picture, O the chooser, Home and
 * Right choose lesson 01, Enter opens it; Esc asks and Esc quits.
 */
START_TEST(test_xvfb_class)
{
	if (system("command -v xvfb-run >/dev/null && command -v xdotool "
	    ">/dev/null") != 0) {
		fprintf(stderr, "test_xvfb_class: SKIPPED: xvfb-run or xdotool "
		    "is missing\n");
		return;
	}
	char bin[8192];
	const char *b = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(bin, sizeof bin, "%s%s%s", b[0] == '/' ? "" : cwd,
	    b[0] == '/' ? "" : "/", b);
	mkdir("build/xvfb-class", 0755);
	system("rm -f build/xvfb-class/*");
	FILE *f = fopen("build/xvfb-class/run.sh", "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "set -e\n"
	    "cd build/xvfb-class\n"
	    "SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software SUREL_ASSETS=%s/assets "
	    "ASAN_OPTIONS=detect_leaks=0 SUREL_STATE_OUT=state.txt "
	    "%s 06-unknown-user --step 5 --lang en & pid=$!\n"
	    "wid=$(timeout 20 xdotool search --sync --name '^surel' | head -1)\n"
	    "xdotool windowfocus --sync \"$wid\" 2>/dev/null || true\n"
	    "sleep 1\n"
	    "xdotool key p; sleep 0.3; xdotool key s; sleep 0.5\n"
	    "if command -v import >/dev/null; then import -window root "
	    "present.png || true; fi\n"
	    "xdotool key o; sleep 0.3; xdotool key Home; sleep 0.2\n"
	    "xdotool key Right; sleep 0.3\n"
	    "if command -v import >/dev/null; then import -window root "
	    "chooser.png || true; fi\n"
	    "xdotool key Return; sleep 0.5\n"
	    "xdotool key Escape; sleep 0.3\n"
	    "if command -v import >/dev/null; then import -window root "
	    "askquit.png || true; fi\n"
	    "xdotool key Escape\n"
	    "wait $pid\n", cwd, bin);
	fclose(f);
	int st = system("timeout 90 xvfb-run -a -s '-screen 0 1280x720x24' "
	    "bash build/xvfb-class/run.sh");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the window under Xvfb: status %d", st);
	size_t n;
	char *s = test_slurp("build/xvfb-class/state.txt", &n);
	ck_assert_msg(s != NULL, "the window wrote no state");
	ck_assert_msg(strstr(s, "step=0 ") && strstr(s,
	    "lesson=01-what-is-an-email present=1 chooser=0"), "%s", s);
	free(s);
	SDL_Surface *p = IMG_Load("build/xvfb-class/surel-06-unknown-user-step5.png");
	ck_assert_msg(p != NULL, "S saved no picture");
	SDL_FreeSurface(p);
}
END_TEST

Suite *
window_class_suite(void)
{
	Suite *s = suite_create("window_class");
	TCase *tc = tcase_create("class");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_chooser_lists_bundled);
	tcase_add_test(tc, test_chooser_loads);
	tcase_add_test(tc, test_drop_files);
	tcase_add_test(tc, test_esc_asks);
	tcase_add_test(tc, test_save_key);
	tcase_add_test(tc, test_present);
	tcase_add_test(tc, test_screenshot_checkpoint);
	tcase_add_test(tc, test_xvfb_class);
	suite_add_tcase(s, tc);
	return s;
}
