/*
 * test_dnsserver.c: what a name server puts on the wire (issue 13):
 * every record that fits and TC where they do not (RFC 1035 4.2.1,
 * RFC 2181 9), SOA and NS at each zone's apex and the zone's own SOA in
 * negative answers (RFC 2308 3), EDNS(0) (RFC 6891), and DNS over TCP
 * (RFC 7766).  Queries are crafted as bytes, sent from a client's UDP
 * port or over a TCP connection, and the answers are read back as bytes;
 * tshark reads the pcap of it all as the outside judge.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"
#include "dns_wire.h"
#include "export.h"
#include "scenario.h"
#include "tcp.h"
#include "trace.h"
#include "tshark_util.h"
#include "udp.h"
#include "util.h"
#include "world.h"

/*
 * A root, a TLD server for "id" that delegates contoh.id, the server of
 * contoh.id, and a flat server (no delegation) with a domain of 18 MX
 * records and a name of 40 A records.  @MANY@ is replaced by those.
 */
static const char srv_json[] =
"{'surel': 1, 'title': 'dnsserver', 'seed': 3, 'epoch': '2026-05-04T08:00:00Z',"
" 'nodes': ["
"  {'id': 'pc', 'kind': 'client', 'ip': '10.0.0.10'},"
"  {'id': 'r1', 'kind': 'router', 'ip': '10.0.0.1'},"
"  {'id': 'root', 'kind': 'server', 'ip': '10.0.1.1',"
"   'hostname': 'a.root.test', 'services': {'dns': {"
"     'records': [{'name': 'a.root.test', 'type': 'A', 'address': '10.0.1.1'}],"
"     'delegate': [{'zone': 'id', 'ns': 'ns.tld.id', 'address': '10.0.2.1'}]}}},"
"  {'id': 'tld', 'kind': 'server', 'ip': '10.0.2.1',"
"   'hostname': 'ns.tld.id', 'services': {'dns': {"
"     'delegate': [{'zone': 'contoh.id', 'ns': 'ns.contoh.id',"
"                   'address': '10.0.3.1'}]}}},"
"  {'id': 'sld', 'kind': 'server', 'ip': '10.0.3.1',"
"   'hostname': 'ns.contoh.id', 'services': {'dns': {'records': ["
"     {'name': 'contoh.id', 'type': 'MX', 'preference': 10,"
"      'exchange': 'mail.contoh.id'},"
"     {'name': 'mail.contoh.id', 'type': 'A', 'address': '10.0.3.25'}]}}},"
"  {'id': 'rec', 'kind': 'server', 'ip': '10.0.0.53',"
"   'hostname': 'resolver.isp.test', 'services': {'dns': {'recursive': true,"
"     'delegate': [{'zone': '', 'ns': 'a.root.test', 'address': '10.0.1.1'}]}}},"
"  {'id': 'flat', 'kind': 'server', 'ip': '10.0.5.53',"
"   'hostname': 'ns.flat.test', 'services': {'dns': {'records': [@MANY@]}}}"
" ],"
" 'links': ["
"  {'a': 'pc', 'b': 'r1'}, {'a': 'root', 'b': 'r1'}, {'a': 'tld', 'b': 'r1'},"
"  {'a': 'sld', 'b': 'r1'}, {'a': 'rec', 'b': 'r1'}, {'a': 'flat', 'b': 'r1'}"
" ],"
" 'actions': []}";

enum { PC, R1, ROOT, TLD, SLD, REC, FLAT };

static struct scenario *
srv_load(void)
{
	struct buf b = { 0 };
	struct sc_errors e = { 0 };
	const char *at = strstr(srv_json, "@MANY@");

	buf_append(&b, srv_json, (size_t)(at - srv_json));
	/* 18 MX of banyak.test (a 443-octet answer), 6 with an address. */
	for (int i = 0; i < 18; i++)
		buf_printf(&b, "%s{'name': 'banyak.test', 'type': 'MX', "
		    "'preference': %d, 'exchange': 'mail%02d.banyak.test'}",
		    i ? "," : "", 10 + i, i);
	for (int i = 0; i < 6; i++)
		buf_printf(&b, ",{'name': 'mail%02d.banyak.test', 'type': 'A', "
		    "'address': '10.0.7.%d'}", i, 10 + i);
	/* 40 A records of one name: 640 octets of answer. */
	for (int i = 0; i < 40; i++)
		buf_printf(&b, ",{'name': 'www.banyak.test', 'type': 'A', "
		    "'address': '10.0.8.%d'}", 10 + i);
	buf_puts(&b, ",{'name': 'alias.banyak.test', 'type': 'CNAME', "
	    "'target': 'www.banyak.test'}");
	buf_puts(&b, at + 6);
	char *json = (char *)b.data;
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct scenario *sc = scenario_load(json, strlen(json), "srv.json",
	    &e);
	ck_assert_msg(sc != NULL, "scenario: %s", e.n ? e.msg[0] : "?");
	sc_errors_free(&e);
	free(json);
	ck_assert_int_eq(scenario_node_index(sc, "flat"), FLAT);
	return sc;
}

/*
 * The server finds a name's records through its index (issue 16) as
 * dns_name_eq() compares names: either case, with or without the final
 * dot; in the scenario's order; and again after a change adds one.
 */
START_TEST(test_srv_index_names)
{
	struct scenario *sc = srv_load();
	struct sim *s = sim_new(sc, sc->seed);
	const struct dns_server *sv = s->dns->srv[FLAT];
	struct dns_msg *r = xcalloc(1, sizeof *r);

	ck_assert_int_eq(dns_srv_lookup(s, sv, "BANYAK.Test.", DNS_T_MX, r), 0);
	ck_assert_int_eq(r->nan, 18);
	for (int i = 0; i < 18; i++)
		ck_assert_int_eq(r->an[i].rd.mx.preference, 10 + i);
	/* The addresses of the exchanges that have one (RFC 1035 3.3.9). */
	ck_assert_int_eq(r->nar, 6);
	ck_assert_int_eq(dns_srv_lookup(s, sv, "www.banyak.TEST", DNS_T_A, r), 0);
	ck_assert_int_eq(r->nan, 40);
	ck_assert_uint_eq(r->an[0].rd.a, 0x0a00080a);
	ck_assert_uint_eq(r->an[39].rd.a, 0x0a000831);
	ck_assert_int_eq(dns_srv_lookup(s, sv, "tidak.banyak.test", DNS_T_A, r), 0);
	ck_assert_int_eq(r->nan, 0);
	ck_assert_uint_eq(r->rcode, DNS_R_NXDOMAIN);
	char name[] = "baru.banyak.test";
	struct sc_record add = { .name = name, .type = SC_RR_A, .ttl = 60,
	    .address = 0x0a000909 };
	dns_srv_change(s, FLAT, &add, 1);
	sv = s->dns->srv[FLAT];
	ck_assert_int_eq(dns_srv_lookup(s, sv, "baru.BANYAK.test.", DNS_T_A, r), 0);
	ck_assert_int_eq(r->nan, 1);
	ck_assert_uint_eq(r->an[0].rd.a, 0x0a000909);
	free(r);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* The answers that reach pc: their bytes, as they came. */
#define GOT_MAX	16
struct got {
	int		 n;
	size_t		 len[GOT_MAX];
	uint8_t		 w[GOT_MAX][DNS_TCP_MAX];
};

static void
got_udp(struct sim *s, int node, void *u, uint32_t src, uint16_t sport,
    uint16_t dport, const uint8_t *p, size_t n)
{
	struct got *g = u;

	(void)s;
	(void)node;
	(void)src;
	(void)sport;
	(void)dport;
	ck_assert_int_lt(g->n, GOT_MAX);
	memcpy(g->w[g->n], p, n);
	g->len[g->n++] = n;
}

/* A query as bytes: qname qtype, with an OPT offering udp_size (0: none). */
static size_t
query(uint8_t *w, uint16_t id, const char *qname, int qtype, int udp_size)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);
	int n;

	m->id = id;
	m->qdcount = 1;
	snprintf(m->qname, sizeof m->qname, "%s", qname);
	m->qtype = (uint16_t)qtype;
	m->qclass = DNS_C_IN;
	if (udp_size > 0)
		ck_assert_int_eq(dns_edns_put(m, (uint16_t)udp_size, 0), 0);
	n = dns_encode(m, w, DNS_UDP_MAX);
	ck_assert_int_gt(n, 0);
	free(m);
	return (size_t)n;
}

/* Answer k of g, decoded. */
static struct dns_msg *
answer(const struct got *g, int k)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);

	ck_assert_int_lt(k, g->n);
	ck_assert_int_eq(dns_decode(g->w[k], g->len[k], m), 0);
	return m;
}

static int
count_type(const struct dns_rr *sec, int n, int type)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += sec[i].type == type;
	return k;
}

START_TEST(test_srv_all_records_that_fit)
{
	struct scenario *sc = srv_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = xcalloc(1, sizeof *g);
	uint32_t flat = sc->nodes[FLAT].ip;
	uint8_t w[DNS_UDP_MAX];
	struct dns_msg *m;
	size_t n;

	ck_assert_int_eq(udp_bind(s, PC, 40000, got_udp, g), 0);
	n = query(w, 1, "banyak.test", DNS_T_MX, 0);
	udp_send(s, PC, 40000, flat, 53, w, n);
	n = query(w, 2, "www.banyak.test", DNS_T_A, 0);
	udp_send(s, PC, 40000, flat, 53, w, n);
	n = query(w, 3, "alias.banyak.test", DNS_T_A, 0);
	udp_send(s, PC, 40000, flat, 53, w, n);
	sim_run(s);
	ck_assert_int_eq(g->n, 3);

	/*
	 * 18 MX: all of them in 512 octets, no TC; the addresses of the
	 * exchanges that did not fit are left out (RFC 2181 9: no TC for that).
	 */
	m = answer(g, 0);
	ck_assert_uint_le(g->len[0], DNS_UDP_MAX);
	ck_assert_int_eq(m->nan, 18);
	ck_assert_int_eq(count_type(m->an, m->nan, DNS_T_MX), 18);
	ck_assert(!m->tc && m->aa);
	ck_assert_int_lt(m->nar, 6);
	ck_assert_int_gt(m->nar, 0);
	for (int i = 0; i < 18; i++)
		ck_assert_uint_eq(m->an[i].rd.mx.preference, 10 + i);
	free(m);

	/*
	 * 40 A (16 octets each) do not fit in 512: TC, and no part of the
	 * RRset (RFC 2181 5 and 9), as BIND and Unbound answer.
	 */
	m = answer(g, 1);
	ck_assert(m->tc && m->aa);
	ck_assert_uint_eq(m->rcode, DNS_R_NOERROR);
	ck_assert_int_eq(m->nan, 0);
	ck_assert_int_eq(m->nns, 0);
	free(m);

	/* Through a CNAME: the CNAME's RRset fits whole and stays; TC. */
	m = answer(g, 2);
	ck_assert(m->tc);
	ck_assert_int_eq(m->nan, 1);
	ck_assert_int_eq(m->an[0].type, DNS_T_CNAME);
	ck_assert_str_eq(m->an[0].rd.target, "www.banyak.test");
	free(m);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_srv_edns)
{
	struct scenario *sc = srv_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = xcalloc(1, sizeof *g);
	uint32_t flat = sc->nodes[FLAT].ip;
	uint8_t w[DNS_UDP_MAX];
	struct dns_edns e;
	struct dns_msg *m, *q = xcalloc(1, sizeof *q);
	size_t n;
	int k;

	ck_assert_int_eq(udp_bind(s, PC, 40000, got_udp, g), 0);
	/* 0: 4096 offered: 40 A fit in our 1232. */
	n = query(w, 1, "www.banyak.test", DNS_T_A, 4096);
	udp_send(s, PC, 40000, flat, 53, w, n);
	/* 1: 100 offered counts as 512: TC. */
	n = query(w, 2, "www.banyak.test", DNS_T_A, 100);
	udp_send(s, PC, 40000, flat, 53, w, n);
	/* 2: two OPTs: FORMERR, no OPT. */
	n = query(w, 3, "banyak.test", DNS_T_MX, 1232);
	ck_assert_int_eq(dns_decode(w, n, q), 0);
	ck_assert_int_eq(dns_edns_put(q, 1232, 0), 0);
	k = dns_encode(q, w, sizeof w);
	udp_send(s, PC, 40000, flat, 53, w, (size_t)k);
	/* 3: an OPT not owned by the root: FORMERR. */
	q->nar = 1;
	snprintf(q->ar[0].name, sizeof q->ar[0].name, "banyak.test");
	k = dns_encode(q, w, sizeof w);
	udp_send(s, PC, 40000, flat, 53, w, (size_t)k);
	/* 4: an option that runs past the RDATA: FORMERR. */
	q->ar[0].name[0] = '\0';
	q->ar[0].rd.raw.len = 5;
	memcpy(q->ar[0].rd.raw.data, "\0\x0a\0\x08\x01", 5);
	k = dns_encode(q, w, sizeof w);
	udp_send(s, PC, 40000, flat, 53, w, (size_t)k);
	/* 5: EDNS version 1: BADVERS, with an OPT of version 0. */
	q->ar[0].rd.raw.len = 0;
	q->ar[0].ttl = 1u << 16;
	k = dns_encode(q, w, sizeof w);
	udp_send(s, PC, 40000, flat, 53, w, (size_t)k);
	/* 6: an unknown option is ignored (6.1.2): the answer, with an OPT. */
	q->ar[0].ttl = 0;
	q->ar[0].rd.raw.len = 6;
	memcpy(q->ar[0].rd.raw.data, "\xfd\xe9\0\x02hi", 6);
	k = dns_encode(q, w, sizeof w);
	udp_send(s, PC, 40000, flat, 53, w, (size_t)k);
	sim_run(s);
	ck_assert_int_eq(g->n, 7);

	m = answer(g, 0);
	ck_assert(!m->tc);
	ck_assert_int_eq(m->nan, 40);
	ck_assert_uint_gt(g->len[0], DNS_UDP_MAX);
	ck_assert_uint_le(g->len[0], DNS_EDNS_MAX);
	ck_assert_int_eq(dns_edns_get(m, &e), 0);
	ck_assert(e.present);
	ck_assert_uint_eq(e.udp_size, DNS_EDNS_MAX);
	ck_assert_uint_eq(e.version, 0);
	ck_assert_int_eq(m->ar[m->nar - 1].type, DNS_T_OPT);
	free(m);

	m = answer(g, 1);
	ck_assert(m->tc);
	ck_assert_uint_le(g->len[1], DNS_UDP_MAX);
	ck_assert_int_eq(dns_edns_get(m, &e), 0);
	ck_assert(e.present);
	free(m);

	for (int i = 2; i <= 4; i++) {
		m = answer(g, i);
		ck_assert_uint_eq(m->rcode, DNS_R_FORMERR);
		ck_assert_int_eq(m->nar, 0);
		ck_assert_int_eq(m->nan, 0);
		free(m);
	}

	m = answer(g, 5);
	ck_assert_uint_eq(m->rcode, 0);
	ck_assert_int_eq(dns_rcode_full(m), DNS_R_BADVERS);
	ck_assert_int_eq(dns_edns_get(m, &e), 0);
	ck_assert(e.present && e.version == 0 && e.ext_rcode == 1);
	ck_assert_int_eq(m->nan, 0);
	free(m);

	m = answer(g, 6);
	ck_assert_uint_eq(m->rcode, DNS_R_NOERROR);
	ck_assert_int_eq(m->nan, 18);
	ck_assert_int_eq(count_type(m->ar, m->nar, DNS_T_OPT), 1);
	ck_assert_int_eq(count_type(m->ar, m->nar, DNS_T_A), 6);
	free(m);

	/* A query without an OPT gets none (RFC 6891 7: "MUST NOT"). */
	free(q);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* One negative or apex answer, asked of node. */
static struct dns_msg *
ask_udp(struct sim *s, int node, const char *qname, int qtype)
{
	struct got *g = xcalloc(1, sizeof *g);
	uint8_t w[DNS_UDP_MAX];
	size_t n = query(w, 7, qname, qtype, 0);
	static uint16_t port = 41000;

	ck_assert_int_eq(udp_bind(s, PC, port, got_udp, g), 0);
	udp_send(s, PC, port, s->sc->nodes[node].ip, 53, w, n);
	port++;
	sim_run(s);
	ck_assert_int_eq(g->n, 1);
	struct dns_msg *m = answer(g, 0);
	free(g);
	return m;
}

/* m's authority section is one SOA owned by zone. */
static void
soa_of(const struct dns_msg *m, const char *zone, const char *mname)
{
	ck_assert_int_eq(m->nns, 1);
	ck_assert_int_eq(m->ns[0].type, DNS_T_SOA);
	ck_assert_str_eq(m->ns[0].name, zone);
	ck_assert_str_eq(m->ns[0].rd.soa.mname, mname);
	/* RFC 2308 3: the TTL is the smaller of the SOA's and MINIMUM. */
	ck_assert_uint_eq(m->ns[0].ttl, m->ns[0].rd.soa.minimum);
	ck_assert_uint_eq(m->ns[0].rd.soa.serial, 2026050401u);
}

START_TEST(test_srv_zones_soa_ns)
{
	struct scenario *sc = srv_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct dns_msg *m;

	/* The TLD server: NXDOMAIN inside "id" with id's SOA, not the root's. */
	m = ask_udp(s, TLD, "tidakada.id", DNS_T_A);
	ck_assert_uint_eq(m->rcode, DNS_R_NXDOMAIN);
	ck_assert(m->aa);
	soa_of(m, "id", "ns.tld.id");
	free(m);
	/* contoh.id's server: its own SOA, not id's. */
	m = ask_udp(s, SLD, "tidakada.contoh.id", DNS_T_A);
	ck_assert_uint_eq(m->rcode, DNS_R_NXDOMAIN);
	soa_of(m, "contoh.id", "ns.contoh.id");
	free(m);
	/* NODATA at the apex: the SOA too. */
	m = ask_udp(s, SLD, "contoh.id", DNS_T_TXT);
	ck_assert_uint_eq(m->rcode, DNS_R_NOERROR);
	ck_assert_int_eq(m->nan, 0);
	soa_of(m, "contoh.id", "ns.contoh.id");
	free(m);
	/* The apex has an SOA and NS (RFC 1034 4.2.1), the NS with its glue. */
	m = ask_udp(s, SLD, "contoh.id", DNS_T_SOA);
	ck_assert_int_eq(m->nan, 1);
	ck_assert_int_eq(m->an[0].type, DNS_T_SOA);
	ck_assert_str_eq(m->an[0].name, "contoh.id");
	ck_assert_str_eq(m->an[0].rd.soa.rname, "hostmaster.contoh.id");
	free(m);
	m = ask_udp(s, SLD, "contoh.id", DNS_T_NS);
	ck_assert_int_eq(m->nan, 1);
	ck_assert_int_eq(m->an[0].type, DNS_T_NS);
	ck_assert_str_eq(m->an[0].rd.target, "ns.contoh.id");
	ck_assert_int_eq(m->nar, 1);
	ck_assert_str_eq(m->ar[0].name, "ns.contoh.id");
	ck_assert_uint_eq(m->ar[0].rd.a, sc->nodes[SLD].ip);
	free(m);
	m = ask_udp(s, TLD, "id", DNS_T_NS);
	ck_assert_int_eq(m->nan, 1);
	ck_assert_str_eq(m->an[0].rd.target, "ns.tld.id");
	free(m);
	/* The root: the root's SOA for a name under no TLD it knows. */
	m = ask_udp(s, ROOT, "tidakada", DNS_T_A);
	ck_assert_uint_eq(m->rcode, DNS_R_NXDOMAIN);
	soa_of(m, "", "a.root.test");
	free(m);
	m = ask_udp(s, ROOT, "", DNS_T_SOA);
	ck_assert_int_eq(m->nan, 1);
	ck_assert_str_eq(m->an[0].name, "");
	free(m);
	/* A flat server: its domain's SOA; for a typo, the TLD's. */
	m = ask_udp(s, FLAT, "tidakada.banyak.test", DNS_T_A);
	ck_assert_uint_eq(m->rcode, DNS_R_NXDOMAIN);
	soa_of(m, "banyak.test", "ns.flat.test");
	free(m);
	m = ask_udp(s, FLAT, "banyka.test", DNS_T_MX);
	ck_assert_uint_eq(m->rcode, DNS_R_NXDOMAIN);
	soa_of(m, "test", "ns.flat.test");
	free(m);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* A client's side of a DNS-over-TCP connection. */
struct tcpc {
	struct got	 g;
	uint8_t		 in[2 * DNS_TCP_MAX];
	size_t		 n;
	int		 closed, failed;
	const uint8_t	*send;
	size_t		 sendn;
};

static void
tc_connected(struct tcp_conn *c, void *u)
{
	struct tcpc *t = u;

	tcp_send(c, t->send, t->sendn);
}

static void
tc_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct tcpc *t = u;
	size_t len;

	ck_assert_uint_le(t->n + n, sizeof t->in);
	memcpy(t->in + t->n, p, n);
	t->n += n;
	while (t->n >= 2 && t->n >= 2 + (len = get16(t->in))) {
		ck_assert_int_lt(t->g.n, GOT_MAX);
		memcpy(t->g.w[t->g.n], t->in + 2, len);
		t->g.len[t->g.n++] = len;
		memmove(t->in, t->in + 2 + len, t->n - 2 - len);
		t->n -= 2 + len;
	}
	/* Both answers in: the client closes first (RFC 7766 6.2.3). */
	if (t->g.n == 2)
		tcp_close(c);
}

static void
tc_peer_closed(struct tcp_conn *c, void *u)
{
	(void)c;
	(void)u;
}

static void
tc_closed(struct tcp_conn *c, void *u)
{
	(void)c;
	((struct tcpc *)u)->closed++;
}

static void
tc_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	(void)c;
	(void)e;
	((struct tcpc *)u)->failed++;
}

static const struct tcp_ops tc_ops = {
	tc_connected, tc_data, tc_peer_closed, tc_closed, tc_error,
};

/* Two pipelined queries over TCP: 40 A (too many for UDP) and a NODATA. */
static struct sim *
tcp_run(struct scenario *sc, struct tcpc *t)
{
	struct sim *s = sim_new(sc, sc->seed);
	uint8_t *w = xmalloc(2 * DNS_UDP_MAX);
	size_t n;

	n = query(w + 2, 0x5151, "www.banyak.test", DNS_T_A, 0);
	put16(w, (uint16_t)n);
	size_t m = query(w + 4 + n, 0x5252, "www.banyak.test", DNS_T_TXT,
	    0);
	put16(w + 2 + n, (uint16_t)m);
	t->send = w;
	t->sendn = 4 + n + m;
	ck_assert_ptr_nonnull(tcp_connect(s, PC, sc->nodes[FLAT].ip, 53,
	    &tc_ops, t));
	sim_run(s);
	free(w);
	return s;
}

START_TEST(test_srv_tcp)
{
	struct scenario *sc = srv_load();
	struct tcpc *t = xcalloc(1, sizeof *t);
	struct sim *s = tcp_run(sc, t);
	struct dns_msg *m;

	/* RFC 7766 5: answered over TCP, whole, and closed without RST. */
	ck_assert_int_eq(t->failed, 0);
	ck_assert_int_eq(t->closed, 1);
	ck_assert_int_eq(t->g.n, 2);
	m = answer(&t->g, 0);
	ck_assert_uint_eq(m->id, 0x5151);
	ck_assert(!m->tc);
	ck_assert_int_eq(m->nan, 40);
	ck_assert_int_eq(m->nar, 0);	/* no OPT asked, none given */
	free(m);
	m = answer(&t->g, 1);
	ck_assert_uint_eq(m->id, 0x5252);
	ck_assert_int_eq(m->nan, 0);
	soa_of(m, "banyak.test", "ns.flat.test");
	free(m);
	free(t);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/*
 * A recursive server answers later, after its own questions: still over
 * the TCP connection the query came on, and with an OPT for a query over
 * UDP that had one.
 */
START_TEST(test_srv_recursive_tcp_and_edns)
{
	struct scenario *sc = srv_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct tcpc *t = xcalloc(1, sizeof *t);
	struct got *g = xcalloc(1, sizeof *g);
	uint8_t *w = xmalloc(2 * DNS_UDP_MAX);
	struct dns_msg *m, *q = xcalloc(1, sizeof *q);
	struct dns_edns e;
	size_t n, n2;

	/* Two queries with RD over one connection. */
	n = query(w + 2, 0x6161, "contoh.id", DNS_T_MX, 0);
	w[4] |= 1;	/* RD */
	put16(w, (uint16_t)n);
	n2 = query(w + 4 + n, 0x6262, "tidakada.contoh.id", DNS_T_A, 0);
	w[4 + n + 2] |= 1;
	put16(w + 2 + n, (uint16_t)n2);
	t->send = w;
	t->sendn = 4 + n + n2;
	ck_assert_ptr_nonnull(tcp_connect(s, PC, sc->nodes[REC].ip, 53,
	    &tc_ops, t));
	/* And one over UDP with an OPT. */
	ck_assert_int_eq(udp_bind(s, PC, 40000, got_udp, g), 0);
	uint8_t u[DNS_UDP_MAX];
	n = query(u, 0x6363, "mail.contoh.id", DNS_T_A, 1232);
	u[2] |= 1;
	udp_send(s, PC, 40000, sc->nodes[REC].ip, 53, u, n);
	sim_run(s);

	ck_assert_int_eq(t->failed, 0);
	ck_assert_int_eq(t->g.n, 2);
	for (int i = 0; i < 2; i++) {
		m = answer(&t->g, i);
		ck_assert(m->ra && !m->tc);
		if (m->id == 0x6161) {
			ck_assert_int_eq(m->nan, 1);
			ck_assert_int_eq(m->an[0].type, DNS_T_MX);
		} else {
			ck_assert_uint_eq(m->id, 0x6262);
			ck_assert_uint_eq(m->rcode, DNS_R_NXDOMAIN);
		}
		free(m);
	}
	ck_assert_int_eq(g->n, 1);
	m = answer(g, 0);
	ck_assert_uint_eq(m->id, 0x6363);
	ck_assert_int_eq(m->nan, 1);
	ck_assert_int_eq(dns_edns_get(m, &e), 0);
	ck_assert(e.present);
	free(m);
	free(q);
	free(w);
	free(g);
	free(t);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* Every case above in one pcap, and tshark finds nothing wrong in it. */
START_TEST(test_srv_tshark_clean)
{
	struct scenario *sc = srv_load();
	struct tcpc *t = xcalloc(1, sizeof *t);
	struct sim *s = tcp_run(sc, t);
	struct got *g = xcalloc(1, sizeof *g);
	uint8_t w[DNS_UDP_MAX];
	size_t n;

	ck_assert_int_eq(udp_bind(s, PC, 40000, got_udp, g), 0);
	n = query(w, 1, "banyak.test", DNS_T_MX, 0);
	udp_send(s, PC, 40000, sc->nodes[FLAT].ip, 53, w, n);
	n = query(w, 2, "www.banyak.test", DNS_T_A, 0);
	udp_send(s, PC, 40000, sc->nodes[FLAT].ip, 53, w, n);
	n = query(w, 3, "www.banyak.test", DNS_T_A, 4096);
	udp_send(s, PC, 40000, sc->nodes[FLAT].ip, 53, w, n);
	n = query(w, 4, "tidakada.contoh.id", DNS_T_A, 1232);
	udp_send(s, PC, 40000, sc->nodes[SLD].ip, 53, w, n);
	n = query(w, 5, "contoh.id", DNS_T_NS, 0);
	udp_send(s, PC, 40000, sc->nodes[SLD].ip, 53, w, n);
	sim_run(s);
	ck_assert_int_eq(g->n, 5);

	size_t nframes;
	free(pcap_order(sim_trace(s), &nframes));
	char *path = write_pcap(s, -1);
	char *why = tshark_unclean(path, nframes, -1, 0);
	ck_assert_msg(why == NULL, "%s", why);
	char *out = tshark_fields(path, "-e frame.number "
	    "-e dns.flags.response -e dns.count.answers -e dns.flags.truncated "
	    "-e tcp.flags.reset");
	int responses = 0, forty = 0, eighteen = 0, tc = 0;
	char *save_line = NULL;

	for (char *line = strtok_r(out, "\n", &save_line); line != NULL;
	    line = strtok_r(NULL, "\n", &save_line)) {
		char *f[5] = { 0 }, *save = line;

		for (int k = 0; k < 5; k++)
			if ((f[k] = next_field(&save)) == NULL)
				f[k] = "";
		ck_assert_msg(strcmp(f[4], "1") != 0, "frame %s is a RST", f[0]);
		if (strcmp(f[1], "1") != 0)
			continue;
		responses++;
		forty += strcmp(f[2], "40") == 0;
		eighteen += strcmp(f[2], "18") == 0;
		tc += strcmp(f[3], "1") == 0;
	}
	ck_assert_int_eq(responses, 7);
	ck_assert_int_eq(forty, 2);	/* over TCP, and with EDNS */
	ck_assert_int_eq(eighteen, 1);
	ck_assert_int_eq(tc, 1);
	if (getenv("KEEP_PCAP") == NULL)
		unlink(path);
	else
		fprintf(stderr, "pcap: %s\n", path);
	free(path);
	free(out);
	free(g);
	free(t);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* The transcript says what the wire says: TC with what fitted; BADVERS. */
START_TEST(test_srv_describe)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);
	struct buf b = { 0 };

	m->qr = 1;
	m->tc = 1;
	m->qdcount = 1;
	snprintf(m->qname, sizeof m->qname, "www.banyak.test");
	m->qtype = DNS_T_A;
	m->nan = 3;
	for (int i = 0; i < 3; i++) {
		snprintf(m->an[i].name, sizeof m->an[i].name, "www.banyak.test");
		m->an[i].type = DNS_T_A;
		m->an[i].class = DNS_C_IN;
	}
	dns_describe(m, &b);
	buf_putc(&b, '\0');
	ck_assert_str_eq((char *)b.data, "truncated (TC) www.banyak.test A "
	    "(too large for UDP, 3 records fit)");
	b.len = 0;
	m->tc = 0;
	m->nan = 0;
	ck_assert_int_eq(dns_edns_put(m, 1232, 1), 0);
	dns_describe(m, &b);
	buf_putc(&b, '\0');
	ck_assert_str_eq((char *)b.data, "BADVERS (EDNS version not supported)");
	ck_assert_str_eq(dns_rcode_str(dns_rcode_full(m)), "BADVERS");
	buf_free(&b);
	free(m);
}
END_TEST

/* An RRset no message could hold whole is the scenario's error, not a silent cut. */
START_TEST(test_srv_rrset_too_big_refused)
{
	struct buf b = { 0 };
	struct sc_errors e = { 0 };
	struct scenario *sc;

	buf_puts(&b, "{\"surel\": 1, \"title\": \"big\", \"nodes\": ["
	    "{\"id\": \"ns\", \"kind\": \"server\", \"ip\": \"10.0.0.53\","
	    " \"services\": {\"dns\": {\"records\": [");
	for (int i = 0; i <= DNS_MAX_RR; i++)
		buf_printf(&b, "%s{\"name\": \"www.banyak.test\", \"type\": "
		    "\"A\", \"address\": \"10.0.%d.%d\"}", i ? "," : "",
		    i / 200, i % 200 + 1);
	buf_puts(&b, "]}}}], \"links\": [], \"actions\": []}");
	sc = scenario_load((const char *)b.data, b.len, "big.json", &e);
	ck_assert_ptr_null(sc);
	int found = 0;
	for (int i = 0; i < e.n; i++)
		found += strstr(e.msg[i], "dns.records[0]: 'www.banyak.test' "
		    "has 65 records of one type; a DNS answer holds at most 64")
		    != NULL;
	ck_assert_int_eq(found, 1);
	sc_errors_free(&e);
	buf_free(&b);
}
END_TEST

Suite *
dnsserver_suite(void)
{
	Suite *s = suite_create("dnsserver");
	TCase *tc = tcase_create("server");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_srv_all_records_that_fit);
	tcase_add_test(tc, test_srv_index_names);
	tcase_add_test(tc, test_srv_edns);
	tcase_add_test(tc, test_srv_zones_soa_ns);
	tcase_add_test(tc, test_srv_tcp);
	tcase_add_test(tc, test_srv_recursive_tcp_and_edns);
	tcase_add_test(tc, test_srv_tshark_clean);
	tcase_add_test(tc, test_srv_describe);
	tcase_add_test(tc, test_srv_rrset_too_big_refused);
	suite_add_tcase(s, tc);
	return s;
}
