/*
 * run_helpers.h: a scenario file run to its end and a language file
 * parsed, for the Check suites (run_helpers.c).
 */
#ifndef SUREL_TEST_RUN_HELPERS_H
#define SUREL_TEST_RUN_HELPERS_H

#include "scenario.h"
#include "sim.h"

struct narr_lang;

/* A scenario file, loaded (it must be valid) and run to its end. */
struct test_run {
	struct scenario	*sc;
	struct sim	*sim;
};

struct test_run test_run_file(const char *path);
void	 test_run_free(struct test_run *r);
/* A language file, parsed (it must parse); narr_lang_free() it. */
struct narr_lang *test_load_lang(const char *path);

#endif
