/*
 * test_engine.c: the event queue (ordering, ties, cancel, finalizers,
 * slot reuse) and the seeded generator (repeatable, independent streams).
 */
#include <check.h>
#include <stdlib.h>

#include "event.h"
#include "util.h"

struct log {
	int	 order[64];
	uint64_t when[64];
	int	 n;
	int	 fin;
};

static void
rec(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct log *l = ctx;

	(void)obj;
	(void)b;
	l->order[l->n] = (int)a;
	l->when[l->n] = 0;
	l->n++;
}

static void
fin(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct log *l = ctx;

	(void)obj;
	(void)a;
	(void)b;
	l->fin++;
}

START_TEST(test_time_then_sequence)
{
	struct log l = { 0 };
	struct evq *q = evq_new(&l);

	/* Scheduled out of time order, with three ties at t=50. */
	evq_at(q, 100, rec, NULL, NULL, 0, 0);
	evq_at(q, 50, rec, NULL, NULL, 1, 0);
	evq_at(q, 50, rec, NULL, NULL, 2, 0);
	evq_at(q, 10, rec, NULL, NULL, 3, 0);
	evq_at(q, 50, rec, NULL, NULL, 4, 0);
	ck_assert_uint_eq(evq_count(q), 5);
	ck_assert_uint_eq(evq_run_until(q, 60), 4);
	ck_assert_int_eq(l.n, 4);
	ck_assert_int_eq(l.order[0], 3);
	ck_assert_int_eq(l.order[1], 1);
	ck_assert_int_eq(l.order[2], 2);
	ck_assert_int_eq(l.order[3], 4);
	ck_assert_uint_eq(evq_now(q), 60);
	ck_assert_uint_eq(evq_next_time(q), 100);
	ck_assert_uint_eq(evq_run_until(q, UINT64_MAX), 1);
	ck_assert_int_eq(l.order[4], 0);
	ck_assert_uint_eq(evq_now(q), 100);
	evq_free(q);
}
END_TEST

START_TEST(test_cancel_and_finalizer)
{
	struct log l = { 0 };
	struct evq *q = evq_new(&l);

	ev_id a = evq_at(q, 5, rec, fin, NULL, 1, 0);
	ev_id b = evq_at(q, 6, rec, fin, NULL, 2, 0);
	evq_at(q, 7, rec, fin, NULL, 3, 0);
	ck_assert(evq_pending(q, a));
	evq_cancel(q, a);
	ck_assert(!evq_pending(q, a));
	ck_assert_int_eq(l.fin, 1);
	evq_cancel(q, a);		/* twice: ignored */
	ck_assert_int_eq(l.fin, 1);
	ck_assert_uint_eq(evq_count(q), 2);
	ck_assert_uint_eq(evq_run_until(q, 6), 1);
	ck_assert_int_eq(l.order[0], 2);
	ck_assert(!evq_pending(q, b));
	evq_cancel(q, b);		/* already ran: ignored */
	ck_assert_int_eq(l.fin, 1);

	/* A new event reuses a slot; the stale handle must not touch it. */
	ev_id c = evq_at(q, 8, rec, fin, NULL, 4, 0);
	evq_cancel(q, a);
	evq_cancel(q, b);
	ck_assert(evq_pending(q, c));
	evq_free(q);			/* runs the finalizers of 3 and 4 */
	ck_assert_int_eq(l.fin, 3);
}
END_TEST

struct selfcancel {
	struct evq *q;
	ev_id	 other;
	int	 ran;
};

static void
cancel_other(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct selfcancel *sc = ctx;

	(void)obj;
	(void)a;
	(void)b;
	sc->ran++;
	evq_cancel(sc->q, sc->other);
}

START_TEST(test_handler_cancels_same_time)
{
	struct selfcancel sc = { 0 };

	sc.q = evq_new(&sc);
	evq_at(sc.q, 10, cancel_other, NULL, NULL, 0, 0);
	sc.other = evq_at(sc.q, 10, cancel_other, NULL, NULL, 0, 0);
	evq_run_until(sc.q, 100);
	ck_assert_int_eq(sc.ran, 1);
	evq_free(sc.q);
}
END_TEST

/* Many events at random times, some cancelled, come out sorted by (time, seq). */
struct order {
	struct evq	*q;
	uint64_t	 last_t, last_seq;
	int		 bad, ran;
};

static void
check_order(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct order *o = ctx;
	uint64_t t = evq_now(o->q);

	(void)obj;
	/* a: the time it was scheduled for, b: its scheduling order */
	if (t != a || t < o->last_t || (t == o->last_t && b < o->last_seq))
		o->bad++;
	o->last_t = t;
	o->last_seq = b;
	o->ran++;
}

START_TEST(test_heap_order_random)
{
	struct order o = { 0 };
	struct rng r;
	static ev_id ids[20000];
	int cancelled = 0;

	o.q = evq_new(&o);
	rng_seed(&r, 42);
	for (int i = 0; i < 20000; i++) {
		uint64_t t = rng_upto(&r, 500);	/* many ties */

		ids[i] = evq_at(o.q, t, check_order, NULL, NULL, t, (uint64_t)i);
	}
	for (int i = 0; i < 20000; i += 7) {
		evq_cancel(o.q, ids[i]);
		cancelled++;
	}
	evq_run_until(o.q, UINT64_MAX);
	ck_assert_int_eq(o.bad, 0);
	ck_assert_int_eq(o.ran, 20000 - cancelled);
	ck_assert_uint_eq(evq_count(o.q), 0);
	evq_free(o.q);
}
END_TEST

/*
 * Most keys cancelled (a restarted timer leaves one per restart): the
 * heap is compacted when they outnumber the live ones, and the live
 * events still run in (time, seq) order, new ones scheduled between.
 */
START_TEST(test_heap_compacted_order)
{
	struct order o = { 0 };
	struct rng r;
	static ev_id ids[40000];
	int live = 0;

	o.q = evq_new(&o);
	rng_seed(&r, 7);
	for (int i = 0; i < 20000; i++) {
		uint64_t t = 1000 + rng_upto(&r, 5000);

		ids[i] = evq_at(o.q, t, check_order, NULL, NULL, t, (uint64_t)i);
	}
	for (int i = 0; i < 20000; i++)
		if (i % 7 != 0)
			evq_cancel(o.q, ids[i]);
		else
			live++;
	evq_run_until(o.q, 3000);
	/* A second wave into a heap compacted once, cancelled again. */
	for (int i = 20000; i < 40000; i++) {
		uint64_t t = 3000 + rng_upto(&r, 5000);

		ids[i] = evq_at(o.q, t, check_order, NULL, NULL, t, (uint64_t)i);
	}
	for (int i = 20000; i < 40000; i++)
		if (i % 5 != 0)
			evq_cancel(o.q, ids[i]);
		else
			live++;
	evq_run_until(o.q, UINT64_MAX);
	ck_assert_int_eq(o.bad, 0);
	ck_assert_int_eq(o.ran, live);
	ck_assert_uint_eq(evq_count(o.q), 0);
	evq_free(o.q);
}
END_TEST

START_TEST(test_rng_streams)
{
	struct rng a, b, c;

	rng_derive(&a, 7, RNG_LINK_LOSS, 0);
	rng_derive(&b, 7, RNG_LINK_LOSS, 0);
	rng_derive(&c, 7, RNG_LINK_LOSS, 1);
	int same_ab = 0, same_ac = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c);

		same_ab += x == y;
		same_ac += x == z;
	}
	ck_assert_int_eq(same_ab, 1000);	/* same seed, same stream */
	ck_assert_int_eq(same_ac, 0);		/* another link, another stream */

	/* A known value pins the generator: changing it changes every pcap. */
	struct rng r;
	rng_seed(&r, 1);
	ck_assert_uint_eq(rng_next(&r), 0xb3f2af6d0fc710c5ULL);

	/* rng_unit: in [0, 1), mean near 1/2. */
	double sum = 0;
	for (int i = 0; i < 100000; i++) {
		double u = rng_unit(&r);

		ck_assert(u >= 0.0 && u < 1.0);
		sum += u;
	}
	ck_assert(sum / 100000 > 0.49 && sum / 100000 < 0.51);
}
END_TEST

START_TEST(test_background_events_are_not_work)
{
	struct log l = { 0 };
	struct evq *q = evq_new(&l);

	evq_at(q, 10, rec, NULL, NULL, 1, 0);
	ev_id bg = evq_at_background(q, 1000, rec, NULL, NULL, 2, 0);
	ev_id bg2 = evq_at_background(q, 2000, rec, NULL, NULL, 3, 0);
	ck_assert_uint_eq(evq_count(q), 3);
	ck_assert_uint_eq(evq_work(q), 1);
	evq_cancel(q, bg2);
	ck_assert_uint_eq(evq_count(q), 2);
	ck_assert_uint_eq(evq_work(q), 1);
	evq_run_until(q, 100);
	ck_assert_uint_eq(evq_work(q), 0);
	ck_assert_uint_eq(evq_count(q), 1);
	ck_assert(evq_pending(q, bg));
	evq_run_until(q, UINT64_MAX);		/* it still runs when asked */
	ck_assert_int_eq(l.n, 2);
	ck_assert_int_eq(l.order[1], 2);
	ck_assert_uint_eq(evq_count(q), 0);
	evq_free(q);
}
END_TEST

Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_time_then_sequence);
	tcase_add_test(tc, test_cancel_and_finalizer);
	tcase_add_test(tc, test_handler_cancels_same_time);
	tcase_add_test(tc, test_heap_order_random);
	tcase_add_test(tc, test_heap_compacted_order);
	tcase_add_test(tc, test_rng_streams);
	tcase_add_test(tc, test_background_events_are_not_work);
	suite_add_tcase(s, tc);
	return s;
}
