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
/*
 * The same with actions added (scenario_load_adds(), `surel run --add`;
 * nadds 0: the file as it is) and, where until_ns is not 0, the run
 * stopped then; the scenario must load.
 */
struct test_run test_run_adds(const char *path, const char *const *adds,
	    int nadds, uint64_t until_ns);
void	 test_run_free(struct test_run *r);
/* A language file, parsed (it must parse); narr_lang_free() it. */
struct narr_lang *test_load_lang(const char *path);

#endif
