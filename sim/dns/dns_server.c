/*
 * dns_server.c: the name servers of the simulation, and what the DNS
 * files share: ephemeral ports, query ids and sending.  dns_resolver.c
 * sits above it: it builds the world (dns_start()), and a recursive
 * server reaches it only through the hook it set (dns_server.recurse).
 *
 * A server answers from the records of its scenario node (RFC 1034
 * section 4.3.2, the algorithm a name server follows):
 *   - a name inside a zone it delegates (its `delegate` list, longest
 *     match, "" being the root) gets a referral: no AA, the zone's NS
 *     records in the authority section and their addresses (glue) in the
 *     additional section, unless the server has records for that very
 *     name;
 *   - otherwise it speaks with authority (AA): the records of the asked
 *     type; or the name's CNAME, followed inside its own records
 *     (section 4.3.2 step 3a); or, when the name has records of other
 *     types only, an empty answer (NODATA); or, when it has none at all,
 *     NXDOMAIN.  Both negative answers carry an SOA in the authority
 *     section, whose MINIMUM is how long a resolver may remember them
 *     (RFC 2308 sections 3 and 5).
 * A recursive server passes queries with RD set to dns_resolver.c.
 *
 * Every message goes out through dns_srv_send(), which keeps it within
 * the 512 octets of UDP (RFC 1035 section 4.2.1), writes the TR_APP
 * record of the transcript with its narration (dns_srv_say(): the
 * question, or what kind of answer it is, from the message itself), and
 * sends it.  A host that is its own
 * resolver talks to itself over loopback: the message is recorded but
 * no frame crosses a link, as with 127.0.0.1 on a real host.
 */
#include "dns.h"
#include "udp.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ephemeral ports (RFC 6335 dynamic range). */
#define DNS_EPH_FIRST	49152
#define DNS_EPH_COUNT	16384

/* State of one ephemeral port of a host, for DNS. */
enum dns_port_state {
	DNS_PORT_NONE,		/* not bound by us */
	DNS_PORT_FREE,		/* bound to the resolver's input, no query on it */
	DNS_PORT_BUSY,		/* a query waits for its answer there */
};

/* A message to the sending host itself, delivered by an event. */
struct dns_loop {
	int		 node;
	uint16_t	 sport, dport;
	size_t		 len;
	uint8_t		 data[];
};

/* The SOA fields of our negative answers (RFC 1912 section 2.2 values). */
#define DNS_SOA_REFRESH	3600
#define DNS_SOA_RETRY	900
#define DNS_SOA_EXPIRE	604800

static void	dns_srv_input(struct sim *, int, void *, uint32_t, uint16_t,
		    uint16_t, const uint8_t *, size_t);
static void	dns_srv_say(struct say *, const struct dns_msg *,
		    const struct buf *);
static void	dns_srv_loop_ev(void *, void *, uint64_t, uint64_t);
static void	dns_srv_loop_fin(void *, void *, uint64_t, uint64_t);
static void	dns_srv_reply_init(const struct dns_msg *, struct dns_msg *);
static void	dns_srv_apex(const struct sim *, struct dns_server *);
static void	dns_srv_common(char *, int *, const char *);
static int	dns_srv_has(const struct sc_dns *, const char *);
static int	dns_srv_below(const struct sc_dns *, const char *);
static const char *dns_srv_delegated(const struct sim *,
		    const struct dns_server *, const char *);
static struct dns_rr *dns_srv_push(struct dns_rr *, int *);
static void	dns_srv_record(const struct sc_record *, const char *,
		    struct dns_rr *);
static void	dns_srv_soa(const struct sim *, const struct dns_server *,
		    const char *, int, struct dns_rr *);

/* ---------------------------------------------------------------- */
/* The world */

struct dns_server *
dns_srv_new(struct sim *s, int node)
{
	const struct sc_node *sn = &s->sc->nodes[node];
	struct dns_server *sv = xcalloc(1, sizeof *sv);

	sv->node = node;
	sv->port = (uint16_t)sn->dns.port;
	sv->cfg = &sn->dns;
	sv->hostname = sn->hostname ? sn->hostname : "";
	dns_srv_apex(s, sv);
	/* Nothing else binds before us: a failure is a broken invariant. */
	if (udp_bind(s, node, sv->port, dns_srv_input, sv) < 0)
		fatalx("dns: port %u of node %d already bound", sv->port, node);
	return sv;
}

const char *
dns_status_str(int status)
{
	switch (status) {
	case DNS_OK:
		return "ok";
	case DNS_NXDOMAIN:
		return "NXDOMAIN";
	case DNS_NODATA:
		return "NODATA";
	case DNS_FAIL:
		return "fail";
	}
	return "?";
}

/*
 * An ephemeral port for one query.  RFC 5452 section 9.2: resolvers
 * MUST "use an unpredictable source port for outgoing queries from the
 * range of available ports": the host's own stream of the seeded
 * generator picks one (the same seed, the same ports), and the next
 * usable one above it is taken when that one is busy.  A port stays
 * bound after its query (udp.h has no unbind) and is reused when it is
 * drawn again.  Returns 0 when every port is taken.
 */
uint16_t
dns_srv_port_get(struct sim *s, int node, udp_recv_fn input)
{
	struct dns_host *h = &s->dns->host[node];
	int first = (int)rng_upto(&h->port_rng, DNS_EPH_COUNT - 1);

	if (h->ports == NULL)
		h->ports = xcalloc(DNS_EPH_COUNT, 1);
	for (int k = 0; k < DNS_EPH_COUNT; k++) {
		int i = (first + k) % DNS_EPH_COUNT;
		uint16_t p = (uint16_t)(DNS_EPH_FIRST + i);
		uint8_t *st = &h->ports[i];

		if (*st == DNS_PORT_FREE || (*st == DNS_PORT_NONE &&
		    udp_bind(s, node, p, input, NULL) == 0)) {
			*st = DNS_PORT_BUSY;
			return p;
		}
	}
	return 0;
}

void
dns_srv_port_put(struct sim *s, int node, uint16_t port)
{
	struct dns_host *h = &s->dns->host[node];

	if (port >= DNS_EPH_FIRST && h->ports != NULL)
		h->ports[port - DNS_EPH_FIRST] = DNS_PORT_FREE;
}

/*
 * The ID of a new query: unpredictable to an off-path attacker in a real
 * resolver (RFC 5452 section 9.2), here a hash of the seed, the node and
 * a per-node counter, so the same run gives the same bytes.
 */
uint16_t
dns_srv_next_id(struct sim *s, int node)
{
	uint64_t z = s->seed * 0x9e3779b97f4a7c15ULL +
	    (uint64_t)(uint32_t)node * 0xd1b54a32d192ed03ULL +
	    s->dns->host[node].nid++;

	/* splitmix64's finalizer */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (uint16_t)(z >> 24);
}

/* The DNS port of the server at ip (53 where it has none). */
uint16_t
dns_srv_port_of(const struct sim *s, uint32_t ip)
{
	int node = net_node_by_ip(s, ip);

	if (node >= 0 && s->sc->nodes[node].dns.present)
		return (uint16_t)s->sc->nodes[node].dns.port;
	return 53;
}

/*
 * Send m from node:sport to dst:dport.  A response that does not fit in
 * 512 octets loses its additional section first (RFC 2181 section 9: no
 * TC for that), then everything but the question, with TC set.  Returns
 * 0, or -1 when nothing was sent (the node is off, or m cannot be
 * encoded).
 */
int
dns_srv_send(struct sim *s, int node, uint16_t sport, uint32_t dst,
    uint16_t dport, struct dns_msg *m)
{
	uint8_t out[DNS_UDP_MAX];
	struct buf words = { 0 };
	struct say y;
	int n;

	if (!s->nodes[node].up)
		return -1;	/* a stopped machine says nothing */
	n = dns_encode(m, out, sizeof out);
	if (n < 0 && m->qr) {
		m->nar = 0;
		n = dns_encode(m, out, sizeof out);
	}
	if (n < 0 && m->qr) {
		m->nan = m->nns = 0;
		m->tc = 1;
		n = dns_encode(m, out, sizeof out);
	}
	if (n < 0)
		return -1;
	dns_describe(m, &words);
	dns_srv_say(&y, m, &words);
	sim_app_say(s, node, net_node_by_ip(s, dst), APP_DNS,
	    (const char *)words.data, words.len, sim_say(s, &y));
	buf_free(&words);

	if (dst != s->nodes[node].ip) {
		udp_send(s, node, sport, dst, dport, out, (size_t)n);
		return 0;
	}
	struct dns_loop *l = xmalloc(sizeof *l + (size_t)n);
	l->node = node;
	l->sport = sport;
	l->dport = dport;
	l->len = (size_t)n;
	memcpy(l->data, out, (size_t)n);
	evq_at(s->q, sim_time(s), dns_srv_loop_ev, dns_srv_loop_fin, l, 0, 0);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Narration */

void
dns_srv_type_name(int type, char *out, size_t n)
{
	const char *t = dns_type_str(type);

	/* RFC 3597: TYPEnnn for a type without a mnemonic, as dns_describe(). */
	if (strcmp(t, "TYPE") == 0)
		snprintf(out, n, "TYPE%d", type);
	else
		snprintf(out, n, "%s", t);
}

void
dns_srv_rr_value(const struct dns_rr *rr, struct buf *out)
{
	/* MX data is "PREFERENCE EXCHANGE": the student wants the server. */
	if (rr->type == DNS_T_MX)
		buf_puts(out, rr->rd.mx.exchange[0] ? rr->rd.mx.exchange : ".");
	else
		dns_rr_data_str(rr, out);
	buf_putc(out, '\0');
}

/* {name} and {domain}: a name as dig writes it (the root is "."). */
static void
dns_srv_say_name(struct say *y, const char *name)
{
	say_str(y, "name", name[0] ? name : ".");
	say_str(y, "domain", name[0] ? name : ".");
}

static void
dns_srv_say_type(struct say *y, int type)
{
	char tn[16];

	dns_srv_type_name(type, tn, sizeof tn);
	say_str(y, "type", tn);
}

/* The key of a question or an answer, by the type it is about. */
static const char *
dns_srv_type_key(int type, int answer)
{
	switch (type) {
	case DNS_T_A: return answer ? "dns.answer.a" : "dns.query.a";
	case DNS_T_MX: return answer ? "dns.answer.mx" : "dns.query.mx";
	case DNS_T_CNAME: return answer ? "dns.answer.cname" : "dns.query.cname";
	case DNS_T_TXT: return answer ? "dns.answer.txt" : "dns.query.txt";
	case DNS_T_NS: return answer ? "dns.answer.ns" : "dns.query.ns";
	default: return answer ? "dns.answer.other" : "dns.query.other";
	}
}

/*
 * An answer that names several mail servers (RFC 5321 section 5.1: the
 * sender tries them in order of preference, lowest first): all of them,
 * in that order, "mx1.example.com (10), mx2.example.com (20)".
 */
static void
dns_srv_say_mx_list(struct say *y, const struct dns_msg *m, int nmx)
{
	struct buf b = { 0 };
	int done[DNS_MAX_RR] = { 0 };

	for (int k = 0; k < nmx; k++) {
		int best = -1;

		/* Stable: equal preferences keep the order of the answer. */
		for (int i = 0; i < m->nan && i < DNS_MAX_RR; i++)
			if (m->an[i].type == DNS_T_MX && !done[i] &&
			    (best < 0 || m->an[i].rd.mx.preference <
			    m->an[best].rd.mx.preference))
				best = i;
		if (best < 0)
			break;
		done[best] = 1;
		buf_printf(&b, "%s%s (%u)", k ? ", " : "",
		    m->an[best].rd.mx.exchange[0] ? m->an[best].rd.mx.exchange :
		    ".", m->an[best].rd.mx.preference);
	}
	say_strn(y, "value", (const char *)b.data, b.len);
	say_num(y, "count", nmx);
	buf_free(&b);
}

/*
 * The narration of m, in the classes of dns_describe() (its words are
 * the transcript's): a question, by its type; a response as RFC 2308
 * section 2 sorts them: an answer (by the type of its first record),
 * a name error, a referral (no answer, NS records in authority), NODATA;
 * or a server failure, a refusal, another error; or a reply cut short
 * (TC, RFC 2181 section 9) with nothing left in it.
 */
static void
dns_srv_say(struct say *y, const struct dns_msg *m, const struct buf *words)
{
	int nsrec = 0, nmx = 0;
	struct buf v = { 0 };

	if (!m->qr) {
		say_begin(y, dns_srv_type_key(m->qtype, 0));
		dns_srv_say_type(y, m->qtype);
		dns_srv_say_name(y, m->qname);
		return;
	}
	if (m->tc && (m->rcode == DNS_R_NOERROR ? m->nan == 0 && m->nns == 0 :
	    m->rcode != DNS_R_NXDOMAIN && m->rcode != DNS_R_SERVFAIL &&
	    m->rcode != DNS_R_REFUSED)) {
		say_begin(y, "dns.truncated");
		dns_srv_say_name(y, m->qname);
		dns_srv_say_type(y, m->qtype);
		return;
	}
	switch (m->rcode) {
	case DNS_R_NOERROR:
		break;
	case DNS_R_NXDOMAIN:
		say_begin(y, "dns.nxdomain");
		dns_srv_say_name(y, m->qname);
		return;
	case DNS_R_SERVFAIL:
		say_begin(y, "dns.servfail");
		dns_srv_say_name(y, m->qname);
		return;
	case DNS_R_REFUSED:
		say_begin(y, "dns.refused");
		dns_srv_say_name(y, m->qname);
		return;
	default:
		/* FORMERR, NOTIMP, another RCODE: the words say which. */
		say_begin(y, "dns.error");
		say_strn(y, "reply", (const char *)words->data, words->len);
		return;
	}
	if (m->nan > 0) {
		const struct dns_rr *rr = &m->an[0];

		for (int i = 0; i < m->nan; i++)
			nmx += m->an[i].type == DNS_T_MX;
		if (rr->type == DNS_T_MX && nmx > 1) {
			say_begin(y, "dns.answer.mx.several");
			dns_srv_say_name(y, rr->name);
			dns_srv_say_type(y, rr->type);
			dns_srv_say_mx_list(y, m, nmx);
			return;
		}
		say_begin(y, dns_srv_type_key(rr->type, 1));
		dns_srv_say_name(y, rr->name);
		dns_srv_say_type(y, rr->type);
		dns_srv_rr_value(rr, &v);
		say_str(y, "value", (const char *)v.data);
		say_num(y, "count", m->nan);
		buf_free(&v);
		return;
	}
	for (int i = 0; i < m->nns; i++)
		nsrec += m->ns[i].type == DNS_T_NS;
	if (nsrec > 0) {
		/* The zone, and its servers with their addresses (glue). */
		say_begin(y, "dns.referral");
		for (int i = 0; i < m->nns; i++)
			if (m->ns[i].type == DNS_T_NS) {
				dns_srv_say_name(y, m->ns[i].name);
				break;
			}
		for (int i = 0; i < m->nns; i++) {
			if (m->ns[i].type != DNS_T_NS)
				continue;
			buf_printf(&v, "%s%s", v.len ? ", " : "",
			    m->ns[i].rd.target[0] ? m->ns[i].rd.target : ".");
			dns_put_glue(&v, m, m->ns[i].rd.target);
		}
		say_strn(y, "value", (const char *)v.data, v.len);
		buf_free(&v);
		return;
	}
	say_begin(y, "dns.nodata");
	dns_srv_say_name(y, m->qname);
	dns_srv_say_type(y, m->qtype);
}

/* A loopback message arrives: at the server's port, or at a query's. */
static void
dns_srv_loop_ev(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	struct dns_loop *l = obj;

	(void)a;
	(void)b;
	/* Through the host's own UDP ports, as over 127.0.0.1. */
	if (s->nodes[l->node].up)
		(void)udp_deliver(s, l->node, s->nodes[l->node].ip, l->sport,
		    l->dport, l->data, l->len);
	free(l);
}

static void
dns_srv_loop_fin(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	(void)ctx;
	(void)a;
	(void)b;
	free(obj);
}

/* ---------------------------------------------------------------- */
/* Answering */

/* The header and question of the reply to q (RFC 1035 section 4.1.1). */
static void
dns_srv_reply_init(const struct dns_msg *q, struct dns_msg *r)
{
	r->id = q->id;
	r->qr = 1;
	r->opcode = q->opcode;
	r->aa = r->tc = r->ra = 0;
	r->rd = q->rd;		/* RFC 1035 4.1.1: "copied into the response" */
	r->rcode = DNS_R_NOERROR;
	r->qdcount = q->qdcount;
	memcpy(r->qname, q->qname, sizeof r->qname);
	r->qtype = q->qtype;
	r->qclass = q->qclass;
	r->nan = r->nns = r->nar = 0;
}

/*
 * A query reaches a server's port.  What cannot be parsed gets FORMERR
 * (RFC 1035 section 4.1.1) when at least its ID can be read; responses
 * arriving here are not ours and are dropped silently.
 */
static void
dns_srv_input(struct sim *s, int node, void *u, uint32_t src,
    uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	struct dns_server *sv = u;
	struct dns_msg *q, *r;
	int err;

	if (!s->nodes[node].up)
		return;
	q = xcalloc(1, sizeof *q);
	r = xcalloc(1, sizeof *r);
	err = dns_decode(p, n, q);
	if (err != 0) {
		if (n < DNS_HLEN || (p[2] & 0x80))
			goto out;
		q->id = get16(p);
		q->opcode = (p[2] >> 3) & 15;
		q->rd = p[2] & 1;
		q->qdcount = 0;
		dns_srv_reply_init(q, r);
		r->rcode = DNS_R_FORMERR;
	} else if (q->qr) {
		goto out;
	} else {
		dns_srv_reply_init(q, r);
		r->ra = (uint8_t)(sv->cfg->recursive != 0);
		if (q->opcode != 0)
			r->rcode = DNS_R_NOTIMP;	/* only QUERY */
		else if (q->qdcount != 1)
			r->rcode = DNS_R_FORMERR;
		else if (q->qclass != DNS_C_IN && q->qclass != DNS_T_ANY)
			r->rcode = DNS_R_REFUSED;	/* only the Internet */
		else if (sv->cfg->recursive && q->rd && sv->recurse != NULL) {
			/* RFC 1034 section 4.3.1: recursion was asked for and is offered. */
			sv->recurse(s, sv, q, src, sport);
			goto out;
		} else
			dns_srv_lookup(s, sv, q->qname, q->qtype, r);
	}
	dns_srv_send(s, node, dport, src, sport, r);
out:
	free(q);
	free(r);
}

/* Whether the server has records owned by name. */
static int
dns_srv_has(const struct sc_dns *d, const char *name)
{
	for (int i = 0; i < d->nrecords; i++)
		if (dns_name_eq(d->records[i].name, name))
			return 1;
	return 0;
}

/*
 * Whether something exists strictly below name: then name exists too,
 * as an empty non-terminal, and is NODATA rather than NXDOMAIN (RFC 8020).
 */
static int
dns_srv_below(const struct sc_dns *d, const char *name)
{
	for (int i = 0; i < d->nrecords; i++)
		if (!dns_name_eq(d->records[i].name, name) &&
		    dns_name_under(d->records[i].name, name))
			return 1;
	for (int i = 0; i < d->ndelegates; i++)
		if (!dns_name_eq(d->delegates[i].zone, name) &&
		    dns_name_under(d->delegates[i].zone, name))
			return 1;
	return 0;
}

/*
 * The deepest zone delegated away that holds name, or NULL.  A
 * delegation to the server's own address is no delegation: it says the
 * server holds that zone itself.
 */
static const char *
dns_srv_delegated(const struct sim *s, const struct dns_server *sv,
    const char *name)
{
	const char *best = NULL;

	for (int i = 0; i < sv->cfg->ndelegates; i++) {
		const struct sc_delegate *dg = &sv->cfg->delegates[i];

		if (dg->address == s->nodes[sv->node].ip ||
		    !dns_name_under(name, dg->zone))
			continue;
		if (best == NULL || strlen(dg->zone) > strlen(best))
			best = dg->zone;
	}
	return best;
}

/* The next free record of a section, or NULL when it is full. */
static struct dns_rr *
dns_srv_push(struct dns_rr *sec, int *n)
{
	if (*n >= DNS_MAX_RR)
		return NULL;
	struct dns_rr *rr = &sec[(*n)++];
	memset(rr, 0, sizeof *rr);
	rr->class = DNS_C_IN;
	return rr;
}

/* A scenario record as a wire record owned by owner (the case asked). */
static void
dns_srv_record(const struct sc_record *rec, const char *owner,
    struct dns_rr *rr)
{
	snprintf(rr->name, sizeof rr->name, "%s", owner);
	rr->type = (uint16_t)rec->type;
	rr->ttl = rec->ttl;
	switch (rec->type) {
	case SC_RR_A:
		rr->rd.a = rec->address;
		break;
	case SC_RR_MX:
		rr->rd.mx.preference = (uint16_t)rec->preference;
		snprintf(rr->rd.mx.exchange, sizeof rr->rd.mx.exchange, "%s",
		    rec->exchange);
		break;
	case SC_RR_CNAME:
		snprintf(rr->rd.target, sizeof rr->rd.target, "%s",
		    rec->target);
		break;
	case SC_RR_TXT: {
		/*
		 * Longer than we keep: it could not travel in 512 octets
		 * anyway, and dns_srv_send() will answer with TC.
		 */
		size_t len = strlen(rec->text);

		if (len > DNS_TXT_MAX)
			len = DNS_TXT_MAX;
		memcpy(rr->rd.txt.data, rec->text, len);
		rr->rd.txt.data[len] = '\0';
		rr->rd.txt.len = (uint16_t)len;
		break;
	}
	}
}

/* Fold name into acc, the longest common suffix (whole labels) so far. */
static void
dns_srv_common(char *acc, int *have, const char *name)
{
	if (!*have) {
		snprintf(acc, DNS_NAME_MAX + 1, "%s", name);
		*have = 1;
		return;
	}
	const char *x = acc;
	while (x[0] != '\0' && !dns_name_under(name, x))
		x = dns_name_parent(x);
	memmove(acc, x, strlen(x) + 1);
}

/*
 * The zone the server's SOA speaks for: the longest domain that holds
 * all its records, the zones it serves itself and the parents of those
 * it delegates; without any, the domain of its own hostname.
 */
static void
dns_srv_apex(const struct sim *s, struct dns_server *sv)
{
	const struct sc_dns *d = sv->cfg;
	int have = 0;

	sv->apex[0] = '\0';
	for (int i = 0; i < d->nrecords; i++)
		dns_srv_common(sv->apex, &have, d->records[i].name);
	for (int i = 0; i < d->ndelegates; i++) {
		const struct sc_delegate *dg = &d->delegates[i];

		dns_srv_common(sv->apex, &have,
		    dg->address == s->nodes[sv->node].ip ? dg->zone :
		    dns_name_parent(dg->zone));
	}
	if (!have)
		dns_srv_common(sv->apex, &have,
		    dns_name_parent(sv->hostname));
}

/*
 * The SOA of a negative answer for qname: owned by the longest domain
 * that holds both the server's apex and qname, so it is always qname or
 * one of its ancestors, as RFC 2308 section 3 expects; for NXDOMAIN a
 * strict ancestor.  Serial: the scenario's epoch date, YYYYMMDD01.
 */
static void
dns_srv_soa(const struct sim *s, const struct dns_server *sv,
    const char *qname, int nx, struct dns_rr *rr)
{
	char owner[DNS_NAME_MAX + 1];
	int have = 0;
	uint32_t serial = 0;
	const char *ep = s->sc->epoch ? s->sc->epoch : "";

	dns_srv_common(owner, &have, sv->apex);
	dns_srv_common(owner, &have, qname);
	if (nx && owner[0] != '\0' && dns_name_eq(owner, qname))
		memmove(owner, dns_name_parent(owner),
		    strlen(dns_name_parent(owner)) + 1);
	for (int i = 0; i < 10 && ep[i] != '\0'; i++)
		if (ep[i] >= '0' && ep[i] <= '9')
			serial = serial * 10 + (uint32_t)(ep[i] - '0');
	rr->type = DNS_T_SOA;
	rr->ttl = DNS_NEGATIVE_TTL;
	snprintf(rr->name, sizeof rr->name, "%s", owner);
	snprintf(rr->rd.soa.mname, sizeof rr->rd.soa.mname, "%s",
	    sv->hostname);
	/* RFC 1035 section 8: the mailbox hostmaster@zone, written as a name. */
	int k = snprintf(rr->rd.soa.rname, sizeof rr->rd.soa.rname,
	    "hostmaster.%s", owner[0] != '\0' ? owner : sv->hostname);
	if (k < 0 || (size_t)k >= sizeof rr->rd.soa.rname ||
	    !dns_name_valid(rr->rd.soa.rname))
		snprintf(rr->rd.soa.rname, sizeof rr->rd.soa.rname, "%s",
		    sv->hostname);
	rr->rd.soa.serial = serial * 100 + 1;
	rr->rd.soa.refresh = DNS_SOA_REFRESH;
	rr->rd.soa.retry = DNS_SOA_RETRY;
	rr->rd.soa.expire = DNS_SOA_EXPIRE;
	rr->rd.soa.minimum = DNS_NEGATIVE_TTL;
}

/*
 * The answer to (qname, qtype) from the server's own data, into r's
 * rcode, AA and sections (RFC 1034 section 4.3.2).  Returns 1 for a
 * referral, 0 for an answer given with authority.
 */
int
dns_srv_lookup(const struct sim *s, const struct dns_server *sv,
    const char *qname, int qtype, struct dns_msg *r)
{
	const struct sc_dns *d = sv->cfg;
	const char *zone, *cur = qname;
	struct dns_rr *rr;

	r->nan = r->nns = r->nar = 0;
	r->rcode = DNS_R_NOERROR;
	r->aa = 0;

	/* Step 3b: a zone below ours, handed on to other servers. */
	if (!dns_srv_has(d, qname) &&
	    (zone = dns_srv_delegated(s, sv, qname)) != NULL) {
		for (int i = 0; i < d->ndelegates; i++) {
			const struct sc_delegate *dg = &d->delegates[i];

			if (!dns_name_eq(dg->zone, zone) ||
			    (rr = dns_srv_push(r->ns, &r->nns)) == NULL)
				continue;
			snprintf(rr->name, sizeof rr->name, "%s", zone);
			rr->type = DNS_T_NS;
			rr->ttl = DNS_DELEGATION_TTL;
			snprintf(rr->rd.target, sizeof rr->rd.target, "%s",
			    dg->ns);
			/* Glue: the address that breaks the circle (RFC 1034 section 4.2.1). */
			if ((rr = dns_srv_push(r->ar, &r->nar)) == NULL)
				continue;
			snprintf(rr->name, sizeof rr->name, "%s", dg->ns);
			rr->type = DNS_T_A;
			rr->ttl = DNS_DELEGATION_TTL;
			rr->rd.a = dg->address;
		}
		return 1;
	}

	/* Step 3a: our data.  A CNAME is followed while its target is ours too. */
	r->aa = 1;
	for (int hop = 0; hop < DNS_MAX_RR; hop++) {
		const struct sc_record *cname = NULL;
		int found = 0, any = 0;

		for (int i = 0; i < d->nrecords; i++) {
			const struct sc_record *rec = &d->records[i];

			if (!dns_name_eq(rec->name, cur))
				continue;
			any = 1;
			if (qtype == DNS_T_ANY || (int)rec->type == qtype) {
				if ((rr = dns_srv_push(r->an, &r->nan)) != NULL)
					dns_srv_record(rec, cur, rr);
				found = 1;
			} else if (rec->type == SC_RR_CNAME)
				cname = rec;
		}
		if (found)
			break;
		if (cname != NULL) {
			if ((rr = dns_srv_push(r->an, &r->nan)) == NULL)
				break;
			dns_srv_record(cname, cur, rr);
			cur = rr->rd.target;
			/* A target elsewhere is the resolver's to chase. */
			if (!dns_srv_has(d, cur) ||
			    dns_srv_delegated(s, sv, cur) != NULL)
				break;
			continue;
		}
		if (hop == 0) {
			/* RFC 2308 section 2.1 and 2.2: name error, or no data. */
			int nx = !any && !dns_srv_below(d, cur);

			r->rcode = nx ? DNS_R_NXDOMAIN : DNS_R_NOERROR;
			if ((rr = dns_srv_push(r->ns, &r->nns)) != NULL)
				dns_srv_soa(s, sv, cur, nx, rr);
		}
		break;
	}

	/* RFC 1035 section 3.3.9: MX answers bring the exchange's address along. */
	for (int i = 0; i < r->nan; i++) {
		if (r->an[i].type != DNS_T_MX)
			continue;
		for (int k = 0; k < d->nrecords; k++) {
			const struct sc_record *rec = &d->records[k];
			int dup = 0;

			if (rec->type != SC_RR_A ||
			    !dns_name_eq(rec->name, r->an[i].rd.mx.exchange))
				continue;
			for (int j = 0; j < r->nar; j++)
				dup |= dns_name_eq(r->ar[j].name, rec->name) &&
				    r->ar[j].rd.a == rec->address;
			if (!dup && (rr = dns_srv_push(r->ar, &r->nar)) != NULL)
				dns_srv_record(rec, rec->name, rr);
		}
	}
	return 0;
}
