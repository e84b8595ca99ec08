/*
 * test_narrate.c: the narration (sim/narrate.c, assets/lang/, render/
 * lang.c through the program): every key has a sentence in English and
 * in Indonesian, and the two differ; every placeholder is one the
 * narrator fills; every step of every bundled scenario gets a known key
 * and a sentence with its own values; `surel run --narrate` speaks the
 * language asked for, the one LANG implies, or one a teacher added.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "run_helpers.h"
#include "narrate.h"
#include "util.h"

/* What `surel run --narrate` prints for the default scenario is about 0.5 MB. */
#define OUT_MAX	(16u << 20)

static struct narr_lang *
parse_str(const char *json, char **err)
{
	return narr_lang_parse(json, strlen(json), "t.json", err);
}

/* A scenario file, run to its end. */

/* Every bundled scenario, sorted; NULL-terminated, the caller frees. */
static char **
bundled(int *n)
{
	DIR *d = opendir("scenarios");
	struct dirent *de;
	char **v = NULL;
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
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	ck_assert_int_gt(k, 5);
	v[k] = NULL;
	*n = k;
	return v;
}

static void
free_list(char **v)
{
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* Characters (UTF-8 code points) of s. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
is_placeholder(const char *name, size_t n)
{
	size_t np;
	const char *const *ph = narrate_placeholders(&np);

	for (size_t i = 0; i < np; i++)
		if (strlen(ph[i]) == n && memcmp(ph[i], name, n) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- */
/* The language files */

START_TEST(test_every_key_in_both_languages)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	size_t nk;
	const char *const *keys = narrate_keys(&nk);
	int missing = 0, same = 0, long_ = 0;

	ck_assert_str_eq(narr_lang_code(en), "en");
	ck_assert_str_eq(narr_lang_code(id), "id");
	ck_assert_str_eq(narr_lang_name(id), "Bahasa Indonesia");
	ck_assert_uint_gt(nk, 150);
	for (size_t i = 0; i < nk; i++) {
		const char *e = narr_lang_text(en, keys[i]);
		const char *d = narr_lang_text(id, keys[i]);

		if (e == NULL || e[0] == '\0' || d == NULL || d[0] == '\0') {
			fprintf(stderr, "no sentence for %s in %s\n", keys[i],
			    e == NULL || !e[0] ? "en.json" : "id.json");
			missing++;
			continue;
		}
		if (strcmp(e, d) == 0) {
			fprintf(stderr, "%s: the same in en and id\n", keys[i]);
			same++;
		}
		/* One or two sentences that fit a panel. */
		if (chars(e) > 200 || chars(d) > 200) {
			fprintf(stderr, "%s: longer than 200 characters\n",
			    keys[i]);
			long_++;
		}
	}
	ck_assert_int_eq(missing, 0);
	ck_assert_int_eq(same, 0);
	ck_assert_int_eq(long_, 0);
	/* Keys are unique, so the loop above saw each once. */
	for (size_t i = 0; i < nk; i++)
		for (size_t j = i + 1; j < nk; j++)
			ck_assert_str_ne(keys[i], keys[j]);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

START_TEST(test_placeholders_are_known)
{
	const char *files[] = { "assets/lang/en.json", "assets/lang/id.json" };
	size_t nk;
	const char *const *keys = narrate_keys(&nk);

	for (size_t f = 0; f < 2; f++) {
		struct narr_lang *L = test_load_lang(files[f]);
		struct buf lint = { 0 };
		int bad = 0;

		for (size_t i = 0; i < nk; i++) {
			const char *t = narr_lang_text(L, keys[i]);

			for (const char *p = t ? strchr(t, '{') : NULL; p;
			    p = strchr(p + 1, '{')) {
				const char *q = strchr(p, '}');

				ck_assert_msg(q != NULL, "%s: %s: '{' without "
				    "'}'", files[f], keys[i]);
				if (!is_placeholder(p + 1, (size_t)(q - p - 1))) {
					fprintf(stderr, "%s: %s: unknown "
					    "placeholder %.*s\n", files[f],
					    keys[i], (int)(q - p + 1), p);
					bad++;
				}
			}
		}
		ck_assert_int_eq(bad, 0);
		/* Nor keys the program does not know. */
		ck_assert_int_eq(narr_lang_lint(L, files[f], &lint), 0);
		buf_free(&lint);
		narr_lang_free(L);
	}
}
END_TEST

/* ---------------------------------------------------------------- */
/* Every step of every bundled scenario */

/*
 * A language whose sentence for a key is "<{x}> <{y}> ..." for every
 * placeholder the English or Indonesian sentence uses: narrated, a value
 * the narrator could not fill shows as "<?>".
 */
static struct narr_lang *
probe_lang(const struct narr_lang *en, const struct narr_lang *id)
{
	size_t nk;
	const char *const *keys = narrate_keys(&nk);
	struct buf j = { 0 };
	char *err = NULL;

	buf_puts(&j, "{\"language\": \"zz\", \"name\": \"probe\", \"texts\": {");
	for (size_t i = 0; i < nk; i++) {
		const char *s[2] = { narr_lang_text(en, keys[i]),
		    narr_lang_text(id, keys[i]) };

		buf_printf(&j, "%s\"%s\": \"[", i ? ", " : "", keys[i]);
		for (int w = 0; w < 2; w++)
			for (const char *p = strchr(s[w], '{'); p;
			    p = strchr(p + 1, '{'))
				buf_printf(&j, "<%.*s>", (int)(strchr(p, '}') -
				    p + 1), p);
		buf_puts(&j, "]\"");
	}
	buf_puts(&j, "}}");
	struct narr_lang *Z = narr_lang_parse((char *)j.data, j.len, "probe",
	    &err);
	ck_assert_msg(Z != NULL, "%s", err ? err : "?");
	buf_free(&j);
	return Z;
}

START_TEST(test_every_step_of_every_scenario)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct narr_lang *Z = probe_lang(en, id);
	size_t nk;
	const char *const *keys = narrate_keys(&nk);
	int n, unfilled = 0;
	char **files = bundled(&n);
	size_t steps = 0;

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const char *key = narrate_key(r.sim, i);
			size_t k;

			for (k = 0; k < nk && strcmp(keys[k], key) != 0; k++)
				;
			ck_assert_msg(k < nk, "%s: step %zu: key %s is not in "
			    "narrate_keys()", *f, i, key);
			/* Both sentences: one line, no key left untranslated. */
			const struct narr_lang *langs[2] = { en, id };
			for (int l = 0; l < 2; l++) {
				struct buf o = { 0 };

				narrate(r.sim, langs[l], NULL, i, &o);
				ck_assert_uint_gt(o.len, 10);
				ck_assert_ptr_null(memchr(o.data, '\n', o.len));
				ck_assert_msg(o.data[0] != '[', "%s: step %zu: "
				    "no sentence for %s", *f, i, key);
				buf_free(&o);
			}
			/* Every value a sentence of this step uses is there. */
			struct buf o = { 0 };
			narrate(r.sim, Z, NULL, i, &o);
			if (strstr((char *)o.data, "<?>") != NULL &&
			    unfilled++ < 10)
				fprintf(stderr, "%s: step %zu (%s): a value is "
				    "missing: %s\n", *f, i, key, o.data);
			buf_free(&o);
			steps++;
		}
		test_run_free(&r);
	}
	ck_assert_int_eq(unfilled, 0);
	ck_assert_uint_gt(steps, 10000);
	free_list(files);
	narr_lang_free(Z);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* The sentence of the first step with this key that contains want (or any). */
static char *
find_step(const struct test_run *r, const struct narr_lang *L, const char *key,
    const char *want)
{
	const struct trace *tr = sim_trace(r->sim);

	for (size_t i = 0; i < trace_count(tr); i++) {
		if (strcmp(narrate_key(r->sim, i), key) != 0)
			continue;
		struct buf o = { 0 };

		narrate(r->sim, L, NULL, i, &o);
		if (want == NULL || strstr((char *)o.data, want) != NULL)
			return (char *)o.data;
		buf_free(&o);
	}
	return NULL;
}

START_TEST(test_sentences_name_the_step)
{
	const char *files[] = { "assets/lang/en.json", "assets/lang/id.json" };

	for (int f = 0; f < 2; f++) {
		struct narr_lang *L = test_load_lang(files[f]);
		struct test_run r = test_run_file("scenarios/06-unknown-user.json");
		char *s;

		/* S4, S6: the recipient, and the domain the server takes from it. */
		s = find_step(&r, L, "smtp.rcpt_to", "penrima@penerimamail.com");
		ck_assert_msg(s != NULL, "%s: RCPT TO without the address",
		    files[f]);
		ck_assert_ptr_nonnull(strstr(s, "penerimamail.com."));
		free(s);
		/* S9: 550 5.1.1, and the address that does not exist. */
		s = find_step(&r, L, "smtp.rcpt_unknown_user", NULL);
		ck_assert_ptr_nonnull(s);
		ck_assert_ptr_nonnull(strstr(s, "550"));
		ck_assert_ptr_nonnull(strstr(s, "penrima@penerimamail.com"));
		free(s);
		/* The bounce comes back to the sender. */
		s = find_step(&r, L, "state.mailbox_add_bounce", NULL);
		ck_assert_ptr_nonnull(s);
		ck_assert_ptr_nonnull(strstr(s, "pengirim@pengirimmail.com"));
		free(s);
		/* AUTH PLAIN: the user, and that it is not encrypted. */
		s = find_step(&r, L, "smtp.auth", "pengirim");
		ck_assert_ptr_nonnull(s);
		ck_assert_ptr_nonnull(strstr(s, "base64"));
		free(s);
		test_run_free(&r);

		/* S8: the MX question names the domain; the answer its server. */
		r = test_run_file("scenarios/04-dns-mx.json");
		s = find_step(&r, L, "dns.query.mx", "penerimamail.com");
		ck_assert_ptr_nonnull(s);
		ck_assert_ptr_nonnull(strstr(s, "MX"));
		free(s);
		s = find_step(&r, L, "dns.answer.mx", "mx.penerimamail.com");
		ck_assert_ptr_nonnull(s);
		free(s);
		s = find_step(&r, L, "dns.answer.a", "10.2.0.25");
		ck_assert_ptr_nonnull(s);
		free(s);
		test_run_free(&r);

		/* Node labels in the narration's language. */
		r = test_run_file("scenarios/default.json");
		s = find_step(&r, L, "frame.tx.origin.tcp_syn", f == 0 ?
		    "Sender's laptop" : "Laptop pengirim");
		ck_assert_msg(s != NULL, "%s: no label", files[f]);
		free(s);
		test_run_free(&r);

		/* S11: POP3 logs in, counts, downloads, deletes. */
		r = test_run_file("scenarios/08-pop3-then-phone.json");
		s = find_step(&r, L, "pop3.user", "penerima");
		ck_assert_ptr_nonnull(s);
		free(s);
		s = find_step(&r, L, "pop3.retr_reply", "12432");
		ck_assert_ptr_nonnull(s);
		free(s);
		s = find_step(&r, L, "pop3.dele", NULL);
		ck_assert_ptr_nonnull(s);
		free(s);
		test_run_free(&r);
		narr_lang_free(L);
	}
}
END_TEST

/*
 * Submission on port 2587 (ports.c): every frame that carries the SMTP
 * conversation is narrated as SMTP, as the picture and the inspector say.
 */
START_TEST(test_configured_port_is_smtp)
{
	struct narr_lang *L = test_load_lang("assets/lang/en.json");
	struct test_run r = test_run_file("tests/good/submission_2587.json");
	const struct trace *tr = sim_trace(r.sim);
	int seen = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind != TR_FRAME_TX ||
		    !test_tcp_data_on_port(tr, &rec, 2587) ||
		    strcmp(narrate_key(r.sim, i),
		    "frame.tx.origin.tcp_data") != 0)
			continue;
		struct buf o = { 0 };

		narrate(r.sim, L, NULL, i, &o);
		ck_assert_msg(strstr((char *)o.data, "of the SMTP conversation")
		    != NULL, "record %zu: %s", i, (char *)o.data);
		buf_free(&o);
		seen++;
	}
	ck_assert_int_gt(seen, 10);
	/* The handshake names the service on its configured port. */
	char *syn = find_step(&r, L, "frame.tx.origin.tcp_syn", "2587");
	ck_assert_ptr_nonnull(syn);
	ck_assert_ptr_nonnull(strstr(syn, "for SMTP on port 2587"));
	free(syn);
	test_run_free(&r);
	narr_lang_free(L);
}
END_TEST

START_TEST(test_keys_of_specific_steps)
{
	struct test_run r = test_run_file("scenarios/12-open-relay.json");
	const struct trace *tr = sim_trace(r.sim);
	int relay = 0, rejected = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		relay += strcmp(narrate_key(r.sim, i), "smtp.relay_denied") == 0;
		rejected += strcmp(narrate_key(r.sim, i),
		    "state.delivery.rejected") == 0;
	}
	ck_assert_int_eq(relay, 1);
	ck_assert_int_eq(rejected, 1);
	test_run_free(&r);

	/* A server that is off: the SYN is dropped, TCP tries again, gives up. */
	r = test_run_file("scenarios/10-server-down.json");
	tr = sim_trace(r.sim);
	int off = 0, down = 0, retx = 0, timeout = 0, retry = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const char *k = narrate_key(r.sim, i);

		off += strcmp(k, "node.off") == 0;
		down += strcmp(k, "frame.drop.node_down") == 0;
		retx += strcmp(k, "tcp.retx.timeout") == 0;
		timeout += strcmp(k, "tcp.error.timeout") == 0;
		/* Not reached at all: no reply code, said in words (issue 11). */
		retry += strcmp(k, "state.queue_retry.no_answer") == 0;
	}
	ck_assert_int_gt(off, 0);
	ck_assert_int_gt(down, 0);
	ck_assert_int_gt(retx, 0);
	ck_assert_int_gt(timeout, 0);
	ck_assert_int_gt(retry, 0);
	test_run_free(&r);

	/* Out of range: a key all the same. */
	r = test_run_file("scenarios/03-same-domain.json");
	ck_assert_str_eq(narrate_key(r.sim, trace_count(sim_trace(r.sim))),
	    "unknown");
	test_run_free(&r);
}
END_TEST

/* Asserts that some step of r has key and that its sentence holds want. */
static void
assert_said(const struct test_run *r, const struct narr_lang *L, const char *key,
    const char *want)
{
	char *s = find_step(r, L, key, want);

	ck_assert_msg(s != NULL, "%s: no step %s saying \"%s\"",
	    narr_lang_code(L), key, want);
	free(s);
}

/* How many steps of r have key. */
static int
key_count(const struct test_run *r, const char *key)
{
	const struct trace *tr = sim_trace(r->sim);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++)
		n += strcmp(narrate_key(r->sim, i), key) == 0;
	return n;
}

/* No sentence of r in L holds bad. */
static void
assert_never_said(const struct test_run *r, const struct narr_lang *L,
    const char *bad)
{
	const struct trace *tr = sim_trace(r->sim);

	for (size_t i = 0; i < trace_count(tr); i++) {
		struct buf o = { 0 };

		narrate(r->sim, L, NULL, i, &o);
		ck_assert_msg(strstr((char *)o.data, bad) == NULL, "%s: step "
		    "%zu says \"%s\": %s", narr_lang_code(L), i, bad,
		    (char *)o.data);
		buf_free(&o);
	}
}

/*
 * A POP3 session that deleted nothing: at QUIT the server says so, not
 * "only now are the messages marked with DELE removed" (the phone in
 * default.json and 08-pop3-then-phone.json finds its mailbox empty; the
 * devices of 09-pop3-keep.json keep mail on the server; the phone of
 * 13-wrong-password.json never logs in).
 */
START_TEST(test_pop3_bye_says_what_update_removed)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	const char *files[] = { "scenarios/default.json",
	    "scenarios/08-pop3-then-phone.json" };

	for (int f = 0; f < 2; f++) {
		struct test_run r = test_run_file(files[f]);

		/*
		 * The laptop deleted its one message; the phone found the
		 * box empty, so no mail "stays on the server" either.
		 */
		ck_assert_int_eq(key_count(&r, "pop3.bye.one"), 1);
		ck_assert_int_eq(key_count(&r, "pop3.bye.none_deleted"), 0);
		ck_assert_int_eq(key_count(&r, "pop3.bye.none_deleted.empty"), 1);
		ck_assert_int_eq(key_count(&r, "pop3.bye"), 0);
		assert_said(&r, en, "pop3.bye.none_deleted.empty",
		    "nothing to delete");
		assert_said(&r, id, "pop3.bye.none_deleted.empty",
		    "tidak ada yang dihapus");
		assert_said(&r, en, "pop3.bye.one", "the message marked with DELE");
		test_run_free(&r);
	}
	struct test_run r = test_run_file("scenarios/09-pop3-keep.json");
	ck_assert_int_eq(key_count(&r, "pop3.bye.none_deleted"), 3);
	assert_never_said(&r, en, "really removed");
	assert_never_said(&r, id, "benar-benar dihapus");
	assert_said(&r, en, "state.client_store_pop3_keep", "keeps its copy");
	test_run_free(&r);
	r = test_run_file("scenarios/13-wrong-password.json");
	assert_said(&r, en, "pop3.bye.not_logged_in", "not touched");
	assert_said(&r, id, "pop3.bye.not_logged_in", "tidak disentuh");
	assert_said(&r, en, "pop3.quit.not_in", "not let in");
	assert_never_said(&r, en, "really removed");
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * The client asks by UID (UID FETCH 2), the server answers with the
 * sequence number ("* 1 FETCH (UID 2 ..."): the narration says UID where
 * the command is UID FETCH and message number for the sequence number,
 * never "asks for message 2" then "sends message 1".
 */
START_TEST(test_imap_uid_and_sequence_number_not_mixed)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct test_run r = test_run_file("scenarios/default.json");

	ck_assert_int_eq(key_count(&r, "imap.fetch"), 0);
	ck_assert_int_eq(key_count(&r, "imap.fetch_data"), 0);
	ck_assert_int_eq(key_count(&r, "imap.fetch_uid"), 2);
	/* The phone's copy was read on the laptop: the .seen variant. */
	ck_assert_int_eq(key_count(&r, "imap.fetch_data_uid"), 1);
	ck_assert_int_eq(key_count(&r, "imap.fetch_data_uid.seen"), 1);
	assert_said(&r, en, "imap.fetch_uid", "with UID 2 (UID FETCH)");
	assert_said(&r, id, "imap.fetch_uid", "dengan UID 2 (UID FETCH)");
	assert_said(&r, en, "imap.fetch_data_uid", "UID 2 (1576 bytes); in "
	    "this folder it is message number 1");
	assert_said(&r, id, "imap.fetch_data_uid", "UID 2 (1576 byte); di "
	    "folder ini surat itu bernomor 1");
	assert_never_said(&r, en, "download message 2");
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* Counts read as sentences: none, one, many; never "1 message(s)". */
START_TEST(test_counts_are_sentences)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	int n;
	char **files = bundled(&n);

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);

		assert_never_said(&r, en, "(s)");
		assert_never_said(&r, en, " 0 message");
		assert_never_said(&r, en, " 1 message");
		assert_never_said(&r, id, "ada 0 surat");
		assert_never_said(&r, id, "Ada 0 surat");
		test_run_free(&r);
	}
	free_list(files);
	struct test_run r = test_run_file("scenarios/default.json");
	assert_said(&r, en, "pop3.login_ok.one", "One message is waiting");
	/* The phone's empty box: where the mail went, not "no mail". */
	assert_said(&r, en, "pop3.login_ok.none.deleted",
	    "mailbox of penerima is empty");
	assert_said(&r, id, "pop3.login_ok.none.deleted",
	    "kotak surat penerima kosong");
	assert_said(&r, en, "pop3.stat_reply.none", "there are no messages");
	assert_said(&r, id, "pop3.stat_reply.none", "tidak ada surat");
	assert_said(&r, en, "pop3.stat_reply.one", "one message, 28867 bytes");
	assert_said(&r, id, "pop3.stat_reply.one", "ada satu surat");
	assert_said(&r, en, "imap.exists.one", "there is one message");
	assert_said(&r, id, "imap.exists.one", "ada satu surat");
	assert_said(&r, en, "imap.recent.none", "no new mail");
	assert_said(&r, id, "imap.recent.none", "tidak ada surat baru");
	assert_said(&r, en, "imap.search_uids.one", "UID of the one mail");
	assert_said(&r, en, "pop3.uidl_reply.one", "the one message");
	assert_said(&r, en, "pop3.quit.nothing", "no mail waiting");
	test_run_free(&r);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Parsing language files */

START_TEST(test_parse_errors_name_file_and_key)
{
	char *err = NULL;

	ck_assert_ptr_null(parse_str("", &err));
	ck_assert_ptr_nonnull(strstr(err, "t.json: "));
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	free(err);

	ck_assert_ptr_null(parse_str("{\"language\": \"jv\",\n  \"name\": "
	    "\"Jawa\"\n  \"texts\": {}}", &err));
	ck_assert_ptr_nonnull(strstr(err, "t.json:3:"));
	free(err);

	ck_assert_ptr_null(parse_str("{\"language\": \"jv\", \"name\": "
	    "\"Jawa\", \"texts\": {\"smtp.quit\": 5, \"smtp.bye\": \"\"}}",
	    &err));
	ck_assert_ptr_nonnull(strstr(err, "t.json: texts.smtp.quit:"));
	ck_assert_ptr_nonnull(strstr(err, "t.json: texts.smtp.bye:"));
	free(err);

	ck_assert_ptr_null(parse_str("{\"name\": \"Jawa\", \"texts\": "
	    "{\"smtp.quit\": \"a\", \"smtp.quit\": \"b\"}, \"colour\": 1}",
	    &err));
	ck_assert_ptr_nonnull(strstr(err, "t.json: language: missing"));
	ck_assert_ptr_nonnull(strstr(err, "texts.smtp.quit: written twice"));
	ck_assert_ptr_nonnull(strstr(err, "t.json: colour: unknown key"));
	free(err);

	ck_assert_ptr_null(parse_str("{\"language\": \"../x\", \"name\": "
	    "\"x\", \"texts\": {\"smtp.quit\": \"one\\ntwo\"}}", &err));
	ck_assert_ptr_nonnull(strstr(err, "t.json: language:"));
	ck_assert_ptr_nonnull(strstr(err, "texts.smtp.quit: must be one line"));
	free(err);

	ck_assert_ptr_null(parse_str("[1, 2]", &err));
	ck_assert_ptr_nonnull(strstr(err, "JSON object"));
	free(err);

	ck_assert_ptr_null(parse_str("{\"a\xff\": 1}", &err));
	ck_assert_ptr_nonnull(strstr(err, "t.json:1:4: not valid UTF-8"));
	free(err);

	/* No err pointer: still no crash, no leak. */
	ck_assert_ptr_null(parse_str("{", NULL));
}
END_TEST

START_TEST(test_fallback_and_placeholders)
{
	char *err = NULL;
	/* A partial language: a comment, one known key, a typo, a bad placeholder. */
	struct narr_lang *L = parse_str("\xef\xbb\xbf{\"_note\": \"hi\", "
	    "\"language\": \"jv\", \"name\": \"Basa Jawa\", \"texts\": {"
	    "\"smtp.rcpt_to\": \"JV {node} -> {to} {nope} {subject} {x\", "
	    "\"smtp.rcpt_tp\": \"typo\"}}", &err);
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct buf lint = { 0 };

	ck_assert_msg(L != NULL, "%s", err ? err : "?");
	ck_assert_str_eq(narr_lang_code(L), "jv");
	ck_assert_ptr_null(narr_lang_text(L, "smtp.quit"));
	ck_assert_int_eq(narr_lang_lint(L, "jv.json", &lint), 2);
	ck_assert_ptr_nonnull(strstr((char *)lint.data,
	    "jv.json: texts.smtp.rcpt_tp:"));
	ck_assert_ptr_nonnull(strstr((char *)lint.data, "{nope}"));
	buf_free(&lint);

	struct test_run r = test_run_file("scenarios/06-unknown-user.json");
	const struct trace *tr = sim_trace(r.sim);
	int rcpt = 0, quit = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const char *k = narrate_key(r.sim, i);
		struct buf o = { 0 };

		if (strcmp(k, "smtp.rcpt_to") == 0) {
			narrate(r.sim, L, en, i, &o);
			/* Known and filled; unknown kept; known but empty: "?". */
			ck_assert_msg(strncmp((char *)o.data, "JV ", 3) == 0 &&
			    strstr((char *)o.data, " -> penrima@penerimamail"
			    ".com {nope} ? {x") != NULL, "%s", o.data);
			rcpt++;
		} else if (strcmp(k, "smtp.quit") == 0) {
			/* Not in jv: English. */
			narrate(r.sim, L, en, i, &o);
			ck_assert_ptr_nonnull(strstr((char *)o.data, "QUIT"));
			ck_assert_ptr_nonnull(strstr((char *)o.data, "goodbye"));
			buf_free(&o);
			/* Not anywhere: the key. */
			narrate(r.sim, L, NULL, i, &o);
			ck_assert_str_eq((char *)o.data, "[smtp.quit]");
			quit++;
		}
		buf_free(&o);
	}
	ck_assert_int_gt(rcpt, 0);
	ck_assert_int_gt(quit, 0);
	test_run_free(&r);
	narr_lang_free(L);
	narr_lang_free(en);
}
END_TEST

/* ---------------------------------------------------------------- */
/* The program: surel run --narrate */

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_run_narrate_languages)
{
	char *id = xmalloc(OUT_MAX), *en = xmalloc(OUT_MAX);
	char *def = xmalloc(OUT_MAX);
	struct test_run r = test_run_file("scenarios/default.json");
	size_t steps = trace_count(sim_trace(r.sim));
	char *lang = getenv("LANG") ? xstrdup(getenv("LANG")) : NULL;

	test_run_free(&r);
	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate "
	    "--lang id", id, OUT_MAX), 0);
	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate "
	    "--lang en", en, OUT_MAX), 0);
	/* One line a step, and nothing else (no warnings either). */
	ck_assert_uint_eq(count_lines(id), steps);
	ck_assert_uint_eq(count_lines(en), steps);
	ck_assert_str_ne(id, en);
	ck_assert_ptr_nonnull(strstr(id, "     0.000 ms  "));
	ck_assert_ptr_nonnull(strstr(id, "kotak surat"));
	ck_assert_ptr_nonnull(strstr(en, "mailbox"));

	/* SPEC section 1: id where LANG starts with id, else en. */
	setenv("LANG", "id_ID.UTF-8", 1);
	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate",
	    def, OUT_MAX), 0);
	ck_assert_str_eq(def, id);
	setenv("LANG", "C.UTF-8", 1);
	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate",
	    def, OUT_MAX), 0);
	ck_assert_str_eq(def, en);
	if (lang != NULL)
		setenv("LANG", lang, 1);
	else
		unsetenv("LANG");
	free(lang);
	free(id);
	free(en);
	free(def);
}
END_TEST

/* Copy a file (the program) and make it executable. */
static void
copy_exe(const char *from, const char *to)
{
	size_t len;
	char *data = test_slurp(from, &len);
	FILE *f = fopen(to, "wb");

	ck_assert_ptr_nonnull(data);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	ck_assert_int_eq(chmod(to, 0755), 0);
	free(data);
}

START_TEST(test_run_narrate_from_elsewhere)
{
	char *out = xmalloc(OUT_MAX), *here = xmalloc(OUT_MAX);
	char cwd[4096], tmp[] = "/tmp/surel-narr-XXXXXX";
	const char *env = getenv("SUREL_BIN");
	char *bin = xstrdup(env ? env : "./surel");
	char *copy, *cmd;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	cmd = xasprintf("run %s/scenarios/03-same-domain.json --narrate "
	    "--lang id", cwd);
	ck_assert_int_eq(run_surel(cmd, here, OUT_MAX), 0);
	/*
	 * The program alone in a folder with no assets/, run from there: the
	 * copies compiled in speak, word for word the files'.
	 */
	copy = xasprintf("%s/surel", tmp);
	copy_exe(bin, copy);
	setenv("SUREL_BIN", copy, 1);
	ck_assert_int_eq(chdir(tmp), 0);
	ck_assert_int_eq(run_surel(cmd, out, OUT_MAX), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	if (env != NULL)
		setenv("SUREL_BIN", bin, 1);
	else
		unsetenv("SUREL_BIN");
	ck_assert_str_eq(out, here);
	unlink(copy);
	rmdir(tmp);
	free(copy);
	free(cmd);
	free(bin);
	free(out);
	free(here);
}
END_TEST

START_TEST(test_run_unknown_language)
{
	char out[8192];

	ck_assert_int_eq(run_surel("run scenarios/default.json --narrate "
	    "--lang xx", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "'xx'"));
	ck_assert_ptr_nonnull(strstr(out, "en, id"));
	/* Not a name a file could have: refused the same way. */
	ck_assert_int_eq(run_surel("run scenarios/default.json --lang "
	    "../../etc/passwd", out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "available"));
}
END_TEST

START_TEST(test_run_teacher_language)
{
	char dir[] = "/tmp/surel-lang-XXXXXX";
	char *out = xmalloc(OUT_MAX), *id = xmalloc(OUT_MAX);
	size_t len;
	char *json = test_slurp("assets/lang/id.json", &len);
	char *sub, *path, *p;
	FILE *f;

	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	sub = xasprintf("%s/lang", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	/*
	 * A teacher's copy of id.json: another code and name, Indonesian as
	 * the fallback (for the node labels here), one sentence translated
	 * and one key renamed by mistake.
	 */
	struct buf b = { 0 };
	char *texts = strstr(json, "\"texts\": {");
	ck_assert_ptr_nonnull(texts);
	texts += strlen("\"texts\": {");
	p = strstr(texts, "\"smtp.rcpt_to\": \"");
	ck_assert_ptr_nonnull(p);
	buf_puts(&b, "{\"language\": \"jv\", \"name\": \"Basa Jawa\", "
	    "\"fallback\": \"id\", \"texts\": {");
	buf_append(&b, texts, (size_t)(p - texts));
	buf_puts(&b, "\"smtp.rcpt_to\": \"Jawa: {node} ngirim layang kanggo "
	    "{to}\",\n    \"smtp.rcpt_to_old\": \"");
	buf_puts(&b, p + strlen("\"smtp.rcpt_to\": \""));
	path = xasprintf("%s/jv.json", sub);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(b.data, 1, b.len, f);
	fclose(f);

	setenv("SUREL_ASSETS", dir, 1);
	ck_assert_int_eq(run_surel("run scenarios/06-unknown-user.json "
	    "--narrate --lang jv", out, OUT_MAX), 0);
	/* The scenario's labels have no jv: Indonesian ones, the fallback. */
	ck_assert_ptr_nonnull(strstr(out, "Jawa: Laptop pengirim ngirim "
	    "layang kanggo penrima@penerimamail.com"));
	/* The renamed key is a likely typo: a warning, not an error. */
	ck_assert_ptr_nonnull(strstr(out, "texts.smtp.rcpt_to_old"));
	/* The unknown code lists the teacher's language too. */
	ck_assert_int_eq(run_surel("run scenarios/06-unknown-user.json "
	    "--lang xx", out, OUT_MAX), 2);
	ck_assert_ptr_nonnull(strstr(out, "en, id, jv"));
	/* Otherwise the same as Indonesian. */
	ck_assert_int_eq(run_surel("run scenarios/06-unknown-user.json "
	    "--narrate --lang jv 2>/dev/null | grep -v Jawa:", out, OUT_MAX), 0);
	ck_assert_int_eq(run_surel("run scenarios/06-unknown-user.json "
	    "--narrate --lang id | grep -v 'menyebutkan penerimanya'", id,
	    OUT_MAX), 0);
	ck_assert_str_eq(out, id);

	/* A language barely begun: the rest comes from its fallback. */
	free(path);
	path = xasprintf("%s/su.json", sub);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"language\": \"su\", \"name\": \"Basa Sunda\", "
	    "\"fallback\": \"id\", \"texts\": {\"smtp.quit\": "
	    "\"Sunda: {node} pamit.\"}}", f);
	fclose(f);
	ck_assert_int_eq(run_surel("run scenarios/06-unknown-user.json "
	    "--narrate --lang su", out, OUT_MAX), 0);
	ck_assert_ptr_nonnull(strstr(out, "Sunda: Laptop pengirim pamit."));
	ck_assert_ptr_nonnull(strstr(out, "kotak surat"));
	ck_assert_ptr_null(strstr(out, "mailbox"));
	unlink(path);

	/* A broken copy of id.json is reported, and the built-in id speaks. */
	free(path);
	path = xasprintf("%s/id.json", sub);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"language\": \"id\", \"name\": \"x\", \"texts\": {\"smtp.quit\"",
	    f);
	fclose(f);
	ck_assert_int_eq(run_surel("run scenarios/06-unknown-user.json "
	    "--narrate --lang id", out, OUT_MAX), 0);
	ck_assert_ptr_nonnull(strstr(out, "id.json:1:"));
	ck_assert_ptr_nonnull(strstr(out, "kotak surat"));
	unlink(path);
	unsetenv("SUREL_ASSETS");

	free(path);
	path = xasprintf("%s/jv.json", sub);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	free(path);
	free(sub);
	buf_free(&b);
	free(json);
	free(out);
	free(id);
}
END_TEST

Suite *
narrate_suite(void)
{
	Suite *s = suite_create("narrate");
	TCase *tc = tcase_create("narrate");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_key_in_both_languages);
	tcase_add_test(tc, test_placeholders_are_known);
	tcase_add_test(tc, test_every_step_of_every_scenario);
	tcase_add_test(tc, test_sentences_name_the_step);
	tcase_add_test(tc, test_configured_port_is_smtp);
	tcase_add_test(tc, test_keys_of_specific_steps);
	tcase_add_test(tc, test_pop3_bye_says_what_update_removed);
	tcase_add_test(tc, test_imap_uid_and_sequence_number_not_mixed);
	tcase_add_test(tc, test_counts_are_sentences);
	tcase_add_test(tc, test_parse_errors_name_file_and_key);
	tcase_add_test(tc, test_fallback_and_placeholders);
	tcase_add_test(tc, test_run_narrate_languages);
	tcase_add_test(tc, test_run_narrate_from_elsewhere);
	tcase_add_test(tc, test_run_unknown_language);
	tcase_add_test(tc, test_run_teacher_language);
	suite_add_tcase(s, tc);
	return s;
}
