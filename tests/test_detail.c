/*
 * test_detail.c: the three levels of detail (sim/explain/detail.h):
 * nested in every bundled scenario, a default story a class can follow
 * (30 to 300 steps) that holds the mail's turning points and no bare
 * ACK, and `surel run --narrate --detail LEVEL` writing exactly the
 * steps detail_has() chooses.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "narrate.h"
#include "run_helpers.h"
#include "sim.h"

#define DEFAULT_FILE	"scenarios/default.json"

/* The narration key of record i, NUL-terminated in buf. */
static const char *
key_of(const struct trace *tr, size_t i, char *buf, size_t size)
{
	struct trace_say y;

	buf[0] = '\0';
	if (trace_say_read(tr, trace_at(tr, i).say, &y) &&
	    y.key_len < size) {
		memcpy(buf, y.key, y.key_len);
		buf[y.key_len] = '\0';
	}
	return buf;
}

/* Every bundled scenario's path ("scenarios/NAME.json"), NULL-terminated. */
static char **
bundled(void)
{
	DIR *d = opendir("scenarios");
	struct dirent *de;
	char **v = xcalloc(1, sizeof *v);
	size_t k = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			v = xrealloc(v, (k + 2) * sizeof *v);
			v[k++] = xasprintf("scenarios/%s", de->d_name);
			v[k] = NULL;
		}
	}
	closedir(d);
	ck_assert_uint_gt(k, 0);
	return v;
}

static void
free_list(char **v)
{
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/*
 * Every story step is a messages step and every messages step a packets
 * step; packets is the whole trace; no frame and no TCP state is a
 * messages step.  The counts are printed for the report.
 */
START_TEST(test_levels_nested)
{
	char **files = bundled();

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);
		size_t n[DETAIL_NLEVELS] = { 0 };

		for (size_t i = 0; i < trace_count(tr); i++) {
			int st = detail_has(tr, i, DETAIL_STORY);
			int ms = detail_has(tr, i, DETAIL_MESSAGES);
			int pk = detail_has(tr, i, DETAIL_PACKETS);
			unsigned kind = trace_at(tr, i).kind;

			ck_assert_msg(!st || ms, "%s: record %zu is a story "
			    "step but not a messages step", *f, i);
			ck_assert_msg(!ms || pk, "%s: record %zu is a messages "
			    "step but not a packets step", *f, i);
			ck_assert_msg(pk, "%s: record %zu is no packets step",
			    *f, i);
			ck_assert_msg(!ms || (kind != TR_FRAME_QUEUED &&
			    kind != TR_FRAME_TX && kind != TR_FRAME_RX &&
			    kind != TR_FRAME_DROP && kind != TR_TCP_STATE &&
			    kind != TR_TCP_RETX), "%s: record %zu (%s) is a "
			    "messages step", *f, i,
			    trace_kind_name((enum trace_kind)kind));
			/* Every application message and change of state is one. */
			ck_assert_msg(ms || (kind != TR_APP &&
			    kind != TR_STATE && kind != TR_NODE_STATE &&
			    kind != TR_LINK_STATE && kind != TR_TCP_ERROR),
			    "%s: record %zu is no messages step", *f, i);
			n[DETAIL_STORY] += st != 0;
			n[DETAIL_MESSAGES] += ms != 0;
			n[DETAIL_PACKETS] += pk != 0;
		}
		for (int d = 0; d < DETAIL_NLEVELS; d++)
			ck_assert_uint_eq(n[d], detail_count(tr, (enum detail)d));
		ck_assert_msg(n[DETAIL_STORY] > 0, "%s: an empty story", *f);
		ck_assert_uint_lt(n[DETAIL_STORY], n[DETAIL_MESSAGES]);
		ck_assert_uint_lt(n[DETAIL_MESSAGES], n[DETAIL_PACKETS]);
		if (getenv("SUREL_DETAIL_COUNTS"))
			printf("%-40s story %4zu  messages %4zu  packets %5zu\n",
			    *f, n[DETAIL_STORY], n[DETAIL_MESSAGES],
			    n[DETAIL_PACKETS]);
		test_run_free(&r);
	}
	free_list(files);
}
END_TEST

/*
 * The default story fits a lesson (30 to 300 steps) and holds the
 * turning points: the laptop submits the mail, DNS names the MX, the mail
 * is stored in a mailbox, a device fetches it; no frame (a bare ACK
 * least of all) and no TCP state is a story step.
 */
START_TEST(test_default_story)
{
	struct test_run r = test_run_file(DEFAULT_FILE);
	const struct trace *tr = sim_trace(r.sim);
	int laptop = scenario_node_index(r.sc, "laptop-pengirim");
	size_t n = detail_count(tr, DETAIL_STORY);
	int submit = 0, mx = 0, store = 0, fetch = 0, start = 0, route = 0;
	char key[128];

	ck_assert_int_ge(laptop, 0);
	ck_assert_msg(n >= 30 && n <= 300, "the default story has %zu steps",
	    n);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		key_of(tr, i, key, sizeof key);
		if (strcmp(key, "frame.tx.origin.tcp_ack") == 0)
			ck_assert_msg(!detail_has(tr, i, DETAIL_MESSAGES),
			    "bare ACK %zu at the messages level", i);
		if (!detail_has(tr, i, DETAIL_STORY))
			continue;
		ck_assert_msg(strncmp(key, "frame.", 6) != 0 &&
		    strncmp(key, "tcp.state.", 10) != 0 &&
		    strncmp(key, "session.", 8) != 0,
		    "record %zu (%s) is a story step", i, key);
		if (strcmp(key, "smtp.message") == 0 && rec.node == laptop)
			submit++;
		if (strncmp(key, "smtp.submit", 11) == 0 && rec.node == laptop)
			start++;
		if (strncmp(key, "state.delivery.queued_", 22) == 0)
			route++;
		if (strncmp(key, "dns.answer.mx", 13) == 0)
			mx++;
		if (strcmp(key, "state.mailbox_add") == 0)
			store++;
		if (strncmp(key, "state.client_store_", 19) == 0)
			fetch++;
	}
	ck_assert_msg(submit >= 2, "submissions at story level: %d", submit);
	/* The trip's start (issue 11): composed, connected to its server. */
	ck_assert_msg(start == 2, "submission starts at story level: %d", start);
	/* Where the domain is decided: 2 + 3 recipients' hops. */
	ck_assert_msg(route >= 5, "routing decisions at story level: %d", route);
	ck_assert_msg(mx >= 1, "MX answers at story level: %d", mx);
	ck_assert_msg(store >= 3, "mailbox stores at story level: %d", store);
	ck_assert_msg(fetch >= 3, "fetches at story level: %d", fetch);
	test_run_free(&r);
}
END_TEST

/* The refusals and failures of the lessons are story steps. */
START_TEST(test_lessons_turning_points)
{
	static const struct {
		const char *file, *key;
	} want[] = {
		{ "scenarios/06-unknown-user.json", "smtp.rcpt_unknown_user" },
		{ "scenarios/06-unknown-user.json", "state.mailbox_add_bounce" },
		{ "scenarios/07-no-such-domain.json", "dns.nxdomain" },
		{ "scenarios/07-no-such-domain.json", "state.delivery.no_domain" },
		{ "scenarios/10-server-down.json", "node.off" },
		{ "scenarios/10-server-down.json", "tcp.error.timeout" },
		{ "scenarios/10-server-down.json", "state.queue_retry.no_answer" },
		{ "scenarios/11-backup-mx.json", "dns.answer.mx.several" },
		{ "scenarios/12-open-relay.json", "smtp.relay_denied" },
		{ "scenarios/13-wrong-password.json", "pop3.login_failed" },
		{ "scenarios/08-pop3-then-phone.json", "pop3.login_ok.none.deleted" },
		/* Submitted, and where the domain is decided (issue 11). */
		{ "scenarios/03-same-domain.json", "smtp.submit" },
		{ "scenarios/03-same-domain.json", "state.delivery.queued_local" },
		{ "scenarios/04-dns-mx.json", "state.delivery.queued_mx" },
		{ "scenarios/05-relay-hops.json", "state.delivery.queued_relay" },
		{ "scenarios/05-relay-hops.json", "state.delivery.queued_local" },
		{ "scenarios/default.json", "state.delivery.queued_lmtp" },
		{ "scenarios/11-backup-mx.json", "state.queue_retry.next_mx" },
		{ "scenarios/12-open-relay.json", "smtp.submit.direct" },
		/* What a device has: UIDs, the server's \Seen, UIDL. */
		{ "scenarios/08b-imap-two-devices.json", "imap.search_uids.one" },
		{ "scenarios/08b-imap-two-devices.json", "imap.fetch_data_uid.seen" },
		{ "scenarios/08b-imap-two-devices.json", "imap.logout.has_all" },
		{ "scenarios/09-pop3-keep.json", "pop3.quit.has_all" },
	};
	char key[128];

	for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
		struct test_run r = test_run_file(want[w].file);
		const struct trace *tr = sim_trace(r.sim);
		int found = 0, story = 0;

		for (size_t i = 0; i < trace_count(tr); i++)
			if (strcmp(key_of(tr, i, key, sizeof key),
			    want[w].key) == 0) {
				found++;
				story += detail_has(tr, i, DETAIL_STORY) != 0;
			}
		ck_assert_msg(found > 0, "%s: no %s at all", want[w].file,
		    want[w].key);
		ck_assert_msg(story == found, "%s: %d of %d %s are story steps",
		    want[w].file, story, found, want[w].key);
		test_run_free(&r);
	}
}
END_TEST

/* Every key or family of the story table names keys the narration knows. */
START_TEST(test_story_keys_known)
{
	size_t nk, ns;
	const char *const *keys = narrate_keys(&nk);
	const char *const *story = detail_story_keys(&ns);

	ck_assert_uint_gt(ns, 0);
	for (size_t s = 0; s < ns; s++) {
		size_t l = strlen(story[s]);
		int family = story[s][l - 1] == '.' || story[s][l - 1] == '_';
		int hits = 0;

		for (size_t k = 0; k < nk; k++)
			hits += family ? strncmp(keys[k], story[s], l) == 0 &&
			    keys[k][l] != '\0' : strcmp(keys[k], story[s]) == 0;
		ck_assert_msg(hits > 0, "story key %s names no narration key",
		    story[s]);
	}
}
END_TEST

START_TEST(test_detail_names)
{
	enum detail d;

	for (int i = 0; i < DETAIL_NLEVELS; i++) {
		ck_assert_int_eq(detail_parse(detail_name((enum detail)i), &d),
		    0);
		ck_assert_int_eq(d, i);
	}
	ck_assert_int_eq(detail_parse("Story", &d), -1);
	ck_assert_int_eq(detail_parse("", &d), -1);
}
END_TEST

/* The lines `surel run ARGS` writes to standard output; -1 if it failed. */
static long
cli_lines(const char *args)
{
	const char *bin = getenv("SUREL_BIN");
	char *cmd = xasprintf("%s %s", bin ? bin : "./surel", args);
	FILE *p = popen(cmd, "r");
	long n = 0;
	int c;

	free(cmd);
	if (p == NULL)
		return -1;
	while ((c = getc(p)) != EOF)
		n += c == '\n';
	return pclose(p) == 0 ? n : -1;
}

/* --narrate --detail L writes one line for each step detail_has() picks. */
START_TEST(test_cli_counts)
{
	struct test_run r = test_run_file(DEFAULT_FILE);
	const struct trace *tr = sim_trace(r.sim);

	for (int d = 0; d < DETAIL_NLEVELS; d++) {
		char *args = xasprintf("run " DEFAULT_FILE " --narrate "
		    "--lang en --detail %s", detail_name((enum detail)d));

		ck_assert_int_eq(cli_lines(args),
		    (long)detail_count(tr, (enum detail)d));
		free(args);
	}
	/* Without --detail: every step, as before. */
	ck_assert_int_eq(cli_lines("run " DEFAULT_FILE " --narrate --lang en"),
	    (long)trace_count(tr));
	test_run_free(&r);
}
END_TEST

Suite *
detail_suite(void)
{
	Suite *s = suite_create("detail");
	TCase *tc = tcase_create("detail");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_detail_names);
	tcase_add_test(tc, test_story_keys_known);
	tcase_add_test(tc, test_levels_nested);
	tcase_add_test(tc, test_default_story);
	tcase_add_test(tc, test_lessons_turning_points);
	tcase_add_test(tc, test_cli_counts);
	suite_add_tcase(s, tc);
	return s;
}
