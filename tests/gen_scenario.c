/*
 * gen_scenario.c: see gen_scenario.h.
 *
 * The scenario is built as a small model first (nodes, links, accounts),
 * then written out as JSON, so that every reference in the text (a
 * relay_via, a deliver, a resolver, an MX exchange and its A record, a
 * fetch's server) names something that exists and can be reached: the
 * loader must accept every scenario this file writes.
 */
#include "gen_scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define G_MAX_NODES	48
#define G_MAX_LINKS	96
#define G_MAX_DOMAINS	4
#define G_MAX_ACCOUNTS	16

enum gkind { G_ROUTER, G_CLIENT, G_SERVER };

struct gnode {
	char		 id[24];
	enum gkind	 kind;
	char		 ip[24];
	char		 host[40];	/* servers */
	int		 router;	/* the router it hangs on, -1 for routers */
	int		 resolver;	/* asks the DNS server */
	struct buf	 services;	/* servers: the "services" object */
	int		 domain;	/* clients: the domain of its person */
};

struct gaccount {
	char		 address[48];
	char		 user[32];
	char		 password[32];
	int		 server;	/* node keeping the mailbox */
	int		 domain;
};

struct gdomain {
	char		 name[24];
	int		 mx, mx2;	/* nodes; mx2 -1 without a backup */
	int		 mbox;		/* node keeping the mailboxes */
	int		 naccounts;
	int		 accounts[G_MAX_ACCOUNTS];
};

struct gen {
	struct rng	 rng;
	struct gnode	 nodes[G_MAX_NODES];
	int		 nnodes;
	int		 links[G_MAX_LINKS][2];
	int		 nlinks;
	struct gdomain	 dom[G_MAX_DOMAINS];
	int		 ndom;
	struct gaccount	 acc[G_MAX_ACCOUNTS];
	int		 nacc;
	int		 dns;
	int		 relays[4];
	int		 nrelays;
	int		 clients[8];
	int		 nclients;
	struct buf	 actions;
	int		 nactions;
};

/* Uniform in [0, n). */
static int
pick(struct gen *g, int n)
{
	return n <= 1 ? 0 : (int)rng_upto(&g->rng, (uint64_t)n - 1);
}

/* True with probability p. */
static int
chance(struct gen *g, double p)
{
	return rng_unit(&g->rng) < p;
}

static int
node_add(struct gen *g, enum gkind kind, const char *id, const char *host)
{
	struct gnode *n = &g->nodes[g->nnodes];

	memset(n, 0, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	n->kind = kind;
	/* Routers 10.0.0.x, servers 10.1.0.x, clients 10.2.0.x: all unique. */
	snprintf(n->ip, sizeof n->ip, "10.%d.0.%d", kind == G_ROUTER ? 0 :
	    kind == G_SERVER ? 1 : 2, g->nnodes + 1);
	if (host)
		snprintf(n->host, sizeof n->host, "%s", host);
	n->router = -1;
	n->domain = -1;
	return g->nnodes++;
}

static int
has_link(struct gen *g, int a, int b)
{
	for (int i = 0; i < g->nlinks; i++)
		if ((g->links[i][0] == a && g->links[i][1] == b) ||
		    (g->links[i][0] == b && g->links[i][1] == a))
			return 1;
	return 0;
}

static void
link_add(struct gen *g, int a, int b)
{
	g->links[g->nlinks][0] = a;
	g->links[g->nlinks][1] = b;
	g->nlinks++;
}

/* A host on a random router. */
static int
host_add(struct gen *g, enum gkind kind, const char *id, const char *host,
    int nrouters)
{
	int n = node_add(g, kind, id, host);

	g->nodes[n].router = pick(g, nrouters);
	link_add(g, n, g->nodes[n].router);
	return n;
}

/* The smtp service's queue settings: short, so that runs end soon. */
static void
queue_cfg(struct gen *g, struct buf *b)
{
	static const char *retries[] = { "[5000, 20000, 60000]", "[10000]",
	    "[2000, 30000]", "[30000, 120000]" };

	buf_printf(b, ", \"retry_ms\": %s, \"give_up_ms\": %d",
	    retries[pick(g, 4)], 120000 + pick(g, 1500000));
}

static void
account_add(struct gen *g, int d, int k)
{
	struct gaccount *a = &g->acc[g->nacc];
	struct gdomain *dm = &g->dom[d];

	char name[sizeof dm->name];

	memcpy(name, dm->name, sizeof name);
	snprintf(a->address, sizeof a->address, "user%d@%s", k, name);
	snprintf(a->user, sizeof a->user, "user%d.d%d", k, d);
	snprintf(a->password, sizeof a->password, "pw%d%d", d, k);
	a->server = dm->mbox;
	a->domain = d;
	dm->accounts[dm->naccounts++] = g->nacc++;
}

/* A recipient: an account, an unknown user, or a domain that does not exist. */
static void
recipient(struct gen *g, char *out, size_t n)
{
	double r = rng_unit(&g->rng);

	if (r < 0.65)
		snprintf(out, n, "%s", g->acc[pick(g, g->nacc)].address);
	else if (r < 0.82)
		snprintf(out, n, "nobody%d@%s", pick(g, 3),
		    g->dom[pick(g, g->ndom)].name);
	else
		snprintf(out, n, "someone%d@nx%d.test", pick(g, 3), pick(g, 2));
}

static void
action_begin(struct gen *g, int at_ms)
{
	buf_puts(&g->actions, g->nactions++ ? ",\n    " : "\n    ");
	buf_printf(&g->actions, "{\"at_ms\": %d, ", at_ms);
}

static void
gen_send(struct gen *g, int idx)
{
	char rc[5][48];
	int nrc = 1 + pick(g, 4), k = 0;
	int at = pick(g, 60000);

	/* Distinct recipients (an address twice would be two envelopes). */
	for (int tries = 0; k < nrc && tries < 50; tries++) {
		char a[48];
		int dup = 0;

		recipient(g, a, sizeof a);
		for (int j = 0; j < k; j++)
			dup |= strcmp(rc[j], a) == 0;
		if (!dup)
			memcpy(rc[k++], a, sizeof a);
	}
	nrc = k;

	int from_acc, node, client = chance(g, 0.8);
	if (client) {
		node = g->clients[pick(g, g->nclients)];
		struct gdomain *dm = &g->dom[g->nodes[node].domain];
		from_acc = dm->accounts[pick(g, dm->naccounts)];
	} else {
		from_acc = pick(g, g->nacc);
		node = g->dom[g->acc[from_acc].domain].mx;
	}
	action_begin(g, at);
	buf_printf(&g->actions, "\"node\": \"%s\", \"send\": {\"from\": \"%s\"",
	    g->nodes[node].id, g->acc[from_acc].address);
	/* To, Cc, Bcc: each recipient goes to one of them, the first to To. */
	static const char *keys[3] = { "to", "cc", "bcc" };
	int where[5];
	for (int j = 0; j < nrc; j++)
		where[j] = j == 0 ? 0 : pick(g, 3);
	for (int f = 0; f < 3; f++) {
		int first = 1;

		for (int j = 0; j < nrc; j++) {
			if (where[j] != f)
				continue;
			if (first)
				buf_printf(&g->actions, ", \"%s\": [\"%s\"",
				    keys[f], rc[j]);
			else
				buf_printf(&g->actions, ", \"%s\"", rc[j]);
			first = 0;
		}
		if (!first)
			buf_puts(&g->actions, "]");
	}
	buf_printf(&g->actions, ", \"subject\": \"message %d\"", idx);
	/* A line starting with a dot now and then: dot-stuffing on every hop. */
	buf_printf(&g->actions, ", \"body\": \"Hello %d.\\n%s\\nBye.\\n\"", idx,
	    chance(g, 0.3) ? ".a line with a dot" : "a plain line");
	if (chance(g, 0.2)) {
		if (chance(g, 0.5))
			buf_printf(&g->actions, ", \"attachments\": [{\"name\": "
			    "\"f%d.bin\", \"content_type\": \"application/"
			    "octet-stream\", \"size\": %d}]", idx, pick(g, 20000));
		else
			buf_printf(&g->actions, ", \"attachments\": [{\"name\": "
			    "\"n%d.txt\", \"content_type\": \"text/plain\", "
			    "\"text\": \"note %d\\n.\\n..\\n\"}]", idx, idx);
	}
	if (client) {
		struct gdomain *dm = &g->dom[g->acc[from_acc].domain];
		const struct gaccount *a = &g->acc[from_acc];

		buf_printf(&g->actions, ", \"via\": \"%s\", \"port\": 587, "
		    "\"auth\": {\"user\": \"%s\", \"password\": \"%s\"}",
		    g->nodes[dm->mx].id, a->user, chance(g, 0.05) ? "wrong" :
		    a->password);
	}
	buf_puts(&g->actions, "}}");
}

static void
gen_fetch(struct gen *g)
{
	int node = g->clients[pick(g, g->nclients)];
	struct gdomain *dm = &g->dom[g->nodes[node].domain];
	const struct gaccount *a = &g->acc[dm->accounts[pick(g, dm->naccounts)]];

	action_begin(g, pick(g, 600000));
	buf_printf(&g->actions, "\"node\": \"%s\", \"fetch\": {\"protocol\": "
	    "\"%s\", \"server\": \"%s\", \"user\": \"%s\", \"password\": "
	    "\"%s\", \"keep\": %s}}", g->nodes[node].id,
	    chance(g, 0.5) ? "pop3" : "imap", g->nodes[a->server].id, a->user,
	    chance(g, 0.1) ? "wrong" : a->password,
	    chance(g, 0.4) ? "true" : "false");
}

/* A server goes off and (mostly) on again, or a link goes down and up. */
static void
gen_outage(struct gen *g)
{
	int t0 = pick(g, 120000), t1 = t0 + 1000 + pick(g, 300000);
	int back = !chance(g, 0.1);

	if (chance(g, 0.6)) {
		int n;

		do
			n = pick(g, g->nnodes);
		while (g->nodes[n].kind != G_SERVER);
		action_begin(g, t0);
		buf_printf(&g->actions, "\"node\": \"%s\", \"power\": \"off\"}",
		    g->nodes[n].id);
		if (back) {
			action_begin(g, t1);
			buf_printf(&g->actions, "\"node\": \"%s\", \"power\": "
			    "\"on\"}", g->nodes[n].id);
		}
		return;
	}
	int l = pick(g, g->nlinks);
	const char *a = g->nodes[g->links[l][0]].id;
	const char *b = g->nodes[g->links[l][1]].id;
	action_begin(g, t0);
	buf_printf(&g->actions, "\"link\": [\"%s\", \"%s\"], \"state\": "
	    "\"down\"}", a, b);
	if (back) {
		action_begin(g, t1);
		buf_printf(&g->actions, "\"link\": [\"%s\", \"%s\"], \"state\": "
		    "\"up\"}", a, b);
	}
}

static void
write_json(struct gen *g, uint64_t seed, struct buf *out)
{
	double maxloss = chance(g, 0.5) ? 0 : 0.2 * rng_unit(&g->rng);

	buf_printf(out, "{\n  \"surel\": 1,\n  \"title\": \"conservation "
	    "seed %llu\",\n  \"seed\": %llu,\n", (unsigned long long)seed,
	    (unsigned long long)seed);
	if (chance(g, 0.3))
		buf_printf(out, "  \"mss\": %d,\n", chance(g, 0.5) ? 200 : 1460);
	if (chance(g, 0.15))
		buf_printf(out, "  \"until_ms\": %d,\n", 5000 + pick(g, 115000));
	buf_puts(out, "  \"nodes\": [");
	for (int i = 0; i < g->nnodes; i++) {
		struct gnode *n = &g->nodes[i];

		buf_printf(out, "%s\n    {\"id\": \"%s\", \"kind\": \"%s\", "
		    "\"ip\": \"%s\"", i ? "," : "", n->id, n->kind == G_ROUTER ?
		    "router" : n->kind == G_CLIENT ? "client" : "server", n->ip);
		if (n->host[0])
			buf_printf(out, ", \"hostname\": \"%s\"", n->host);
		if (n->resolver)
			buf_printf(out, ", \"resolver\": \"%s\"",
			    g->nodes[g->dns].id);
		if (n->services.len)
			buf_printf(out, ",\n     \"services\": {%s}",
			    (char *)n->services.data);
		buf_puts(out, "}");
	}
	buf_puts(out, "\n  ],\n  \"links\": [");
	for (int i = 0; i < g->nlinks; i++) {
		static const int bw[3] = { 1000, 10000, 100000 };

		buf_printf(out, "%s\n    {\"a\": \"%s\", \"b\": \"%s\", "
		    "\"latency_ms\": %d, \"bandwidth_kbps\": %d", i ? "," : "",
		    g->nodes[g->links[i][0]].id, g->nodes[g->links[i][1]].id,
		    1 + pick(g, 20), bw[pick(g, 3)]);
		if (maxloss > 0)
			buf_printf(out, ", \"loss\": %.3f", maxloss *
			    rng_unit(&g->rng));
		buf_puts(out, "}");
	}
	buf_puts(out, "\n  ],\n  \"accounts\": [");
	for (int i = 0; i < g->nacc; i++)
		buf_printf(out, "%s\n    {\"address\": \"%s\", \"server\": "
		    "\"%s\", \"user\": \"%s\", \"password\": \"%s\"}",
		    i ? "," : "", g->acc[i].address,
		    g->nodes[g->acc[i].server].id, g->acc[i].user,
		    g->acc[i].password);
	buf_printf(out, "\n  ],\n  \"actions\": [%s\n  ]\n}\n",
	    g->actions.data ? (char *)g->actions.data : "");
}

void
gen_scenario(uint64_t seed, struct buf *out)
{
	struct gen *g = xcalloc(1, sizeof *g);
	char id[24], host[40];

	rng_seed(&g->rng, seed * 0x9e3779b97f4a7c15ULL + 0x5eed);

	/* Routers: a random tree, sometimes with a shortcut. */
	int nr = 1 + pick(g, 4);
	for (int i = 0; i < nr; i++) {
		snprintf(id, sizeof id, "r%d", i);
		node_add(g, G_ROUTER, id, NULL);
		if (i > 0)
			link_add(g, i, pick(g, i));
	}
	if (nr >= 3 && chance(g, 0.3)) {
		int a = pick(g, nr), b = pick(g, nr);
		if (a != b && !has_link(g, a, b))
			link_add(g, a, b);
	}

	g->dns = host_add(g, G_SERVER, "ns", "ns.net.test", nr);

	/* Relays, each maybe relaying through the next: a chain, no loop. */
	g->nrelays = pick(g, 3);
	for (int j = 0; j < g->nrelays; j++) {
		snprintf(id, sizeof id, "relay%d", j);
		snprintf(host, sizeof host, "relay%d.net.test", j);
		g->relays[j] = host_add(g, G_SERVER, id, host, nr);
		g->nodes[g->relays[j]].resolver = 1;
	}
	for (int j = 0; j < g->nrelays; j++) {
		struct buf *sv = &g->nodes[g->relays[j]].services;

		buf_puts(sv, "\"smtp\": {");
		if (j + 1 < g->nrelays && chance(g, 0.5))
			buf_printf(sv, "\"relay_via\": \"relay%d\"", j + 1);
		else
			buf_puts(sv, "\"max_hops\": 20");
		queue_cfg(g, sv);
		buf_puts(sv, "}");
	}

	/* Domains: an MX, maybe a mailbox server behind it, maybe a backup MX. */
	g->ndom = 2 + pick(g, 3);
	for (int d = 0; d < g->ndom; d++) {
		struct gdomain *dm = &g->dom[d];
		int lmtp = chance(g, 0.5);

		snprintf(dm->name, sizeof dm->name, "d%d.test", d);
		snprintf(id, sizeof id, "mx%d", d);
		snprintf(host, sizeof host, "mx.%s", dm->name);
		dm->mx = host_add(g, G_SERVER, id, host, nr);
		g->nodes[dm->mx].resolver = 1;
		dm->mbox = dm->mx;
		dm->mx2 = -1;
		if (lmtp) {
			snprintf(id, sizeof id, "mbox%d", d);
			snprintf(host, sizeof host, "mbox.%s", dm->name);
			dm->mbox = host_add(g, G_SERVER, id, host, nr);
			buf_puts(&g->nodes[dm->mbox].services,
			    "\"lmtp\": {}, \"pop3\": {}, \"imap\": {}");
			if (chance(g, 0.4)) {
				snprintf(id, sizeof id, "mx%db", d);
				snprintf(host, sizeof host, "mx2.%s", dm->name);
				dm->mx2 = host_add(g, G_SERVER, id, host, nr);
				g->nodes[dm->mx2].resolver = 1;
			}
		}
		/* The primary: smtp for the domain, submission for its people. */
		struct buf *sv = &g->nodes[dm->mx].services;
		buf_printf(sv, "\"smtp\": {\"domains\": [\"%s\"], \"deliver\": "
		    "\"%s\"", dm->name, lmtp ? g->nodes[dm->mbox].id : "local");
		if (g->nrelays > 0 && chance(g, 0.4))
			buf_printf(sv, ", \"relay_via\": \"%s\"",
			    g->nodes[g->relays[pick(g, g->nrelays)]].id);
		queue_cfg(g, sv);
		buf_puts(sv, "}, \"submission\": {}");
		if (!lmtp)
			buf_puts(sv, ", \"pop3\": {}, \"imap\": {}");
		if (dm->mx2 >= 0) {
			sv = &g->nodes[dm->mx2].services;
			buf_printf(sv, "\"smtp\": {\"domains\": [\"%s\"], "
			    "\"deliver\": \"%s\"", dm->name,
			    g->nodes[dm->mbox].id);
			queue_cfg(g, sv);
			buf_puts(sv, "}");
		}
		int na = 1 + pick(g, 3);
		for (int k = 0; k < na; k++)
			account_add(g, d, k);
	}

	/* The one DNS server: every domain's MX, every server's address. */
	struct buf *dnsv = &g->nodes[g->dns].services;
	buf_puts(dnsv, "\"dns\": {\"records\": [");
	int first = 1;
	for (int d = 0; d < g->ndom; d++) {
		struct gdomain *dm = &g->dom[d];

		buf_printf(dnsv, "%s\n       {\"name\": \"%s\", \"type\": \"MX\", "
		    "\"preference\": 10, \"exchange\": \"%s\"}", first ? "" : ",",
		    dm->name, g->nodes[dm->mx].host);
		first = 0;
		if (dm->mx2 >= 0)
			buf_printf(dnsv, ",\n       {\"name\": \"%s\", \"type\": "
			    "\"MX\", \"preference\": 20, \"exchange\": \"%s\"}",
			    dm->name, g->nodes[dm->mx2].host);
	}
	for (int i = 0; i < g->nnodes; i++)
		if (g->nodes[i].kind == G_SERVER)
			buf_printf(dnsv, ",\n       {\"name\": \"%s\", \"type\": "
			    "\"A\", \"address\": \"%s\"}", g->nodes[i].host,
			    g->nodes[i].ip);
	buf_puts(dnsv, "]}");

	/* Clients, each the device of a person of one domain. */
	g->nclients = 1 + pick(g, 4);
	for (int k = 0; k < g->nclients; k++) {
		snprintf(id, sizeof id, "pc%d", k);
		g->clients[k] = host_add(g, G_CLIENT, id, NULL, nr);
		/* Most ask DNS for their server; some have its address. */
		g->nodes[g->clients[k]].resolver = chance(g, 0.8);
		g->nodes[g->clients[k]].domain = pick(g, g->ndom);
	}

	int nmsg = 1 + pick(g, 20);
	for (int i = 0; i < nmsg; i++)
		gen_send(g, i);
	int nfetch = pick(g, 5);
	for (int i = 0; i < nfetch; i++)
		gen_fetch(g);
	int nout = pick(g, 4);
	for (int i = 0; i < nout; i++)
		gen_outage(g);

	write_json(g, seed, out);
	for (int i = 0; i < g->nnodes; i++)
		buf_free(&g->nodes[i].services);
	buf_free(&g->actions);
	free(g);
}
