/*
 * text.h: text on an SDL_Renderer with SDL2_ttf.  Fonts are found
 * through fontconfig (DejaVu Sans, DejaVu Sans Mono by default;
 * SUREL_FONT and SUREL_FONT_MONO name other files); every string drawn is
 * kept as a texture, so a frame that draws the same text as the last one
 * only copies textures.
 */
#ifndef SUREL_TEXT_H
#define SUREL_TEXT_H

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

enum text_face {
	FACE_SANS,
	FACE_BOLD,
	FACE_MONO,
	FACE_N
};

struct text;

/* NULL with a sentence in err when no usable font is found. */
struct text *text_new(SDL_Renderer *r, char *err, size_t errsz);
void	 text_free(struct text *t);

TTF_Font *text_font(struct text *t, enum text_face f, int px);
/* Width and height of s; 0 for an empty string. */
int	 text_size(struct text *t, enum text_face f, int px, const char *s,
	    int *w, int *h);
int	 text_width(struct text *t, enum text_face f, int px, const char *s);
/* Draws s with its top-left at x, y; returns its width. */
int	 text_draw(struct text *t, enum text_face f, int px, SDL_Color c,
	    int x, int y, const char *s);
/* The same, cut with "…" to fit max_w. */
int	 text_draw_fit(struct text *t, enum text_face f, int px, SDL_Color c,
	    int x, int y, int max_w, const char *s);
/* Centred on cx. */
int	 text_draw_center(struct text *t, enum text_face f, int px,
	    SDL_Color c, int cx, int y, const char *s);
/*
 * Word-wrapped into lines no wider than w; draws at most max_lines
 * (0: no limit; the last one shown ends in "…" when cut) and returns the
 * number of lines the whole text needs.  flags 0 only measures;
 * TEXT_DRAW draws, TEXT_DRAW | TEXT_CENTER centres each line in w.
 */
#define TEXT_DRAW	1
#define TEXT_CENTER	2
int	 text_wrap(struct text *t, enum text_face f, int px, SDL_Color c,
	    int x, int y, int w, int max_lines, int flags, const char *s);
/* The lines text_wrap() would draw, each a new string; free with text_lines_free(). */
int	 text_lines(struct text *t, enum text_face f, int px, int w,
	    const char *s, char ***out);
void	 text_lines_free(char **lines, int n);
int	 text_line_height(struct text *t, enum text_face f, int px);
/*
 * Every text drawn, accounted for (--boxes, the boxes test): while
 * recording, each string text_draw() puts on the screen is kept with
 * the panel it was drawn for (the last text_panel()) and the font's
 * pixel size.  The one place text reaches the renderer, so nothing is
 * drawn unaccounted.
 */
struct text_box {
	const char	*panel;		/* a static name: "network", "events" */
	int		 x, y, w, h;
	int		 px;
	char		*s;
};
struct text_panel {
	const char	*name;
	int		 x, y, w, h;
};
/* Start (1) or stop (0) recording; starting forgets what was recorded. */
void	 text_record(struct text *t, int on);
/* The panel whose texts come next (a static string), and its rectangle. */
void	 text_panel(struct text *t, const char *name, int x, int y, int w,
	    int h);
/* What was recorded: boxes and panels (each panel once, first rectangle). */
int	 text_boxes(const struct text *t, const struct text_box **b);
int	 text_panels(const struct text *t, const struct text_panel **p);
/* Drops every cached texture (after a language or theme change). */
void	 text_flush(struct text *t);
/* Where the font came from, for messages and tests. */
const char *text_font_file(const struct text *t, enum text_face f);

#endif
