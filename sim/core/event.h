/*
 * event.h: the discrete-event engine.  A queue of future events ordered
 * by (time, sequence number), so that events due at the same simulated
 * nanosecond run in the order they were scheduled (libuv's timer.c does
 * the same with its insertion counter).
 *
 * An event carries its payload inline (an object pointer and two 64-bit
 * words), so scheduling allocates nothing once the pools have grown to
 * the steady state.  Cancelling only marks the event (Redis ae.c's
 * deferred deletion): a handler may cancel anything, itself included.
 */
#ifndef SUREL_EVENT_H
#define SUREL_EVENT_H

#include <stdint.h>

struct evq;

/* A handler: ctx is the queue's context, the rest is the payload. */
typedef void (*ev_fn)(void *ctx, void *obj, uint64_t a, uint64_t b);
/* Called for an event that is cancelled or left when the queue is freed. */
typedef void (*ev_fin)(void *ctx, void *obj, uint64_t a, uint64_t b);

/* Handle of a scheduled event; 0 is never a valid handle. */
typedef uint64_t ev_id;

struct evq *evq_new(void *ctx);
void	 evq_free(struct evq *q);	/* runs the finalizers of what is left */

/* Schedule fn at absolute time at_ns (never before the current time). */
ev_id	 evq_at(struct evq *q, uint64_t at_ns, ev_fn fn, ev_fin fin,
	    void *obj, uint64_t a, uint64_t b);
/*
 * Sequence numbers taken now for events scheduled later (evq_at_seq):
 * returns the first of n.  sim.c schedules the scenario's actions one at
 * a time, each keeping the place among events at the same time that it
 * would have had if all were scheduled at the start.
 */
uint64_t evq_reserve_seq(struct evq *q, uint64_t n);
ev_id	 evq_at_seq(struct evq *q, uint64_t at_ns, uint64_t seq, ev_fn fn,
	    ev_fin fin, void *obj, uint64_t a, uint64_t b);
/*
 * The same for a background event (a cache expiry): it runs like any
 * other, but does not count as work left to do (evq_work()), so a run
 * "until nothing is left to do" does not wait for it.
 */
ev_id	 evq_at_background(struct evq *q, uint64_t at_ns, ev_fn fn, ev_fin fin,
	    void *obj, uint64_t a, uint64_t b);
/* Cancel a pending event; a handle that already ran or was cancelled is ignored. */
void	 evq_cancel(struct evq *q, ev_id id);
int	 evq_pending(const struct evq *q, ev_id id);

/*
 * Run every event due at or before until_ns, in (time, seq) order;
 * the clock ends at until_ns if the queue ran dry before it, else at the
 * last event run.  Returns the number of events run.
 */
uint64_t evq_run_until(struct evq *q, uint64_t until_ns);
/*
 * The same loop, which evq_run_until() is: with work_only, it also stops
 * as soon as only background events are left (evq_work() == 0), and the
 * clock stays at the last event run; it never runs more than max events
 * (then the clock stays too).  Returns the number run.
 */
uint64_t evq_run(struct evq *q, uint64_t until_ns, int work_only,
	    uint64_t max);
/*
 * fn(ctx) runs after every event, before the next one (sim.c: tcp.c's
 * deferred free of the connections a handler closed); NULL for none.
 */
void	 evq_after(struct evq *q, void (*fn)(void *ctx));
/* Move the clock to t (no event may be due before t). */
void	 evq_advance(struct evq *q, uint64_t t);
/* Run the next event only; returns 0 when there is none. */
int	 evq_step(struct evq *q);

uint64_t evq_now(const struct evq *q);
/* Time of the earliest live event, or UINT64_MAX. */
uint64_t evq_next_time(struct evq *q);
uint64_t evq_count(const struct evq *q);	/* live pending events */
uint64_t evq_work(const struct evq *q);		/* live pending events, not background */
uint64_t evq_ran(const struct evq *q);		/* events run so far */

#endif
