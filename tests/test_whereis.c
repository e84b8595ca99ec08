/*
 * test_whereis.c: where the mail is at a step (sim/explain/whereis.h)
 * in the bundled lessons: same domain (queue, then mailbox), the relay
 * path, a refusal that bounces, POP3 (gone from the server after DELE),
 * IMAP (on the server and both devices), a server that is down (the
 * mail waits in the queue); and the same answer in any order of asking.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "run_helpers.h"
#include "sim.h"
#include "whereis.h"

struct wtest {
	struct test_run	 run;
	struct whereis	*w;
	size_t		 nsteps;	/* trace_count(): the last step */
};

static struct wtest
wt_open(const char *path)
{
	struct wtest t;

	t.run = test_run_file(path);
	t.w = whereis_new(sim_trace(t.run.sim), t.run.sc);
	t.nsteps = trace_count(sim_trace(t.run.sim));
	return t;
}

static void
wt_close(struct wtest *t)
{
	whereis_free(t->w);
	test_run_free(&t->run);
}

static int
node_named(const struct wtest *t, const char *id)
{
	for (int i = 0; i < t->run.sc->nnodes; i++)
		if (strcmp(t->run.sc->nodes[i].id, id) == 0)
			return i;
	ck_abort_msg("no node %s", id);
	return -1;
}

/*
 * How many places at step match: subject (a prefix; NULL any), kind,
 * node id (NULL any), peer id (NULL any), address (NULL any).
 */
static int
count_at(struct wtest *t, size_t step, const char *subject,
    enum whereis_kind kind, const char *node, const char *peer,
    const char *addr)
{
	const struct whereis_entry *e;
	int n = whereis_at(t->w, step, &e), k = 0;

	for (int i = 0; i < n; i++) {
		const struct whereis_msg *m = whereis_msg(t->w, e[i].msg);

		if (subject && strncmp(m->subject, subject, strlen(subject)) != 0)
			continue;
		if (e[i].kind != kind)
			continue;
		if (node && e[i].node != node_named(t, node))
			continue;
		if (peer && e[i].peer != node_named(t, peer))
			continue;
		if (addr && strcmp(e[i].addr, addr) != 0)
			continue;
		k++;
	}
	return k;
}

/* The first step at or after from where count_at() is not 0; 0 where none. */
static size_t
first_step(struct wtest *t, size_t from, const char *subject,
    enum whereis_kind kind, const char *node, const char *peer,
    const char *addr)
{
	for (size_t s = from; s <= t->nsteps; s++)
		if (count_at(t, s, subject, kind, node, peer, addr) > 0)
			return s;
	return 0;
}

START_TEST(test_whereis_same_domain)
{
	struct wtest t = wt_open("scenarios/03-same-domain.json");
	const char *to = "teman@pengirimmail.com";

	/* Composed on the laptop before anything crosses. */
	size_t c = first_step(&t, 0, NULL, WHERE_COMPOSED, "laptop-pengirim",
	    NULL, NULL);
	ck_assert_uint_gt(c, 0);
	size_t q = first_step(&t, c, NULL, WHERE_QUEUE, "mail-pengirim", NULL,
	    to);
	ck_assert_uint_gt(q, c);
	size_t m = first_step(&t, q, NULL, WHERE_MAILBOX, "mail-pengirim", NULL,
	    to);
	ck_assert_uint_gt(m, q);
	/* Once in the mailbox it is in no queue, and no longer on the laptop. */
	ck_assert_int_eq(count_at(&t, m, NULL, WHERE_QUEUE, NULL, NULL, NULL), 0);
	ck_assert_int_eq(count_at(&t, m, NULL, WHERE_COMPOSED, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX,
	    "mail-pengirim", NULL, to), 1);
	/* Before the send, nothing anywhere. */
	const struct whereis_entry *e;
	ck_assert_int_eq(whereis_at(t.w, 0, &e), 0);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_relay_path)
{
	struct wtest t = wt_open("scenarios/default.json");
	const char *s1 = "Laporan bulan ini";

	ck_assert_int_eq(whereis_nmsgs(t.w), 2);
	ck_assert_str_eq(whereis_msg(t.w, 0)->subject, s1);
	/* Hop by hop: queue, crossing to the relay, the relay's queue, ... */
	size_t a = first_step(&t, 0, s1, WHERE_QUEUE, "mail-pengirim", NULL,
	    NULL);
	size_t b = first_step(&t, a, s1, WHERE_TRANSIT, "mail-pengirim",
	    "relay", NULL);
	size_t c = first_step(&t, b, s1, WHERE_QUEUE, "relay", NULL, NULL);
	size_t d = first_step(&t, c, s1, WHERE_TRANSIT, "relay",
	    "mx-penerima", NULL);
	size_t e = first_step(&t, d, s1, WHERE_MAILBOX, "mailbox-penerima",
	    NULL, "penerima@penerimamail.com");
	ck_assert(a > 0 && a < b && b < c && c < d && d < e);
	/* The relay took it: the sender's server holds it no longer. */
	ck_assert_int_eq(count_at(&t, c, s1, WHERE_QUEUE, "mail-pengirim", NULL,
	    NULL), 0);
	/* The end: the first on the recipient's laptop only (POP3). */
	ck_assert_int_eq(count_at(&t, t.nsteps, s1, WHERE_DEVICE,
	    "laptop-penerima", "mailbox-penerima", NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, s1, WHERE_MAILBOX, NULL, NULL,
	    NULL), 0);
	/* The second: two mailboxes and two devices (IMAP). */
	ck_assert_int_eq(count_at(&t, t.nsteps, "Jadwal rapat", WHERE_MAILBOX,
	    NULL, NULL, NULL), 2);
	ck_assert_int_eq(count_at(&t, t.nsteps, "Jadwal rapat", WHERE_DEVICE,
	    NULL, NULL, NULL), 2);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_refused_bounces)
{
	struct wtest t = wt_open("scenarios/06-unknown-user.json");
	const struct whereis_entry *e;
	int n = whereis_at(t.w, t.nsteps, &e), bounced = 0, notice = 0;

	for (int i = 0; i < n; i++) {
		const struct whereis_msg *m = whereis_msg(t.w, e[i].msg);

		if (!m->bounce && e[i].kind == WHERE_BOUNCED)
			bounced++;
		/* The notice is a message of its own, home in the sender's box. */
		if (m->bounce && e[i].kind == WHERE_MAILBOX &&
		    strcmp(e[i].addr, "pengirim@pengirimmail.com") == 0 &&
		    e[i].node == node_named(&t, "mail-pengirim"))
			notice++;
	}
	ck_assert_int_eq(bounced, 1);
	ck_assert_int_eq(notice, 1);
	ck_assert_int_eq(whereis_nmsgs(t.w), 2);
	ck_assert_int_eq(count_at(&t, t.nsteps, "Salah ketik", WHERE_QUEUE,
	    NULL, NULL, NULL), 0);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_pop3_leaves_the_server)
{
	struct wtest t = wt_open("scenarios/08-pop3-then-phone.json");
	size_t d = first_step(&t, 0, NULL, WHERE_DEVICE, "laptop-penerima",
	    "mailbox-penerima", NULL);

	ck_assert_uint_gt(d, 0);
	/* Downloaded, and still on the server until the UPDATE after QUIT. */
	ck_assert_int_eq(count_at(&t, d, NULL, WHERE_MAILBOX, "mailbox-penerima",
	    NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "laptop-penerima", NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "hp-penerima", NULL, NULL), 0);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_imap_everywhere)
{
	struct wtest t = wt_open("scenarios/08b-imap-two-devices.json");

	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX,
	    "mailbox-penerima", NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "laptop-penerima", "mailbox-penerima", NULL), 1);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_DEVICE,
	    "hp-penerima", "mailbox-penerima", NULL), 1);
	wt_close(&t);
}
END_TEST

START_TEST(test_whereis_server_down_waits)
{
	struct wtest t = wt_open("scenarios/10-server-down.json");
	const struct trace *tr = sim_trace(t.run.sim);
	size_t retry = 0;

	for (size_t i = 0; i < trace_count(tr) && retry == 0; i++) {
		const struct trace_rec *r = trace_get(tr, i);

		if (r->kind == TR_STATE && r->a == ST_QUEUE_RETRY)
			retry = i + 1;
	}
	ck_assert_uint_gt(retry, 0);
	/* While the server is down the mail waits in the sender's queue. */
	ck_assert_int_eq(count_at(&t, retry, NULL, WHERE_QUEUE, "mail-pengirim",
	    NULL, NULL), 1);
	ck_assert_int_eq(count_at(&t, retry, NULL, WHERE_TRANSIT, NULL, NULL,
	    NULL), 0);
	/* And arrives in the end. */
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_QUEUE, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(count_at(&t, t.nsteps, NULL, WHERE_MAILBOX, NULL, NULL,
	    NULL), 1);
	wt_close(&t);
}
END_TEST

/* The window asks in any order: the answer is the step's, whatever came before. */
START_TEST(test_whereis_any_order)
{
	struct wtest t = wt_open("scenarios/default.json");
	size_t n = t.nsteps + 1;
	char **fwd = xcalloc(n, sizeof *fwd);

	for (size_t s = 0; s < n; s++) {
		const struct whereis_entry *e;
		int k = whereis_at(t.w, s, &e);
		struct buf b = { 0 };

		for (int i = 0; i < k; i++)
			buf_printf(&b, "%d %d %d %d %s;", e[i].msg, e[i].kind,
			    e[i].node, e[i].peer, e[i].addr);
		buf_putc(&b, '\0');
		fwd[s] = (char *)b.data;
	}
	for (size_t j = 0; j < n; j++) {
		size_t s = (j * 7919) % n;	/* jumps back and forth */
		const struct whereis_entry *e;
		int k = whereis_at(t.w, s, &e);
		struct buf b = { 0 };

		for (int i = 0; i < k; i++)
			buf_printf(&b, "%d %d %d %d %s;", e[i].msg, e[i].kind,
			    e[i].node, e[i].peer, e[i].addr);
		buf_putc(&b, '\0');
		ck_assert_str_eq((char *)b.data, fwd[s]);
		buf_free(&b);
	}
	for (size_t s = 0; s < n; s++)
		free(fwd[s]);
	free(fwd);
	wt_close(&t);
}
END_TEST

Suite *
whereis_suite(void)
{
	Suite *s = suite_create("whereis");
	TCase *tc = tcase_create("whereis");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_whereis_same_domain);
	tcase_add_test(tc, test_whereis_relay_path);
	tcase_add_test(tc, test_whereis_refused_bounces);
	tcase_add_test(tc, test_whereis_pop3_leaves_the_server);
	tcase_add_test(tc, test_whereis_imap_everywhere);
	tcase_add_test(tc, test_whereis_server_down_waits);
	tcase_add_test(tc, test_whereis_any_order);
	suite_add_tcase(s, tc);
	return s;
}
