/*
 * ui.h: the window's parts and how they share one struct ui.  Internal
 * to render/: the program's entry points are in window.h.
 *
 * A frame is: input.c turns SDL events into app commands (app.h), the
 * app moves playback, view_seek() rebuilds the world at the current step
 * from the trace, and each part draws its rectangle of the layout.  The
 * same drawing code serves the window, --screenshot and the tests; only
 * the SDL_Renderer behind it differs.
 */
#ifndef SUREL_UI_H
#define SUREL_UI_H

#include <SDL2/SDL.h>

#include "app.h"
#include "layout.h"
#include "place.h"
#include "sim.h"
#include "text.h"
#include "theme.h"
#include "trace.h"
#include "view.h"
#include "words.h"

struct narr_lang;
struct icons;

#define UI_MAX_LANGS	8

struct ui_options {
	const char	*lang;		/* "id", "en", or NULL for the default */
	double		 scale;		/* --scale, 1 by default */
	int		 fullscreen;
	int		 dark;
	enum detail	 level;		/* --detail; 0 is DETAIL_STORY, the window's default */
	unsigned	 hide;		/* --hide: APP_HIDE() of the protocols filtered out */
	const char	*select;	/* --select NODE[:N]: the node panel open (on that mail) */
	int		 present;	/* --present */
	int		 chooser;	/* --chooser */
	const char	*name;		/* the lesson's name, for saved pictures (NULL: "default") */
	const char *const *adds;	/* --add: interventions made at the start (whatif.c) */
	int		 nadds;
	struct bridge	*live;		/* surel live: the world real clients talk to (live.c) */
};

/* A packet where the picture draws it, for drawing and for clicks. */
struct ui_packet {
	struct view_packet p;
	SDL_Rect	 box;		/* w 0: not drawn (merged into another's tag) */
	char		 tag[48];	/* what its tag says: "SMTP", "DNS", "SMTP ×3" */
	int		 waiting;	/* queued frames behind it on its link (drawn beside) */
	SDL_Rect	 wait;		/* where that count goes */
	int		 dot;		/* a crowded picture: a dot on its line, box around it, no tag */
};

struct ui_labels;

struct ui {
	struct scenario	*sc;		/* owned */
	struct sim	*sim;		/* owned; live: the bridge's, borrowed */
	struct bridge	*live;		/* surel live (live.c), else NULL */
	uint32_t	 live_at;	/* SDL_GetTicks() of the last refresh */
	const struct trace *tr;
	struct view	*view;		/* owned */
	struct app	 app;
	struct layout	 lay;
	double		 scale;

	SDL_Renderer	*r;		/* borrowed */
	struct text	*text;		/* owned */
	struct icons	*icons;		/* owned */
	const struct theme *th;

	/* Languages: codes and their narration files (NULL: none found). */
	int		 nlangs;
	char		 lang_code[UI_MAX_LANGS][8];
	const struct narr_lang *lang[UI_MAX_LANGS];
	const struct narr_lang *fallback;

	/* The packets in flight at the playback time, laid out. */
	struct ui_packet *pk;
	int		 npk, pkcap;
	struct view_packet *vpk;	/* scratch for view_packets() */
	int		 vpkcap;

	/* The event list's rows at the current level and filter (evlist.c). */
	struct ui_events *events;
	/* The inspector's rows for the frame it shows (see panel_inspector.c). */
	struct ui_inspect *insp;
	/* The node panel's entries, for (node, step) (see panel_node.c). */
	struct ui_nodeinfo *nodeinfo;
	/* The sequence diagram's hosts (panel_sequence.c): made at its first picture. */
	int		*seq_col, *seq_order, seq_n;
	/* Drags on the timeline. */
	int		 dragging;
	/* The inspector asked for by a click on its folded tab (input.c). */
	int		 tab_right;
	/* The timeline's last layout, for clicks. */
	SDL_Rect	 tl_track;
	/* Each checkpoint's step (checkpoint.h), 0 where it names none. */
	size_t		*cp_steps;
	int		 frames;	/* frames drawn, for tests */
	struct whereis	*whereis;	/* where each message is (panel_whereis.c), made on first use */
	double		 mouse_sx, mouse_sy;	/* window units -> pixels (high-DPI) */
	/* The picture's label placer and where its labels went (draw.c). */
	struct place	 place;
	struct ui_labels *labels;

	/* For a class (issue 12, points 4 and 7). */
	char		*name;		/* the lesson's name: "default", "06-unknown-user" */
	int		 loads;		/* scenarios loaded in this window, so the title follows */
	struct lessons	*lessons;	/* the chooser's list, loaded when it first opens */
	int		 chooser_sel;	/* the lesson lit in the chooser */
	int		 chooser_top;	/* its first row shown */
	char		*chooser_err;	/* why the last file dropped or chosen did not open */
	char		 toast[512];	/* a line shown for a moment ("saved ...") */
	unsigned	 toast_at;	/* when the window first showed it (window.c), 0: not yet */
	int		 save_pending;	/* S: the next frame drawn goes to a PNG */

	/* Issue 14: the interventions of this scenario and its original text (whatif.c). */
	struct ui_whatif *wi;
};

/* window.c */
struct ui *ui_new(struct scenario *sc, const struct ui_options *o,
	    SDL_Renderer *r, int w, int h, char *err, size_t errsz);
void	 ui_free(struct ui *u);
/* A new size (window resized); fonts and layout follow. */
void	 ui_resize(struct ui *u, int w, int h);
/* Draw the whole window at the current state (and save it where S asked). */
void	 ui_draw(struct ui *u);

/* session.c: what belongs to one scenario (keep: the app's settings that stay); 0 or -1. */
int	 ui_scenario_init(struct ui *u, struct scenario *sc,
	    const struct app *keep, char *err, size_t errsz);
void	 ui_scenario_free(struct ui *u);
/*
 * Another scenario in the same window (a lesson chosen, a file dropped):
 * the simulation, the view and every panel's state are made again; the
 * language, theme, level and modes stay.  Takes sc; name is copied
 * (NULL: "default").
 */
void	 ui_load(struct ui *u, struct scenario *sc, const char *name);
/*
 * panel_chooser.c: open a scenario file (a dropped one: path) or a lesson of the chooser;
 * where it cannot be read or is not valid, the chooser opens and shows
 * why.  0 when it opened.
 */
int	 ui_open_file(struct ui *u, const char *path);
int	 ui_open_lesson(struct ui *u, int i);
/*
 * Save the window as drawn now to surel-NAME-stepN.png in the current
 * folder (-2, -3... where that exists); the name goes into out and, for
 * a moment, into the window.  0 or -1.  S and F12 ask for it with
 * save_pending (input.c); ui_draw() saves the frame it has drawn.
 */
int	 ui_save_png(struct ui *u, char *out, size_t outsz);

/* ui.c */
/*
 * The panel whose texts come next (a static name: "network", "events"),
 * with its rectangle: each panel's draw function says it first, so that
 * --boxes accounts every text to a panel.
 */
void	 ui_panel_begin(struct ui *u, const char *name, const struct lrect *r);
void	 ui_panel_begin_rect(struct ui *u, const char *name, SDL_Rect r);
const char *ui_word(const struct ui *u, enum word w);
const char *ui_lang(const struct ui *u);
/* The name of a node as the picture shows it (label in the language, else id). */
const char *ui_node_name(const struct ui *u, int node);
const char *ui_node_short(const struct ui *u, int node);
/* Who sent and who receives in a record (-1 where none): for a frame, the ends of its hop. */
void	 ui_record_ends(const struct ui *u, const struct trace_rec *r, int *from,
	    int *to);
/* The current step's record in *r: 0 at step 0 (r untouched). */
int	 ui_current(const struct ui *u, struct trace_rec *r);
/* A DNS record as a line: zone 1 as a zone file (and its TTL), 0 inside a sentence. */
struct sc_record;
void	 ui_rr_text(const struct sc_record *rr, int zone, char *buf,
	    size_t n);

/* panel_narration.c */
/* Narration of a step in a language (index), into buf; returns buf. */
const char *ui_narration(struct ui *u, size_t step, int lang, char *buf,
	    size_t bufsz);

/* The picture of one step as a PNG (--screenshot); takes sc.  Exit status. */
int	 window_screenshot(struct scenario *sc, const struct ui_options *uo,
	    int w, int h, long step, const char *out);
/* The same with the inspector's field of that key lit (--field; NULL: none). */
int	 window_screenshot_field(struct scenario *sc,
	    const struct ui_options *uo, int w, int h, long step,
	    const char *field, const char *out);

/* The same, and --boxes OUT.json: every panel and text drawn (NULL: none). */
int	 window_screenshot_boxes(struct scenario *sc,
	    const struct ui_options *uo, int w, int h, long step,
	    const char *field, const char *out, const char *boxes);
/*
 * Draws the current state recording every text: {"panels": [{"name",
 * "x", "y", "w", "h"}], "boxes": [{"panel", "x", "y", "w", "h", "text",
 * "px"}]} (--boxes, the boxes test).  Free with cJSON_Delete().
 */
struct cJSON;
struct cJSON *ui_draw_boxes(struct ui *u);

/*
 * whatif.c: interventions at the current step (issue 14).  W: the
 * original <-> the what-if; U: undo the last; C: the comparison in the
 * right panel; Ctrl+S: the what-if saved as a scenario file.  Each
 * returns 0, or -1 where it is refused (the toast says why in a
 * sentence).
 */
struct compare;
struct buf;
/* Add one intervention (an action's JSON) at the current step and run again; the toast says sentence. */
int	 whatif_apply(struct ui *u, const char *action, const char *sentence,
	    char *err, size_t errsz);
/* Whether one can be made now (not on the original, not too many); -1 with the toast saying why. */
int	 whatif_can(struct ui *u);
int	 whatif_refuse(struct ui *u, enum word why);
/* The "at_ms" of an intervention made now: just after the current step. */
void	 whatif_at_ms(struct ui *u, struct buf *b);
int	 whatif_toggle(struct ui *u);
int	 whatif_undo(struct ui *u);
int	 whatif_save(struct ui *u, char *out, size_t outsz);
int	 whatif_count(const struct ui *u);	/* interventions made */
int	 whatif_showing(const struct ui *u);	/* the what-if is shown */
size_t	 whatif_fork_step(const struct ui *u, int k);
const struct compare *whatif_comparison(const struct ui *u);	/* NULL: none */
void	 whatif_draw(struct ui *u);
/* The comparison in the right panel (C), with its scroll. */
int	 whatif_panel_shown(const struct ui *u);
void	 whatif_panel_toggle(struct ui *u);
void	 whatif_panel_draw(struct ui *u);
void	 whatif_panel_scroll(struct ui *u, int rows);
void	 whatif_free(struct ui *u);
/* --add: u->sc is the file alone; the actions become interventions (the what-if shown). */
int	 whatif_start(struct ui *u, const char *const *adds, int nadds);

/*
 * whatif_menu.c: the menu of interventions.  Opened by a right click on a
 * node (node >= 0) or a cable (link >= 0) at x, y, or by K on the
 * selected node (x, y < 0: beside it); while it is open it takes every
 * key, typed text and click.  Each returns 1 when it took the event.
 */
int	 whatif_menu_open(struct ui *u, int node, int link, int x, int y);
int	 whatif_menu_is_open(const struct ui *u);
int	 whatif_menu_key(struct ui *u, SDL_Keycode sym, Uint16 mod);
int	 whatif_menu_text(struct ui *u, const char *utf8);
int	 whatif_menu_click(struct ui *u, int x, int y);
void	 whatif_menu_draw(struct ui *u);
/* The entries now listed, for the tests: label and effect of entry i. */
int	 whatif_menu_count(const struct ui *u);
const char *whatif_menu_label(const struct ui *u, int i);
const char *whatif_menu_effect(const struct ui *u, int i);

/* input.c: the only reader of SDL_Event.  Returns 1 when something changed. */
int	 input_event(struct ui *u, const SDL_Event *ev);
/* live.c: surel live's world moves on; the window follows what it did (window.c calls it each turn). */
void	 live_tick(struct ui *u);

/* draw.c: primitives and the network picture. */
void	 draw_fill(SDL_Renderer *r, SDL_Rect rc, SDL_Color c);
void	 draw_frame(SDL_Renderer *r, SDL_Rect rc, int width, SDL_Color c);
void	 draw_round(SDL_Renderer *r, SDL_Rect rc, int radius, SDL_Color c);
void	 draw_line(SDL_Renderer *r, double x0, double y0, double x1, double y1,
	    double width, SDL_Color c);
void	 draw_disc(SDL_Renderer *r, double cx, double cy, double radius,
	    SDL_Color c);
void	 draw_cross(SDL_Renderer *r, double cx, double cy, double size,
	    double width, SDL_Color c);
void	 draw_triangle(SDL_Renderer *r, double x0, double y0, double x1,
	    double y1, double x2, double y2, SDL_Color c);
SDL_Rect ui_rect(const struct lrect *l);
void	 draw_panel(struct ui *u, const struct lrect *l, const char *title);
/* Lay out the packets in flight at the playback time (u->pk). */
void	 draw_packets_layout(struct ui *u);
void	 draw_picture(struct ui *u);
/* A folded side panel: a tab with its name, letter under letter. */
void	 draw_tab(struct ui *u, const char *panel, const struct lrect *l,
	    const char *name);
void	 draw_labels_free(struct ui *u);
void	 draw_legend(struct ui *u);
/* The protocol (enum app_proto, APP_NONE: TCP only) of the legend's chip at x, y, or -1. */
int	 draw_legend_hit(struct ui *u, int x, int y);
/* The same for the legend's k-th chip (from 0, left to right), or -1. */
int	 draw_legend_nth(struct ui *u, int k);
/* Which node (or -1) and which packet (index into u->pk, or -1) is at x, y. */
int	 draw_hit_node(struct ui *u, int x, int y);
int	 draw_hit_packet(struct ui *u, int x, int y);
/* The cable (link index) within a few pixels of x, y, or -1. */
int	 draw_hit_link(struct ui *u, int x, int y);
struct icons *icons_new(SDL_Renderer *r);
void	 icons_free(struct icons *ic);

/* evlist.c: the event list's rows at the current level and filter. */
/* Rows listed now (the level of detail and the filters decide), and the record of one (-1: none). */
size_t	 evlist_count(struct ui *u);
long	 evlist_row(struct ui *u, size_t row);
/* How many rows are of records before rec. */
size_t	 evlist_below(struct ui *u, size_t rec);
/* APP_HIDE() of every protocol chip the trace has (the legend's toggles). */
unsigned evlist_present(struct ui *u);
/* Whether a filter hides record rec (its chip's protocol is hidden). */
int	 evlist_hidden(struct ui *u, size_t rec);
void	 evlist_free(struct ui *u);

/* panel_events.c */
void	 panel_events_draw(struct ui *u);
/* The step of the row at y, or -1. */
long	 panel_events_hit(struct ui *u, int x, int y);
/* A one-line summary of record i (for the list and the tests). */
void	 panel_events_summary(struct ui *u, size_t rec, char *buf, size_t n);
/* Who sends and who receives in record rec, by the names the picture shows. */
void	 panel_events_who(struct ui *u, size_t rec, char *buf, size_t n);
/* The protocol chip of record rec: 1 and *p (APP_NONE: TCP only), or 0 for none. */
int	 panel_events_chip(struct ui *u, size_t rec, enum app_proto *p);


/* panel_inspector.c */
void	 panel_inspector_draw(struct ui *u);
/* The inspector row at x, y, or -1. */
int	 panel_inspector_hit(struct ui *u, int x, int y);
/* How many field rows the inspector shows now (for the tests). */
int	 panel_inspector_rows(struct ui *u);
/* The hex dump as last drawn: bytes a line, with the printable column or not, its right end (px; for the tests). */
void	 panel_inspector_hex(struct ui *u, int *per, int *ascii, int *right);
const char *panel_inspector_row_text(struct ui *u, int row);
/* The trace record whose frame the inspector shows, or -1 (for the tests). */
long	 panel_inspector_record(struct ui *u);
/* The first row of the field with that key (decode.h: "tcp.seq"), or -1. */
int	 panel_inspector_find(struct ui *u, const char *key);
struct decode_row;
/* A decoded row as the inspector writes it, "name: value", in L (NULL: English). */
void	 panel_inspector_row_words(const struct narr_lang *L,
	    const struct decode_row *r, char *buf, size_t cap);
void	 panel_inspector_free(struct ui *u);

/* panel_narration.c */
void	 panel_narration_draw(struct ui *u);
/* The step whose sentence the panel shows (the level's, or a question's own). */
size_t	 panel_narration_step(const struct ui *u);
/* At the end of a lesson that asked: "You answered 1 of 2 questions right." into buf; else "". */
const char *panel_narration_score(struct ui *u, char *buf, size_t n);
/* Lines the narration of a step needs in language lang at the panel's width, and whether they fit. */
int	 panel_narration_fits(struct ui *u, size_t step, int lang, int *lines,
	    int *max_lines);
/* The letters' height, px, the narration of a step is drawn with. */
int	 panel_narration_px(struct ui *u, size_t step, int lang);

/* panel_quiz.c: the open question of a checkpoint, over the picture. */
void	 panel_quiz_draw(struct ui *u);
/* The choice (from 0) of the open question at x, y; -1 for none. */
int	 panel_quiz_hit(struct ui *u, int x, int y);
/*
 * Whether the open question fits its card, and at which size of the texts
 * (1: full size; the card shrinks them down to 0.5 before giving up).
 */
int	 panel_quiz_fits(struct ui *u, double *factor, int *need, int *room);
/* Whether x, y is on the question's card (clicks there go nowhere else). */
int	 panel_quiz_has(struct ui *u, int x, int y);

/* panel_whereis.c: the line "where the mail is" and its marks on the picture. */
void	 panel_whereis_draw(struct ui *u);
/* The words over the sequence diagram's arrow of TR_APP record rec (panel_sequence.c). */
void	 panel_sequence_label(struct ui *u, size_t rec, char *buf, size_t n);
void	 panel_whereis_marks(struct ui *u);
void	 panel_whereis_free(struct ui *u);

/* panel_chooser.c: the lesson chooser (O, --chooser) over the whole window. */
void	 panel_chooser_draw(struct ui *u);
/* The lesson at x, y, or -1. */
int	 panel_chooser_hit(struct ui *u, int x, int y);
/* Keys while it is open: 1 when the key was its own. */
int	 panel_chooser_key(struct ui *u, SDL_Keycode sym);
/* How many lessons it lists, and the list (loaded on first use). */
struct lessons *panel_chooser_list(struct ui *u);
void	 panel_chooser_free(struct ui *u);

/* panel_sequence.c */
void	 panel_sequence_draw(struct ui *u);

/* panel_node.c */
void	 panel_node_draw(struct ui *u);
void	 panel_node_free(struct ui *u);
/* The mail at x, y: the record that stored it; -1 for the line back to the list; -2 for none. */
long	 panel_node_hit(struct ui *u, int x, int y);
/*
 * --select NODE or NODE:N (the N-th mail the panel lists, from 1): the
 * node chosen as a click would, and that mail opened.  A name that is no
 * node (or no such mail) prints the choices and returns -1.
 */
int	 panel_node_select(struct ui *u, const char *spec);
/* The same check without a window: 0 or -1 (a message naming the nodes on stderr). */
int	 panel_node_check(const struct scenario *sc, const char *spec);

/* timeline.c */
void	 timeline_draw(struct ui *u);
/* The level of detail (detail.h) whose part of the level control is at x, y, or -1. */
int	 timeline_level_hit(struct ui *u, int x, int y);
/* The step under x on the timeline's track. */
size_t	 timeline_step_at(struct ui *u, int x);
int	 timeline_hit(struct ui *u, int x, int y);

#endif
