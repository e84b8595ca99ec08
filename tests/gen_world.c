/*
 * gen_world.c: see gen_world.h.
 *
 * Addresses: routers 10.0.0.R, the DNS server 10.0.1.53, mail server D
 * 10.1.(D / 200).(D % 200 + 1), client K 10.2.0.(K + 1): all unique.
 * The routers form a binary tree (router R hangs on router (R - 1) / 2);
 * mail server D hangs on router D % GW_ROUTERS, client K on router
 * K % GW_ROUTERS, the DNS server on router 0.  Client K is the device of
 * the people of domains K * 10 to K * 10 + 9.
 */
#include "gen_world.h"

#include <stdio.h>

#define GW_MSG_SPACING_MS	10	/* one message every 10 ms */
#define GW_ATTACH_BYTES		20000

static int
pick(struct rng *r, int n)
{
	return n <= 1 ? 0 : (int)rng_upto(r, (uint64_t)n - 1);
}

static void
server_ip(int d, char *out, size_t n)
{
	snprintf(out, n, "10.1.%d.%d", d / 200, d % 200 + 1);
}

static void
write_nodes(struct buf *out)
{
	char ip[24];

	buf_puts(out, "  \"nodes\": [");
	for (int r = 0; r < GW_ROUTERS; r++)
		buf_printf(out, "%s\n    {\"id\": \"r%d\", \"kind\": \"router\", "
		    "\"ip\": \"10.0.0.%d\"}", r ? "," : "", r, r + 1);
	/* The DNS server: every domain's MX and every server's address. */
	buf_puts(out, ",\n    {\"id\": \"ns\", \"kind\": \"server\", \"ip\": "
	    "\"10.0.1.53\", \"hostname\": \"ns.net.test\",\n     \"services\": "
	    "{\"dns\": {\"records\": [");
	for (int d = 0; d < GW_DOMAINS; d++) {
		server_ip(d, ip, sizeof ip);
		buf_printf(out, "%s\n       {\"name\": \"d%d.test\", \"type\": "
		    "\"MX\", \"preference\": 10, \"exchange\": \"mx.d%d.test\"},"
		    "\n       {\"name\": \"mx.d%d.test\", \"type\": \"A\", "
		    "\"address\": \"%s\"}", d ? "," : "", d, d, d, ip);
	}
	buf_puts(out, "]}}}");
	for (int d = 0; d < GW_DOMAINS; d++) {
		server_ip(d, ip, sizeof ip);
		buf_printf(out, ",\n    {\"id\": \"mx%d\", \"kind\": \"server\", "
		    "\"ip\": \"%s\", \"hostname\": \"mx.d%d.test\", "
		    "\"resolver\": \"ns\", \"services\": {\"smtp\": "
		    "{\"domains\": [\"d%d.test\"]}, \"submission\": {}, "
		    "\"pop3\": {}, \"imap\": {}}}", d, ip, d, d);
	}
	for (int k = 0; k < GW_CLIENTS; k++)
		buf_printf(out, ",\n    {\"id\": \"pc%d\", \"kind\": \"client\", "
		    "\"ip\": \"10.2.0.%d\", \"resolver\": \"ns\"}", k, k + 1);
	buf_puts(out, "\n  ],\n");
}

static void
write_links(struct rng *r, struct buf *out)
{
	int first = 1;

	buf_puts(out, "  \"links\": [");
	for (int i = 1; i < GW_ROUTERS; i++) {
		buf_printf(out, "%s\n    {\"a\": \"r%d\", \"b\": \"r%d\", "
		    "\"latency_ms\": %d, \"bandwidth_kbps\": 1000000}",
		    first ? "" : ",", i, (i - 1) / 2, 2 + pick(r, 9));
		first = 0;
	}
	buf_puts(out, ",\n    {\"a\": \"ns\", \"b\": \"r0\", \"latency_ms\": 1, "
	    "\"bandwidth_kbps\": 1000000}");
	for (int d = 0; d < GW_DOMAINS; d++)
		buf_printf(out, ",\n    {\"a\": \"mx%d\", \"b\": \"r%d\", "
		    "\"latency_ms\": %d, \"bandwidth_kbps\": 100000}", d,
		    d % GW_ROUTERS, 1 + pick(r, 5));
	for (int k = 0; k < GW_CLIENTS; k++)
		buf_printf(out, ",\n    {\"a\": \"pc%d\", \"b\": \"r%d\", "
		    "\"latency_ms\": %d, \"bandwidth_kbps\": 100000}", k,
		    k % GW_ROUTERS, 2 + pick(r, 10));
	buf_puts(out, "\n  ],\n");
}

static void
write_accounts(struct buf *out)
{
	buf_puts(out, "  \"accounts\": [");
	for (int d = 0; d < GW_DOMAINS; d++)
		for (int a = 0; a < GW_ACCOUNTS; a++)
			buf_printf(out, "%s\n    {\"address\": \"u%d@d%d.test\", "
			    "\"server\": \"mx%d\", \"user\": \"u%d.d%d\", "
			    "\"password\": \"pw%d.%d\"}", d || a ? "," : "", a, d,
			    d, a, d, d, a);
	buf_puts(out, "\n  ],\n");
}

static void
write_actions(struct rng *r, int nmsg, struct buf *out)
{
	int first = 1;

	buf_puts(out, "  \"actions\": [");
	for (int i = 0; i < nmsg; i++) {
		int da = pick(r, GW_DOMAINS), ua = pick(r, GW_ACCOUNTS);
		int db = (da + 1 + pick(r, GW_DOMAINS - 1)) % GW_DOMAINS;
		int ub = pick(r, GW_ACCOUNTS);
		int at = i * GW_MSG_SPACING_MS;
		int client = pick(r, 2);

		buf_printf(out, "%s\n    {\"at_ms\": %d, \"node\": \"", first ?
		    "" : ",", at);
		first = 0;
		if (client)
			buf_printf(out, "pc%d", da / 10);
		else
			buf_printf(out, "mx%d", da);
		buf_printf(out, "\", \"send\": {\"from\": \"u%d@d%d.test\", "
		    "\"to\": [\"u%d@d%d.test\"], \"subject\": \"message %d\", "
		    "\"body\": \"Hello %d.\\nBye.\\n\"", ua, da, ub, db, i, i);
		if (pick(r, 10) == 0)
			buf_printf(out, ", \"attachments\": [{\"name\": "
			    "\"f%d.bin\", \"content_type\": \"application/"
			    "octet-stream\", \"size\": %d}]", i, GW_ATTACH_BYTES);
		if (client)
			buf_printf(out, ", \"via\": \"mx%d\", \"port\": 587, "
			    "\"auth\": {\"user\": \"u%d.d%d\", \"password\": "
			    "\"pw%d.%d\"}", da, ua, da, da, ua);
		buf_puts(out, "}}");
		/* Every tenth message, its recipient checks mail soon after. */
		if (i % 10 == 9)
			buf_printf(out, ",\n    {\"at_ms\": %d, \"node\": "
			    "\"pc%d\", \"fetch\": {\"protocol\": \"%s\", "
			    "\"server\": \"mx%d\", \"user\": \"u%d.d%d\", "
			    "\"password\": \"pw%d.%d\", \"keep\": %s}}",
			    at + 3000, db / 10, pick(r, 2) ? "pop3" : "imap",
			    db, ub, db, db, ub, pick(r, 2) ? "true" : "false");
	}
	buf_puts(out, "\n  ]\n");
}

void
gen_world(int nmsg, uint64_t seed, struct buf *out)
{
	struct rng r;

	rng_seed(&r, seed * 0x9e3779b97f4a7c15ULL + 0x3c0de);
	/* The title in both languages, as the window shows it. */
	buf_printf(out, "{\n  \"surel\": 1,\n  \"title\": {\n"
	    "    \"en\": \"A generated world: %d domains, %d mailboxes, "
	    "%d messages\",\n"
	    "    \"id\": \"Dunia buatan: %d domain, %d kotak surat, "
	    "%d surat\"\n  },\n  \"seed\": %llu,\n",
	    GW_DOMAINS, GW_DOMAINS * GW_ACCOUNTS, nmsg,
	    GW_DOMAINS, GW_DOMAINS * GW_ACCOUNTS, nmsg,
	    (unsigned long long)seed);
	write_nodes(out);
	write_links(&r, out);
	write_accounts(out);
	write_actions(&r, nmsg, out);
	buf_puts(out, "}\n");
}
