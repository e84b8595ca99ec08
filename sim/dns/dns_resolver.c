/*
 * dns_resolver.c: resolvers (RFC 1034 section 5): the recursive side of
 * a name server, with its cache, and the stub resolver of every host.
 * It is the top of the DNS files: dns_start() builds the servers of
 * dns_server.c and gives each recursive one its hook (dns_res_recurse()).
 *
 * Recursive resolution (RFC 1034 section 5.3.3) for a query with RD from
 * a client:
 *   1. the cache: a live entry answers at once, with the TTL that is
 *      left; a cached CNAME moves the search to its target;
 *   2. the server's own records, when they answer with authority;
 *   3. otherwise the closest servers known for the name: the deepest
 *      delegation in the cache, else the server's own referral (from its
 *      `delegate` list, e.g. one for the root zone ""), asked with RD
 *      clear.  Each referral brings servers one zone closer, until one
 *      answers, says NXDOMAIN, or every server of a zone stays silent
 *      for DNS_REC_TRIES tries of DNS_REC_TIMEOUT_NS: then SERVFAIL.
 *      A CNAME in an answer that ends outside it starts step 1 again for
 *      the target.
 * Answers are cached for their TTL (RFC 1035 section 7.4), name errors
 * and NODATA for the SOA's MINIMUM (RFC 2308 section 5), referrals as NS
 * and glue entries that only ever choose servers (RFC 2181 section 5.4.1
 * ranks glue below answers).  Each entry gets one background expiry
 * event (it does not keep a run going), which writes
 * ST_DNS_CACHE_EXPIRE; none is scheduled beyond SIM_MAX_NS.
 *
 * A client asking what the server is already resolving (same name, type
 * and class) joins that resolution: one query goes upstream and every
 * client gets the answer (RFC 5452 section 5: identical queries in
 * flight multiply a forger's chances).
 *
 * The stub (RFC 1034 section 5.3.1) sends one query with RD set to the
 * host's resolver from an ephemeral port, tries DNS_STUB_TRIES times
 * DNS_STUB_TIMEOUT_NS apart, and follows CNAMEs the resolver did not.
 * Answers are accepted only from the address and port asked, with the
 * ID and question sent (RFC 5452 section 9.1).  Source ports are drawn
 * from each host's stream of the seeded generator (dns_srv_port_get()).
 *
 * Both retry over TCP after an answer with TC (RFC 7766 section 5): one
 * connection to the same server's DNS port, the query and the answer
 * each after a two-octet length (RFC 1035 section 4.2.2); the client
 * closes once the answer is in.  A stub that is its own resolver has no
 * loopback TCP here, and fails as before.
 */
#include "dns.h"
#include "tcp.h"
#include "udp.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Referrals plus CNAMEs one resolution may follow before SERVFAIL. */
#define DNS_REC_MAX_STEPS	32
/* RFC 2181 section 8: a TTL above 2^31 - 1 counts as zero. */
#define DNS_TTL_MAX		2147483647u
/*
 * How long a query over TCP may take, connection included, before the
 * server counts as failed (RFC 7766 leaves it to the client; a few UDP
 * timeouts' worth, well inside TCP's own SYN backoff).
 */
#define DNS_TCP_TIMEOUT_NS	(10ULL * 1000000000ULL)

enum dns_ce_kind {
	DNS_CE_RR,		/* a record of an answer */
	DNS_CE_NEG,		/* NXDOMAIN, or NODATA for one type; rr holds the SOA */
	DNS_CE_NS,		/* a delegation learnt from a referral */
	DNS_CE_GLUE,		/* the address of a delegation's server */
};

struct dns_cache_ent {
	int		 kind;		/* enum dns_ce_kind */
	struct dns_rr	 rr;
	char		 name[DNS_NAME_MAX + 1];	/* DNS_CE_NEG: the name */
	uint16_t	 type;		/* DNS_CE_NEG: the type asked */
	int		 nx;		/* DNS_CE_NEG: NXDOMAIN, for every type */
	uint64_t	 expire_ns;
	ev_id		 ev;
	struct dns_server *sv;
	struct dns_cache_ent *next;
};

/*
 * One query over TCP after a truncated answer: the connection, the
 * query with its length in front, what has arrived.  done is called
 * once, with the answer's bytes or NULL on failure, and the dns_tcp
 * frees itself after; dns_res_tcp_drop() forgets it without a call.
 */
struct dns_tcp {
	struct sim	*s;
	int		 node;
	uint32_t	 dst;
	struct tcp_conn	*c;
	uint8_t		 q[2 + DNS_UDP_MAX];
	size_t		 qlen;
	struct buf	 in;
	void		(*done)(struct sim *, void *, const uint8_t *, size_t);
	void		*owner;
};

/*
 * A client waiting for a dns_rq's answer: over UDP at ip:port, or over
 * TCP through reply(ctx) (port 0).
 */
struct dns_client {
	uint32_t	 ip;
	uint16_t	 port, id;
	uint8_t		 rd;
	char		 qname[DNS_NAME_MAX + 1];	/* as it wrote it */
	struct dns_client *next;
};

/* One client query a recursive server is resolving. */
struct dns_rq {
	struct dns_server *sv;
	/* Who asked, first the one who started it, to answer at the end. */
	struct dns_client *clients;
	char		 qname[DNS_NAME_MAX + 1];	/* as the first client wrote it */
	uint16_t	 qtype, qclass;
	char		 cur[DNS_NAME_MAX + 1];	/* the name now sought, after CNAMEs */
	struct dns_rr	 chain[DNS_MAX_RR];	/* the CNAMEs followed */
	int		 nchain;
	char		 zone[DNS_NAME_MAX + 1];	/* whose servers we ask */
	uint32_t	 srv[DNS_MAX_RR];
	int		 nsrv, si, tries;
	uint16_t	 port, id;	/* our query to srv[si] */
	int		 steps;
	ev_id		 timer;
	struct dns_tcp	*tcp;		/* the same query over TCP, after TC */
	struct dns_rq	*next;
};

/* One dns_query() in progress. */
struct dns_stubq {
	uint64_t	 handle;
	int		 node;
	char		 name[DNS_NAME_MAX + 1];	/* asked now: a CNAME's target after one */
	int		 type;
	uint32_t	 server;	/* the resolver's address and port */
	uint16_t	 sport;
	uint16_t	 port, id;
	int		 tries, hops;
	ev_id		 timer;
	struct dns_tcp	*tcp;		/* the query over TCP, after TC */
	dns_cb		 cb;
	void		*u;
	struct dns_stubq *next;
};

static void	dns_res_ce_text(const struct dns_cache_ent *, struct buf *);
static void	dns_res_ce_add(struct sim *, struct dns_server *, int,
		    const struct dns_rr *, uint32_t, const char *, int, int);
static void	dns_res_ce_expire(void *, void *, uint64_t, uint64_t);
static int	dns_res_ce_live(struct sim *, const struct dns_cache_ent *);
static uint32_t	dns_res_ce_left(struct sim *, const struct dns_cache_ent *);
static int	dns_res_rr_same(const struct dns_rr *, const struct dns_rr *);
static int	dns_res_cache_answer(struct sim *, struct dns_rq *);
static int	dns_res_cache_deleg(struct sim *, struct dns_rq *,
		    const char *);
static void	dns_res_rq_run(struct sim *, struct dns_rq *);
static void	dns_res_rq_ask(struct sim *, struct dns_rq *);
static void	dns_res_rq_next(struct sim *, struct dns_rq *);
static void	dns_res_rq_timeout(void *, void *, uint64_t, uint64_t);
static void	dns_res_rq_answer(struct sim *, struct dns_rq *,
		    const struct dns_msg *);
static void	dns_res_rq_tcp(struct sim *, struct dns_rq *);
static void	dns_res_rq_tcp_done(struct sim *, void *, const uint8_t *,
		    size_t);
static void	dns_res_rq_reply(struct sim *, struct dns_rq *,
		    struct dns_msg *);
static void	dns_res_rq_reply_one(struct sim *, struct dns_rq *,
		    const struct dns_msg *, const struct dns_client *);
static void	dns_res_rq_fail(struct sim *, struct dns_rq *);
static void	dns_res_rq_free(struct sim *, struct dns_rq *);
static void	dns_res_stub_send(struct sim *, struct dns_stubq *);
static void	dns_res_stub_timeout(void *, void *, uint64_t, uint64_t);
static void	dns_res_stub_fail_ev(void *, void *, uint64_t, uint64_t);
static void	dns_res_stub_answer(struct sim *, struct dns_stubq *,
		    const struct dns_msg *);
static void	dns_res_stub_tcp_done(struct sim *, void *, const uint8_t *,
		    size_t);
static void	dns_res_stub_finish(struct sim *, struct dns_stubq *,
		    struct dns_answer *);
static void	dns_res_stub_unlink(struct sim *, struct dns_stubq *);
static void	dns_res_recurse(struct sim *, struct dns_server *,
		    const struct dns_msg *, uint32_t, uint16_t);
static void	dns_res_input(struct sim *, int, void *, uint32_t, uint16_t,
		    uint16_t, const uint8_t *, size_t);
static struct dns_tcp *dns_res_tcp_start(struct sim *, int, uint32_t,
		    uint16_t, const struct dns_msg *,
		    void (*)(struct sim *, void *, const uint8_t *, size_t),
		    void *);
static void	dns_res_tcp_drop(struct dns_tcp *, int);
static void	dns_res_tcp_end(struct dns_tcp *, const uint8_t *, size_t,
		    int);
static int	dns_res_tcp_answer(const uint8_t *, size_t, uint16_t,
		    const char *, int, struct dns_msg *);
static void	dns_res_free_server(struct sim *, struct dns_server *);
static void	dns_res_free_stubs(struct sim *);

/* ---------------------------------------------------------------- */
/* The world */

void
dns_start(struct sim *s)
{
	struct dns_world *w = xcalloc(1, sizeof *w);
	size_t n = (size_t)(s->nnodes > 0 ? s->nnodes : 1);

	s->dns = w;
	w->srv = xcalloc(n, sizeof *w->srv);
	w->host = xcalloc(n, sizeof *w->host);
	w->next_handle = 1;
	/* Each host its own stream for source ports: the same seed, the same ports. */
	for (int i = 0; i < s->nnodes; i++)
		rng_derive(&w->host[i].port_rng, s->seed, RNG_DNS_PORT,
		    (uint32_t)i);
	for (int i = 0; i < s->nnodes; i++) {
		if (!s->sc->nodes[i].dns.present)
			continue;
		w->srv[i] = dns_srv_new(s, i);
		/* A recursive server hands us the queries that ask for it. */
		if (w->srv[i]->cfg->recursive) {
			w->srv[i]->recurse = dns_res_recurse;
		}
	}
}

void
dns_free(struct sim *s)
{
	struct dns_world *w = s->dns;

	if (w == NULL)
		return;
	dns_res_free_stubs(s);
	for (int i = 0; i < s->nnodes; i++) {
		if (w->srv[i] != NULL) {
			dns_res_free_server(s, w->srv[i]);
			free(w->srv[i]->own.records);
			hmap_free(&w->srv[i]->names);
			free(w->srv[i]);
		}
		free(w->host[i].ports);
	}
	free(w->srv);
	free(w->host);
	free(w);
	s->dns = NULL;
}

/* ---------------------------------------------------------------- */
/* The cache of a recursive server */

/* "name TYPE value", as ST_DNS_CACHE_ADD and _EXPIRE show it. */
static void
dns_res_ce_text(const struct dns_cache_ent *e, struct buf *b)
{
	if (e->kind == DNS_CE_NEG) {
		/* The type asked; an NXDOMAIN entry answers every type of the name. */
		buf_printf(b, "%s %s %s", e->name[0] ? e->name : ".",
		    dns_type_str(e->type), e->nx ? "NXDOMAIN" : "NODATA");
		return;
	}
	buf_printf(b, "%s %s ", e->rr.name[0] ? e->rr.name : ".",
	    dns_type_str(e->rr.type));
	dns_rr_data_str(&e->rr, b);
}

/*
 * The narration of a change of the cache: {name} {type} {value} (for a
 * negative entry, NXDOMAIN or NODATA), and for an addition how many
 * {seconds} it is kept.
 */
static uint32_t
dns_res_ce_say(struct sim *s, const struct dns_cache_ent *e, int add,
    uint32_t ttl)
{
	const char *name = e->kind == DNS_CE_NEG ? e->name : e->rr.name;
	struct say y;
	struct buf v = { 0 };
	char tn[16];

	say_begin(&y, add ? "state.dns_cache_add" : "state.dns_cache_expire");
	say_str(&y, "name", name[0] ? name : ".");
	say_str(&y, "domain", name[0] ? name : ".");
	dns_srv_type_name(e->kind == DNS_CE_NEG ? e->type : e->rr.type, tn,
	    sizeof tn);
	say_str(&y, "type", tn);
	if (e->kind == DNS_CE_NEG)
		say_str(&y, "value", e->nx ? "NXDOMAIN" : "NODATA");
	else {
		dns_srv_rr_value(&e->rr, &v);
		say_str(&y, "value", (const char *)v.data);
		buf_free(&v);
	}
	if (add)
		say_num(&y, "seconds", ttl);
	return sim_say(s, &y);
}

static int
dns_res_ce_live(struct sim *s, const struct dns_cache_ent *e)
{
	return e->expire_ns > sim_time(s);
}

/* Whole seconds of TTL left: what a cached answer carries. */
static uint32_t
dns_res_ce_left(struct sim *s, const struct dns_cache_ent *e)
{
	return (uint32_t)((e->expire_ns - sim_time(s)) / SIM_SEC);
}

/* Same owner, type and data: the same record (RFC 2181 section 5). */
static int
dns_res_rr_same(const struct dns_rr *a, const struct dns_rr *b)
{
	if (a->type != b->type || !dns_name_eq(a->name, b->name))
		return 0;
	switch (a->type) {
	case DNS_T_A:
		return a->rd.a == b->rd.a;
	case DNS_T_NS:
	case DNS_T_CNAME:
		return dns_name_eq(a->rd.target, b->rd.target);
	case DNS_T_MX:
		return a->rd.mx.preference == b->rd.mx.preference &&
		    dns_name_eq(a->rd.mx.exchange, b->rd.mx.exchange);
	case DNS_T_SOA:
		return dns_name_eq(a->rd.soa.mname, b->rd.soa.mname) &&
		    a->rd.soa.serial == b->rd.soa.serial;
	default:
		return a->rd.raw.len == b->rd.raw.len &&
		    memcmp(a->rd.raw.data, b->rd.raw.data, a->rd.raw.len) == 0;
	}
}

/*
 * Remember rr (or, for DNS_CE_NEG, that name has nothing of type) for
 * ttl seconds.  A TTL of zero is not cached (RFC 1035 section 3.2.1); a
 * record already cached and live stays as it is.
 */
static void
dns_res_ce_add(struct sim *s, struct dns_server *sv, int kind,
    const struct dns_rr *rr, uint32_t ttl, const char *name, int type,
    int nx)
{
	struct dns_cache_ent *e;
	struct buf b = { 0 };

	if (ttl == 0 || ttl > DNS_TTL_MAX)
		return;
	for (e = sv->cache; e; e = e->next) {
		if (e->kind != kind || !dns_res_ce_live(s, e))
			continue;
		if (kind == DNS_CE_NEG ? dns_name_eq(e->name, name) &&
		    e->nx == nx && (nx || e->type == type) :
		    dns_res_rr_same(&e->rr, rr))
			return;
	}
	e = xcalloc(1, sizeof *e);
	e->kind = kind;
	e->sv = sv;
	if (rr != NULL)
		e->rr = *rr;
	if (name != NULL)
		snprintf(e->name, sizeof e->name, "%s", name);
	e->type = (uint16_t)type;
	e->nx = nx;
	e->expire_ns = sim_time(s) + (uint64_t)ttl * SIM_SEC;
	/*
	 * The expiry is an event, so the window can show it; none past the
	 * end of time.  A background one: a run does not go on for a day
	 * just to watch a cache entry expire.
	 */
	if (e->expire_ns <= SIM_MAX_NS)
		e->ev = evq_at_background(s->q, e->expire_ns, dns_res_ce_expire,
		    NULL, e, 0, 0);
	e->next = sv->cache;
	sv->cache = e;
	sv->ncache++;
	dns_res_ce_text(e, &b);
	sim_state_say(s, sv->node, ST_DNS_CACHE_ADD, (uint32_t)sv->ncache,
	    dns_res_ce_say(s, e, 1, ttl), "%s ttl=%u", (const char *)b.data,
	    ttl);
	buf_free(&b);
}

static void
dns_res_ce_expire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	struct dns_cache_ent *e = obj, **pp;
	struct dns_server *sv = e->sv;
	struct buf t = { 0 };

	(void)a;
	(void)b;
	for (pp = &sv->cache; *pp != e; pp = &(*pp)->next)
		;
	*pp = e->next;
	sv->ncache--;
	dns_res_ce_text(e, &t);
	sim_state_say(s, sv->node, ST_DNS_CACHE_EXPIRE, (uint32_t)sv->ncache,
	    dns_res_ce_say(s, e, 0, 0), "%s", (const char *)t.data);
	buf_free(&t);
	free(e);
}

/*
 * Step 1: answer rq->cur from the cache.  Returns 1 when rq was
 * answered (and freed), 0 when a cached CNAME moved rq->cur on, -1 when
 * the cache knows nothing.  ANY is never answered from the cache (RFC
 * 8482 section 4.2: a cache holds only some of a name's types).
 */
static int
dns_res_cache_answer(struct sim *s, struct dns_rq *rq)
{
	struct dns_server *sv = rq->sv;
	struct dns_cache_ent *e, *cname = NULL, *neg = NULL;
	struct dns_msg *r;

	if (rq->qtype == DNS_T_ANY)
		return -1;
	r = dns_msg_new();
	for (e = sv->cache; e; e = e->next) {
		if (!dns_res_ce_live(s, e))
			continue;
		if (e->kind == DNS_CE_NEG && dns_name_eq(e->name, rq->cur) &&
		    (e->nx || e->type == rq->qtype))
			neg = e;
		if (e->kind != DNS_CE_RR || !dns_name_eq(e->rr.name, rq->cur))
			continue;
		if (e->rr.type == rq->qtype && r->nan < DNS_MAX_RR) {
			/* Owned by the name as asked, as compression to the question would give. */
			r->an[r->nan] = e->rr;
			memcpy(r->an[r->nan].name, rq->cur, sizeof rq->cur);
			r->an[r->nan++].ttl = dns_res_ce_left(s, e);
		} else if (e->rr.type == DNS_T_CNAME)
			cname = e;
	}
	if (r->nan == 0 && neg != NULL) {
		r->rcode = neg->nx ? DNS_R_NXDOMAIN : DNS_R_NOERROR;
		if (neg->rr.type == DNS_T_SOA) {
			r->ns[0] = neg->rr;
			r->ns[0].ttl = dns_res_ce_left(s, neg);
			r->nns = 1;
		}
	}
	if (r->nan > 0 || neg != NULL) {
		dns_res_rq_reply(s, rq, r);
		free(r);
		return 1;
	}
	free(r);
	if (cname == NULL)
		return -1;
	if (rq->nchain >= DNS_MAX_RR)
		return -1;
	rq->chain[rq->nchain] = cname->rr;
	memcpy(rq->chain[rq->nchain].name, rq->cur, sizeof rq->cur);
	rq->chain[rq->nchain++].ttl = dns_res_ce_left(s, cname);
	memcpy(rq->cur, cname->rr.rd.target, sizeof rq->cur);
	return 0;
}

/*
 * Servers for rq->cur from cached referrals deeper than zone: the
 * deepest zone holding rq->cur whose NS entries and glue are live.
 * Returns 1 with rq->zone and rq->srv set, else 0.
 */
static int
dns_res_cache_deleg(struct sim *s, struct dns_rq *rq, const char *zone)
{
	struct dns_server *sv = rq->sv;

	for (const char *x = rq->cur; !dns_name_eq(x, zone) &&
	    dns_name_under(x, zone); x = dns_name_parent(x)) {
		int n = 0;

		for (struct dns_cache_ent *e = sv->cache; e; e = e->next) {
			if (e->kind != DNS_CE_NS || !dns_res_ce_live(s, e) ||
			    !dns_name_eq(e->rr.name, x))
				continue;
			for (struct dns_cache_ent *g = sv->cache; g; g = g->next)
				if (g->kind == DNS_CE_GLUE && n < DNS_MAX_RR &&
				    dns_res_ce_live(s, g) &&
				    dns_name_eq(g->rr.name, e->rr.rd.target))
					rq->srv[n++] = g->rr.rd.a;
		}
		if (n > 0) {
			snprintf(rq->zone, sizeof rq->zone, "%s", x);
			rq->nsrv = n;
			return 1;
		}
		if (x[0] == '\0')
			break;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Recursion */

/*
 * A query from src:sport.  One that came over TCP comes here alike: the
 * server (dns_server.c) sends its answer back on that connection.
 */
static void
dns_res_recurse(struct sim *s, struct dns_server *sv,
    const struct dns_msg *q, uint32_t src, uint16_t sport)
{
	struct dns_rq *rq;
	struct dns_client *c, **pp = NULL;

	/* The client asking again while we work: the answer will come (RFC 5452 section 5). */
	for (rq = sv->rqs; rq; rq = rq->next)
		for (c = rq->clients; c; c = c->next)
			if (c->ip == src && c->port == sport &&
			    c->id == q->id)
				return;
	/*
	 * The same question already being resolved: wait for that answer
	 * rather than send a second query upstream (RFC 5452 section 5, the
	 * birthday attack: every identical query in flight is one more
	 * chance for a forged answer to match).
	 */
	for (rq = sv->rqs; rq && pp == NULL; rq = rq->next)
		if (rq->qtype == q->qtype && rq->qclass == q->qclass &&
		    dns_name_eq(rq->qname, q->qname))
			for (pp = &rq->clients; *pp != NULL; pp = &(*pp)->next)
				;	/* last: answered in the order they asked */
	c = xcalloc(1, sizeof *c);
	c->ip = src;
	c->port = sport;
	c->id = q->id;
	c->rd = q->rd;
	memcpy(c->qname, q->qname, sizeof c->qname);
	if (pp != NULL) {
		*pp = c;
		return;
	}
	rq = xcalloc(1, sizeof *rq);
	rq->sv = sv;
	rq->clients = c;
	memcpy(rq->qname, q->qname, sizeof rq->qname);
	memcpy(rq->cur, q->qname, sizeof rq->cur);
	rq->qtype = q->qtype;
	rq->qclass = q->qclass;
	rq->next = sv->rqs;
	sv->rqs = rq;
	dns_res_rq_run(s, rq);
}

/* Steps 1 to 3 for rq->cur, until rq is answered or a query is out. */
static void
dns_res_rq_run(struct sim *s, struct dns_rq *rq)
{
	struct dns_server *sv = rq->sv;
	struct dns_msg *r = dns_msg_new();

	for (;;) {
		if (++rq->steps > DNS_REC_MAX_STEPS) {
			dns_res_rq_fail(s, rq);
			break;
		}
		int c = dns_res_cache_answer(s, rq);
		if (c == 1)
			break;
		if (c == 0)
			continue;

		if (!dns_srv_lookup(s, sv, rq->cur, rq->qtype, r)) {
			const struct dns_rr *last = r->nan ? &r->an[r->nan - 1] :
			    NULL;

			/* Our own CNAME leads out of our data: chase its target. */
			if (last != NULL && last->type == DNS_T_CNAME &&
			    rq->qtype != DNS_T_CNAME && rq->qtype != DNS_T_ANY &&
			    rq->nchain + r->nan <= DNS_MAX_RR) {
				memcpy(rq->chain + rq->nchain, r->an,
				    (size_t)r->nan * sizeof *r->an);
				rq->nchain += r->nan;
				memcpy(rq->cur, last->rd.target, sizeof rq->cur);
				continue;
			}
			r->aa = rq->nchain == 0;
			dns_res_rq_reply(s, rq, r);
			break;
		}

		/* A referral from our own delegations; a deeper one may be cached. */
		char zone[DNS_NAME_MAX + 1];
		snprintf(zone, sizeof zone, "%s", r->ns[0].name);
		if (!dns_res_cache_deleg(s, rq, zone)) {
			snprintf(rq->zone, sizeof rq->zone, "%s", zone);
			rq->nsrv = 0;
			for (int i = 0; i < r->nar; i++)
				rq->srv[rq->nsrv++] = r->ar[i].rd.a;
		}
		rq->si = rq->tries = 0;
		if (rq->nsrv == 0)
			dns_res_rq_fail(s, rq);
		else
			dns_res_rq_ask(s, rq);
		break;
	}
	free(r);
}

/* Ask srv[si] about rq->cur, without recursion, and wait. */
static void
dns_res_rq_ask(struct sim *s, struct dns_rq *rq)
{
	int node = rq->sv->node;
	struct dns_msg *m;

	if (!s->nodes[node].up) {
		dns_res_rq_free(s, rq);	/* it forgot everything when it stopped */
		return;
	}
	if (rq->port == 0 && (rq->port = dns_srv_port_get(s, node, dns_res_input)) == 0) {
		dns_res_rq_fail(s, rq);
		return;
	}
	m = dns_msg_new();
	/* A new ID for every query sent (RFC 5452 section 9.2). */
	rq->id = dns_srv_next_id(s, node);
	m->id = rq->id;
	m->qdcount = 1;
	memcpy(m->qname, rq->cur, sizeof m->qname);
	m->qtype = rq->qtype;
	m->qclass = DNS_C_IN;
	rq->tries++;
	dns_srv_send(s, node, rq->port, rq->srv[rq->si], dns_srv_port_of(s,
	    rq->srv[rq->si]), m);
	free(m);
	rq->timer = evq_at(s->q, sim_time(s) + DNS_REC_TIMEOUT_NS,
	    dns_res_rq_timeout, NULL, rq, 0, 0);
}

/* The server asked failed us: the next one of the zone, or SERVFAIL. */
static void
dns_res_rq_next(struct sim *s, struct dns_rq *rq)
{
	evq_cancel(s->q, rq->timer);
	rq->timer = 0;
	rq->tries = 0;
	if (++rq->si < rq->nsrv)
		dns_res_rq_ask(s, rq);
	else
		dns_res_rq_fail(s, rq);
}

static void
dns_res_rq_timeout(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	struct dns_rq *rq = obj;

	(void)a;
	(void)b;
	rq->timer = 0;
	if (rq->tcp != NULL) {
		/* No answer over TCP in time: this server failed us. */
		dns_res_tcp_drop(rq->tcp, 0);
		rq->tcp = NULL;
		dns_res_rq_next(s, rq);
	} else if (rq->tries < DNS_REC_TRIES)
		dns_res_rq_ask(s, rq);
	else
		dns_res_rq_next(s, rq);
}

/*
 * srv[si] answered with TC.  RFC 7766 section 5: "When the client
 * receives such a response, it takes the TC flag as an indication that
 * it should retry over TCP instead": the same question, to the same
 * server, over a connection to its DNS port.
 */
static void
dns_res_rq_tcp(struct sim *s, struct dns_rq *rq)
{
	struct dns_msg *m = dns_msg_new();
	uint32_t dst = rq->srv[rq->si];

	evq_cancel(s->q, rq->timer);
	rq->timer = 0;
	m->id = rq->id;
	m->qdcount = 1;
	memcpy(m->qname, rq->cur, sizeof m->qname);
	m->qtype = rq->qtype;
	m->qclass = DNS_C_IN;
	rq->tcp = dns_res_tcp_start(s, rq->sv->node, dst, dns_srv_port_of(s,
	    dst), m, dns_res_rq_tcp_done, rq);
	free(m);
	if (rq->tcp == NULL) {
		dns_res_rq_next(s, rq);
		return;
	}
	rq->timer = evq_at(s->q, sim_time(s) + DNS_TCP_TIMEOUT_NS,
	    dns_res_rq_timeout, NULL, rq, 0, 0);
}

/* The answer over TCP (or NULL: the connection failed). */
static void
dns_res_rq_tcp_done(struct sim *s, void *owner, const uint8_t *p, size_t n)
{
	struct dns_rq *rq = owner;
	struct dns_msg *m = dns_msg_new();

	rq->tcp = NULL;
	evq_cancel(s->q, rq->timer);
	rq->timer = 0;
	if (dns_res_tcp_answer(p, n, rq->id, rq->cur, rq->qtype, m) == 0)
		dns_res_rq_answer(s, rq, m);
	else
		dns_res_rq_next(s, rq);
	free(m);
}

/* A response from srv[si] (RFC 1034 section 5.3.3 step 4). */
static void
dns_res_rq_answer(struct sim *s, struct dns_rq *rq, const struct dns_msg *m)
{
	struct dns_server *sv = rq->sv;
	struct dns_msg *r;
	int moved = 0, nsrec = 0;

	if (m->tc) {
		/* Cut short: nothing of it is used; ask again over TCP. */
		dns_res_rq_tcp(s, rq);
		return;
	}
	if (m->rcode != DNS_R_NOERROR && m->rcode != DNS_R_NXDOMAIN) {
		/* 4d: a server failure. */
		dns_res_rq_next(s, rq);
		return;
	}
	evq_cancel(s->q, rq->timer);
	rq->timer = 0;
	r = dns_msg_new();

	/* 4a: an answer.  Cache it all, then follow it from rq->cur. */
	for (int i = 0; i < m->nan; i++)
		dns_res_ce_add(s, sv, DNS_CE_RR, &m->an[i], m->an[i].ttl, NULL,
		    0, 0);
	for (int hop = 0; hop <= m->nan; hop++) {
		const struct dns_rr *cname = NULL;

		for (int i = 0; i < m->nan; i++) {
			if (!dns_name_eq(m->an[i].name, rq->cur))
				continue;
			if (m->an[i].type == rq->qtype ||
			    rq->qtype == DNS_T_ANY)
				r->an[r->nan++] = m->an[i];
			else if (m->an[i].type == DNS_T_CNAME)
				cname = &m->an[i];
		}
		if (r->nan > 0 || cname == NULL)
			break;
		if (rq->nchain >= DNS_MAX_RR) {
			dns_res_rq_fail(s, rq);
			free(r);
			return;
		}
		rq->chain[rq->nchain++] = *cname;
		memcpy(rq->cur, cname->rd.target, sizeof rq->cur);
		moved = 1;
	}
	for (int i = 0; i < m->nns; i++)
		nsrec += m->ns[i].type == DNS_T_NS;

	if (r->nan > 0) {
		/* Additional data comes along for the client (an MX's address). */
		memcpy(r->ar, m->ar, (size_t)m->nar * sizeof *m->ar);
		r->nar = m->nar;
		dns_res_rq_reply(s, rq, r);
	} else if (m->rcode == DNS_R_NXDOMAIN || (!moved && (m->aa ||
	    nsrec == 0))) {
		/*
		 * A name error, or no data (RFC 2308 sections 2.1 and 2.2):
		 * cached for the SOA's MINIMUM, or its TTL if lower (section 5).
		 */
		const struct dns_rr *soa = NULL;

		for (int i = 0; i < m->nns && soa == NULL; i++)
			if (m->ns[i].type == DNS_T_SOA)
				soa = &m->ns[i];
		if (soa != NULL) {
			uint32_t ttl = soa->ttl < soa->rd.soa.minimum ?
			    soa->ttl : soa->rd.soa.minimum;

			dns_res_ce_add(s, sv, DNS_CE_NEG, soa, ttl, rq->cur,
			    rq->qtype, m->rcode == DNS_R_NXDOMAIN);
			r->ns[r->nns++] = *soa;
		}
		r->rcode = m->rcode;
		dns_res_rq_reply(s, rq, r);
	} else if (moved) {
		/* 4c: the CNAME leads elsewhere: start again for its target. */
		dns_res_rq_run(s, rq);
	} else {
		/* 4b: a referral, which must bring us closer to rq->cur. */
		const char *z = NULL;

		for (int i = 0; i < m->nns && z == NULL; i++)
			if (m->ns[i].type == DNS_T_NS)
				z = m->ns[i].name;
		if (!dns_name_under(rq->cur, z) || dns_name_eq(z, rq->zone) ||
		    !dns_name_under(z, rq->zone)) {
			free(r);
			dns_res_rq_next(s, rq);	/* a lame server */
			return;
		}
		int n = 0;
		for (int i = 0; i < m->nns; i++) {
			const struct dns_rr *ns = &m->ns[i];

			if (ns->type != DNS_T_NS || !dns_name_eq(ns->name, z))
				continue;
			dns_res_ce_add(s, sv, DNS_CE_NS, ns, ns->ttl, NULL, 0,
			    0);
			for (int k = 0; k < m->nar; k++) {
				const struct dns_rr *g = &m->ar[k];

				if (g->type != DNS_T_A ||
				    !dns_name_eq(g->name, ns->rd.target) ||
				    n >= DNS_MAX_RR)
					continue;
				dns_res_ce_add(s, sv, DNS_CE_GLUE, g, g->ttl,
				    NULL, 0, 0);
				rq->srv[n++] = g->rd.a;
			}
		}
		if (n == 0) {
			/* Servers without glue: we do not resolve their names. */
			free(r);
			dns_res_rq_next(s, rq);
			return;
		}
		snprintf(rq->zone, sizeof rq->zone, "%s", z);
		rq->nsrv = n;
		rq->si = rq->tries = 0;
		dns_res_rq_ask(s, rq);
	}
	free(r);
}

/*
 * Answer every client, each with its own ID and name as written, then
 * forget rq.
 */
static void
dns_res_rq_reply(struct sim *s, struct dns_rq *rq, struct dns_msg *r)
{
	struct dns_rq **pp;

	/* Out of the list first: a reply over TCP may bring the next query. */
	for (pp = &rq->sv->rqs; *pp != rq; pp = &(*pp)->next)
		;
	*pp = rq->next;
	for (struct dns_client *c = rq->clients; c; c = c->next)
		if (c->port != 0)
			dns_res_rq_reply_one(s, rq, r, c);
	dns_res_rq_free(s, rq);
}

/*
 * One client's answer: the CNAMEs followed, then r's sections, with RA
 * set (RFC 1035 section 4.1.1).
 */
static void
dns_res_rq_reply_one(struct sim *s, struct dns_rq *rq,
    const struct dns_msg *r, const struct dns_client *c)
{
	struct dns_msg *out = dns_msg_new();

	out->id = c->id;
	out->qr = 1;
	out->rd = c->rd;
	out->ra = 1;
	out->aa = r->aa && rq->nchain == 0;
	out->rcode = r->rcode;
	out->qdcount = 1;
	memcpy(out->qname, c->qname, sizeof out->qname);
	out->qtype = rq->qtype;
	out->qclass = rq->qclass;
	memcpy(out->an, rq->chain, (size_t)rq->nchain * sizeof *rq->chain);
	out->nan = rq->nchain;
	for (int i = 0; i < r->nan && out->nan < DNS_MAX_RR; i++)
		out->an[out->nan++] = r->an[i];
	memcpy(out->ns, r->ns, (size_t)r->nns * sizeof *r->ns);
	out->nns = r->nns;
	memcpy(out->ar, r->ar, (size_t)r->nar * sizeof *r->ar);
	out->nar = r->nar;
	/* Over UDP, or on the TCP connection it came by (dns_srv_send). */
	dns_srv_send(s, rq->sv->node, rq->sv->port, c->ip, c->port, out);
	free(out);
}

/* RFC 1035 section 4.1.1: SERVFAIL, "unable to process this query". */
static void
dns_res_rq_fail(struct sim *s, struct dns_rq *rq)
{
	struct dns_msg *r = dns_msg_new();

	rq->nchain = 0;
	r->rcode = DNS_R_SERVFAIL;
	dns_res_rq_reply(s, rq, r);
	free(r);
}

static void
dns_res_rq_free(struct sim *s, struct dns_rq *rq)
{
	struct dns_rq **pp;

	/* dns_res_rq_reply() may have taken it out already. */
	for (pp = &rq->sv->rqs; *pp != NULL && *pp != rq; pp = &(*pp)->next)
		;
	if (*pp != NULL)
		*pp = rq->next;
	evq_cancel(s->q, rq->timer);
	if (rq->tcp != NULL)
		dns_res_tcp_drop(rq->tcp, 0);
	if (rq->port != 0)
		dns_srv_port_put(s, rq->sv->node, rq->port);
	while (rq->clients != NULL) {
		struct dns_client *c = rq->clients;

		rq->clients = c->next;
		free(c);
	}
	free(rq);
}

static void
dns_res_free_server(struct sim *s, struct dns_server *sv)
{
	while (sv->rqs != NULL) {
		/* The sim ends: the connection is left to TCP, unclosed. */
		if (sv->rqs->tcp != NULL)
			dns_res_tcp_drop(sv->rqs->tcp, 1);
		sv->rqs->tcp = NULL;
		dns_res_rq_free(s, sv->rqs);
	}
	while (sv->cache != NULL) {
		struct dns_cache_ent *e = sv->cache;

		sv->cache = e->next;
		evq_cancel(s->q, e->ev);
		free(e);
	}
	sv->ncache = 0;
}

/* ---------------------------------------------------------------- */
/* Ephemeral ports: answers to our queries */

static void
dns_res_input(struct sim *s, int node, void *u, uint32_t src,
    uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	struct dns_server *sv = s->dns->srv[node];
	struct dns_msg *m = dns_msg_new();

	(void)u;
	/* Something that does not parse, or is not a response, is nobody's answer. */
	if (dns_decode(p, n, m) != 0 || !m->qr || m->qdcount != 1)
		goto out;
	for (struct dns_stubq *q = s->dns->stubs; q; q = q->next)
		if (q->node == node && q->port == dport && q->timer != 0) {
			/* Over TCP now: a late datagram is not the answer. */
			if (q->tcp == NULL && src == q->server &&
			    sport == q->sport &&
			    m->id == q->id && m->qtype == q->type &&
			    dns_name_eq(m->qname, q->name))
				dns_res_stub_answer(s, q, m);
			goto out;
		}
	for (struct dns_rq *rq = sv ? sv->rqs : NULL; rq; rq = rq->next)
		if (rq->port == dport && rq->timer != 0) {
			if (rq->tcp == NULL && src == rq->srv[rq->si] &&
			    sport == dns_srv_port_of(s, src) &&
			    m->id == rq->id && m->qtype == rq->qtype &&
			    dns_name_eq(m->qname, rq->cur))
				dns_res_rq_answer(s, rq, m);
			goto out;
		}
out:
	free(m);
}

/* ---------------------------------------------------------------- */
/* The stub resolver */

uint64_t
dns_query(struct sim *s, int node, const char *name, int type, dns_cb cb,
    void *u)
{
	struct dns_world *w = s->dns;
	struct dns_stubq *q = xcalloc(1, sizeof *q);
	int res = s->sc->nodes[node].resolver;

	q->handle = w->next_handle++;
	q->node = node;
	q->type = type;
	q->cb = cb;
	q->u = u;
	q->next = w->stubs;
	w->stubs = q;
	if (res < 0 || strlen(name) > DNS_NAME_MAX || !dns_name_valid(name) ||
	    type <= 0 || type > 65535) {
		/* Nobody to ask, or nothing askable: fail now, but not from inside this call. */
		q->timer = evq_at(s->q, sim_time(s), dns_res_stub_fail_ev, NULL,
		    q, 0, 0);
		return q->handle;
	}
	snprintf(q->name, sizeof q->name, "%s", name);
	q->server = s->nodes[res].ip;
	q->sport = (uint16_t)s->sc->nodes[res].dns.port;
	q->id = dns_srv_next_id(s, node);
	dns_res_stub_send(s, q);
	return q->handle;
}

void
dns_cancel(struct sim *s, uint64_t handle)
{
	struct dns_stubq *q;

	if (s->dns == NULL)
		return;
	for (q = s->dns->stubs; q; q = q->next)
		if (q->handle == handle) {
			dns_res_stub_unlink(s, q);
			free(q);
			return;
		}
}

/* One try: the query to the resolver, and the timer for the next. */
static void
dns_res_stub_send(struct sim *s, struct dns_stubq *q)
{
	struct dns_msg *m;

	if (q->port == 0 && (q->port = dns_srv_port_get(s, q->node, dns_res_input)) == 0) {
		q->timer = evq_at(s->q, sim_time(s), dns_res_stub_fail_ev,
		    NULL, q, 0, 0);
		return;
	}
	m = dns_msg_new();
	m->id = q->id;
	m->rd = 1;	/* RFC 1034 section 5.3.1: stubs ask for recursion */
	m->qdcount = 1;
	memcpy(m->qname, q->name, sizeof m->qname);
	m->qtype = (uint16_t)q->type;
	m->qclass = DNS_C_IN;
	q->tries++;
	/* Sent or not (a stopped host sends nothing), the timer runs. */
	dns_srv_send(s, q->node, q->port, q->server, q->sport, m);
	free(m);
	q->timer = evq_at(s->q, sim_time(s) + DNS_STUB_TIMEOUT_NS,
	    dns_res_stub_timeout, NULL, q, 0, 0);
}

static void
dns_res_stub_timeout(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	struct dns_stubq *q = obj;

	(void)a;
	(void)b;
	q->timer = 0;
	if (q->tcp != NULL) {
		/* No answer over TCP in time: UDP would only be cut short again. */
		dns_res_tcp_drop(q->tcp, 0);
		q->tcp = NULL;
	} else if (q->tries < DNS_STUB_TRIES) {
		dns_res_stub_send(s, q);
		return;
	}
	struct dns_answer *ans = xcalloc(1, sizeof *ans);
	ans->status = DNS_FAIL;
	dns_res_stub_finish(s, q, ans);
}

static void
dns_res_stub_fail_ev(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct dns_stubq *q = obj;
	struct dns_answer *ans = xcalloc(1, sizeof *ans);

	(void)a;
	(void)b;
	q->timer = 0;
	ans->status = DNS_FAIL;
	dns_res_stub_finish(ctx, q, ans);
}

/*
 * The resolver answered.  The records of the asked type are those at
 * the end of the CNAME chain that starts at the name asked.  A chain
 * that leaves the answer is chased with a new query, unless the
 * resolver recursed (RA) and so already looked.
 */
static void
dns_res_stub_answer(struct sim *s, struct dns_stubq *q,
    const struct dns_msg *m)
{
	struct dns_answer *ans = xcalloc(1, sizeof *ans);
	char cur[DNS_NAME_MAX + 1];
	int moved = 0, nsrec = 0;

	evq_cancel(s->q, q->timer);
	q->timer = 0;
	/*
	 * RFC 7766 section 5: "When the client receives such a response, it
	 * takes the TC flag as an indication that it should retry over TCP
	 * instead."  RFC 1035 section 4.2.2: over TCP "the message is
	 * prefixed with a two byte length field".  A host that is its own
	 * resolver would need loopback TCP, which the simulation has not.
	 */
	if (m->tc && q->server != s->nodes[q->node].ip) {
		struct dns_msg *tq = dns_msg_new();

		free(ans);
		tq->id = q->id;
		tq->rd = 1;
		tq->qdcount = 1;
		memcpy(tq->qname, q->name, sizeof tq->qname);
		tq->qtype = (uint16_t)q->type;
		tq->qclass = DNS_C_IN;
		q->tcp = dns_res_tcp_start(s, q->node, q->server, q->sport, tq,
		    dns_res_stub_tcp_done, q);
		free(tq);
		if (q->tcp != NULL) {
			q->timer = evq_at(s->q, sim_time(s) +
			    DNS_TCP_TIMEOUT_NS, dns_res_stub_timeout, NULL, q,
			    0, 0);
			return;
		}
		ans = xcalloc(1, sizeof *ans);
		ans->status = DNS_FAIL;
		dns_res_stub_finish(s, q, ans);
		return;
	}
	memcpy(cur, q->name, sizeof cur);
	for (int hop = 0; hop <= m->nan; hop++) {
		const struct dns_rr *cname = NULL;

		for (int i = 0; i < m->nan; i++) {
			if (!dns_name_eq(m->an[i].name, cur))
				continue;
			if (m->an[i].type == q->type || q->type == DNS_T_ANY)
				ans->rr[ans->n++] = m->an[i];
			else if (m->an[i].type == DNS_T_CNAME)
				cname = &m->an[i];
		}
		if (ans->n > 0 || cname == NULL)
			break;
		memcpy(cur, cname->rd.target, sizeof cur);
		moved = 1;
	}
	for (int i = 0; i < m->nns; i++)
		nsrec += m->ns[i].type == DNS_T_NS;

	if (ans->n > 0)
		ans->status = DNS_OK;
	else if (m->tc || (m->rcode != DNS_R_NOERROR &&
	    m->rcode != DNS_R_NXDOMAIN))
		ans->status = DNS_FAIL;	/* SERVFAIL, REFUSED; TC over loopback */
	else if (m->rcode == DNS_R_NXDOMAIN)
		ans->status = DNS_NXDOMAIN;
	else if (moved && !m->ra && ++q->hops < DNS_MAX_RR) {
		/* The CNAME's target is elsewhere: ask for it. */
		free(ans);
		memcpy(q->name, cur, sizeof q->name);
		q->id = dns_srv_next_id(s, q->node);
		q->tries = 0;
		dns_res_stub_send(s, q);
		return;
	} else if (moved && !m->ra)
		ans->status = DNS_FAIL;	/* a CNAME loop */
	else if (!moved && !m->aa && !m->ra && nsrec > 0)
		ans->status = DNS_FAIL;	/* a referral: the resolver does not recurse */
	else
		ans->status = DNS_NODATA;
	dns_res_stub_finish(s, q, ans);
}

/* The answer over TCP (or NULL: the connection failed). */
static void
dns_res_stub_tcp_done(struct sim *s, void *owner, const uint8_t *p, size_t n)
{
	struct dns_stubq *q = owner;
	struct dns_msg *m = dns_msg_new();

	q->tcp = NULL;
	evq_cancel(s->q, q->timer);
	q->timer = 0;
	if (dns_res_tcp_answer(p, n, q->id, q->name, q->type, m) == 0)
		dns_res_stub_answer(s, q, m);
	else {
		struct dns_answer *ans = xcalloc(1, sizeof *ans);

		ans->status = DNS_FAIL;
		dns_res_stub_finish(s, q, ans);
	}
	free(m);
}

static void
dns_res_stub_unlink(struct sim *s, struct dns_stubq *q)
{
	struct dns_stubq **pp;

	for (pp = &s->dns->stubs; *pp != q; pp = &(*pp)->next)
		;
	*pp = q->next;
	evq_cancel(s->q, q->timer);
	q->timer = 0;
	if (q->tcp != NULL)
		dns_res_tcp_drop(q->tcp, 0);
	q->tcp = NULL;
	if (q->port != 0)
		dns_srv_port_put(s, q->node, q->port);
}

/* Forget q, then call back: the callback may start new queries. */
static void
dns_res_stub_finish(struct sim *s, struct dns_stubq *q,
    struct dns_answer *ans)
{
	dns_cb cb = q->cb;
	void *u = q->u;

	dns_res_stub_unlink(s, q);
	free(q);
	cb(s, u, ans);
	free(ans);
}

static void
dns_res_free_stubs(struct sim *s)
{
	while (s->dns->stubs != NULL) {
		struct dns_stubq *q = s->dns->stubs;

		/* The sim ends: the connection is left to TCP, unclosed. */
		if (q->tcp != NULL)
			dns_res_tcp_drop(q->tcp, 1);
		q->tcp = NULL;
		dns_res_stub_unlink(s, q);
		free(q);
	}
}

/* ---------------------------------------------------------------- */
/* DNS over TCP, the client side (RFC 7766) */

static void	dns_res_tcp_connected(struct tcp_conn *, void *);
static void	dns_res_tcp_note(struct dns_tcp *, const struct dns_msg *);
static void	dns_res_tcp_data(struct tcp_conn *, void *, const uint8_t *,
		    size_t);
static void	dns_res_tcp_peer_closed(struct tcp_conn *, void *);
static void	dns_res_tcp_closed(struct tcp_conn *, void *);
static void	dns_res_tcp_error(struct tcp_conn *, void *, enum tcp_err);

static const struct tcp_ops dns_res_tcp_ops = {
	dns_res_tcp_connected,
	dns_res_tcp_data,
	dns_res_tcp_peer_closed,
	dns_res_tcp_closed,
	dns_res_tcp_error,
};

/*
 * Open a connection from node to dst:port for query m.  The query is
 * sent, and its TR_APP record written, once the connection is up.
 * NULL when the node is off or m cannot be encoded.
 */
static struct dns_tcp *
dns_res_tcp_start(struct sim *s, int node, uint32_t dst, uint16_t port,
    const struct dns_msg *m,
    void (*done)(struct sim *, void *, const uint8_t *, size_t), void *owner)
{
	struct dns_tcp *t = xcalloc(1, sizeof *t);
	int n = dns_encode(m, t->q + 2, sizeof t->q - 2);

	if (n < 0) {
		free(t);
		return NULL;
	}
	/* RFC 1035 section 4.2.2: the length, "excluding the two byte length field". */
	put16(t->q, (uint16_t)n);
	t->qlen = (size_t)n + 2;
	t->s = s;
	t->node = node;
	t->dst = dst;
	t->done = done;
	t->owner = owner;
	t->c = tcp_connect(s, node, dst, port, &dns_res_tcp_ops, t);
	if (t->c == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

/*
 * Forget t without calling done.  The connection, still open, is
 * closed (its last segments go out with nobody listening to them),
 * except when quiet: the sim is ending and TCP frees it.
 */
static void
dns_res_tcp_drop(struct dns_tcp *t, int quiet)
{
	if (t->c != NULL) {
		tcp_set_ops(t->c, NULL, NULL);
		if (!quiet)
			tcp_close(t->c);
	}
	buf_free(&t->in);
	free(t);
}

/* Done: detach from the connection (closing it if close), tell the owner, free t. */
static void
dns_res_tcp_end(struct dns_tcp *t, const uint8_t *p, size_t n, int close)
{
	if (t->c != NULL) {
		tcp_set_ops(t->c, NULL, NULL);
		/* RFC 7766 section 6.2.1: the client closes when it is done. */
		if (close)
			tcp_close(t->c);
		t->c = NULL;
	}
	t->done(t->s, t->owner, p, n);
	buf_free(&t->in);
	free(t);
}

/*
 * Whether p holds the response to our query id about (name, type):
 * decoded into m, 0; anything else (nothing, not a response, another
 * question, TC even over TCP), -1.
 */
static int
dns_res_tcp_answer(const uint8_t *p, size_t n, uint16_t id, const char *name,
    int type, struct dns_msg *m)
{
	if (p == NULL || dns_decode(p, n, m) != 0 || !m->qr ||
	    m->qdcount != 1 || m->id != id || m->qtype != type ||
	    !dns_name_eq(m->qname, name) || m->tc)
		return -1;
	return 0;
}

static void
dns_res_tcp_connected(struct tcp_conn *c, void *u)
{
	struct dns_tcp *t = u;
	struct dns_msg *m = dns_msg_new();

	if (dns_decode(t->q + 2, t->qlen - 2, m) == 0)
		dns_res_tcp_note(t, m);
	free(m);
	tcp_send(c, t->q, t->qlen);
}

/*
 * The TR_APP record of the query over TCP: the transcript's words, and
 * a narration that says why it goes over TCP ({type} {name}).
 */
static void
dns_res_tcp_note(struct dns_tcp *t, const struct dns_msg *m)
{
	struct buf words = { 0 };
	struct say y;
	char tn[16];

	dns_describe(m, &words);
	say_begin(&y, "dns.query.tcp");
	dns_srv_type_name(m->qtype, tn, sizeof tn);
	say_str(&y, "type", tn);
	say_str(&y, "name", m->qname[0] ? m->qname : ".");
	say_str(&y, "domain", m->qname[0] ? m->qname : ".");
	sim_app_say(t->s, t->node, net_node_by_ip(t->s, t->dst), APP_DNS,
	    (const char *)words.data, words.len, sim_say(t->s, &y));
	buf_free(&words);
}

/* Bytes of the answer: whole once the length in front is matched. */
static void
dns_res_tcp_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct dns_tcp *t = u;

	(void)c;
	buf_append(&t->in, p, n);
	if (t->in.len < 2 || t->in.len - 2 < get16(t->in.data))
		return;
	dns_res_tcp_end(t, t->in.data + 2, get16(t->in.data), 1);
}

/* The server closed before the whole answer came: a failure. */
static void
dns_res_tcp_peer_closed(struct tcp_conn *c, void *u)
{
	(void)c;
	dns_res_tcp_end(u, NULL, 0, 1);
}

static void
dns_res_tcp_closed(struct tcp_conn *c, void *u)
{
	struct dns_tcp *t = u;

	(void)c;
	t->c = NULL;	/* gone after this call */
	dns_res_tcp_end(t, NULL, 0, 0);
}

/* Refused (nobody serves DNS over TCP there), timed out, reset. */
static void
dns_res_tcp_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct dns_tcp *t = u;

	(void)c;
	(void)e;
	t->c = NULL;
	dns_res_tcp_end(t, NULL, 0, 0);
}
