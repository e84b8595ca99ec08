/*
 * datadir.h: where the program's data is (issue 17): the lessons
 * (scenarios/), the language files (lang/) and the icons (icons/).  The
 * one place that knows the locations; lang.c and lessons.c ask here.
 *
 * The folders for SUB, in the order they are tried:
 *	$SUREL_ASSETS/SUB		(when SUREL_ASSETS is set; it wins)
 *	$SUREL_ASSETS/../scenarios	(SUREL_ASSETS=SRC/assets finds SRC/scenarios)
 *	EXEDIR/../share/surel/SUB	(installed: PREFIX/bin/surel and
 *					 PREFIX/share/surel, also under DESTDIR)
 *	./assets/SUB, ./SUB		(the source tree, as the current folder)
 *	EXEDIR/assets/SUB, EXEDIR/SUB	(the source tree, beside ./surel)
 * where the source tree keeps the lessons in scenarios/ and the rest in
 * assets/SUB/ (so only "scenarios" is looked for at the top).
 * EXEDIR is the folder of /proc/self/exe, so a symlink to the program
 * still finds the data of the real file.  No SDL here.
 */
#ifndef SUREL_DATADIR_H
#define SUREL_DATADIR_H

#define DATADIR_MAX	8

/*
 * Every candidate folder for sub ("scenarios", "lang", "icons"), in
 * order, whether it exists or not; returns how many.  The strings are
 * the caller's to free.
 */
int	 datadir_list(const char *sub, char *dirs[DATADIR_MAX]);
/* The first of them that is a folder, or NULL; the caller frees it. */
char	*datadir_find(const char *sub);

#endif
