/*
 * scenario_nodes.c: the world's things: nodes with their services, the
 * links between them, and the accounts (SPEC.md section 2, "node",
 * "link", "account").
 *
 * This is pass 3 for these arrays: each value is checked on its own and
 * stored with its defaults.  Node ids written here are queued for
 * scref_resolve(); what needs other nodes (a resolver that has dns, a
 * relay that can be reached) waits for scref_check().  Uniqueness within
 * the arrays (ids, addresses, hostnames, account addresses) is checked
 * here, against the entries already read, and reported at the later one.
 */
#include "scenario_priv.h"
#include "dns_wire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One service's port while checking that a node's ports differ. */
struct scnode_port {
	const char	*service;
	int		 port;
	int		 explicit;	/* written in the file, not the default */
};

static void	scnode_parse_node(struct sc_ctx *c, const cJSON *v, int i);
static int	scnode_ip(struct sc_ctx *c, const cJSON *obj, const char *key,
		    int required, uint32_t *out);
static void	scnode_hostname(struct sc_ctx *c, const cJSON *v, int i);
static void	scnode_services(struct sc_ctx *c, const cJSON *obj,
		    struct sc_node *nd);
static int	scnode_port(struct sc_ctx *c, const cJSON *svc, int *port,
		    int def);
static void	scnode_dns(struct sc_ctx *c, const cJSON *svc,
		    struct sc_dns *dns);
static void	scnode_cnames(struct sc_ctx *c, const struct sc_dns *dns);
static void	scnode_rrsets(struct sc_ctx *c, const struct sc_dns *dns);
static void	scnode_delegate(struct sc_ctx *c, const cJSON *v,
		    struct sc_delegate *d);
static void	scnode_smtp(struct sc_ctx *c, const cJSON *svc,
		    struct sc_smtp *smtp);
static void	scnode_domains(struct sc_ctx *c, const cJSON *arr,
		    struct sc_smtp *smtp);
static void	scnode_retry(struct sc_ctx *c, const cJSON *arr,
		    struct sc_smtp *smtp);
static void	scnode_parse_link(struct sc_ctx *c, const cJSON *v,
		    struct sc_link *l);
static void	scnode_parse_account(struct sc_ctx *c, const cJSON *v, int i);
static int	scnode_array_size(struct sc_ctx *c, const cJSON *arr,
		    const char *what, int max);

static const char *const scnode_kinds[] = { "client", "router", "server",
    NULL };

/*
 * The element count of an array, or -1 past max (reported).  The limits
 * keep a hostile file from making the simulation's tables explode.
 */
static int
scnode_array_size(struct sc_ctx *c, const cJSON *arr, const char *what,
    int max)
{
	int n = cJSON_GetArraySize(arr);

	if (n > max) {
		sc_err(c, "at most %d %s, found %d", max, what, n);
		return -1;
	}
	return n;
}

/* ---- nodes -------------------------------------------------------------- */

void
scnode_parse_nodes(struct sc_ctx *c, const cJSON *arr)
{
	struct scenario *sc = c->sc;
	size_t mark = sc_path_key(c, "nodes");
	const cJSON *v;
	int n, i = 0;

	n = scnode_array_size(c, arr, "nodes", SC_MAX_NODES);
	if (n < 0)
		goto out;
	if (n == 0)
		sc_err(c, "no nodes: a scenario needs at least two nodes and "
		    "a link between them");
	sc->nodes = xcalloc((size_t)n, sizeof *sc->nodes);
	sc->nnodes = n;
	c->node_bad = xcalloc((size_t)n, 1);
	for (i = 0; i < n; i++) {
		sc->nodes[i].resolver = SC_REF_NONE;
		sc->nodes[i].smtp.deliver = SC_REF_NONE;
		sc->nodes[i].smtp.relay_via = SC_REF_NONE;
	}
	i = 0;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		scnode_parse_node(c, v, i);
		sc_path_pop(c, m2);
		/* Nothing but broken entries: every name would be unknown. */
		if (sc->nodes[i].id[0] != '\0')
			c->nodes_ok = 1;
		i++;
	}
out:
	sc_path_pop(c, mark);
}

/* Reads nodes[i] (the path is already nodes[i]). */
static void
scnode_parse_node(struct sc_ctx *c, const cJSON *v, int i)
{
	static const char *const keys[] = { "id", "kind", "ip", "label",
	    "hostname", "resolver", "x", "y", "services", NULL };
	struct scenario *sc = c->sc;
	struct sc_node *nd = &sc->nodes[i];
	const cJSON *svc;
	const char *s;
	int kind = -1;

	if (!sc_want_object(c, v)) {
		nd->id = xstrdup("");
		nd->hostname = xstrdup("");
		c->node_bad[i] = 1;
		return;
	}
	sc_check_keys(c, v, keys);

	if (sc_get_string(c, v, "id", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "id");

		nd->id = xstrdup(s);
		if (!scname_is_id(s))
			sc_err(c, "'%s' is not a node id (1 to 32 of a-z, "
			    "0-9, '_' and '-')", s);
		for (int k = 0; k < i; k++) {
			if (sc->nodes[k].id != NULL &&
			    strcmp(sc->nodes[k].id, s) == 0) {
				sc_err(c, "duplicate node id '%s' (nodes[%d] "
				    "has it already)", s, k);
				/* Every reference goes to the first one. */
				c->node_bad[i] = 1;
				break;
			}
		}
		sc_path_pop(c, mark);
	} else {
		nd->id = xstrdup("");
		c->node_bad[i] = 1;
	}

	if (sc_get_enum(c, v, "kind", 1, scnode_kinds, &kind) == 1)
		nd->kind = (enum sc_node_kind)kind;
	else
		c->node_bad[i] = 1;

	if (scnode_ip(c, v, "ip", 1, &nd->ip) == 1) {
		size_t mark = sc_path_key(c, "ip");

		for (int k = 0; k < i; k++) {
			if (sc->nodes[k].ip == nd->ip) {
				char ip[16];

				ip_format(nd->ip, ip);
				sc_err(c, "duplicate address %s (node '%s' "
				    "has it already)", ip, sc->nodes[k].id);
				break;
			}
		}
		sc_path_pop(c, mark);
	}

	sc_get_text(c, v, "label", 0, &nd->label);
	scnode_hostname(c, v, i);

	if (sc_get_ref(c, v, "resolver", 0, &nd->resolver) == 1 &&
	    kind == SC_ROUTER) {
		size_t mark = sc_path_key(c, "resolver");

		sc_err(c, "a router asks no DNS questions; only clients and "
		    "servers have a resolver");
		sc_path_pop(c, mark);
	}

	/* Both or neither: half a position cannot be drawn. */
	int hx = sc_get_number(c, v, "x", 0, 0, 0, 1, &nd->x);
	int hy = sc_get_number(c, v, "y", 0, 0, 0, 1, &nd->y);
	if (hx == 0 && hy != 0)
		sc_err(c, "'y' given without 'x' (give both, or neither for "
		    "automatic placement)");
	if (hy == 0 && hx != 0)
		sc_err(c, "'x' given without 'y' (give both, or neither for "
		    "automatic placement)");
	nd->has_xy = hx == 1 && hy == 1;

	if (sc_get_object(c, v, "services", 0, &svc) == 1 && kind >= 0) {
		size_t mark = sc_path_key(c, "services");

		if (kind != SC_SERVER)
			sc_err(c, "only servers have services (this node is "
			    "a %s; make it \"kind\": \"server\")",
			    scnode_kinds[kind]);
		else
			scnode_services(c, svc, nd);
		sc_path_pop(c, mark);
	}
}

/*
 * An IPv4 address a host can have: dotted quad, and not 0/8, loopback
 * 127/8, or 224/3 (multicast, reserved, broadcast), which no unicast
 * packet carries as a source.
 */
static int
scnode_ip(struct sc_ctx *c, const cJSON *obj, const char *key, int required,
    uint32_t *out)
{
	const char *s;
	uint32_t ip;
	int r;

	r = sc_get_string(c, obj, key, required, &s);
	if (r != 1)
		return r;
	size_t mark = sc_path_key(c, key);
	r = -1;
	if (ip_parse(s, &ip) < 0)
		sc_err(c, "'%s' is not an IPv4 address (four numbers 0..255 "
		    "with dots, like 10.0.0.1)", s);
	else if ((ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 24) >= 224)
		sc_err(c, "%s cannot be a host's address (0.x, 127.x and "
		    "224.x and above are special)", s);
	else {
		*out = ip;
		r = 1;
	}
	sc_path_pop(c, mark);
	return r;
}

/*
 * Required for servers (they name themselves in EHLO and Received:);
 * clients default to ID.local, routers to ID.  Unique ignoring case.
 */
static void
scnode_hostname(struct sc_ctx *c, const cJSON *v, int i)
{
	struct scenario *sc = c->sc;
	struct sc_node *nd = &sc->nodes[i];
	const char *s, *why;
	int r;

	r = sc_get_string(c, v, "hostname", !c->node_bad[i] &&
	    nd->kind == SC_SERVER, &s);
	size_t mark = sc_path_key(c, "hostname");
	if (r == 1) {
		if ((why = scname_why_not_fqdn(s, 0)) != NULL) {
			sc_err(c, "'%s' is not a hostname: %s", s, why);
			r = -1;
		} else
			nd->hostname = scname_fqdn_norm(s);
	}
	if (nd->hostname == NULL) {
		if (!c->node_bad[i] && nd->kind == SC_CLIENT)
			nd->hostname = xasprintf("%s.local", nd->id);
		else
			nd->hostname = xstrdup(nd->id);
	}
	if (r != -1 && !c->node_bad[i]) {
		for (int k = 0; k < i; k++) {
			if (sc->nodes[k].hostname == NULL ||
			    strcasecmp(sc->nodes[k].hostname,
			    nd->hostname) != 0)
				continue;
			if (r == 1)
				sc_err(c, "duplicate hostname '%s' (node '%s' "
				    "has it already)", nd->hostname,
				    sc->nodes[k].id);
			else
				sc_err(c, "this node's default hostname '%s' "
				    "is also the hostname of node '%s' (give "
				    "this one a hostname)", nd->hostname,
				    sc->nodes[k].id);
			break;
		}
	}
	sc_path_pop(c, mark);
}

/* ---- services ------------------------------------------------------------ */

/* Reads svc.port (default def); returns 1 when it was written. */
static int
scnode_port(struct sc_ctx *c, const cJSON *svc, int *port, int def)
{
	*port = def;
	return sc_get_port(c, svc, "port", port) == 1;
}

/* The path is nodes[i].services. */
static void
scnode_services(struct sc_ctx *c, const cJSON *obj, struct sc_node *nd)
{
	static const char *const keys[] = { "dns", "smtp", "submission",
	    "lmtp", "pop3", "imap", NULL };
	static const char *const port_keys[] = { "port", NULL };
	static const char *const sub_keys[] = { "port", "require_auth", NULL };
	struct scnode_port ports[6];
	const cJSON *svc;
	size_t mark;
	int np = 0;

	sc_check_keys(c, obj, keys);

	if (sc_get_object(c, obj, "dns", 0, &svc) == 1) {
		mark = sc_path_key(c, "dns");
		nd->dns.present = 1;
		scnode_dns(c, svc, &nd->dns);
		ports[np++] = (struct scnode_port){ "dns", nd->dns.port,
		    sc_member(svc, "port") != NULL };
		sc_path_pop(c, mark);
	}
	if (sc_get_object(c, obj, "smtp", 0, &svc) == 1) {
		mark = sc_path_key(c, "smtp");
		nd->smtp.present = 1;
		scnode_smtp(c, svc, &nd->smtp);
		ports[np++] = (struct scnode_port){ "smtp", nd->smtp.port,
		    sc_member(svc, "port") != NULL };
		sc_path_pop(c, mark);
	}
	if (sc_get_object(c, obj, "submission", 0, &svc) == 1) {
		mark = sc_path_key(c, "submission");
		nd->submission.present = 1;
		sc_check_keys(c, svc, sub_keys);
		ports[np].explicit = scnode_port(c, svc,
		    &nd->submission.port, 587);
		nd->submission.require_auth = 1;
		sc_get_bool(c, svc, "require_auth", 0,
		    &nd->submission.require_auth);
		ports[np].service = "submission";
		ports[np++].port = nd->submission.port;
		sc_path_pop(c, mark);
	}

	/* lmtp, pop3 and imap are only a port. */
	static const char *const simple[] = { "lmtp", "pop3", "imap" };
	static const int simple_port[] = { 24, 110, 143 };
	struct sc_port_service *ps[] = { &nd->lmtp, &nd->pop3, &nd->imap };
	for (int k = 0; k < 3; k++) {
		if (sc_get_object(c, obj, simple[k], 0, &svc) != 1)
			continue;
		mark = sc_path_key(c, simple[k]);
		ps[k]->present = 1;
		sc_check_keys(c, svc, port_keys);
		ports[np].explicit = scnode_port(c, svc, &ps[k]->port,
		    simple_port[k]);
		ports[np].service = simple[k];
		ports[np++].port = ps[k]->port;
		sc_path_pop(c, mark);
	}

	/*
	 * One port, one service, even across UDP (dns) and TCP: a teacher
	 * who gives two services the same number has made a slip.  Blame the
	 * one whose port was written, the later one if both were.
	 */
	for (int a = 0; a < np; a++) {
		for (int b = a + 1; b < np; b++) {
			if (ports[a].port != ports[b].port)
				continue;
			int blame = ports[b].explicit || !ports[a].explicit ?
			    b : a, other = blame == b ? a : b;
			mark = sc_path_key(c, ports[blame].service);
			size_t m2 = sc_path_key(c, "port");
			sc_err(c, "port %d is already the port of %s on this "
			    "node", ports[blame].port, ports[other].service);
			sc_path_pop(c, m2);
			sc_path_pop(c, mark);
		}
	}
}

static void
scnode_dns(struct sc_ctx *c, const cJSON *svc, struct sc_dns *dns)
{
	static const char *const keys[] = { "port", "recursive", "records",
	    "delegate", NULL };
	const cJSON *arr, *v;
	size_t mark;
	int n, i;

	sc_check_keys(c, svc, keys);
	scnode_port(c, svc, &dns->port, 53);
	sc_get_bool(c, svc, "recursive", 0, &dns->recursive);

	if (sc_get_array(c, svc, "records", 0, &arr) == 1) {
		mark = sc_path_key(c, "records");
		n = scnode_array_size(c, arr, "records", SC_MAX_ITEMS);
		if (n > 0) {
			dns->records = xcalloc((size_t)n,
			    sizeof *dns->records);
			dns->nrecords = n;
			i = 0;
			cJSON_ArrayForEach(v, arr) {
				size_t m2 = sc_path_index(c, i);

				scnode_record(c, v, &dns->records[i++]);
				sc_path_pop(c, m2);
			}
			scnode_cnames(c, dns);
			scnode_rrsets(c, dns);
		}
		sc_path_pop(c, mark);
	}

	if (sc_get_array(c, svc, "delegate", 0, &arr) == 1) {
		mark = sc_path_key(c, "delegate");
		n = scnode_array_size(c, arr, "delegations", SC_MAX_ITEMS);
		if (n > 0) {
			dns->delegates = xcalloc((size_t)n,
			    sizeof *dns->delegates);
			dns->ndelegates = n;
			i = 0;
			cJSON_ArrayForEach(v, arr) {
				size_t m2 = sc_path_index(c, i);

				scnode_delegate(c, v, &dns->delegates[i++]);
				sc_path_pop(c, m2);
			}
		}
		sc_path_pop(c, mark);
	}
}

/*
 * One resource record (RFC 1035 section 3.3): the keys of its type and no
 * other, so an A record's stray "exchange" is pointed out, not ignored.
 */
void
scnode_record(struct sc_ctx *c, const cJSON *v, struct sc_record *r)
{
	static const char *const keys[] = { "name", "type", "ttl", "address",
	    "preference", "exchange", "target", "text", NULL };
	static const char *const types[] = { "A", "MX", "CNAME", "TXT",
	    NULL };
	static const enum sc_rr_type codes[] = { SC_RR_A, SC_RR_MX,
	    SC_RR_CNAME, SC_RR_TXT };
	/* Which data keys each type takes, by index in keys[] from 3 on. */
	static const char *const owner[] = { "A", "MX", "MX", "CNAME",
	    "TXT" };
	const char *s, *why;
	int64_t i64;
	int t = -1;

	if (!sc_want_object(c, v))
		return;
	sc_check_keys(c, v, keys);
	r->ttl = 3600;
	if (sc_get_enum(c, v, "type", 1, types, &t) == 1)
		r->type = codes[t];
	if (sc_get_string(c, v, "name", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "name");

		/* _dmarc.example.com and friends are TXT names. */
		if ((why = scname_why_not_fqdn(s, t == 3)) != NULL)
			sc_err(c, "'%s' is not a domain name: %s", s, why);
		else
			r->name = scname_fqdn_norm(s);
		sc_path_pop(c, mark);
	}
	if (sc_get_int(c, v, "ttl", 0, 0, 2147483647, &i64) == 1)
		r->ttl = (uint32_t)i64;
	if (t < 0)
		return;

	for (int k = 3; keys[k] != NULL; k++) {
		if (sc_member(v, keys[k]) == NULL ||
		    strcmp(owner[k - 3], types[t]) == 0)
			continue;
		size_t mark = sc_path_key(c, keys[k]);
		sc_err(c, "'%s' belongs to %s records, not %s records",
		    keys[k], owner[k - 3], types[t]);
		sc_path_pop(c, mark);
	}
	switch (r->type) {
	case SC_RR_A:
		scnode_ip(c, v, "address", 1, &r->address);
		break;
	case SC_RR_MX:
		if (sc_get_int(c, v, "preference", 1, 0, 65535, &i64) == 1)
			r->preference = (int)i64;
		if (sc_get_string(c, v, "exchange", 1, &s) == 1) {
			size_t mark = sc_path_key(c, "exchange");

			if ((why = scname_why_not_fqdn(s, 0)) != NULL)
				sc_err(c, "'%s' is not a hostname: %s", s,
				    why);
			else
				r->exchange = scname_fqdn_norm(s);
			sc_path_pop(c, mark);
		}
		break;
	case SC_RR_CNAME:
		if (sc_get_string(c, v, "target", 1, &s) == 1) {
			size_t mark = sc_path_key(c, "target");

			if ((why = scname_why_not_fqdn(s, 0)) != NULL)
				sc_err(c, "'%s' is not a domain name: %s", s,
				    why);
			else
				r->target = scname_fqdn_norm(s);
			sc_path_pop(c, mark);
		}
		break;
	case SC_RR_TXT:
		if (sc_get_string(c, v, "text", 1, &s) == 1)
			r->text = xstrdup(s);
		break;
	}
}

/*
 * RFC 1034 section 3.6.2: a name with a CNAME has no other data, so a
 * resolver that finds the CNAME need look no further.
 */
static void
scnode_cnames(struct sc_ctx *c, const struct sc_dns *dns)
{
	for (int i = 0; i < dns->nrecords; i++) {
		const struct sc_record *r = &dns->records[i];

		if (r->name == NULL)
			continue;
		for (int k = 0; k < i; k++) {
			const struct sc_record *o = &dns->records[k];

			if (o->name == NULL || strcmp(o->name, r->name) != 0 ||
			    (o->type != SC_RR_CNAME && r->type != SC_RR_CNAME))
				continue;
			size_t mark = sc_path_index(c, i);
			sc_err(c, "'%s' has a CNAME record, so it can have no "
			    "other record (records[%d] is one; RFC 1034 "
			    "section 3.6.2)", r->name, k);
			sc_path_pop(c, mark);
			break;
		}
	}
}

/*
 * A DNS message keeps at most DNS_MAX_RR records per section; an RRset
 * larger than that could never be answered whole, even over TCP (RFC
 * 2181 section 5.1: "all records in the associated RRSet").  Said here,
 * rather than cut short at run time.
 */
static void
scnode_rrsets(struct sc_ctx *c, const struct sc_dns *dns)
{
	for (int i = 0; i < dns->nrecords; i++) {
		const struct sc_record *r = &dns->records[i];
		int n = 0, first = 1;

		if (r->name == NULL)
			continue;
		for (int k = 0; k < dns->nrecords; k++) {
			const struct sc_record *o = &dns->records[k];

			if (o->name == NULL || o->type != r->type ||
			    strcasecmp(o->name, r->name) != 0)
				continue;
			n++;
			first &= k >= i;
		}
		if (n <= DNS_MAX_RR || !first)
			continue;
		size_t mark = sc_path_index(c, i);
		sc_err(c, "'%s' has %d records of one type; a DNS answer "
		    "holds at most %d (RFC 2181 section 5.1: the whole set "
		    "or none)", r->name, n, DNS_MAX_RR);
		sc_path_pop(c, mark);
	}
}

static void
scnode_delegate(struct sc_ctx *c, const cJSON *v, struct sc_delegate *d)
{
	static const char *const keys[] = { "zone", "ns", "address", NULL };
	const char *s, *why;

	if (!sc_want_object(c, v))
		return;
	sc_check_keys(c, v, keys);
	if (sc_get_string(c, v, "zone", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "zone");

		/* "" and "." are the root. */
		if (strcmp(s, "") == 0 || strcmp(s, ".") == 0)
			d->zone = xstrdup("");
		else if ((why = scname_why_not_fqdn(s, 0)) != NULL)
			sc_err(c, "'%s' is not a zone name: %s (write \".\" "
			    "for the root)", s, why);
		else
			d->zone = scname_fqdn_norm(s);
		sc_path_pop(c, mark);
	}
	if (sc_get_string(c, v, "ns", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "ns");

		if ((why = scname_why_not_fqdn(s, 0)) != NULL)
			sc_err(c, "'%s' is not a hostname: %s", s, why);
		else
			d->ns = scname_fqdn_norm(s);
		sc_path_pop(c, mark);
	}
	/* That the address is a DNS server's waits for scref_check(). */
	scnode_ip(c, v, "address", 1, &d->address);
}

static void
scnode_smtp(struct sc_ctx *c, const cJSON *svc, struct sc_smtp *smtp)
{
	static const char *const keys[] = { "port", "domains", "deliver",
	    "relay_via", "max_size", "max_hops", "retry_ms", "give_up_ms",
	    "postmaster", NULL };
	const cJSON *arr, *v;
	int64_t i64;

	sc_check_keys(c, svc, keys);
	scnode_port(c, svc, &smtp->port, 25);
	smtp->max_size = 10485760;
	smtp->max_hops = 30;
	smtp->give_up_ns = 432000000ULL * 1000000ULL;

	if (sc_get_array(c, svc, "domains", 0, &arr) == 1)
		scnode_domains(c, arr, smtp);

	/* "local", or the node that takes the mail by LMTP. */
	v = sc_member(svc, "deliver");
	if (v != NULL) {
		size_t mark = sc_path_key(c, "deliver");

		if (!cJSON_IsString(v)) {
			sc_err(c, "expected \"local\" or a node id, got %s",
			    sc_type_name(v));
			smtp->deliver = SC_REF_BAD;
		} else if (strcmp(v->valuestring, "local") != 0)
			sc_add_ref(c, v->valuestring, &smtp->deliver);
		sc_path_pop(c, mark);
	}
	sc_get_ref(c, svc, "relay_via", 0, &smtp->relay_via);

	if (sc_get_int(c, svc, "max_size", 0, 1, 4294967295LL, &i64) == 1)
		smtp->max_size = (uint64_t)i64;
	if (sc_get_int(c, svc, "max_hops", 0, 1, 255, &i64) == 1)
		smtp->max_hops = (int)i64;
	if (sc_get_array(c, svc, "retry_ms", 0, &arr) == 1)
		scnode_retry(c, arr, smtp);
	else if (smtp->retry_ns == NULL) {
		static const uint64_t def[] = { 60000, 300000, 900000 };

		smtp->retry_ns = xcalloc(3, sizeof *smtp->retry_ns);
		for (int i = 0; i < 3; i++)
			smtp->retry_ns[i] = def[i] * 1000000ULL;
		smtp->nretry = 3;
	}
	sc_get_ms(c, svc, "give_up_ms", 0, 0, 1, SC_MAX_GIVE_UP_MS,
	    &smtp->give_up_ns);
	/*
	 * Extension: the account that takes postmaster@ of every domain
	 * here (RFC 5321 4.5.1); that it is one waits for scref_check().
	 */
	const char *pm;
	if (sc_get_line(c, svc, "postmaster", 0, &pm) == 1) {
		size_t mark = sc_path_key(c, "postmaster");

		const char *why = scname_why_not_address(pm);

		if (why != NULL)
			sc_err(c, "'%s' is not an e-mail address: %s", pm, why);
		else
			smtp->postmaster = xstrdup(pm);
		sc_path_pop(c, mark);
	}
}

/* The domains this server is the final destination for. */
static void
scnode_domains(struct sc_ctx *c, const cJSON *arr, struct sc_smtp *smtp)
{
	size_t mark = sc_path_key(c, "domains");
	const cJSON *v;
	const char *s, *why;
	int n, i = 0;

	n = scnode_array_size(c, arr, "domains", SC_MAX_ITEMS);
	if (n <= 0)
		goto out;
	smtp->domains = xcalloc((size_t)n, sizeof *smtp->domains);
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i++);

		if (!sc_want_string(c, v, &s))
			goto next;
		if ((why = scname_why_not_fqdn(s, 0)) != NULL) {
			sc_err(c, "'%s' is not a domain name: %s", s, why);
			goto next;
		}
		char *d = scname_fqdn_norm(s);
		for (int k = 0; k < smtp->ndomains; k++) {
			if (strcmp(smtp->domains[k], d) == 0) {
				sc_err(c, "'%s' is listed twice", s);
				free(d);
				goto next;
			}
		}
		smtp->domains[smtp->ndomains++] = d;
next:
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
}

/* The waits between delivery attempts. */
static void
scnode_retry(struct sc_ctx *c, const cJSON *arr, struct sc_smtp *smtp)
{
	size_t mark = sc_path_key(c, "retry_ms");
	const cJSON *v;
	int n, i = 0;

	n = scnode_array_size(c, arr, "retries", 1000);
	if (n == 0)
		sc_err(c, "needs at least one wait, like [60000]");
	if (n <= 0)
		goto out;
	smtp->retry_ns = xcalloc((size_t)n, sizeof *smtp->retry_ns);
	smtp->nretry = n;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		sc_want_ms(c, v, 0, 1, SC_MAX_MS, &smtp->retry_ns[i]);
		sc_path_pop(c, m2);
		i++;
	}
out:
	sc_path_pop(c, mark);
}

/* ---- links --------------------------------------------------------------- */

void
scnode_parse_links(struct sc_ctx *c, const cJSON *arr)
{
	struct scenario *sc = c->sc;
	size_t mark = sc_path_key(c, "links");
	const cJSON *v;
	int n, i = 0;

	n = scnode_array_size(c, arr, "links", SC_MAX_LINKS);
	if (n < 0)
		goto out;
	c->links_ok = 1;
	if (n == 0)
		goto out;
	sc->links = xcalloc((size_t)n, sizeof *sc->links);
	sc->nlinks = n;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		scnode_parse_link(c, v, &sc->links[i++]);
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
}

static void
scnode_parse_link(struct sc_ctx *c, const cJSON *v, struct sc_link *l)
{
	static const char *const keys[] = { "a", "b", "latency_ms",
	    "bandwidth_kbps", "loss", "mtu", "queue_packets", NULL };
	double kbps = 10000;
	int64_t i64;

	l->a = l->b = SC_REF_BAD;
	l->latency_ns = 5 * 1000000ULL;
	l->bandwidth_bps = 10000000;
	l->mtu = 1500;
	l->queue_packets = 100;
	if (!sc_want_object(c, v))
		return;
	sc_check_keys(c, v, keys);
	sc_get_ref(c, v, "a", 1, &l->a);
	sc_get_ref(c, v, "b", 1, &l->b);
	sc_get_ms(c, v, "latency_ms", 0, 0, 0, 10000, &l->latency_ns);
	if (sc_get_number(c, v, "bandwidth_kbps", 0, 0, 1, 100000000,
	    &kbps) == 1) {
		l->bandwidth_bps = (uint64_t)llround(kbps * 1000);
		if (l->bandwidth_bps == 0) {
			size_t mark = sc_path_key(c, "bandwidth_kbps");
			sc_err(c, "too slow: at least 0.001 kbps (1 bit per "
			    "second)");
			sc_path_pop(c, mark);
		}
	}
	sc_get_number(c, v, "loss", 0, 0, 0, 1, &l->loss);
	if (sc_get_int(c, v, "mtu", 0, 68, 65535, &i64) == 1) {
		l->mtu = (int)i64;
		/* A full segment plus 20 bytes of IPv4 and 20 of TCP header. */
		if (c->mss_ok && l->mtu < c->sc->mss + 40) {
			size_t mark = sc_path_key(c, "mtu");
			sc_err(c, "mtu %d is too small for the mss %d (a "
			    "segment needs %d: the mss plus 40 bytes of IPv4 "
			    "and TCP headers)", l->mtu, c->sc->mss,
			    c->sc->mss + 40);
			sc_path_pop(c, mark);
		}
	}
	if (sc_get_int(c, v, "queue_packets", 0, 1, 100000, &i64) == 1)
		l->queue_packets = (int)i64;
}

/* ---- accounts ------------------------------------------------------------ */

void
scnode_parse_accounts(struct sc_ctx *c, const cJSON *arr)
{
	struct scenario *sc = c->sc;
	size_t mark = sc_path_key(c, "accounts");
	const cJSON *v;
	int n, i = 0;

	n = scnode_array_size(c, arr, "accounts", SC_MAX_ITEMS);
	if (n <= 0)
		goto out;
	sc->accounts = xcalloc((size_t)n, sizeof *sc->accounts);
	sc->naccounts = n;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		scnode_parse_account(c, v, i++);
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
}

static void
scnode_parse_account(struct sc_ctx *c, const cJSON *v, int i)
{
	static const char *const keys[] = { "address", "server", "user",
	    "password", NULL };
	struct scenario *sc = c->sc;
	struct sc_account *a = &sc->accounts[i];
	const char *s, *why;

	a->server = SC_REF_BAD;
	if (!sc_want_object(c, v))
		return;
	sc_check_keys(c, v, keys);
	if (sc_get_string(c, v, "address", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "address");

		if ((why = scname_why_not_address(s)) != NULL)
			sc_err(c, "'%s' is not an e-mail address: %s", s, why);
		else {
			a->address = xstrdup(s);
			/* The first account with it, by hash (not O(M^2)). */
			size_t it = 0;
			int k = -1;
			for (int h; (h = hmap_next(&c->acc_addr, hash_lower(s),
			    &it)) >= 0; )
				if ((k < 0 || h < k) && strcasecmp(
				    sc->accounts[h].address, s) == 0)
					k = h;
			if (k >= 0)
				sc_err(c, "duplicate account '%s' "
				    "(accounts[%d] has it already)", s, k);
			hmap_add(&c->acc_addr, hash_lower(s), i);
		}
		sc_path_pop(c, mark);
	}
	sc_get_ref(c, v, "server", 1, &a->server);
	if (sc_get_line(c, v, "user", 0, &s) == 1) {
		if (s[0] == '\0') {
			size_t mark = sc_path_key(c, "user");
			sc_err(c, "a user name cannot be empty (leave 'user' "
			    "out to use the address)");
			sc_path_pop(c, mark);
		}
		a->user = xstrdup(s);
	} else if (a->address != NULL)
		a->user = xstrdup(a->address);
	if (sc_get_line(c, v, "password", 1, &s) == 1)
		a->password = xstrdup(s);
}
