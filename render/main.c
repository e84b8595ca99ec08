/*
 * main.c: surel's entry point: picks the command (shared/SPEC.md
 * section 1).  The window (`surel`, `surel view`) comes in a later
 * issue; until then those run the scenario and print its transcript.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define SUREL_VERSION "0.1.0"

static void
usage(FILE *f)
{
	fputs(
"usage: surel                      the default scenario (the whole story)\n"
"       surel [view] FILE.json     another scenario\n"
"       surel run [FILE.json|-] [options]\n"
"       surel check FILE.json...\n"
"       surel --help | --version\n"
"\n"
"options of run:\n"
"  --pcap OUT.pcap       every frame once, as it leaves the host that made it\n"
"  --pcap-link A:B       with --pcap: every frame crossing the link A-B instead\n"
"  --transcript          one line per application message on stdout\n"
"  --summary OUT.json    the final state ('-' for stdout)\n"
"  --trace OUT.jsonl     every event, one JSON object a line\n"
"  --seed N              override the scenario's seed\n"
"  --until MS            stop at that simulated time\n"
"  --narrate             the narration of every step, one line each\n"
"  --lang CODE           its language: id, en, or assets/lang/CODE.json\n"
"                        (default: id where LANG starts with id, else en)\n"
"\n"
"exit status: 0 ran, 2 bad usage or invalid scenario, 1 anything else\n",
	    f);
}

/* The window's stand-in: run and show the transcript. */
static int
view(const char *file)
{
	char *argv[3];
	int argc = 0;

	if (file)
		argv[argc++] = (char *)file;
	argv[argc++] = "--transcript";
	fprintf(stderr, "surel: the window is not built yet; running %s "
	    "without it\n", file ? file : "the default scenario");
	return cmd_run(argc, argv);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return view(NULL);
	const char *cmd = argv[1];

	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("surel %s\n", SUREL_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(cmd, "view") == 0) {
		if (argc != 3) {
			fprintf(stderr, "usage: surel view FILE.json\n");
			return EXIT_USAGE;
		}
		return view(argv[2]);
	}
	if (cmd[0] == '-') {
		fprintf(stderr, "surel: unknown option '%s' (see surel --help)\n",
		    cmd);
		return EXIT_USAGE;
	}
	if (argc == 2)
		return view(cmd);
	fprintf(stderr, "surel: unknown command '%s' (see surel --help)\n", cmd);
	return EXIT_USAGE;
}
