/*
 * theme.h: colours and sizes of the window.  One calm light theme that
 * survives a washed-out projector (near-black text on near-white, thick
 * lines, nothing important in mid-grey), and a dark one (key D).
 *
 * Protocols use the Okabe-Ito palette (Okabe and Ito, "Color Universal
 * Design", 2002), which people with the common colour-vision deficiencies
 * can still tell apart; and every coloured thing also carries its name.
 */
#ifndef SUREL_THEME_H
#define SUREL_THEME_H

#include <SDL2/SDL.h>

#include "trace.h"

struct theme {
	SDL_Color bg;		/* behind everything */
	SDL_Color picture;	/* the network picture's ground */
	SDL_Color panel;	/* panels' ground */
	SDL_Color edge;		/* panel borders, separators */
	SDL_Color text;
	SDL_Color dim;		/* secondary text: still dark enough to read projected */
	SDL_Color link;
	SDL_Color link_down;
	SDL_Color node;		/* drawn icons' outline */
	SDL_Color node_fill;
	SDL_Color off;		/* a node that is down */
	SDL_Color current;	/* the current row, the current message */
	SDL_Color select;	/* what the user chose: outline, lit bytes */
	SDL_Color select_text;
	SDL_Color badge;
	SDL_Color badge_text;
	SDL_Color lost;		/* the X of a lost frame (Okabe-Ito vermillion) */
	SDL_Color track;	/* the timeline's track */
	SDL_Color done;		/* the part of the timeline already played */
	SDL_Color right;	/* the right answer of a question (Okabe-Ito bluish green) */
	SDL_Color wrong;	/* a wrong answer chosen (vermillion); both carry black text and a mark */
};

static const struct theme theme_light = {
	.bg = { 0xe9, 0xe9, 0xe4, 255 },
	.picture = { 0xfb, 0xfb, 0xf8, 255 },
	.panel = { 0xff, 0xff, 0xff, 255 },
	.edge = { 0x9a, 0x9a, 0x94, 255 },
	.text = { 0x10, 0x10, 0x10, 255 },
	.dim = { 0x44, 0x44, 0x44, 255 },
	.link = { 0x5a, 0x5a, 0x5a, 255 },
	.link_down = { 0xb0, 0xb0, 0xb0, 255 },
	.node = { 0x1a, 0x1a, 0x1a, 255 },
	.node_fill = { 0xff, 0xff, 0xff, 255 },
	.off = { 0xa8, 0xa8, 0xa8, 255 },
	.current = { 0xff, 0xe8, 0x8c, 255 },
	.select = { 0x00, 0x3f, 0x8a, 255 },
	.select_text = { 0xff, 0xff, 0xff, 255 },
	.badge = { 0x1a, 0x1a, 0x1a, 255 },
	.badge_text = { 0xff, 0xff, 0xff, 255 },
	.lost = { 0xd5, 0x5e, 0x00, 255 },
	.track = { 0xc8, 0xc8, 0xc2, 255 },
	.done = { 0x55, 0x55, 0x55, 255 },
	.right = { 0x00, 0x9e, 0x73, 255 },
	.wrong = { 0xd5, 0x5e, 0x00, 255 },
};

static const struct theme theme_dark = {
	.bg = { 0x10, 0x12, 0x14, 255 },
	.picture = { 0x1b, 0x1e, 0x22, 255 },
	.panel = { 0x24, 0x27, 0x2c, 255 },
	.edge = { 0x6a, 0x6e, 0x74, 255 },
	.text = { 0xf4, 0xf4, 0xf0, 255 },
	.dim = { 0xc0, 0xc0, 0xbc, 255 },
	.link = { 0xb8, 0xb8, 0xb4, 255 },
	.link_down = { 0x55, 0x58, 0x5c, 255 },
	.node = { 0xf0, 0xf0, 0xec, 255 },
	.node_fill = { 0x30, 0x34, 0x3a, 255 },
	.off = { 0x60, 0x62, 0x66, 255 },
	.current = { 0x6a, 0x58, 0x10, 255 },
	.select = { 0x56, 0xb4, 0xe9, 255 },
	.select_text = { 0x00, 0x00, 0x00, 255 },
	.badge = { 0xf0, 0xf0, 0xec, 255 },
	.badge_text = { 0x10, 0x10, 0x10, 255 },
	.lost = { 0xff, 0x7a, 0x2a, 255 },
	.track = { 0x44, 0x48, 0x4e, 255 },
	.done = { 0xc8, 0xc8, 0xc4, 255 },
	.right = { 0x00, 0xb8, 0x86, 255 },
	.wrong = { 0xff, 0x7a, 0x2a, 255 },
};

/* A protocol's colour and the colour of text written on it. */
struct theme_proto {
	SDL_Color fill;
	SDL_Color ink;
};

static inline struct theme_proto
theme_proto(enum app_proto p)
{
	static const struct theme_proto k[] = {
		[APP_NONE] = { { 0xbb, 0xbb, 0xbb, 255 }, { 0, 0, 0, 255 } },	/* bare TCP: grey */
		[APP_DNS]  = { { 0xe6, 0x9f, 0x00, 255 }, { 0, 0, 0, 255 } },	/* orange */
		[APP_SMTP] = { { 0x00, 0x72, 0xb2, 255 }, { 255, 255, 255, 255 } },	/* blue */
		[APP_LMTP] = { { 0x56, 0xb4, 0xe9, 255 }, { 0, 0, 0, 255 } },	/* sky blue */
		[APP_POP3] = { { 0x00, 0x9e, 0x73, 255 }, { 0, 0, 0, 255 } },	/* bluish green */
		[APP_IMAP] = { { 0xcc, 0x79, 0xa7, 255 }, { 0, 0, 0, 255 } },	/* reddish purple */
		[APP_TEST] = { { 0xf0, 0xe4, 0x42, 255 }, { 0, 0, 0, 255 } },	/* yellow */
	};

	if ((unsigned)p >= sizeof k / sizeof k[0])
		p = APP_NONE;
	return k[p];
}

/*
 * Sizes in design pixels: what they are at 1280x720 with --scale 1.  The
 * window multiplies them by min(w/1280, h/720) and --scale, so at
 * 1920x1080 the smallest text (13) is 19.5 px, above the 18 px floor.
 */
#define THEME_DESIGN_W		1280
#define THEME_DESIGN_H		720
#define THEME_FONT_SMALL	13
#define THEME_FONT_NORMAL	14
#define THEME_FONT_TITLE	16
#define THEME_FONT_NARRATION	20
#define THEME_FONT_NARRATION_PRESENT 26	/* presentation mode: 39 px at 1920x1080 */
#define THEME_FONT_MONO		12

#endif
