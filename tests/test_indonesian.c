/*
 * test_indonesian.c: Indonesian a teacher would sign (issue 11, point 7).
 *
 * No common English word may stand in an Indonesian text: not in a
 * sentence of assets/lang/id.json, not in a word of the window
 * (render/window/words.c), not in a scenario's Indonesian title or
 * label, and not in the sentences the narration really says, with their
 * arguments filled, at every step of every bundled scenario.
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

#include "english_words.h"
#include "helpers.h"
#include "narrate.h"
#include "run_helpers.h"
#include "trace.h"
#include "words.h"

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
			const struct trace_rec *rec = trace_get(tr, i);
			struct trace_say y;
			struct buf b = { 0 };

			narrate(r.sim, id, en, i, &b);
			char *s = strndup((const char *)b.data, b.len);
			buf_free(&b);
			if (rec->say != 0 && trace_say_read(tr, rec->say, &y))
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
	suite_add_tcase(s, tc);
	return s;
}
