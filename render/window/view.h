/*
 * view.h: the world as the window shows it at one step, rebuilt from the
 * trace alone (shared/DESIGN.md: render/ never reaches into a protocol's
 * state).  No SDL here: the view is plain data, tested on its own.
 *
 * Steps: step 0 is the world before anything happens; step i (1..N) is
 * the world just after trace record i-1.  N = trace_count().  Seeking to
 * any step is fast in both directions: the view keeps checkpoints of its
 * counters every VIEW_CHECKPOINT records and replays from the nearest.
 */
#ifndef SUREL_VIEW_H
#define SUREL_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "detail.h"
#include "sim.h"
#include "trace.h"

#define VIEW_CHECKPOINT 1024

struct view;

/* The counters the picture draws as badges and colours, at one step. */
struct view_state {
	size_t		 step;
	uint64_t	 t;		/* simulated time of the step, ns */
	const uint8_t	*node_up;	/* [nnodes] 1 on, 0 off */
	const uint8_t	*link_up;	/* [nlinks] */
	const int	*mailbox;	/* [nnodes] messages in the mailboxes a server holds */
	const int	*queue;		/* [nnodes] messages in a mail server's queue */
	const int	*device;	/* [nnodes] messages a device has downloaded */
	const int	*dns_cache;	/* [nnodes] live entries in a resolver's cache */
};

/* A frame on a link (or waiting for one) at a given time. */
struct view_packet {
	uint32_t	 frame;
	size_t		 tx_step;	/* step of its TX record (queued: the TX to come, else its QUEUED step) */
	int		 link, dir;	/* dir 0: link.a -> link.b */
	double		 progress;	/* 0 at the sending end, 1 at the receiving end */
	int		 lost;		/* it will be dropped (DROP record ends it) */
	int		 queued;	/* still waiting in the sender's FIFO */
	enum app_proto	 proto;		/* what it carries, by port; APP_NONE for bare TCP */
	uint32_t	 len;
	const char	*label;		/* static: "SYN", "SYN-ACK", "ACK", "FIN", "RST", "DNS query", "DNS answer", "SMTP", ... */
};

/* A chapter of the story: where the timeline puts a mark. */
struct view_chapter {
	size_t		 step;		/* first step of the chapter */
	const char	*key;		/* "submission", "dns", "relay", "delivery", "fetch", "bounce" */
	int		 node, peer;	/* who talks */
};

/*
 * The view reads the sim's trace and scenario until view_free(): the sim
 * must outlive it.  view_new_trace() is the same over a trace and a
 * scenario given apart (a trace built by hand in a test).
 */
struct view *view_new(const struct sim *s);
struct view *view_new_trace(const struct scenario *sc,
	    const struct trace *tr);
void	 view_free(struct view *v);
/* Bytes the view holds (index, checkpoints, chapters), for the benchmarks. */
size_t	 view_bytes_used(const struct view *v);

size_t	 view_steps(const struct view *v);	/* N + 1 steps: 0..N */
uint64_t view_step_time(const struct view *v, size_t step);
void	 view_seek(struct view *v, size_t step);	/* clamps to N */
const struct view_state *view_state(const struct view *v);

/*
 * Frames in flight at time t (use the current step's time for a still
 * picture, or a time between two steps to animate); returns how many
 * were written (at most max).
 */
int	 view_packets(const struct view *v, uint64_t t, struct view_packet *out,
	    int max);

/* The records that are application messages (TR_APP), ascending; *n of them. */
const uint32_t *view_apps(const struct view *v, size_t *n);
/* The next (dir > 0) or previous (dir < 0) step that is an application message; the same step if none. */
size_t	 view_next_app(const struct view *v, size_t step, int dir);
/* The same for chapter starts. */
size_t	 view_next_chapter(const struct view *v, size_t step, int dir);
int	 view_chapters(const struct view *v, const struct view_chapter **out);

/*
 * Levels of detail (detail.h): the next (dir > 0) or previous (dir < 0)
 * step of level d, the same step when there is none on; step 0, before
 * anything happens, counts as a step of every level, so going back past
 * the first one lands there.  At packets every step is one.
 */
size_t	 view_next_level(const struct view *v, enum detail d, size_t step,
	    int dir);
/* The last step of level d at or before step (0 when none): whose sentence the narration shows. */
size_t	 view_level_at(const struct view *v, enum detail d, size_t step);
/* How many records are steps of level d. */
size_t	 view_level_count(const struct view *v, enum detail d);
/* The records that are steps of level d (story or messages), ascending; *n of them. */
const uint32_t *view_level_list(const struct view *v, enum detail d,
	    size_t *n);
/*
 * Changes of state: TR_STATE records but a session's own (ST_SESSION),
 * TR_NODE_STATE and TR_LINK_STATE.  The next or previous one; the same
 * step if none.
 */
size_t	 view_next_state(const struct view *v, size_t step, int dir);
/* 1 when step (1..N) is the world just after a change of state. */
int	 view_step_is_state(const struct view *v, size_t step);

#endif
