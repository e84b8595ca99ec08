/*
 * test_window.c: the window's pictures: golden images of chosen steps of
 * the bundled scenarios (tests/golden/list.txt, `make golden`), the same
 * bytes on every run, backwards equal to straight there, narration in
 * both languages that fits its panel, clear errors for a missing font or
 * a bad scenario, and one real window under Xvfb driven by xdotool.
 */
#include <check.h>
#include <SDL2/SDL_image.h>
#include <SDL2/SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mail.h"
#include "world.h"
#include "window.h"
#include "window_helpers.h"

/* Channels may differ by this much (FreeType and SDL versions move edges)... */
#define GOLDEN_TOL	24
/* ...on at most this many pixels of 1280x720 (0.2 %). */
#define GOLDEN_MAX_BAD	1843

START_TEST(test_golden_pictures)
{
	struct wh_golden *g;
	int n = wh_golden_list(&g);

	ck_assert_msg(n >= 6, "tests/golden/list.txt lists %d pictures", n);
	char fail[1024] = "";
	for (int i = 0; i < n && !fail[0]; i++) {
		struct wh w;
		char png[512], msg[512];

		ck_assert_int_eq(wh_open(&w, g[i].file, 1280, 720,
		    g[i].lang[0] ? g[i].lang : "en"), 0);
		long step = wh_apply(w.u, g[i].what);
		ck_assert_msg(step >= 0, "%s: '%s' names no step", g[i].name,
		    g[i].what);
		wh_draw(&w);
		snprintf(png, sizeof png, "tests/golden/%s.png", g[i].name);
		long bad = wh_compare_png(w.sf, png, GOLDEN_TOL, msg, sizeof msg);
		if (bad != 0) {
			/* Leave the picture beside the build for a look. */
			char out[512];
			mkdir("build/golden-diff", 0777);
			snprintf(out, sizeof out, "build/golden-diff/%s.png",
			    g[i].name);
			IMG_SavePNG(w.sf, out);
		}
		wh_close(&w);
		if (bad < 0 || bad > GOLDEN_MAX_BAD)
			snprintf(fail, sizeof fail, "%s (see build/golden-diff/"
			    "%s.png; `make golden` after a deliberate change)", msg,
			    g[i].name);
	}
	free(g);
	ck_assert_msg(fail[0] == '\0', "%s", fail);
}
END_TEST

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;

	*len = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n >= 0 && (p = malloc((size_t)n + 1)) != NULL) {
		*len = fread(p, 1, (size_t)n, f);
		p[*len] = '\0';
	}
	fclose(f);
	return p;
}

/* --screenshot: the same bytes on every run, with no display. */
START_TEST(test_screenshot_same_bytes)
{
	struct ui_options o = { .lang = "en", .scale = 1 };
	size_t la, lb;

	ck_assert_int_eq(window_screenshot(cli_load(NULL), &o, 1280, 720, 40,
	    "build/shot-a.png"), 0);
	ck_assert_int_eq(window_screenshot(cli_load(NULL), &o, 1280, 720, 40,
	    "build/shot-b.png"), 0);
	unsigned char *a = slurp("build/shot-a.png", &la);
	unsigned char *b = slurp("build/shot-b.png", &lb);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_gt(la, 10000);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	free(a);
	free(b);
	/* The program itself, as a teacher would call it, with another size. */
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "env -u DISPLAY SDL_VIDEODRIVER= %s view "
	    "scenarios/default.json --screenshot build/shot-c.png --step 40 "
	    "--size 800x450 --lang id && %s --screenshot build/shot-d.png "
	    "--step 40 --size 800x450 --lang id && cmp -s build/shot-c.png "
	    "build/shot-d.png", bin, bin);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static void
pixels(struct wh *w, unsigned char **out, size_t *len)
{
	*len = (size_t)w->sf->pitch * (size_t)w->sf->h;
	*out = malloc(*len);
	SDL_LockSurface(w->sf);
	memcpy(*out, w->sf->pixels, *len);
	SDL_UnlockSurface(w->sf);
}

/* Forward to N, then back to M, draws what going straight to M draws. */
START_TEST(test_back_equals_straight)
{
	struct wh a, b;
	unsigned char *pa, *pb;
	size_t la, lb;
	struct app_command fwd = { CMD_STEP, 1, 0 }, back = { CMD_STEP, -1, 0 };
	struct app_command skip = { CMD_SKIP, 0, 0 };

	ck_assert_int_eq(wh_open(&a, NULL, 1280, 720, "en"), 0);
	ck_assert_int_eq(wh_open(&b, NULL, 1280, 720, "en"), 0);
	/* One event a step: the packets level. */
	struct app_command lv = { CMD_LEVEL, DETAIL_PACKETS, 0 };
	app_do(&a.u->app, &lv);
	app_do(&b.u->app, &lv);
	size_t n = a.u->app.nsteps - 1;
	/* M in the middle of the relay's DATA, N well after the next chapter. */
	size_t m = (size_t)wh_resolve(a.u, "text:(the_message:#2");
	size_t N = m + 700 < n ? m + 700 : n;
	app_seek(&a.u->app, m);
	wh_draw(&a);
	pixels(&a, &pa, &la);
	for (size_t s = 0; s < N; s++) {
		app_do(&b.u->app, &fwd);
		/* A checkpoint on the way asks; this test only walks past. */
		if (b.u->app.quiz >= 0)
			app_do(&b.u->app, &skip);
		if (s % 97 == 0)
			wh_draw(&b);	/* warm every cache on the way */
	}
	ck_assert_uint_eq(b.u->app.step, N);
	wh_draw(&b);
	for (size_t s = N; s > m; s--)
		app_do(&b.u->app, &back);
	ck_assert_uint_eq(b.u->app.step, m);
	wh_draw(&b);
	pixels(&b, &pb, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_msg(memcmp(pa, pb, la) == 0, "step %zu drawn after going to "
	    "%zu and back differs from straight there", m, N);
	/* And a random walk lands where a straight jump does. */
	app_seek(&b.u->app, n);
	app_seek(&b.u->app, 3);
	app_seek(&b.u->app, m + 17);
	app_seek(&b.u->app, m);
	wh_draw(&b);
	SDL_LockSurface(b.sf);
	ck_assert_int_eq(memcmp(pa, b.sf->pixels, la), 0);
	SDL_UnlockSurface(b.sf);
	free(pa);
	free(pb);
	wh_close(&a);
	wh_close(&b);
}
END_TEST

/* The narration of a step differs in Indonesian and English, and both fit their panel. */
START_TEST(test_narration_two_languages_fit)
{
	struct wh w;
	char en[2048], id[2048];

	ck_assert_int_eq(wh_open(&w, NULL, 1280, 720, "en"), 0);
	ck_assert_int_eq(w.u->nlangs >= 2, 1);
	int ien = -1, iid = -1;
	for (int i = 0; i < w.u->nlangs; i++) {
		if (strcmp(w.u->lang_code[i], "en") == 0)
			ien = i;
		if (strcmp(w.u->lang_code[i], "id") == 0)
			iid = i;
	}
	ck_assert_int_ge(ien, 0);
	ck_assert_int_ge(iid, 0);
	const char *steps[] = { "app:SMTP:4", "app:DNS:1", "step:2",
		"state:mailbox_add", "app:POP3:2", "step:0" };
	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		long s = wh_resolve(w.u, steps[k]);
		if (s < 0)
			continue;
		ui_narration(w.u, (size_t)s, ien, en, sizeof en);
		ui_narration(w.u, (size_t)s, iid, id, sizeof id);
		ck_assert_msg(strlen(en) > 10 && strlen(id) > 10, "%s", steps[k]);
		ck_assert_msg(strcmp(en, id) != 0, "%s: the same text in both "
		    "languages: %s", steps[k], en);
		ck_assert_msg(en[0] != '[' && id[0] != '[', "%s: no sentence: "
		    "%s / %s", steps[k], en, id);
		/* Measured with TTF_SizeUTF8, line by line, in the panel's rectangle. */
		int lines, max;
		ck_assert_msg(panel_narration_fits(w.u, (size_t)s, ien, &lines,
		    &max), "%s: English needs %d lines, the panel has %d: %s",
		    steps[k], lines, max, en);
		ck_assert_msg(panel_narration_fits(w.u, (size_t)s, iid, &lines,
		    &max), "%s: Indonesian needs %d lines, the panel has %d: %s",
		    steps[k], lines, max, id);
	}
	wh_close(&w);
}
END_TEST

/* Every step of the default scenario's narration fits, in both languages, at 1280x720. */
START_TEST(test_narration_every_step_fits)
{
	struct wh w;
	int lines, max, bad = 0;

	ck_assert_int_eq(wh_open(&w, NULL, 1280, 720, "en"), 0);
	for (size_t s = 0; s < w.u->app.nsteps; s++)
		for (int l = 0; l < w.u->nlangs && l < 2; l++)
			if (!panel_narration_fits(w.u, s, l, &lines, &max) &&
			    bad++ < 5)
				fprintf(stderr, "step %zu (%s): %d lines, room "
				    "for %d\n", s, w.u->lang_code[l], lines, max);
	wh_close(&w);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Text is at least 18 px at 1920x1080 with the default scale. */
START_TEST(test_text_18px_at_1080p)
{
	struct layout l;
	struct scenario *sc = cli_load(NULL);

	ck_assert_int_eq(layout_init(&l, sc), 0);
	layout_compute(&l, 1920, 1080, 1);
	ck_assert_int_ge(l.font_small, 18);
	ck_assert_int_ge(l.font_mono, 18);
	ck_assert_int_ge(l.font_normal, 18);
	ck_assert_int_ge(l.font_narration, 28);
	/* And the picture keeps the middle: at least 55 % of the width. */
	ck_assert_int_ge(l.picture.w * 100 / 1920, 55);
	ck_assert_int_gt(l.picture.x, l.events.x);
	ck_assert_int_lt(l.picture.x + l.picture.w, l.right.x + 1);
	layout_free(&l);
	scenario_free(sc);
}
END_TEST

/* A font that cannot be opened is a sentence, not a crash. */
START_TEST(test_missing_font)
{
	char err[512] = "";
	struct ui_options o = { .lang = "en", .scale = 1 };

	setenv("SUREL_FONT", "/no/such/font.ttf", 1);
	SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, 640, 360, 32,
	    SDL_PIXELFORMAT_RGB888);
	SDL_Renderer *r = SDL_CreateSoftwareRenderer(sf);
	TTF_Init();
	struct ui *u = ui_new(cli_load(NULL), &o, r, 640, 360, err, sizeof err);
	unsetenv("SUREL_FONT");
	ck_assert_ptr_null(u);
	ck_assert_msg(strstr(err, "/no/such/font.ttf") &&
	    strstr(err, "fonts-dejavu-core"), "%s", err);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(sf);
	/* And the program says so and exits 1. */
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	char cmd[512];
	snprintf(cmd, sizeof cmd, "SUREL_FONT=/no/such/font.ttf %s --screenshot "
	    "build/nofont.png --step 1 2>build/nofont.err", bin);
	int st = system(cmd);
	ck_assert_int_eq(WEXITSTATUS(st), 1);
	size_t n;
	unsigned char *e = slurp("build/nofont.err", &n);
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(n > 0 && strstr((char *)e, "fonts-dejavu-core"), "%.*s",
	    (int)n, e);
	free(e);
}
END_TEST

/* Bad input to the window's command line: exit 2 and a message, never a crash. */
START_TEST(test_bad_input)
{
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	static const char *const args[] = {
		"--screenshot",				/* no value */
		"--screenshot build/x.png --step 3x",
		"no-such-lesson",			/* neither a file nor a lesson */
		"--screenshot build/x.png --step -1",
		"--screenshot build/x.png --step 1 --size 10x10",
		"--scale 0",
		"--lang fr",
		"view no/such/file.json",
		"view tests/bad/syntax_bare_word.json --screenshot build/x.png",
		"a.json b.json",
		"view scenarios/default.json --detail bogus",
		"--detail",				/* no value */
		"--screenshot build/x.png --detail story-ish",
	};
	char cmd[512];

	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", bin, args[i]);
		int st = system(cmd);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2,
		    "surel %s: status %d", args[i], st);
	}
	/* A step past the end shows the last one. */
	snprintf(cmd, sizeof cmd, "%s --screenshot build/x.png --step 999999999",
	    bin);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/*
 * A real window under Xvfb: xdotool's keys reach it as SDL key events
 * (three steps, then L), and Q closes it.  The program writes where the
 * keys led (SUREL_STATE_OUT); ImageMagick's import, where installed,
 * keeps a picture of the screen in build/xvfb-smoke.png.
 */
START_TEST(test_xvfb_smoke)
{
	if (system("command -v xvfb-run >/dev/null && command -v xdotool "
	    ">/dev/null") != 0) {
		fprintf(stderr, "test_xvfb_smoke: SKIPPED: xvfb-run or xdotool "
		    "is missing (apt-get install xvfb xdotool xauth)\n");
		return;
	}
	const char *bin = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	FILE *f = fopen("build/xvfb-smoke.sh", "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "set -e\n"
	    "rm -f build/xvfb-state.txt build/xvfb-smoke.png\n"
	    "SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software "
	    "ASAN_OPTIONS=detect_leaks=0 SUREL_STATE_OUT=build/xvfb-state.txt "
	    "%s --lang en --detail packets & pid=$!\n"
	    "wid=$(timeout 20 xdotool search --sync --name '^surel' | head -1)\n"
	    "xdotool windowfocus --sync \"$wid\" 2>/dev/null || true\n"
	    "sleep 1\n"
	    "xdotool key Right; sleep 0.2; xdotool key Right; sleep 0.2\n"
	    "xdotool key Right; sleep 0.2; xdotool key l; sleep 0.5\n"
	    "if command -v import >/dev/null; then import -window root "
	    "build/xvfb-smoke.png || true; fi\n"
	    "xdotool key q\n"
	    "wait $pid\n", bin);
	fclose(f);
	int st = system("timeout 60 xvfb-run -a -s '-screen 0 1280x720x24' "
	    "bash build/xvfb-smoke.sh");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the window under Xvfb: status %d", st);
	size_t n;
	unsigned char *s = slurp("build/xvfb-state.txt", &n);
	ck_assert_msg(s != NULL, "the window wrote no state");
	ck_assert_msg(strstr((char *)s, "step=3 lang=id") != NULL, "keys did "
	    "not arrive: %.*s", (int)n, s);
	free(s);
}
END_TEST

/*
 * Submission on port 2587 (ports.c): the event list puts an SMTP chip on
 * every frame of the conversation that carries data.
 */
/*
 * The window lets the stored messages' bytes go after its run (the
 * trace has every byte; 410 MB of a 100,000-message world): the default
 * lesson's mailboxes still hold their messages, as many as the trace
 * counts, each with its Message-ID and no bytes.
 */
START_TEST(test_window_forgets_bodies)
{
	struct wh w;

	ck_assert_int_eq(wh_open(&w, NULL, 1280, 720, "en"), 0);
	const struct mail_world *mw = w.u->sim->mail;
	int held = 0;
	ck_assert_int_eq(mw->bodies_gone, 1);
	for (int i = 0; i < mw->nboxes; i++)
		for (int k = 0; k < mw->boxes[i].nmsgs; k++) {
			ck_assert_uint_eq(mw->boxes[i].msgs[k].data.len, 0);
			ck_assert_ptr_null(mw->boxes[i].msgs[k].data.data);
			ck_assert_ptr_nonnull(strchr(
			    mw->boxes[i].msgs[k].message_id, '@'));
			held++;
		}
	/* As many as the trace's counters say at the end. */
	int counted = 0;
	view_seek(w.u->view, view_steps(w.u->view) - 1);
	for (int i = 0; i < w.u->sc->nnodes; i++)
		counted += view_state(w.u->view)->mailbox[i];
	ck_assert_int_gt(held, 0);
	ck_assert_int_eq(held, counted);
	wh_close(&w);
}
END_TEST

START_TEST(test_events_configured_port)
{
	struct wh w;
	int seen = 0;

	ck_assert_int_eq(wh_open(&w, "tests/good/submission_2587.json", 1280,
	    720, "en"), 0);
	for (size_t i = 0; i < trace_count(w.u->tr); i++) {
		const struct trace_rec r = trace_at(w.u->tr, i);
		const struct trace_frame *f;
		const uint8_t *p;
		enum app_proto pr;

		if (r.kind != TR_FRAME_TX || r.frame == TRACE_NONE ||
		    (f = trace_frame(w.u->tr, r.frame)) == NULL ||
		    f->len <= 14 + 20 + 20)
			continue;
		p = trace_frame_bytes(w.u->tr, r.frame);
		unsigned sport = (unsigned)p[34] << 8 | p[35];
		unsigned dport = (unsigned)p[36] << 8 | p[37];
		uint32_t tot = (uint32_t)p[16] << 8 | p[17];
		if (p[23] != 6 || (sport != 2587 && dport != 2587) ||
		    20 + (uint32_t)(p[46] >> 4) * 4 >= tot)
			continue;	/* not TCP data on 2587 */
		ck_assert_int_eq(panel_events_chip(w.u, i, &pr), 1);
		ck_assert_int_eq(pr, APP_SMTP);
		seen++;
	}
	ck_assert_int_gt(seen, 10);
	wh_close(&w);
}
END_TEST

Suite *
window_suite(void)
{
	Suite *s = suite_create("window");
	TCase *tc = tcase_create("pictures");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_golden_pictures);
	tcase_add_test(tc, test_screenshot_same_bytes);
	tcase_add_test(tc, test_back_equals_straight);
	tcase_add_test(tc, test_events_configured_port);
	tcase_add_test(tc, test_window_forgets_bodies);
	tcase_add_test(tc, test_narration_two_languages_fit);
	tcase_add_test(tc, test_narration_every_step_fits);
	tcase_add_test(tc, test_text_18px_at_1080p);
	tcase_add_test(tc, test_missing_font);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_xvfb_smoke);
	suite_add_tcase(s, tc);
	return s;
}
