/*
 * app.h: the window's playback and selection state, and the commands
 * that change it.  No SDL here: input.c turns events into commands and
 * the tests can drive the state without a window.
 *
 * Time: a step is one trace record (shared/SPEC.md section 1); the
 * picture is drawn at a playback time t in simulated nanoseconds, which
 * is the current step's time when paused and runs between steps while
 * playing.  Wall time only decides how far t moves (app_advance()).
 *
 * Levels of detail (detail.h, issue 11): a step on or back (Right/Left)
 * goes to the next or previous step of the current level; a message or a
 * chapter on or back keeps its meaning but never passes a change of
 * state (view_next_state()): it stops there first.  Playing at the story
 * and messages levels holds each level step for as long as its sentence
 * takes to read (app_hold_seconds()) and plays the records up to the next
 * level step within that hold; at packets it plays simulated time.
 */
#ifndef SUREL_APP_H
#define SUREL_APP_H

#include <stddef.h>
#include <stdint.h>

#include "detail.h"
#include "view.h"

enum app_cmd {
	CMD_NONE,
	CMD_QUIT,
	CMD_PLAY,		/* toggle play/pause */
	CMD_STEP,		/* arg: +1 or -1 step */
	CMD_MESSAGE,		/* arg: +1 or -1 application message */
	CMD_CHAPTER,		/* arg: +1 or -1 chapter */
	CMD_SPEED,		/* arg: +1 faster, -1 slower */
	CMD_HOME,
	CMD_END,
	CMD_SEEK,		/* arg: step */
	CMD_LANG,		/* next language */
	CMD_TAB,		/* picture <-> sequence diagram */
	CMD_FULLSCREEN,
	CMD_THEME,		/* light <-> dark */
	CMD_SELECT_PACKET,	/* arg: frame, arg2: step of its TX record */
	CMD_SELECT_NODE,	/* arg: node */
	CMD_SELECT_NONE,
	CMD_FIELD,		/* arg: row of the inspector */
	CMD_FIELD_MOVE,		/* arg: +1 / -1 row */
	CMD_SCROLL,		/* arg: rows (the panel under the mouse, arg2: which) */
	CMD_ANSWER,		/* arg: the choice, from 0, of the open question */
	CMD_CONTINUE,		/* close the answered question; play on if it stopped playback */
	CMD_SKIP,		/* close the open question unanswered */
	CMD_LEVEL,		/* arg: the level of detail (detail.h), or -1 for the next */
	CMD_FILTER,		/* arg: enum app_proto (APP_NONE: TCP only): show/hide it */
	CMD_OPEN_MSG,		/* arg: the record that stored the node's mail to open, -1: back to the list */
	CMD_PRESENT,		/* presentation mode on/off */
	CMD_CHOOSER,		/* the lesson chooser open/closed */
	CMD_ASK_QUIT,		/* ask before quitting (Esc) */
	CMD_STAY,		/* the answer to that: stay */
};

struct app_command {
	enum app_cmd	 cmd;
	long		 arg;
	long		 arg2;
};

enum app_center {
	APP_PICTURE,
	APP_SEQUENCE,
};

enum app_right {
	RIGHT_INSPECTOR,	/* the selected packet, else the current step's */
	RIGHT_NODE,		/* the selected node */
};

enum app_scroll_panel {
	SCROLL_EVENTS,
	SCROLL_INSPECTOR,
	SCROLL_NODE,
};

#define APP_NSPEEDS 9
#define APP_MAX_SCORED	64
enum { APP_GOT_NONE, APP_GOT_WRONG, APP_GOT_RIGHT, APP_GOT_SKIPPED };

/*
 * The filter bit of a protocol (enum app_proto) in struct app's hide;
 * APP_NONE's bit is "TCP only": frames that carry no application bytes
 * (handshakes, bare ACKs, FIN, RST), TCP's state changes and
 * retransmissions (a failed connection stays: a turning point).  A hidden
 * packet is not drawn and cannot be clicked; its rows leave the event
 * list; stepping is not changed.
 */
#define APP_HIDE(p)	(1u << (unsigned)(p))

struct app {
	struct view	*view;		/* borrowed */
	size_t		 nsteps;	/* steps 0..nsteps-1 */
	size_t		 step;		/* current step */
	uint64_t	 t;		/* playback time, ns */
	int		 playing;
	int		 speed;		/* index into app_speeds[] */
	double		 dwell;		/* wall seconds left to wait in an idle gap */
	enum detail	 level;		/* level of detail: what a step on and the event list show (detail.h) */
	unsigned	 hide;		/* protocols hidden from the picture and the event list: APP_HIDE(p) */

	/*
	 * The hold of a level step while playing at story or messages: it
	 * lasts hold wall seconds at x1 (held is the part gone, 0..1), and
	 * playback time runs from hold_t0 to hold_t1 within it, after which
	 * the step is hold_to.  hold 0: none yet (the next app_advance()
	 * starts one from where playback is).
	 */
	double		 hold;
	double		 held;
	uint64_t	 hold_t0, hold_t1;
	size_t		 hold_to;
	/* The length, in characters, of the sentence the narration shows for a step (NULL: none known). */
	size_t		(*say_len)(void *ctx, size_t step);
	void		*say_ctx;

	enum app_center	 center;
	enum app_right	 right;
	int		 lang;		/* index into the window's languages */
	int		 nlangs;
	int		 fullscreen;
	int		 dark;
	int		 quit;
	/* Issue 12, point 3, 4, 7: for a class. */
	int		 present;	/* presentation mode: picture, narration, timeline only */
	int		 chooser;	/* the lesson chooser covers the window */
	int		 ask_quit;	/* the card "quit?" is open */

	/* Selection: a packet (by frame and TX step) or a node. */
	int		 sel_packet;	/* 1 when a packet is chosen */
	uint32_t	 sel_frame;
	size_t		 sel_tx_step;
	int		 sel_node;	/* -1: none */
	int		 sel_field;	/* inspector row, -1: none */
	long		 sel_msg;	/* the node panel's opened mail: the record that stored it, -1: none */

	/* Scroll offsets, in rows, of the panels that scroll. */
	int		 scroll_events;
	int		 scroll_inspector;
	int		 scroll_node;
	int		 dirty;		/* something changed since the last frame */

	/*
	 * Checkpoints (scenarios/README.md): a forward move (playing, a step,
	 * a message or a chapter on) that would pass a checkpoint's step
	 * stops there and opens its question.  Jumps (Home, End, a click on
	 * the timeline or the event list) do not ask; going back before the
	 * step and forward again asks again.
	 */
	const struct sc_checkpoint *cps;	/* borrowed: the scenario's */
	const size_t	*cp_step;	/* [ncps], borrowed: 0 where never asked */
	int		 ncps;
	int		 quiz;		/* the checkpoint asking now, or -1 */
	int		 quiz_chosen;	/* the student's choice, or -1 before one */
	int		 quiz_resume;	/* it stopped playback: continuing plays on */
	/*
	 * How each question went the last time it was asked, for the score
	 * at the end of the lesson: APP_GOT_NONE (never asked), _SKIPPED
	 * (counted as not answered), _WRONG or _RIGHT; the score shows once
	 * one was met; questions past APP_MAX_SCORED (a scenario may have
	 * 1000) are not counted.
	 */
	unsigned char	 quiz_got[APP_MAX_SCORED];
};

/* Speed multipliers; 1x plays 1/20 of real time, so a 10 ms link takes 0.2 s. */
extern const double app_speeds[APP_NSPEEDS];
#define APP_SPEED_1X		3
#define APP_BASE_RATE		0.05	/* simulated seconds per wall second at 1x */

/*
 * How long a level step is held at x1, in wall seconds: a base for the
 * eye to find the sentence and glance at the picture, then a time per
 * character.  A teacher reading aloud to a class says about 140 words a
 * minute, some 14 characters a second with the spaces, in English and
 * in Indonesian alike (its words are longer, not slower to say): 0.07 s
 * a character.  A sentence of 150 characters stays 12.5 s; + and -
 * change it (the speed divides the hold).
 */
#define APP_HOLD_BASE		2.0
#define APP_HOLD_CHAR		0.07

void	 app_init(struct app *a, struct view *v, int nlangs);
void	 app_do(struct app *a, const struct app_command *c);
/* Move playback on by wall seconds while playing; returns 1 when the step changed. */
int	 app_advance(struct app *a, double wall);
/* Go to a step, paused or not, time at the step. */
void	 app_seek(struct app *a, size_t step);
/* Seconds at x1 to hold the sentence of a step (step 0, nothing to read yet: the base); the speed divides it. */
double	 app_hold_seconds(const struct app *a, size_t step);
/*
 * The score at the end of a lesson: *right of *asked questions (those
 * that name a step) answered right, the last answer of each counting;
 * a skipped one counts as not answered.  Returns 1 where it is to be
 * shown: at the last step, with no question open, in a lesson that asks.
 */
int	 app_score(const struct app *a, int *right, int *asked);
/*
 * Go to a step as playback arriving there would: a checkpoint's step
 * opens its question (the first in the file at that step), as when
 * playback stops there (--step N, --screenshot of a checkpoint's step).
 */
void	 app_seek_ask(struct app *a, size_t step);
/* The checkpoints and their steps (both borrowed, n entries). */
void	 app_set_checkpoints(struct app *a, const struct sc_checkpoint *cps,
	    const size_t *steps, int n);

#endif
