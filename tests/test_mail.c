/*
 * test_mail.c: the bundled scenarios of the mail story, run whole and
 * checked through the state they leave (mailboxes, deliveries, queues)
 * and the frames they put on the wire.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "export.h"
#include "helpers.h"
#include "mail.h"
#include "message.h"
#include "world.h"

struct run {
	struct scenario *sc;
	struct sim	*s;
};

static struct scenario *
load_text(const char *text, const char *name)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, strlen(text), name, &errs);

	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	return sc;
}

static struct run
run_file(const char *path)
{
	size_t n;
	char *text = test_slurp(path, &n);
	struct run r;

	ck_assert_ptr_nonnull(text);
	r.sc = load_text(text, path);
	free(text);
	r.s = sim_new(r.sc, r.sc->seed);
	sim_run(r.s);
	return r;
}

static struct run
run_text(const char *text)
{
	struct run r;

	r.sc = load_text(text, "inline");
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

static const struct delivery *
dlv(struct run *r, const char *rcpt, int bounce)
{
	const struct mail_world *w = r->s->mail;

	for (int i = 0; i < w->ndlv; i++) {
		int is_bounce = strstr(w->dlv[i].message_id, ".bounce@") != NULL;

		if (strcmp(w->dlv[i].rcpt, rcpt) == 0 && is_bounce == bounce)
			return &w->dlv[i];
	}
	return NULL;
}

static const char *
node_id(struct run *r, int n)
{
	return r->sc->nodes[n].id;
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

/* Frames to or from UDP port 53. */
static int
dns_frames(struct run *r)
{
	const struct trace *tr = sim_trace(r->s);
	int n = 0;

	for (size_t i = 0; i < trace_frame_count(tr); i++) {
		const uint8_t *p = trace_frame_bytes(tr, (uint32_t)i);

		if (p[23] == 17 && (get16(p + 34) == 53 || get16(p + 36) == 53))
			n++;
	}
	return n;
}

static int
app_lines_with(struct run *r, const char *needle)
{
	const struct trace *tr = sim_trace(r->s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_APP &&
		    strstr(trace_text_at(tr, rec.text), needle))
			n++;
	}
	return n;
}

static struct msg_info
parse_msg(const struct mbox_msg *m)
{
	struct msg_info mi;

	ck_assert_int_eq(msg_parse(m->data.data, m->data.len, &mi), 0);
	return mi;
}

START_TEST(test_same_domain_no_dns)
{
	struct run r = run_file("scenarios/03-same-domain.json");
	const struct delivery *d = dlv(&r, "teman@pengirimmail.com", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "delivered");
	ck_assert_str_eq(node_id(&r, d->server), "mail-pengirim");
	ck_assert_int_eq(dns_frames(&r), 0);
	struct mailbox *mb = box(&r, "teman@pengirimmail.com");
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_uint_eq(mb->msgs[0].uid, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	ck_assert_int_eq(mi.hops, 1);
	ck_assert_str_eq(mi.subject, "Makan siang?");
	ck_assert_str_eq(mi.from, "pengirim@pengirimmail.com");
	msg_info_free(&mi);
	/* The submission dialogue, as the transcript shows it. */
	ck_assert_int_eq(app_lines_with(&r, "C: EHLO laptop-pengirim.local"), 1);
	ck_assert_int_eq(app_lines_with(&r, "S: 235 2.7.0"), 1);
	ck_assert_int_eq(app_lines_with(&r, "C: MAIL FROM:<pengirim@pengirimmail.com>"), 1);
	ck_assert_int_eq(app_lines_with(&r, "C: RCPT TO:<teman@pengirimmail.com>"), 1);
	ck_assert_int_eq(app_lines_with(&r, "S: 354 "), 1);
	ck_assert_int_eq(app_lines_with(&r, "S: 221 2.0.0"), 1);
	run_free(&r);
}
END_TEST

START_TEST(test_cross_domain_through_mx)
{
	struct run r = run_file("scenarios/04-dns-mx.json");
	const struct delivery *d = dlv(&r, "penerima@penerimamail.com", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "delivered");
	ck_assert_str_eq(node_id(&r, d->server), "mx-penerima");
	ck_assert_int_ge(dns_frames(&r), 4);	/* MX and A, questions and answers */
	ck_assert_int_eq(app_lines_with(&r, "query MX penerimamail.com"), 1);
	ck_assert_int_eq(app_lines_with(&r,
	    "penerimamail.com MX 10 mx.penerimamail.com"), 1);
	ck_assert_int_eq(app_lines_with(&r, "query A mx.penerimamail.com"), 1);
	struct mailbox *mb = box(&r, "penerima@penerimamail.com");
	ck_assert_int_eq(mb->nmsgs, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	ck_assert_int_eq(mi.hops, 2);
	ck_assert_int_eq(mi.natt, 1);
	ck_assert_str_eq(mi.att[0].name, "foto.jpg");
	ck_assert_str_eq(mi.att[0].content_type, "image/jpeg");
	ck_assert_uint_eq(mi.att[0].size, 6000);
	/* The bytes that arrived are the bytes the sender attached. */
	struct buf want = { 0 };
	uint8_t digest[32];
	struct sha256_ctx ctx;
	msg_attachment_bytes(r.sc->seed, 0, 6000, &want);
	sha256_init(&ctx);
	sha256_update(&ctx, want.len, want.data);
	sha256_digest(&ctx, sizeof digest, digest);
	ck_assert_mem_eq(mi.att[0].sha256, digest, 32);
	buf_free(&want);
	msg_info_free(&mi);
	/* Final delivery adds Return-Path (RFC 5321 4.4). */
	ck_assert(strncmp((char *)mb->msgs[0].data.data,
	    "Return-Path: <pengirim@pengirimmail.com>\r\n", 42) == 0);
	run_free(&r);
}
END_TEST

START_TEST(test_relay_chain_received_per_hop)
{
	struct run r = run_file("scenarios/05-relay-hops.json");
	struct mailbox *mb = box(&r, "penerima@penerimamail.com");

	ck_assert_int_eq(mb->nmsgs, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	ck_assert_int_eq(mi.hops, 4);	/* mail-pengirim, relay-1, relay-2, mx */
	msg_info_free(&mi);
	const char *m = (const char *)mb->msgs[0].data.data;
	const char *by[4] = { "by mx.penerimamail.com", "by relay2.kurirmail.net",
	    "by relay1.kurirmail.net", "by mail.pengirimmail.com" };
	const char *at = m;
	for (int i = 0; i < 4; i++) {
		/* Newest on top: the last server's line comes first. */
		const char *p = strstr(at, by[i]);
		ck_assert_msg(p != NULL, "no '%s' after the previous hop", by[i]);
		at = p;
	}
	run_free(&r);
}
END_TEST

START_TEST(test_unknown_user_bounces_to_sender)
{
	struct run r = run_file("scenarios/06-unknown-user.json");
	const struct delivery *d = dlv(&r, "penrima@penerimamail.com", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "bounced");
	ck_assert_str_eq(node_id(&r, d->server), "mx-penerima");
	ck_assert(strncmp(d->reply, "550 5.1.1", 9) == 0);
	const struct delivery *b = dlv(&r, "pengirim@pengirimmail.com", 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(delivery_status_str(b->status), "delivered");
	struct mailbox *mb = box(&r, "pengirim@pengirimmail.com");
	ck_assert_int_eq(mb->nmsgs, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	ck_assert_ptr_nonnull(mi.report);
	ck_assert_str_eq(mi.report->report_type, "delivery-status");
	ck_assert_int_eq(mi.report->nrcpt, 1);
	ck_assert_str_eq(mi.report->rcpt[0].final_recipient,
	    "penrima@penerimamail.com");
	ck_assert_str_eq(mi.report->rcpt[0].status, "5.1.1");
	ck_assert_str_eq(mi.report->rcpt[0].action, "failed");
	msg_info_free(&mi);
	/* The bounce travels with the null reverse-path (RFC 5321 4.5.5). */
	ck_assert(strncmp((char *)mb->msgs[0].data.data, "Return-Path: <>\r\n",
	    17) == 0);
	ck_assert_int_eq(box(&r, "penerima@penerimamail.com")->nmsgs, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_no_such_domain_bounces)
{
	struct run r = run_file("scenarios/07-no-such-domain.json");
	const struct delivery *d = dlv(&r, "penerima@penerimamial.com", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "bounced");
	ck_assert_str_eq(node_id(&r, d->server), "mail-pengirim");
	ck_assert(strncmp(d->reply, "550 5.1.2", 9) == 0);
	ck_assert_int_ge(app_lines_with(&r, "NXDOMAIN"), 1);
	struct mailbox *mb = box(&r, "pengirim@pengirimmail.com");
	ck_assert_int_eq(mb->nmsgs, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	ck_assert_ptr_nonnull(mi.report);
	ck_assert_str_eq(mi.report->rcpt[0].status, "5.1.2");
	msg_info_free(&mi);
	run_free(&r);
}
END_TEST

START_TEST(test_only_mx_down_then_back)
{
	struct run r = run_file("scenarios/10-server-down.json");
	const struct delivery *d = dlv(&r, "penerima@penerimamail.com", 0);
	const struct trace *tr = sim_trace(r.s);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "delivered");
	int retries = 0;
	uint64_t delivered_at = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_STATE && rec.a == ST_QUEUE_RETRY)
			retries++;
		if (rec.kind == TR_STATE && rec.a == ST_MAILBOX_ADD)
			delivered_at = rec.t;
	}
	ck_assert_int_ge(retries, 1);
	ck_assert_uint_gt(delivered_at, 90 * SIM_SEC);	/* after it came back */
	struct sim_stats st;
	sim_stats(r.s, &st);
	ck_assert_uint_gt(st.dropped, 0);		/* SYNs to a machine that is off */
	ck_assert_int_eq(box(&r, "penerima@penerimamail.com")->nmsgs, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_backup_mx_takes_over)
{
	struct run r = run_file("scenarios/11-backup-mx.json");
	const struct delivery *d = dlv(&r, "penerima@penerimamail.com", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "delivered");
	ck_assert_str_eq(node_id(&r, d->server), "mailbox-penerima");
	struct mailbox *mb = box(&r, "penerima@penerimamail.com");
	ck_assert_int_eq(mb->nmsgs, 1);
	ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data,
	    "by mx2.penerimamail.com"));
	ck_assert_ptr_null(strstr((char *)mb->msgs[0].data.data,
	    "by mx.penerimamail.com"));
	run_free(&r);
}
END_TEST

START_TEST(test_open_relay_refused)
{
	struct run r = run_file("scenarios/12-open-relay.json");
	const struct delivery *d = dlv(&r, "pengirim@pengirimmail.com", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "rejected");
	ck_assert(strncmp(d->reply, "554 5.7.1", 9) == 0);
	ck_assert_int_eq(box(&r, "pengirim@pengirimmail.com")->nmsgs, 0);
	/* Mail for the server's own domain is fine from anyone. */
	const struct delivery *ok = dlv(&r, "penerima@penerimamail.com", 0);
	ck_assert_ptr_nonnull(ok);
	ck_assert_str_eq(delivery_status_str(ok->status), "delivered");
	run_free(&r);
}
END_TEST

/* A tiny world for the policy tests: one client, one server. */
static const char *small_world =
"{\"surel\":1,\"title\":\"t\",\"nodes\":["
"{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.2\"},"
"{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
"\"services\":{\"smtp\":{\"domains\":[\"a.test\"]},\"submission\":{}}}],"
"\"links\":[{\"a\":\"pc\",\"b\":\"srv\"}],"
"\"accounts\":[{\"address\":\"u@a.test\",\"server\":\"srv\",\"user\":\"u\",\"password\":\"pw\"},"
"{\"address\":\"v@a.test\",\"server\":\"srv\",\"user\":\"v\",\"password\":\"pw\"}],"
"\"actions\":[%s]}";

static struct run
small(const char *actions)
{
	char *text = xasprintf(small_world, actions);
	struct run r = run_text(text);

	free(text);
	return r;
}

START_TEST(test_submission_needs_auth)
{
	struct run r = small("{\"at_ms\":0,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\","
	    "\"to\":[\"v@a.test\"],\"via\":\"srv\"}}");
	const struct delivery *d = dlv(&r, "v@a.test", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "rejected");
	ck_assert(strncmp(d->reply, "530 5.7.0", 9) == 0);
	run_free(&r);
}
END_TEST

START_TEST(test_wrong_password_rejected)
{
	struct run r = small("{\"at_ms\":0,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\","
	    "\"to\":[\"v@a.test\"],\"via\":\"srv\",\"auth\":{\"user\":\"u\",\"password\":\"salah\"}}}");
	const struct delivery *d = dlv(&r, "v@a.test", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "rejected");
	ck_assert(strncmp(d->reply, "535 5.7.8", 9) == 0);
	ck_assert_int_eq(box(&r, "v@a.test")->nmsgs, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_bcc_gets_copy_without_header)
{
	struct run r = small("{\"at_ms\":0,\"node\":\"pc\",\"send\":{\"from\":\"u@a.test\","
	    "\"to\":[\"u@a.test\"],\"bcc\":[\"v@a.test\"],\"subject\":\"rahasia\",\"via\":\"srv\","
	    "\"auth\":{\"user\":\"u\",\"password\":\"pw\"}}}");

	ck_assert_int_eq(box(&r, "u@a.test")->nmsgs, 1);
	ck_assert_int_eq(box(&r, "v@a.test")->nmsgs, 1);
	ck_assert_ptr_null(strstr((char *)box(&r, "v@a.test")->msgs[0].data.data,
	    "v@a.test>"));	/* only the envelope knew */
	ck_assert_ptr_null(strstr((char *)box(&r, "v@a.test")->msgs[0].data.data,
	    "Bcc:"));
	run_free(&r);
}
END_TEST

START_TEST(test_mail_loop_stopped_by_hop_count)
{
	const char *text =
	"{\"surel\":1,\"title\":\"loop\",\"nodes\":["
	"{\"id\":\"r1\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"r1.test\","
	"\"services\":{\"smtp\":{\"relay_via\":\"r2\",\"max_hops\":6}}},"
	"{\"id\":\"r2\",\"kind\":\"server\",\"ip\":\"10.0.0.2\",\"hostname\":\"r2.test\","
	"\"services\":{\"smtp\":{\"relay_via\":\"r1\",\"max_hops\":6,\"domains\":[\"b.test\"]}}}],"
	"\"links\":[{\"a\":\"r1\",\"b\":\"r2\"}],"
	"\"accounts\":[{\"address\":\"x@b.test\",\"server\":\"r2\",\"password\":\"p\"}],"
	"\"actions\":[{\"at_ms\":0,\"node\":\"r1\",\"send\":{\"from\":\"x@b.test\","
	"\"to\":[\"y@c.test\"]}}]}";
	struct run r = run_text(text);
	const struct delivery *d = dlv(&r, "y@c.test", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "bounced");
	ck_assert(strncmp(d->reply, "554 5.4.6", 9) == 0);
	/* The bounce reaches the sender's mailbox on r2. */
	ck_assert_int_eq(box(&r, "x@b.test")->nmsgs, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_mail_pcap_deterministic)
{
	struct buf p[2] = { 0 }, t[2] = { 0 }, sm[2] = { 0 };

	for (int k = 0; k < 2; k++) {
		struct run r = run_file("scenarios/default.json");

		export_pcap(r.s, -1, &p[k]);
		export_trace_jsonl(r.s, &t[k]);
		export_summary(r.s, &sm[k]);
		run_free(&r);
	}
	ck_assert_uint_gt(p[0].len, 20000);
	ck_assert_uint_eq(p[0].len, p[1].len);
	ck_assert_mem_eq(p[0].data, p[1].data, p[0].len);
	ck_assert_uint_eq(t[0].len, t[1].len);
	ck_assert_mem_eq(t[0].data, t[1].data, t[0].len);
	ck_assert_uint_eq(sm[0].len, sm[1].len);
	ck_assert_mem_eq(sm[0].data, sm[1].data, sm[0].len);
	for (int k = 0; k < 2; k++) {
		buf_free(&p[k]);
		buf_free(&t[k]);
		buf_free(&sm[k]);
	}
}
END_TEST

/* A raw client: sends a whole script at once (the server must read pipelined input in order) and keeps every reply. */
struct raw {
	const char	*script;
	struct buf	 got;
	int		 closed;
};

static void
raw_connected(struct tcp_conn *c, void *u)
{
	struct raw *r = u;

	tcp_send(c, r->script, strlen(r->script));
}

static void
raw_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct raw *r = u;

	(void)c;
	buf_append(&r->got, p, n);
}

static void
raw_peer_closed(struct tcp_conn *c, void *u)
{
	struct raw *r = u;

	r->closed = 1;
	tcp_close(c);
}

static const struct tcp_ops raw_ops = {
	.connected = raw_connected,
	.data = raw_data,
	.peer_closed = raw_peer_closed,
};

START_TEST(test_auth_login_and_pipelined_commands)
{
	struct run r = small("");
	struct raw raw = { .script =
	    "EHLO pc.test\r\n"
	    "MAIL FROM:<u@a.test>\r\n"		/* before AUTH: refused */
	    "AUTH LOGIN\r\n"
	    "dQ==\r\n"				/* "u" */
	    "cHc=\r\n"				/* "pw" */
	    "MAIL FROM:<u@a.test>\r\n"
	    "RCPT TO:<somebody@elsewhere.test>\r\n"	/* relaying: allowed after AUTH */
	    "RCPT TO:<nobody@a.test>\r\n"		/* our domain, no such user */
	    "RSET\r\n"
	    "VRFY u\r\n"
	    "FROB\r\n"
	    "QUIT\r\n" };
	int pc = scenario_node_index(r.sc, "pc"), srv = scenario_node_index(r.sc, "srv");

	tcp_connect(r.s, pc, r.sc->nodes[srv].ip, 587, &raw_ops, &raw);
	sim_run(r.s);
	const char *want[] = {
		"220 mail.a.test ESMTP surel\r\n",
		"250-mail.a.test greets pc.test\r\n",
		"250-AUTH PLAIN LOGIN\r\n",
		"530 5.7.0 Authentication required\r\n",
		"334 VXNlcm5hbWU6\r\n",
		"334 UGFzc3dvcmQ6\r\n",
		"235 2.7.0 Authentication successful (u)\r\n",
		"250 2.1.0 Ok\r\n",
		"250 2.1.5 Ok\r\n",
		"550 5.1.1 <nobody@a.test>: Recipient address rejected",
		"250 2.0.0 Ok\r\n",
		"252 2.5.2 Cannot VRFY user",
		"500 5.5.2 Error: command not recognized\r\n",
		"221 2.0.0 Bye\r\n",
	};
	const char *at = (const char *)raw.got.data;
	ck_assert_ptr_nonnull(at);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const char *p = strstr(at, want[i]);
		ck_assert_msg(p != NULL, "missing, in order: %s\nafter: %s", want[i], at);
		at = p + strlen(want[i]);
	}
	ck_assert_int_eq(raw.closed, 1);
	buf_free(&raw.got);
	run_free(&r);
}
END_TEST

START_TEST(test_give_up_bounces_after_give_up_ms)
{
	const char *text =
	"{\"surel\":1,\"title\":\"give up\",\"nodes\":["
	"{\"id\":\"a\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
	"\"services\":{\"smtp\":{\"domains\":[\"a.test\"],\"relay_via\":\"b\","
	"\"retry_ms\":[30000],\"give_up_ms\":200000}}},"
	"{\"id\":\"b\",\"kind\":\"server\",\"ip\":\"10.0.0.2\",\"hostname\":\"mail.b.test\","
	"\"services\":{\"smtp\":{\"domains\":[\"b.test\"]}}}],"
	"\"links\":[{\"a\":\"a\",\"b\":\"b\"}],"
	"\"accounts\":[{\"address\":\"x@a.test\",\"server\":\"a\",\"password\":\"p\"},"
	"{\"address\":\"y@b.test\",\"server\":\"b\",\"password\":\"p\"}],"
	"\"actions\":[{\"at_ms\":0,\"node\":\"b\",\"power\":\"off\"},"
	"{\"at_ms\":10,\"node\":\"a\",\"send\":{\"from\":\"x@a.test\",\"to\":[\"y@b.test\"]}}]}";
	struct run r = run_text(text);
	const struct delivery *d = dlv(&r, "y@b.test", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "bounced");
	ck_assert_str_eq(node_id(&r, d->server), "a");
	ck_assert_ptr_nonnull(strstr(d->reply, "gave up"));
	/* The bounce, in the sender's own mailbox, says 5.x.x for good. */
	ck_assert_int_eq(box(&r, "x@a.test")->nmsgs, 1);
	struct msg_info mi = parse_msg(&box(&r, "x@a.test")->msgs[0]);
	ck_assert_ptr_nonnull(mi.report);
	ck_assert_int_eq(mi.report->rcpt[0].status[0], '5');
	msg_info_free(&mi);
	/* Given up at 200 s, not before, not much after. */
	ck_assert_uint_ge(sim_now(r.s), 200 * SIM_SEC);
	ck_assert_uint_lt(sim_now(r.s), 300 * SIM_SEC);
	ck_assert_int_eq(r.s->mail->mta[0]->nqueue, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_queue_survives_power_cycle)
{
	/* The sending server goes off with the mail in its queue, and delivers after it comes back. */
	const char *text =
	"{\"surel\":1,\"title\":\"power\",\"nodes\":["
	"{\"id\":\"a\",\"kind\":\"server\",\"ip\":\"10.0.0.1\",\"hostname\":\"mail.a.test\","
	"\"services\":{\"smtp\":{\"domains\":[\"a.test\"],\"relay_via\":\"b\","
	"\"retry_ms\":[600000]}}},"
	"{\"id\":\"b\",\"kind\":\"server\",\"ip\":\"10.0.0.2\",\"hostname\":\"mail.b.test\","
	"\"services\":{\"smtp\":{\"domains\":[\"b.test\"]}}}],"
	"\"links\":[{\"a\":\"a\",\"b\":\"b\"}],"
	"\"accounts\":[{\"address\":\"x@a.test\",\"server\":\"a\",\"password\":\"p\"},"
	"{\"address\":\"y@b.test\",\"server\":\"b\",\"password\":\"p\"}],"
	"\"actions\":[{\"at_ms\":0,\"link\":[\"a\",\"b\"],\"state\":\"down\"},"
	"{\"at_ms\":10,\"node\":\"a\",\"send\":{\"from\":\"x@a.test\",\"to\":[\"y@b.test\"]}},"
	"{\"at_ms\":100000,\"node\":\"a\",\"power\":\"off\"},"
	"{\"at_ms\":110000,\"link\":[\"a\",\"b\"],\"state\":\"up\"},"
	"{\"at_ms\":120000,\"node\":\"a\",\"power\":\"on\"}]}";
	struct run r = run_text(text);
	const struct delivery *d = dlv(&r, "y@b.test", 0);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(delivery_status_str(d->status), "delivered");
	ck_assert_int_eq(box(&r, "y@b.test")->nmsgs, 1);
	/* Delivered right after the restart, long before the 600 s retry. */
	ck_assert_uint_lt(sim_now(r.s), 200 * SIM_SEC);
	run_free(&r);
}
END_TEST

START_TEST(test_lesson_email_parts)
{
	struct run r = run_file("scenarios/01-what-is-an-email.json");
	struct mailbox *mb = box(&r, "teman@pengirimmail.com");

	ck_assert_int_eq(mb->nmsgs, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	ck_assert_int_eq(mi.natt, 2);
	ck_assert_str_eq(mi.att[0].name, "ringkasan.txt");
	ck_assert_str_eq(mi.att[0].content_type, "text/plain");
	ck_assert_uint_eq(mi.att[0].size, 49);	/* the text, byte for byte */
	ck_assert_str_eq(mi.att[1].name, "papan-tulis.png");
	ck_assert_uint_eq(mi.att[1].size, 3000);
	msg_info_free(&mi);
	/* The attachment crossed the wire as base64 inside a multipart body. */
	ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data,
	    "Content-Transfer-Encoding: base64"));
	ck_assert_ptr_nonnull(strstr((char *)mb->msgs[0].data.data,
	    "multipart/mixed"));
	run_free(&r);
}
END_TEST

START_TEST(test_lesson_small_segments)
{
	struct run r = run_file("scenarios/02-packets-and-tcp.json");
	const struct trace *tr = sim_trace(r.s);
	int data_segs = 0;

	for (size_t i = 0; i < trace_frame_count(tr); i++) {
		const uint8_t *p = trace_frame_bytes(tr, (uint32_t)i);

		if (p[23] != 6)
			continue;
		/* By the IPv4 total length: short frames carry padding (802.3). */
		size_t payload = get16(p + 16) - 20 - (size_t)(p[46] >> 4) * 4;
		ck_assert_uint_le(payload, 200);
		data_segs += payload > 0;
	}
	ck_assert_int_ge(data_segs, 30);	/* a 6 kB message in 200-byte pieces */
	ck_assert_int_eq(box(&r, "teman@pengirimmail.com")->nmsgs, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_lesson_dns_from_root_and_cache)
{
	struct run r = run_file("scenarios/04b-dns-from-the-root.json");
	const struct trace *tr = sim_trace(r.s);
	int root_first = 0, root_later = 0, cache_adds = 0;
	int root = scenario_node_index(r.sc, "dns-root");

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_APP && rec.peer == root) {
			if (rec.t < 10 * SIM_SEC)
				root_first++;
			else
				root_later++;
		}
		cache_adds += rec.kind == TR_STATE && rec.a == ST_DNS_CACHE_ADD;
	}
	ck_assert_int_eq(root_first, 1);	/* one question to the root */
	ck_assert_int_eq(root_later, 0);	/* the second mail: all from the cache */
	ck_assert_int_ge(cache_adds, 3);
	ck_assert_int_ge(app_lines_with(&r, "referral to com"), 1);
	ck_assert_int_ge(app_lines_with(&r, "referral to penerimamail.com"), 1);
	ck_assert_int_eq(box(&r, "penerima@penerimamail.com")->nmsgs, 2);
	/* Cache expiries do not keep the run going for a day. */
	ck_assert_uint_lt(sim_now(r.s), 60 * SIM_SEC);
	run_free(&r);
}
END_TEST

START_TEST(test_lesson_lossy_link)
{
	struct run r = run_file("scenarios/14-lossy-link.json");
	struct sim_stats st;

	sim_stats(r.s, &st);
	ck_assert_uint_gt(st.dropped, 5);
	ck_assert_uint_gt(st.retransmissions, 5);
	struct mailbox *mb = box(&r, "penerima@penerimamail.com");
	ck_assert_int_eq(mb->nmsgs, 1);
	struct msg_info mi = parse_msg(&mb->msgs[0]);
	struct buf want = { 0 };
	uint8_t digest[32];
	struct sha256_ctx ctx;
	msg_attachment_bytes(r.sc->seed, 0, 12000, &want);
	sha256_init(&ctx);
	sha256_update(&ctx, want.len, want.data);
	sha256_digest(&ctx, sizeof digest, digest);
	ck_assert_int_eq(mi.natt, 1);
	ck_assert_mem_eq(mi.att[0].sha256, digest, 32);	/* intact despite the losses */
	buf_free(&want);
	msg_info_free(&mi);
	run_free(&r);
}
END_TEST

Suite *
mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("scenarios");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_same_domain_no_dns);
	tcase_add_test(tc, test_cross_domain_through_mx);
	tcase_add_test(tc, test_relay_chain_received_per_hop);
	tcase_add_test(tc, test_unknown_user_bounces_to_sender);
	tcase_add_test(tc, test_no_such_domain_bounces);
	tcase_add_test(tc, test_only_mx_down_then_back);
	tcase_add_test(tc, test_backup_mx_takes_over);
	tcase_add_test(tc, test_open_relay_refused);
	tcase_add_test(tc, test_submission_needs_auth);
	tcase_add_test(tc, test_wrong_password_rejected);
	tcase_add_test(tc, test_bcc_gets_copy_without_header);
	tcase_add_test(tc, test_mail_loop_stopped_by_hop_count);
	tcase_add_test(tc, test_mail_pcap_deterministic);
	tcase_add_test(tc, test_auth_login_and_pipelined_commands);
	tcase_add_test(tc, test_give_up_bounces_after_give_up_ms);
	tcase_add_test(tc, test_queue_survives_power_cycle);
	tcase_add_test(tc, test_lesson_email_parts);
	tcase_add_test(tc, test_lesson_small_segments);
	tcase_add_test(tc, test_lesson_dns_from_root_and_cache);
	tcase_add_test(tc, test_lesson_lossy_link);
	suite_add_tcase(s, tc);
	return s;
}
