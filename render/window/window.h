/*
 * window.h: the program's way into the window (shared/SPEC.md section 1):
 *
 *   surel [view] [FILE] [--lang id|en] [--fullscreen] [--scale F] [--dark]
 *   surel [view] [FILE] --screenshot OUT.png --step N [--size WxH]
 *	[--field KEY] [--select NODE[:N]] ...
 *
 * With no FILE the built-in default scenario opens.  --screenshot draws
 * step N with the software renderer on an RGB888 surface: no window, no
 * display, the same bytes on every run.
 */
#ifndef SUREL_WINDOW_H
#define SUREL_WINDOW_H

/* argv holds everything after "surel" (and after "view"); returns the exit status. */
int	 window_main(int argc, char **argv);
/* Whether a first argument belongs to the window (an option of it). */
int	 window_is_option(const char *arg);

struct bridge;
struct scenario;
/*
 * surel live (cmd_live.c): the window on the bridge's world, following
 * it as it goes; sc is the window's own copy of the scenario (freed
 * here).  Returns when the window closes: 0, or 1 when it could not
 * open; -1 in a build without the window (nothing freed then).
 */
int	 window_live(struct bridge *b, struct scenario *sc, const char *lang,
	    double scale);

#endif
