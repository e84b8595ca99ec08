/*
 * scenario_refs.c: the checks that need the whole world (passes 4 and 5
 * of scenario_load()), and the two lookups the rest of surel asks of a
 * loaded scenario.
 *
 * Pass 4 turns every node id the file wrote into an index.  Pass 5 then
 * asks of each reference what SPEC.md section 2 requires of it: that the
 * node offers the service (a resolver runs dns, a fetch over POP3 goes to
 * a server with pop3) and that a packet can get there.
 *
 * "Can get there" follows SPEC.md: only routers forward, so a client or
 * server with two links is an end of both, never a way through.  Link and
 * power state are ignored, as routes are computed once from the graph.
 */
#include "scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The links as adjacency lists (compressed rows), and BFS scratch. */
struct scref_graph {
	const struct scenario *sc;
	int	*start;		/* nnodes + 1 offsets into adj */
	int	*adj;
	int	*queue;
	int	*seen;		/* == stamp when visited in this search */
	int	 stamp;
	/*
	 * While loading: nodes of unknown kind count as routers, and a link
	 * with an unknown end makes every path uncertain (complete 0), so
	 * that one typo does not also report every route it broke.
	 */
	const unsigned char *bad;
	int	 complete;
};

static void	scref_graph_init(struct scref_graph *g,
		    const struct scenario *sc, const unsigned char *bad);
static void	scref_graph_free(struct scref_graph *g);
static int	scref_reach(struct scref_graph *g, int a, int b);
static int	scref_want_reach(struct sc_ctx *c, struct scref_graph *g,
		    const char *path, int from, int to);
static void	scref_services(const struct sc_node *n, char out[64]);
static void	scref_links(struct sc_ctx *c);
static void	scref_nodes(struct sc_ctx *c, struct scref_graph *g);
static void	scref_accounts(struct sc_ctx *c);
static void	scref_actions(struct sc_ctx *c, struct scref_graph *g);
static void	scref_send(struct sc_ctx *c, struct scref_graph *g, int i);
static void	scref_fetch(struct sc_ctx *c, struct scref_graph *g, int i);
static void	scref_dns(struct sc_ctx *c, int i);

/* ---- pass 4 ------------------------------------------------------------- */

void
scref_resolve(struct sc_ctx *c)
{
	struct scenario *sc = c->sc;
	const char **ids = NULL;
	int nids = 0;
	/* Node ids by hash: 100,000 actions do not each walk every node. */
	struct hmap byid = { 0 };

	if (c->nodes_ok) {
		ids = xcalloc((size_t)(sc->nnodes ? sc->nnodes : 1),
		    sizeof *ids);
		for (int i = 0; i < sc->nnodes; i++)
			if (sc->nodes[i].id[0] != '\0') {
				ids[nids++] = sc->nodes[i].id;
				hmap_add(&byid, hash_str(sc->nodes[i].id), i);
			}
	}
	for (int r = 0; r < c->nrefs; r++) {
		struct sc_ref *ref = &c->refs[r];
		int idx;

		/* Without nodes[] every name would be unknown: say nothing. */
		if (!c->nodes_ok) {
			*ref->dst = SC_REF_BAD;
			continue;
		}
		/* Broken nodes have the id "": it must not find them. */
		idx = -1;
		size_t it = 0;
		for (int h; ref->id[0] != '\0' && (h = hmap_next(&byid,
		    hash_str(ref->id), &it)) >= 0; )
			/* The first of a duplicated id, as a walk finds it. */
			if ((idx < 0 || h < idx) &&
			    strcmp(sc->nodes[h].id, ref->id) == 0)
				idx = h;
		*ref->dst = idx >= 0 ? idx : SC_REF_BAD;
		if (idx >= 0)
			continue;
		const char *s = scname_suggest(ref->id, ids, nids);
		if (s != NULL)
			sc_err_at(c, ref->path, "unknown node '%s' (did you "
			    "mean '%s'?)", ref->id, s);
		else
			sc_err_at(c, ref->path, "unknown node '%s' (no node "
			    "has this id)", ref->id);
	}
	free(ids);
	hmap_free(&byid);
}

/* ---- pass 5 ------------------------------------------------------------- */

void
scref_check(struct sc_ctx *c)
{
	struct scref_graph g;

	if (!c->nodes_ok)
		return;
	scref_graph_init(&g, c->sc, c->node_bad);
	if (!c->links_ok)
		g.complete = 0;
	scref_links(c);
	scref_nodes(c, &g);
	scref_accounts(c);
	scref_actions(c, &g);
	scref_graph_free(&g);
}

/* No link to itself, no two links between one pair. */
static void
scref_links(struct sc_ctx *c)
{
	struct scenario *sc = c->sc;
	struct hmap pairs = { 0 };

	for (int i = 0; i < sc->nlinks; i++) {
		struct sc_link *l = &sc->links[i];
		char path[32];

		if (l->a < 0 || l->b < 0)
			continue;
		snprintf(path, sizeof path, "links[%d]", i);
		if (l->a == l->b) {
			sc_err_at(c, path, "a link from '%s' to itself (a and "
			    "b must differ)", sc->nodes[l->a].id);
			continue;
		}
		/* The first earlier link between the same two, by hash. */
		int lo = l->a < l->b ? l->a : l->b, hi = l->a ^ l->b ^ lo;
		uint64_t key = hash_mix((uint64_t)(uint32_t)lo << 32 |
		    (uint32_t)hi);
		size_t it = 0;
		int k = -1;
		for (int h; (h = hmap_next(&pairs, key, &it)) >= 0; ) {
			struct sc_link *o = &sc->links[h];

			if ((k < 0 || h < k) && ((o->a == l->a && o->b == l->b) ||
			    (o->a == l->b && o->b == l->a)))
				k = h;
		}
		if (k >= 0)
			sc_err_at(c, path, "a second link between '%s' "
			    "and '%s' (links[%d] joins them already)",
			    sc->nodes[l->a].id, sc->nodes[l->b].id, k);
		hmap_add(&pairs, key, i);
	}
	hmap_free(&pairs);
}

/* Every node linked; what its resolver, relay and LMTP target offer. */
static void
scref_nodes(struct sc_ctx *c, struct scref_graph *g)
{
	struct scenario *sc = c->sc;
	char path[96];

	for (int i = 0; i < sc->nnodes; i++) {
		struct sc_node *n = &sc->nodes[i];

		if (c->node_bad[i])
			continue;
		/* Only when every link's ends are known: no guessing. */
		if (g->complete && g->start[i] == g->start[i + 1]) {
			snprintf(path, sizeof path, "nodes[%d]", i);
			sc_err_at(c, path, "node '%s' has no links (connect "
			    "it in \"links\", or remove it)", n->id);
		}

		if (n->resolver >= 0 && !c->node_bad[n->resolver]) {
			snprintf(path, sizeof path, "nodes[%d].resolver", i);
			if (!sc->nodes[n->resolver].dns.present)
				sc_err_at(c, path, "node '%s' is not a DNS "
				    "server (it has no 'dns' service)",
				    sc->nodes[n->resolver].id);
			else
				scref_want_reach(c, g, path, i, n->resolver);
		}

		int d = n->smtp.deliver;
		if (d >= 0 && !c->node_bad[d]) {
			snprintf(path, sizeof path,
			    "nodes[%d].services.smtp.deliver", i);
			if (d == i)
				sc_err_at(c, path, "write \"local\" to deliver "
				    "into this node's own mailboxes");
			else if (!sc->nodes[d].lmtp.present)
				sc_err_at(c, path, "node '%s' has no 'lmtp' "
				    "service to deliver to", sc->nodes[d].id);
			else
				scref_want_reach(c, g, path, i, d);
		}

		int r = n->smtp.relay_via;
		if (r >= 0 && !c->node_bad[r]) {
			snprintf(path, sizeof path,
			    "nodes[%d].services.smtp.relay_via", i);
			if (r == i)
				sc_err_at(c, path, "a server cannot relay "
				    "through itself");
			else if (!sc->nodes[r].smtp.present)
				sc_err_at(c, path, "node '%s' has no 'smtp' "
				    "service to relay through",
				    sc->nodes[r].id);
			else
				scref_want_reach(c, g, path, i, r);
		}

		/* A referral must point at a name server of this world. */
		for (int k = 0; k < n->dns.ndelegates; k++) {
			uint32_t ip = n->dns.delegates[k].address;
			char ipt[16];
			int owner = -1;

			if (ip == 0)
				continue;
			for (int m = 0; m < sc->nnodes && owner < 0; m++)
				if (sc->nodes[m].ip == ip)
					owner = m;
			snprintf(path, sizeof path,
			    "nodes[%d].services.dns.delegate[%d].address", i,
			    k);
			ip_format(ip, ipt);
			if (owner < 0)
				sc_err_at(c, path, "no node has the address %s "
				    "(a delegation points at a DNS server of "
				    "the scenario)", ipt);
			else if (!sc->nodes[owner].dns.present)
				sc_err_at(c, path, "%s is node '%s', which has "
				    "no 'dns' service", ipt,
				    sc->nodes[owner].id);
		}
	}
}

/* A mailbox lives where mail is delivered or read. */
static void
scref_accounts(struct sc_ctx *c)
{
	struct scenario *sc = c->sc;
	char path[48];

	for (int i = 0; i < sc->naccounts; i++) {
		int s = sc->accounts[i].server;

		if (s < 0 || c->node_bad[s])
			continue;
		struct sc_node *n = &sc->nodes[s];
		if (n->lmtp.present || n->pop3.present || n->imap.present ||
		    (n->smtp.present && n->smtp.deliver == SC_REF_NONE))
			continue;
		snprintf(path, sizeof path, "accounts[%d].server", i);
		sc_err_at(c, path, "node '%s' keeps no mailboxes (it needs "
		    "lmtp, pop3, imap, or smtp with \"deliver\": \"local\")",
		    n->id);
	}
	/* A postmaster is an account kept where the server delivers. */
	for (int i = 0; i < sc->nnodes; i++) {
		const struct sc_smtp *m = &sc->nodes[i].smtp;
		int where = m->deliver >= 0 ? m->deliver : i, found = 0;

		if (c->node_bad[i] || !m->present || m->postmaster == NULL ||
		    m->deliver == SC_REF_BAD)
			continue;
		for (int k = 0; k < sc->naccounts && !found; k++)
			found = sc->accounts[k].server == where &&
			    strcasecmp(sc->accounts[k].address,
			    m->postmaster) == 0;
		if (found)
			continue;
		snprintf(path, sizeof path, "nodes[%d].services.smtp.postmaster",
		    i);
		sc_err_at(c, path, "no account '%s' on node '%s', where this "
		    "server delivers", m->postmaster, sc->nodes[where].id);
	}
}

static void
scref_actions(struct sc_ctx *c, struct scref_graph *g)
{
	struct scenario *sc = c->sc;
	char path[48];

	for (int i = 0; i < sc->nactions; i++) {
		struct sc_action *a = &sc->actions[i];

		if (c->act_bad[i] == 1)
			continue;
		switch (a->kind) {
		case SC_ACT_SEND:
			scref_send(c, g, i);
			break;
		case SC_ACT_FETCH:
			scref_fetch(c, g, i);
			break;
		case SC_ACT_POWER:
			break;
		case SC_ACT_DNS:
			scref_dns(c, i);
			break;
		case SC_ACT_PASSWORD:
			for (int k = 0; k < sc->naccounts && a->account < 0;
			    k++)
				if (a->account_address != NULL &&
				    strcasecmp(sc->accounts[k].address,
				    a->account_address) == 0)
					a->account = k;
			if (a->account < 0 && a->account_address != NULL) {
				snprintf(path, sizeof path,
				    "actions[%d].account", i);
				sc_err_at(c, path, "no account '%s' in "
				    "'accounts'", a->account_address);
			}
			break;
		case SC_ACT_LINK: {
			int x = c->act_link_ends[i][0];
			int y = c->act_link_ends[i][1];

			if (x < 0 || y < 0)
				break;
			for (int k = 0; k < sc->nlinks && a->link < 0; k++)
				if ((sc->links[k].a == x &&
				    sc->links[k].b == y) ||
				    (sc->links[k].a == y &&
				    sc->links[k].b == x))
					a->link = k;
			if (a->link < 0) {
				snprintf(path, sizeof path, "actions[%d].link",
				    i);
				sc_err_at(c, path, "there is no link between "
				    "'%s' and '%s'", sc->nodes[x].id,
				    sc->nodes[y].id);
			}
			break;
		}
		}
	}
}

/*
 * A "dns" action (extension): its node serves DNS; a record to remove
 * is one the server has, a record to add one it has not.
 */
static void
scref_dns(struct sc_ctx *c, int i)
{
	struct scenario *sc = c->sc;
	struct sc_action *a = &sc->actions[i];
	const struct sc_dns *d;
	char path[48];
	int have = 0;

	if (a->node < 0 || c->node_bad[a->node] || a->record.name == NULL)
		return;
	d = &sc->nodes[a->node].dns;
	if (!d->present) {
		snprintf(path, sizeof path, "actions[%d].node", i);
		sc_err_at(c, path, "'%s' is not a DNS server (it has no "
		    "'dns' service)", sc->nodes[a->node].id);
		return;
	}
	for (int k = 0; k < d->nrecords; k++)
		have |= sc_record_same(&d->records[k], &a->record);
	/* Earlier actions of the file may have added or removed it. */
	for (int k = 0; k < i; k++) {
		const struct sc_action *o = &sc->actions[k];

		if (o->kind == SC_ACT_DNS && o->node == a->node &&
		    o->at_ns <= a->at_ns &&
		    sc_record_same(&o->record, &a->record))
			have = o->dns_add;
	}
	snprintf(path, sizeof path, "actions[%d].record", i);
	if (!a->dns_add && !have)
		sc_err_at(c, path, "'%s' has no such %s record for '%s' to "
		    "remove", sc->nodes[a->node].id,
		    a->record.type == SC_RR_A ? "A" : a->record.type ==
		    SC_RR_MX ? "MX" : a->record.type == SC_RR_CNAME ?
		    "CNAME" : "TXT", a->record.name);
	else if (a->dns_add && have)
		sc_err_at(c, path, "'%s' has this record already",
		    sc->nodes[a->node].id);
}

int
sc_record_same(const struct sc_record *x, const struct sc_record *y)
{
	if (x->name == NULL || y->name == NULL || x->type != y->type ||
	    strcmp(x->name, y->name) != 0)
		return 0;
	switch (x->type) {
	case SC_RR_A:
		return x->address == y->address;
	case SC_RR_MX:
		return x->preference == y->preference && x->exchange &&
		    y->exchange && strcmp(x->exchange, y->exchange) == 0;
	case SC_RR_CNAME:
		return x->target && y->target &&
		    strcmp(x->target, y->target) == 0;
	case SC_RR_TXT:
		return x->text && y->text && strcmp(x->text, y->text) == 0;
	}
	return 0;
}

/*
 * A client submits through via (required); a server without via puts
 * the mail into its own smtp queue, and port stays 0.  Otherwise port is
 * the one given, which must be via's submission or smtp port, else
 * via's submission port, else its smtp port.
 */
static void
scref_send(struct sc_ctx *c, struct scref_graph *g, int i)
{
	struct scenario *sc = c->sc;
	struct sc_action *a = &sc->actions[i];
	char path[64];

	if (a->node < 0 || c->node_bad[a->node])
		return;
	struct sc_node *n = &sc->nodes[a->node];
	if (n->kind == SC_ROUTER) {
		snprintf(path, sizeof path, "actions[%d].node", i);
		sc_err_at(c, path, "'%s' is a router; mail is sent by a "
		    "client or a server", n->id);
		return;
	}
	snprintf(path, sizeof path, "actions[%d].send", i);
	if (a->via == SC_REF_NONE) {
		if (n->kind == SC_CLIENT)
			sc_err_at(c, path, "missing required key 'via' (the "
			    "client '%s' hands its mail to a server: name "
			    "it in 'via')", n->id);
		else if (!n->smtp.present)
			sc_err_at(c, path, "server '%s' has no 'smtp' service "
			    "of its own, so it needs 'via'", n->id);
		if (a->port != 0 && n->kind != SC_CLIENT) {
			snprintf(path, sizeof path, "actions[%d].send.port", i);
			sc_err_at(c, path, "'port' is the port of 'via', and "
			    "there is no 'via'");
		}
		return;
	}
	if (a->via < 0 || c->node_bad[a->via])
		return;
	struct sc_node *v = &sc->nodes[a->via];
	snprintf(path, sizeof path, "actions[%d].send.via", i);
	if (!v->submission.present && !v->smtp.present) {
		sc_err_at(c, path, "node '%s' takes no mail (it has neither "
		    "'submission' nor 'smtp')", v->id);
		return;
	}
	scref_want_reach(c, g, path, a->node, a->via);
	if (a->port == 0)
		a->port = v->submission.present ? v->submission.port :
		    v->smtp.port;
	else if (!(v->submission.present && v->submission.port == a->port) &&
	    !(v->smtp.present && v->smtp.port == a->port)) {
		char have[64];

		if (v->submission.present && v->smtp.present)
			snprintf(have, sizeof have, "submission on %d, smtp "
			    "on %d", v->submission.port, v->smtp.port);
		else if (v->submission.present)
			snprintf(have, sizeof have, "submission on %d",
			    v->submission.port);
		else
			snprintf(have, sizeof have, "smtp on %d",
			    v->smtp.port);
		snprintf(path, sizeof path, "actions[%d].send.port", i);
		sc_err_at(c, path, "'%s' takes no mail on port %d (it has %s)",
		    v->id, a->port, have);
	}
}

static void
scref_fetch(struct sc_ctx *c, struct scref_graph *g, int i)
{
	struct scenario *sc = c->sc;
	struct sc_action *a = &sc->actions[i];
	char path[64], have[64];

	if (a->node >= 0 && !c->node_bad[a->node] &&
	    sc->nodes[a->node].kind == SC_ROUTER) {
		snprintf(path, sizeof path, "actions[%d].node", i);
		sc_err_at(c, path, "'%s' is a router; mail is fetched by a "
		    "client or a server", sc->nodes[a->node].id);
		return;
	}
	if (a->server < 0 || c->node_bad[a->server] || c->act_bad[i] == 2)
		return;
	struct sc_node *s = &sc->nodes[a->server];
	snprintf(path, sizeof path, "actions[%d].fetch.server", i);
	if (a->protocol == SC_POP3 ? !s->pop3.present : !s->imap.present) {
		scref_services(s, have);
		sc_err_at(c, path, "node '%s' offers no %s (%s)", s->id,
		    a->protocol == SC_POP3 ? "pop3" : "imap", have);
		return;
	}
	if (a->node >= 0 && !c->node_bad[a->node])
		scref_want_reach(c, g, path, a->node, a->server);
}

/* "it has smtp, imap" or "it has no services", for messages. */
static void
scref_services(const struct sc_node *n, char out[64])
{
	struct buf b = { 0 };
	const char *names[6];
	int k = 0;

	if (n->dns.present)
		names[k++] = "dns";
	if (n->smtp.present)
		names[k++] = "smtp";
	if (n->submission.present)
		names[k++] = "submission";
	if (n->lmtp.present)
		names[k++] = "lmtp";
	if (n->pop3.present)
		names[k++] = "pop3";
	if (n->imap.present)
		names[k++] = "imap";
	if (k == 0)
		buf_puts(&b, "it has no services");
	else
		buf_puts(&b, "it has ");
	for (int i = 0; i < k; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	snprintf(out, 64, "%s", (char *)b.data);
	buf_free(&b);
}

/* ---- reachability ------------------------------------------------------- */

static void
scref_graph_init(struct scref_graph *g, const struct scenario *sc,
    const unsigned char *bad)
{
	int n = sc->nnodes;

	g->sc = sc;
	g->bad = bad;
	g->complete = 1;
	g->start = xcalloc((size_t)n + 2, sizeof *g->start);
	g->adj = xcalloc((size_t)sc->nlinks * 2 + 1, sizeof *g->adj);
	g->queue = xcalloc((size_t)n + 1, sizeof *g->queue);
	g->seen = xcalloc((size_t)n + 1, sizeof *g->seen);
	g->stamp = 0;

	/* Count each node's ends, then place them (counting sort). */
	for (int i = 0; i < sc->nlinks; i++) {
		const struct sc_link *l = &sc->links[i];

		if (l->a >= 0 && l->a < n)
			g->start[l->a + 2]++;
		if (l->b >= 0 && l->b < n)
			g->start[l->b + 2]++;
		if (l->a < 0 || l->b < 0)
			g->complete = 0;
	}
	for (int i = 2; i < n + 2; i++)
		g->start[i] += g->start[i - 1];
	for (int i = 0; i < sc->nlinks; i++) {
		const struct sc_link *l = &sc->links[i];
		int a = l->a, b = l->b;

		/* A link with a bad end still counts as the other's link. */
		if (a >= 0 && a < n)
			g->adj[g->start[a + 1]++] = b;
		if (b >= 0 && b < n)
			g->adj[g->start[b + 1]++] = a;
	}
	/* Now start[i]..start[i + 1] are node i's neighbours. */
}

static void
scref_graph_free(struct scref_graph *g)
{
	free(g->start);
	free(g->adj);
	free(g->queue);
	free(g->seen);
}

/* Breadth first from a, going on only through routers. */
static int
scref_reach(struct scref_graph *g, int a, int b)
{
	const struct scenario *sc = g->sc;
	int head = 0, tail = 0;

	if (a < 0 || b < 0 || a >= sc->nnodes || b >= sc->nnodes)
		return 0;
	if (a == b)
		return 1;
	g->stamp++;
	g->seen[a] = g->stamp;
	g->queue[tail++] = a;
	while (head < tail) {
		int u = g->queue[head++];

		for (int k = g->start[u]; k < g->start[u + 1]; k++) {
			int v = g->adj[k];

			if (v < 0 || g->seen[v] == g->stamp)
				continue;
			if (v == b)
				return 1;
			g->seen[v] = g->stamp;
			if (sc->nodes[v].kind == SC_ROUTER ||
			    (g->bad != NULL && g->bad[v]))
				g->queue[tail++] = v;
		}
	}
	return 0;
}

static int
scref_want_reach(struct sc_ctx *c, struct scref_graph *g, const char *path,
    int from, int to)
{
	const struct scenario *sc = c->sc;

	/* A node without links has its own error; its routes add nothing. */
	if (!g->complete || scref_reach(g, from, to) ||
	    g->start[from] == g->start[from + 1] ||
	    g->start[to] == g->start[to + 1])
		return 1;
	sc_err_at(c, path, "node '%s' cannot be reached from '%s' (only "
	    "routers pass packets on, and no path through routers joins "
	    "them)", sc->nodes[to].id, sc->nodes[from].id);
	return 0;
}

int
scenario_node_index(const struct scenario *sc, const char *id)
{
	if (sc == NULL || id == NULL)
		return -1;
	for (int i = 0; i < sc->nnodes; i++)
		if (sc->nodes[i].id != NULL && strcmp(sc->nodes[i].id, id) == 0)
			return i;
	return -1;
}

int
scenario_reachable(const struct scenario *sc, int a, int b)
{
	struct scref_graph g;
	int r;

	if (sc == NULL || a < 0 || b < 0 || a >= sc->nnodes ||
	    b >= sc->nnodes)
		return 0;
	if (a == b)
		return 1;
	scref_graph_init(&g, sc, NULL);
	r = scref_reach(&g, a, b);
	scref_graph_free(&g);
	return r;
}
