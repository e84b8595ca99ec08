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
#include "narrate.h"
#include "util.h"

struct run {
	struct scenario	*sc;
	struct sim	*sim;
};

static struct run
run_file(const char *path)
{
	struct run r;
	struct sc_errors errs = { 0 };
	size_t len;
	char *text = test_slurp(path, &len);

	ck_assert_msg(text != NULL, "cannot read %s", path);
	r.sc = scenario_load(text, len, path, &errs);
	ck_assert_msg(r.sc != NULL, "%s: %s", path, errs.n ? errs.msg[0] : "?");
	free(text);
	r.sim = sim_new(r.sc, r.sc->seed);
	sim_run(r.sim);
	return r;
}

static void
run_free(struct run *r)
{
	sim_free(r->sim);
	scenario_free(r->sc);
}

static struct narr_lang *
load_lang(const char *path)
{
	size_t len;
	char *json = test_slurp(path, &len);
	char *err = NULL;
	struct narr_lang *L;

	ck_assert_msg(json != NULL, "cannot read %s", path);
	L = narr_lang_parse(json, len, path, &err);
	ck_assert_msg(L != NULL, "%s", err ? err : "?");
	free(json);
	return L;
}

/* The sentence of record i in L; the caller frees it. */
static char *
sentence(const struct run *r, const struct narr_lang *L, size_t i)
{
	struct buf o = { 0 };

	narrate(r->sim, L, NULL, i, &o);
	buf_putc(&o, '\0');
	return (char *)o.data;
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
	struct narr_lang *en = load_lang("assets/lang/en.json");
	struct narr_lang *id = load_lang("assets/lang/id.json");
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
		struct run r = run_file(path);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec *rec = trace_get(tr, i);
			struct trace_say y;
			char key[128];
			size_t k;

			if (!mail_record(rec))
				continue;
			ck_assert_msg(rec->say != 0 && trace_say_read(tr,
			    rec->say, &y), "%s: step %zu (%s %s): no say key",
			    path, i, trace_kind_name((enum trace_kind)rec->kind),
			    rec->kind == TR_APP ? trace_text_at(tr, rec->text) :
			    state_what_name((enum state_what)rec->a));
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
		run_free(&r);
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
 * The servers that keep the mail for a mailbox of their own, where the
 * old narrator said "accepted the mail and will carry it further".  The
 * step is found by what it is (its key, on that node), not by its
 * number: other records (a session's state changes) move the numbers.
 */
static const struct {
	const char	*file;
	const char	*node;
} final_steps[] = {
	{ "scenarios/default.json", "mail-pengirim" },
	{ "scenarios/03-same-domain.json", "mail-pengirim" },
	{ "scenarios/06-unknown-user.json", "mail-pengirim" },
	{ "scenarios/10-server-down.json", "mx-penerima" },
	{ "scenarios/12-open-relay.json", "mx-penerima" },
	{ "scenarios/14-lossy-link.json", "mx-penerima" },
};

START_TEST(test_final_delivery_is_not_carried_further)
{
	struct narr_lang *en = load_lang("assets/lang/en.json");
	struct narr_lang *id = load_lang("assets/lang/id.json");

	for (size_t f = 0; f < sizeof final_steps / sizeof *final_steps; f++) {
		struct run r = run_file(final_steps[f].file);
		const struct trace *tr = sim_trace(r.sim);
		int node = scenario_node_index(r.sc, final_steps[f].node);
		size_t i = 0, n = 0;
		char *e, *d;

		for (size_t k = 0; k < trace_count(tr); k++)
			if (trace_get(tr, k)->node == node &&
			    strcmp(narrate_key(r.sim, k),
			    "state.delivery.queued_local") == 0) {
				i = k;
				n++;
			}
		ck_assert_msg(n == 1, "%s: %zu final deliveries at %s",
		    final_steps[f].file, n, final_steps[f].node);
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
		run_free(&r);
	}

	/* A server that hands the mail to its mailbox server says so. */
	struct run r = run_file("scenarios/default.json");
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
	run_free(&r);
	/* S7 with one domain: the submission server keeps the mail. */
	r = run_file("scenarios/03-same-domain.json");
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
	run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* Lesson 07: no server ever answered; DNS said the domain does not exist. */
START_TEST(test_no_such_domain_is_no_550)
{
	struct narr_lang *en = load_lang("assets/lang/en.json");
	struct narr_lang *id = load_lang("assets/lang/id.json");
	struct run r = run_file("scenarios/07-no-such-domain.json");
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
			ck_assert_uint_eq(i + 1, 131);
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
	run_free(&r);
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
	struct narr_lang *en = load_lang("assets/lang/en.json");
	struct narr_lang *id = load_lang("assets/lang/id.json");
	struct run r = run_file("scenarios/06-unknown-user.json");
	char *e, *d;

	/* Step 230: the recipient's server answers RCPT with 550 5.1.1. */
	ck_assert_str_eq(narrate_key(r.sim, 229), "smtp.rcpt_unknown_user");
	e = sentence(&r, en, 229);
	ck_assert_ptr_nonnull(strstr(e, "Recipient's mail server answers 550: "
	    "there is no mailbox penrima@penerimamail.com here"));
	free(e);
	/* Step 238: that refusal is the outcome, and who will bounce. */
	ck_assert_str_eq(narrate_key(r.sim, 237), "state.delivery.refused");
	e = sentence(&r, en, 237);
	d = sentence(&r, id, 237);
	ck_assert_msg(strstr(e, "Recipient's mail server refused the mail for "
	    "penrima@penerimamail.com for good (550). Sender's mail server "
	    "will send a bounce back to the sender.") != NULL, "%s", e);
	ck_assert_msg(strstr(d, "Server surat penerima menolak surat untuk "
	    "penrima@penerimamail.com secara permanen (550). Server surat "
	    "pengirim akan mengirim surat pantulan") != NULL, "%s", d);
	free(e);
	free(d);
	/* Step 272: the sender's server queues the bounce it wrote. */
	ck_assert_str_eq(narrate_key(r.sim, 271), "state.queue_add_bounce");
	e = sentence(&r, en, 271);
	ck_assert_ptr_nonnull(strstr(e, "Sender's mail server queues a bounce "
	    "for pengirim@pengirimmail.com"));
	free(e);
	/* Step 275: it lands in the sender's own mailbox. */
	ck_assert_str_eq(narrate_key(r.sim, 273), "state.mailbox_add_bounce");
	run_free(&r);
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
	suite_add_tcase(s, tc);
	return s;
}
