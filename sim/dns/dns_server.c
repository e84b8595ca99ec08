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
 * Every server holds zones (dns_srv_zones()): those other servers of the
 * scenario delegate to it, the parents of those it delegates away, and
 * for records outside all of them their domain.  Each zone's apex has an
 * SOA and NS records, made from the scenario (RFC 1035 section 5.2:
 * "Exactly one SOA RR should be present at the top of the zone"; RFC 1034
 * section 4.2.1: NS records there too), and a negative answer carries
 * the SOA of the zone the name would be in (RFC 2308 section 3).
 *
 * Queries come over UDP or over TCP (RFC 7766: each message after a
 * two-octet length, the answer on the same connection).  A query may
 * carry an OPT (EDNS(0), RFC 6891): its answer carries one too and may
 * fill the UDP size it offered, up to DNS_EDNS_MAX.
 *
 * Every message goes out through dns_srv_send(), which keeps it within
 * the 512 octets of UDP (RFC 1035 section 4.2.1), or the EDNS size, or
 * the 65535 of TCP, setting TC where the answer did not fit, writes the TR_APP
 * record of the transcript with its narration (dns_srv_say(): the
 * question, or what kind of answer it is, from the message itself), and
 * sends it.  A host that is its own
 * resolver talks to itself over loopback: the message is recorded but
 * no frame crosses a link, as with 127.0.0.1 on a real host.
 */
#include "dns.h"
#include "tcp.h"
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

/* Records of one name found through the index; more are walked. */
#define DNS_SRV_NAMED	64

/* The SOA fields of our negative answers (RFC 1912 section 2.2 values). */
#define DNS_SOA_REFRESH	3600
#define DNS_SOA_RETRY	900
#define DNS_SOA_EXPIRE	604800
#define DNS_SOA_TTL	3600	/* the SOA itself, in a positive answer */

static void	dns_srv_input(struct sim *, int, void *, uint32_t, uint16_t,
		    uint16_t, const uint8_t *, size_t);
static void	dns_srv_say(struct say *, const struct dns_msg *,
		    const struct buf *);
static void	dns_srv_loop_ev(void *, void *, uint64_t, uint64_t);
static void	dns_srv_loop_fin(void *, void *, uint64_t, uint64_t);
static void	dns_srv_reply_init(const struct dns_msg *, struct dns_msg *);
static void	dns_srv_index(struct dns_server *);
static int	dns_srv_named(const struct dns_server *, const char *, int *,
		    int);
static int	dns_srv_has(const struct dns_server *, const char *);
static int	dns_srv_below(const struct dns_server *, const char *);
static const char *dns_srv_delegated(const struct sim *,
		    const struct dns_server *, const char *);
static struct dns_rr *dns_srv_push(struct dns_rr *, int *);
static struct dns_rr *dns_srv_push_an(struct dns_msg *);
static void	dns_srv_record(const struct sc_record *, const char *,
		    struct dns_rr *);
static void	dns_srv_soa(const struct sim *, const struct dns_server *,
		    const char *, struct dns_rr *);
static void	dns_srv_soa_of(const struct sim *, const struct dns_zone *, int,
		    struct dns_rr *);
static void	dns_srv_query(struct sim *, struct dns_server *,
		    struct dns_srv_tcp *, uint32_t, uint16_t, const uint8_t *,
		    size_t);
static void	dns_srv_zones(const struct sim *, struct dns_server *);
static void	dns_srv_zone_add(struct dns_server *, const char *,
		    const char *);
static const struct dns_zone *dns_srv_zone_of(const struct dns_server *,
		    const char *);
static const struct dns_zone *dns_srv_zone_at(const struct dns_server *,
		    const char *);
static int	dns_srv_apex_rrs(const struct sim *, const struct dns_zone *,
		    const char *, int, struct dns_msg *);
static struct dns_srv_pend *dns_srv_pend_take(struct dns_server *, uint32_t,
		    uint16_t, uint16_t);
static int	dns_srv_fit(struct dns_msg *, uint8_t *, size_t);
static void	dns_srv_tcp_accept(struct tcp_conn *, void *);
static void	dns_srv_tcp_data(struct tcp_conn *, void *, const uint8_t *,
		    size_t);
static void	dns_srv_tcp_peer_closed(struct tcp_conn *, void *);
static void	dns_srv_tcp_gone(struct tcp_conn *, void *);
static void	dns_srv_tcp_err(struct tcp_conn *, void *, enum tcp_err);

static const struct tcp_ops dns_srv_tcp_ops = {
	NULL, dns_srv_tcp_data, dns_srv_tcp_peer_closed, dns_srv_tcp_gone,
	dns_srv_tcp_err,
};

/* ---------------------------------------------------------------- */
/* The world */

void
dns_srv_change(struct sim *s, int node, const struct sc_record *r, int add)
{
	struct dns_server *sv = s->dns ? s->dns->srv[node] : NULL;
	struct sc_dns *d;
	char type[16];
	struct say y;
	int k;

	if (sv == NULL)
		return;
	/* The scenario is borrowed: the first change takes a copy. */
	if (sv->cfg != &sv->own) {
		sv->own = *sv->cfg;
		sv->own.records = xcalloc((size_t)sv->own.nrecords + 1,
		    sizeof *sv->own.records);
		for (k = 0; k < sv->own.nrecords; k++)
			sv->own.records[k] = sv->cfg->records[k];
		sv->cfg = &sv->own;
	}
	d = &sv->own;
	for (k = 0; k < d->nrecords; k++)
		if (sc_record_same(&d->records[k], r))
			break;
	if (add && k == d->nrecords) {
		d->records = xrealloc(d->records, ((size_t)d->nrecords + 1) *
		    sizeof *d->records);
		d->records[d->nrecords++] = *r;
	} else if (!add && k < d->nrecords) {
		memmove(&d->records[k], &d->records[k + 1],
		    (size_t)(d->nrecords - k - 1) * sizeof *d->records);
		d->nrecords--;
	} else
		return;		/* already so: nothing changes */
	dns_srv_index(sv);
	dns_srv_type_name((int)r->type, type, sizeof type);
	say_begin(&y, add ? "dns.record_added" : "dns.record_removed");
	say_node(&y, "node", node);
	say_str(&y, "name", r->name);
	say_str(&y, "type", type);
	sim_state_say(s, node, ST_CHANGE, (uint32_t)d->nrecords,
	    sim_say(s, &y), "dns %s %s %s", add ? "add" : "remove", r->name,
	    type);
}

struct dns_server *
dns_srv_new(struct sim *s, int node)
{
	const struct sc_node *sn = &s->sc->nodes[node];
	struct dns_server *sv = xcalloc(1, sizeof *sv);

	sv->node = node;
	sv->port = (uint16_t)sn->dns.port;
	sv->cfg = &sn->dns;
	sv->hostname = sn->hostname ? sn->hostname : "";
	dns_srv_index(sv);
	dns_srv_zones(s, sv);
	for (int i = 0; i < DNS_SRV_TCPS; i++) {
		sv->tcp[i].s = s;
		sv->tcp[i].sv = sv;
	}
	/* Nothing else binds before us: a failure is a broken invariant. */
	if (udp_bind(s, node, sv->port, dns_srv_input, sv) < 0)
		fatalx("dns: port %u of node %d already bound", sv->port, node);
	/*
	 * RFC 7766 section 5: "authoritative server implementations MUST
	 * support TCP so that they do not limit the size of responses".
	 */
	if (tcp_listen(s, node, sv->port, dns_srv_tcp_accept, sv) < 0)
		fatalx("dns: TCP port %u of node %d already bound", sv->port,
		    node);
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
 * The query that m answers, when the server at node took it over TCP or
 * with an OPT; it is forgotten once taken.
 */
static struct dns_srv_pend *
dns_srv_pend_take(struct dns_server *sv, uint32_t dst, uint16_t dport,
    uint16_t id)
{
	for (int i = 0; i < DNS_SRV_PENDS; i++) {
		struct dns_srv_pend *p = &sv->pend[i];

		if (p->used && p->src == dst && p->sport == dport &&
		    p->id == id) {
			p->used = 0;
			return p;
		}
	}
	return NULL;
}

/*
 * Encode the response m into at most cap octets, cutting it where it
 * does not fit.  Returns the length, or -1.
 */
static int
dns_srv_fit(struct dns_msg *m, uint8_t *out, size_t cap)
{
	int n = dns_encode(m, out, cap);

	/*
	 * RFC 2181 section 9: "the TC bit should not be set merely because
	 * some extra information could have been included, but there was
	 * insufficient room": additional records go first, from the last,
	 * and the OPT stays (RFC 6891 section 7: "compliant responders MUST
	 * include an OPT record in their respective responses").
	 */
	while (n < 0) {
		int k = m->nar - 1;

		while (k >= 0 && m->ar[k].type == DNS_T_OPT)
			k--;
		if (k < 0)
			break;
		memmove(&m->ar[k], &m->ar[k + 1],
		    (size_t)(m->nar - k - 1) * sizeof m->ar[0]);
		m->nar--;
		n = dns_encode(m, out, cap);
	}
	/*
	 * RFC 1035 section 4.1.1, TC: "this message was truncated due to
	 * length greater than that permitted on the transmission channel".
	 * Every whole RRset that fits stays, in order; the RRset that was
	 * cut goes entirely, as BIND and Unbound do.  RFC 2181 section 5.1:
	 * "A query for a specific (or non-specific) label, class, and type,
	 * will always return all records in the associated RRSet ... The
	 * response must be marked as "truncated" if the entire RRSet will
	 * not fit in the response."  The client asks again over TCP.
	 */
	struct dns_rr *sec = NULL;
	int *cnt = NULL;

	while (n < 0 && (m->nan > 0 || m->nns > 0)) {
		m->tc = 1;
		if (m->nns > 0) {
			sec = m->ns;
			cnt = &m->nns;
		} else {
			sec = m->an;
			cnt = &m->nan;
		}
		(*cnt)--;
		n = dns_encode(m, out, cap);
	}
	if (sec != NULL) {
		const struct dns_rr *cut = &sec[*cnt];
		int k = *cnt;

		while (k > 0 && sec[k - 1].type == cut->type &&
		    dns_name_eq(sec[k - 1].name, cut->name))
			k--;
		if (k != *cnt) {
			*cnt = k;
			n = dns_encode(m, out, cap);
		}
	}
	return n;
}

/*
 * Send m from node:sport to dst:dport.  A response is cut to fit what
 * the way back takes (dns_srv_fit()): 512 octets over UDP (RFC 1035
 * section 4.2.1), the size an OPT offered (RFC 6891), or a TCP message
 * (RFC 1035 section 4.2.2).  Returns 0, or -1 when nothing was sent (the
 * node is off, or m cannot be encoded).
 */
int
dns_srv_send(struct sim *s, int node, uint16_t sport, uint32_t dst,
    uint16_t dport, struct dns_msg *m)
{
	uint8_t *out = xmalloc(2 + DNS_TCP_MAX);
	struct dns_server *sv = s->dns->srv[node];
	struct dns_srv_pend *pd = NULL;
	struct dns_srv_tcp *t = NULL;
	struct buf words = { 0 };
	size_t cap = DNS_UDP_MAX;
	struct say y;
	int n;

	if (!s->nodes[node].up) {
		free(out);
		return -1;	/* a stopped machine says nothing */
	}
	if (m->qr && sv != NULL && sport == sv->port)
		pd = dns_srv_pend_take(sv, dst, dport, m->id);
	if (pd != NULL && pd->tcp_gone) {
		/*
		 * RFC 7766 section 7: a client pairs a TCP answer with its
		 * query on the connection it asked on; that one has closed,
		 * so nobody waits for this answer.
		 */
		free(out);
		return -1;
	}
	if (pd != NULL && pd->edns) {
		/* RFC 6891 section 7: "compliant responders MUST include an OPT record". */
		struct dns_edns e;

		if (dns_edns_get(m, &e) == 0 && !e.present)
			(void)dns_edns_put(m, DNS_EDNS_MAX, 0);
		/* 6.2.5: "Values lower than 512 MUST be treated as equal to 512". */
		cap = pd->udp_size < DNS_UDP_MAX ? DNS_UDP_MAX :
		    pd->udp_size > DNS_EDNS_MAX ? DNS_EDNS_MAX : pd->udp_size;
	}
	if (pd != NULL && pd->tcp != NULL) {
		t = pd->tcp;
		cap = DNS_TCP_MAX;
	}
	n = m->qr ? dns_srv_fit(m, out + 2, cap) : dns_encode(m, out + 2, cap);
	if (n < 0) {
		free(out);
		return -1;
	}
	dns_describe(m, &words);
	dns_srv_say(&y, m, &words);
	sim_app_say(s, node, net_node_by_ip(s, dst), APP_DNS,
	    (const char *)words.data, words.len, sim_say(s, &y));
	buf_free(&words);

	if (t != NULL) {
		/*
		 * RFC 1035 section 4.2.2: "The message is prefixed with a two
		 * byte length field which gives the message length, excluding
		 * the two byte length field."  RFC 7766 section 8: both go to
		 * TCP at once.
		 */
		put16(out, (uint16_t)n);
		tcp_send(t->c, out, (size_t)n + 2);
	} else if (dst != s->nodes[node].ip)
		udp_send(s, node, sport, dst, dport, out + 2, (size_t)n);
	else {
		struct dns_loop *l = xmalloc(sizeof *l + (size_t)n);

		l->node = node;
		l->sport = sport;
		l->dport = dport;
		l->len = (size_t)n;
		memcpy(l->data, out + 2, (size_t)n);
		evq_at(s->q, sim_time(s), dns_srv_loop_ev, dns_srv_loop_fin,
		    l, 0, 0);
	}
	free(out);
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
	/* RFC 2181 section 9: records that fitted may be there, to be ignored. */
	if (m->tc && m->rcode != DNS_R_NXDOMAIN &&
	    m->rcode != DNS_R_SERVFAIL && m->rcode != DNS_R_REFUSED) {
		say_begin(y, "dns.truncated");
		dns_srv_say_name(y, m->qname);
		dns_srv_say_type(y, m->qtype);
		return;
	}
	switch (dns_rcode_full(m)) {
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
		/* FORMERR, NOTIMP, BADVERS, another RCODE: the words say which. */
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

/* A query reaches a server's UDP port. */
static void
dns_srv_input(struct sim *s, int node, void *u, uint32_t src,
    uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	(void)dport;
	if (!s->nodes[node].up)
		return;
	dns_srv_query(s, u, NULL, src, sport, p, n);
}

/*
 * A query from src:sport, over UDP or over the TCP connection t.  What
 * cannot be parsed gets FORMERR (RFC 1035 section 4.1.1) when at least
 * its ID can be read; responses arriving here are not ours and are
 * dropped silently.
 */
static void
dns_srv_query(struct sim *s, struct dns_server *sv, struct dns_srv_tcp *t,
    uint32_t src, uint16_t sport, const uint8_t *p, size_t n)
{
	struct dns_msg *q, *r;
	struct dns_edns e = { 0 };
	int err;

	q = dns_msg_new();
	r = dns_msg_new();
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
	} else if (dns_edns_get(q, &e) < 0) {
		/*
		 * RFC 6891 section 6.1.1: "If a query message with more than
		 * one OPT RR is received, a FORMERR (RCODE=1) MUST be
		 * returned"; so for an OPT we cannot read.  No OPT in the
		 * answer: what the asker can take is unknown.
		 */
		dns_srv_reply_init(q, r);
		r->rcode = DNS_R_FORMERR;
	} else {
		dns_srv_reply_init(q, r);
		r->ra = (uint8_t)(sv->cfg->recursive != 0);
		/*
		 * Remember how to answer: over this connection, and with an
		 * OPT offering what size.  A full table forgets the oldest.
		 */
		if (t != NULL || e.present) {
			struct dns_srv_pend *pd = &sv->pend[sv->npend];

			sv->npend = (sv->npend + 1) % DNS_SRV_PENDS;
			pd->used = 1;
			pd->tcp = t;
			pd->tcp_gone = 0;
			pd->src = src;
			pd->sport = sport;
			pd->id = q->id;
			pd->edns = e.present;
			pd->udp_size = e.udp_size;
		}
		if (e.present && e.version != 0) {
			/*
			 * RFC 6891 section 6.1.3: "If a responder does not
			 * implement the VERSION level of the request, then it
			 * MUST respond with RCODE=BADVERS."
			 */
			(void)dns_edns_put(r, DNS_EDNS_MAX, DNS_R_BADVERS >> 4);
			r->rcode = DNS_R_BADVERS & 15;
		} else if (q->opcode != 0)
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
	dns_srv_send(s, sv->node, sv->port, src, sport, r);
out:
	free(q);
	free(r);
}

/* ---------------------------------------------------------------- */
/* DNS over TCP (RFC 7766) */

static void
dns_srv_tcp_accept(struct tcp_conn *c, void *u)
{
	struct dns_server *sv = u;

	for (int i = 0; i < DNS_SRV_TCPS; i++) {
		struct dns_srv_tcp *t = &sv->tcp[i];

		if (t->c != NULL)
			continue;
		t->c = c;
		t->n = 0;
		tcp_set_ops(c, &dns_srv_tcp_ops, t);
		return;
	}
	/*
	 * RFC 7766 section 6.2.3 lets a server close connections to keep
	 * its resources; we close with a FIN, never a RST.
	 */
	tcp_set_ops(c, &dns_srv_tcp_ops, NULL);
	tcp_close(c);
}

/*
 * Bytes of the stream: each message follows its two-octet length (RFC
 * 7766 section 8), and several may come in one segment or one across
 * several (section 6.2.1.1: queries may be pipelined).
 */
static void
dns_srv_tcp_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct dns_srv_tcp *t = u;

	if (t == NULL)
		return;
	while (n > 0 && t->c == c) {
		size_t k = sizeof t->in - t->n, len;

		if (k == 0) {
			/* A query longer than we take: close (RFC 7766 6.2.3 lets us), no RST. */
			t->n = 0;
			tcp_close(c);
			return;
		}
		if (k > n)
			k = n;
		memcpy(t->in + t->n, p, k);
		t->n += k;
		p += k;
		n -= k;
		while (t->n >= 2 && t->n >= 2 + (len = get16(t->in))) {
			if (t->s->nodes[t->sv->node].up)
				dns_srv_query(t->s, t->sv, t, tcp_conn_peer_ip(c),
				    tcp_conn_peer_port(c), t->in + 2, len);
			if (t->c != c)
				return;	/* the answer's sending closed it */
			memmove(t->in, t->in + 2 + len, t->n - 2 - len);
			t->n -= 2 + len;
		}
	}
}

/*
 * The client closed its side: it asks nothing more, and we close ours.
 * RFC 1035 section 4.2.2: "The server should assume that the client will
 * initiate connection closing".
 */
static void
dns_srv_tcp_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

/* The connection is gone: its slot and the queries it still waits for. */
static void
dns_srv_tcp_gone(struct tcp_conn *c, void *u)
{
	struct dns_srv_tcp *t = u;

	(void)c;
	if (t == NULL)
		return;
	for (int i = 0; i < DNS_SRV_PENDS; i++)
		if (t->sv->pend[i].used && t->sv->pend[i].tcp == t) {
			t->sv->pend[i].tcp = NULL;
			t->sv->pend[i].tcp_gone = 1;
		}
	t->c = NULL;
	t->n = 0;
}

static void
dns_srv_tcp_err(struct tcp_conn *c, void *u, enum tcp_err e)
{
	(void)e;
	dns_srv_tcp_gone(c, u);
}

/* Whether the server has records owned by name. */
/*
 * The hash of a name as dns_name_eq() compares it: letters in either
 * case, trailing dots left out (it takes "x." for "x"), so that names it
 * calls equal share a hash; a look-up compares with dns_name_eq().
 */
static uint64_t
dns_srv_name_hash(const char *name)
{
	char low[DNS_NAME_MAX + 2];
	size_t n = strlen(name);

	while (n > 0 && name[n - 1] == '.')
		n--;
	if (n >= sizeof low)
		n = sizeof low - 1;
	memcpy(low, name, n);
	low[n] = '\0';
	return hash_lower(low);
}

/*
 * The server's records by name: a world's one server may hold the MX and
 * A records of a thousand domains, asked for at every message (issue 16).
 * Built again whenever its records change (dns_srv_change()).
 */
static void
dns_srv_index(struct dns_server *sv)
{
	hmap_free(&sv->names);
	memset(&sv->names, 0, sizeof sv->names);
	for (int i = 0; i < sv->cfg->nrecords; i++)
		hmap_add(&sv->names, dns_srv_name_hash(sv->cfg->records[i].name),
		    i);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The indexes of the records named name, in the order of the records
 * (answers keep the scenario's order); at most max; -1 when there are
 * more (the caller then walks them all).
 */
static int
dns_srv_named(const struct dns_server *sv, const char *name, int *out,
    int max)
{
	size_t it = 0;
	int n = 0;

	for (int v; (v = hmap_next(&sv->names, dns_srv_name_hash(name),
	    &it)) >= 0; ) {
		if (!dns_name_eq(sv->cfg->records[v].name, name))
			continue;
		if (n == max)
			return -1;
		out[n++] = v;
	}
	qsort(out, (size_t)n, sizeof *out, cmp_int);
	return n;
}

static int
dns_srv_has(const struct dns_server *sv, const char *name)
{
	int one[1];

	return dns_srv_named(sv, name, one, 1) != 0;
}

/*
 * Whether something exists strictly below name: then name exists too,
 * as an empty non-terminal, and is NODATA rather than NXDOMAIN (RFC 8020).
 */
static int
dns_srv_below(const struct dns_server *sv, const char *name)
{
	const struct sc_dns *d = sv->cfg;

	for (int i = 0; i < d->nrecords; i++)
		if (!dns_name_eq(d->records[i].name, name) &&
		    dns_name_under(d->records[i].name, name))
			return 1;
	for (int i = 0; i < d->ndelegates; i++)
		if (!dns_name_eq(d->delegates[i].zone, name) &&
		    dns_name_under(d->delegates[i].zone, name))
			return 1;
	for (int i = 0; i < sv->nzones; i++)
		if (!dns_name_eq(sv->zones[i].name, name) &&
		    dns_name_under(sv->zones[i].name, name))
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

/*
 * The next free record of r's answer section.  When it is full the
 * answer is cut: TC says so (RFC 1035 section 4.1.1), so that no record
 * is ever dropped silently and the client asks again.
 */
static struct dns_rr *
dns_srv_push_an(struct dns_msg *r)
{
	struct dns_rr *rr = dns_srv_push(r->an, &r->nan);

	if (rr == NULL)
		r->tc = 1;
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

/* Add the zone apex with its name server, unless the server has it already. */
static void
dns_srv_zone_add(struct dns_server *sv, const char *apex, const char *ns)
{
	struct dns_zone *z;

	if (dns_srv_zone_at(sv, apex) != NULL || sv->nzones >= DNS_SRV_ZONES)
		return;
	z = &sv->zones[sv->nzones++];
	snprintf(z->name, sizeof z->name, "%s", apex);
	if (ns != NULL && ns[0] != '\0')
		snprintf(z->ns, sizeof z->ns, "%s", ns);
	else if (apex[0] != '\0')
		snprintf(z->ns, sizeof z->ns, "ns.%s", apex);
	else
		snprintf(z->ns, sizeof z->ns, "ns");
}

/*
 * The zones of the server, from what the scenario says (it has no key
 * for them; scenarios/README.md "dns" tells the rule):
 *   1. every zone some server's `delegate` hands to this server's
 *      address, with the name server it names (RFC 1034 section 4.2.2:
 *      the parent's NS records name the child's servers);
 *   2. the parent of each zone it delegates away to another server: it
 *      is the parent's server ("com" for a server delegating
 *      "example.com"; a delegation of the root is a hint, not a child);
 *   3. for a record outside all of those, its domain: its last two
 *      labels ("mx.penerimamail.com" gives "penerimamail.com");
 *   4. with none of these, the domain of its own hostname.
 * The name server of 2 to 4 is the server's own hostname.
 */
static void
dns_srv_zones(const struct sim *s, struct dns_server *sv)
{
	const struct sc_dns *d = sv->cfg;
	uint32_t ip = s->nodes[sv->node].ip;

	sv->nzones = 0;
	for (int k = 0; k < s->sc->nnodes; k++) {
		const struct sc_dns *o = &s->sc->nodes[k].dns;

		for (int i = 0; o->present && i < o->ndelegates; i++)
			if (o->delegates[i].address == ip)
				dns_srv_zone_add(sv, o->delegates[i].zone,
				    o->delegates[i].ns);
	}
	for (int i = 0; i < d->ndelegates; i++) {
		const struct sc_delegate *dg = &d->delegates[i];

		if (dg->address == ip || dg->zone[0] == '\0' ||
		    dns_name_eq(dg->zone, ".") ||
		    dns_srv_zone_of(sv, dg->zone) != NULL)
			continue;
		dns_srv_zone_add(sv, dns_name_parent(dg->zone), sv->hostname);
	}
	for (int i = 0; i < d->nrecords; i++) {
		const char *name = d->records[i].name, *dom = name;

		if (dns_srv_zone_of(sv, name) != NULL)
			continue;
		while (dns_name_parent(dom)[0] != '\0' &&
		    dns_name_parent(dns_name_parent(dom))[0] != '\0')
			dom = dns_name_parent(dom);
		dns_srv_zone_add(sv, dom, sv->hostname);
	}
	if (sv->nzones == 0)
		dns_srv_zone_add(sv, dns_name_parent(sv->hostname),
		    sv->hostname);
}

/* The zone whose apex is name, or NULL. */
static const struct dns_zone *
dns_srv_zone_at(const struct dns_server *sv, const char *name)
{
	for (int i = 0; i < sv->nzones; i++)
		if (dns_name_eq(sv->zones[i].name, name))
			return &sv->zones[i];
	return NULL;
}

/* The deepest zone of the server that holds name, or NULL. */
static const struct dns_zone *
dns_srv_zone_of(const struct dns_server *sv, const char *name)
{
	const struct dns_zone *best = NULL;

	for (int i = 0; i < sv->nzones; i++)
		if (dns_name_under(name, sv->zones[i].name) &&
		    (best == NULL ||
		    strlen(sv->zones[i].name) > strlen(best->name)))
			best = &sv->zones[i];
	return best;
}

/*
 * The SOA of zone z (RFC 1035 section 3.3.13).  Serial: the scenario's
 * epoch date, YYYYMMDD01.  In a negative answer its TTL is the smaller
 * of its own and MINIMUM (RFC 2308 section 3).
 */
static void
dns_srv_soa_of(const struct sim *s, const struct dns_zone *z, int negative,
    struct dns_rr *rr)
{
	uint32_t serial = 0;
	const char *ep = s->sc->epoch ? s->sc->epoch : "";

	for (int i = 0; i < 10 && ep[i] != '\0'; i++)
		if (ep[i] >= '0' && ep[i] <= '9')
			serial = serial * 10 + (uint32_t)(ep[i] - '0');
	rr->type = DNS_T_SOA;
	rr->class = DNS_C_IN;
	rr->ttl = negative ? DNS_NEGATIVE_TTL : DNS_SOA_TTL;
	snprintf(rr->name, sizeof rr->name, "%s", z->name);
	snprintf(rr->rd.soa.mname, sizeof rr->rd.soa.mname, "%s", z->ns);
	/* RFC 1035 section 8: the mailbox hostmaster@zone, written as a name. */
	int k = snprintf(rr->rd.soa.rname, sizeof rr->rd.soa.rname,
	    "hostmaster%s%s", z->name[0] != '\0' ? "." : "", z->name);
	if (k < 0 || (size_t)k >= sizeof rr->rd.soa.rname ||
	    !dns_name_valid(rr->rd.soa.rname))
		snprintf(rr->rd.soa.rname, sizeof rr->rd.soa.rname, "%s",
		    z->ns);
	rr->rd.soa.serial = serial * 100 + 1;
	rr->rd.soa.refresh = DNS_SOA_REFRESH;
	rr->rd.soa.retry = DNS_SOA_RETRY;
	rr->rd.soa.expire = DNS_SOA_EXPIRE;
	rr->rd.soa.minimum = DNS_NEGATIVE_TTL;
}

/*
 * The SOA of a negative answer for qname (RFC 2308 section 3: "Name
 * servers authoritative for a zone MUST include the SOA record of the
 * zone in the authority section of the response when reporting an
 * NXDOMAIN or indicating that no data of the requested type exists"):
 * the zone of the server that holds qname.  A server without delegations "speaks for
 * every name" (scenarios/README.md), so a name outside its zones is
 * answered as its top-level domain's server would: with the SOA of that
 * domain, or of the root for a single label.
 */
static void
dns_srv_soa(const struct sim *s, const struct dns_server *sv,
    const char *qname, struct dns_rr *rr)
{
	const struct dns_zone *z = dns_srv_zone_of(sv, qname);
	struct dns_zone tld;
	const char *top = qname;

	if (z == NULL) {
		while (dns_name_parent(top)[0] != '\0')
			top = dns_name_parent(top);
		if (dns_name_eq(top, qname))
			top = "";
		memset(&tld, 0, sizeof tld);
		snprintf(tld.name, sizeof tld.name, "%s", top);
		snprintf(tld.ns, sizeof tld.ns, "%s", sv->hostname[0] ?
		    sv->hostname : "ns");
		z = &tld;
	}
	dns_srv_soa_of(s, z, 1, rr);
}

/*
 * The records of zone z's apex that qtype asks for, owned by owner (the
 * case asked), into r's answer: its SOA and its NS (RFC 1034 section
 * 4.2.1).  Returns how many.
 */
static int
dns_srv_apex_rrs(const struct sim *s, const struct dns_zone *z,
    const char *owner, int qtype, struct dns_msg *r)
{
	struct dns_rr *rr;
	int n = 0;

	if ((qtype == DNS_T_SOA || qtype == DNS_T_ANY) &&
	    (rr = dns_srv_push_an(r)) != NULL) {
		dns_srv_soa_of(s, z, 0, rr);
		snprintf(rr->name, sizeof rr->name, "%s", owner);
		n++;
	}
	if ((qtype == DNS_T_NS || qtype == DNS_T_ANY) &&
	    (rr = dns_srv_push_an(r)) != NULL) {
		snprintf(rr->name, sizeof rr->name, "%s", owner);
		rr->type = DNS_T_NS;
		rr->ttl = DNS_DELEGATION_TTL;
		snprintf(rr->rd.target, sizeof rr->rd.target, "%s", z->ns);
		n++;
	}
	return n;
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
	if (!dns_srv_has(sv, qname) &&
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

		/* RFC 1035 section 5.2 and RFC 1034 4.2.1: a zone's top has its SOA and NS. */
		const struct dns_zone *z = dns_srv_zone_at(sv, cur);
		if (z != NULL) {
			any = 1;
			found = dns_srv_apex_rrs(s, z, cur, qtype, r) > 0;
		}
		int named[DNS_SRV_NAMED];
		int nn = dns_srv_named(sv, cur, named, DNS_SRV_NAMED);
		for (int j = 0, i; nn < 0 ? j < d->nrecords : j < nn; j++) {
			i = nn < 0 ? j : named[j];
			const struct sc_record *rec = &d->records[i];

			if (!dns_name_eq(rec->name, cur))
				continue;
			any = 1;
			if (qtype == DNS_T_ANY || (int)rec->type == qtype) {
				if ((rr = dns_srv_push_an(r)) != NULL)
					dns_srv_record(rec, cur, rr);
				found = 1;
			} else if (rec->type == SC_RR_CNAME)
				cname = rec;
		}
		if (found)
			break;
		if (cname != NULL) {
			if ((rr = dns_srv_push_an(r)) == NULL)
				break;
			dns_srv_record(cname, cur, rr);
			cur = rr->rd.target;
			/* A target elsewhere is the resolver's to chase. */
			if (!dns_srv_has(sv, cur) ||
			    dns_srv_delegated(s, sv, cur) != NULL)
				break;
			continue;
		}
		if (hop == 0) {
			/* RFC 2308 section 2.1 and 2.2: name error, or no data. */
			int nx = !any && !dns_srv_below(sv, cur);

			r->rcode = nx ? DNS_R_NXDOMAIN : DNS_R_NOERROR;
			if ((rr = dns_srv_push(r->ns, &r->nns)) != NULL)
				dns_srv_soa(s, sv, cur, rr);
		}
		break;
	}

	/*
	 * RFC 1035 section 3.3.9: MX answers bring the exchange's address
	 * along; section 3.3.11: so do NS answers, the server's address.
	 */
	for (int i = 0; i < r->nan; i++) {
		const char *host;
		int added = 0;

		if (r->an[i].type == DNS_T_MX)
			host = r->an[i].rd.mx.exchange;
		else if (r->an[i].type == DNS_T_NS)
			host = r->an[i].rd.target;
		else
			continue;
		int named[DNS_SRV_NAMED];
		int nn = dns_srv_named(sv, host, named, DNS_SRV_NAMED);
		for (int m = 0, k; nn < 0 ? m < d->nrecords : m < nn; m++) {
			k = nn < 0 ? m : named[m];
			const struct sc_record *rec = &d->records[k];
			int dup = 0;

			if (rec->type != SC_RR_A || !dns_name_eq(rec->name, host))
				continue;
			added = 1;
			for (int j = 0; j < r->nar; j++)
				dup |= dns_name_eq(r->ar[j].name, rec->name) &&
				    r->ar[j].rd.a == rec->address;
			if (!dup && (rr = dns_srv_push(r->ar, &r->nar)) != NULL)
				dns_srv_record(rec, rec->name, rr);
		}
		/*
		 * Our own NS, named inside its zone and without a record of
		 * its own: the glue is this server's address (RFC 1034 4.2.1).
		 */
		if (!added && r->an[i].type == DNS_T_NS &&
		    dns_name_under(host, r->an[i].name) &&
		    (rr = dns_srv_push(r->ar, &r->nar)) != NULL) {
			snprintf(rr->name, sizeof rr->name, "%s", host);
			rr->type = DNS_T_A;
			rr->ttl = DNS_DELEGATION_TTL;
			rr->rd.a = s->nodes[sv->node].ip;
		}
	}
	return 0;
}
