/*
 * whatif.h: the interventions of one scenario (whatif.c), shared with
 * session.c, which frees them with the rest of the scenario's state
 * (whatif_free()) without calling into whatif.c.
 */
#ifndef SUREL_WHATIF_H
#define SUREL_WHATIF_H

#include <stddef.h>

#include <SDL2/SDL.h>

#include "compare.h"
#include "scenario.h"

#define WI_MAX	64		/* as many as `surel view --add` takes */
#define WI_LINES 5		/* the comparison's strip, at most */

/* What an entry of the menu does (whatif_menu.c). */
enum wi_kind {
	WK_POWER_OFF,
	WK_POWER_ON,
	WK_LINK_CUT,
	WK_LINK_RESTORE,
	WK_LINK_LOSS,
	WK_LINK_MENU,		/* opens the menu of one cable of the node */
	WK_MAIL,		/* a form: a new mail from this client */
	WK_DNS_REMOVE,
	WK_DNS_ADD,		/* a form: name, type, value */
	WK_PASSWORD,		/* a form: the account's new password */
};

#define WM_ITEMS	48
#define WM_FIELDS	5
#define WM_FIELD_LEN	160

struct wi_item {
	enum wi_kind	 kind;
	int		 node, link, account;
	int		 loss;		/* WK_LINK_LOSS: percent */
	int		 peer;		/* WK_LINK_*: the node at the other end */
	const struct sc_record *rec;	/* WK_DNS_REMOVE: borrowed from the scenario */
	int		 refused;	/* it would change nothing: effect says why */
	char		 label[192];
	char		 effect[640];	/* the sentence said before it is done */
};

/*
 * The menu of interventions: opened by a right click on a node or a
 * cable, or by K on the selected node; an entry that needs words (a new
 * mail, a record, a password) opens a form of lines to type in.
 */
struct wi_menu {
	int		 open;
	int		 node, link;	/* what it was opened on (-1: not that) */
	int		 x, y;		/* where (the click), for the card */
	struct wi_item	 items[WM_ITEMS];
	int		 n, sel;
	int		 form;		/* the selected entry's form is open */
	int		 nf, fsel;
	int		 fname[WM_FIELDS];	/* enum word of each line */
	char		 field[WM_FIELDS][WM_FIELD_LEN];
	char		 err[512];	/* why the form's change was not taken */
	SDL_Rect	 box, rows[WM_ITEMS];	/* where it was drawn, for clicks */
};

struct ui_whatif {
	char		*text;		/* the scenario file's own text */
	size_t		 len;
	char		*file;		/* its name, for messages */
	char		*adds[WI_MAX];	/* the interventions, in order (action JSON) */
	size_t		 steps[WI_MAX];	/* the step each was made at */
	int		 n;
	int		 original;	/* W: the original is shown */
	struct compare	 cmp;		/* original vs what-if, while n > 0 */
	int		 has_cmp;
	struct wi_menu	 menu;
	int		 panel;		/* the right panel shows the comparison (C) */
	int		 scroll;	/* its first line */
};

#endif
