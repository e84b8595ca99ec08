/*
 * window_helpers.h: the window's tests and benchmark draw with the
 * software renderer on an RGB888 surface (shared/SDL-NOTES.md), so they
 * need no display and give the same pixels on every run.
 */
#ifndef SUREL_WINDOW_HELPERS_H
#define SUREL_WINDOW_HELPERS_H

#include <SDL2/SDL.h>

#include "ui.h"

struct wh {
	SDL_Surface	*sf;
	SDL_Renderer	*r;
	struct ui	*u;
};

/* Open FILE (NULL: the built-in default) at w x h in lang (NULL: English); 0 or -1. */
int	 wh_open(struct wh *w, const char *file, int width, int height,
	    const char *lang);
/* The same with a scenario already loaded (taken). */
int	 wh_open_scenario(struct wh *w, struct scenario *sc, int width,
	    int height, const char *lang);
void	 wh_close(struct wh *w);
/* Draw the current state. */
void	 wh_draw(struct wh *w);
/* A key (with modifiers), a click (SDL_BUTTON_LEFT, _RIGHT) or typed text, as SDL gives them; then a frame. */
void	 wh_key(struct wh *w, SDL_Keycode sym, Uint16 mod);
void	 wh_click(struct wh *w, int x, int y, int button);
void	 wh_text(struct wh *w, const char *utf8);

/*
 * A step named in words, for tests that must survive a change of the
 * trace: "step:N", "app:PROTO:K" (just after the K-th application
 * message of PROTO, from 1), "text:WORDS" (just after the first
 * application message containing WORDS, '_' for a space; WORDS#K
 * for the K-th), "chapter:KEY" (where the first
 * chapter KEY starts), "drop:K" (just after the K-th lost frame),
 * "state:WHAT" (just after the first TR_STATE of that state_what name),
 * "frame:WORDS" (just after the first frame whose bytes hold WORDS leaves
 * the node that made it),
 * "busiest" (most frames in flight).  -1 when the trace has none.
 */
long	 wh_resolve(struct ui *u, const char *what);

/*
 * Put the window where a golden picture wants it: any WHAT of
 * wh_resolve() seeks to that step; "quiz:K" plays up to checkpoint K
 * (from 0) so that its question opens, and "quiz:K:C" also answers
 * choice C; "WHAT+N" is N steps after WHAT.  Returns the step, or -1 when WHAT names none.
 */
long	 wh_apply(struct ui *u, const char *what);

/*
 * Compare the surface with a PNG: pixels whose channels differ by more
 * than tol are counted; returns that count, or -1 with a message when
 * the PNG cannot be read or its size differs.
 */
long	 wh_compare_png(SDL_Surface *sf, const char *png, int tol, char *msg,
	    size_t msgsz);

/* The golden pictures: one line "NAME FILE WHAT [LANG]" each in tests/golden/list.txt. */
struct wh_golden {
	char	 name[64];
	char	 file[256];
	char	 what[128];
	char	 lang[8];
};
int	 wh_golden_list(struct wh_golden **out);

#endif
