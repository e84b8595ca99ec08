/*
 * fuzz_scenario.c: libFuzzer target for the scenario loader.  Any bytes
 * must give either a valid scenario or a list of errors, never a crash;
 * errors always name the file; a valid scenario must also run briefly
 * (the simulation starts from whatever the loader accepted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load((const char *)data, size, "f.json",
	    &errs);

	if (sc == NULL) {
		if (errs.n == 0)
			abort();	/* refused without saying why */
		for (int i = 0; i < errs.n; i++)
			if (strncmp(errs.msg[i], "f.json", 6) != 0)
				abort();	/* every error names the file */
	} else {
		if (errs.n != 0)
			abort();
		/* A short run: a second of simulated time at most. */
		struct sim *s = sim_new(sc, sc->seed);
		sim_run_until(s, 1000000000ULL);
		sim_free(s);
		scenario_free(sc);
	}
	sc_errors_free(&errs);
	return 0;
}
