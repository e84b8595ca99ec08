/*
 * test_lean.c: a lean trace (trace_keep_only(), sim_keep_for()), what a
 * headless `surel run --summary --transcript` keeps: the same summary and
 * transcript as the whole trace, the same count of records, far fewer
 * records and bytes held, and the text of the records it keeps intact.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "helpers.h"
#include "sim.h"
#include "trace.h"

struct lean_run {
	struct scenario	*sc;
	struct sim	*sim;
	struct buf	 summary, transcript;
};

/* mode 0: the whole trace; 1: summary and transcript; 2: summary only. */
static struct lean_run
lean_run(const char *path, int mode)
{
	struct lean_run r = { 0 };
	struct sc_errors errs = { 0 };
	size_t len;
	char *text = test_slurp(path, &len);

	ck_assert_msg(text != NULL, "cannot read %s", path);
	r.sc = scenario_load(text, len, path, &errs);
	ck_assert_msg(r.sc != NULL, "%s: %s", path, errs.n ? errs.msg[0] : "?");
	free(text);
	r.sim = sim_new(r.sc, r.sc->seed);
	if (mode > 0)
		sim_keep_for(r.sim, mode == 1);
	sim_run(r.sim);
	export_summary(r.sim, &r.summary);
	export_transcript(r.sim, &r.transcript);
	return r;
}

static void
lean_free(struct lean_run *r)
{
	buf_free(&r->summary);
	buf_free(&r->transcript);
	sim_free(r->sim);
	scenario_free(r->sc);
}

static int
bufs_equal(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

/* Scenarios with relays, bounces, POP3 and IMAP, loss and retransmission. */
static const char *const files[] = {
	"scenarios/05-relay-hops.json",
	"scenarios/06-unknown-user.json",
	"scenarios/08b-imap-two-devices.json",
	"scenarios/11-backup-mx.json",
	"scenarios/14-lossy-link.json",
};

START_TEST(test_lean_same_outputs)
{
	struct lean_run full = lean_run(files[_i], 0);
	struct lean_run lean = lean_run(files[_i], 1);
	struct lean_run bare = lean_run(files[_i], 2);
	const struct trace *ft = sim_trace(full.sim);
	const struct trace *lt = sim_trace(lean.sim);
	const struct trace *bt = sim_trace(bare.sim);

	ck_assert_msg(bufs_equal(&full.summary, &lean.summary),
	    "%s: the lean summary differs", files[_i]);
	ck_assert_msg(bufs_equal(&full.summary, &bare.summary),
	    "%s: the summary-only summary differs", files[_i]);
	ck_assert_msg(bufs_equal(&full.transcript, &lean.transcript),
	    "%s: the lean transcript differs", files[_i]);
	ck_assert_uint_gt(full.transcript.len, 0);
	/* Summary only: no TR_APP kept, so no transcript lines. */
	ck_assert_uint_eq(bare.transcript.len, 0);
	/* Every record is counted, few are stored. */
	ck_assert_uint_eq(trace_added(ft), trace_count(ft));
	ck_assert_uint_eq(trace_added(lt), trace_added(ft));
	ck_assert_uint_eq(trace_added(bt), trace_added(ft));
	ck_assert_uint_lt(trace_count(lt) * 4, trace_count(ft));
	ck_assert_uint_lt(trace_count(bt), trace_count(lt));
	for (size_t i = 0; i < trace_count(lt); i++) {
		const struct trace_rec r = trace_at(lt, i);

		ck_assert(r.kind == TR_APP || (r.kind == TR_STATE &&
		    r.a == ST_QUEUE_ADD));
	}
	ck_assert_uint_le(trace_bytes_used(lt), trace_bytes_used(ft));
	lean_free(&full);
	lean_free(&lean);
	lean_free(&bare);
}
END_TEST

/* Records past one chunk (32,768) keep their place and their text. */
START_TEST(test_lean_chunks_and_text)
{
	struct trace *tr = trace_new();
	const size_t n = 100000;

	trace_keep_only(tr, 1u << TR_APP, 0);
	for (size_t i = 0; i < n; i++) {
		char s[32];
		int k = snprintf(s, sizeof s, "line %zu", i);
		/* Text for a record let go, then one kept. */
		struct trace_rec drop = { .t = i, .kind = TR_FRAME_TX,
		    .text = trace_text(tr, "gone gone gone", 14) };
		trace_add(tr, &drop);
		struct trace_rec keep = { .t = i, .kind = TR_APP,
		    .text = trace_text(tr, s, (size_t)k) };
		ck_assert_uint_eq(trace_add(tr, &keep), 2 * i + 1);
	}
	ck_assert_uint_eq(trace_added(tr), 2 * n);
	ck_assert_uint_eq(trace_count(tr), n);
	const struct trace_rec first = trace_at(tr, 0);
	for (size_t i = 0; i < n; i += 997) {
		char s[32];

		snprintf(s, sizeof s, "line %zu", i);
		ck_assert_str_eq(trace_text_at(tr, trace_at(tr, i).text), s);
		ck_assert_uint_eq(trace_at(tr, i).t, i);
	}
	/* The first record reads the same after the store grew. */
	ck_assert_uint_eq(trace_at(tr, 0).text, first.text);
	ck_assert_uint_eq(trace_at(tr, 0).kind, first.kind);
	trace_free(tr);
}
END_TEST

/*
 * Without bytes kept, a chunk of frames goes with its bytes once every
 * frame in it is done; frames in flight and the last chunk stay, and
 * everything stays where bytes are kept.
 */
START_TEST(test_lean_frames_let_go)
{
	size_t used[2];

	for (int keep = 0; keep <= 1; keep++) {
		struct trace *tr = trace_new();
		const uint32_t n = 200000;

		trace_keep_bytes(tr, keep);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t f = trace_frame_new(tr, i, 0, 60);

			ck_assert_uint_eq(f, i);
			trace_frame_wbytes(tr, f)[0] = (uint8_t)i;
			/* Frame 70,000 is still on its way. */
			if (i != 70000)
				trace_frame_done(tr, f);
		}
		ck_assert_uint_eq(trace_frame_count(tr), n);
		if (keep)
			ck_assert_ptr_nonnull(trace_frame(tr, 0));
		else
			ck_assert_ptr_null(trace_frame(tr, 0));
		ck_assert_ptr_nonnull(trace_frame(tr, 70000));
		ck_assert_uint_eq(trace_frame(tr, 70000)->len, 60);
		ck_assert_uint_eq(trace_frame_bytes(tr, 70000)[0],
		    (uint8_t)70000);
		ck_assert_ptr_nonnull(trace_frame(tr, n - 1));
		ck_assert_uint_eq(trace_frame_bytes(tr, n - 1)[0],
		    (uint8_t)(n - 1));
		used[keep] = trace_bytes_used(tr);
		trace_free(tr);
	}
	/* Kept: 12 MB of bytes and 4 chunks of frames; let go: 2 of each. */
	ck_assert_uint_lt(used[0] * 3, used[1] * 2);
}
END_TEST

Suite *
lean_suite(void)
{
	Suite *s = suite_create("lean");
	TCase *tc = tcase_create("lean");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_lean_same_outputs, 0,
	    (int)(sizeof files / sizeof *files));
	tcase_add_test(tc, test_lean_chunks_and_text);
	tcase_add_test(tc, test_lean_frames_let_go);
	suite_add_tcase(s, tc);
	return s;
}
