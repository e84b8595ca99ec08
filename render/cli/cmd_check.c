/*
 * cmd_check.c: `surel check [--strict] FILE...`: validate only.  Prints
 * every error of each invalid file; for a valid one its warnings
 * (scenario_warnings(): valid, but it cannot do what it seems to want),
 * "FILE: warning: PATH: message", then "FILE: ok".  Exit 2 when any file
 * is invalid, or with --strict when any file has a warning.
 *
 * A file with checkpoints is also simulated (no window, no output), as
 * only a trace can tell whether each checkpoint's "at" names a step: a
 * question that would never be asked is an error too.
 */
#include "cli.h"
#include "checkpoint.h"

#include <stdio.h>
#include <string.h>

/* Every checkpoint names a step of the run; 0, or -1 with the errors printed. */
static int
check_checkpoints(struct scenario *sc, const char *file)
{
	struct buf out = { 0 };
	int bad;

	if (sc->ncheckpoints == 0)
		return 0;
	struct sim *s = sim_new(sc, sc->seed);
	sim_run(s);
	bad = checkpoint_check(s, file, &out);
	if (bad > 0)
		fprintf(stderr, "%s\n", (char *)out.data);
	buf_free(&out);
	sim_free(s);
	return bad > 0 ? -1 : 0;
}

/* Prints the warnings of a valid scenario; returns how many. */
static int
check_warnings(const struct scenario *sc, const char *file)
{
	struct sc_warnings w;
	int n;

	scenario_warnings(sc, &w);
	for (int i = 0; i < w.n; i++)
		printf("%s: warning: %s: %s\n", file, w.w[i].path,
		    w.w[i].msg);
	n = w.n;
	sc_warnings_free(&w);
	return n;
}

int
cmd_check(int argc, char **argv)
{
	int bad = 0, warned = 0, strict = 0, nfiles = 0;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--strict") == 0)
			strict = 1;
		else
			nfiles++;
	if (nfiles < 1) {
		fprintf(stderr, "usage: surel check [--strict] FILE.json...\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--strict") == 0)
			continue;
		struct scenario *sc = cli_load(argv[i]);

		if (sc == NULL) {
			bad = 1;
			continue;
		}
		if (check_warnings(sc, argv[i]) > 0)
			warned = 1;
		if (check_checkpoints(sc, argv[i]) == 0)
			printf("%s: ok\n", argv[i]);
		else
			bad = 1;
		scenario_free(sc);
	}
	return bad || (strict && warned) ? EXIT_USAGE : 0;
}
