/*
 * nowindow.c: window_main() (window.h) in a build without the window
 * (make NO_WINDOW=1): the program links no SDL, and every command that
 * would open the window, or draw one with --screenshot, says so and
 * exits with the usage status.  `surel run` and `surel check` work.
 */
#include "cli.h"
#include "window.h"

#include <stdio.h>

int
window_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("surel: this build has no window (built with make NO_WINDOW=1);\n"
	    "  surel run and surel check work without one (see surel --help)\n",
	    stderr);
	return EXIT_USAGE;
}

int
window_live(struct bridge *b, struct scenario *sc, const char *lang,
    double scale)
{
	(void)b;
	(void)sc;
	(void)lang;
	(void)scale;
	fputs("surel live: this build has no window (built with make "
	    "NO_WINDOW=1); running as with --headless\n", stderr);
	return -1;
}
