/*
 * fuzz_lang.c: libFuzzer target for the narration's language files
 * (narr_lang_parse() in sim/narrate.c): any bytes a teacher's editor
 * could save.  A file that parses must have a code a file could be named
 * after, a name, and sentences that are non-empty single lines; every
 * one of them, placeholders and braces of every shape included, is then
 * used to narrate a small built-in scenario, which must give one line
 * each time.  A file that does not parse must say why.  abort() on any
 * broken promise.
 *
 *   make fuzz-build && build/fuzz/fuzz_lang -max_total_time=60 \
 *     /tmp/fzl tests/fuzz/corpus/lang
 * or by hand (with all of sim/, since it narrates a simulation):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
 *     -Isim tests/fuzz/fuzz_lang.c sim/[a-z]*.c \
 *     $(pkg-config --cflags --libs libcjson nettle) -lm -o /tmp/fuzz_lang
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "narrate.h"
#include "scenario.h"
#include "sim.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A few of every kind of step: DNS, TCP, SMTP with a refused recipient, POP3. */
static const char fuzz_scenario[] =
"{\"surel\": 1, \"title\": \"fuzz\", \"nodes\": ["
" {\"id\": \"pc\", \"kind\": \"client\", \"ip\": \"10.0.0.10\", \"resolver\": \"ns\","
"  \"label\": {\"en\": \"PC\", \"id\": \"Komputer\"}},"
" {\"id\": \"r\", \"kind\": \"router\", \"ip\": \"10.0.0.1\"},"
" {\"id\": \"ns\", \"kind\": \"server\", \"ip\": \"10.0.0.53\", \"hostname\": \"ns.test\","
"  \"services\": {\"dns\": {\"records\": [{\"name\": \"mail.test\", \"type\": \"A\","
"  \"address\": \"10.0.0.25\"}]}}},"
" {\"id\": \"mail\", \"kind\": \"server\", \"ip\": \"10.0.0.25\", \"hostname\": \"mail.test\","
"  \"resolver\": \"ns\", \"services\": {\"submission\": {}, \"smtp\": {\"domains\": [\"test\"]},"
"  \"pop3\": {}}}],"
" \"links\": [{\"a\": \"pc\", \"b\": \"r\"}, {\"a\": \"r\", \"b\": \"ns\"},"
"  {\"a\": \"r\", \"b\": \"mail\"}],"
" \"accounts\": [{\"address\": \"a@test\", \"server\": \"mail\", \"user\": \"a\","
"  \"password\": \"p\"}],"
" \"actions\": [{\"at_ms\": 0, \"node\": \"pc\", \"send\": {\"from\": \"a@test\","
"  \"to\": [\"a@test\", \"x@test\"], \"subject\": \"Hi\", \"body\": \"Hi\\n\","
"  \"via\": \"mail\", \"auth\": {\"user\": \"a\", \"password\": \"p\"}}},"
"  {\"at_ms\": 5000, \"node\": \"pc\", \"fetch\": {\"protocol\": \"pop3\","
"  \"server\": \"mail\", \"user\": \"a\", \"password\": \"p\"}}]}";

static struct scenario	*fz_sc;
static struct sim	*fz_sim;

static void
fuzz_init(void)
{
	struct sc_errors errs = { 0 };

	fz_sc = scenario_load(fuzz_scenario, sizeof fuzz_scenario - 1,
	    "fuzz", &errs);
	if (fz_sc == NULL)
		abort();
	fz_sim = sim_new(fz_sc, 1);
	sim_run(fz_sim);
	/* Both stay until the process ends: libFuzzer never returns. */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	struct narr_lang *L;
	size_t nk;
	const char *const *keys = narrate_keys(&nk);

	if (fz_sim == NULL)
		fuzz_init();
	L = narr_lang_parse((const char *)data, size, "fuzz.json", &err);
	if (L == NULL) {
		/* Refused: with a reason that names the file. */
		if (err == NULL || strncmp(err, "fuzz.json", 9) != 0)
			abort();
		free(err);
		return 0;
	}
	if (err != NULL || !narr_lang_code_ok(narr_lang_code(L)) ||
	    narr_lang_name(L)[0] == '\0')
		abort();
	for (size_t i = 0; i < nk; i++) {
		const char *t = narr_lang_text(L, keys[i]);

		if (t != NULL && (t[0] == '\0' || strchr(t, '\n') != NULL))
			abort();
	}
	struct buf lint = { 0 };
	narr_lang_lint(L, NULL, &lint);
	buf_free(&lint);

	/* Narrate with it: every record, once in a while a quarter of them. */
	const struct trace *tr = sim_trace(fz_sim);
	size_t n = trace_count(tr);
	size_t stride = size & 1 ? 1 : 4;

	for (size_t i = size % stride; i < n; i += stride) {
		struct buf o = { 0 };

		narrate(fz_sim, L, NULL, i, &o);
		if (o.len == 0 || memchr(o.data, '\n', o.len) != NULL ||
		    strlen((char *)o.data) != o.len)
			abort();
		buf_free(&o);
	}
	/* Merging into itself changes nothing and leaks nothing. */
	narr_lang_merge(L, L);
	narr_lang_free(L);
	return 0;
}
