/*
 * lessons.h: the bundled lessons by name (issue 12, point 4): the
 * built-in story ("default") and every scenarios/NAME.json of the
 * lessons folder.  `surel lessons` lists them; `surel view NAME`,
 * `surel run NAME` and `surel check NAME` open one by its name; the
 * window's lesson chooser shows the same list.  No SDL here.
 *
 * The lessons folder is the first "scenarios" folder of datadir.h
 * ($SUREL_ASSETS, then the installed share/surel/scenarios beside the
 * program, then the source tree).
 * "default" is always the copy compiled in, so it works from any folder.
 */
#ifndef SUREL_LESSONS_H
#define SUREL_LESSONS_H

#include "scenario.h"

struct lesson {
	char		*name;		/* "default", "06-unknown-user" */
	char		*path;		/* NULL: the built-in default */
	struct scenario	*sc;		/* NULL: the file is not valid */
	char		*err;		/* its errors, one a line, where not valid */
};

struct lessons {
	struct lesson	*v;
	int		 n;
};

/* The lessons folder (see above), or NULL where none is found; the caller frees it. */
char	*lessons_dir(void);
/* Every lesson, "default" first, then the folder's by name, each loaded; never NULL. */
struct lessons *lessons_load(void);
void	 lessons_free(struct lessons *l);

/*
 * What a FILE argument names.  A file that exists wins (and "-" is
 * standard input): *path is arg.  Otherwise a lesson's name ("default",
 * "06-unknown-user", "06-unknown-user.json", or the start of one name
 * only, "06"): *path is its file, NULL for the built-in default, to free
 * with free().  Returns 0; 1 where arg is a path to let fail as one (it
 * has a '/'); -1 after printing to stderr that no lesson has that name,
 * with the names and a did-you-mean.
 */
int	 lessons_resolve(const char *arg, char **path);

/*
 * A scenario from path (NULL: the built-in default) with its errors as
 * text instead of on stderr (for the window: a dropped file); NULL and
 * *err (to free) when it cannot be read or is not valid.
 */
struct scenario *lesson_load(const char *path, char **err);

/* The name a lesson goes by: "default" for NULL, else the file name without its folder and ".json". */
char	*lesson_name(const char *path);

/* `surel lessons [--lang CODE]` */
int	 cmd_lessons(int argc, char **argv);

#endif
