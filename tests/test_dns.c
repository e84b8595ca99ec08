/*
 * test_dns.c: DNS, RFC 1035.  First the codec (sim/dns_wire.c) on its
 * own: round trips of every record type we use, compression checked on
 * the bytes, hand-written messages, and every way a message can be
 * broken.  Then the servers and resolvers in a simulated world: a client
 * asks through a plain authoritative server and through a recursive one
 * that starts at the root and goes down three delegations, with its
 * cache, its expiries, a resolver that is switched off, and tshark
 * reading the packets.
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
#include "tshark_util.h"
#include "udp.h"
#include "util.h"
#include "world.h"

/* ---------------------------------------------------------------- */
/* Codec helpers */

static struct dns_msg *
msg_new(uint16_t id, const char *qname, int qtype, int response)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);

	m->id = id;
	m->qr = (uint8_t)response;
	m->rd = 1;
	m->qdcount = 1;
	snprintf(m->qname, sizeof m->qname, "%s", qname);
	m->qtype = (uint16_t)qtype;
	m->qclass = DNS_C_IN;
	return m;
}

static struct dns_rr *
rr_add(struct dns_rr *sec, int *n, const char *name, int type, uint32_t ttl)
{
	struct dns_rr *rr = &sec[(*n)++];

	memset(rr, 0, sizeof *rr);
	snprintf(rr->name, sizeof rr->name, "%s", name);
	rr->type = (uint16_t)type;
	rr->class = DNS_C_IN;
	rr->ttl = ttl;
	return rr;
}

/* Encode, decode, and the decoded message back as a fresh copy. */
static struct dns_msg *
round_trip(const struct dns_msg *m, uint8_t *wire, int *len)
{
	struct dns_msg *d = xcalloc(1, sizeof *d);

	*len = dns_encode(m, wire, 4096);
	ck_assert_int_gt(*len, DNS_HLEN);
	ck_assert_int_eq(dns_decode(wire, (size_t)*len, d), 0);
	ck_assert_uint_eq(d->id, m->id);
	ck_assert_uint_eq(d->qr, m->qr);
	ck_assert_uint_eq(d->aa, m->aa);
	ck_assert_uint_eq(d->rd, m->rd);
	ck_assert_uint_eq(d->ra, m->ra);
	ck_assert_uint_eq(d->rcode, m->rcode);
	ck_assert_int_eq(d->qdcount, m->qdcount);
	ck_assert_str_eq(d->qname, m->qname);
	ck_assert_uint_eq(d->qtype, m->qtype);
	ck_assert_int_eq(d->nan, m->nan);
	ck_assert_int_eq(d->nns, m->nns);
	ck_assert_int_eq(d->nar, m->nar);
	return d;
}

static size_t
wire_name_len(const char *name)
{
	return name[0] == '\0' ? 1 : strlen(name) + 2;
}

/* Where needle (n bytes) first occurs in hay, or -1. */
static long
find_bytes(const uint8_t *hay, size_t len, const void *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return (long)i;
	return -1;
}

static char *
describe(const struct dns_msg *m)
{
	struct buf b = { 0 };

	dns_describe(m, &b);
	return (char *)b.data;
}

/* ---------------------------------------------------------------- */
/* Codec: round trips */

START_TEST(test_codec_a_query_and_answer)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *q = msg_new(0xbeef, "Mx.PenerimaMail.com", DNS_T_A, 0);
	struct dns_msg *d = round_trip(q, w, &len);

	/* RFC 1035 4.1.1: ID, flags with RD only, QDCOUNT 1. */
	ck_assert_int_eq(len, 12 + 21 + 4);
	ck_assert_uint_eq(w[0], 0xbe);
	ck_assert_uint_eq(w[2], 0x01);
	ck_assert_uint_eq(w[3], 0x00);
	/* Case is kept. */
	ck_assert_str_eq(d->qname, "Mx.PenerimaMail.com");
	free(d);

	q->qr = 1;
	q->aa = 1;
	q->ra = 1;
	struct dns_rr *rr = rr_add(q->an, &q->nan, "Mx.PenerimaMail.com",
	    DNS_T_A, 3600);
	rr->rd.a = 0x0a020019;
	d = round_trip(q, w, &len);
	ck_assert_uint_eq(d->an[0].rd.a, 0x0a020019);
	ck_assert_uint_eq(d->an[0].ttl, 3600);
	ck_assert_uint_eq(d->an[0].class, DNS_C_IN);
	ck_assert_str_eq(d->an[0].name, "Mx.PenerimaMail.com");
	/* The owner is a pointer to the question. */
	ck_assert_int_eq(len, 12 + 21 + 4 + 2 + 10 + 4);
	ck_assert_uint_eq(w[37], 0xc0);
	ck_assert_uint_eq(w[38], 12);
	free(d);
	free(q);
}
END_TEST

START_TEST(test_codec_mx_cname_ns_soa)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *m = msg_new(7, "penerimamail.com", DNS_T_MX, 1);
	struct dns_rr *rr;

	rr = rr_add(m->an, &m->nan, "penerimamail.com", DNS_T_MX, 3600);
	rr->rd.mx.preference = 10;
	strcpy(rr->rd.mx.exchange, "mx.penerimamail.com");
	rr = rr_add(m->an, &m->nan, "imap.penerimamail.com", DNS_T_CNAME, 60);
	strcpy(rr->rd.target, "pop.penerimamail.com");
	rr = rr_add(m->ns, &m->nns, "penerimamail.com", DNS_T_NS, 86400);
	strcpy(rr->rd.target, "ns1.penerimamail.com");
	rr = rr_add(m->ns, &m->nns, "penerimamail.com", DNS_T_SOA, 300);
	strcpy(rr->rd.soa.mname, "ns1.penerimamail.com");
	strcpy(rr->rd.soa.rname, "hostmaster.penerimamail.com");
	rr->rd.soa.serial = 2026010501;
	rr->rd.soa.refresh = 3600;
	rr->rd.soa.retry = 900;
	rr->rd.soa.expire = 604800;
	rr->rd.soa.minimum = 300;
	rr = rr_add(m->ar, &m->nar, "mx.penerimamail.com", DNS_T_A, 3600);
	rr->rd.a = 0x0a020019;

	struct dns_msg *d = round_trip(m, w, &len);
	ck_assert_uint_eq(d->an[0].rd.mx.preference, 10);
	ck_assert_str_eq(d->an[0].rd.mx.exchange, "mx.penerimamail.com");
	ck_assert_str_eq(d->an[1].name, "imap.penerimamail.com");
	ck_assert_str_eq(d->an[1].rd.target, "pop.penerimamail.com");
	ck_assert_uint_eq(d->ns[0].type, DNS_T_NS);
	ck_assert_str_eq(d->ns[0].rd.target, "ns1.penerimamail.com");
	ck_assert_str_eq(d->ns[1].rd.soa.mname, "ns1.penerimamail.com");
	ck_assert_str_eq(d->ns[1].rd.soa.rname,
	    "hostmaster.penerimamail.com");
	ck_assert_uint_eq(d->ns[1].rd.soa.serial, 2026010501);
	ck_assert_uint_eq(d->ns[1].rd.soa.refresh, 3600);
	ck_assert_uint_eq(d->ns[1].rd.soa.retry, 900);
	ck_assert_uint_eq(d->ns[1].rd.soa.expire, 604800);
	ck_assert_uint_eq(d->ns[1].rd.soa.minimum, 300);
	ck_assert_uint_eq(d->ns[1].ttl, 300);
	ck_assert_str_eq(d->ar[0].name, "mx.penerimamail.com");
	ck_assert_uint_eq(d->ar[0].rd.a, 0x0a020019);
	free(d);
	free(m);
}
END_TEST

START_TEST(test_codec_txt_longer_than_255)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *m = msg_new(9, "long.example.com", DNS_T_TXT, 1);
	struct dns_rr *rr = rr_add(m->an, &m->nan, "long.example.com",
	    DNS_T_TXT, 60);

	for (int i = 0; i < 300; i++)
		rr->rd.txt.data[i] = (char)('a' + i % 26);
	rr->rd.txt.len = 300;
	rr = rr_add(m->an, &m->nan, "long.example.com", DNS_T_TXT, 60);
	rr->rd.txt.len = 0;	/* an empty text is one empty string */

	struct dns_msg *d = round_trip(m, w, &len);
	ck_assert_uint_eq(d->an[0].rd.txt.len, 300);
	ck_assert_int_eq(memcmp(d->an[0].rd.txt.data, m->an[0].rd.txt.data,
	    300), 0);
	ck_assert_uint_eq(d->an[1].rd.txt.len, 0);
	/*
	 * RFC 1035 3.3.14: two <character-string>s, 255 and 45 bytes, so
	 * RDLENGTH 302; the second record has one empty string.
	 */
	long at = find_bytes(w, (size_t)len, "\x01\x2e\xff" "abc", 6);
	ck_assert_int_gt(at, 0);
	ck_assert_uint_eq(w[at + 3 + 255], 45);
	ck_assert_uint_eq(get16(w + len - 3), 1);
	ck_assert_uint_eq(w[len - 1], 0);
	free(d);
	free(m);
}
END_TEST

START_TEST(test_codec_referral_with_glue)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *m = msg_new(0x1111, "www.dept.example.com", DNS_T_A, 1);
	struct dns_rr *rr;

	m->rd = 0;
	rr = rr_add(m->ns, &m->nns, "com", DNS_T_NS, 86400);
	strcpy(rr->rd.target, "a.gtld.example");
	rr = rr_add(m->ns, &m->nns, "com", DNS_T_NS, 86400);
	strcpy(rr->rd.target, "b.gtld.example");
	rr = rr_add(m->ar, &m->nar, "a.gtld.example", DNS_T_A, 86400);
	rr->rd.a = 0x0a090001;
	rr = rr_add(m->ar, &m->nar, "b.gtld.example", DNS_T_A, 86400);
	rr->rd.a = 0x0a090002;
	struct dns_msg *d = round_trip(m, w, &len);

	ck_assert_str_eq(d->ns[0].name, "com");
	ck_assert_str_eq(d->ns[1].rd.target, "b.gtld.example");
	ck_assert_str_eq(d->ar[1].name, "b.gtld.example");
	ck_assert_uint_eq(d->ar[1].rd.a, 0x0a090002);
	char *t = describe(d);
	ck_assert_str_eq(t, "referral to com: a.gtld.example (10.9.0.1), "
	    "b.gtld.example (10.9.0.2)");
	free(t);
	free(d);
	free(m);
}
END_TEST

START_TEST(test_codec_root_and_escapes)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *m = msg_new(1, "", DNS_T_NS, 0);
	struct dns_msg *d = round_trip(m, w, &len);

	ck_assert_int_eq(len, 12 + 1 + 4);
	ck_assert_str_eq(d->qname, "");
	free(d);
	free(m);

	/* A dot and a space inside labels: escaped in text, exact on the wire. */
	m = msg_new(2, "a\\.b\\032c.example", DNS_T_TXT, 0);
	d = round_trip(m, w, &len);
	ck_assert_int_eq(memcmp(w + 12, "\x05" "a.b c" "\x07" "example", 14),
	    0);
	ck_assert_str_eq(d->qname, "a\\.b\\032c.example");
	free(d);
	free(m);
}
END_TEST

START_TEST(test_codec_encode_refuses)
{
	uint8_t w[4096];
	char label[80];
	struct dns_msg *m = msg_new(1, "a..b", DNS_T_A, 0);

	ck_assert_int_eq(dns_encode(m, w, sizeof w), -1);
	memset(label, 'x', 64);
	strcpy(label + 64, ".com");
	snprintf(m->qname, sizeof m->qname, "%s", label);
	ck_assert_int_eq(dns_encode(m, w, sizeof w), -1);	/* label of 64 */
	snprintf(m->qname, sizeof m->qname, "%s", label + 1);
	ck_assert_int_gt(dns_encode(m, w, sizeof w), 0);	/* of 63 */
	strcpy(m->qname, "example.com");
	ck_assert_int_eq(dns_encode(m, w, 20), -1);		/* no room */
	m->nan = DNS_MAX_RR + 1;
	ck_assert_int_eq(dns_encode(m, w, sizeof w), -1);
	free(m);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Codec: compression */

START_TEST(test_codec_compression_used)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *m = msg_new(3, "penerimamail.com", DNS_T_MX, 1);
	struct dns_rr *rr;
	size_t plain = DNS_HLEN + wire_name_len(m->qname) + 4;

	rr = rr_add(m->an, &m->nan, "penerimamail.com", DNS_T_MX, 3600);
	rr->rd.mx.preference = 10;
	strcpy(rr->rd.mx.exchange, "mx.penerimamail.com");
	plain += wire_name_len(rr->name) + 10 + 2 + wire_name_len(
	    rr->rd.mx.exchange);
	rr = rr_add(m->ar, &m->nar, "mx.penerimamail.com", DNS_T_A, 3600);
	rr->rd.a = 0x0a020019;
	plain += wire_name_len(rr->name) + 10 + 4;
	rr = rr_add(m->ns, &m->nns, "penerimamail.com", DNS_T_SOA, 300);
	strcpy(rr->rd.soa.mname, "mx.penerimamail.com");
	strcpy(rr->rd.soa.rname, "hostmaster.penerimamail.com");
	plain += wire_name_len(rr->name) + 10 + wire_name_len(
	    rr->rd.soa.mname) + wire_name_len(rr->rd.soa.rname) + 20;

	struct dns_msg *d = round_trip(m, w, &len);
	ck_assert_int_lt(len, (int)plain);
	/* Question at 12 (18 bytes) + type/class: the answer's owner at 34. */
	ck_assert_uint_eq(w[34], 0xc0);
	ck_assert_uint_eq(w[35], 0x0c);
	/* MX RDATA at 46: preference, then "mx" and a pointer to the question. */
	ck_assert_uint_eq(get16(w + 44), 2 + 3 + 2);	/* RDLENGTH */
	ck_assert_uint_eq(get16(w + 46), 10);
	ck_assert_int_eq(memcmp(w + 48, "\x02mx\xc0\x0c", 5), 0);
	/* SOA MNAME points at "mx..." inside the MX RDATA; RNAME's suffix at the question. */
	ck_assert_int_eq(memcmp(w + 53, "\xc0\x0c\x00\x06", 4), 0);
	ck_assert_int_eq(memcmp(w + 65, "\xc0\x30" "\x0ahostmaster\xc0\x0c",
	    15), 0);
	/* The additional A's owner is the same pointer. */
	ck_assert_int_ge(find_bytes(w + 100, (size_t)len - 100,
	    "\xc0\x30\x00\x01\x00\x01", 6), 0);
	ck_assert_str_eq(d->ns[0].rd.soa.rname, "hostmaster.penerimamail.com");
	ck_assert_str_eq(d->ar[0].name, "mx.penerimamail.com");
	free(d);
	free(m);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Codec: hand-written bytes */

START_TEST(test_codec_decode_handwritten)
{
	/*
	 * A response for www.example.net A: the answer is a CNAME from
	 * www.example.net (pointer to 12) to web.example.net ("web" and a
	 * pointer to "example.net" at 16), then web's A, its owner a pointer
	 * into the CNAME's RDATA (offset 45).  Trailing garbage is allowed.
	 */
	static const uint8_t msg[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		3, 'n', 'e', 't', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6,
		3, 'w', 'e', 'b', 0xc0, 16,
		0xc0, 45, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 7,
		0xde, 0xad,
	};
	struct dns_msg *m = xcalloc(1, sizeof *m);

	ck_assert_int_eq(dns_decode(msg, sizeof msg, m), 0);
	ck_assert_uint_eq(m->id, 0x1234);
	ck_assert(m->qr && m->rd && m->ra && !m->aa);
	ck_assert_str_eq(m->qname, "www.example.net");
	ck_assert_int_eq(m->nan, 2);
	ck_assert_str_eq(m->an[0].name, "www.example.net");
	ck_assert_uint_eq(m->an[0].type, DNS_T_CNAME);
	ck_assert_str_eq(m->an[0].rd.target, "web.example.net");
	ck_assert_str_eq(m->an[1].name, "web.example.net");
	ck_assert_uint_eq(m->an[1].rd.a, 0xc0000207);
	ck_assert_uint_eq(m->an[1].ttl, 3600);
	char *t = describe(m);
	ck_assert_str_eq(t, "answer www.example.net CNAME web.example.net; "
	    "web.example.net A 192.0.2.7");
	free(t);
	free(m);
}
END_TEST

START_TEST(test_codec_rejects_truncated)
{
	uint8_t w[4096];
	struct dns_msg *m = msg_new(5, "penerimamail.com", DNS_T_MX, 1);
	struct dns_msg *d = xcalloc(1, sizeof *d);
	struct dns_rr *rr = rr_add(m->an, &m->nan, "penerimamail.com",
	    DNS_T_MX, 3600);

	rr->rd.mx.preference = 10;
	strcpy(rr->rd.mx.exchange, "mx.penerimamail.com");
	rr = rr_add(m->an, &m->nan, "penerimamail.com", DNS_T_TXT, 1);
	strcpy(rr->rd.txt.data, "v=spf1 mx -all");
	rr->rd.txt.len = 14;
	int len = dns_encode(m, w, sizeof w);
	ck_assert_int_gt(len, 0);
	/* Every proper prefix is refused; short headers as truncated. */
	for (int n = 0; n < len; n++) {
		int err = dns_decode(w, (size_t)n, d);

		ck_assert_msg(err < 0, "a prefix of %d bytes decoded", n);
		if (n < DNS_HLEN)
			ck_assert_int_eq(err, DNS_WERR_TRUNCATED);
	}
	ck_assert_int_eq(dns_decode(w, (size_t)len, d), 0);
	/* RDLENGTH pointing past the end. */
	w[len - 16]++;
	ck_assert_int_eq(dns_decode(w, (size_t)len, d), DNS_WERR_TRUNCATED);
	free(d);
	free(m);
}
END_TEST

START_TEST(test_codec_rejects_pointers)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);
	/* The question's name is a pointer to itself. */
	static const uint8_t self[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 12, 0, 1, 0, 1,
	};
	/* "a" then a pointer back to "a": a loop through one label. */
	static const uint8_t loop[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 0xc0, 12, 0, 1, 0, 1,
	};
	/* A pointer to offset 18, after itself. */
	static const uint8_t fwd[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 18, 0, 1, 0, 1, 1, 'x', 0,
	};
	/*
	 * Two names pointing at each other: the answer's owner "b" points
	 * to the question, whose name points forward at the answer.
	 */
	static const uint8_t pair[] = {
		0, 1, 0x80, 0, 0, 1, 0, 1, 0, 0, 0, 0,
		0xc0, 18, 0, 1, 0, 1,
		1, 'b', 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4,
	};
	/* The label type bits 01 and 10 (lengths 64 and 128). */
	static const uint8_t l64[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0x40, 'a', 0, 0, 1, 0, 1,
	};
	static const uint8_t l128[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0x80, 'a', 0, 0, 1, 0, 1,
	};

	ck_assert_int_eq(dns_decode(self, sizeof self, m), DNS_WERR_PTR_LOOP);
	ck_assert_int_eq(dns_decode(loop, sizeof loop, m), DNS_WERR_PTR_LOOP);
	ck_assert_int_eq(dns_decode(fwd, sizeof fwd, m), DNS_WERR_PTR_FORWARD);
	ck_assert_int_eq(dns_decode(pair, sizeof pair, m),
	    DNS_WERR_PTR_FORWARD);
	ck_assert_int_eq(dns_decode(l64, sizeof l64, m),
	    DNS_WERR_LABEL_TOO_LONG);
	ck_assert_int_eq(dns_decode(l128, sizeof l128, m),
	    DNS_WERR_LABEL_TOO_LONG);
	free(m);
}
END_TEST

START_TEST(test_codec_rejects_long_names)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);
	uint8_t w[1024];
	size_t n = 12;

	/* Five labels of 63: 321 octets. */
	memset(w, 0, 12);
	w[5] = 1;
	for (int i = 0; i < 5; i++) {
		w[n++] = 63;
		memset(w + n, 'a' + i, 63);
		n += 63;
	}
	w[n++] = 0;
	memcpy(w + n, "\0\1\0\1", 4);
	n += 4;
	ck_assert_int_eq(dns_decode(w, n, m), DNS_WERR_NAME_TOO_LONG);

	/*
	 * Within 255 in place, too long once expanded: a question of 4 x 50
	 * (205 octets), and an answer owned by a label of 60 and a pointer
	 * to it (266).
	 */
	n = 12;
	w[7] = 1;
	for (int i = 0; i < 4; i++) {
		w[n++] = 50;
		memset(w + n, 'a' + i, 50);
		n += 50;
	}
	w[n++] = 0;
	memcpy(w + n, "\0\1\0\1", 4);
	n += 4;
	ck_assert_int_eq(dns_decode(w, n, m), DNS_WERR_TRUNCATED);
	w[n++] = 60;
	memset(w + n, 'z', 60);
	n += 60;
	w[n++] = 0xc0;
	w[n++] = 12;
	memcpy(w + n, "\0\1\0\1\0\0\0\1\0\4\1\2\3\4", 14);
	n += 14;
	ck_assert_int_eq(dns_decode(w, n, m), DNS_WERR_NAME_TOO_LONG);
	/* A label of 40 instead: 246 octets, fine. */
	w[221] = 40;
	memmove(w + 222 + 40, w + 222 + 60, 16);
	ck_assert_int_eq(dns_decode(w, n - 20, m), 0);
	ck_assert_uint_eq(strlen(m->an[0].name), 40 + 1 + 4 * 50 + 3);
	free(m);
}
END_TEST

START_TEST(test_codec_rejects_bad_rdata_and_counts)
{
	struct dns_msg *m = xcalloc(1, sizeof *m);
	/* An A record with RDLENGTH 5. */
	uint8_t a5[] = {
		0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 'x', 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5,
	};
	/* An MX whose exchange runs past RDLENGTH 4. */
	uint8_t mx[] = {
		0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 'x', 0, 0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 10, 2, 'm', 'x', 0,
	};
	/* A TXT string longer than its RDATA. */
	uint8_t txt[] = {
		0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 'x', 0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 3, 5, 'a', 'b', 0, 0,
	};
	/* One answer more than we keep (DNS_MAX_RR). */
	uint8_t hdr[12] = { 0, 1, 0x80, 0, 0, 1, 0, DNS_MAX_RR + 1, 0, 0, 0, 0 };

	ck_assert_int_eq(dns_decode(a5, sizeof a5, m), DNS_WERR_RDATA_LEN);
	ck_assert_int_eq(dns_decode(mx, sizeof mx, m), DNS_WERR_RDATA_LEN);
	ck_assert_int_eq(dns_decode(txt, sizeof txt, m), DNS_WERR_RDATA_LEN);
	a5[24] = 4;	/* RDLENGTH 4: fine, the fifth byte is trailing */
	ck_assert_int_eq(dns_decode(a5, sizeof a5, m), 0);
	ck_assert_uint_eq(m->an[0].rd.a, 0x01020304);
	ck_assert_int_eq(dns_decode(hdr, sizeof hdr, m), DNS_WERR_TOO_MANY);
	hdr[5] = 2;
	hdr[7] = 0;
	ck_assert_int_eq(dns_decode(hdr, sizeof hdr, m), DNS_WERR_TOO_MANY);
	hdr[5] = 0;
	ck_assert_int_eq(dns_decode(hdr, sizeof hdr, m), 0);
	ck_assert_int_eq(m->qdcount, 0);
	free(m);
}
END_TEST

START_TEST(test_codec_unknown_type_kept)
{
	uint8_t w[4096];
	int len;
	struct dns_msg *m = msg_new(4, "v6.example.com", DNS_T_AAAA, 1);
	struct dns_rr *rr = rr_add(m->an, &m->nan, "v6.example.com",
	    DNS_T_AAAA, 120);

	rr->rd.raw.len = 16;
	memcpy(rr->rd.raw.data, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01",
	    16);
	struct dns_msg *d = round_trip(m, w, &len);
	ck_assert_uint_eq(d->an[0].rd.raw.len, 16);
	ck_assert_int_eq(memcmp(d->an[0].rd.raw.data, rr->rd.raw.data, 16), 0);
	char *t = describe(d);
	ck_assert_str_eq(t, "answer v6.example.com AAAA \\# 16 "
	    "20010db8000000000000000000000001");
	free(t);
	free(d);
	free(m);
}
END_TEST

START_TEST(test_codec_describe)
{
	struct dns_msg *m = msg_new(1, "penerimamail.com", DNS_T_MX, 0);
	struct dns_rr *rr;
	char *t;

	t = describe(m);
	ck_assert_str_eq(t, "query MX penerimamail.com?");
	free(t);
	m->qr = 1;
	rr = rr_add(m->an, &m->nan, "penerimamail.com", DNS_T_MX, 3600);
	rr->rd.mx.preference = 10;
	strcpy(rr->rd.mx.exchange, "mx.penerimamail.com");
	t = describe(m);
	ck_assert_str_eq(t, "answer penerimamail.com MX 10 mx.penerimamail.com");
	free(t);
	rr = rr_add(m->an, &m->nan, "penerimamail.com", DNS_T_MX, 3600);
	rr->rd.mx.preference = 20;
	strcpy(rr->rd.mx.exchange, "backup.penerimamail.com");
	rr = rr_add(m->ar, &m->nar, "mx.penerimamail.com", DNS_T_A, 3600);
	rr->rd.a = 0x0a020019;
	t = describe(m);
	ck_assert_str_eq(t, "answer penerimamail.com MX 10 mx.penerimamail.com; "
	    "penerimamail.com MX 20 backup.penerimamail.com (additional: "
	    "mx.penerimamail.com A 10.2.0.25)");
	free(t);

	m->nan = m->nar = 0;
	m->rcode = DNS_R_NXDOMAIN;
	strcpy(m->qname, "nope.example");
	t = describe(m);
	ck_assert_str_eq(t, "NXDOMAIN nope.example (no such domain)");
	free(t);
	m->rcode = DNS_R_NOERROR;
	t = describe(m);
	ck_assert_str_eq(t, "NODATA nope.example MX (no record of that type)");
	free(t);
	m->rcode = DNS_R_SERVFAIL;
	t = describe(m);
	ck_assert_str_eq(t, "SERVFAIL nope.example (server failure)");
	free(t);
	m->rcode = DNS_R_NOERROR;
	m->qr = 0;
	m->qtype = DNS_T_TXT;
	strcpy(m->qname, "");
	t = describe(m);
	ck_assert_str_eq(t, "query TXT .?");
	free(t);
	m->qr = 1;
	rr = rr_add(m->an, &m->nan, "", DNS_T_TXT, 1);
	strcpy(rr->rd.txt.data, "say \"hi\"");
	rr->rd.txt.len = 8;
	t = describe(m);
	ck_assert_str_eq(t, "answer . TXT \"say \\\"hi\\\"\"");
	free(t);
	ck_assert_str_eq(dns_type_str(DNS_T_CNAME), "CNAME");
	ck_assert_str_eq(dns_type_str(99), "TYPE");
	ck_assert_str_eq(dns_rcode_str(DNS_R_NXDOMAIN), "NXDOMAIN");
	ck_assert_int_eq(dns_type_from_str("mx"), DNS_T_MX);
	free(m);
}
END_TEST

START_TEST(test_codec_names)
{
	ck_assert(dns_name_eq("Example.COM", "example.com."));
	ck_assert(dns_name_eq("", "."));
	ck_assert(!dns_name_eq("example.com", "example.co"));
	ck_assert(dns_name_under("www.Example.com", "example.com"));
	ck_assert(dns_name_under("example.com", "example.com"));
	ck_assert(dns_name_under("example.com", ""));
	ck_assert(!dns_name_under("badexample.com", "example.com"));
	ck_assert(!dns_name_under("a\\.example.com", "example.com"));
	ck_assert(!dns_name_under("a\\.com", "com"));
	ck_assert_str_eq(dns_name_parent("a.b.c"), "b.c");
	ck_assert_str_eq(dns_name_parent("c"), "");
	ck_assert_str_eq(dns_name_parent(""), "");
}
END_TEST

/* ---------------------------------------------------------------- */
/* The simulated world */

/*
 * pc asks rec, a recursive server that knows only the root; the root
 * delegates com, com delegates example.com, example.com delegates
 * dept.example.com.  pc2 asks plain, an authoritative server that
 * speaks for every name.  lonely has no resolver; self is its own.
 * Everything hangs off one router.  (Single quotes become double.)
 */
static const char world_json[] =
"{'surel': 1, 'title': 'dns', 'seed': 7,"
" 'nodes': ["
"  {'id': 'pc', 'kind': 'client', 'ip': '10.0.0.10', 'resolver': 'rec'},"
"  {'id': 'pc2', 'kind': 'client', 'ip': '10.0.0.11', 'resolver': 'plain'},"
"  {'id': 'lonely', 'kind': 'client', 'ip': '10.0.0.12'},"
"  {'id': 'r1', 'kind': 'router', 'ip': '10.0.0.1'},"
"  {'id': 'rec', 'kind': 'server', 'ip': '10.0.0.53',"
"   'hostname': 'resolver.isp.test', 'services': {'dns': {"
"     'recursive': true,"
"     'records': [{'name': 'resolver.isp.test', 'type': 'A',"
"                  'address': '10.0.0.53'}],"
"     'delegate': [{'zone': '.', 'ns': 'a.root.test',"
"                   'address': '10.0.1.1'}]}}},"
"  {'id': 'root', 'kind': 'server', 'ip': '10.0.1.1',"
"   'hostname': 'a.root.test', 'services': {'dns': {"
"     'delegate': [{'zone': 'com', 'ns': 'a.gtld.test',"
"                   'address': '10.0.2.1'}]}}},"
"  {'id': 'tld', 'kind': 'server', 'ip': '10.0.2.1',"
"   'hostname': 'a.gtld.test', 'services': {'dns': {"
"     'delegate': [{'zone': 'example.com', 'ns': 'ns.example.com',"
"                   'address': '10.0.3.1'}]}}},"
"  {'id': 'sld', 'kind': 'server', 'ip': '10.0.3.1',"
"   'hostname': 'ns.example.com', 'services': {'dns': {"
"     'records': [{'name': 'example.com', 'type': 'MX', 'preference': 5,"
"                  'exchange': 'mail.dept.example.com'}],"
"     'delegate': [{'zone': 'dept.example.com',"
"                   'ns': 'ns.dept.example.com', 'address': '10.0.4.1'}]}}},"
"  {'id': 'leaf', 'kind': 'server', 'ip': '10.0.4.1',"
"   'hostname': 'ns.dept.example.com', 'services': {'dns': {'records': ["
"     {'name': 'www.dept.example.com', 'type': 'A', 'address': '10.0.9.9',"
"      'ttl': 600},"
"     {'name': 'alias.dept.example.com', 'type': 'CNAME',"
"      'target': 'www.dept.example.com', 'ttl': 60},"
"     {'name': 'mail.dept.example.com', 'type': 'A',"
"      'address': '10.0.9.25'}]}}},"
"  {'id': 'plain', 'kind': 'server', 'ip': '10.0.5.53',"
"   'hostname': 'ns.plain.test', 'services': {'dns': {'records': ["
"     {'name': 'penerimamail.com', 'type': 'MX', 'preference': 10,"
"      'exchange': 'mx.penerimamail.com'},"
"     {'name': 'penerimamail.com', 'type': 'MX', 'preference': 20,"
"      'exchange': 'backup.penerimamail.com'},"
"     {'name': 'mx.penerimamail.com', 'type': 'A', 'address': '10.2.0.25'},"
"     {'name': 'pop.penerimamail.com', 'type': 'A',"
"      'address': '10.2.0.110'},"
"     {'name': 'imap.penerimamail.com', 'type': 'CNAME',"
"      'target': 'pop.penerimamail.com'},"
"     {'name': 'out.penerimamail.com', 'type': 'CNAME',"
"      'target': 'www.dept.example.com'},"
"     {'name': '_dmarc.penerimamail.com', 'type': 'TXT',"
"      'text': 'v=DMARC1; p=none'},"
"     {'name': 'long.penerimamail.com', 'type': 'TXT', 'text': '@LONG@'}]}}},"
"  {'id': 'self', 'kind': 'server', 'ip': '10.0.6.53',"
"   'hostname': 'self.test', 'resolver': 'self',"
"   'services': {'dns': {'port': 5353, 'records': ["
"     {'name': 'self.test', 'type': 'A', 'address': '10.0.6.53'}]}}}"
" ],"
" 'links': ["
"  {'a': 'pc', 'b': 'r1'}, {'a': 'pc2', 'b': 'r1'}, {'a': 'lonely', 'b': 'r1'},"
"  {'a': 'rec', 'b': 'r1'}, {'a': 'root', 'b': 'r1'}, {'a': 'tld', 'b': 'r1'},"
"  {'a': 'sld', 'b': 'r1'}, {'a': 'leaf', 'b': 'r1'},"
"  {'a': 'plain', 'b': 'r1'}, {'a': 'self', 'b': 'r1'}"
" ],"
" 'actions': []}";

enum { PC, PC2, LONELY, R1, REC, ROOT, TLD, SLD, LEAF, PLAIN, SELF };

static struct scenario *
world_load(void)
{
	struct buf b = { 0 };
	struct sc_errors e = { 0 };
	const char *at = strstr(world_json, "@LONG@");

	/* A TXT of 600 bytes, too long for 512-octet UDP. */
	buf_append(&b, world_json, (size_t)(at - world_json));
	for (int i = 0; i < 600; i++)
		buf_putc(&b, 'a' + i % 26);
	buf_puts(&b, at + 6);
	char *json = (char *)b.data;
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct scenario *sc = scenario_load(json, strlen(json), "world.json",
	    &e);
	ck_assert_msg(sc != NULL, "scenario: %s", e.n ? e.msg[0] : "?");
	sc_errors_free(&e);
	free(json);
	ck_assert_int_eq(scenario_node_index(sc, "self"), SELF);
	return sc;
}

/* What one lookup came back with. */
struct got {
	int		 calls;
	uint64_t	 t;
	struct dns_answer a;
	/* Reentrancy: ask this next from inside the callback. */
	const char	*then_name;
	int		 then_type;
	struct got	*then;
};

static void
got_cb(struct sim *s, void *u, const struct dns_answer *a)
{
	struct got *g = u;

	g->calls++;
	g->t = sim_now(s);
	g->a = *a;
	if (g->then_name != NULL)
		dns_query(s, PC2, g->then_name, g->then_type, got_cb, g->then);
}

static struct got *
ask(struct sim *s, int node, const char *name, int type)
{
	struct got *g = xcalloc(1, sizeof *g);

	dns_query(s, node, name, type, got_cb, g);
	return g;
}

static void
noop_ev(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	(void)ctx;
	(void)obj;
	(void)a;
	(void)b;
}

/* Run to time t, the clock included (sim_run_until stops at the last event). */
static void
run_to(struct sim *s, uint64_t t)
{
	evq_at(s->q, t, noop_ev, NULL, NULL, 0, 0);
	sim_run_until(s, t);
	ck_assert_uint_eq(sim_now(s), t);
}

/* DNS messages from node to peer (-1: any) whose text starts with prefix, since record from. */
static int
count_app(const struct sim *s, size_t from, int node, int peer,
    const char *prefix)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;

	for (size_t i = from; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_APP || r.a != APP_DNS)
			continue;
		if ((node >= 0 && r.node != node) ||
		    (peer >= 0 && r.peer != peer))
			continue;
		if (strncmp(trace_text_at(tr, r.text), prefix,
		    strlen(prefix)) == 0)
			n++;
	}
	return n;
}

/* The first TR_STATE record of what at node with exactly this text into *out (may be NULL); 0 if none. */
static int
find_state(const struct sim *s, int node, enum state_what what,
    const char *text, struct trace_rec *out)
{
	const struct trace *tr = sim_trace(s);

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_STATE && r.node == node && r.a == what &&
		    strcmp(trace_text_at(tr, r.text), text) == 0) {
			if (out != NULL)
				*out = r;
			return 1;
		}
	}
	return 0;
}

START_TEST(test_sim_plain_answers)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *a = ask(s, PC2, "mx.penerimamail.com", DNS_T_A);
	struct got *mx = ask(s, PC2, "PenerimaMail.com", DNS_T_MX);
	struct got *cn = ask(s, PC2, "imap.penerimamail.com", DNS_T_A);
	struct got *txt = ask(s, PC2, "_dmarc.penerimamail.com", DNS_T_TXT);
	struct got *nx = ask(s, PC2, "nope.penerimamail.com", DNS_T_A);
	struct got *nd = ask(s, PC2, "mx.penerimamail.com", DNS_T_MX);
	struct got *ent = ask(s, PC2, "com", DNS_T_A);	/* has names below it */

	sim_run(s);
	ck_assert_int_eq(a->calls, 1);
	ck_assert_int_eq(a->a.status, DNS_OK);
	ck_assert_int_eq(a->a.n, 1);
	ck_assert_uint_eq(a->a.rr[0].rd.a, 0x0a020019);
	ck_assert_uint_eq(a->a.rr[0].ttl, 3600);

	ck_assert_int_eq(mx->a.status, DNS_OK);
	ck_assert_int_eq(mx->a.n, 2);
	ck_assert_uint_eq(mx->a.rr[0].type, DNS_T_MX);
	ck_assert_str_eq(mx->a.rr[0].name, "PenerimaMail.com");
	ck_assert_str_eq(mx->a.rr[0].rd.mx.exchange, "mx.penerimamail.com");
	ck_assert_uint_eq(mx->a.rr[1].rd.mx.preference, 20);

	/* The CNAME is followed inside the server's data; only the A comes back. */
	ck_assert_int_eq(cn->a.status, DNS_OK);
	ck_assert_int_eq(cn->a.n, 1);
	ck_assert_uint_eq(cn->a.rr[0].type, DNS_T_A);
	ck_assert_uint_eq(cn->a.rr[0].rd.a, 0x0a02006e);

	ck_assert_int_eq(txt->a.status, DNS_OK);
	ck_assert_str_eq(txt->a.rr[0].rd.txt.data, "v=DMARC1; p=none");

	ck_assert_int_eq(nx->a.status, DNS_NXDOMAIN);
	ck_assert_int_eq(nx->a.n, 0);
	ck_assert_int_eq(nd->a.status, DNS_NODATA);
	ck_assert_int_eq(ent->a.status, DNS_NODATA);

	/* The transcript, in dig-like words. */
	ck_assert_int_eq(count_app(s, 0, PC2, PLAIN,
	    "query MX PenerimaMail.com?"), 1);
	ck_assert_int_eq(count_app(s, 0, PLAIN, PC2,
	    "answer PenerimaMail.com MX 10 mx.penerimamail.com; "
	    "PenerimaMail.com MX 20 backup.penerimamail.com (additional: "
	    "mx.penerimamail.com A 10.2.0.25)"), 1);
	ck_assert_int_eq(count_app(s, 0, PLAIN, PC2,
	    "answer imap.penerimamail.com CNAME pop.penerimamail.com; "
	    "pop.penerimamail.com A 10.2.0.110"), 1);
	ck_assert_int_eq(count_app(s, 0, PLAIN, PC2,
	    "NXDOMAIN nope.penerimamail.com (no such domain)"), 1);
	ck_assert_int_eq(count_app(s, 0, PLAIN, PC2,
	    "NODATA mx.penerimamail.com MX"), 1);
	ck_assert_int_eq(count_app(s, 0, -1, -1, ""), 14);
	/* A plain server caches nothing. */
	ck_assert(!find_state(s, PLAIN, ST_DNS_CACHE_ADD, "", NULL));
	free(a);
	free(mx);
	free(cn);
	free(txt);
	free(nx);
	free(nd);
	free(ent);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* The frames a node created that carry UDP to or from port. */
static int
count_udp_frames(const struct sim *s, int origin, uint16_t port)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;

	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		const uint8_t *p = trace_frame_bytes(tr, f);

		if (trace_frame(tr, f)->origin != origin || p[14 + 9] != 17)
			continue;
		n += get16(p + 34) == port || get16(p + 36) == port;
	}
	return n;
}

/* Whether the DNS frames node created (to port 53) have RD set; -1 when mixed or none. */
static int
frames_rd(const struct sim *s, int origin)
{
	const struct trace *tr = sim_trace(s);
	int rd = -1;

	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		const uint8_t *p = trace_frame_bytes(tr, f);

		if (trace_frame(tr, f)->origin != origin || p[23] != 17 ||
		    get16(p + 36) != 53)
			continue;
		int bit = p[44] & 1;
		if (rd >= 0 && rd != bit)
			return -1;
		rd = bit;
	}
	return rd;
}

START_TEST(test_sim_recursive_from_the_root)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = ask(s, PC, "www.dept.example.com", DNS_T_A);

	sim_run_until(s, 10 * SIM_SEC);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_int_eq(g->a.status, DNS_OK);
	ck_assert_uint_eq(g->a.rr[0].rd.a, 0x0a000909);
	ck_assert_uint_eq(g->a.rr[0].ttl, 600);

	/* Down the tree: root, com and example.com refer, dept answers. */
	ck_assert_int_eq(count_app(s, 0, REC, ROOT,
	    "query A www.dept.example.com?"), 1);
	ck_assert_int_eq(count_app(s, 0, ROOT, REC,
	    "referral to com: a.gtld.test (10.0.2.1)"), 1);
	ck_assert_int_eq(count_app(s, 0, TLD, REC,
	    "referral to example.com: ns.example.com (10.0.3.1)"), 1);
	ck_assert_int_eq(count_app(s, 0, SLD, REC,
	    "referral to dept.example.com: ns.dept.example.com (10.0.4.1)"), 1);
	ck_assert_int_eq(count_app(s, 0, -1, -1, "referral"), 3);
	ck_assert_int_eq(count_app(s, 0, LEAF, REC,
	    "answer www.dept.example.com A 10.0.9.9"), 1);
	ck_assert_int_eq(count_app(s, 0, REC, PC,
	    "answer www.dept.example.com A 10.0.9.9"), 1);
	ck_assert_int_eq(count_app(s, 0, -1, -1, ""), 10);

	/* What the resolver learnt, in its cache. */
	struct trace_rec r;

	ck_assert(find_state(s, REC, ST_DNS_CACHE_ADD,
	    "www.dept.example.com A 10.0.9.9 ttl=600", &r));
	ck_assert(find_state(s, REC, ST_DNS_CACHE_ADD,
	    "com NS a.gtld.test ttl=86400", NULL));
	ck_assert(find_state(s, REC, ST_DNS_CACHE_ADD,
	    "ns.dept.example.com A 10.0.4.1 ttl=86400", NULL));
	uint64_t added = r.t;

	/*
	 * 100 s later: from the cache, nothing sent upstream, and 100 s
	 * less TTL (499: the query takes 10 ms to reach rec, and the TTL
	 * left is counted in whole seconds).
	 */
	run_to(s, added + 100 * SIM_SEC);
	size_t mark = trace_count(sim_trace(s));
	struct got *g2 = ask(s, PC, "WWW.dept.example.com", DNS_T_A);
	sim_run_until(s, added + 110 * SIM_SEC);
	ck_assert_int_eq(g2->a.status, DNS_OK);
	ck_assert_uint_eq(g2->a.rr[0].rd.a, 0x0a000909);
	ck_assert_uint_eq(g2->a.rr[0].ttl, 499);
	ck_assert_str_eq(g2->a.rr[0].name, "WWW.dept.example.com");
	ck_assert_int_eq(count_app(s, mark, REC, -1, ""), 1);
	ck_assert_int_eq(count_app(s, mark, REC, PC,
	    "answer WWW.dept.example.com A 10.0.9.9"), 1);

	/* A sibling name goes straight to dept's server: its NS is cached. */
	mark = trace_count(sim_trace(s));
	struct got *g3 = ask(s, PC, "mail.dept.example.com", DNS_T_A);
	sim_run_until(s, added + 120 * SIM_SEC);
	ck_assert_int_eq(g3->a.status, DNS_OK);
	ck_assert_int_eq(count_app(s, mark, REC, LEAF, "query"), 1);
	ck_assert_int_eq(count_app(s, mark, REC, -1, "query"), 1);

	/* The TTL runs out: the expiry is in the trace, at the right time. */
	sim_run_until(s, SIM_MAX_NS);	/* expiries are background events */
	ck_assert(find_state(s, REC, ST_DNS_CACHE_EXPIRE,
	    "www.dept.example.com A 10.0.9.9", &r));
	ck_assert_uint_eq(r.t, added + 600 * SIM_SEC);
	ck_assert(find_state(s, REC, ST_DNS_CACHE_EXPIRE,
	    "com NS a.gtld.test", NULL));
	/* Everything expired: the last count is 0, and the run ended. */
	const struct trace *tr = sim_trace(s);
	const struct trace_rec last = trace_at(tr, trace_count(tr) - 1);
	ck_assert_uint_eq(last.a, ST_DNS_CACHE_EXPIRE);
	ck_assert_uint_eq(last.b, 0);
	ck_assert_uint_le(sim_now(s), SIM_MAX_NS);

	/* The stub asks for recursion (RD); rec asks the others without. */
	ck_assert_int_eq(frames_rd(s, PC), 1);
	ck_assert_int_eq(frames_rd(s, REC), 0);
	/* Only rec sent to the other servers; the leaf spoke only to rec. */
	ck_assert_int_eq(count_udp_frames(s, LEAF, 53), 2);
	free(g);
	free(g2);
	free(g3);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_recursive_negative_and_cname)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *nx = ask(s, PC, "nope.dept.example.com", DNS_T_A);
	struct got *nd = ask(s, PC, "www.dept.example.com", DNS_T_MX);
	struct got *cn = ask(s, PC, "alias.dept.example.com", DNS_T_A);
	struct got *mx = ask(s, PC, "example.com", DNS_T_MX);
	struct got *tld = ask(s, PC, "nosuchtld", DNS_T_A);

	sim_run_until(s, 10 * SIM_SEC);
	ck_assert_int_eq(nx->a.status, DNS_NXDOMAIN);
	ck_assert_int_eq(nd->a.status, DNS_NODATA);
	ck_assert_int_eq(cn->a.status, DNS_OK);
	ck_assert_int_eq(cn->a.n, 1);
	ck_assert_uint_eq(cn->a.rr[0].rd.a, 0x0a000909);
	ck_assert_int_eq(mx->a.status, DNS_OK);
	ck_assert_str_eq(mx->a.rr[0].rd.mx.exchange, "mail.dept.example.com");
	ck_assert_int_eq(tld->a.status, DNS_NXDOMAIN);

	/* RFC 2308: the negative answers are cached for the SOA minimum. */
	struct trace_rec r;

	ck_assert(find_state(s, REC, ST_DNS_CACHE_ADD,
	    "nope.dept.example.com A NXDOMAIN ttl=300", &r));
	ck_assert(find_state(s, REC, ST_DNS_CACHE_ADD,
	    "www.dept.example.com MX NODATA ttl=300", NULL));
	ck_assert(find_state(s, REC, ST_DNS_CACHE_ADD,
	    "alias.dept.example.com CNAME www.dept.example.com ttl=60", NULL));
	/* NXDOMAIN from the cache, for another type, with what is left of 300 s. */
	run_to(s, r.t + 60 * SIM_SEC);
	size_t mark = trace_count(sim_trace(s));
	struct got *nx2 = ask(s, PC, "nope.dept.example.com", DNS_T_TXT);
	sim_run_until(s, r.t + 70 * SIM_SEC);
	ck_assert_int_eq(nx2->a.status, DNS_NXDOMAIN);
	ck_assert_int_eq(count_app(s, mark, REC, -1, ""), 1);
	ck_assert_int_eq(count_app(s, mark, REC, PC,
	    "NXDOMAIN nope.dept.example.com"), 1);
	sim_run_until(s, SIM_MAX_NS);	/* expiries are background events */
	ck_assert(find_state(s, REC, ST_DNS_CACHE_EXPIRE,
	    "nope.dept.example.com A NXDOMAIN", NULL));
	free(nx);
	free(nd);
	free(cn);
	free(mx);
	free(tld);
	free(nx2);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_stub_chases_cname)
{
	/* plain's CNAME leads to a name it does not hold; pc2's stub asks again, and gets NXDOMAIN. */
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = ask(s, PC2, "out.penerimamail.com", DNS_T_A);

	sim_run(s);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_int_eq(g->a.status, DNS_NXDOMAIN);
	ck_assert_int_eq(count_app(s, 0, PC2, PLAIN,
	    "query A out.penerimamail.com?"), 1);
	ck_assert_int_eq(count_app(s, 0, PC2, PLAIN,
	    "query A www.dept.example.com?"), 1);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_resolver_off)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);

	net_set_node(s, REC, 0);
	struct got *g = ask(s, PC, "www.dept.example.com", DNS_T_A);
	sim_run(s);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_int_eq(g->a.status, DNS_FAIL);
	ck_assert_uint_eq(g->t, DNS_STUB_TRIES * DNS_STUB_TIMEOUT_NS);
	ck_assert_uint_eq(g->t, 6 * SIM_SEC);
	ck_assert_int_eq(count_app(s, 0, PC, REC,
	    "query A www.dept.example.com?"), 3);
	ck_assert_int_eq(count_app(s, 0, REC, -1, ""), 0);
	ck_assert_int_eq(count_udp_frames(s, PC, 53), 3);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_upstream_off_servfail)
{
	/* The leaf is off: rec tries it twice, 2 s apart, then SERVFAIL. */
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);

	net_set_node(s, LEAF, 0);
	struct got *g = ask(s, PC, "www.dept.example.com", DNS_T_A);
	sim_run(s);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_int_eq(g->a.status, DNS_FAIL);
	ck_assert_uint_gt(g->t, 4 * SIM_SEC);
	ck_assert_uint_lt(g->t, 5 * SIM_SEC);
	ck_assert_int_eq(count_app(s, 0, REC, LEAF, "query"), 2);
	/* The stub's second try is the same query: rec does not start again. */
	ck_assert_int_eq(count_app(s, 0, PC, REC, "query"), 3);
	ck_assert_int_eq(count_app(s, 0, REC, ROOT, "query"), 1);
	ck_assert_int_eq(count_app(s, 0, REC, PC,
	    "SERVFAIL www.dept.example.com"), 1);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_no_resolver_cancel_reentrant_loopback)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);

	/* No resolver: DNS_FAIL at once (same instant), never inside dns_query(), no packet. */
	struct got *none = ask(s, LONELY, "mx.penerimamail.com", DNS_T_A);
	ck_assert_int_eq(none->calls, 0);
	/* Cancelled: never called. */
	struct got *c = xcalloc(1, sizeof *c);
	uint64_t h = dns_query(s, PC2, "mx.penerimamail.com", DNS_T_A, got_cb,
	    c);
	ck_assert_uint_ne(h, 0);
	dns_cancel(s, h);
	dns_cancel(s, h);
	dns_cancel(s, 12345);
	/* MX, then from inside the callback the A. */
	struct got *second = xcalloc(1, sizeof *second);
	struct got *first = xcalloc(1, sizeof *first);
	first->then_name = "mx.penerimamail.com";
	first->then_type = DNS_T_A;
	first->then = second;
	dns_query(s, PC2, "penerimamail.com", DNS_T_MX, got_cb, first);
	/* A host that is its own resolver, on port 5353: loopback. */
	struct got *self = ask(s, SELF, "self.test", DNS_T_A);

	sim_run_until(s, 0);
	ck_assert_int_eq(none->calls, 1);
	ck_assert_int_eq(none->a.status, DNS_FAIL);
	ck_assert_uint_eq(none->t, 0);
	sim_run(s);
	ck_assert_int_eq(c->calls, 0);
	ck_assert_int_eq(first->calls, 1);
	ck_assert_int_eq(second->calls, 1);
	ck_assert_int_eq(second->a.status, DNS_OK);
	ck_assert_uint_eq(second->a.rr[0].rd.a, 0x0a020019);
	ck_assert_uint_gt(second->t, first->t);
	ck_assert_int_eq(self->a.status, DNS_OK);
	ck_assert_uint_eq(self->a.rr[0].rd.a, 0x0a000635);
	ck_assert_int_eq(count_app(s, 0, SELF, SELF, ""), 2);
	ck_assert_int_eq(count_udp_frames(s, SELF, 5353), 0);
	ck_assert_int_eq(count_app(s, 0, LONELY, -1, ""), 0);
	ck_assert_int_eq(count_udp_frames(s, LONELY, 53), 0);
	/* The cancelled query went out; its answer came back to nobody. */
	ck_assert_int_eq(count_app(s, 0, PC2, PLAIN,
	    "query A mx.penerimamail.com?"), 2);
	free(none);
	free(c);
	free(first);
	free(second);
	free(self);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* Replies that reach port 40000 of pc2. */
struct raw {
	int		 n;
	int		 err[8];
	struct dns_msg	 m[8];
};

static void
raw_recv(struct sim *s, int node, void *u, uint32_t src, uint16_t sport,
    uint16_t dport, const uint8_t *p, size_t n)
{
	struct raw *r = u;

	(void)s;
	(void)node;
	(void)src;
	(void)sport;
	(void)dport;
	ck_assert_int_lt(r->n, 8);
	r->err[r->n] = dns_decode(p, n, &r->m[r->n]);
	r->n++;
}

START_TEST(test_sim_server_edge_cases)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct raw *r = xcalloc(1, sizeof *r);
	uint32_t plain = sc->nodes[PLAIN].ip;
	uint8_t w[512];
	struct dns_msg *q = msg_new(0x0101, "mx.penerimamail.com", DNS_T_A, 0);
	int len;

	ck_assert_int_eq(udp_bind(s, PC2, 40000, raw_recv, r), 0);
	/* Too short to answer: nothing.  A header without its question: FORMERR. */
	udp_send(s, PC2, 40000, plain, 53, "\x12\x34", 2);
	udp_send(s, PC2, 40000, plain, 53,
	    "\x12\x35\x01\0\0\x01\0\0\0\0\0\0", 12);
	/* A response is nobody's query: nothing. */
	q->qr = 1;
	len = dns_encode(q, w, sizeof w);
	udp_send(s, PC2, 40000, plain, 53, w, (size_t)len);
	/* STATUS (opcode 2): NOTIMP.  Class CH: REFUSED. */
	q->qr = 0;
	q->opcode = 2;
	len = dns_encode(q, w, sizeof w);
	udp_send(s, PC2, 40000, plain, 53, w, (size_t)len);
	q->opcode = 0;
	q->qclass = 3;
	len = dns_encode(q, w, sizeof w);
	udp_send(s, PC2, 40000, plain, 53, w, (size_t)len);
	/* 600 bytes of TXT do not fit in 512: TC and no answer (RFC 2181 9). */
	q->qclass = DNS_C_IN;
	q->qtype = DNS_T_TXT;
	strcpy(q->qname, "long.penerimamail.com");
	len = dns_encode(q, w, sizeof w);
	udp_send(s, PC2, 40000, plain, 53, w, (size_t)len);
	/* RD clear at a recursive server: a referral from its own data, no recursion. */
	q->rd = 0;
	q->qtype = DNS_T_A;
	strcpy(q->qname, "www.dept.example.com");
	len = dns_encode(q, w, sizeof w);
	udp_send(s, PC2, 40000, sc->nodes[REC].ip, 53, w, (size_t)len);
	struct got *tc = ask(s, PC2, "long.penerimamail.com", DNS_T_TXT);
	sim_run(s);

	ck_assert_int_eq(r->n, 5);
	for (int i = 0; i < r->n; i++)
		ck_assert_int_eq(r->err[i], 0);
	ck_assert_uint_eq(r->m[0].id, 0x1235);
	ck_assert_uint_eq(r->m[0].rcode, DNS_R_FORMERR);
	ck_assert_int_eq(r->m[0].qdcount, 0);
	ck_assert_uint_eq(r->m[1].rcode, DNS_R_NOTIMP);
	ck_assert_uint_eq(r->m[2].rcode, DNS_R_REFUSED);
	ck_assert(r->m[3].tc && r->m[3].aa);
	ck_assert_int_eq(r->m[3].nan, 0);
	ck_assert_uint_eq(r->m[4].rcode, DNS_R_NOERROR);
	ck_assert(!r->m[4].aa && r->m[4].ra && !r->m[4].rd);
	ck_assert_int_eq(r->m[4].nns, 1);
	ck_assert_str_eq(r->m[4].ns[0].name, "");
	ck_assert_str_eq(r->m[4].ns[0].rd.target, "a.root.test");
	ck_assert_int_eq(count_app(s, 0, REC, -1, "referral to .: a.root.test "
	    "(10.0.1.1)"), 1);
	ck_assert_int_eq(count_app(s, 0, REC, ROOT, ""), 0);
	ck_assert_int_eq(count_app(s, 0, PLAIN, PC2,
	    "truncated (TC) long.penerimamail.com TXT (too large for UDP)"), 2);
	/*
	 * The stub asks again over TCP (RFC 7766 section 5).  Where plain
	 * serves no DNS over TCP its RST refuses that and the lookup fails;
	 * where it does, the whole TXT comes back.
	 */
	int syn = 0, rst = 0;
	const struct trace *tr = sim_trace(s);
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		const uint8_t *p = trace_frame_bytes(tr, f);
		int o = trace_frame(tr, f)->origin;

		if (p[14 + 9] != 6)
			continue;
		syn += o == PC2 && get16(p + 36) == 53 && (p[47] & 0x02);
		rst += o == PLAIN && get16(p + 34) == 53 && (p[47] & 0x04);
	}
	ck_assert_int_eq(syn, 1);
	if (rst > 0)
		ck_assert_int_eq(tc->a.status, DNS_FAIL);
	else {
		ck_assert_int_eq(tc->a.status, DNS_OK);
		ck_assert_uint_eq(tc->a.rr[0].rd.txt.len, 600);
	}
	free(tc);
	free(q);
	free(r);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_pending_at_free)
{
	/* Freed with lookups, resolutions and cache timers pending: no leak, no call. */
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = ask(s, PC, "www.dept.example.com", DNS_T_A);
	struct got *g2 = ask(s, PC, "mail.dept.example.com", DNS_T_A);

	sim_run_until(s, 30 * SIM_MS);
	ck_assert_int_eq(g->calls + g2->calls, 0);
	sim_free(s);
	ck_assert_int_eq(g->calls + g2->calls, 0);
	free(g);
	free(g2);
	scenario_free(sc);
}
END_TEST

/* Run the lookups used by the pcap tests. */
static struct sim *
pcap_run(struct scenario *sc)
{
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g[5];

	g[0] = ask(s, PC, "www.dept.example.com", DNS_T_A);
	g[1] = ask(s, PC, "example.com", DNS_T_MX);
	g[2] = ask(s, PC2, "imap.penerimamail.com", DNS_T_A);
	g[3] = ask(s, PC2, "nope.penerimamail.com", DNS_T_A);
	g[4] = ask(s, PC2, "_dmarc.penerimamail.com", DNS_T_TXT);
	sim_run(s);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(g[i]->calls, 1);
		free(g[i]);
	}
	return s;
}

static char *
pcap_file(const struct sim *s, struct buf *b)
{
	char *path = xstrdup("/tmp/surel-dns-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	export_pcap(s, -1, b);
	ck_assert_int_eq(write(fd, b->data, b->len), (ssize_t)b->len);
	close(fd);
	return path;
}

START_TEST(test_sim_tshark_dissects)
{
	struct scenario *sc = world_load();
	struct sim *s = pcap_run(sc);
	struct buf b = { 0 };
	char *path = pcap_file(s, &b);
	char *cmd = xasprintf("tshark -n -r %s -o udp.check_checksum:TRUE "
	    "-o ip.check_checksum:TRUE -T fields -E separator=/t "
	    "-E occurrence=a -e frame.number -e udp.checksum.status "
	    "-e dns.flags.response -e dns.qry.name -e dns.resp.type "
	    "-e _ws.malformed -e _ws.expert.severity 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	char line[4096];
	int frames = 0, queries = 0, responses = 0;
	int www = 0, mx = 0, cname = 0, txt = 0, ns = 0, soa = 0;

	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof line, p) != NULL) {
		char *f[7] = { 0 }, *save = line;

		line[strcspn(line, "\n")] = '\0';
		for (int k = 0; k < 7 && save != NULL; k++) {
			f[k] = save;
			save = strchr(save, '\t');
			if (save != NULL)
				*save++ = '\0';
		}
		frames++;
		ck_assert_msg(f[1] && strcmp(f[1], "1") == 0,
		    "frame %s: UDP checksum status '%s'", f[0], f[1]);
		ck_assert_msg(f[5] == NULL || f[5][0] == '\0',
		    "frame %s is malformed", f[0]);
		ck_assert_msg(f[6] == NULL || f[6][0] == '\0',
		    "frame %s: expert info '%s'", f[0], f[6]);
		ck_assert_ptr_nonnull(f[3]);
		queries += strcmp(f[2], "0") == 0;
		responses += strcmp(f[2], "1") == 0;
		www += strcmp(f[3], "www.dept.example.com") == 0;
		if (f[4] != NULL) {
			/* Every type of every record, comma-separated. */
			for (char *t = f[4]; *t; ) {
				long v = strtol(t, &t, 10);

				mx += v == 15;
				cname += v == 5;
				txt += v == 16;
				ns += v == 2;
				soa += v == 6;
				if (*t == ',')
					t++;
				else if (*t != '\0')
					break;
			}
		}
	}
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_int_eq(frames, count_app(s, 0, -1, -1, ""));
	ck_assert_int_eq(queries, responses);
	ck_assert_int_gt(queries, 10);
	/* pc -> rec, rec -> 4 servers, and the 5 answers back. */
	ck_assert_int_eq(www, 10);
	ck_assert_int_gt(mx, 0);
	ck_assert_int_gt(cname, 0);
	ck_assert_int_gt(txt, 0);
	ck_assert_int_ge(ns, 3);
	ck_assert_int_gt(soa, 0);
	unlink(path);
	free(path);
	free(cmd);
	buf_free(&b);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_same_seed_same_bytes)
{
	struct scenario *sc = world_load();
	struct sim *s1 = pcap_run(sc), *s2 = pcap_run(sc);
	struct buf b1 = { 0 }, b2 = { 0 };

	export_pcap(s1, -1, &b1);
	export_pcap(s2, -1, &b2);
	ck_assert_uint_eq(b1.len, b2.len);
	ck_assert_int_eq(memcmp(b1.data, b2.data, b1.len), 0);
	buf_free(&b1);
	buf_free(&b2);
	sim_free(s1);
	sim_free(s2);

	/* Another seed: other query IDs. */
	struct sim *s3 = sim_new(sc, 8);
	struct got *g = ask(s3, PC2, "mx.penerimamail.com", DNS_T_A);
	sim_run(s3);
	struct sim *s4 = sim_new(sc, 7);
	struct got *g4 = ask(s4, PC2, "mx.penerimamail.com", DNS_T_A);
	sim_run(s4);
	const struct trace *t3 = sim_trace(s3), *t4 = sim_trace(s4);
	ck_assert_uint_ne(get16(trace_frame_bytes(t3, 0) + 42),
	    get16(trace_frame_bytes(t4, 0) + 42));
	free(g);
	free(g4);
	sim_free(s3);
	sim_free(s4);
	scenario_free(sc);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Truncated answers retried over TCP; joined resolutions; source ports */

/*
 * big.test has 16 MX records whose exchanges share nothing but the
 * zone, so compression cannot save them: about 850 octets, more than
 * UDP's 512, so big answers with TC.  pc asks big itself; pc3 asks
 * through rec2, which starts at its own delegation of the root to big.
 */
static const char tc_json[] =
"{'surel': 1, 'title': 'tc', 'seed': 7,"
" 'nodes': ["
"  {'id': 'pc', 'kind': 'client', 'ip': '10.0.0.10', 'resolver': 'big'},"
"  {'id': 'pc3', 'kind': 'client', 'ip': '10.0.0.13', 'resolver': 'rec2'},"
"  {'id': 'r1', 'kind': 'router', 'ip': '10.0.0.1'},"
"  {'id': 'rec2', 'kind': 'server', 'ip': '10.0.0.53',"
"   'hostname': 'resolver.isp.test', 'services': {'dns': {"
"     'recursive': true,"
"     'delegate': [{'zone': '.', 'ns': 'ns.big.test',"
"                   'address': '10.0.5.53'}]}}},"
"  {'id': 'big', 'kind': 'server', 'ip': '10.0.5.53',"
"   'hostname': 'ns.big.test', 'services': {'dns': {'records': [@MX@]}}}"
" ],"
" 'links': [{'a': 'pc', 'b': 'r1'}, {'a': 'pc3', 'b': 'r1'},"
"  {'a': 'rec2', 'b': 'r1'}, {'a': 'big', 'b': 'r1'}],"
" 'actions': []}";

enum { T_PC, T_PC3, T_R1, T_REC2, T_BIG };
#define TC_NMX	16

static struct scenario *
tc_load(void)
{
	struct buf b = { 0 };
	struct sc_errors e = { 0 };
	const char *at = strstr(tc_json, "@MX@");

	buf_append(&b, tc_json, (size_t)(at - tc_json));
	for (int i = 0; i < TC_NMX; i++)
		buf_printf(&b, "%s{'name': 'big.test', 'type': 'MX', "
		    "'preference': %d, 'exchange': "
		    "'exchanger-number-%02d-of-sixteen-here.big.test'}",
		    i ? ", " : "", 10 + i, i);
	buf_puts(&b, at + 4);
	buf_putc(&b, '\0');
	char *json = (char *)b.data;
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct scenario *sc = scenario_load(json, strlen(json), "tc.json", &e);
	ck_assert_msg(sc != NULL, "scenario: %s", e.n ? e.msg[0] : "?");
	sc_errors_free(&e);
	free(json);
	return sc;
}

/*
 * The segments with data that node sent over TCP to a port 53 (to53:
 * queries) or from one (answers), in a lossless run where each is sent
 * once; *prefix_ok when the first two octets of what they carry, all
 * together, are the length of the rest: one DNS message, framed as RFC
 * 1035 section 4.2.2 says.
 */
static int
tcp_dns_segments(const struct sim *s, int origin, int to53, int *prefix_ok)
{
	const struct trace *tr = sim_trace(s);
	struct buf b = { 0 };
	int n = 0;

	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		const uint8_t *p = trace_frame_bytes(tr, f);
		size_t iplen = get16(p + 14 + 2), ihl = (p[14] & 15) * 4u;

		if (trace_frame(tr, f)->origin != origin || p[14 + 9] != 6)
			continue;
		const uint8_t *tcp = p + 14 + ihl;
		size_t off = (size_t)(tcp[12] >> 4) * 4;
		size_t dlen = iplen - ihl - off;
		if (dlen == 0 || get16(tcp + (to53 ? 2 : 0)) != 53)
			continue;
		n++;
		buf_append(&b, tcp + off, dlen);
	}
	*prefix_ok = b.len >= 2 && get16(b.data) == b.len - 2;
	buf_free(&b);
	return n;
}

/* node's DNS messages whose narration has key. */
static int
count_say(const struct sim *s, int node, const char *key)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);
		struct trace_say y;

		if (r.kind != TR_APP || r.a != APP_DNS || r.node != node)
			continue;
		if (r.say != 0 && trace_say_read(tr, r.say, &y) != 0 &&
		    y.key_len == strlen(key) &&
		    memcmp(y.key, key, y.key_len) == 0)
			n++;
	}
	return n;
}

START_TEST(test_sim_stub_tc_retries_over_tcp)
{
	struct scenario *sc = tc_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = ask(s, T_PC, "big.test", DNS_T_MX);
	int ok;

	sim_run(s);
	/* UDP first: big's answer does not fit and says so. */
	ck_assert_int_eq(count_app(s, 0, T_BIG, T_PC,
	    "truncated (TC) big.test MX (too large for UDP)"), 1);
	/* The same question again, over TCP, and the full answer used. */
	ck_assert_int_eq(count_app(s, 0, T_PC, T_BIG, "query MX big.test?"), 2);
	ck_assert_int_eq(count_say(s, T_PC, "dns.query.tcp"), 1);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_int_eq(g->a.status, DNS_OK);
	ck_assert_int_eq(g->a.n, TC_NMX);
	for (int i = 0; i < TC_NMX; i++) {
		char want[64];

		snprintf(want, sizeof want,
		    "exchanger-number-%02d-of-sixteen-here.big.test", i);
		ck_assert_str_eq(g->a.rr[i].rd.mx.exchange, want);
		ck_assert_uint_eq(g->a.rr[i].rd.mx.preference, 10 + i);
	}
	/* On the wire: both messages over TCP carry their length first. */
	ck_assert_int_eq(tcp_dns_segments(s, T_PC, 1, &ok), 1);
	ck_assert(ok);
	ck_assert_int_ge(tcp_dns_segments(s, T_BIG, 0, &ok), 1);
	ck_assert(ok);

	/* Wireshark agrees, and finds nothing wrong. */
	char *path = write_pcap(s, -1);
	char *why = tshark_unclean(path, trace_frame_count(sim_trace(s)), 2, 0);
	ck_assert_msg(why == NULL, "%s", why);
	char *out = tshark_fields(path, "-Y 'tcp && dns' -e tcp.srcport "
	    "-e dns.flags.response -e dns.count.answers -e dns.flags.truncated");
	ck_assert_ptr_nonnull(strstr(out, "\t0\t0\t0\n"));
	ck_assert_ptr_nonnull(strstr(out, "53\t1\t16\t0\n"));
	unlink(path);
	free(path);
	free(out);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_recursive_tc_retries_over_tcp)
{
	struct scenario *sc = tc_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *g = ask(s, T_PC3, "big.test", DNS_T_MX);
	const struct trace *tr;
	int ok, cached = 0;

	sim_run_until(s, 30 * SIM_SEC);
	ck_assert_int_eq(count_app(s, 0, T_BIG, T_REC2,
	    "truncated (TC) big.test MX (too large for UDP)"), 1);
	ck_assert_int_eq(count_app(s, 0, T_REC2, T_BIG,
	    "query MX big.test?"), 2);
	ck_assert_int_eq(count_say(s, T_REC2, "dns.query.tcp"), 1);
	ck_assert_int_eq(tcp_dns_segments(s, T_REC2, 1, &ok), 1);
	ck_assert(ok);
	ck_assert_int_ge(tcp_dns_segments(s, T_BIG, 0, &ok), 1);
	ck_assert(ok);
	/* The whole answer is what rec2 learnt: all 16 in its cache. */
	tr = sim_trace(s);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		cached += r.kind == TR_STATE && r.node == T_REC2 &&
		    r.a == ST_DNS_CACHE_ADD && strncmp(trace_text_at(tr,
		    r.text), "big.test MX ", 12) == 0;
	}
	ck_assert_int_eq(cached, TC_NMX);
	/*
	 * Its answer to pc3 is as large, so cut short as well; pc3 asks
	 * rec2 again over TCP, and rec2's server answers that from its cache:
	 * nothing more goes to big.
	 */
	ck_assert_int_eq(count_app(s, 0, T_REC2, T_PC3,
	    "truncated (TC) big.test MX (too large for UDP)"), 1);
	ck_assert_int_eq(count_say(s, T_PC3, "dns.query.tcp"), 1);
	ck_assert_int_eq(tcp_dns_segments(s, T_PC3, 1, &ok), 1);
	ck_assert(ok);
	ck_assert_int_eq(g->calls, 1);
	ck_assert_int_ge(tcp_dns_segments(s, T_REC2, 0, &ok), 1);
	ck_assert(ok);
	ck_assert_int_eq(g->a.status, DNS_OK);
	ck_assert_int_eq(g->a.n, TC_NMX);
	/* All 16, in the cache's order (an RRset has none, RFC 2181 5). */
	int seen = 0;
	for (int i = 0; i < TC_NMX; i++) {
		int k = g->a.rr[i].rd.mx.preference - 10;

		ck_assert(k >= 0 && k < TC_NMX);
		seen |= 1 << k;
	}
	ck_assert_int_eq(seen, (1 << TC_NMX) - 1);
	ck_assert_int_eq(count_app(s, 0, T_REC2, T_BIG, ""), 2);
	char *path = write_pcap(s, -1);
	char *why = tshark_unclean(path, trace_frame_count(sim_trace(s)), -1,
	    0);
	ck_assert_msg(why == NULL, "%s", why);
	unlink(path);
	free(path);
	free(g);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sim_recursive_joins_pending)
{
	struct scenario *sc = world_load();
	struct sim *s = sim_new(sc, sc->seed);
	struct got *a = ask(s, PC, "www.dept.example.com", DNS_T_A);
	struct got *b = ask(s, PC, "WWW.dept.example.com", DNS_T_A);
	struct got *c = ask(s, PC, "www.dept.example.com", DNS_T_MX);

	sim_run_until(s, 10 * SIM_SEC);
	ck_assert_int_eq(a->a.status, DNS_OK);
	ck_assert_int_eq(b->a.status, DNS_OK);
	ck_assert_uint_eq(b->a.rr[0].rd.a, 0x0a000909);
	/* Two clients' queries for one question: one query to each server. */
	ck_assert_int_eq(count_app(s, 0, PC, REC, "query A"), 2);
	ck_assert_int_eq(count_app(s, 0, REC, ROOT,
	    "query A www.dept.example.com?"), 1);
	ck_assert_int_eq(count_app(s, 0, REC, LEAF, "query A"), 1);
	/* Each client gets the answer (its question as it wrote it, its own ID). */
	ck_assert_int_eq(count_app(s, 0, REC, PC,
	    "answer www.dept.example.com A 10.0.9.9"), 2);
	/* Another type is another question: resolved on its own. */
	ck_assert_int_eq(c->a.status, DNS_NODATA);
	ck_assert_int_eq(count_app(s, 0, REC, ROOT,
	    "query MX www.dept.example.com?"), 1);
	free(a);
	free(b);
	free(c);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/* The source ports of node's DNS queries (UDP to port 53), in order. */
static int
dns_sports(struct sim *s, int origin, uint16_t *out, int max)
{
	const struct trace *tr = sim_trace(s);
	int n = 0;

	for (uint32_t f = 0; f < trace_frame_count(tr) && n < max; f++) {
		const uint8_t *p = trace_frame_bytes(tr, f);

		if (trace_frame(tr, f)->origin != origin || p[14 + 9] != 17 ||
		    get16(p + 36) != 53)
			continue;
		out[n++] = get16(p + 34);
	}
	return n;
}

static int
ports_run(struct scenario *sc, uint64_t seed, uint16_t *out)
{
	struct sim *s = sim_new(sc, seed);
	const char *names[] = { "mx.penerimamail.com", "pop.penerimamail.com",
	    "nope.penerimamail.com", "penerimamail.com", "imap.penerimamail.com",
	    "_dmarc.penerimamail.com" };
	struct got *g[6];
	int n;

	for (int i = 0; i < 6; i++) {
		g[i] = ask(s, PC2, names[i], DNS_T_A);
		sim_run(s);	/* one after the other: each port given back first */
		ck_assert_int_eq(g[i]->calls, 1);
		free(g[i]);
	}
	n = dns_sports(s, PC2, out, 6);
	sim_free(s);
	return n;
}

START_TEST(test_sim_source_ports_from_seed)
{
	struct scenario *sc = world_load();
	uint16_t p7[6], again[6], p8[6];
	int up = 0;

	ck_assert_int_eq(ports_run(sc, 7, p7), 6);
	ck_assert_int_eq(ports_run(sc, 7, again), 6);
	ck_assert_int_eq(ports_run(sc, 8, p8), 6);
	/* RFC 5452 9.2: not 49152, 49153, ...; but the same for the same seed. */
	ck_assert_uint_ne(p7[0], 49152);
	for (int i = 0; i < 6; i++) {
		ck_assert_uint_ge(p7[i], 49152);
		ck_assert_uint_eq(p7[i], again[i]);
		if (i > 0)
			up += p7[i] == p7[i - 1] + 1;
	}
	ck_assert_int_lt(up, 5);
	ck_assert_int_ne(memcmp(p7, p8, sizeof p7), 0);
	scenario_free(sc);
}
END_TEST

Suite *
dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *codec = tcase_create("codec");
	TCase *sim = tcase_create("sim");

	tcase_add_test(codec, test_codec_a_query_and_answer);
	tcase_add_test(codec, test_codec_mx_cname_ns_soa);
	tcase_add_test(codec, test_codec_txt_longer_than_255);
	tcase_add_test(codec, test_codec_referral_with_glue);
	tcase_add_test(codec, test_codec_root_and_escapes);
	tcase_add_test(codec, test_codec_encode_refuses);
	tcase_add_test(codec, test_codec_compression_used);
	tcase_add_test(codec, test_codec_decode_handwritten);
	tcase_add_test(codec, test_codec_rejects_truncated);
	tcase_add_test(codec, test_codec_rejects_pointers);
	tcase_add_test(codec, test_codec_rejects_long_names);
	tcase_add_test(codec, test_codec_rejects_bad_rdata_and_counts);
	tcase_add_test(codec, test_codec_unknown_type_kept);
	tcase_add_test(codec, test_codec_describe);
	tcase_add_test(codec, test_codec_names);
	suite_add_tcase(s, codec);

	tcase_set_timeout(sim, 120);
	tcase_add_test(sim, test_sim_plain_answers);
	tcase_add_test(sim, test_sim_recursive_from_the_root);
	tcase_add_test(sim, test_sim_recursive_negative_and_cname);
	tcase_add_test(sim, test_sim_stub_chases_cname);
	tcase_add_test(sim, test_sim_resolver_off);
	tcase_add_test(sim, test_sim_upstream_off_servfail);
	tcase_add_test(sim, test_sim_no_resolver_cancel_reentrant_loopback);
	tcase_add_test(sim, test_sim_server_edge_cases);
	tcase_add_test(sim, test_sim_pending_at_free);
	tcase_add_test(sim, test_sim_tshark_dissects);
	tcase_add_test(sim, test_sim_same_seed_same_bytes);
	tcase_add_test(sim, test_sim_stub_tc_retries_over_tcp);
	tcase_add_test(sim, test_sim_recursive_tc_retries_over_tcp);
	tcase_add_test(sim, test_sim_recursive_joins_pending);
	tcase_add_test(sim, test_sim_source_ports_from_seed);
	suite_add_tcase(s, sim);
	return s;
}
