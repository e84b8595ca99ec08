/*
 * test_mail_say.c: the mail layer writes its own narration (shared/
 * DESIGN.md, issue 10 point 4).  Every SMTP/LMTP message and every
 * mailbox, queue and delivery record of every bundled lesson carries a
 * key that the narrator knows and both languages translate; and the
 * sentences that the old narrator guessed wrong are now true: a server
 * that keeps the mail for its own mailbox does not "carry it further",
 * a domain that DNS does not know is no "550", and when the recipient's
 * server refuses, the refusal and the bounce are told by who did them.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "run_helpers.h"
#include "narrate.h"
#include "util.h"

/* The sentence of record i in L; the caller frees it. */
static char *
sentence(const struct test_run *r, const struct narr_lang *L, size_t i)
{
	struct buf o = { 0 };

	narrate(r->sim, L, NULL, i, &o);
	buf_putc(&o, '\0');
	return (char *)o.data;
}

/*
 * The first step at or after from whose narration key is key: steps are
 * found by what they are, not by their number, which moves whenever a
 * layer records one more step (issue 10: the session states).
 */
static size_t
find_key(const struct test_run *r, const char *key, size_t from)
{
	const struct trace *tr = sim_trace(r->sim);

	for (size_t i = from; i < trace_count(tr); i++)
		if (strcmp(narrate_key(r->sim, i), key) == 0)
			return i;
	ck_abort_msg("no step with key %s after step %zu", key, from);
	return 0;
}

/* The next application message at or after from (dir 1) or before it (-1). */
static size_t
find_app(const struct test_run *r, size_t from, int dir)
{
	const struct trace *tr = sim_trace(r->sim);

	for (size_t i = from; i < trace_count(tr); i += (size_t)dir)
		if (trace_at(tr, i).kind == TR_APP)
			return i;
	ck_abort_msg("no application message near step %zu", from);
	return 0;
}

/* Is this a record the mail layer must narrate itself? */
static int
mail_record(const struct trace_rec *r)
{
	if (r->kind == TR_APP)
		return r->a == APP_SMTP || r->a == APP_LMTP;
	if (r->kind != TR_STATE)
		return 0;
	switch (r->a) {
	case ST_MAILBOX_ADD:
	case ST_MAILBOX_DEL:
	case ST_QUEUE_ADD:
	case ST_QUEUE_DEL:
	case ST_QUEUE_RETRY:
	case ST_DELIVERY:
		return 1;
	default:
		return 0;
	}
}

START_TEST(test_every_mail_record_has_its_key)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	size_t nk;
	const char *const *keys = narrate_keys(&nk);
	DIR *d = opendir("scenarios");
	struct dirent *de;
	int files = 0;
	size_t seen = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l <= 5 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		char *path = xasprintf("scenarios/%s", de->d_name);
		struct test_run r = test_run_file(path);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec rec = trace_at(tr, i);
			struct trace_say y;
			char key[128];
			size_t k;

			if (!mail_record(&rec))
				continue;
			ck_assert_msg(rec.say != 0 && trace_say_read(tr,
			    rec.say, &y), "%s: step %zu (%s %s): no say key",
			    path, i, trace_kind_name((enum trace_kind)rec.kind),
			    rec.kind == TR_APP ? trace_text_at(tr, rec.text) :
			    state_what_name((enum state_what)rec.a));
			ck_assert_uint_lt(y.key_len, sizeof key);
			memcpy(key, y.key, y.key_len);
			key[y.key_len] = '\0';
			for (k = 0; k < nk && strcmp(keys[k], key) != 0; k++)
				;
			ck_assert_msg(k < nk, "%s: step %zu: %s is not in "
			    "narrate_keys()", path, i, key);
			ck_assert_msg(narr_lang_text(en, key) != NULL &&
			    narr_lang_text(id, key) != NULL, "%s: step %zu: %s "
			    "lacks a sentence", path, i, key);
			/* The narrator takes the engine's key as it is. */
			ck_assert_str_eq(narrate_key(r.sim, i), key);
			seen++;
		}
		test_run_free(&r);
		free(path);
		files++;
	}
	closedir(d);
	ck_assert_int_gt(files, 10);
	ck_assert_uint_gt(seen, 500);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * Lessons where the old narrator said "accepted the mail and will carry
 * it further" of a server that keeps the mail for a mailbox of its own
 * (every such step of each is checked).
 */
static const char *const final_files[] = {
	"scenarios/default.json",
	"scenarios/03-same-domain.json",
	"scenarios/06-unknown-user.json",
	"scenarios/10-server-down.json",
	"scenarios/12-open-relay.json",
	"scenarios/14-lossy-link.json",
};

START_TEST(test_final_delivery_is_not_carried_further)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");

	for (size_t f = 0; f < sizeof final_files / sizeof *final_files; f++) {
		struct test_run r = test_run_file(final_files[f]);
		size_t i = find_key(&r, "state.delivery.queued_local", 0);
		char *e, *d;

		e = sentence(&r, en, i);
		d = sentence(&r, id, i);
		ck_assert_msg(strstr(e, "this is the last server: the mail goes "
		    "into a mailbox here") != NULL, "%s", e);
		ck_assert_ptr_null(strstr(e, "carry it further"));
		ck_assert_msg(strstr(d, "ini server terakhir: surat masuk ke "
		    "kotak surat di sini") != NULL, "%s", d);
		ck_assert_ptr_null(strstr(d, "lebih jauh"));
		free(e);
		free(d);
		/*
		 * And the queue says the same: a moment, then the mailbox
		 * here (or, lesson 06, it is the bounce coming home).
		 */
		const char *q = narrate_key(r.sim, i + 1);
		ck_assert_msg(strcmp(q, "state.queue_add_local") == 0 ||
		    strcmp(q, "state.queue_add_bounce") == 0, "%s", q);
		test_run_free(&r);
	}

	/* A server that hands the mail to its mailbox server says so. */
	struct test_run r = test_run_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.sim);
	int lmtp = 0, local = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const char *k = narrate_key(r.sim, i);

		if (strcmp(k, "smtp.queued_lmtp") == 0) {
			char *e = sentence(&r, en, i);
			ck_assert_msg(strstr(e, "by LMTP to Mailbox server") !=
			    NULL, "%s", e);
			free(e);
			lmtp++;
		}
		local += strcmp(k, "smtp.queued_local") == 0;
	}
	ck_assert_int_gt(lmtp, 0);
	test_run_free(&r);
	/* S7 with one domain: the submission server keeps the mail. */
	r = test_run_file("scenarios/03-same-domain.json");
	tr = sim_trace(r.sim);
	for (size_t i = 0; i < trace_count(tr); i++)
		if (strcmp(narrate_key(r.sim, i), "smtp.queued_local") == 0) {
			char *e = sentence(&r, en, i);
			char *d = sentence(&r, id, i);
			ck_assert_ptr_nonnull(strstr(e, "the mail does not "
			    "travel on"));
			ck_assert_ptr_nonnull(strstr(d, "surat tidak diteruskan"));
			free(e);
			free(d);
			local++;
		}
	ck_assert_int_gt(local, 0);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* Lesson 07: no server ever answered; DNS said the domain does not exist. */
START_TEST(test_no_such_domain_is_no_550)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct test_run r = test_run_file("scenarios/07-no-such-domain.json");
	const struct trace *tr = sim_trace(r.sim);
	int found = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		char *e = sentence(&r, en, i);
		char *d = sentence(&r, id, i);

		/* No step speaks of a 550: nobody sent one. */
		ck_assert_msg(strstr(e, "550") == NULL, "step %zu: %s", i, e);
		ck_assert_msg(strstr(d, "550") == NULL, "step %zu: %s", i, d);
		if (strcmp(narrate_key(r.sim, i),
		    "state.delivery.no_domain") == 0) {
			ck_assert_uint_eq(trace_at(tr, i).kind, TR_STATE);
			ck_assert_uint_eq(trace_at(tr, i).a, ST_DELIVERY);
			ck_assert_ptr_nonnull(strstr(e, "DNS says the domain "
			    "penerimamial.com does not exist (NXDOMAIN)"));
			ck_assert_ptr_nonnull(strstr(e, "Sender's mail server "
			    "gives up"));
			ck_assert_ptr_nonnull(strstr(d, "domain penerimamial.com "
			    "tidak ada (NXDOMAIN)"));
			found++;
		}
		free(e);
		free(d);
	}
	ck_assert_int_eq(found, 1);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * Lesson 06: the recipient's server refuses (550 5.1.1) and the
 * sender's server bounces; each step says what its own node did.
 */
START_TEST(test_refusal_and_bounce_by_who_did_them)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct test_run r = test_run_file("scenarios/06-unknown-user.json");
	size_t i;
	char *e, *d;

	/* The recipient's server answers RCPT with 550 5.1.1. */
	i = find_key(&r, "smtp.rcpt_unknown_user", 0);
	e = sentence(&r, en, i);
	ck_assert_ptr_nonnull(strstr(e, "Recipient's mail server answers 550: "
	    "there is no mailbox penrima@penerimamail.com here"));
	free(e);
	/* Then: that refusal is the outcome, and who will bounce. */
	i = find_key(&r, "state.delivery.refused", i);
	e = sentence(&r, en, i);
	d = sentence(&r, id, i);
	ck_assert_msg(strstr(e, "Recipient's mail server refused the mail for "
	    "penrima@penerimamail.com for good (550). Sender's mail server "
	    "will send a bounce back to the sender") != NULL, "%s", e);
	/* And why it comes back instead of being tried again (issue 11). */
	ck_assert_msg(strstr(e, "permanent, so trying again would not help") !=
	    NULL, "%s", e);
	ck_assert_msg(strstr(d, "mencoba lagi tidak ada gunanya") != NULL,
	    "%s", d);
	ck_assert_msg(strstr(d, "Server surat penerima menolak surat untuk "
	    "penrima@penerimamail.com secara permanen (550). Server surat "
	    "pengirim akan mengirim surat pantulan") != NULL, "%s", d);
	free(e);
	free(d);
	/* Then the sender's server queues the bounce it wrote. */
	i = find_key(&r, "state.queue_add_bounce", i);
	e = sentence(&r, en, i);
	ck_assert_ptr_nonnull(strstr(e, "Sender's mail server queues a bounce "
	    "for pengirim@pengirimmail.com"));
	free(e);
	/* And it lands in the sender's own mailbox. */
	find_key(&r, "state.mailbox_add_bounce", i);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * The session states of SMTP and LMTP (session.c's ST_SESSION records),
 * on node `node` of the run, each "TEXT|key", in order, into out.
 */
static size_t
session_steps(const struct test_run *r, const char *node, const char *proto,
    char **out, size_t max)
{
	const struct trace *tr = sim_trace(r->sim);
	size_t n = 0, pl = strlen(proto);
	int id = -1;

	for (int i = 0; i < r->sc->nnodes; i++)
		if (strcmp(r->sc->nodes[i].id, node) == 0)
			id = i;
	ck_assert_msg(id >= 0, "no node %s", node);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		const char *text;

		if (rec.kind != TR_STATE || rec.a != ST_SESSION ||
		    rec.node != id)
			continue;
		text = trace_text_at(tr, rec.text);
		if (strncmp(text, proto, pl) != 0 || text[pl] != ' ')
			continue;
		ck_assert_uint_lt(n, max);
		out[n++] = xasprintf("%s|%s", text, narrate_key(r->sim, i));
	}
	return n;
}

static void
check_steps(const struct test_run *r, const char *node, const char *proto,
    const char *const *want, size_t nwant)
{
	char *got[64];
	size_t n = session_steps(r, node, proto, got, 64);

	for (size_t i = 0; i < n || i < nwant; i++) {
		ck_assert_msg(i < n && i < nwant && strcmp(got[i], want[i]) == 0,
		    "%s %s step %zu: got \"%s\", want \"%s\"", node, proto, i,
		    i < n ? got[i] : "(none)", i < nwant ? want[i] : "(none)");
	}
	for (size_t i = 0; i < n; i++)
		free(got[i]);
}

/* Like check_steps(), for one or more whole sessions one after another. */
static void
check_sessions(const struct test_run *r, const char *node, const char *proto,
    const char *const *want, size_t nwant)
{
	char *got[64];
	size_t n = session_steps(r, node, proto, got, 64);

	ck_assert_msg(n > 0 && n % nwant == 0, "%s %s: %zu steps", node, proto,
	    n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(strcmp(got[i], want[i % nwant]) == 0,
		    "%s %s step %zu: got \"%s\", want \"%s\"", node, proto, i,
		    got[i], want[i % nwant]);
		free(got[i]);
	}
}

#define NWANT(a)	(sizeof a / sizeof *a)

/*
 * Lesson 03: the laptop submits one message (RFC 6409, AUTH PLAIN) and
 * the provider's server keeps it.  Each side goes through the steps of
 * RFC 5321 4.1.4 in order, one ST_SESSION record with its key per step.
 */
START_TEST(test_smtp_session_states_in_rfc_order)
{
	static const char *const client[] = {
		/* Submission: the connected record says what is sent to whom. */
		"SMTP CONNECTING -> GREETING|smtp.submit",
		"SMTP GREETING -> EHLO|session.smtp_client.ehlo",
		"SMTP EHLO -> AUTH|session.smtp_client.auth",
		"SMTP AUTH -> MAIL|session.smtp_client.mail",
		"SMTP MAIL -> RCPT|session.smtp_client.rcpt",
		"SMTP RCPT -> DATA|session.smtp_client.data",
		"SMTP DATA -> MESSAGE|session.smtp_client.message",
		"SMTP MESSAGE -> QUIT|session.smtp_client.quit",
		"SMTP QUIT -> CLOSED|session.smtp_client.closed",
	};
	static const char *const server[] = {
		"SMTP CONNECTED -> READY|session.smtp_server.ready",
		/* AUTH PLAIN with its initial response: no 334, no wait. */
		"SMTP READY -> MAIL|session.smtp_server.mail",
		"SMTP MAIL -> RCPT|session.smtp_server.rcpt",
		"SMTP RCPT -> DATA|session.smtp_server.data",
		"SMTP DATA -> READY|session.smtp_server.ready",
		"SMTP READY -> CLOSED|session.smtp_server.closed",
	};
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct test_run r = test_run_file("scenarios/03-same-domain.json");
	const struct trace *tr = sim_trace(r.sim);
	int said = 0;

	check_steps(&r, "laptop-pengirim", "SMTP", client, NWANT(client));
	check_steps(&r, "mail-pengirim", "SMTP", server, NWANT(server));
	/* The server's state follows its reply, the client's comes before its command. */
	for (size_t i = 0; i + 1 < trace_count(tr); i++) {
		const char *k = narrate_key(r.sim, i);

		if (strcmp(k, "session.smtp_client.mail") == 0) {
			ck_assert_str_eq(narrate_key(r.sim, find_app(&r, i, 1)),
			    "smtp.mail_from");
			char *e = sentence(&r, en, i), *d = sentence(&r, id, i);
			ck_assert_msg(strstr(e, "Sender's laptop starts a mail "
			    "transaction: it names the sender with MAIL FROM") !=
			    NULL, "%s", e);
			ck_assert_msg(strstr(d, "Laptop pengirim memulai "
			    "pengiriman surat") != NULL, "%s", d);
			free(e);
			free(d);
			said++;
		}
		if (strcmp(k, "session.smtp_server.data") == 0) {
			ck_assert_str_eq(narrate_key(r.sim, find_app(&r, i, -1)),
			    "smtp.data_go_ahead");
			said++;
		}
	}
	ck_assert_int_eq(said, 2);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* The default lesson's LMTP hop: LHLO, not EHLO (RFC 2033 4.1), and no AUTH. */
START_TEST(test_lmtp_session_states_in_rfc_order)
{
	static const char *const client[] = {
		"LMTP CONNECTING -> GREETING|session.smtp_client.greeting",
		"LMTP GREETING -> LHLO|session.lmtp_client.lhlo",
		"LMTP LHLO -> MAIL|session.smtp_client.mail",
		"LMTP MAIL -> RCPT|session.smtp_client.rcpt",
		"LMTP RCPT -> DATA|session.smtp_client.data",
		"LMTP DATA -> MESSAGE|session.smtp_client.message",
		"LMTP MESSAGE -> QUIT|session.smtp_client.quit",
		"LMTP QUIT -> CLOSED|session.smtp_client.closed",
	};
	static const char *const server[] = {
		"LMTP CONNECTED -> READY|session.smtp_server.ready",
		"LMTP READY -> MAIL|session.smtp_server.mail",
		"LMTP MAIL -> RCPT|session.smtp_server.rcpt",
		"LMTP RCPT -> DATA|session.smtp_server.data",
		"LMTP DATA -> READY|session.smtp_server.ready",
		"LMTP READY -> CLOSED|session.smtp_server.closed",
	};
	struct test_run r = test_run_file("scenarios/default.json");

	/* Each message down the LMTP hop is one whole session on each side. */
	check_sessions(&r, "mx-penerima", "LMTP", client, NWANT(client));
	check_sessions(&r, "mailbox-penerima", "LMTP", server, NWANT(server));
	test_run_free(&r);
}
END_TEST

/* The value of argument name of record i's narration, as a number (-1: none). */
static long long
say_num_arg(const struct test_run *r, size_t i, const char *name)
{
	const struct trace *tr = sim_trace(r->sim);
	struct trace_say y;

	if (!trace_say_read(tr, trace_at(tr, i).say, &y))
		return -1;
	for (int k = 0; k < y.nargs; k++)
		if (y.arg[k].name_len == strlen(name) &&
		    memcmp(y.arg[k].name, name, y.arg[k].name_len) == 0)
			return strtoll(y.arg[k].value, NULL, 10);
	return -1;
}

/*
 * "TCP cuts it into many small packets" was said of a message that fits
 * in one segment (lesson 03).  Now the client says one packet only where
 * the message with its final "." is no larger than the connection's MSS,
 * and otherwise how many segments at least; the frames agree.
 */
START_TEST(test_message_packets_are_counted)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct test_run r = test_run_file("scenarios/03-same-domain.json");
	size_t i = find_key(&r, "smtp.message.one_packet", 0);
	char *e, *d;

	ck_assert_uint_lt(i, trace_count(sim_trace(r.sim)));
	for (size_t k = 0; k < trace_count(sim_trace(r.sim)); k++)
		ck_assert_str_ne(narrate_key(r.sim, k), "smtp.message");
	ck_assert_int_le(say_num_arg(&r, i, "len") + 3, say_num_arg(&r, i, "mss"));
	e = sentence(&r, en, i);
	d = sentence(&r, id, i);
	ck_assert_msg(strstr(e, "small enough to travel in one TCP packet (at most 536 bytes)") != NULL, "%s", e);
	ck_assert_msg(strstr(e, "many small packets") == NULL, "%s", e);
	ck_assert_msg(strstr(d, "cukup kecil untuk dibawa satu paket TCP") != NULL, "%s", d);
	free(e);
	free(d);
	test_run_free(&r);

	/* The default story's first message: 28053 bytes, MSS 536. */
	r = test_run_file("scenarios/default.json");
	i = find_key(&r, "smtp.message", 0);
	ck_assert_int_eq(say_num_arg(&r, i, "len"), 28053);
	ck_assert_int_eq(say_num_arg(&r, i, "mss"), 536);
	ck_assert_int_ge(say_num_arg(&r, i, "segments") * 536,
	    say_num_arg(&r, i, "len"));
	ck_assert_int_lt((say_num_arg(&r, i, "segments") - 1) * 536,
	    say_num_arg(&r, i, "len") + 3);
	e = sentence(&r, en, i);
	ck_assert_msg(strstr(e, "at most 536 bytes, so TCP cuts it into at least 53 packets") != NULL, "%s", e);
	free(e);
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

Suite *
mail_say_suite(void)
{
	Suite *s = suite_create("mail_say");
	TCase *tc = tcase_create("mail_say");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_mail_record_has_its_key);
	tcase_add_test(tc, test_final_delivery_is_not_carried_further);
	tcase_add_test(tc, test_no_such_domain_is_no_550);
	tcase_add_test(tc, test_refusal_and_bounce_by_who_did_them);
	tcase_add_test(tc, test_smtp_session_states_in_rfc_order);
	tcase_add_test(tc, test_lmtp_session_states_in_rfc_order);
	tcase_add_test(tc, test_message_packets_are_counted);
	suite_add_tcase(s, tc);
	return s;
}
