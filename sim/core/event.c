/*
 * event.c: the event queue.  A 4-ary min-heap of 16-byte keys over a
 * pool of event slots.
 *
 * The key packs (time, seq, slot): the time in one word and, in the
 * other, the sequence number in the high 40 bits and the slot index in
 * the low 24.  Comparing the second word therefore compares sequence
 * numbers first, and the slot rides along for free.  Small keys make the
 * heap cache-friendly; four children per node halve its depth compared
 * with a binary heap, at the price of three more comparisons per level
 * (cheap, the four keys share a cache line).
 *
 * A cancelled event stays in the heap, marked dead; it is skipped and its
 * slot recycled when it reaches the top.  The handle of an event is
 * (generation << 24 | slot), so a stale handle never cancels a newer
 * event that reuses the slot.
 *
 * While a handler runs, its key stays at the root (root_stale), so the
 * first event the handler schedules replaces it in one sift-down.
 */
#include "event.h"
#include "util.h"

#include <stdlib.h>

#define SLOT_BITS	24
#define SLOT_MASK	((1u << SLOT_BITS) - 1)
#define MAX_SLOTS	(1u << SLOT_BITS)
#define SEQ_MAX		(UINT64_MAX >> SLOT_BITS)

struct key {
	uint64_t time;
	uint64_t seqslot;	/* seq << 24 | slot */
};

struct slot {
	ev_fn	 fn;		/* NULL while free or cancelled */
	ev_fin	 fin;
	void	*obj;
	uint64_t a, b;
	uint32_t gen;		/* bumped each time the slot is freed */
	uint32_t next_free;
	int	 background;	/* not counted as work (evq_work) */
};

struct evq {
	void		*ctx;
	struct key	*heap;
	uint32_t	 n, cap;
	struct slot	*slots;
	uint32_t	 nslots, capslots;
	uint32_t	 free_head;	/* UINT32_MAX when empty */
	uint64_t	 seq;
	uint64_t	 now;
	uint64_t	 live;
	uint64_t	 live_background;
	uint64_t	 ran;
	int		 root_stale;	/* heap[0] is the event being run */
	void		(*after)(void *ctx);	/* evq_after(); NULL: none */
};

static void	root_settle(struct evq *);

static inline int
key_less(const struct key *x, const struct key *y)
{
	/* Bitwise, not short-circuit: the compiler can avoid branches that random times would mispredict. */
	return (x->time < y->time) |
	    ((x->time == y->time) & (x->seqslot < y->seqslot));
}

struct evq *
evq_new(void *ctx)
{
	struct evq *q = xcalloc(1, sizeof *q);

	q->ctx = ctx;
	q->free_head = UINT32_MAX;
	return q;
}

void
evq_free(struct evq *q)
{
	if (q == NULL)
		return;
	root_settle(q);
	for (uint32_t i = 0; i < q->n; i++) {
		struct slot *s = &q->slots[q->heap[i].seqslot & SLOT_MASK];

		if (s->fn != NULL && s->fin != NULL)
			s->fin(q->ctx, s->obj, s->a, s->b);
	}
	free(q->heap);
	free(q->slots);
	free(q);
}

static uint32_t
slot_alloc(struct evq *q)
{
	uint32_t i;

	if (q->free_head != UINT32_MAX) {
		i = q->free_head;
		q->free_head = q->slots[i].next_free;
		return i;
	}
	if (q->nslots == q->capslots) {
		uint32_t cap = q->capslots ? q->capslots * 2 : 256;

		if (cap > MAX_SLOTS)
			cap = MAX_SLOTS;
		if (q->nslots == cap)
			fatalx("more than %u pending events", MAX_SLOTS);
		q->slots = xrealloc(q->slots, cap * sizeof *q->slots);
		q->capslots = cap;
	}
	i = q->nslots++;
	q->slots[i].gen = 1;
	return i;
}

static void
slot_release(struct evq *q, uint32_t i)
{
	struct slot *s = &q->slots[i];

	s->fn = NULL;
	s->gen++;
	s->next_free = q->free_head;
	q->free_head = i;
}

static void
heap_push(struct evq *q, struct key k)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 256;
		q->heap = xrealloc(q->heap, q->cap * sizeof *q->heap);
	}
	/* Sift up: move parents down until k's place is found. */
	uint32_t i = q->n++;
	while (i > 0) {
		uint32_t p = (i - 1) / 4;

		if (!key_less(&k, &q->heap[p]))
			break;
		q->heap[i] = q->heap[p];
		i = p;
	}
	q->heap[i] = k;
}

/*
 * Put k at the root and restore the heap.  Floyd's bottom-up variant:
 * walk the hole down to a leaf along the smallest children, then let k
 * climb back up.  A key put at the root is usually one of the largest
 * (the last leaf, or an event scheduled into the future), so it climbs
 * little, and each level costs three comparisons instead of four.
 */
static void
heap_replace_root(struct evq *q, struct key k)
{
	struct key *h = q->heap;
	uint32_t n = q->n, i = 0;

	for (;;) {
		uint32_t c = 4 * i + 1, best = c;

		if (c + 3 < n) {
			/* All four children: a small tournament. */
			uint32_t x = key_less(&h[c + 1], &h[c]) ? c + 1 : c;
			uint32_t y = key_less(&h[c + 3], &h[c + 2]) ? c + 3 :
			    c + 2;
			best = key_less(&h[y], &h[x]) ? y : x;
		} else if (c < n) {
			for (uint32_t j = c + 1; j < n; j++)
				if (key_less(&h[j], &h[best]))
					best = j;
		} else
			break;
		h[i] = h[best];
		i = best;
	}
	while (i > 0) {
		uint32_t p = (i - 1) / 4;

		if (!key_less(&k, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = k;
}

static void
heap_pop(struct evq *q)
{
	struct key last = q->heap[--q->n];

	if (q->n > 0)
		heap_replace_root(q, last);
}

/* The event at the root has run: take its key out now if no handler reused its place. */
static void
root_settle(struct evq *q)
{
	if (q->root_stale) {
		q->root_stale = 0;
		heap_pop(q);
	}
}

ev_id
evq_at(struct evq *q, uint64_t at_ns, ev_fn fn, ev_fin fin, void *obj,
    uint64_t a, uint64_t b)
{
	if (q->seq == SEQ_MAX)
		fatalx("event sequence numbers exhausted");
	return evq_at_seq(q, at_ns, q->seq++, fn, fin, obj, a, b);
}

uint64_t
evq_reserve_seq(struct evq *q, uint64_t n)
{
	uint64_t base = q->seq;

	if (n > SEQ_MAX - q->seq)
		fatalx("event sequence numbers exhausted");
	q->seq += n;
	return base;
}

ev_id
evq_at_seq(struct evq *q, uint64_t at_ns, uint64_t seq, ev_fn fn, ev_fin fin,
    void *obj, uint64_t a, uint64_t b)
{
	if (at_ns < q->now)
		fatalx("event scheduled in the past (%llu < %llu)",
		    (unsigned long long)at_ns, (unsigned long long)q->now);
	uint32_t i = slot_alloc(q);
	struct slot *s = &q->slots[i];

	s->fn = fn;
	s->fin = fin;
	s->obj = obj;
	s->a = a;
	s->b = b;
	s->background = 0;
	struct key k = { at_ns, (seq << SLOT_BITS) | i };
	if (q->root_stale) {
		/*
		 * A handler is scheduling: its own key still sits at the root,
		 * so the new one takes that place with a single sift-down
		 * instead of a pop and a push.  Most handlers schedule one
		 * event, so this halves the heap work per event.
		 */
		q->root_stale = 0;
		heap_replace_root(q, k);
	} else
		heap_push(q, k);
	q->live++;
	return ((uint64_t)s->gen << SLOT_BITS) | i;
}

ev_id
evq_at_background(struct evq *q, uint64_t at_ns, ev_fn fn, ev_fin fin,
    void *obj, uint64_t a, uint64_t b)
{
	ev_id id = evq_at(q, at_ns, fn, fin, obj, a, b);

	q->slots[id & SLOT_MASK].background = 1;
	q->live_background++;
	return id;
}

static struct slot *
slot_of(const struct evq *q, ev_id id)
{
	uint32_t i = (uint32_t)(id & SLOT_MASK);

	if (id == 0 || i >= q->nslots)
		return NULL;
	struct slot *s = &q->slots[i];
	if (s->gen != (uint32_t)(id >> SLOT_BITS) || s->fn == NULL)
		return NULL;
	return s;
}

int
evq_pending(const struct evq *q, ev_id id)
{
	return slot_of(q, id) != NULL;
}

void
evq_cancel(struct evq *q, ev_id id)
{
	struct slot *s = slot_of(q, id);

	if (s == NULL)
		return;
	if (s->fin != NULL)
		s->fin(q->ctx, s->obj, s->a, s->b);
	/*
	 * Only mark it: the key stays in the heap and the slot is released
	 * when the key reaches the top.  Bumping gen now makes the handle
	 * stale at once.
	 */
	s->fn = NULL;
	s->gen++;
	q->live--;
	if (s->background)
		q->live_background--;
}

/*
 * Take every cancelled key out at once and make the rest a heap again
 * (Floyd: sift down each parent, the last first).  The live keys keep
 * their order, so events run as before.
 */
static void
heap_compact(struct evq *q)
{
	struct key *h = q->heap;
	uint32_t m = 0;

	for (uint32_t j = 0; j < q->n; j++) {
		uint32_t i = (uint32_t)(h[j].seqslot & SLOT_MASK);

		if (q->slots[i].fn != NULL) {
			h[m++] = h[j];
			continue;
		}
		/* As heap_top_live() does: gen was bumped at the cancel. */
		q->slots[i].gen--;
		slot_release(q, i);
	}
	q->n = m;
	for (uint32_t p = m > 1 ? (m - 2) / 4 + 1 : 0; p-- > 0; ) {
		struct key k = h[p];
		uint32_t i = p;

		for (;;) {
			uint32_t c = 4 * i + 1, best = c;

			if (c >= m)
				break;
			for (uint32_t j = c + 1; j < c + 4 && j < m; j++)
				if (key_less(&h[j], &h[best]))
					best = j;
			if (!key_less(&h[best], &k))
				break;
			h[i] = h[best];
			i = best;
		}
		h[i] = k;
	}
}

/* Drop dead keys from the top; returns the top slot or NULL. */
static struct key *
heap_top_live(struct evq *q)
{
	root_settle(q);
	/*
	 * A cancelled key waits until it reaches the top, and a timer that
	 * is restarted at every command (a mail session's, minutes ahead)
	 * leaves one per restart: once they outnumber the live keys, they
	 * go all at once, so the heap stays as big as what is pending.
	 */
	if (q->n >= 4096 && q->n > 2 * q->live)
		heap_compact(q);
	while (q->n > 0) {
		uint32_t i = (uint32_t)(q->heap[0].seqslot & SLOT_MASK);

		if (q->slots[i].fn != NULL)
			return &q->heap[0];
		heap_pop(q);
		/* A cancelled slot already had its gen bumped; free it now. */
		q->slots[i].gen--;
		slot_release(q, i);
	}
	return NULL;
}

static void
run_top(struct evq *q, struct key *top)
{
	uint32_t i = (uint32_t)(top->seqslot & SLOT_MASK);
	struct slot *s = &q->slots[i];
	ev_fn fn = s->fn;
	void *obj = s->obj;
	uint64_t a = s->a, b = s->b;

	q->now = top->time;
	if (s->background)
		q->live_background--;
	slot_release(q, i);
	q->live--;
	q->ran++;
	/* The key stays at the root while fn runs; see evq_at(). */
	q->root_stale = 1;
	fn(q->ctx, obj, a, b);
	root_settle(q);
	/* One predictable branch where no hook is set (tests/bench.c). */
	if (q->after != NULL)
		q->after(q->ctx);
}

/*
 * The one loop: the program (sim_run, sim_run_until), the tests and the
 * engine benchmark all run events here.
 */
uint64_t
evq_run(struct evq *q, uint64_t until_ns, int work_only, uint64_t max)
{
	uint64_t ran = 0;
	struct key *top;

	while ((top = heap_top_live(q)) != NULL && top->time <= until_ns) {
		if (ran == max)
			return ran;	/* cut short: the clock stays */
		if (work_only && q->live == q->live_background)
			return ran;	/* only background left: stop here */
		run_top(q, top);
		ran++;
	}
	if (!work_only && until_ns > q->now && until_ns != UINT64_MAX)
		q->now = until_ns;
	return ran;
}

uint64_t
evq_run_until(struct evq *q, uint64_t until_ns)
{
	return evq_run(q, until_ns, 0, UINT64_MAX);
}

void
evq_after(struct evq *q, void (*fn)(void *ctx))
{
	q->after = fn;
}

void
evq_advance(struct evq *q, uint64_t t)
{
	if (evq_next_time(q) < t)
		fatalx("evq_advance past a pending event");
	if (t > q->now)
		q->now = t;
}

int
evq_step(struct evq *q)
{
	struct key *top = heap_top_live(q);

	if (top == NULL)
		return 0;
	run_top(q, top);
	return 1;
}

uint64_t
evq_now(const struct evq *q)
{
	return q->now;
}

uint64_t
evq_next_time(struct evq *q)
{
	struct key *top = heap_top_live(q);

	return top ? top->time : UINT64_MAX;
}

uint64_t
evq_count(const struct evq *q)
{
	return q->live;
}

uint64_t
evq_work(const struct evq *q)
{
	return q->live - q->live_background;
}

uint64_t
evq_ran(const struct evq *q)
{
	return q->ran;
}
