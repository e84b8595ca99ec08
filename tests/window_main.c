/*
 * window_main.c: the window's test binary (build/test_window), apart
 * from build/test_surel so that the simulation's tests never link SDL.
 * Runs the window's suites with Check; `--update-golden` draws the
 * expected pictures of tests/golden/ again instead (`make golden`).
 */
#include <SDL2/SDL_image.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "window_helpers.h"

Suite	*window_suite(void);
Suite	*window_input_suite(void);
Suite	*window_quiz_suite(void);
Suite	*window_levels_suite(void);
Suite	*window_filter_suite(void);
Suite	*window_inspector_suite(void);
Suite	*window_questions_suite(void);
Suite	*window_boxes_suite(void);
Suite	*window_crowd_suite(void);
Suite	*window_class_suite(void);
Suite	*window_whatif_suite(void);

static int
update_golden(void)
{
	struct wh_golden *g;
	int n = wh_golden_list(&g), rc = 0;

	if (n < 0) {
		fprintf(stderr, "tests/golden/list.txt: cannot read\n");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct wh w;
		char out[512];
		if (wh_open(&w, g[i].file, 1280, 720, g[i].lang[0] ? g[i].lang :
		    "en") != 0) {
			rc = 1;
			continue;
		}
		long step = wh_apply(w.u, g[i].what);
		if (step < 0) {
			fprintf(stderr, "%s: %s names no step of %s\n", g[i].name,
			    g[i].what, g[i].file);
			rc = 1;
		}
		wh_draw(&w);
		snprintf(out, sizeof out, "tests/golden/%s.png", g[i].name);
		if (IMG_SavePNG(w.sf, out) != 0) {
			fprintf(stderr, "%s: %s\n", out, IMG_GetError());
			rc = 1;
		} else
			printf("%s  (%s, step %ld)\n", out, g[i].what, step);
		wh_close(&w);
	}
	free(g);
	lang_free_all();
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--update-golden") == 0)
		return update_golden();
	SRunner *sr = srunner_create(window_suite());
	srunner_add_suite(sr, window_input_suite());
	srunner_add_suite(sr, window_quiz_suite());
	srunner_add_suite(sr, window_levels_suite());
	srunner_add_suite(sr, window_filter_suite());
	srunner_add_suite(sr, window_inspector_suite());
	srunner_add_suite(sr, window_questions_suite());
	srunner_add_suite(sr, window_boxes_suite());
	srunner_add_suite(sr, window_class_suite());
	srunner_add_suite(sr, window_whatif_suite());
	srunner_add_suite(sr, window_crowd_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	lang_free_all();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
