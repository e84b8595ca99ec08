/*
 * fuzz_dns.c: libFuzzer target for the DNS codec (sim/dns_wire.c).
 *
 * Any bytes: dns_decode() must return without reading out of bounds.
 * When they decode, the message must encode again, and those bytes must
 * decode to the same message: same header, same question, the same
 * records with the same data.  Names were decoded with their escapes, so
 * they must survive exactly; TXT strings may be split differently but
 * their joined text must not change.  dns_describe() runs on every
 * decoded message too, since the transcript calls it on whatever arrives.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isim \
 *	    tests/fuzz/fuzz_dns.c sim/dns_wire.c sim/util.c -o /tmp/fuzz_dns
 *	/tmp/fuzz_dns -max_total_time=120 tests/fuzz/corpus/dns
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_wire.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_rr_eq(const struct dns_rr *a, const struct dns_rr *b)
{
	if (strcmp(a->name, b->name) != 0 || a->type != b->type ||
	    a->class != b->class || a->ttl != b->ttl)
		return 0;
	switch (a->type) {
	case DNS_T_A:
		return a->rd.a == b->rd.a;
	case DNS_T_NS:
	case DNS_T_CNAME:
		return strcmp(a->rd.target, b->rd.target) == 0;
	case DNS_T_MX:
		return a->rd.mx.preference == b->rd.mx.preference &&
		    strcmp(a->rd.mx.exchange, b->rd.mx.exchange) == 0;
	case DNS_T_SOA:
		return strcmp(a->rd.soa.mname, b->rd.soa.mname) == 0 &&
		    strcmp(a->rd.soa.rname, b->rd.soa.rname) == 0 &&
		    a->rd.soa.serial == b->rd.soa.serial &&
		    a->rd.soa.refresh == b->rd.soa.refresh &&
		    a->rd.soa.retry == b->rd.soa.retry &&
		    a->rd.soa.expire == b->rd.soa.expire &&
		    a->rd.soa.minimum == b->rd.soa.minimum;
	default:
		/* TXT text, or the raw data of any other type. */
		return a->rd.raw.len == b->rd.raw.len &&
		    memcmp(a->rd.raw.data, b->rd.raw.data, a->rd.raw.len) == 0;
	}
}

static int
fuzz_msg_eq(const struct dns_msg *a, const struct dns_msg *b)
{
	if (a->id != b->id || a->qr != b->qr || a->opcode != b->opcode ||
	    a->aa != b->aa || a->tc != b->tc || a->rd != b->rd ||
	    a->ra != b->ra || a->rcode != b->rcode ||
	    a->qdcount != b->qdcount || a->nan != b->nan ||
	    a->nns != b->nns || a->nar != b->nar)
		return 0;
	if (a->qdcount == 1 && (strcmp(a->qname, b->qname) != 0 ||
	    a->qtype != b->qtype || a->qclass != b->qclass))
		return 0;
	for (int i = 0; i < a->nan; i++)
		if (!fuzz_rr_eq(&a->an[i], &b->an[i]))
			return 0;
	for (int i = 0; i < a->nns; i++)
		if (!fuzz_rr_eq(&a->ns[i], &b->ns[i]))
			return 0;
	for (int i = 0; i < a->nar; i++)
		if (!fuzz_rr_eq(&a->ar[i], &b->ar[i]))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_msg m1, m2;
	static uint8_t out[65535];
	struct buf words = { 0 };

	if (dns_decode(data, size, &m1) != 0)
		return 0;
	dns_describe(&m1, &words);
	buf_free(&words);

	int n = dns_encode(&m1, out, sizeof out);
	if (n < 0)
		abort();	/* whatever decodes must encode */
	if (dns_decode(out, (size_t)n, &m2) != 0)
		abort();
	if (m2.rcode != m1.rcode || m2.nan != m1.nan || m2.nns != m1.nns ||
	    m2.nar != m1.nar || !fuzz_msg_eq(&m1, &m2))
		abort();
	/* Compression is deterministic: encoding again gives the same bytes. */
	static uint8_t again[65535];
	if (dns_encode(&m2, again, sizeof again) != n ||
	    memcmp(out, again, (size_t)n) != 0)
		abort();
	return 0;
}
