/*
 * run_helpers.c: what the narration and mail suites share: a scenario
 * file run to its end, and a language file parsed, each asserting (with
 * Check) that it worked.  Not in helpers.c, which the benchmarks link
 * without Check.
 */
#include <check.h>
#include <stdlib.h>

#include "helpers.h"
#include "narrate.h"
#include "run_helpers.h"

struct test_run
test_run_adds(const char *path, const char *const *adds, int nadds,
    uint64_t until_ns)
{
	struct test_run r;
	struct sc_errors errs = { 0 };
	size_t len;
	char *text = test_slurp(path, &len);

	ck_assert_msg(text != NULL, "cannot read %s", path);
	r.sc = nadds > 0 ? scenario_load_adds(text, len, path, adds, nadds,
	    NULL, &errs) : scenario_load(text, len, path, &errs);
	ck_assert_msg(r.sc != NULL, "%s: %s", path, errs.n ? errs.msg[0] : "?");
	free(text);
	if (until_ns != 0)
		r.sc->until_ns = until_ns;
	r.sim = sim_new(r.sc, r.sc->seed);
	sim_run(r.sim);
	return r;
}

struct test_run
test_run_file(const char *path)
{
	return test_run_adds(path, NULL, 0, 0);
}

void
test_run_free(struct test_run *r)
{
	sim_free(r->sim);
	scenario_free(r->sc);
}

struct narr_lang *
test_load_lang(const char *path)
{
	size_t len;
	char *json = test_slurp(path, &len);
	char *err = NULL;
	struct narr_lang *L;

	ck_assert_msg(json != NULL, "cannot read %s", path);
	L = narr_lang_parse(json, len, path, &err);
	ck_assert_msg(L != NULL, "%s", err ? err : "?");
	free(json);
	return L;
}
