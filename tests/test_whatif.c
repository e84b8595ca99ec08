/*
 * test_whatif.c: what-ifs (issue 14): actions added to a scenario
 * (scenario_load_adds(), `surel run --add`), the actions a what-if
 * needs beyond SPEC's (dns, password, a link's loss), the past that
 * stays byte for byte the same before the added action, and the two
 * futures compared (compare.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "helpers.h"
#include "run_helpers.h"
#include "sim.h"

/* How many records have narration key key. */
static int
count_key(const struct sim *s, const char *key)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++)
		if (strcmp(narrate_key(s, i), key) == 0)
			n++;
	return n;
}

/* ---- the past stays the same ------------------------------------- */

static const struct {
	const char *file, *add;
	uint64_t t_ns, until_ns;
} forks[] = {
	/* A server off: the backup MX goes down while the mail waits. */
	{ "scenarios/11-backup-mx.json",
	  "{\"at_ms\": 5000, \"node\": \"mx2-penerima\", \"power\": \"off\"}",
	  5000 * SIM_MS, 600 * SIM_SEC },
	/* A link cut in the middle of the transfer. */
	{ "scenarios/04-dns-mx.json",
	  "{\"at_ms\": 300, \"link\": [\"isp-pengirim\", \"internet\"], "
	  "\"state\": \"down\"}", 300 * SIM_MS, 600 * SIM_SEC },
	/* A new mail after the first. */
	{ "scenarios/04-dns-mx.json",
	  "{\"at_ms\": 400, \"node\": \"laptop-pengirim\", \"send\": {"
	  "\"from\": \"pengirim@pengirimmail.com\", \"to\": "
	  "[\"penerima@penerimamail.com\"], \"subject\": \"Lagi\", "
	  "\"via\": \"mail-pengirim\", \"auth\": {\"user\": \"pengirim\", "
	  "\"password\": \"rahasia\"}}}", 400 * SIM_MS, 0 },
	/* A record removed while the first lookups are done. */
	{ "scenarios/11-backup-mx.json",
	  "{\"at_ms\": 1200, \"dns\": \"remove\", \"node\": \"dns\", "
	  "\"record\": {\"name\": \"mx2.penerimamail.com\", \"type\": \"A\", "
	  "\"address\": \"10.2.0.26\"}}", 1200 * SIM_MS, 600 * SIM_SEC },
};

START_TEST(test_fork_past_identical)
{
	const char *adds[1] = { forks[_i].add };
	struct test_run ra = test_run_adds(forks[_i].file, NULL, 0,
	    forks[_i].until_ns);
	struct test_run rb = test_run_adds(forks[_i].file, adds, 1,
	    forks[_i].until_ns);
	struct sim *sa = ra.sim, *sb = rb.sim;
	const struct trace *ta = sim_trace(sa), *tb = sim_trace(sb);
	uint64_t T = forks[_i].t_ns;
	size_t n = 0, frames = 0;

	/* Every record before T, field by field, and its frame's bytes. */
	for (size_t i = 0; i < trace_count(ta); i++) {
		const struct trace_rec x = trace_at(ta, i);

		if (x.t >= T)
			break;
		ck_assert_uint_lt(i, trace_count(tb));
		const struct trace_rec y = trace_at(tb, i);
		ck_assert_uint_eq(x.t, y.t);
		ck_assert_uint_eq(x.kind, y.kind);
		ck_assert_int_eq(x.node, y.node);
		ck_assert_int_eq(x.peer, y.peer);
		ck_assert_int_eq(x.link, y.link);
		ck_assert_uint_eq(x.frame, y.frame);
		ck_assert_uint_eq(x.a, y.a);
		ck_assert_uint_eq(x.b, y.b);
		ck_assert_uint_eq(x.dir, y.dir);
		ck_assert_uint_eq(x.ttl, y.ttl);
		ck_assert_str_eq(narrate_key(sa, i), narrate_key(sb, i));
		if (x.frame != TRACE_NONE) {
			const struct trace_frame *fx = trace_frame(ta, x.frame);
			const struct trace_frame *fy = trace_frame(tb, y.frame);

			ck_assert_uint_eq(fx->len, fy->len);
			ck_assert_int_eq(memcmp(trace_frame_bytes(ta, x.frame),
			    trace_frame_bytes(tb, y.frame), fx->len), 0);
			frames++;
		}
		n++;
	}
	/* The past was not empty, and the record just after is the same or later. */
	ck_assert_uint_gt(n, 10);
	ck_assert_uint_gt(frames, 0);
	ck_assert_uint_ge(trace_at(tb, n).t, T);
	/* And the future changed. */
	int same = trace_count(ta) == trace_count(tb);
	for (size_t i = n; same && i < trace_count(ta); i++)
		same = trace_at(ta, i).t == trace_at(tb, i).t &&
		    trace_at(ta, i).kind == trace_at(tb, i).kind;
	ck_assert_msg(!same, "the what-if %d changed nothing", _i);
	test_run_free(&ra);
	test_run_free(&rb);
}
END_TEST

/* ---- the new action kinds ---------------------------------------- */

START_TEST(test_dns_remove_mx)
{
	const char *adds[] = { "{\"at_ms\": 0, \"dns\": \"remove\", "
	    "\"node\": \"dns\", \"record\": {\"name\": \"penerimamail.com\", "
	    "\"type\": \"MX\", \"preference\": 10, \"exchange\": "
	    "\"mx.penerimamail.com\"}}" };
	struct test_run ra = test_run_adds("scenarios/04-dns-mx.json",
	    NULL, 0, 600 * SIM_SEC);
	struct test_run rb = test_run_adds("scenarios/04-dns-mx.json",
	    adds, 1, 600 * SIM_SEC);
	ck_assert_int_eq(rb.sc->actions[rb.sc->nactions - 1].kind, SC_ACT_DNS);
	struct sim *sa = ra.sim, *sb = rb.sim;
	struct compare c;

	ck_assert_int_eq(count_key(sa, "dns.record_removed"), 0);
	ck_assert_int_eq(count_key(sb, "dns.record_removed"), 1);
	compare_sims(sa, sb, &c);
	ck_assert_int_eq(c.nrows, 1);
	ck_assert_int_eq(c.rows[0].a.status, CMP_DELIVERED);
	ck_assert_int_ne(c.rows[0].b.status, CMP_DELIVERED);
	compare_free(&c);
	test_run_free(&ra);
	test_run_free(&rb);
}
END_TEST

START_TEST(test_dns_add_back)
{
	/* Removed, then added again before the mail needs it: delivered. */
	const char *adds[] = {
	    "{\"at_ms\": 0, \"dns\": \"remove\", \"node\": \"dns\", "
	    "\"record\": {\"name\": \"mx.penerimamail.com\", \"type\": \"A\", "
	    "\"address\": \"10.2.0.25\"}}",
	    "{\"at_ms\": 1, \"dns\": \"add\", \"node\": \"dns\", "
	    "\"record\": {\"name\": \"mx.penerimamail.com\", \"type\": \"A\", "
	    "\"address\": \"10.2.0.25\"}}" };
	struct test_run rb = test_run_adds("scenarios/04-dns-mx.json",
	    adds, 2, 0);
	struct sim *sb = rb.sim;
	ck_assert_int_eq(count_key(sb, "dns.record_removed"), 1);
	ck_assert_int_eq(count_key(sb, "dns.record_added"), 1);
	ck_assert_int_eq(count_key(sb, "smtp.data.stored_local") +
	    count_key(sb, "state.delivery.delivered") > 0, 1);
	test_run_free(&rb);
}
END_TEST

START_TEST(test_password_change)
{
	/* Lesson 13's phone types "rahasya": make that the password. */
	const char *adds[] = { "{\"at_ms\": 10000, \"password\": \"rahasya\", "
	    "\"account\": \"Penerima@penerimamail.com\"}" };
	struct test_run ra = test_run_adds("scenarios/13-wrong-password.json",
	    NULL, 0, 0);
	struct test_run rb = test_run_adds("scenarios/13-wrong-password.json",
	    adds, 1, 0);
	ck_assert_int_eq(rb.sc->actions[rb.sc->nactions - 1].account, 1);
	struct sim *sa = ra.sim, *sb = rb.sim;
	struct compare c;

	ck_assert_int_eq(count_key(sb, "mail.password_changed"), 1);
	compare_sims(sa, sb, &c);
	/* The phone now has the mail; the original phone has none. */
	int found = 0;
	for (int i = 0; i < c.nholders; i++)
		if (c.holders[i].device &&
		    strcmp(c.holders[i].name, "hp-penerima") == 0) {
			ck_assert_int_eq(c.holders[i].na, 0);
			ck_assert_int_eq(c.holders[i].nb, 1);
			found = 1;
		}
	ck_assert_int_eq(found, 1);
	compare_free(&c);
	test_run_free(&ra);
	test_run_free(&rb);
}
END_TEST

START_TEST(test_link_loss)
{
	const char *adds[] = { "{\"at_ms\": 0, \"link\": [\"laptop-pengirim\", "
	    "\"isp-pengirim\"], \"loss\": 0.3}" };
	struct test_run ra = test_run_adds("scenarios/02-packets-and-tcp.json",
	    NULL, 0, 0);
	struct test_run rb = test_run_adds("scenarios/02-packets-and-tcp.json",
	    adds, 1, 0);
	ck_assert_int_eq(rb.sc->actions[rb.sc->nactions - 1].link_has_loss, 1);
	ck_assert_int_eq(rb.sc->actions[rb.sc->nactions - 1].link_has_state, 0);
	struct sim *sa = ra.sim, *sb = rb.sim;
	struct sim_stats x, y;

	sim_stats(sa, &x);
	sim_stats(sb, &y);
	ck_assert_uint_eq(x.dropped, 0);
	ck_assert_uint_gt(y.dropped, 0);
	ck_assert_uint_gt(y.retransmissions, 0);
	ck_assert_int_eq(count_key(sb, "link.loss_changed"), 1);
	/* The link stays up: no link.down. */
	ck_assert_int_eq(count_key(sb, "link.down"), 0);
	test_run_free(&ra);
	test_run_free(&rb);
}
END_TEST

/* ---- compare ----------------------------------------------------- */

START_TEST(test_compare_backup_mx_off)
{
	const char *adds[] = { "{\"at_ms\": 500, \"node\": \"mx2-penerima\", "
	    "\"power\": \"off\"}" };
	struct test_run ra = test_run_adds("scenarios/11-backup-mx.json",
	    NULL, 0, 600 * SIM_SEC);
	struct test_run rb = test_run_adds("scenarios/11-backup-mx.json",
	    adds, 1, 600 * SIM_SEC);
	struct sim *sa = ra.sim, *sb = rb.sim;
	struct compare c;
	struct buf t = { 0 };

	compare_sims(sa, sb, &c);
	ck_assert_int_eq(c.nrows, 1);
	ck_assert_str_eq(c.rows[0].subject, "Lewat cadangan");
	ck_assert_int_eq(c.rows[0].a.status, CMP_DELIVERED);
	ck_assert_int_eq(c.rows[0].b.status, CMP_QUEUED);
	ck_assert_int_ge(c.rows[0].b.nretries, 1);
	ck_assert_int_eq(c.rows[0].differs, 1);
	ck_assert_int_eq(c.ndiffer, 1);
	ck_assert_int_eq(c.nholders, 1);
	ck_assert_str_eq(c.holders[0].name, "penerima@penerimamail.com");
	compare_text(&c, NULL, NULL, &t);
	ck_assert_ptr_nonnull(strstr((char *)t.data, "\"Lewat cadangan\" -> "
	    "penerima@penerimamail.com: "));
	buf_free(&t);
	compare_free(&c);

	/* A run compared with itself: nothing differs. */
	compare_sims(sa, sa, &c);
	ck_assert_int_eq(c.ndiffer, 0);
	ck_assert_int_eq(c.nholders, 0);
	compare_free(&c);
	test_run_free(&ra);
	test_run_free(&rb);
}
END_TEST

/* ---- the command line -------------------------------------------- */

static const struct {
	const char *add, *want;
} bad_adds[] = {
	{ "{\"at_ms\": 1,", "--add[1]:1:" },
	{ "[1]", "--add[1]: an action is a JSON object" },
	{ "{\"at_ms\": -5, \"node\": \"dns\", \"power\": \"off\"}",
	  "--add[1].at_ms: " },
	{ "{\"at_ms\": 5, \"node\": \"nope\", \"power\": \"off\"}",
	  "--add[1].node: unknown node 'nope'" },
	{ "{\"at_ms\": 5, \"node\": \"dns\", \"power\": \"sleep\"}",
	  "--add[1].power: " },
	{ "{\"at_ms\": 5, \"node\": \"dns\"}", "--add[1]: an action needs" },
	{ "{\"at_ms\": 5, \"dns\": \"remove\", \"node\": \"dns\", \"record\": "
	  "{\"name\": \"nothere.com\", \"type\": \"A\", \"address\": "
	  "\"10.9.9.9\"}}", "--add[1].record: 'dns' has no such A record" },
	{ "{\"at_ms\": 5, \"dns\": \"add\", \"node\": \"mx-penerima\", "
	  "\"record\": {\"name\": \"x.com\", \"type\": \"A\", \"address\": "
	  "\"10.9.9.9\"}}", "--add[1].node: 'mx-penerima' is not a DNS server" },
	{ "{\"at_ms\": 5, \"password\": \"x\", \"account\": \"no@x.com\"}",
	  "--add[1].account: no account 'no@x.com'" },
	{ "{\"at_ms\": 5, \"link\": [\"dns\", \"internet\"], \"loss\": 2}",
	  "--add[1].loss: " },
	{ "{\"at_ms\": 5, \"link\": [\"dns\", \"mx-penerima\"], "
	  "\"state\": \"down\"}", "--add[1].link: there is no link" },
};

START_TEST(test_cli_bad_add)
{
	char args[1024], out[8192];

	/* --add[0] is good: the index names the bad one. */
	snprintf(args, sizeof args, "run 11-backup-mx --add '{\"at_ms\": 1, "
	    "\"node\": \"dns\", \"power\": \"on\"}' --add '%s'",
	    bad_adds[_i].add);
	ck_assert_int_eq(run_surel(args, out, sizeof out), 2);
	ck_assert_msg(strstr(out, bad_adds[_i].want) != NULL,
	    "wanted '%s' in: %s", bad_adds[_i].want, out);
}
END_TEST

START_TEST(test_cli_compare)
{
	char out[16384];

	ck_assert_int_eq(run_surel("run 11-backup-mx --until 600000 --add "
	    "'{\"at_ms\": 500, \"node\": \"mx2-penerima\", \"power\": \"off\"}' "
	    "--compare", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "* \"Lewat cadangan\" -> "
	    "penerima@penerimamail.com: delivered at 31.5 s | queued, retried"));
	ck_assert_ptr_nonnull(strstr(out, "still queued on mail-pengirim"));
	ck_assert_ptr_nonnull(strstr(out, "* mailbox penerima@penerimamail.com "
	    "on mailbox-penerima: 1 messages | 0 messages"));
	ck_assert_int_eq(run_surel("run 11-backup-mx --until 600000 --lang id "
	    "--add '{\"at_ms\": 500, \"node\": \"mx2-penerima\", \"power\": "
	    "\"off\"}' --compare", out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "sampai pada detik ke-31.5 | "
	    "mengantre"));
	ck_assert_ptr_nonnull(strstr(out, "kotak surat"));
	/* --compare without --add has nothing to compare. */
	ck_assert_int_eq(run_surel("run 11-backup-mx --compare", out,
	    sizeof out), 2);
}
END_TEST

START_TEST(test_cli_compare_json)
{
	char out[4096];
	const char *py = "python3 -c 'import json,sys; d=json.load(open("
	    "\"build/whatif-cmp.json\")); m=d[\"messages\"][0]; "
	    "assert d[\"surel_compare\"]==1 and d[\"differ\"]==1; "
	    "assert m[\"original\"][\"status\"]==\"delivered\"; "
	    "assert m[\"what_if\"][\"status\"]==\"queued\"; "
	    "assert m[\"what_if\"][\"retries\"]>=1; "
	    "assert d[\"holders\"][0][\"kind\"]==\"mailbox\"; print(\"ok\")'";

	ck_assert_int_eq(run_surel("run 11-backup-mx --until 600000 --add "
	    "'{\"at_ms\": 500, \"node\": \"mx2-penerima\", \"power\": \"off\"}' "
	    "--compare-json build/whatif-cmp.json", out, sizeof out), 0);
	FILE *p = popen(py, "r");
	ck_assert_ptr_nonnull(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_str_eq(out, "ok\n");
}
END_TEST

START_TEST(test_cli_save_as)
{
	char out[4096];
	size_t la, lb, pa, pb;

	ck_assert_int_eq(run_surel("run 04-dns-mx --add '{\"at_ms\": 300, "
	    "\"link\": [\"isp-pengirim\", \"internet\"], \"state\": \"down\"}' "
	    "--add '{\"at_ms\": 0, \"dns\": \"remove\", \"node\": \"dns\", "
	    "\"record\": {\"name\": \"pengirimmail.com\", \"type\": \"MX\", "
	    "\"preference\": 10, \"exchange\": \"mail.pengirimmail.com\"}}' "
	    "--until 400000 --save-as build/whatif-new.json "
	    "--summary build/whatif-a.json --pcap build/whatif-a.pcap",
	    out, sizeof out), 0);
	/* The file is a scenario of its own: the same run without --add. */
	ck_assert_int_eq(run_surel("check build/whatif-new.json", out,
	    sizeof out), 0);
	ck_assert_int_eq(run_surel("run build/whatif-new.json --until 400000 "
	    "--summary build/whatif-b.json --pcap build/whatif-b.pcap", out,
	    sizeof out), 0);
	char *a = test_slurp("build/whatif-a.json", &la);
	char *b = test_slurp("build/whatif-b.json", &lb);
	char *x = test_slurp("build/whatif-a.pcap", &pa);
	char *y = test_slurp("build/whatif-b.pcap", &pb);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	ck_assert_uint_eq(pa, pb);
	ck_assert_int_eq(memcmp(x, y, pa), 0);
	free(a);
	free(b);
	free(x);
	free(y);
}
END_TEST

Suite *
whatif_suite(void)
{
	Suite *s = suite_create("whatif");
	TCase *tc = tcase_create("whatif");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fork_past_identical, 0,
	    (int)(sizeof forks / sizeof forks[0]));
	tcase_add_test(tc, test_dns_remove_mx);
	tcase_add_test(tc, test_dns_add_back);
	tcase_add_test(tc, test_password_change);
	tcase_add_test(tc, test_link_loss);
	tcase_add_test(tc, test_compare_backup_mx_off);
	tcase_add_loop_test(tc, test_cli_bad_add, 0,
	    (int)(sizeof bad_adds / sizeof bad_adds[0]));
	tcase_add_test(tc, test_cli_compare);
	tcase_add_test(tc, test_cli_compare_json);
	tcase_add_test(tc, test_cli_save_as);
	suite_add_tcase(s, tc);
	return s;
}
