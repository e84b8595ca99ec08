/*
 * test_check.c: `surel check`'s warnings (issue 14, point 5).  Each file
 * of tests/warn/ is a valid scenario crafted to give one kind of warning,
 * named after it; KIND.expect is the whole output of `surel check` on it
 * (the exact sentence and path).  With --strict the same file exits 2.
 * An "expect" note in the action silences exactly its own kind, and
 * every bundled lesson is clean under --strict.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "scenario.h"
#include "util.h"

#define WARN_DIR	"tests/warn"

static char out[1 << 16];

/* One file: the whole output as expected, exit 0; with --strict, exit 2. */
static void
check_warn_file(const char *name)
{
	char *json = xasprintf(WARN_DIR "/%s.json", name);
	char *exp = xasprintf(WARN_DIR "/%s.expect", name);
	char *args = xasprintf("check %s", json);
	size_t len;
	char *want = test_slurp(exp, &len);

	ck_assert_msg(want != NULL, "%s is missing", exp);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 0);
	ck_assert_str_eq(out, want);
	/* Exactly one warning, then ok. */
	ck_assert_ptr_nonnull(strstr(out, ": warning: "));
	ck_assert_ptr_null(strstr(strstr(out, ": warning: ") + 1,
	    ": warning: "));
	free(args);
	args = xasprintf("check --strict %s", json);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, want));
	free(want);
	free(args);
	free(exp);
	free(json);
}

START_TEST(test_check_warn_corpus)
{
	/* One file per kind, and one for the stale "expect" note. */
	for (int k = 0; k <= SC_W_EXPECT; k++)
		check_warn_file(k < SC_W_EXPECT ? sc_warn_kinds[k] : "expect");
	ck_assert_int_eq(sc_warn_kinds[SC_W_EXPECT] == NULL, 1);
	/* Unreachable the other ways: a path only through a client, a link down. */
	check_warn_file("unreachable-path");
	check_warn_file("unreachable-link");
	/* The server a send goes to is off, and stays off. */
	check_warn_file("node-off-via");
	/* Off for 10 s only: the connection knocks again and gets in. */
	ck_assert_int_eq(run_surel("check --strict " WARN_DIR
	    "/off-briefly.json", out, sizeof out), 0);
	ck_assert_str_eq(out, WARN_DIR "/off-briefly.json: ok\n");
}
END_TEST

/* The action a warning's path names ("actions[3]..."), or -1. */
static int
path_action(const char *path)
{
	int n;

	return sscanf(path, "actions[%d]", &n) == 1 ? n : -1;
}

/*
 * On each crafted file whose warning is an action's: expecting that kind
 * leaves no warning; expecting another kind leaves it, and says the note
 * is out of date.
 */
START_TEST(test_check_expect_silences_its_kind)
{
	int tried = 0;

	for (int k = 0; k < SC_W_EXPECT; k++) {
		char *json = xasprintf(WARN_DIR "/%s.json", sc_warn_kinds[k]);
		size_t len;
		char *text = test_slurp(json, &len);
		struct sc_errors errs = { 0 };
		struct scenario *sc = scenario_load(text, len, json, &errs);
		struct sc_warnings w;

		ck_assert_msg(sc != NULL, "%s does not load", json);
		scenario_warnings(sc, &w);
		ck_assert_int_eq(w.n, 1);
		ck_assert_int_eq(w.w[0].kind, k);
		int act = path_action(w.w[0].path);
		sc_warnings_free(&w);
		if (act >= 0) {
			tried++;
			sc->actions[act].expect = k;
			scenario_warnings(sc, &w);
			ck_assert_msg(w.n == 0, "%s: expect '%s' leaves %s",
			    json, sc_warn_kinds[k], w.n ? w.w[0].msg : "");
			sc_warnings_free(&w);

			sc->actions[act].expect = (k + 1) % SC_W_EXPECT;
			scenario_warnings(sc, &w);
			ck_assert_int_eq(w.n, 2);
			ck_assert_int_eq(w.w[0].kind, k);
			ck_assert_int_eq(w.w[1].kind, SC_W_EXPECT);
			sc_warnings_free(&w);
		}
		scenario_free(sc);
		free(text);
		free(json);
	}
	/* Only no-address and account-domain are about the world, not an action. */
	ck_assert_int_eq(tried, SC_W_EXPECT - 2);
}
END_TEST

/* Every bundled lesson passes --strict; those failing on purpose say so. */
START_TEST(test_check_lessons_strict)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	int files = 0, notes = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char *args = xasprintf("check --strict scenarios/%s",
		    e->d_name);
		ck_assert_msg(run_surel(args, out, sizeof out) == 0,
		    "%s:\n%s", e->d_name, out);
		ck_assert_ptr_null(strstr(out, "warning"));
		free(args);

		char *path = xasprintf("scenarios/%s", e->d_name);
		size_t len;
		char *text = test_slurp(path, &len);
		if (strstr(text, "\"expect\"") != NULL)
			notes++;
		free(text);
		free(path);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 16);
	/* 06 unknown user, 07 no such domain, 12 open relay, 13 wrong password. */
	ck_assert_int_eq(notes, 4);
}
END_TEST

START_TEST(test_check_strict_usage)
{
	ck_assert_int_eq(run_surel("--help", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "surel check [--strict]"));
	ck_assert_int_eq(run_surel("check --strict", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "usage: surel check [--strict]"));
	/* A warning alone keeps exit 0 and still says ok. */
	ck_assert_int_eq(run_surel("check " WARN_DIR "/no-resolver.json "
	    "scenarios/default.json", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "scenarios/default.json: ok"));
	ck_assert_int_eq(run_surel("check --strict scenarios/default.json "
	    WARN_DIR "/no-resolver.json", out, sizeof out), 2);
}
END_TEST

Suite *
check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("warnings");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_check_warn_corpus);
	tcase_add_test(tc, test_check_expect_silences_its_kind);
	tcase_add_test(tc, test_check_lessons_strict);
	tcase_add_test(tc, test_check_strict_usage);
	suite_add_tcase(s, tc);
	return s;
}
