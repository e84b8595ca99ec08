/*
 * test_bad_keys.c: the broken-scenario corpus (tests/bad/) reaches every
 * key of the scenario format (SPEC section 2): for each key below, at
 * least one NAME.expect names an error at a path that is that key (list
 * indices aside, "nodes[3].services.dns.records[1].ttl" is
 * "nodes[].services.dns.records[].ttl"; an error at one element of a
 * list, "...bcc[0]", counts for the list).  test_scenario.c checks that
 * the loader gives each expected line, test_cli.c that the program exits
 * with 2 on each file (and make asan that none crashes).
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define BAD_DIR	"tests/bad"

/* Every key of SPEC section 2, as a path with the list indices left out. */
static const char *const spec_keys[] = {
	/* the top level */
	"surel", "title", "description", "seed", "epoch", "until_ms", "mss",
	"nodes", "links", "accounts", "actions",
	/* node */
	"nodes[].id", "nodes[].kind", "nodes[].ip", "nodes[].label",
	"nodes[].hostname", "nodes[].resolver", "nodes[].x", "nodes[].y",
	"nodes[].services",
	/* dns, its records and delegations */
	"nodes[].services.dns", "nodes[].services.dns.port",
	"nodes[].services.dns.records", "nodes[].services.dns.records[].name",
	"nodes[].services.dns.records[].type",
	"nodes[].services.dns.records[].ttl",
	"nodes[].services.dns.records[].address",
	"nodes[].services.dns.records[].preference",
	"nodes[].services.dns.records[].exchange",
	"nodes[].services.dns.records[].target",
	"nodes[].services.dns.records[].text",
	"nodes[].services.dns.delegate",
	"nodes[].services.dns.delegate[].zone",
	"nodes[].services.dns.delegate[].ns",
	"nodes[].services.dns.delegate[].address",
	"nodes[].services.dns.recursive",
	/* smtp */
	"nodes[].services.smtp", "nodes[].services.smtp.port",
	"nodes[].services.smtp.domains", "nodes[].services.smtp.deliver",
	"nodes[].services.smtp.relay_via", "nodes[].services.smtp.max_size",
	"nodes[].services.smtp.max_hops", "nodes[].services.smtp.retry_ms",
	"nodes[].services.smtp.give_up_ms",
	/* submission, lmtp, pop3, imap */
	"nodes[].services.submission", "nodes[].services.submission.port",
	"nodes[].services.submission.require_auth",
	"nodes[].services.lmtp", "nodes[].services.lmtp.port",
	"nodes[].services.pop3", "nodes[].services.pop3.port",
	"nodes[].services.imap", "nodes[].services.imap.port",
	/* link */
	"links[].a", "links[].b", "links[].latency_ms", "links[].bandwidth_kbps",
	"links[].loss", "links[].mtu",
	/* account */
	"accounts[].address", "accounts[].server", "accounts[].user",
	"accounts[].password",
	/* action, and each kind's keys */
	"actions[].at_ms", "actions[].node", "actions[].send",
	"actions[].fetch", "actions[].power", "actions[].link",
	"actions[].state", "actions[].expect",
	"actions[].send.from", "actions[].send.to", "actions[].send.cc",
	"actions[].send.bcc", "actions[].send.subject", "actions[].send.body",
	"actions[].send.attachments", "actions[].send.via",
	"actions[].send.port", "actions[].send.auth",
	/* attachment, auth */
	"actions[].send.attachments[].name",
	"actions[].send.attachments[].content_type",
	"actions[].send.attachments[].size",
	"actions[].send.attachments[].text",
	"actions[].send.auth.user", "actions[].send.auth.password",
	/* fetch */
	"actions[].fetch.protocol", "actions[].fetch.server",
	"actions[].fetch.user", "actions[].fetch.password",
	"actions[].fetch.keep",
};

/*
 * The path an expect line names, indices left out, into out; 0 when the
 * line names none.  Lines are "PATH: message", or "FILE: PATH: message".
 */
static int
line_path(const char *line, char *out, size_t outsz)
{
	const char *p = line, *colon;

	/* Skip "FILE.json: " when there is one. */
	if ((colon = strstr(p, ".json: ")) != NULL)
		p = colon + 7;
	colon = strstr(p, ": ");
	if (colon == NULL || colon == p)
		return 0;
	size_t k = 0;
	for (const char *q = p; q < colon; q++) {
		if (!islower((unsigned char)*q) && !isdigit((unsigned char)*q) &&
		    *q != '_' && *q != '.' && *q != '[' && *q != ']')
			return 0;
		if (*q == '[') {
			/* "[12]" becomes "[]". */
			const char *e = strchr(q, ']');
			if (e == NULL || e > colon)
				return 0;
			q = e - 1;
			if (k + 1 >= outsz)
				return 0;
			out[k++] = '[';
			continue;
		}
		if (k + 1 >= outsz)
			return 0;
		out[k++] = *q;
	}
	out[k] = '\0';
	return 1;
}

START_TEST(test_bad_corpus_covers_every_spec_key)
{
	size_t nkeys = sizeof spec_keys / sizeof *spec_keys;
	int *seen = xcalloc(nkeys, sizeof *seen);
	DIR *d = opendir(BAD_DIR);
	struct dirent *e;
	int files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 8 || strcmp(e->d_name + n - 7, ".expect") != 0)
			continue;
		char *path = xasprintf(BAD_DIR "/%s", e->d_name);
		FILE *f = fopen(path, "r");
		char line[1024], got[512];

		ck_assert_ptr_nonnull(f);
		files++;
		while (fgets(line, sizeof line, f) != NULL) {
			if (!line_path(line, got, sizeof got))
				continue;
			for (size_t k = 0; k < nkeys; k++) {
				size_t kl = strlen(spec_keys[k]);

				if (strncmp(got, spec_keys[k], kl) == 0 &&
				    (got[kl] == '\0' || strcmp(got + kl, "[]") == 0))
					seen[k]++;
			}
		}
		fclose(f);
		free(path);
	}
	closedir(d);
	ck_assert_int_ge(files, 100);

	struct buf missing = { 0 };
	for (size_t k = 0; k < nkeys; k++)
		if (!seen[k])
			buf_printf(&missing, "\n  %s", spec_keys[k]);
	ck_assert_msg(missing.len == 0, "no file of " BAD_DIR " has an error at:%s",
	    missing.data ? (char *)missing.data : "");
	buf_free(&missing);
	free(seen);
}
END_TEST

/* The path reader itself. */
START_TEST(test_bad_keys_line_path)
{
	char p[128];

	ck_assert(line_path("nodes[2].services.pop3.port: must be between", p,
	    sizeof p));
	ck_assert_str_eq(p, "nodes[].services.pop3.port");
	ck_assert(line_path("dup_json_key.json: nodes[0]: duplicate key 'ip'", p,
	    sizeof p));
	ck_assert_str_eq(p, "nodes[]");
	ck_assert(line_path("title: expected a text", p, sizeof p));
	ck_assert_str_eq(p, "title");
	ck_assert(!line_path("2026-02 has no day 30", p, sizeof p));
	ck_assert(!line_path("must end with Z or a zone offset", p, sizeof p));
}
END_TEST

Suite *
bad_keys_suite(void)
{
	Suite *s = suite_create("bad_keys");
	TCase *tc = tcase_create("corpus");

	tcase_add_test(tc, test_bad_keys_line_path);
	tcase_add_test(tc, test_bad_corpus_covers_every_spec_key);
	suite_add_tcase(s, tc);
	return s;
}
