/*
 * cmd_check.c: `surel check FILE...`: validate only.  Prints "FILE: ok"
 * for each valid file and every error of each invalid one; exit 2 when
 * any file is invalid.
 *
 * A file with checkpoints is also simulated (no window, no output), as
 * only a trace can tell whether each checkpoint's "at" names a step: a
 * question that would never be asked is an error too.
 */
#include "cli.h"
#include "checkpoint.h"

#include <stdio.h>

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

int
cmd_check(int argc, char **argv)
{
	int bad = 0;

	if (argc < 1) {
		fprintf(stderr, "usage: surel check FILE.json...\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		struct scenario *sc = cli_load(argv[i]);

		if (sc == NULL) {
			bad = 1;
			continue;
		}
		if (check_checkpoints(sc, argv[i]) == 0)
			printf("%s: ok\n", argv[i]);
		else
			bad = 1;
		scenario_free(sc);
	}
	return bad ? EXIT_USAGE : 0;
}
