/*
 * test_mta.c: the sending server's choices of issue 13, each in a small
 * world made for it: MX of equal preference in a seeded random order
 * (RFC 5321 5.1), a connect that gives up after 30 s, an MX host that
 * does not exist (final: 5.4.4), the SIZE the peer announced (RFC 1870:
 * 5.3.4), a bounce's Arrival-Date (RFC 3464 2.2.5), and a text line over
 * 998 characters sent as quoted-printable (RFC 5322 2.1.1, RFC 2045
 * 6.7).  Bounces and messages are judged by Python's email package with
 * policy.strict.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "mail.h"
#include "message.h"
#include "world.h"

struct run {
	struct scenario *sc;
	struct sim	*s;
};

/*
 * pc submits to out (mail.a.test), which sends to the MX of b.test:
 * mx1..mx4 (10.0.0.11-14), all handing mail by LMTP to box.  %s: extra
 * fields of out's smtp, the DNS records of b.test, and the actions.
 */
static const char *world =
"{\"surel\":1,\"title\":\"t\",\"seed\":%u,\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"net\",\"kind\":\"router\",\"ip\":\"10.0.0.1\"},"
"{\"id\":\"dns\",\"kind\":\"server\",\"ip\":\"10.0.0.53\",\"hostname\":\"ns.test\","
"\"services\":{\"dns\":{\"records\":["
"{\"name\":\"mail.a.test\",\"type\":\"A\",\"address\":\"10.0.0.10\"},"
"{\"name\":\"mx1.b.test\",\"type\":\"A\",\"address\":\"10.0.0.11\"},"
"{\"name\":\"mx2.b.test\",\"type\":\"A\",\"address\":\"10.0.0.12\"},"
"{\"name\":\"mx3.b.test\",\"type\":\"A\",\"address\":\"10.0.0.13\"},"
"{\"name\":\"mx4.b.test\",\"type\":\"A\",\"address\":\"10.0.0.14\"}%s]}}},"
"{\"id\":\"out\",\"kind\":\"server\",\"ip\":\"10.0.0.10\",\"hostname\":\"mail.a.test\","
"\"resolver\":\"dns\",\"services\":{\"smtp\":{\"domains\":[\"a.test\"]%s},"
"\"submission\":{}}},"
"{\"id\":\"mx1\",\"kind\":\"server\",\"ip\":\"10.0.0.11\",\"hostname\":\"mx1.b.test\","
"\"services\":{\"smtp\":{\"domains\":[\"b.test\"],\"deliver\":\"box\"%s}}},"
"{\"id\":\"mx2\",\"kind\":\"server\",\"ip\":\"10.0.0.12\",\"hostname\":\"mx2.b.test\","
"\"services\":{\"smtp\":{\"domains\":[\"b.test\"],\"deliver\":\"box\"}}},"
"{\"id\":\"mx3\",\"kind\":\"server\",\"ip\":\"10.0.0.13\",\"hostname\":\"mx3.b.test\","
"\"services\":{\"smtp\":{\"domains\":[\"b.test\"],\"deliver\":\"box\"}}},"
"{\"id\":\"mx4\",\"kind\":\"server\",\"ip\":\"10.0.0.14\",\"hostname\":\"mx4.b.test\","
"\"services\":{\"smtp\":{\"domains\":[\"b.test\"],\"deliver\":\"box\"}}},"
"{\"id\":\"box\",\"kind\":\"server\",\"ip\":\"10.0.0.20\",\"hostname\":\"box.b.test\","
"\"services\":{\"lmtp\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"net\"},{\"a\":\"dns\",\"b\":\"net\"},"
"{\"a\":\"out\",\"b\":\"net\"},{\"a\":\"mx1\",\"b\":\"net\"},{\"a\":\"mx2\",\"b\":\"net\"},"
"{\"a\":\"mx3\",\"b\":\"net\"},{\"a\":\"mx4\",\"b\":\"net\"},{\"a\":\"box\",\"b\":\"net\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"out\",\"user\":\"u\",\"password\":\"pw\"},"
"{\"address\":\"v@b.test\",\"server\":\"box\",\"user\":\"v\",\"password\":\"pw\"}],"
"\"actions\":[%s"
"{\"at_ms\":1000,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\",\"to\":[\"v@b.test\"],"
"\"subject\":\"uji\",\"via\":\"out\",\"auth\":{\"user\":\"u\",\"password\":\"pw\"}%s}}]}";

/* MX b.test: pref 10 for mx1-mx3, 20 for the backup mx4. */
static const char *equal_mx =
",{\"name\":\"b.test\",\"type\":\"MX\",\"preference\":10,\"exchange\":\"mx1.b.test\"}"
",{\"name\":\"b.test\",\"type\":\"MX\",\"preference\":20,\"exchange\":\"mx4.b.test\"}"
",{\"name\":\"b.test\",\"type\":\"MX\",\"preference\":10,\"exchange\":\"mx2.b.test\"}"
",{\"name\":\"b.test\",\"type\":\"MX\",\"preference\":10,\"exchange\":\"mx3.b.test\"}";

/* MX b.test: mx1 first (10), then mx2 (20). */
static const char *two_mx =
",{\"name\":\"b.test\",\"type\":\"MX\",\"preference\":10,\"exchange\":\"mx1.b.test\"}"
",{\"name\":\"b.test\",\"type\":\"MX\",\"preference\":20,\"exchange\":\"mx2.b.test\"}";

static struct run
run_world(unsigned seed, const char *records, const char *out_smtp,
    const char *mx1_smtp, const char *actions, const char *send_extra)
{
	char *text = xasprintf(world, seed, records, out_smtp, mx1_smtp,
	    actions, send_extra);
	struct sc_errors errs = { 0 };
	struct run r;

	r.sc = scenario_load(text, strlen(text), "inline", &errs);
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	free(text);
	r.s = sim_new(r.sc, r.sc->seed);
	sim_run(r.s);
	return r;
}

static void
run_free(struct run *r)
{
	sim_free(r->s);
	scenario_free(r->sc);
}

static struct mailbox *
box(struct run *r, const char *addr)
{
	for (int i = 0; i < r->s->mail->nboxes; i++)
		if (strcmp(r->s->mail->boxes[i].address, addr) == 0)
			return &r->s->mail->boxes[i];
	ck_abort_msg("no mailbox %s", addr);
	return NULL;
}

static const struct delivery *
dlv(struct run *r, const char *rcpt)
{
	const struct mail_world *w = r->s->mail;

	for (int i = 0; i < w->ndlv; i++)
		if (strcmp(w->dlv[i].rcpt, rcpt) == 0 &&
		    strstr(w->dlv[i].message_id, ".bounce@") == NULL)
			return &w->dlv[i];
	return NULL;
}

/* State records of kind a (ST_QUEUE_RETRY ...). */
static int
states(struct run *r, uint32_t a)
{
	const struct trace *tr = sim_trace(r->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		n += rec.kind == TR_STATE && rec.a == a;
	}
	return n;
}

/* Records whose narration has this key. */
static int
said(struct run *r, const char *key)
{
	const struct trace *tr = sim_trace(r->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		struct trace_say y;

		if (trace_say_read(tr, trace_at(tr, i).say, &y) &&
		    y.key_len == strlen(key) &&
		    memcmp(y.key, key, y.key_len) == 0)
			n++;
	}
	return n;
}

/* Which of mx1..mx4 wrote the Received: field of v@b.test's message. */
static int
taken_by(struct run *r)
{
	struct mailbox *mb = box(r, "v@b.test");

	ck_assert_int_eq(mb->nmsgs, 1);
	for (int k = 1; k <= 4; k++) {
		char by[32];

		snprintf(by, sizeof by, "by mx%d.b.test", k);
		if (strstr((char *)mb->msgs[0].data.data, by) != NULL)
			return k;
	}
	ck_abort_msg("no Received: by an MX");
	return 0;
}

/* Runs "python3 - FILE" on bytes p[0..n) and returns what it printed. */
static char *
python(const char *script, const uint8_t *p, size_t n)
{
	char in[] = "/tmp/surel-mta-XXXXXX";
	int fd = mkstemp(in);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	char *cmd = xasprintf("PYTHONIOENCODING=utf-8 python3 - %s 2>&1 <<'EOF'\n"
	    "%s\nEOF\n", in, script);
	FILE *f = popen(cmd, "r");
	struct buf out = { 0 };
	char chunk[4096];
	size_t k;

	ck_assert_ptr_nonnull(f);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&out, chunk, k);
	int st = pclose(f);
	unlink(in);
	free(cmd);
	ck_assert_msg(st == 0, "python3 failed (%d):\n%s", st,
	    out.data ? (char *)out.data : "");
	return out.data ? (char *)out.data : xstrdup("");
}

/*
 * A bounce as Python's strict parser reads it: its Date, the
 * Arrival-Date, the original's Date, and Status and Diagnostic-Code of
 * the one recipient.  policy.strict raises on any defect.
 */
static const char judge_bounce_py[] =
"import sys, email, email.parser, email.policy, email.utils\n"
"with open(sys.argv[1], 'rb') as f:\n"
"    m = email.message_from_binary_file(f, policy=email.policy.strict)\n"
"parts = list(m.iter_parts())\n"
"blocks = parts[1].get_payload()\n"
"orig = email.parser.Parser(policy=email.policy.strict).parsestr("
"parts[2].get_content(), headersonly=True)\n"
"d = email.utils.parsedate_to_datetime\n"
"print('late', int((d(m['Date']) - d(blocks[0]['Arrival-Date']))"
".total_seconds()))\n"
"print('arrival_is_orig', d(blocks[0]['Arrival-Date']) == d(orig['Date']))\n"
"print('status', blocks[1]['Status'])\n"
"print('action', blocks[1]['Action'])\n"
"print('diag', blocks[1]['Diagnostic-Code'].split(';')[0])\n"
"print('remote', blocks[1]['Remote-MTA'])\n";

/* The bounce in u@a.test's mailbox, judged. */
static char *
judge_bounce(struct run *r)
{
	struct mailbox *mb = box(r, "u@a.test");

	ck_assert_int_eq(mb->nmsgs, 1);
	return python(judge_bounce_py, mb->msgs[0].data.data,
	    mb->msgs[0].data.len);
}

/*
 * RFC 5321 5.1: equal preferences MUST be randomized.  Three MX of
 * preference 10: over a dozen seeds each of them takes the mail first
 * at least once, the backup (20) never, and one seed gives the same
 * choice every run.
 */
START_TEST(test_equal_mx_order_from_seed)
{
	int seen[5] = { 0 };

	for (unsigned seed = 1; seed <= 12; seed++) {
		struct run r = run_world(seed, equal_mx, "", "", "", "");
		int k = taken_by(&r);

		seen[k]++;
		ck_assert_int_eq(states(&r, ST_QUEUE_RETRY), 0);
		run_free(&r);
		struct run again = run_world(seed, equal_mx, "", "", "", "");
		ck_assert_int_eq(taken_by(&again), k);
		run_free(&again);
	}
	ck_assert_int_gt(seen[1], 0);
	ck_assert_int_gt(seen[2], 0);
	ck_assert_int_gt(seen[3], 0);
	ck_assert_int_eq(seen[4], 0);
}
END_TEST

/*
 * mx1 is off: the connect gives up 30 s after its first SYN (Postfix's
 * smtp_connect_timeout), after 5 SYNs (0, 1, 3, 7, 15 s), not TCP's 63 s
 * with 6; mx2 takes the mail in the same run.
 */
START_TEST(test_connect_timeout_30s_then_next_mx)
{
	struct run r = run_world(1, two_mx, "", "",
	    "{\"at_ms\":0,\"node\":\"mx1\",\"power\":\"off\"},", "");
	const struct trace *tr = sim_trace(r.s);
	uint64_t first = 0, failed = 0;
	int syns = 0, errors = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_FRAME_TX && rec.a == 1) {
			const uint8_t *p = trace_frame_bytes(tr, rec.frame);

			/* IPv4 to 10.0.0.11, TCP, SYN alone. */
			if (get32(p + 30) == 0x0a00000b && p[23] == 6 &&
			    p[47] == 0x02) {
				if (syns++ == 0)
					first = rec.t;
			}
		}
		if (rec.kind == TR_TCP_ERROR) {
			errors++;
			failed = rec.t;
			ck_assert_int_eq(rec.a, TCP_ERR_TIMEOUT);
		}
	}
	ck_assert_int_eq(syns, 5);
	ck_assert_int_eq(errors, 1);
	ck_assert_uint_eq(failed - first, 30 * SIM_SEC);
	ck_assert_int_eq(taken_by(&r), 2);
	ck_assert_int_eq(states(&r, ST_QUEUE_RETRY), 1);	/* next MX */
	ck_assert_int_eq(said(&r, "state.queue_retry.next_mx"), 1);
	run_free(&r);
}
END_TEST

/*
 * The only MX names a host that does not exist: a bounce at once with
 * 5.4.4 (RFC 3463 3.5), no retry, and a Diagnostic-Code that is not
 * smtp, since no server spoke (RFC 3464 2.3.6).
 */
START_TEST(test_nxdomain_mx_host_bounces_at_once)
{
	struct run r = run_world(1, ",{\"name\":\"b.test\",\"type\":\"MX\","
	    "\"preference\":10,\"exchange\":\"nohost.b.test\"}", "", "", "",
	    "");
	const struct delivery *d = dlv(&r, "v@b.test");

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "bounced");
	ck_assert(strncmp(d->reply, "550 5.4.4 ", 10) == 0);
	ck_assert_int_eq(said(&r, "state.delivery.no_mx_host"), 1);
	ck_assert_int_eq(states(&r, ST_QUEUE_RETRY), 0);
	ck_assert_uint_lt(sim_time(r.s), 10 * SIM_SEC);
	char *got = judge_bounce(&r);
	ck_assert_str_eq(got, "late 0\narrival_is_orig True\n"
	    "status 5.4.4\naction failed\ndiag X-Surel\nremote None\n");
	free(got);
	run_free(&r);
}
END_TEST

/* The domain itself does not exist: 5.1.2, and again not smtp. */
START_TEST(test_nxdomain_domain_diag_not_smtp)
{
	struct run r = run_world(1, two_mx, "", "", "",
	    ",\"cc\":[\"w@tidakada.test\"]");
	const struct delivery *d = dlv(&r, "w@tidakada.test");

	ck_assert_ptr_nonnull(d);
	ck_assert_msg(strncmp(d->reply, "550 5.1.2 ", 10) == 0, "%s", d->reply);
	char *got = judge_bounce(&r);
	ck_assert_str_eq(got, "late 0\narrival_is_orig True\n"
	    "status 5.1.2\naction failed\ndiag X-Surel\nremote None\n");
	free(got);
	run_free(&r);
}
END_TEST

/*
 * RFC 1870: mx1 announced SIZE 10000 and the message is bigger, so
 * MAIL is never sent to it: a bounce at once with 5.3.4, in our words.
 */
START_TEST(test_size_announced_is_honoured)
{
	struct run r = run_world(1, two_mx, "", ",\"max_size\":10000", "",
	    ",\"attachments\":[{\"name\":\"a.bin\",\"content_type\":\"application/octet-stream\",\"size\":20000}]");
	const struct delivery *d = dlv(&r, "v@b.test");
	const struct trace *tr = sim_trace(r.s);
	int mails = 0;

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "bounced");
	ck_assert(strncmp(d->reply, "552 5.3.4 ", 10) == 0);
	ck_assert_ptr_nonnull(strstr(d->reply, "10000"));
	ck_assert_int_eq(said(&r, "state.delivery.too_big"), 1);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		/* Said to or by mx1 (node 4). */
		if (rec.kind == TR_APP && (rec.node == 4 || rec.peer == 4) &&
		    strstr(trace_text_at(tr, rec.text), "MAIL FROM") != NULL)
			mails++;
	}
	ck_assert_int_eq(mails, 0);
	ck_assert_int_eq(box(&r, "v@b.test")->nmsgs, 0);
	ck_assert_int_eq(states(&r, ST_QUEUE_RETRY), 0);
	char *got = judge_bounce(&r);
	ck_assert_str_eq(got, "late 0\narrival_is_orig True\n"
	    "status 5.3.4\naction failed\ndiag X-Surel\nremote None\n");
	free(got);
	run_free(&r);
}
END_TEST

/*
 * RFC 3464 2.2.5: Arrival-Date is when the original arrived.  mx1 stays
 * off; the queue gives up after 2 minutes and the bounce is written
 * then, but its Arrival-Date is the original's (sent at 1 s).
 */
START_TEST(test_arrival_date_is_the_originals)
{
	struct run r = run_world(1, ",{\"name\":\"b.test\",\"type\":\"MX\","
	    "\"preference\":10,\"exchange\":\"mx1.b.test\"}",
	    ",\"retry_ms\":[60000],\"give_up_ms\":120000", "",
	    "{\"at_ms\":0,\"node\":\"mx1\",\"power\":\"off\"},", "");
	char *got = judge_bounce(&r);

	/* No server replied: the connect failed, so no smtp either. */
	ck_assert_msg(strstr(got, "late 1") == got, "%s", got);
	ck_assert_ptr_nonnull(strstr(got, "\narrival_is_orig True\n"));
	ck_assert_ptr_nonnull(strstr(got, "\ndiag X-Surel\n"));
	free(got);
	run_free(&r);
}
END_TEST

/* The delivered message: its encoding, and whether its text is the sent one. */
static const char judge_text_py[] =
"import sys, email, email.policy\n"
"raw = open(sys.argv[1], 'rb').read()\n"
"print('longest', max(len(l) for l in raw.split(b'\\r\\n')) <= 998)\n"
"m = email.message_from_bytes(raw, policy=email.policy.strict)\n"
"print('cte', m['Content-Transfer-Encoding'])\n"
"t = m.get_content().replace('\\r\\n', '\\n')\n"
"want = ('Halo,\\n' + ' '.join('kata%d' % i for i in range(400)) +"
" ' \\u00e9\\u00e9\\n' + 'x' * 1500 + '=\\n.titik\\nakhir \\n')\n"
"print('same', t == want)\n";

/*
 * RFC 5322 2.1.1: no line over 998.  A body with a 2.3 kB line of
 * words and a 1.5 kB word goes quoted-printable (RFC 2045 6.7), and
 * Python decodes exactly the text that was written.
 */
START_TEST(test_long_line_sent_quoted_printable)
{
	struct buf body = { 0 }, send = { 0 };

	buf_puts(&body, "Halo,\\n");
	for (int i = 0; i < 400; i++)
		buf_printf(&body, "%skata%d", i ? " " : "", i);
	buf_puts(&body, " \xc3\xa9\xc3\xa9\\n");
	for (int i = 0; i < 1500; i++)
		buf_putc(&body, 'x');
	buf_puts(&body, "=\\n.titik\\nakhir \\n");
	buf_printf(&send, ",\"body\":\"%s\"", (char *)body.data);
	struct run r = run_world(1, two_mx, "", "", "", (char *)send.data);
	struct mailbox *mb = box(&r, "v@b.test");

	ck_assert_int_eq(mb->nmsgs, 1);
	char *got = python(judge_text_py, mb->msgs[0].data.data,
	    mb->msgs[0].data.len);
	ck_assert_str_eq(got, "longest True\ncte quoted-printable\n"
	    "same True\n");
	free(got);
	run_free(&r);
	buf_free(&body);
	buf_free(&send);
}
END_TEST

/* Short lines keep their plain encoding: only a long line needs QP. */
START_TEST(test_short_lines_stay_plain)
{
	struct run r = run_world(1, two_mx, "", "", "",
	    ",\"body\":\"Halo \xc3\xa9\\n\"");
	struct mailbox *mb = box(&r, "v@b.test");

	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data,
	    "Content-Transfer-Encoding: 8bit\r\n"));
	run_free(&r);
}
END_TEST

Suite *
mta_suite(void)
{
	Suite *s = suite_create("mta");
	TCase *tc = tcase_create("mta");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_equal_mx_order_from_seed);
	tcase_add_test(tc, test_connect_timeout_30s_then_next_mx);
	tcase_add_test(tc, test_nxdomain_mx_host_bounces_at_once);
	tcase_add_test(tc, test_nxdomain_domain_diag_not_smtp);
	tcase_add_test(tc, test_size_announced_is_honoured);
	tcase_add_test(tc, test_arrival_date_is_the_originals);
	tcase_add_test(tc, test_long_line_sent_quoted_printable);
	tcase_add_test(tc, test_short_lines_stay_plain);
	suite_add_tcase(s, tc);
	return s;
}
