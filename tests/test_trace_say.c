/*
 * test_trace_say.c: narration at the source (issue 10, trace.h "struct
 * say").  The encoding keeps what a layer wrote (control characters in
 * values become spaces, node arguments stay nodes, an argument-less key
 * is stored once); and the contract: every record of every bundled
 * scenario, and of generated ones, carries a key that the narration
 * knows and that both bundled language files translate, and `surel run
 * --trace` exports a "say" on every line.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_scenario.h"
#include "helpers.h"
#include "narrate.h"
#include "trace.h"
#include "util.h"

START_TEST(test_say_encoding)
{
	struct trace *tr = trace_new();
	struct trace_say y;
	struct say b;
	uint32_t off;

	say_begin(&b, "smtp.data.stored_local");
	say_str(&b, "to", "penerima@penerimamail.com");
	say_str(&b, "reply", "250 2.0.0 Ok\r\nline\x1f two");
	say_node(&b, "next", 7);
	say_node(&b, "none", -1);	/* no such node: left out */
	say_num(&b, "count", -3);
	off = trace_say_put(tr, &b);
	ck_assert_uint_ne(off, 0);
	ck_assert_int_eq(trace_say_read(tr, off, &y), 1);
	ck_assert_int_eq((int)y.key_len, (int)strlen("smtp.data.stored_local"));
	ck_assert(memcmp(y.key, "smtp.data.stored_local", y.key_len) == 0);
	ck_assert_int_eq(y.nargs, 4);
	ck_assert(y.arg[0].name_len == 2 && memcmp(y.arg[0].name, "to", 2) == 0);
	ck_assert_int_eq(y.arg[0].node, -1);
	/* CR, LF and the separator itself became spaces: one argument, whole. */
	ck_assert_int_eq((int)y.arg[1].value_len, 23);
	ck_assert(memcmp(y.arg[1].value, "250 2.0.0 Ok  line  two", 23) == 0);
	ck_assert(memcmp(y.arg[2].name, "next", 4) == 0);
	ck_assert_int_eq(y.arg[2].node, 7);
	ck_assert(y.arg[3].value_len == 2 && memcmp(y.arg[3].value, "-3", 2) == 0);
	ck_assert_int_eq(trace_say_read(tr, 0, &y), 0);
	trace_free(tr);
}
END_TEST

START_TEST(test_say_key_interned)
{
	static const char k1[] = "frame.rx", k2[] = "frame.rx.arrived";
	struct trace *tr = trace_new();
	struct trace_say y;
	uint32_t a = trace_say_key(tr, k1), b = trace_say_key(tr, k2);
	size_t used = trace_bytes_used(tr);

	/* The same key again is the same offset, and costs nothing. */
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(trace_say_key(tr, k1), a);
	ck_assert_uint_eq(trace_bytes_used(tr), used);
	ck_assert_uint_ne(a, b);
	ck_assert_int_eq(trace_say_read(tr, b, &y), 1);
	ck_assert_str_eq(y.key, "frame.rx.arrived");
	ck_assert_int_eq(y.nargs, 0);
	trace_free(tr);
}
END_TEST

/* The keys assets/lang/CODE.json translates ("texts"), as one string. */
static char *
lang_file(const char *code)
{
	char path[64];
	size_t len;
	char *json;

	snprintf(path, sizeof path, "assets/lang/%s.json", code);
	json = test_slurp(path, &len);
	ck_assert_msg(json != NULL, "cannot read %s", path);
	return json;
}

/* Whether "key": stands in the language file (keys are unique there). */
static int
lang_has(const char *json, const char *key, size_t n)
{
	char pat[160];

	if (n + 4 >= sizeof pat)
		return 0;
	snprintf(pat, sizeof pat, "\"%.*s\":", (int)n, key);
	return strstr(json, pat) != NULL;
}

/* Every record of s has a known key that en and id translate; returns the record count. */
static size_t
check_every_record(const struct sim *s, const char *what, const char *en,
    const char *id)
{
	const struct trace *tr = sim_trace(s);
	size_t nkeys, n = trace_count(tr);
	const char *const *keys = narrate_keys(&nkeys);

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec r = trace_at(tr, i);
		struct trace_say y;
		int known = 0;

		ck_assert_msg(trace_say_read(tr, r.say, &y),
		    "%s: record %zu (%s) has no narration key", what, i,
		    trace_kind_name((enum trace_kind)r.kind));
		for (size_t k = 0; k < nkeys && !known; k++)
			known = strlen(keys[k]) == y.key_len &&
			    memcmp(keys[k], y.key, y.key_len) == 0;
		ck_assert_msg(known, "%s: record %zu: key %.*s is not in narrate_keys()",
		    what, i, (int)y.key_len, y.key);
		ck_assert_msg(lang_has(en, y.key, y.key_len) &&
		    lang_has(id, y.key, y.key_len),
		    "%s: record %zu: key %.*s is missing in en.json or id.json",
		    what, i, (int)y.key_len, y.key);
	}
	return n;
}

static struct sim *
run_text(const char *text, size_t len, const char *name, struct scenario **scp)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, len, name, &errs);
	struct sim *s;

	ck_assert_msg(sc != NULL, "%s: %s", name, errs.n ? errs.msg[0] : "?");
	s = sim_new(sc, sc->seed);
	sim_run(s);
	*scp = sc;
	return s;
}

START_TEST(test_say_every_record_bundled)
{
	char *en = lang_file("en"), *id = lang_file("id");
	DIR *d = opendir("scenarios");
	struct dirent *e;
	int files = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name), len;
		char path[300];
		struct scenario *sc;
		struct sim *s;
		char *text;

		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "scenarios/%s", e->d_name);
		text = test_slurp(path, &len);
		ck_assert(text != NULL);
		s = run_text(text, len, path, &sc);
		ck_assert_uint_gt(check_every_record(s, path, en, id), 0);
		sim_free(s);
		scenario_free(sc);
		free(text);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 17);
	free(en);
	free(id);
}
END_TEST

/* Generated worlds reach what lessons do not: outages, loss, refusals, give-ups. */
START_TEST(test_say_every_record_generated)
{
	char *en = lang_file("en"), *id = lang_file("id");

	for (uint64_t seed = 1; seed <= 60; seed++) {
		struct buf json = { 0 };
		struct scenario *sc;
		struct sim *s;
		char name[32];

		gen_scenario(seed, &json);
		snprintf(name, sizeof name, "generated seed %llu",
		    (unsigned long long)seed);
		s = run_text((const char *)json.data, json.len, name, &sc);
		check_every_record(s, name, en, id);
		sim_free(s);
		scenario_free(sc);
		buf_free(&json);
	}
	free(en);
	free(id);
}
END_TEST

START_TEST(test_say_jsonl_every_line)
{
	static char out[1 << 16];
	char *jsonl, *line;
	size_t len;
	int lines = 0;

	ck_assert_int_eq(run_surel("run scenarios/default.json --trace build/say_t.jsonl",
	    out, sizeof out), 0);
	jsonl = test_slurp("build/say_t.jsonl", &len);
	ck_assert(jsonl != NULL);
	for (line = strtok(jsonl, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		ck_assert_msg(strstr(line, ",\"say\":{\"key\":\"") != NULL,
		    "line %d has no say.key: %.200s", lines + 1, line);
		lines++;
	}
	ck_assert_int_gt(lines, 1000);
	free(jsonl);
}
END_TEST

Suite *
trace_say_suite(void)
{
	Suite *s = suite_create("trace_say");
	TCase *tc = tcase_create("say");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_say_encoding);
	tcase_add_test(tc, test_say_key_interned);
	tcase_add_test(tc, test_say_every_record_bundled);
	tcase_add_test(tc, test_say_every_record_generated);
	tcase_add_test(tc, test_say_jsonl_every_line);
	suite_add_tcase(s, tc);
	return s;
}
