/*
 * cli.h: the command line of surel (shared/SPEC.md section 1).  The
 * window arrives in a later issue; until then every command is here.
 */
#ifndef SUREL_CLI_H
#define SUREL_CLI_H

#include <stddef.h>

#include "scenario.h"

#define EXIT_USAGE 2

extern const char surel_default_scenario[];
extern const unsigned long surel_default_scenario_len;

/*
 * Read a whole file ("-" is standard input) into a NUL-terminated heap
 * buffer.  Returns NULL and prints "FILE: why" to stderr on failure.
 */
char	*cli_read_file(const char *path, size_t *len);
/* Write len bytes to path ("-" is standard output); 0 or -1 with a message. */
int	 cli_write_file(const char *path, const void *p, size_t len);

/*
 * Load a scenario from FILE, "-", a bundled lesson's name (lessons.h:
 * a file that exists wins), or (path NULL) the built-in default; prints
 * every error to stderr and returns NULL when it is not valid.
 */
struct scenario *cli_load(const char *path);
/*
 * The same with nadds more actions after the file's (`--add`, checked as
 * the file's own; scenario_load_adds()); with merged, *merged is the
 * whole as a new scenario file (`--save-as`).
 */
struct scenario *cli_load_adds(const char *path, const char *const *adds,
	    int nadds, char **merged);

int	 cmd_run(int argc, char **argv);
int	 cmd_check(int argc, char **argv);
/*
 * `surel live FILE`: real mail programs talk to the world (cmd_live.c).
 * window: window_live() (window.h), given by main.c so that the command
 * line calls the window only through it.
 */
struct bridge;
typedef int (*cli_live_window)(struct bridge *b, struct scenario *sc,
	    const char *lang, double scale);
int	 cmd_live(int argc, char **argv, cli_live_window window);

#endif
