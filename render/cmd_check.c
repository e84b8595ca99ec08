/*
 * cmd_check.c: `surel check FILE...`: validate only.  Prints "FILE: ok"
 * for each valid file and every error of each invalid one; exit 2 when
 * any file is invalid.
 */
#include "cli.h"

#include <stdio.h>

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
		printf("%s: ok\n", argv[i]);
		scenario_free(sc);
	}
	return bad ? EXIT_USAGE : 0;
}
