/*
 * test_holdings.c: what every node holds at a step, read from the trace
 * alone (render/window/holdings.c, issue 12 point 5): every account,
 * the flags a session set, what POP3 took away, the queue, the DNS
 * cache's TTL counting down, and a stored mail opened with the codec.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "helpers.h"
#include "holdings.h"
#include "run_helpers.h"

static int
node_of(const struct scenario *sc, const char *id)
{
	int n = holdings_find_node(sc, id);

	ck_assert_msg(n >= 0, "no node %s", id);
	return n;
}

/* The step just after the first TR_STATE of kind what at node (key prefix, or NULL); 0 if none. */
static size_t
state_step(const struct trace *tr, int node, int what, const char *key,
    size_t from)
{
	for (size_t i = from; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);
		struct trace_say y;

		if (r.kind != TR_STATE || (int)r.a != what ||
		    (node >= 0 && r.node != node))
			continue;
		if (key != NULL && (!trace_say_read(tr, r.say, &y) ||
		    y.key_len < strlen(key) || memcmp(y.key, key,
		    strlen(key)) != 0))
			continue;
		return i + 1;
	}
	return 0;
}

/* Lesson 06: the class sees that penerima exists (an empty mailbox) and penrima does not. */
START_TEST(test_holdings_every_account)
{
	struct test_run r = test_run_file("scenarios/06-unknown-user.json");
	const struct trace *tr = sim_trace(r.sim);
	struct holdings *h = holdings_new(r.sc, tr);
	int mx = node_of(r.sc, "mx-penerima"), found = -1;

	holdings_build(h, mx, trace_count(tr));
	for (int a = 0; a < r.sc->naccounts; a++) {
		ck_assert_ptr_null(strstr(r.sc->accounts[a].address, "penrima"));
		if (r.sc->accounts[a].server == mx &&
		    strcmp(r.sc->accounts[a].address,
		    "penerima@penerimamail.com") == 0)
			found = a;
	}
	ck_assert_int_ge(found, 0);
	ck_assert_int_eq(holdings_account_count(h, found), 0);
	holdings_free(h);
	test_run_free(&r);
}
END_TEST

/* Lesson 08b: the laptop's FETCH sets \Seen on the server; the phone's later download sees it. */
START_TEST(test_holdings_imap_seen)
{
	struct test_run r = test_run_file("scenarios/08b-imap-two-devices.json");
	const struct trace *tr = sim_trace(r.sim);
	struct holdings *h = holdings_new(r.sc, tr);
	int box = node_of(r.sc, "mailbox-penerima");
	int laptop = node_of(r.sc, "laptop-penerima");
	int phone = node_of(r.sc, "hp-penerima");
	size_t seen = state_step(tr, box, ST_FLAGS, "state.flags", 0);
	size_t got_phone = state_step(tr, phone, ST_CLIENT_STORE, NULL, 0);
	size_t got_laptop = state_step(tr, laptop, ST_CLIENT_STORE, NULL, 0);

	ck_assert_uint_gt(seen, 0);
	ck_assert_uint_gt(got_laptop, 0);
	ck_assert_uint_gt(got_phone, seen);
	/* The flag is the laptop's doing (its session asked). */
	struct trace_say y;
	ck_assert(trace_say_read(tr, trace_at(tr, seen - 1).say, &y));
	int by = -1;
	for (int i = 0; i < y.nargs; i++)
		if (y.arg[i].node >= 0)
			by = y.arg[i].node;
	ck_assert_int_eq(by, laptop);

	holdings_build(h, box, seen - 1);
	ck_assert_int_eq(h->nmsg, 1);
	ck_assert_int_eq(h->msg[0].flags & HOLD_SEEN, 0);
	ck_assert_str_ne(h->msg[0].subject, "");
	ck_assert_str_ne(h->msg[0].from, "");
	ck_assert_int_gt(h->msg[0].size, 100);
	holdings_build(h, box, seen);
	ck_assert_int_ne(h->msg[0].flags & HOLD_SEEN, 0);
	holdings_build(h, box, got_phone);
	ck_assert_int_ne(h->msg[0].flags & HOLD_SEEN, 0);
	ck_assert_int_eq(h->msg[0].nby, 2);
	ck_assert_int_eq(h->msg[0].by[0], laptop);
	ck_assert_int_eq(h->msg[0].by[1], phone);
	ck_assert_str_eq(h->msg[0].by_proto[1], "IMAP");
	/* Backwards: before the laptop's fetch, nobody had it. */
	holdings_build(h, box, seen - 1);
	ck_assert_int_eq(h->msg[0].flags, 0);
	holdings_free(h);
	test_run_free(&r);
}
END_TEST

/* Lesson 08: DELE marks \Deleted, QUIT removes it; the laptop keeps it with its subject. */
START_TEST(test_holdings_pop3_gone)
{
	struct test_run r = test_run_file("scenarios/08-pop3-then-phone.json");
	const struct trace *tr = sim_trace(r.sim);
	struct holdings *h = holdings_new(r.sc, tr);
	int box = node_of(r.sc, "mailbox-penerima");
	int laptop = node_of(r.sc, "laptop-penerima");
	size_t dele = state_step(tr, box, ST_FLAGS, "state.flags_deleted", 0);
	size_t gone = state_step(tr, box, ST_MAILBOX_DEL, NULL, 0);

	ck_assert_uint_gt(dele, 0);
	ck_assert_uint_gt(gone, dele);
	holdings_build(h, box, dele);
	ck_assert_int_eq(h->nmsg, 1);
	ck_assert_int_ne(h->msg[0].flags & HOLD_DELETED, 0);
	ck_assert_int_eq(h->msg[0].removed, 0);
	holdings_build(h, box, gone);
	ck_assert_int_eq(h->msg[0].removed, 1);
	ck_assert_str_eq(h->msg[0].removed_how, "POP3");
	ck_assert_int_eq(holdings_account_count(h, h->msg[0].account), 0);
	char subject[256];
	snprintf(subject, sizeof subject, "%s", h->msg[0].subject);
	ck_assert_str_ne(subject, "");

	holdings_build(h, laptop, trace_count(tr));
	ck_assert_int_eq(h->nmsg, 1);
	ck_assert_str_eq(h->msg[0].subject, subject);
	ck_assert_str_eq(h->msg[0].proto, "POP3");
	ck_assert_int_eq(h->msg[0].server, box);
	/* Its bytes are the server's copy, kept once in the trace. */
	ck_assert_uint_gt(h->msg[0].body, 0);
	holdings_free(h);
	test_run_free(&r);
}
END_TEST

/* Lesson 04: the DNS server's zone data; 04b: the resolver's TTL counts down. */
START_TEST(test_holdings_dns)
{
	struct test_run r = test_run_file("scenarios/04-dns-mx.json");
	int dns = node_of(r.sc, "dns"), mx = 0;

	ck_assert_int_ge(r.sc->nodes[dns].dns.nrecords, 4);
	for (int i = 0; i < r.sc->nodes[dns].dns.nrecords; i++)
		mx += r.sc->nodes[dns].dns.records[i].type == SC_RR_MX;
	ck_assert_int_ge(mx, 1);
	test_run_free(&r);

	r = test_run_file("scenarios/04b-dns-from-the-root.json");
	const struct trace *tr = sim_trace(r.sim);
	struct holdings *h = holdings_new(r.sc, tr);
	size_t add = state_step(tr, -1, ST_DNS_CACHE_ADD, NULL, 0);

	ck_assert_uint_gt(add, 0);
	int res = trace_at(tr, add - 1).node;
	holdings_build(h, res, add);
	ck_assert_int_ge(h->nc, 1);
	long first = holdings_ttl_left(h, &h->c[0]);
	ck_assert_int_eq(first, (long)h->c[0].ttl);
	/* A later step at least a second on: less left. */
	size_t later = add;
	while (later < trace_count(tr) &&
	    trace_at(tr, later - 1).t < trace_at(tr, add - 1).t +
	    2000000000ull)
		later++;
	ck_assert_uint_lt(later, trace_count(tr));
	holdings_build(h, res, later);
	ck_assert_int_ge(h->nc, 1);
	ck_assert_int_lt(holdings_ttl_left(h, &h->c[0]), first);
	holdings_build(h, res, 0);
	ck_assert_int_eq(h->nc, 0);
	holdings_free(h);
	test_run_free(&r);
}
END_TEST

/* The default story's mail opens: Received: top to bottom, the attachment listed. */
START_TEST(test_holdings_open_default)
{
	struct test_run r = test_run_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.sim);
	struct holdings *h = holdings_new(r.sc, tr);
	int box = node_of(r.sc, "mailbox-penerima");
	size_t add = state_step(tr, box, ST_MAILBOX_ADD, NULL, 0);
	struct msg_info mi;
	const char *rcv[8];
	int nrcv = 0;

	ck_assert_uint_gt(add, 0);
	holdings_build(h, box, add);
	ck_assert_int_ge(h->nmsg, 1);
	ck_assert_int_eq(holdings_open(h, &h->msg[h->nmsg - 1], &mi), 0);
	for (int i = 0; i < mi.nfields && nrcv < 8; i++)
		if (strcasecmp(mi.fields[i].name, "Received") == 0)
			rcv[nrcv++] = mi.fields[i].value;
	ck_assert_int_ge(nrcv, 3);
	/* RFC 5321 4.4: each server adds its own on top; the first is the last hop's. */
	ck_assert_ptr_nonnull(strstr(rcv[0], "by pop.penerimamail.com"));
	ck_assert_ptr_nonnull(strstr(rcv[nrcv - 1],
	    "by mail.pengirimmail.com"));
	ck_assert_int_ge(mi.natt, 1);
	ck_assert_str_ne(mi.att[0].name, "");
	ck_assert_str_ne(mi.att[0].content_type, "");
	ck_assert_uint_gt(mi.att[0].size, 0);
	ck_assert_str_ne(mi.text, "");
	msg_info_free(&mi);
	holdings_free(h);
	test_run_free(&r);
}
END_TEST

/* Lesson 06's bounce opens into its explanation and Status 5.1.1. */
START_TEST(test_holdings_open_bounce)
{
	struct test_run r = test_run_file("scenarios/06-unknown-user.json");
	const struct trace *tr = sim_trace(r.sim);
	struct holdings *h = holdings_new(r.sc, tr);
	int mail = node_of(r.sc, "mail-pengirim");
	struct msg_info mi;

	holdings_build(h, mail, trace_count(tr));
	ck_assert_int_eq(h->nmsg, 1);
	ck_assert_str_eq(h->msg[0].sender, "");
	ck_assert_int_eq(holdings_open(h, &h->msg[0], &mi), 0);
	ck_assert_ptr_nonnull(mi.report);
	ck_assert_int_eq(mi.report->nrcpt, 1);
	ck_assert_str_eq(mi.report->rcpt[0].status, "5.1.1");
	ck_assert_ptr_nonnull(strstr(mi.report->rcpt[0].diagnostic, "550"));
	ck_assert_ptr_nonnull(strstr(mi.text, "penrima"));
	msg_info_free(&mi);
	holdings_free(h);
	test_run_free(&r);
}
END_TEST

/* --select of an unknown node: exit 2, naming the nodes. */
START_TEST(test_holdings_select_bogus)
{
	char out[4096];
	int rc = run_surel("view scenarios/06-unknown-user.json --screenshot "
	    "/tmp/surel-select-bogus.png --select bogus", out, sizeof out);

	ck_assert_int_eq(rc, 2);
	if (strstr(out, "window") == NULL || strstr(out, "bogus") != NULL) {
		ck_assert_ptr_nonnull(strstr(out, "bogus"));
		ck_assert_ptr_nonnull(strstr(out, "mx-penerima"));
		ck_assert_ptr_nonnull(strstr(out, "laptop-pengirim"));
	}
}
END_TEST

Suite *
holdings_suite(void)
{
	Suite *s = suite_create("holdings");
	TCase *tc = tcase_create("holdings");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_holdings_every_account);
	tcase_add_test(tc, test_holdings_imap_seen);
	tcase_add_test(tc, test_holdings_pop3_gone);
	tcase_add_test(tc, test_holdings_dns);
	tcase_add_test(tc, test_holdings_open_default);
	tcase_add_test(tc, test_holdings_open_bounce);
	tcase_add_test(tc, test_holdings_select_bogus);
	suite_add_tcase(s, tc);
	return s;
}
