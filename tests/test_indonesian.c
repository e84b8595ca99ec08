/*
 * test_indonesian.c: Indonesian a teacher would sign (issue 11, point 7).
 *
 * No common English word may stand in an Indonesian text: not in a
 * sentence of assets/lang/id.json, not in a word of the window
 * (render/window/words.c), not in a scenario's Indonesian title or
 * label, and not in the sentences the narration really says, with their
 * arguments filled, at every step of every bundled scenario; nor in a
 * row of the window's event list (render/window/evtext.c), for every
 * kind of record, reason and state it can show.
 *
 * What is not the sentence's own is left out: protocol words in capitals
 * (EHLO, RCPT TO, AUTHORIZATION, SYN), addresses and host names (a word
 * with a dot, '@', digit or colon in it), and the values of the
 * arguments that carry the other side's own words (a server's {reply},
 * a DNS {value}, a {subject}, a {user} name...).  A reason or a state
 * must never come as English text: the engine names it by its key.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evtext.h"
#include "english_words.h"
#include "helpers.h"
#include "narrate.h"
#include "run_helpers.h"
#include "trace.h"
#include "words.h"
#include "whereis.h"
#include "whereis_line.h"

/* ID_LIST=1: print every finding instead of stopping at the first. */
#define ID_CHECK(cond, ...) do {					\
	if (getenv("ID_LIST") != NULL) {				\
		if (!(cond)) {						\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} else								\
		ck_assert_msg(cond, __VA_ARGS__);			\
} while (0)

START_TEST(test_id_detector)
{
	char w[64];

	/* The test can fail: it finds what the issue saw. */
	ck_assert_ptr_nonnull(first_english("hilang: node_down", w, sizeof w));
	ck_assert_str_eq(w, "node_down");
	ck_assert_ptr_nonnull(first_english("gagal (connection to "
	    "mx.penerimamail.com failed: no answer (timed out))", w, sizeof w));
	ck_assert_str_eq(w, "connection");
	ck_assert_ptr_nonnull(first_english("hasil pengiriman (0): queued", w,
	    sizeof w));
	ck_assert_ptr_nonnull(first_english("Laptop masuk (login).", w,
	    sizeof w));
	ck_assert_ptr_nonnull(first_english("24 bytes", w, sizeof w));
	/* And lets pass what belongs: commands, states, addresses, {ph}. */
	ck_assert_ptr_null(first_english("{node} mengirim RCPT TO:<a@b.com> "
	    "dan MAIL FROM, lalu tahap AUTHORIZATION di mail.b.com.", w,
	    sizeof w));
	ck_assert_ptr_null(first_english("Paket {len} byte untuk {to}.", w,
	    sizeof w));
}
END_TEST

/* Every sentence of id.json. */
START_TEST(test_id_lang_file)
{
	struct narr_lang *L = test_load_lang("assets/lang/id.json");
	size_t n;
	const char *const *keys = narrate_keys(&n);
	char w[64];

	for (size_t i = 0; i < n; i++) {
		const char *t = narr_lang_text(L, keys[i]);

		ck_assert_msg(t != NULL, "id.json lacks %s", keys[i]);
		ID_CHECK(first_english(t, w, sizeof w) == NULL,
		    "id.json %s: English \"%s\" in \"%s\"", keys[i], w, t);
	}
	narr_lang_free(L);
}
END_TEST

/* Every Indonesian word of the window. */
START_TEST(test_id_window_words)
{
	char w[64];
	static const char *const chapters[] = {
		"submission", "dns", "relay", "delivery", "fetch", "bounce",
	};

	for (int i = 0; i < W_NWORDS; i++) {
		const char *t = words_get("id", (enum word)i);

		ID_CHECK(first_english(t, w, sizeof w) == NULL,
		    "words.c id %d: English \"%s\" in \"%s\"", i, w, t);
	}
	for (size_t i = 0; i < sizeof chapters / sizeof chapters[0]; i++) {
		const char *t = words_chapter("id", chapters[i]);

		ID_CHECK(first_english(t, w, sizeof w) == NULL,
		    "chapter %s: English \"%s\" in \"%s\"", chapters[i], w, t);
	}
	/* One word for each thing: byte, not "bita". */
	ck_assert_str_eq(words_get("id", W_BYTES), "byte");
	ck_assert_ptr_null(strstr(words_get("id", W_CLICK_FIELD), "bita"));
}
END_TEST

/* Every "id" text of a scenario's texts ({"en": ..., "id": ...}). */
static void
check_json_texts(const cJSON *j, const char *file)
{
	char w[64];
	const cJSON *c;

	if (cJSON_IsObject(j)) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(j, "en");

		if (cJSON_IsString(id) && cJSON_IsString(en))
			ID_CHECK(first_english(id->valuestring, w,
			    sizeof w) == NULL, "%s: English \"%s\" in \"%s\"",
			    file, w, id->valuestring);
	}
	cJSON_ArrayForEach(c, j)
		check_json_texts(c, file);
}

START_TEST(test_id_scenario_texts)
{
	glob_t g;

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len;
		char *text = test_slurp(g.gl_pathv[i], &len);
		cJSON *j = cJSON_ParseWithLength(text, len);

		ck_assert_msg(j != NULL, "%s does not parse", g.gl_pathv[i]);
		check_json_texts(j, g.gl_pathv[i]);
		cJSON_Delete(j);
		free(text);
	}
	globfree(&g);
}
END_TEST

/*
 * The arguments that carry another party's own words or names: a
 * server's reply, a DNS value, an address, the subject a person wrote,
 * a user name.  Their values are taken out of a sentence before it is
 * checked; {reason}, {state} and node labels are not among them.
 */
static const char *const quoted_args[] = {
	"reply", "value", "subject", "name", "user", "from", "to", "domain",
	"uid", "type",
};

static int
arg_is_quoted(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof quoted_args / sizeof quoted_args[0]; i++)
		if (strlen(quoted_args[i]) == n &&
		    memcmp(quoted_args[i], name, n) == 0)
			return 1;
	return 0;
}

/*
 * Blank every occurrence of v (n bytes) in s with '#': what is left of
 * a host name around it ("mail.###") still reads as an address.
 */
static void
blank(char *s, const char *v, size_t n)
{
	char *want = strndup(v, n);
	char *p;

	if (n > 0)
		for (p = s; (p = strstr(p, want)) != NULL; p += n)
			memset(p, '#', n);
	free(want);
}

/* Every bundled scenario, in Indonesian, at every step, as it is said. */
START_TEST(test_id_narration_filled)
{
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	glob_t g;
	char w[64];

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	ck_assert_uint_gt(g.gl_pathc, 10);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct test_run r = test_run_file(g.gl_pathv[f]);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec rec = trace_at(tr, i);
			struct trace_say y;
			struct buf b = { 0 };

			narrate(r.sim, id, en, i, &b);
			char *s = strndup((const char *)b.data, b.len);
			buf_free(&b);
			if (rec.say != 0 && trace_say_read(tr, rec.say, &y))
				for (int k = 0; k < y.nargs; k++)
					if (y.arg[k].node < 0 &&
					    arg_is_quoted(y.arg[k].name,
					    y.arg[k].name_len))
						blank(s, y.arg[k].value,
						    y.arg[k].value_len);
			/* A count of nothing is said in words. */
			ck_assert_msg(strstr(s, "da 0 surat") == NULL,
			    "%s step %zu: \"%s\"", g.gl_pathv[f], i + 1, s);
			ID_CHECK(first_english(s, w, sizeof w) == NULL,
			    "%s step %zu (%s): English \"%s\" in \"%s\"",
			    g.gl_pathv[f], i + 1, narrate_key(r.sim, i), w, s);
			free(s);
		}
		test_run_free(&r);
	}
	globfree(&g);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * One record of every kind the event list can show, with every drop
 * reason, retransmission cause, TCP state and error, and a record for
 * every narration key of a session, a change of state and DNS (their
 * rows are chosen by key), into a trace made by hand.
 */
static struct trace *
every_row_kind(void)
{
	struct trace *tr = trace_new();
	struct trace_rec r;
	size_t nk;
	const char *const *keys = narrate_keys(&nk);

#define ROW(k, aa, bb) do {						\
	memset(&r, 0, sizeof r);					\
	r.kind = (k); r.a = (aa); r.b = (bb); r.node = r.peer = -1;	\
	r.link = -1; r.frame = TRACE_NONE;				\
	trace_add(tr, &r);						\
} while (0)
	ROW(TR_FRAME_QUEUED, 0, 0);
	ROW(TR_FRAME_TX, 1, 0);
	ROW(TR_FRAME_TX, 0, 0);
	ROW(TR_FRAME_RX, 0, 0);
	for (unsigned d = 0; d < DROP_NREASONS; d++)
		ROW(TR_FRAME_DROP, d, 0);
	for (unsigned v = 0; v < 2; v++) {
		ROW(TR_NODE_STATE, v, 0);
		ROW(TR_LINK_STATE, v, 0);
	}
	for (unsigned s = 0; s < 11; s++)
		ROW(TR_TCP_STATE, (s + 1) % 11 | s << 8, 49153u << 16 | 25);
	for (unsigned k = RETX_TIMEOUT; k <= RETX_PARTIAL; k++)
		ROW(TR_TCP_RETX, 0, k);
	for (unsigned e = 0; e < 4; e++)
		ROW(TR_TCP_ERROR, e, 0);
#undef ROW
	for (size_t i = 0; i < nk; i++) {
		struct say y;
		const char *text = "";

		memset(&r, 0, sizeof r);
		r.node = r.peer = r.link = -1;
		r.frame = TRACE_NONE;
		r.b = 1;
		if (strncmp(keys[i], "dns.", 4) == 0) {
			r.kind = TR_APP;
			r.a = APP_DNS;
			text = "answer b.test MX 10 mx.b.test";
		} else if (strncmp(keys[i], "session.", 8) == 0) {
			r.kind = TR_STATE;
			r.a = ST_SESSION;
			text = "POP3 AUTHORIZATION -> TRANSACTION";
		} else if (strncmp(keys[i], "state.", 6) == 0) {
			r.kind = TR_STATE;
			r.a = ST_NWHATS;
			for (int w = 0; w < ST_NWHATS; w++) {
				const char *nm = state_what_name((enum state_what)w);
				if (strncmp(keys[i] + 6, nm, strlen(nm)) == 0)
					r.a = (uint32_t)w;
			}
			if (r.a == ST_NWHATS)
				continue;
			text = "a@b.test <1.2@c.test>";
		} else
			continue;
		say_begin(&y, keys[i]);
		say_str(&y, "to", "a@b.test");
		say_str(&y, "code", "451");
		say_str(&y, "seconds", "60");
		say_str(&y, "name", "b.test");
		say_str(&y, "type", "MX");
		say_str(&y, "value", "mx.b.test");
		say_str(&y, "domain", "b.test");
		r.say = trace_say_put(tr, &y);
		r.text = trace_text(tr, text, strlen(text));
		trace_add(tr, &r);
	}
	return tr;
}

/*
 * A row of the event list in Indonesian has no English word and no
 * engine's code ("node_down", "queued"): for every kind above, and at
 * every step of every bundled scenario.  The lines of SMTP, LMTP, POP3
 * and IMAP are the wire's own words, as a server wrote them, and are
 * shown as they are (the narration test leaves out {reply} alike).
 */
START_TEST(test_id_event_rows)
{
	struct trace *tr = every_row_kind();
	char buf[512], en[512], w[64];
	glob_t g;

	ck_assert_uint_gt(trace_count(tr), 100);
	for (size_t i = 0; i < trace_count(tr); i++) {
		evtext_summary(NULL, tr, "id", i, buf, sizeof buf);
		evtext_summary(NULL, tr, "en", i, en, sizeof en);
		ck_assert_msg(buf[0] != '\0', "row %zu is empty", i);
		ID_CHECK(first_english(buf, w, sizeof w) == NULL,
		    "row %zu (%s): English \"%s\" in \"%s\"", i,
		    trace_kind_name((enum trace_kind)trace_at(tr, i).kind), w,
		    buf);
		/* No code in either language: a word with '_' is a key. */
		ck_assert_msg(strchr(buf, '_') == NULL && strchr(en, '_') == NULL,
		    "row %zu: \"%s\" / \"%s\"", i, buf, en);
		/* Every row is said in each language's own words. */
		ck_assert_msg(strcmp(buf, en) != 0, "row %zu is the same in "
		    "both: \"%s\"", i, en);
	}
	trace_free(tr);

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct test_run r = test_run_file(g.gl_pathv[f]);
		const struct trace *t = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(t); i++) {
			const struct trace_rec rec = trace_at(t, i);

			if (rec.kind == TR_APP && rec.a != APP_DNS) {
				/*
				 * The wire's words stay, but not the English
				 * descriptions the transcript puts in place of
				 * a message's content or a password.
				 */
				static const char *const ours[] = {
					"(the message", "(message of",
					"(user name", "(password)",
				};
				evtext_summary(r.sc, t, "id", i, buf, sizeof buf);
				for (size_t k = 0; k < 4; k++)
					ck_assert_msg(strstr(buf, ours[k]) ==
					    NULL, "%s step %zu: \"%s\"",
					    g.gl_pathv[f], i + 1, buf);
				continue;
			}
			evtext_summary(r.sc, t, "id", i, buf, sizeof buf);
			ID_CHECK(first_english(buf, w, sizeof w) == NULL,
			    "%s step %zu: English \"%s\" in \"%s\"",
			    g.gl_pathv[f], i + 1, w, buf);
			/* A session's new state is said in words, not only by its name. */
			if (rec.kind == TR_STATE && rec.a == ST_SESSION)
				ck_assert_msg(strstr(buf, ": (") == NULL,
				    "%s step %zu: \"%s\"", g.gl_pathv[f], i + 1,
				    buf);
		}
		test_run_free(&r);
	}
	globfree(&g);
}
END_TEST

/*
 * The window's line "Posisi surat: ..." (whereis_line.c), in Indonesian,
 * wherever the places change in every bundled scenario; the subjects,
 * the person's own words, are left out.
 */
START_TEST(test_id_whereis_line)
{
	glob_t g;
	char w[64];

	ck_assert_int_eq(glob("scenarios/*.json", 0, NULL, &g), 0);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct test_run r = test_run_file(g.gl_pathv[f]);
		const struct trace *tr = sim_trace(r.sim);
		struct whereis *wh = whereis_new(tr, r.sc);
		struct buf prev = { 0 };

		for (size_t st = 0; st <= trace_count(tr); st++) {
			struct buf b = { 0 };

			whereis_line(wh, r.sc, st, "id", &b);
			if (prev.len == b.len && memcmp(prev.data, b.data,
			    b.len) == 0) {
				buf_free(&b);
				continue;
			}
			char *s = strndup((const char *)b.data, b.len);
			for (int m = 0; m < whereis_nmsgs(wh); m++) {
				const char *sub = whereis_msg(wh, m)->subject;
				blank(s, sub, strlen(sub));
			}
			ck_assert_msg(strncmp(s, "Posisi surat: ", 14) == 0, "%s",
			    s);
			ID_CHECK(first_english(s, w, sizeof w) == NULL,
			    "%s step %zu: English \"%s\" in \"%s\"",
			    g.gl_pathv[f], st, w, s);
			free(s);
			buf_free(&prev);
			prev = b;
		}
		buf_free(&prev);
		whereis_free(wh);
		test_run_free(&r);
	}
	globfree(&g);
}
END_TEST

/*
 * A what-if's changes (ST_CHANGE: a link's loss, a DNS record added or
 * removed, a password) are said in words in the event list, with what
 * changed, in each language's own words.
 */
START_TEST(test_id_change_rows)
{
	static const char *const keys[] = { "link.loss_changed",
	    "dns.record_added", "dns.record_removed", "mail.password_changed" };
	struct trace *tr = trace_new();
	char id[256], en[256], w[64];

	for (size_t i = 0; i < 4; i++) {
		struct trace_rec r;
		struct say y;

		memset(&r, 0, sizeof r);
		r.kind = TR_STATE;
		r.a = ST_CHANGE;
		r.node = r.peer = r.link = -1;
		r.frame = TRACE_NONE;
		say_begin(&y, keys[i]);
		say_str(&y, "count", "30");
		say_str(&y, "name", "mx2.b.test");
		say_str(&y, "type", "A");
		say_str(&y, "user", "a@b.test");
		r.say = trace_say_put(tr, &y);
		r.text = trace_text(tr, "engine text", 11);
		trace_add(tr, &r);
	}
	for (size_t i = 0; i < 4; i++) {
		evtext_summary(NULL, tr, "id", i, id, sizeof id);
		evtext_summary(NULL, tr, "en", i, en, sizeof en);
		ck_assert_msg(strstr(id, "engine") == NULL, "%s", id);
		ck_assert_msg(strcmp(id, en) != 0, "%s", id);
		ck_assert_msg(first_english(id, w, sizeof w) == NULL,
		    "\"%s\" in \"%s\"", w, id);
		ck_assert(strstr(id, i == 0 ? "30%" : i < 3 ? "mx2.b.test" :
		    "a@b.test") != NULL);
	}
	trace_free(tr);
}
END_TEST

/*
 * The descriptions the transcript puts in place of a message or a
 * password come from the record's narration key and its arguments, as
 * the engine wrote them, not from the transcript's English: here each
 * record's text says other numbers and other words than its arguments,
 * and the row follows the arguments.
 */
START_TEST(test_evtext_elision_from_say)
{
	static const struct {
		const char *key, *text, *en, *id;
		enum app_proto proto;
	} c[] = {
		{ "smtp.message", "C: (the message: 999 bytes in 9 lines, "
		    "ending with a line holding only \".\")",
		    "C: (the message: 123 bytes in 4 lines, ending with a line "
		    "holding only \".\")", "C: (isi surat: 123 byte dalam 4 "
		    "baris, diakhiri baris yang hanya berisi \".\")", APP_SMTP },
		{ "lmtp.message.one_packet", "C: (some 999 bytes)",
		    "C: (the message: 123 bytes in 4 lines, ending with a line "
		    "holding only \".\")", NULL, APP_LMTP },
		{ "smtp.auth", "C: AUTH PLAIN (secret)",
		    "C: AUTH PLAIN (user name and password, in base64)",
		    "C: AUTH PLAIN (nama pengguna dan kata sandi, dalam base64)",
		    APP_SMTP },
		{ "pop3.pass", "C: PASS (hidden words)", "C: PASS (password)",
		    "C: PASS (kata sandi)", APP_POP3 },
		{ "imap.login", "C: a1 LOGIN bob (hidden)",
		    "C: a1 LOGIN bob (password)", "C: a1 LOGIN bob (kata sandi)",
		    APP_IMAP },
		{ "pop3.retr_reply", "S: +OK 123 octets\r\n(a message of 77 "
		    "bytes follows)", "S: +OK 123 octets (message of 123 bytes "
		    "follows, ending with \".\")", "S: +OK 123 octets (surat "
		    "sebesar 123 byte menyusul, diakhiri \".\")", APP_POP3 },
		{ "imap.fetch_data", "S: * 1 FETCH (BODY[] {123} (77 bytes))",
		    "S: * 1 FETCH (BODY[] {123} (message of 123 bytes))",
		    "S: * 1 FETCH (BODY[] {123} (surat sebesar 123 byte))",
		    APP_IMAP },
	};
	struct trace *tr = trace_new();
	char en[512], id[512];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct trace_rec r;
		struct say y;

		memset(&r, 0, sizeof r);
		r.kind = TR_APP;
		r.a = c[i].proto;
		r.node = r.peer = r.link = -1;
		r.frame = TRACE_NONE;
		say_begin(&y, c[i].key);
		say_num(&y, "len", 123);
		say_num(&y, "count", 4);
		say_str(&y, "user", "bob");
		r.say = trace_say_put(tr, &y);
		r.text = trace_text(tr, c[i].text, strlen(c[i].text));
		trace_add(tr, &r);
		evtext_summary(NULL, tr, "en", i, en, sizeof en);
		evtext_summary(NULL, tr, "id", i, id, sizeof id);
		ck_assert_str_eq(en, c[i].en);
		if (c[i].id != NULL)
			ck_assert_str_eq(id, c[i].id);
	}
	trace_free(tr);
}
END_TEST

Suite *
indonesian_suite(void)
{
	Suite *s = suite_create("indonesian");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_id_detector);
	tcase_add_test(tc, test_id_lang_file);
	tcase_add_test(tc, test_id_window_words);
	tcase_add_test(tc, test_id_scenario_texts);
	tcase_add_test(tc, test_id_narration_filled);
	tcase_add_test(tc, test_id_event_rows);
	tcase_add_test(tc, test_id_whereis_line);
	tcase_add_test(tc, test_id_change_rows);
	tcase_add_test(tc, test_evtext_elision_from_say);
	suite_add_tcase(s, tc);
	return s;
}
