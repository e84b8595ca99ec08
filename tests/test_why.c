/*
 * test_why.c: the story tells the whole trip and says why at its turning
 * points (issue 11, points 1, 3 and 4), over every bundled lesson.
 *
 * Each test is one kind of sentence: it finds the steps by their keys
 * (the engines chose them) and checks them against what the engines did,
 * never against a step number.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "detail.h"
#include "helpers.h"
#include "narrate.h"
#include "run_helpers.h"
#include "sim.h"
#include "util.h"

/* Every bundled scenario, sorted, NULL-terminated; free_files() frees. */
static char **
bundled(void)
{
	DIR *d = opendir("scenarios");
	struct dirent *de;
	char **v = xcalloc(1, sizeof *v);
	int k = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			v = xrealloc(v, (size_t)(k + 2) * sizeof *v);
			v[k++] = xasprintf("scenarios/%s", de->d_name);
		}
	}
	closedir(d);
	ck_assert_int_gt(k, 10);
	v[k] = NULL;
	return v;
}

static void
free_files(char **v)
{
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static char *
sentence(const struct test_run *r, const struct narr_lang *L, size_t i)
{
	struct buf o = { 0 };

	narrate(r->sim, L, NULL, i, &o);
	buf_putc(&o, '\0');
	return (char *)o.data;
}

static int
is(const struct test_run *r, size_t i, const char *key)
{
	return strcmp(narrate_key(r->sim, i), key) == 0;
}

static int
starts(const struct test_run *r, size_t i, const char *prefix)
{
	return strncmp(narrate_key(r->sim, i), prefix, strlen(prefix)) == 0;
}

/*
 * "Saves the mail it downloaded by POP3": the sentence says what this
 * session does with the server's copy, and the session does it.  Without
 * keep, a DELE from the same device follows before its QUIT; with keep,
 * none does.  (It once said "unless told to keep it" in both cases.)
 */
START_TEST(test_pop3_store_says_what_happens)
{
	char **files = bundled();
	int del = 0, keep = 0;

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			int k = is(&r, i, "state.client_store_pop3") ? 1 :
			    is(&r, i, "state.client_store_pop3_keep") ? 2 : 0;
			int node = trace_at(tr, i).node, dele = 0;

			if (k == 0)
				continue;
			for (size_t j = i + 1; j < trace_count(tr); j++) {
				if (trace_at(tr, j).node != node)
					continue;
				if (starts(&r, j, "pop3.quit"))
					break;
				dele += starts(&r, j, "pop3.dele");
			}
			ck_assert_msg(k == 1 ? dele == 1 : dele == 0,
			    "%s step %zu: %s, then %d DELE", *f, i + 1,
			    narrate_key(r.sim, i), dele);
			del += k == 1;
			keep += k == 2;
		}
		test_run_free(&r);
	}
	ck_assert_int_gt(del, 0);
	ck_assert_int_gt(keep, 0);
	free_files(files);
}
END_TEST

/*
 * Where the domain is decided: every message a server queues (a bounce
 * too) has one routing record at the same node and instant, and what
 * follows matches it: an MX decision asks DNS for MX next, the others
 * ask DNS nothing then.  Each says why in both languages.
 */
START_TEST(test_route_is_decided_with_why)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	char **files = bundled();
	int kinds[4] = { 0 };
	static const char *const keys[4] = { "state.delivery.queued_local",
	    "state.delivery.queued_lmtp", "state.delivery.queued_relay",
	    "state.delivery.queued_mx" };
	static const char *const why_en[4] = { "its own domain",
	    "is its own domain, so it asks DNS nothing", "It asks DNS nothing",
	    "(MX, a name), then that server's address (A)" };
	static const char *const why_id[4] = { "domainnya sendiri",
	    "tidak bertanya ke DNS", "tidak bertanya ke DNS",
	    "(MX, sebuah nama), lalu alamat server itu (A)" };

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec q = trace_at(tr, i);
			int k = -1;

			if (q.kind == TR_STATE && q.a == ST_QUEUE_ADD) {
				int found = 0;
				for (size_t j = i; j-- > 0 &&
				    trace_at(tr, j).t == q.t; )
					found += trace_at(tr, j).node ==
					    q.node && starts(&r, j,
					    "state.delivery.queued_");
				ck_assert_msg(found >= 1, "%s step %zu: queued "
				    "with no routing record", *f, i + 1);
			}
			for (int w = 0; w < 4; w++)
				if (is(&r, i, keys[w]))
					k = w;
			if (k < 0)
				continue;
			kinds[k]++;
			char *e = sentence(&r, en, i), *d = sentence(&r, id, i);
			ck_assert_msg(strstr(e, "takes the domain after the @") &&
			    strstr(e, why_en[k]), "%s: %s", *f, e);
			ck_assert_msg(strstr(d, why_id[k]), "%s: %s", *f, d);
			free(e);
			free(d);
			/* The next DNS question of this node, at this instant. */
			for (size_t j = i + 1; j < trace_count(tr) &&
			    trace_at(tr, j).t == q.t; j++)
				if (trace_at(tr, j).node == q.node &&
				    starts(&r, j, "dns.query.")) {
					ck_assert_msg(k == 3 &&
					    is(&r, j, "dns.query.mx"),
					    "%s step %zu: %s then %s", *f,
					    i + 1, keys[k], narrate_key(r.sim, j));
					break;
				}
		}
		test_run_free(&r);
	}
	for (int w = 0; w < 4; w++)
		ck_assert_msg(kinds[w] > 0, "no %s in any lesson", keys[w]);
	free_files(files);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * Lesson 11: the MX answer names both exchanges, and when the first
 * does not answer, a step says that the sender turns to the backup,
 * before it asks DNS for the backup's address.
 */
START_TEST(test_backup_mx_is_told)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct test_run r = test_run_file("scenarios/11-backup-mx.json");
	const struct trace *tr = sim_trace(r.sim);
	size_t ans = 0, err = 0, turn = 0, ask = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		if (ans == 0 && is(&r, i, "dns.answer.mx.several"))
			ans = i + 1;
		if (err == 0 && starts(&r, i, "tcp.error."))
			err = i + 1;
		if (turn == 0 && is(&r, i, "state.queue_retry.next_mx"))
			turn = i + 1;
		if (turn != 0 && ask == 0 && is(&r, i, "dns.query.a"))
			ask = i + 1;
	}
	ck_assert_msg(ans && err && turn && ask, "%zu %zu %zu %zu", ans, err,
	    turn, ask);
	ck_assert(ans < err && err < turn && turn < ask);
	char *e = sentence(&r, en, ans - 1);
	ck_assert_msg(strstr(e, "mx.penerimamail.com (10)") &&
	    strstr(e, "mx2.penerimamail.com (20)"), "%s", e);
	free(e);
	e = sentence(&r, en, turn - 1);
	char *d = sentence(&r, id, turn - 1);
	ck_assert_msg(strstr(e, "mx.penerimamail.com does not answer") &&
	    strstr(e, "tries the next MX, mx2.penerimamail.com (preference 20)"),
	    "%s", e);
	ck_assert_msg(strstr(d, "mx2.penerimamail.com (preferensi 20)"), "%s",
	    d);
	ck_assert(detail_has(tr, turn - 1, DETAIL_STORY));
	free(e);
	free(d);
	e = sentence(&r, en, ask - 1);
	ck_assert_msg(strstr(e, "mx2.penerimamail.com"), "%s", e);
	free(e);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * POP3 leaves nothing for the next device, and the empty box says why:
 * which device deleted the mail with DELE, and when.  IMAP keeps it: a
 * device compares UIDs, downloads only the new ones, and sees the \Seen
 * another device set.
 */
START_TEST(test_fetch_says_why)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	const char *pop3[] = { "scenarios/default.json",
	    "scenarios/08-pop3-then-phone.json" };

	for (int f = 0; f < 2; f++) {
		struct test_run r = test_run_file(pop3[f]);
		const struct trace *tr = sim_trace(r.sim);
		int n = 0;

		for (size_t i = 0; i < trace_count(tr); i++) {
			if (is(&r, i, "pop3.login_ok.none"))
				ck_abort_msg("%s: an empty box without why",
				    pop3[f]);
			if (!is(&r, i, "pop3.login_ok.none.deleted"))
				continue;
			char *e = sentence(&r, en, i), *d = sentence(&r, id, i);
			ck_assert_msg(strstr(e, "Recipient's laptop took the mail "
			    "by POP3 and deleted it with DELE (at second 20)"),
			    "%s", e);
			ck_assert_msg(strstr(d, "Laptop penerima") &&
			    strstr(d, "DELE (detik ke-20)"), "%s", d);
			ck_assert(detail_has(tr, i, DETAIL_STORY));
			free(e);
			free(d);
			n++;
		}
		ck_assert_int_eq(n, 1);
		test_run_free(&r);
	}

	struct test_run r = test_run_file("scenarios/08b-imap-two-devices.json");
	const struct trace *tr = sim_trace(r.sim);
	int uids = 0, seen = 0, has_all = 0, fetch = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		if (starts(&r, i, "imap.search_uids")) {
			char *e = sentence(&r, en, i);
			ck_assert_msg(strstr(e, "UID of the one mail in the "
			    "folder: 1"), "%s", e);
			free(e);
			uids++;
		}
		if (is(&r, i, "imap.fetch_data_uid.seen")) {
			char *e = sentence(&r, en, i);
			ck_assert_msg(strstr(e, "already marked as read (\\Seen)")
			    && strstr(e, "kept on the server"), "%s", e);
			free(e);
			seen++;
		}
		fetch += starts(&r, i, "imap.fetch_uid");
		if (is(&r, i, "imap.logout.has_all")) {
			char *e = sentence(&r, en, i);
			ck_assert_msg(strstr(e, "Recipient's laptop already has "
			    "every mail") && strstr(e, "remembers their UIDs"),
			    "%s", e);
			free(e);
			has_all++;
		}
	}
	/* Three visits, two downloads: the third knew the UID already. */
	ck_assert_int_eq(uids, 3);
	ck_assert_int_eq(fetch, 2);
	ck_assert_int_eq(seen, 1);
	ck_assert_int_eq(has_all, 1);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * Every story starts where the mail is written: the mail program's
 * connection to its server is a story step of every lesson that sends,
 * and every checkpoint at a message or a change of state is a story
 * step (a checkpoint at a frame, lessons 02, 10 and 14, is a packet's
 * question and stays at the packets level).  Each lesson's story fits
 * a class period: under 200 steps.
 */
START_TEST(test_story_tells_the_lesson)
{
	char **files = bundled();

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);
		size_t n = detail_count(tr, DETAIL_STORY);
		int start = 0, sent = 0;

		ck_assert_msg(n >= 5 && n < 200, "%s: %zu story steps", *f, n);
		for (size_t i = 0; i < trace_count(tr); i++) {
			if (starts(&r, i, "smtp.submit"))
				start += detail_has(tr, i, DETAIL_STORY);
			sent += starts(&r, i, "smtp.mail_from") &&
			    strstr(*f, "13-") == NULL;
		}
		if (sent > 0)
			ck_assert_msg(start > 0, "%s: no start of the trip", *f);
		for (int c = 0; c < r.sc->ncheckpoints; c++) {
			size_t step = checkpoint_step(tr,
			    &r.sc->checkpoints[c].at, NULL);
			ck_assert_uint_gt(step, 0);
			const struct trace_rec q = trace_at(tr, step - 1);
			if (q.kind != TR_APP && q.kind != TR_STATE &&
			    q.kind != TR_TCP_ERROR)
				continue;
			ck_assert_msg(detail_has(tr, step - 1, DETAIL_STORY),
			    "%s: checkpoint %d (%s) is not a story step", *f,
			    c, narrate_key(r.sim, step - 1));
		}
		test_run_free(&r);
	}
	free_files(files);
}
END_TEST

/* Filled with the lesson's names, every story sentence fits a panel. */
START_TEST(test_story_sentences_fit)
{
	struct narr_lang *L[2] = { test_load_lang("assets/lang/en.json"),
	    test_load_lang("assets/lang/id.json") };
	char **files = bundled();

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			if (!detail_has(tr, i, DETAIL_STORY))
				continue;
			for (int l = 0; l < 2; l++) {
				char *e = sentence(&r, L[l], i);
				size_t c = 0;
				for (const char *p = e; *p; p++)
					c += ((unsigned char)*p & 0xc0) != 0x80;
				ck_assert_msg(c <= 300, "%s step %zu: %zu "
				    "characters: %s", *f, i + 1, c, e);
				ck_assert_msg(strchr(e, '{') == NULL, "%s step "
				    "%zu: a placeholder left: %s", *f, i + 1, e);
				free(e);
			}
		}
		test_run_free(&r);
	}
	free_files(files);
	narr_lang_free(L[0]);
	narr_lang_free(L[1]);
}
END_TEST

Suite *
why_suite(void)
{
	Suite *s = suite_create("why");
	TCase *tc = tcase_create("why");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_pop3_store_says_what_happens);
	tcase_add_test(tc, test_route_is_decided_with_why);
	tcase_add_test(tc, test_backup_mx_is_told);
	tcase_add_test(tc, test_fetch_says_why);
	tcase_add_test(tc, test_story_tells_the_lesson);
	tcase_add_test(tc, test_story_sentences_fit);
	suite_add_tcase(s, tc);
	return s;
}
