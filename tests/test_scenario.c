/*
 * test_scenario.c: the scenario loader (sim/scenario.h) against good
 * scenarios, whose defaults must be filled as SPEC.md says, and against
 * the broken-scenario corpus in tests/bad/, each NAME.json paired with a
 * NAME.expect whose lines must all appear in the errors.
 *
 * Runs with the repository root as the current directory.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "helpers.h"

#define BAD_DIR		"tests/bad"
#define MAX_BAD		1024

/* The corpus, listed once when the suite is built. */
static char	*bad_names[MAX_BAD];
static int	 nbad;
static int	 bad_overflow;

/* A small world: pc - router-1 - {mail, ns, relay-1}. */
static const char good_json[] =
    "{\n"
    "  \"surel\": 1,\n"
    "  \"title\": {\"en\": \"Good\", \"id\": \"Bagus\"},\n"
    "  \"nodes\": [\n"
    "    {\"id\": \"pc\", \"kind\": \"client\", \"ip\": \"10.0.0.10\",\n"
    "     \"resolver\": \"ns\"},\n"
    "    {\"id\": \"router-1\", \"kind\": \"router\", \"ip\": \"10.0.0.1\"},\n"
    "    {\"id\": \"mail\", \"kind\": \"server\", \"ip\": \"10.0.0.25\",\n"
    "     \"hostname\": \"Mail.Example.COM.\",\n"
    "     \"services\": {\"smtp\": {\"domains\": [\"Example.com\"],\n"
    "       \"relay_via\": \"relay-1\"}, \"submission\": {}, \"lmtp\": {},\n"
    "       \"pop3\": {}, \"imap\": {}}},\n"
    "    {\"id\": \"ns\", \"kind\": \"server\", \"ip\": \"10.0.0.53\",\n"
    "     \"hostname\": \"ns.example.com\", \"services\": {\"dns\": {\n"
    "       \"records\": [\n"
    "         {\"name\": \"Example.com.\", \"type\": \"MX\",\n"
    "          \"preference\": 10, \"exchange\": \"MAIL.example.com\"},\n"
    "         {\"name\": \"mail.example.com\", \"type\": \"A\",\n"
    "          \"address\": \"10.0.0.25\"},\n"
    "         {\"name\": \"_dmarc.example.com\", \"type\": \"TXT\",\n"
    "          \"text\": \"v=DMARC1; p=none\", \"ttl\": 60}],\n"
    "       \"delegate\": [{\"zone\": \".\", \"ns\": \"ns.example.com\",\n"
    "          \"address\": \"10.0.0.53\"}]}}},\n"
    "    {\"id\": \"relay-1\", \"kind\": \"server\", \"ip\": \"10.0.0.26\",\n"
    "     \"hostname\": \"relay.example.net\", \"resolver\": \"ns\",\n"
    "     \"services\": {\"smtp\": {}}}\n"
    "  ],\n"
    "  \"links\": [\n"
    "    {\"a\": \"pc\", \"b\": \"router-1\"},\n"
    "    {\"a\": \"mail\", \"b\": \"router-1\", \"latency_ms\": 2.5,\n"
    "     \"bandwidth_kbps\": 0.5, \"loss\": 0.25, \"mtu\": 576,\n"
    "     \"queue_packets\": 7},\n"
    "    {\"a\": \"ns\", \"b\": \"router-1\"},\n"
    "    {\"a\": \"relay-1\", \"b\": \"router-1\"}\n"
    "  ],\n"
    "  \"accounts\": [\n"
    "    {\"address\": \"ana@example.com\", \"server\": \"mail\",\n"
    "     \"password\": \"rahasia\"},\n"
    "    {\"address\": \"budi@example.com\", \"server\": \"mail\",\n"
    "     \"user\": \"budi\", \"password\": \"\"}\n"
    "  ],\n"
    "  \"actions\": [\n"
    "    {\"at_ms\": 0, \"node\": \"pc\", \"send\": {\"from\": \"ana@example.com\",\n"
    "     \"to\": [\"budi@example.com\"], \"via\": \"mail\"}},\n"
    "    {\"at_ms\": 1.5, \"node\": \"pc\", \"send\": {\"from\": \"ana@example.com\",\n"
    "     \"cc\": [\"budi@example.com\"], \"bcc\": [\"x@example.org\"],\n"
    "     \"subject\": \"Hi\", \"body\": \"line 1\\nline 2\\n\",\n"
    "     \"attachments\": [{\"name\": \"a.pdf\", \"content_type\":\n"
    "       \"application/pdf\", \"size\": 1000}, {\"name\": \"b.txt\",\n"
    "       \"content_type\": \"text/plain\", \"text\": \"hello\"}],\n"
    "     \"via\": \"relay-1\", \"auth\": {\"user\": \"u\", \"password\": \"p\"}}},\n"
    "    {\"at_ms\": 2, \"node\": \"pc\", \"send\": {\"from\": \"ana@example.com\",\n"
    "     \"to\": [\"budi@example.com\"], \"via\": \"mail\", \"port\": 25}},\n"
    "    {\"at_ms\": 3, \"node\": \"mail\", \"send\": {\"from\": \"ana@example.com\",\n"
    "     \"to\": [\"budi@example.com\"]}},\n"
    "    {\"at_ms\": 1000, \"node\": \"pc\", \"fetch\": {\"protocol\": \"imap\",\n"
    "     \"server\": \"mail\", \"user\": \"budi\", \"password\": \"\",\n"
    "     \"keep\": true}},\n"
    "    {\"at_ms\": 2000, \"node\": \"router-1\", \"power\": \"off\"},\n"
    "    {\"at_ms\": 3000, \"link\": [\"router-1\", \"ns\"], \"state\": \"down\"}\n"
    "  ]\n"
    "}\n";

static struct scenario *
load_str(const char *json, const char *name, struct sc_errors *e)
{
	return scenario_load(json, strlen(json), name, e);
}


/* All messages, one a line, for substring checks and failure output. */
static char *
join_errors(const struct sc_errors *e)
{
	size_t n = 1;
	char *s;

	for (int i = 0; i < e->n; i++)
		n += strlen(e->msg[i]) + 1;
	s = malloc(n);
	ck_assert_ptr_nonnull(s);
	s[0] = '\0';
	for (int i = 0; i < e->n; i++) {
		strcat(s, e->msg[i]);
		strcat(s, "\n");
	}
	return s;
}

/* Loads json expecting failure; returns the joined errors (free them). */
static char *
load_bad(const char *json, int *nerr)
{
	struct sc_errors e;
	struct scenario *sc = load_str(json, "t.json", &e);

	ck_assert_ptr_null(sc);
	ck_assert_int_ge(e.n, 1);
	for (int i = 0; i < e.n; i++)
		ck_assert_msg(strncmp(e.msg[i], "t.json:", 7) == 0,
		    "message without the file name: %s", e.msg[i]);
	char *all = join_errors(&e);
	if (nerr != NULL)
		*nerr = e.n;
	sc_errors_free(&e);
	return all;
}

#define ck_assert_has(all, sub) \
	ck_assert_msg(strstr((all), (sub)) != NULL, \
	    "expected \"%s\" in:\n%s", (sub), (all))

/* ---- the corpus ---------------------------------------------------------- */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
bad_list(void)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		if (nbad == MAX_BAD) {
			bad_overflow = 1;
			break;
		}
		bad_names[nbad] = malloc(n - 4);
		memcpy(bad_names[nbad], de->d_name, n - 5);
		bad_names[nbad][n - 5] = '\0';
		nbad++;
	}
	closedir(d);
	qsort(bad_names, (size_t)nbad, sizeof *bad_names, name_cmp);
}

START_TEST(test_bad_corpus_size)
{
	ck_assert_msg(nbad >= 40, "only %d files in " BAD_DIR " (run from "
	    "the repository root)", nbad);
	ck_assert(!bad_overflow);
}
END_TEST

START_TEST(test_bad_file)
{
	char json_path[512], expect_path[512], file_arg[520];
	struct sc_errors e;
	size_t len, elen;

	ck_assert_int_lt(_i, nbad);
	snprintf(json_path, sizeof json_path, BAD_DIR "/%s.json",
	    bad_names[_i]);
	snprintf(expect_path, sizeof expect_path, BAD_DIR "/%s.expect",
	    bad_names[_i]);
	snprintf(file_arg, sizeof file_arg, "%s:", json_path);

	char *text = test_slurp(json_path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", json_path);
	char *expect = test_slurp(expect_path, &elen);
	ck_assert_msg(expect != NULL, "%s has no .expect file", json_path);

	struct scenario *sc = scenario_load(text, len, json_path, &e);
	ck_assert_msg(sc == NULL, "%s loaded without errors", json_path);
	ck_assert_int_ge(e.n, 1);
	char *all = join_errors(&e);
	for (int i = 0; i < e.n; i++)
		ck_assert_msg(strncmp(e.msg[i], file_arg,
		    strlen(file_arg)) == 0, "%s: message does not start with "
		    "the file name: %s", json_path, e.msg[i]);

	int lines = 0;
	for (char *line = strtok(expect, "\n"); line != NULL;
	    line = strtok(NULL, "\n")) {
		if (line[0] == '\0')
			continue;
		lines++;
		ck_assert_msg(strstr(all, line) != NULL, "%s: expected \"%s\" "
		    "in:\n%s", json_path, line, all);
	}
	ck_assert_msg(lines > 0, "%s is empty", expect_path);

	free(all);
	sc_errors_free(&e);
	free(text);
	free(expect);
}
END_TEST

/* Every error of a file is reported, not just the first. */
START_TEST(test_many_errors_all_reported)
{
	size_t len;
	struct sc_errors e;
	char *text = test_slurp(BAD_DIR "/many_errors.json", &len);

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_null(scenario_load(text, len, "m.json", &e));
	ck_assert_int_eq(e.n, 6);
	sc_errors_free(&e);
	free(text);

	int n;
	char *all = load_bad("{\"surel\": 1, \"title\": 3, \"mss\": 2.5,\n"
	    "\"seed\": -4, \"bogus\": 1, \"nodes\": [], \"links\": [],\n"
	    "\"actions\": [{\"at_ms\": -1, \"power\": \"off\"}]}", &n);
	ck_assert_has(all, "t.json: title: expected a text");
	ck_assert_has(all, "t.json: mss: expected an integer, got 2.5");
	ck_assert_has(all, "t.json: seed: must be between 0 and");
	ck_assert_has(all, "t.json: unknown key 'bogus'");
	ck_assert_has(all, "t.json: nodes: no nodes");
	ck_assert_has(all, "t.json: actions[0].at_ms: must be between 0");
	ck_assert_has(all, "t.json: actions[0]: missing required key 'node'");
	ck_assert_int_eq(n, 7);
	free(all);
}
END_TEST

/* ---- good scenarios ------------------------------------------------------- */

START_TEST(test_good_defaults)
{
	struct sc_errors e;
	struct scenario *sc = load_str(good_json, "good.json", &e);

	if (sc == NULL) {
		char *all = join_errors(&e);
		ck_abort_msg("good scenario failed:\n%s", all);
	}
	ck_assert_int_eq(e.n, 0);

	ck_assert_int_eq(sc->version, 1);
	ck_assert_str_eq(sc_text_get(&sc->title, "id"), "Bagus");
	ck_assert_int_eq(sc->description.n, 0);
	ck_assert_uint_eq(sc->seed, 1);
	ck_assert_str_eq(sc->epoch, "2026-01-05T08:00:00+07:00");
	ck_assert(sc->epoch_unix == 1767574800);
	ck_assert_int_eq(sc->epoch_offset_min, 420);
	ck_assert_uint_eq(sc->until_ns, 0);
	ck_assert_int_eq(sc->mss, 536);

	/* Node indices in file order. */
	ck_assert_int_eq(sc->nnodes, 5);
	ck_assert_int_eq(scenario_node_index(sc, "pc"), 0);
	ck_assert_int_eq(scenario_node_index(sc, "router-1"), 1);
	ck_assert_int_eq(scenario_node_index(sc, "mail"), 2);
	ck_assert_int_eq(scenario_node_index(sc, "ns"), 3);
	ck_assert_int_eq(scenario_node_index(sc, "relay-1"), 4);
	ck_assert_int_eq(scenario_node_index(sc, "nope"), -1);

	const struct sc_node *pc = &sc->nodes[0], *r = &sc->nodes[1];
	const struct sc_node *mail = &sc->nodes[2], *ns = &sc->nodes[3];
	const struct sc_node *relay = &sc->nodes[4];
	ck_assert_int_eq(pc->kind, SC_CLIENT);
	ck_assert_int_eq(r->kind, SC_ROUTER);
	ck_assert_uint_eq(pc->ip, 0x0a00000a);
	ck_assert_str_eq(pc->hostname, "pc.local");
	ck_assert_str_eq(r->hostname, "router-1");
	ck_assert_str_eq(mail->hostname, "mail.example.com");
	ck_assert_int_eq(pc->resolver, 3);
	ck_assert_int_eq(r->resolver, -1);
	ck_assert_int_eq(pc->has_xy, 0);
	ck_assert_int_eq(pc->label.n, 0);

	/* Services and their defaults. */
	ck_assert(mail->smtp.present);
	ck_assert_int_eq(mail->smtp.port, 25);
	ck_assert_int_eq(mail->smtp.ndomains, 1);
	ck_assert_str_eq(mail->smtp.domains[0], "example.com");
	ck_assert_int_eq(mail->smtp.deliver, -1);
	ck_assert_int_eq(mail->smtp.relay_via, 4);
	ck_assert_uint_eq(mail->smtp.max_size, 10485760);
	ck_assert_int_eq(mail->smtp.max_hops, 30);
	ck_assert_int_eq(mail->smtp.nretry, 3);
	ck_assert_uint_eq(mail->smtp.retry_ns[0], 60000ULL * 1000000);
	ck_assert_uint_eq(mail->smtp.retry_ns[1], 300000ULL * 1000000);
	ck_assert_uint_eq(mail->smtp.retry_ns[2], 900000ULL * 1000000);
	ck_assert_uint_eq(mail->smtp.give_up_ns, 432000000ULL * 1000000);
	ck_assert(mail->submission.present);
	ck_assert_int_eq(mail->submission.port, 587);
	ck_assert_int_eq(mail->submission.require_auth, 1);
	ck_assert_int_eq(mail->lmtp.port, 24);
	ck_assert_int_eq(mail->pop3.port, 110);
	ck_assert_int_eq(mail->imap.port, 143);
	ck_assert(!mail->dns.present);
	ck_assert(!relay->submission.present);
	ck_assert_int_eq(relay->smtp.relay_via, -1);

	ck_assert(ns->dns.present);
	ck_assert_int_eq(ns->dns.port, 53);
	ck_assert_int_eq(ns->dns.recursive, 0);
	ck_assert_int_eq(ns->dns.nrecords, 3);
	ck_assert_str_eq(ns->dns.records[0].name, "example.com");
	ck_assert_int_eq(ns->dns.records[0].type, SC_RR_MX);
	ck_assert_int_eq(ns->dns.records[0].preference, 10);
	ck_assert_str_eq(ns->dns.records[0].exchange, "mail.example.com");
	ck_assert_uint_eq(ns->dns.records[0].ttl, 3600);
	ck_assert_int_eq(ns->dns.records[1].type, SC_RR_A);
	ck_assert_uint_eq(ns->dns.records[1].address, 0x0a000019);
	ck_assert_str_eq(ns->dns.records[2].name, "_dmarc.example.com");
	ck_assert_str_eq(ns->dns.records[2].text, "v=DMARC1; p=none");
	ck_assert_uint_eq(ns->dns.records[2].ttl, 60);
	ck_assert_int_eq(ns->dns.ndelegates, 1);
	ck_assert_str_eq(ns->dns.delegates[0].zone, "");

	/* Links: defaults, and values converted to ns and bps. */
	ck_assert_int_eq(sc->nlinks, 4);
	const struct sc_link *l0 = &sc->links[0], *l1 = &sc->links[1];
	ck_assert_int_eq(l0->a, 0);
	ck_assert_int_eq(l0->b, 1);
	ck_assert_uint_eq(l0->latency_ns, 5000000);
	ck_assert_uint_eq(l0->bandwidth_bps, 10000000);
	ck_assert(l0->loss == 0.0);
	ck_assert_int_eq(l0->mtu, 1500);
	ck_assert_int_eq(l0->queue_packets, 100);
	ck_assert_uint_eq(l1->latency_ns, 2500000);
	ck_assert_uint_eq(l1->bandwidth_bps, 500);
	ck_assert(l1->loss == 0.25);
	ck_assert_int_eq(l1->mtu, 576);
	ck_assert_int_eq(l1->queue_packets, 7);

	/* Accounts: user defaults to the address. */
	ck_assert_int_eq(sc->naccounts, 2);
	ck_assert_str_eq(sc->accounts[0].user, "ana@example.com");
	ck_assert_int_eq(sc->accounts[0].server, 2);
	ck_assert_str_eq(sc->accounts[1].user, "budi");
	ck_assert_str_eq(sc->accounts[1].password, "");

	/* Actions, with the port resolved from via. */
	ck_assert_int_eq(sc->nactions, 7);
	const struct sc_action *a = sc->actions;
	ck_assert_int_eq(a[0].kind, SC_ACT_SEND);
	ck_assert_int_eq(a[0].node, 0);
	ck_assert_int_eq(a[0].via, 2);
	ck_assert_int_eq(a[0].port, 587);	/* mail's submission */
	ck_assert_str_eq(a[0].subject, "");
	ck_assert_str_eq(a[0].body, "");
	ck_assert_int_eq(a[0].nto, 1);
	ck_assert_int_eq(a[0].ncc, 0);
	ck_assert_int_eq(a[0].has_auth, 0);
	ck_assert_uint_eq(a[1].at_ns, 1500000);
	ck_assert_int_eq(a[1].via, 4);
	ck_assert_int_eq(a[1].port, 25);	/* relay has only smtp */
	ck_assert_int_eq(a[1].ncc, 1);
	ck_assert_int_eq(a[1].nbcc, 1);
	ck_assert_str_eq(a[1].subject, "Hi");
	ck_assert_str_eq(a[1].body, "line 1\nline 2\n");
	ck_assert_int_eq(a[1].nattachments, 2);
	ck_assert_uint_eq(a[1].attachments[0].size, 1000);
	ck_assert_int_eq(a[1].attachments[0].has_text, 0);
	ck_assert_int_eq(a[1].attachments[1].has_text, 1);
	ck_assert_str_eq(a[1].attachments[1].text, "hello");
	ck_assert_int_eq(a[1].has_auth, 1);
	ck_assert_str_eq(a[1].auth_user, "u");
	ck_assert_int_eq(a[2].port, 25);	/* explicit */
	ck_assert_int_eq(a[3].via, -1);	/* a server's own queue */
	ck_assert_int_eq(a[3].port, 0);
	ck_assert_int_eq(a[4].kind, SC_ACT_FETCH);
	ck_assert_int_eq(a[4].protocol, SC_IMAP);
	ck_assert_int_eq(a[4].server, 2);
	ck_assert_int_eq(a[4].keep, 1);
	ck_assert_str_eq(a[4].user, "budi");
	ck_assert_int_eq(a[5].kind, SC_ACT_POWER);
	ck_assert_int_eq(a[5].node, 1);
	ck_assert_int_eq(a[5].power_on, 0);
	ck_assert_int_eq(a[6].kind, SC_ACT_LINK);
	ck_assert_int_eq(a[6].link, 2);
	ck_assert_int_eq(a[6].link_up, 0);
	ck_assert_int_eq(a[6].node, -1);

	scenario_free(sc);
	sc_errors_free(&e);
}
END_TEST

/* The built-in scenario: the whole story, without one error. */
START_TEST(test_default_scenario)
{
	struct sc_errors e;
	size_t len;
	char *text = test_slurp("scenarios/default.json", &len);

	ck_assert_ptr_nonnull(text);
	struct scenario *sc = scenario_load(text, len,
	    "scenarios/default.json", &e);
	if (sc == NULL) {
		char *all = join_errors(&e);
		ck_abort_msg("default.json failed:\n%s", all);
	}
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(sc_text_get(&sc->title, "en"),
	    "How an e-mail travels");
	ck_assert_str_eq(sc_text_get(&sc->title, "id"),
	    "Perjalanan sebuah surel");
	ck_assert(sc->description.n == 2);

	int pop3 = 0, imap = 0, send = 0;
	for (int i = 0; i < sc->nactions; i++) {
		const struct sc_action *a = &sc->actions[i];

		if (a->kind == SC_ACT_SEND) {
			send++;
			ck_assert_int_eq(a->port, 587);
			ck_assert(a->has_auth);
		}
		if (a->kind == SC_ACT_FETCH && a->protocol == SC_POP3)
			pop3++;
		if (a->kind == SC_ACT_FETCH && a->protocol == SC_IMAP)
			imap++;
	}
	ck_assert_int_ge(send, 2);
	ck_assert_int_ge(pop3, 2);
	ck_assert_int_ge(imap, 2);
	ck_assert_uint_eq(sc->actions[0].at_ns, 0);
	ck_assert_int_eq(sc->actions[0].attachments[0].has_text, 0);

	int mx = scenario_node_index(sc, "mx-penerima");
	int box = scenario_node_index(sc, "mailbox-penerima");
	ck_assert_int_ge(mx, 0);
	ck_assert_int_ge(box, 0);
	ck_assert_int_eq(sc->nodes[mx].smtp.deliver, box);
	ck_assert_str_eq(sc->nodes[box].hostname, "pop.penerimamail.com");
	for (int i = 0; i < sc->nnodes; i++)
		ck_assert(sc->nodes[i].has_xy);

	scenario_free(sc);
	sc_errors_free(&e);
	free(text);
}
END_TEST

START_TEST(test_epoch)
{
	static const struct {
		const char	*epoch;
		long long	 unix_s;
		int		 off;
	} ok[] = {
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2000-03-01T00:00:00Z", 951868800, 0 },
		{ "2024-02-29t12:30:15.250z", 1709209815, 0 },
		{ "2026-01-05 01:00:00+00:00", 1767574800, 0 },
		{ "2026-01-04T19:30:00-05:30", 1767574800, -330 },
		{ "9999-12-31T23:59:59Z", 253402300799LL, 0 },
	};
	static const char *const bad[] = {
		"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-01-05T24:00:00Z",
		"2026-01-05T08:00:60Z", "2026-01-05T08:00:00+24:00",
		"2026-01-05T08:00:00.Z", "2026-01-05T08:00Z",
		"1969-12-31T23:59:59Z", "2026-01-05T08:00:00+0700",
		"2026-01-05T08:00:00Zjunk", "",
	};
	char json[256];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct sc_errors e;
		struct scenario *sc;

		snprintf(json, sizeof json, "{\"surel\":1,\"title\":\"t\","
		    "\"epoch\":\"%s\",\"nodes\":[{\"id\":\"a\",\"kind\":"
		    "\"client\",\"ip\":\"10.0.0.1\"},{\"id\":\"b\",\"kind\":"
		    "\"client\",\"ip\":\"10.0.0.2\"}],\"links\":[{\"a\":\"a\","
		    "\"b\":\"b\"}],\"actions\":[]}", ok[i].epoch);
		sc = load_str(json, "e.json", &e);
		ck_assert_msg(sc != NULL, "%s: %s", ok[i].epoch,
		    e.n ? e.msg[0] : "");
		ck_assert_msg(sc->epoch_unix == ok[i].unix_s, "%s: %lld",
		    ok[i].epoch, (long long)sc->epoch_unix);
		ck_assert_int_eq(sc->epoch_offset_min, ok[i].off);
		ck_assert_str_eq(sc->epoch, ok[i].epoch);
		scenario_free(sc);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(json, sizeof json, "{\"surel\":1,\"title\":\"t\","
		    "\"epoch\":\"%s\",\"nodes\":[{\"id\":\"a\",\"kind\":"
		    "\"client\",\"ip\":\"10.0.0.1\"},{\"id\":\"b\",\"kind\":"
		    "\"client\",\"ip\":\"10.0.0.2\"}],\"links\":[{\"a\":\"a\","
		    "\"b\":\"b\"}],\"actions\":[]}", bad[i]);
		int n;
		char *all = load_bad(json, &n);
		ck_assert_has(all, "t.json: epoch: '");
		ck_assert_int_eq(n, 1);
		free(all);
	}
}
END_TEST

/* Only routers pass packets on; the ends may be anything. */
START_TEST(test_reachable)
{
	struct sc_errors e;
	struct scenario *sc = load_str(good_json, "good.json", &e);

	ck_assert_ptr_nonnull(sc);
	ck_assert(scenario_reachable(sc, 0, 2));	/* pc -> router -> mail */
	ck_assert(scenario_reachable(sc, 2, 0));
	ck_assert(scenario_reachable(sc, 0, 1));
	ck_assert(scenario_reachable(sc, 3, 3));
	ck_assert(!scenario_reachable(sc, 0, 5));
	ck_assert(!scenario_reachable(sc, -1, 0));
	scenario_free(sc);

	/* pc - srv - r - far: srv is a server and does not forward. */
	static const char chain[] =
	    "{\"surel\":1,\"title\":\"chain\",\"nodes\":["
	    "{\"id\":\"pc\",\"kind\":\"client\",\"ip\":\"10.0.0.1\"},"
	    "{\"id\":\"srv\",\"kind\":\"server\",\"ip\":\"10.0.0.2\","
	    "\"hostname\":\"srv.example\"},"
	    "{\"id\":\"r\",\"kind\":\"router\",\"ip\":\"10.0.0.3\"},"
	    "{\"id\":\"r2\",\"kind\":\"router\",\"ip\":\"10.0.0.5\"},"
	    "{\"id\":\"far\",\"kind\":\"client\",\"ip\":\"10.0.0.4\"}],"
	    "\"links\":[{\"a\":\"pc\",\"b\":\"srv\"},{\"a\":\"srv\",\"b\":\"r\"},"
	    "{\"a\":\"r\",\"b\":\"r2\"},{\"a\":\"r2\",\"b\":\"far\"}],"
	    "\"actions\":[]}";
	sc = load_str(chain, "chain.json", &e);
	ck_assert_msg(sc != NULL, "%s", e.n ? e.msg[0] : "");
	ck_assert(scenario_reachable(sc, 0, 1));	/* direct link */
	ck_assert(!scenario_reachable(sc, 0, 2));	/* through a server */
	ck_assert(!scenario_reachable(sc, 0, 4));
	ck_assert(scenario_reachable(sc, 1, 4));	/* srv - r - r2 - far */
	ck_assert(scenario_reachable(sc, 4, 1));
	ck_assert(scenario_reachable(sc, 2, 4));
	scenario_free(sc);
}
END_TEST

START_TEST(test_text_get)
{
	char *lang_plain[] = { "" }, *str_plain[] = { "plain" };
	char *lang2[] = { "id", "en" }, *str2[] = { "Halo", "Hello" };
	char *lang3[] = { "fr", "", "pt" }, *str3[] = { "Salut", "Hi", "Oi" };
	char *lang4[] = { "de", "fr" }, *str4[] = { "Hallo", "Salut" };
	struct sc_text plain = { 1, lang_plain, str_plain };
	struct sc_text two = { 2, lang2, str2 };
	struct sc_text three = { 3, lang3, str3 };
	struct sc_text four = { 2, lang4, str4 };
	struct sc_text empty = { 0, NULL, NULL };

	ck_assert_str_eq(sc_text_get(&plain, "id"), "plain");
	ck_assert_str_eq(sc_text_get(&plain, NULL), "plain");
	ck_assert_str_eq(sc_text_get(&two, "id"), "Halo");
	ck_assert_str_eq(sc_text_get(&two, "en"), "Hello");
	ck_assert_str_eq(sc_text_get(&two, "fr"), "Hello");	/* English */
	ck_assert_str_eq(sc_text_get(&two, NULL), "Hello");
	ck_assert_str_eq(sc_text_get(&three, "de"), "Hi");	/* plain */
	ck_assert_str_eq(sc_text_get(&three, "pt-BR"), "Oi");	/* base */
	ck_assert_str_eq(sc_text_get(&four, "id"), "Hallo");	/* first */
	ck_assert_str_eq(sc_text_get(&empty, "id"), "");
	ck_assert_str_eq(sc_text_get(NULL, "id"), "");
}
END_TEST

/* Odd but valid: a BOM, surel 1.0, a nested text, unicode escapes. */
START_TEST(test_valid_edges)
{
	static const char json[] =
	    "\xef\xbb\xbf{\"surel\":1.0,\"title\":{\"id\":\"Caf\\u00e9 \\ud83d"
	    "\\ude00\",\"pt-BR\":\"x\"},\"description\":\"d\",\"seed\":0,"
	    "\"until_ms\":604800000,\"mss\":1460,"
	    "\"nodes\":[{\"id\":\"a\",\"kind\":\"client\",\"ip\":\"10.0.0.1\","
	    "\"x\":0,\"y\":1,\"label\":\"A\"},{\"id\":\"b\",\"kind\":\"client\","
	    "\"ip\":\"10.0.0.2\"}],\"links\":[{\"a\":\"a\",\"b\":\"b\","
	    "\"mtu\":1500,\"loss\":1}],\"accounts\":[],\"actions\":[]}";
	struct sc_errors e;
	struct scenario *sc = load_str(json, "v.json", &e);

	ck_assert_msg(sc != NULL, "%s", e.n ? e.msg[0] : "");
	ck_assert_str_eq(sc_text_get(&sc->title, "id"),
	    "Caf\xc3\xa9 \xf0\x9f\x98\x80");
	ck_assert_uint_eq(sc->seed, 0);
	ck_assert_uint_eq(sc->until_ns, 604800000ULL * 1000000);
	ck_assert_int_eq(sc->mss, 1460);
	ck_assert(sc->nodes[0].has_xy);
	ck_assert(sc->nodes[0].y == 1.0);
	ck_assert_str_eq(sc_text_get(&sc->nodes[0].label, "en"), "A");
	ck_assert(sc->links[0].loss == 1.0);
	scenario_free(sc);
	sc_errors_free(&e);
}
END_TEST

START_TEST(test_duplicate_key_nested)
{
	int n;
	char *all = load_bad("{\"surel\":1,\"title\":{\"en\":\"a\",\"en\":\"b\"},"
	    "\"nodes\":[],\"links\":[],\"actions\":[]}", &n);

	ck_assert_has(all, "t.json: title: duplicate key 'en'");
	free(all);
}
END_TEST

/* Every prefix and many one-byte changes of a good file: never a crash. */
START_TEST(test_truncated_and_mangled)
{
	size_t len = strlen(good_json);
	char *buf = malloc(len + 1);
	static const char subst[] = { '"', '}', ']', ',', 'x', '\x80', '0',
	    '\0', '{' };

	ck_assert_ptr_nonnull(buf);
	/* Up to the closing brace, which ends the first valid prefix. */
	for (size_t cut = 0; cut < len - 1; cut++) {
		struct sc_errors e;

		ck_assert_ptr_null(scenario_load(good_json, cut, "p.json",
		    &e));
		ck_assert_int_ge(e.n, 1);
		for (int i = 0; i < e.n; i++)
			ck_assert(strncmp(e.msg[i], "p.json:", 7) == 0);
		sc_errors_free(&e);
	}
	for (size_t pos = 0; pos < len; pos += 3) {
		for (size_t k = 0; k < sizeof subst; k++) {
			struct sc_errors e;
			struct scenario *sc;

			memcpy(buf, good_json, len);
			buf[pos] = subst[k];
			sc = scenario_load(buf, len, "m.json", &e);
			if (sc == NULL)
				ck_assert_int_ge(e.n, 1);
			else
				ck_assert_int_eq(e.n, 0);
			scenario_free(sc);
			sc_errors_free(&e);
		}
	}
	free(buf);
}
END_TEST

static void
scenario_suite_teardown(void)
{
	/* Check gives no suite-level teardown; atexit frees the names. */
	for (int i = 0; i < nbad; i++)
		free(bad_names[i]);
	nbad = 0;
}

Suite *
scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc;

	if (nbad == 0) {
		bad_list();
		atexit(scenario_suite_teardown);
	}

	tc = tcase_create("good");
	tcase_add_test(tc, test_good_defaults);
	tcase_add_test(tc, test_default_scenario);
	tcase_add_test(tc, test_epoch);
	tcase_add_test(tc, test_reachable);
	tcase_add_test(tc, test_text_get);
	tcase_add_test(tc, test_valid_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_add_test(tc, test_bad_corpus_size);
	tcase_add_loop_test(tc, test_bad_file, 0, nbad);
	tcase_add_test(tc, test_many_errors_all_reported);
	tcase_add_test(tc, test_duplicate_key_nested);
	suite_add_tcase(s, tc);

	tc = tcase_create("robust");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_truncated_and_mangled);
	suite_add_tcase(s, tc);

	return s;
}
