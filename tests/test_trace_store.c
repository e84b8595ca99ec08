/*
 * test_trace_store.c: the trace's packed records (sim/core/trace.c).  A
 * hop record (a frame queued, sent or received) that fits is kept in a
 * 12-byte slot, anything else whole in a side store; either way
 * trace_at() gives back, field by field, what trace_add() was given.
 * Each reason to keep a record whole is tried, then a few hundred
 * thousand random records against a plain array, a lean trace, and a
 * lesson's run, where most records must be slots.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_helpers.h"
#include "sim.h"
#include "trace.h"

static void
assert_rec_eq(const struct trace_rec *got, const struct trace_rec *want,
    size_t i)
{
	ck_assert_msg(got->t == want->t, "record %zu: t", i);
	ck_assert_msg(got->kind == want->kind, "record %zu: kind", i);
	ck_assert_msg(got->dir == want->dir, "record %zu: dir", i);
	ck_assert_msg(got->ttl == want->ttl, "record %zu: ttl", i);
	ck_assert_msg(got->node == want->node, "record %zu: node", i);
	ck_assert_msg(got->peer == want->peer, "record %zu: peer", i);
	ck_assert_msg(got->link == want->link, "record %zu: link", i);
	ck_assert_msg(got->frame == want->frame, "record %zu: frame", i);
	ck_assert_msg(got->a == want->a, "record %zu: a", i);
	ck_assert_msg(got->b == want->b, "record %zu: b", i);
	ck_assert_msg(got->text == want->text, "record %zu: text", i);
	ck_assert_msg(got->say == want->say, "record %zu: say", i);
}

/* Add r; it must read back the same, kept whole (escaped = 1) or not. */
static void
add_check(struct trace *tr, struct trace_rec r, int escaped)
{
	size_t esc = trace_escaped(tr);
	uint32_t i = trace_add(tr, &r);
	struct trace_rec got = trace_at(tr, i);

	assert_rec_eq(&got, &r, i);
	ck_assert_msg(trace_escaped(tr) == esc + (size_t)escaped,
	    "record %u: kept whole %zu, expected %d", i,
	    trace_escaped(tr) - esc, escaped);
}

/* A hop on link li between ends a and b (dir 0: a -> b), as net.c writes it. */
static struct trace_rec
hop(enum trace_kind k, uint64_t t, int li, int a, int b, int dir,
    uint32_t say)
{
	int from = dir ? b : a, to = dir ? a : b;

	return (struct trace_rec){ .t = t, .kind = (uint16_t)k,
	    .dir = (uint8_t)dir, .ttl = 64, .link = li,
	    .node = k == TR_FRAME_RX ? to : from,
	    .peer = k == TR_FRAME_RX ? from : to,
	    .frame = (uint32_t)t, .say = say };
}

START_TEST(test_store_hops_fit)
{
	struct trace *tr = trace_new();
	uint32_t q = trace_say_key(tr, "frame.queued");
	uint32_t x = trace_say_key(tr, "frame.tx");
	uint32_t rx = trace_say_key(tr, "frame.rx");

	for (int dir = 0; dir < 2; dir++) {
		uint64_t t = 10 + 3 * (uint64_t)dir;

		add_check(tr, hop(TR_FRAME_QUEUED, t, 3, 1, 2, dir, q), 0);
		add_check(tr, hop(TR_FRAME_TX, t + 1, 3, 1, 2, dir, x), 0);
		add_check(tr, hop(TR_FRAME_RX, t + 2, 3, 1, 2, dir, rx), 0);
	}
	struct trace_rec r = hop(TR_FRAME_TX, 16, 3, 1, 2, 1, x);

	r.a = 1;		/* node created it */
	r.ttl = 255;		/* every TTL fits: 8 bits of 8 */
	add_check(tr, r, 0);
	r.ttl = 0;
	r.frame = TRACE_NONE - 1;
	add_check(tr, r, 0);
	/* No say at all, the largest link that fits, node -1 at an end. */
	add_check(tr, hop(TR_FRAME_TX, 17, 16383, -1, 7, 0, 0), 0);
	add_check(tr, hop(TR_FRAME_RX, 18, 16383, -1, 7, 0, 0), 0);
	/* 2^32 - 1 ns after the block's first record still fits. */
	add_check(tr, hop(TR_FRAME_RX, 10 + (uint64_t)UINT32_MAX, 3, 1, 2,
	    0, rx), 0);
	ck_assert_uint_eq(trace_escaped(tr), 0);
	ck_assert_uint_eq(trace_rec_bytes(tr), trace_count(tr) * 12 + 8);
	trace_free(tr);
}
END_TEST

START_TEST(test_store_escapes)
{
	struct trace *tr = trace_new();
	uint32_t x = trace_say_key(tr, "frame.tx");
	struct trace_rec r;
	struct say y;

	add_check(tr, hop(TR_FRAME_TX, 0, 0, 1, 2, 0, x), 0);	/* the block's base: 0 */
	/* Too far from the block's base. */
	add_check(tr, hop(TR_FRAME_TX, (uint64_t)1 << 32, 0, 1, 2, 0, x), 1);
	/* Ends other than the link's first hop said: node, then peer. */
	add_check(tr, hop(TR_FRAME_TX, 1ull << 32, 0, 5, 2, 0, x), 1);
	add_check(tr, hop(TR_FRAME_RX, 1ull << 32, 0, 1, 5, 0, x), 1);
	/* The same ends the other way round is the other dir, not this one. */
	r = hop(TR_FRAME_TX, 1ull << 32, 0, 1, 2, 0, x);
	r.dir = 1;
	add_check(tr, r, 1);
	/* a > 1, text, b, a dir that is not 0 or 1. */
	r = hop(TR_FRAME_TX, 1ull << 32, 0, 1, 2, 0, x);
	r.a = 2;
	add_check(tr, r, 1);
	r.a = 0;
	r.text = trace_text(tr, "hello", 5);
	add_check(tr, r, 1);
	r.text = 0;
	r.b = 1;
	add_check(tr, r, 1);
	r.b = 0;
	r.dir = 2;
	add_check(tr, r, 1);
	/* A say with arguments, and a say that is no key at all. */
	say_begin(&y, "frame.tx");
	say_num(&y, "n", 1);
	r = hop(TR_FRAME_TX, 1ull << 32, 0, 1, 2, 0, trace_say_put(tr, &y));
	add_check(tr, r, 1);
	r.say = x + 1;
	add_check(tr, r, 1);
	/* A link past the bits, and no link. */
	add_check(tr, hop(TR_FRAME_TX, 1ull << 32, 16384, 1, 2, 0, x), 1);
	add_check(tr, hop(TR_FRAME_TX, 1ull << 32, -1, 1, 2, 0, x), 1);
	/* Every kind that is not a hop, with every field set. */
	for (int k = TR_FRAME_DROP; k < TR_NKINDS; k++) {
		r = (struct trace_rec){ .t = 1ull << 33, .kind = (uint16_t)k,
		    .dir = 1, .ttl = 9, .node = 4, .peer = 5, .link = 0,
		    .frame = 6, .a = 7, .b = 8,
		    .text = trace_text(tr, "t", 1), .say = x };
		add_check(tr, r, 1);
	}
	ck_assert_uint_eq(trace_escaped(tr), 12 + TR_NKINDS - TR_FRAME_DROP);
	/* Too far from this block's base until the next block begins... */
	while (trace_count(tr) % 64 != 0)
		add_check(tr, hop(TR_FRAME_RX, 1ull << 33, 0, 1, 2, 0, x), 1);
	/* ...which begins at its first record: a slot again. */
	add_check(tr, hop(TR_FRAME_RX, 1ull << 33, 0, 1, 2, 0, x), 0);
	add_check(tr, hop(TR_FRAME_TX, 1ull << 33, 0, 1, 2, 1, x), 0);
	/* Everything again, from the start, now that the store grew. */
	for (size_t i = 1; i < trace_count(tr); i++)
		ck_assert_uint_ge(trace_at(tr, i).t, trace_at(tr, i - 1).t);
	trace_free(tr);
}
END_TEST

/* Distinct addresses: trace_say_key() remembers a key by its address. */
static char many_keys[70][24];

START_TEST(test_store_say_index_bits)
{
	struct trace *tr = trace_new();
	uint32_t say[70];

	for (int k = 0; k < 70; k++) {
		snprintf(many_keys[k], sizeof many_keys[k], "frame.k%d", k);
		say[k] = trace_say_key(tr, many_keys[k]);
	}
	/* 63 keys have a small index (6 bits, 0 = none); the rest do not. */
	for (int k = 0; k < 70; k++)
		add_check(tr, hop(TR_FRAME_TX, (uint64_t)k, 1, 0, 1, 0,
		    say[k]), k >= 63);
	/* Asked again, the same offset and the same index. */
	ck_assert_uint_eq(trace_say_key(tr, many_keys[5]), say[5]);
	add_check(tr, hop(TR_FRAME_TX, 70, 1, 0, 1, 0, say[5]), 0);
	trace_free(tr);
}
END_TEST

/* xorshift64*: the same records every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* n random records, most of them hops that fit, into tr and want[]. */
static void
random_records(struct trace *tr, struct trace_rec *want, size_t n,
    uint64_t seed)
{
	static const char *keys[] = { "frame.queued", "frame.tx", "frame.rx",
	    "frame.rx.arrived" };
	uint32_t says[4];
	uint64_t t = 0, s = seed;

	for (int k = 0; k < 4; k++)
		says[k] = trace_say_key(tr, keys[k]);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = rnd(&s);
		struct trace_rec r;

		/* Mostly small steps; now and then seconds, or minutes. */
		t += v % 5000 == 0 ? rnd(&s) % (60ull << 30) : rnd(&s) % 50000;
		v = rnd(&s);
		if (v % 10 < 8) {
			int li = (int)((v >> 8) % 40);
			int dir = (int)(v >> 16) & 1;

			r = hop((enum trace_kind)((v >> 20) % 3), t, li, li,
			    li + 1, dir, says[(v >> 24) % 4]);
			r.frame = (uint32_t)rnd(&s);
			r.ttl = (uint8_t)(v >> 32);
			r.a = r.kind == TR_FRAME_TX ? (uint32_t)(v >> 40) & 1 : 0;
			switch ((v >> 44) % 64) {
			case 0:	r.node = (int32_t)((v >> 50) % 50); break;
			case 1:	r.peer = -1; break;
			case 2:	r.text = trace_text(tr, "x", 1); break;
			case 3:	r.b = 1; break;
			case 4:	r.a = 3; break;
			case 5:	r.link = 20000; break;
			case 6:	r.say = 0; break;
			}
		} else {
			r = (struct trace_rec){ .t = t,
			    .kind = (uint16_t)(TR_FRAME_DROP + v % (TR_NKINDS -
			    TR_FRAME_DROP)), .dir = (uint8_t)(v >> 8),
			    .ttl = (uint8_t)(v >> 16),
			    .node = (int32_t)((v >> 24) % 99), .peer = -1,
			    .link = (int32_t)((v >> 32) % 7) - 1,
			    .frame = (uint32_t)rnd(&s), .a = (uint32_t)rnd(&s),
			    .b = (uint32_t)rnd(&s), .say = says[v % 4] };
		}
		want[i] = r;
		ck_assert_uint_eq(trace_add(tr, &r), i);
	}
}

START_TEST(test_store_random)
{
	size_t n = 300000;
	struct trace_rec *want = calloc(n, sizeof *want);
	struct trace *tr = trace_new();

	ck_assert_ptr_nonnull(want);
	random_records(tr, want, n, 0x5eedf00dull);
	ck_assert_uint_eq(trace_count(tr), n);
	for (size_t i = 0; i < n; i++) {
		struct trace_rec got = trace_at(tr, i);

		assert_rec_eq(&got, &want[i], i);
	}
	/* And in no order at all. */
	uint64_t s = 42;
	for (size_t k = 0; k < 100000; k++) {
		size_t i = (size_t)(rnd(&s) % n);
		struct trace_rec got = trace_at(tr, i);

		assert_rec_eq(&got, &want[i], i);
	}
	/* 80 % hops, 1 in 64 of them spoiled, a link or two poisoned, jumps in time. */
	ck_assert_uint_lt(trace_escaped(tr), n * 45 / 100);
	ck_assert_uint_gt(trace_escaped(tr), n * 20 / 100);
	ck_assert_uint_eq(trace_rec_bytes(tr), n * 12 + (n + 63) / 64 * 8 +
	    trace_escaped(tr) * sizeof(struct trace_rec));
	ck_assert_uint_ge(trace_bytes_used(tr), trace_rec_bytes(tr));
	trace_free(tr);
	free(want);
}
END_TEST

/* The first record at or after a time, by binary search over the slots' times. */
START_TEST(test_store_first_at)
{
	struct trace *tr = trace_new();
	static const uint64_t t[] = { 5, 5, 7, 10, 10, (uint64_t)1 << 40 };

	ck_assert_uint_eq(trace_first_at(tr, 0), 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		trace_add(tr, &(struct trace_rec){ .t = t[i], .kind = TR_APP,
		    .node = 0, .peer = 1, .link = -1, .frame = TRACE_NONE });
	ck_assert_uint_eq(trace_first_at(tr, 0), 0);
	ck_assert_uint_eq(trace_first_at(tr, 5), 0);
	ck_assert_uint_eq(trace_first_at(tr, 6), 2);
	ck_assert_uint_eq(trace_first_at(tr, 10), 3);
	ck_assert_uint_eq(trace_first_at(tr, 11), 5);
	ck_assert_uint_eq(trace_first_at(tr, ((uint64_t)1 << 40) + 1), 6);
	trace_free(tr);
}
END_TEST

START_TEST(test_store_lean)
{
	size_t n = 50000, m = 0;
	struct trace_rec *all = calloc(n, sizeof *all);
	struct trace *tr = trace_new();
	struct trace *whole = trace_new();

	ck_assert_ptr_nonnull(all);
	/* Hops and TR_APP kept, TR_STATE only where it is a delivery. */
	trace_keep_only(tr, 1u << TR_FRAME_TX | 1u << TR_FRAME_RX |
	    1u << TR_APP, 1u << ST_DELIVERY);
	random_records(whole, all, n, 7);
	for (size_t i = 0; i < n; i++) {
		struct trace_rec r = all[i];

		/* Its own copy of the keys and texts: offsets are per trace. */
		r.say = r.say ? trace_say_key(tr, "frame.tx") : 0;
		r.text = 0;
		all[i] = r;
		trace_add(tr, &r);
	}
	ck_assert_uint_eq(trace_added(tr), n);
	for (size_t i = 0; i < n; i++) {
		struct trace_rec r = all[i];
		int keep = r.kind == TR_FRAME_TX || r.kind == TR_FRAME_RX ||
		    r.kind == TR_APP ||
		    (r.kind == TR_STATE && r.a == ST_DELIVERY);

		if (!keep)
			continue;
		if (r.kind == TR_APP)
			r.say = 0;	/* a lean TR_APP drops its say */
		ck_assert_uint_lt(m, trace_count(tr));
		struct trace_rec got = trace_at(tr, m);
		assert_rec_eq(&got, &r, m);
		m++;
	}
	ck_assert_uint_eq(m, trace_count(tr));
	ck_assert_uint_lt(m, n);
	trace_free(tr);
	trace_free(whole);
	free(all);
}
END_TEST

/* A reader past the end is a bug: the program stops. */
START_TEST(test_store_past_end)
{
	struct trace *tr = trace_new();

	add_check(tr, hop(TR_FRAME_TX, 0, 0, 1, 2, 0, 0), 0);
	(void)trace_at(tr, 1);
}
END_TEST

/*
 * A lesson's run: most of its records are hops that fit.  Measured:
 * default.json, 4,033 records, 638 kept whole (515 are not hops, 123
 * hops come after a quiet gap of more than 4.3 s in their block): 19.7
 * bytes a record; 60 if every record were kept whole.
 */
START_TEST(test_store_lesson_bytes)
{
	struct test_run run = test_run_file("scenarios/default.json");
	const struct trace *tr = sim_trace(run.sim);
	size_t n = trace_count(tr);
	double per = (double)trace_rec_bytes(tr) / (double)n;

	ck_assert_uint_gt(n, 3000);
	ck_assert_msg(per < 21.0, "%.1f bytes a record, %zu of %zu kept whole",
	    per, trace_escaped(tr), n);
	test_run_free(&run);
}
END_TEST

Suite *
trace_store_suite(void)
{
	Suite *s = suite_create("trace_store");
	TCase *tc = tcase_create("trace_store");
	const char *fork = getenv("CK_FORK");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_store_hops_fit);
	tcase_add_test(tc, test_store_escapes);
	tcase_add_test(tc, test_store_say_index_bits);
	tcase_add_test(tc, test_store_random);
	tcase_add_test(tc, test_store_lean);
	tcase_add_test(tc, test_store_lesson_bytes);
	tcase_add_test(tc, test_store_first_at);
	/* Only where each test has its own process (not CK_FORK=no). */
	if (fork == NULL || strcmp(fork, "no") != 0)
		tcase_add_test_raise_signal(tc, test_store_past_end, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
