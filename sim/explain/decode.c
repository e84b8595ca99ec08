/*
 * decode.c: the inspector's rows (decode.h).  A frame is read the way
 * Wireshark's dissectors read it, layer by layer, from the bytes alone:
 *
 *	Ethernet II				IEEE 802.3 type field
 *	IPv4					RFC 791 section 3.1
 *	TCP					RFC 9293 section 3.1, options 3.2
 *	UDP					RFC 768
 *	DNS					RFC 1035 section 4.1
 *	SMTP, LMTP, POP3, IMAP			one row per line (RFC 5321 2.3.8:
 *						lines end with CRLF)
 *	IMF header fields			RFC 5322 section 2.2
 *
 * Every read goes through the cursor's bounds: a frame from the trace
 * is well formed, but the same code decodes whatever the fuzzer makes.
 * The TCP rows need the connection's SYNs, to show sequence numbers
 * relative to the initial ones and windows scaled as Wireshark does:
 * they are found in an index of every SYN of the trace (syn_index
 * below), built from its frames once and kept with the trace
 * (trace_memo()); nothing else is kept between calls.
 */
#include "decode.h"
#include "dns_wire.h"
#include "eth.h"
#include "hash.h"
#include "ports.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The frame being decoded and the rows written so far. */
struct dec {
	const struct trace	*tr;
	const struct trace_rec	*r;
	const struct scenario	*sc;		/* its configured ports; may be NULL */
	const uint8_t		*p;		/* the frame as it was on the link */
	uint32_t		 len;
	struct decode_row	*rows;
	int			 n, max;
};

/* A line of text in a payload. */
struct dec_line {
	uint32_t	 off, len;	/* in the frame, with the CRLF */
	uint32_t	 tlen;		/* without it */
};

static struct decode_row *dec_row(struct dec *, int, const char *,
		    const char *, uint32_t, uint32_t, const char *, ...)
		    __attribute__((format(printf, 7, 8)));
static void	dec_rowv(struct dec *, int, const char *, const char *,
		    uint32_t, uint32_t, const char *, const char *, ...)
		    __attribute__((format(printf, 8, 9)));
static void	dec_frame(struct dec *);
static void	dec_ipv4(struct dec *, uint32_t);
static void	dec_eth_tail(struct dec *);
static void	dec_tcp(struct dec *, uint32_t, uint32_t, uint32_t);
static void	dec_udp(struct dec *, uint32_t, uint32_t, uint32_t);
static void	dec_dns(struct dec *, uint32_t, uint32_t);
static void	dec_text(struct dec *, uint32_t, uint32_t, enum app_proto,
		    int);
static void	dec_imf(struct dec *, uint32_t, uint32_t);
static int	dec_isn(const struct dec *, uint32_t, uint32_t, uint16_t,
		    uint16_t, uint32_t *);
static int	dec_wscale(const struct dec *, uint32_t, uint32_t, uint16_t,
		    uint16_t);

/* ---- keys ------------------------------------------------------------- */

/*
 * The fields, with their English as the rows have always said it.  The
 * keys are Wireshark's display filter names where it has one, so that a
 * student who meets "ip.ttl" there meets the same field here.
 */
#define DECODE_FIELDS(X) \
	X("eth.frame",			"Frame") \
	X("eth.dst",			"Destination") \
	X("eth.src",			"Source") \
	X("eth.type",			"Type") \
	X("eth.padding",		"Padding") \
	X("eth.trailer",		"Trailer") \
	X("ip.hdr",			"Header") \
	X("ip.version",			"Version") \
	X("ip.hdr_len",			"Header length") \
	X("ip.dsfield",			"DSCP/ECN") \
	X("ip.len",			"Total length") \
	X("ip.id",			"Identification") \
	X("ip.flags",			"Flags") \
	X("ip.frag_offset",		"Fragment offset") \
	X("ip.ttl",			"Time to live") \
	X("ip.proto",			"Protocol") \
	X("ip.checksum",		"Header checksum") \
	X("ip.src",			"Source address") \
	X("ip.dst",			"Destination address") \
	X("ip.options",			"Options") \
	X("ip.payload",			"Payload") \
	X("tcp.hdr",			"Header") \
	X("tcp.srcport",		"Source port") \
	X("tcp.dstport",		"Destination port") \
	X("tcp.seq",			"Sequence number") \
	X("tcp.ack",			"Acknowledgment number") \
	X("tcp.hdr_len",		"Header length") \
	X("tcp.flags",			"Flags") \
	X("tcp.window_size",		"Window") \
	X("tcp.checksum",		"Checksum") \
	X("tcp.urgent_pointer",		"Urgent pointer") \
	X("tcp.options",		"Options") \
	X("tcp.option.eol",		"End of options") \
	X("tcp.option.nop",		"No-operation") \
	X("tcp.option.mss",		"Maximum segment size") \
	X("tcp.option.wscale",		"Window scale") \
	X("tcp.option.sack_perm",	"SACK permitted") \
	X("tcp.option.sack",		"SACK") \
	X("tcp.option.timestamp",	"Timestamps") \
	X("tcp.option",			"Option") \
	X("tcp.payload",		"Payload") \
	X("udp.hdr",			"Header") \
	X("udp.srcport",		"Source port") \
	X("udp.dstport",		"Destination port") \
	X("udp.length",			"Length") \
	X("udp.checksum",		"Checksum") \
	X("udp.payload",		"Payload") \
	X("dns.hdr",			"Header") \
	X("dns.id",			"Transaction ID") \
	X("dns.flags",			"Flags") \
	X("dns.count.queries",		"Questions") \
	X("dns.count.answers",		"Answer RRs") \
	X("dns.count.auth_rr",		"Authority RRs") \
	X("dns.count.add_rr",		"Additional RRs") \
	X("dns.malformed",		"Message") \
	X("dns.qry",			"Question") \
	X("dns.answer",			"Answer") \
	X("dns.authority",		"Authority") \
	X("dns.additional",		"Additional") \
	X("app.command",		"Command") \
	X("app.reply",			"Reply") \
	X("app.response",		"Response") \
	X("app.continuation",		"Continuation") \
	X("app.data",			"Data")

/*
 * The words of values: "v." a value's whole template, "w." a word an
 * argument names ({w.dns.response}).  Numbers, addresses, ports and
 * protocol words (SYN, NOERROR, TSval) are arguments, never words.
 */
#define DECODE_VALUES(X) \
	X("v.bytes",			"{1} bytes") \
	X("v.hdr_len",			"{1} bytes ({2})") \
	X("v.hdr_len.invalid",		"{1} bytes ({2}) (invalid)") \
	X("v.short.eth",		"{1} bytes: too short for an Ethernet header") \
	X("v.eth.padding",		"{1} zero bytes (minimum 60)") \
	X("v.eth.trailer",		"{1} bytes after the packet") \
	X("v.short.ip",			"{1} bytes: too short for an IPv4 header (20)") \
	X("v.short.tcp",		"{1} bytes: too short for a TCP header (20)") \
	X("v.short.udp",		"{1} bytes: too short for a UDP header (8)") \
	X("v.short.dns",		"{1} bytes: too short for a DNS header (12)") \
	X("v.ip.len.cut",		"{1} bytes (only {2} in the frame)") \
	X("v.ip.flags.df",		"{1} (Don't fragment)") \
	X("v.ip.flags.mf",		"{1} (More fragments)") \
	X("v.ip.flags.df_mf",		"{1} (Don't fragment) (More fragments)") \
	X("v.none",			"{1} (none)") \
	X("v.checksum.good",		"{1} (correct)") \
	X("v.checksum.bad",		"{1} (incorrect)") \
	X("v.checksum.want",		"{1} (incorrect, should be {2})") \
	X("v.checksum.unchecked",	"{1} (not checked: bad header length)") \
	X("v.ip.stop.version",		"not decoded further: not version 4") \
	X("v.ip.stop.hdr_len",		"not decoded further: bad header length") \
	X("v.ip.payload.none",		"none: total length below the header length") \
	X("v.ip.payload.fragment",	"{1} bytes of a fragment") \
	X("v.port.submission",		"{1} (submission)") \
	X("v.relative",			"{1} (relative {2})") \
	X("v.tcp.ack.unused",		"{1} (not used: no ACK flag)") \
	X("v.tcp.option.padding",	"padding") \
	X("v.tcp.option.malformed",	"malformed option {1}") \
	X("v.tcp.option.wscale",	"shift {1} (multiply by {2})") \
	X("v.tcp.window.scaled",	"{1} x{2} = {3}") \
	X("v.tcp.option.other",		"kind {1}, {2} bytes") \
	X("v.yes",			"yes") \
	X("v.udp.length.invalid",	"{1} bytes (invalid: {2} in the packet)") \
	X("v.dns.flags",		"{1} ({2})") \
	X("v.dns.malformed",		"malformed: {1}") \
	X("v.empty_line",		"(empty line)") \
	X("w.dns.query",		"query") \
	X("w.dns.response",		"response") \
	X("w.dns.opcode",		"opcode") \
	X("w.dns.aa",			"authoritative") \
	X("w.dns.tc",			"truncated") \
	X("w.dns.rd",			"recursion desired") \
	X("w.dns.ra",			"recursion available") \
	X("w.dns.err.truncated",	"truncated message") \
	X("w.dns.err.label",		"label longer than 63 octets") \
	X("w.dns.err.name",		"name longer than 255 octets") \
	X("w.dns.err.loop",		"compression pointer loop") \
	X("w.dns.err.forward",		"compression pointer to a later offset") \
	X("w.dns.err.rdlength",		"RDLENGTH does not match the data") \
	X("w.dns.err.too_many",		"too many questions or records") \
	X("w.dns.err.too_big",		"record data too large") \
	X("w.dns.err.other",		"unknown error")

#define DECODE_KEY(k, en)	k,
#define DECODE_EN(k, en)	en,
static const char *const field_key[] = { DECODE_FIELDS(DECODE_KEY) };
static const char *const field_en[] = { DECODE_FIELDS(DECODE_EN) };
static const char *const value_key[] = { DECODE_VALUES(DECODE_KEY) };
static const char *const value_en[] = { DECODE_VALUES(DECODE_EN) };
#define NFIELDS	(sizeof field_key / sizeof field_key[0])
#define NVALUES	(sizeof value_key / sizeof value_key[0])

const char *const *
decode_field_keys(size_t *n)
{
	*n = NFIELDS;
	return field_key;
}

const char *const *
decode_value_keys(size_t *n)
{
	*n = NVALUES;
	return value_key;
}

const char *
decode_field_en(const char *key)
{
	for (size_t i = 0; key != NULL && i < NFIELDS; i++)
		if (strcmp(field_key[i], key) == 0)
			return field_en[i];
	return NULL;
}

const char *
decode_value_en(const char *key)
{
	for (size_t i = 0; key != NULL && i < NVALUES; i++)
		if (strcmp(value_key[i], key) == 0)
			return value_en[i];
	return NULL;
}

/* The English of a word an argument names. */
static const char *
dec_word_en(const char *key, void *arg)
{
	(void)arg;
	return decode_value_en(key);
}

/* Append s (n bytes) to out at *k, keeping room for the NUL; 0 when cut. */
static int
dec_put(char *out, size_t cap, size_t *k, const char *s, size_t n)
{
	size_t room = cap - 1 - *k;
	int cut = n > room;

	memcpy(out + *k, s, cut ? room : n);
	*k += cut ? room : n;
	out[*k] = '\0';
	return !cut;
}

char *
decode_fill(const char *t, const struct decode_row *row,
    const char *(*word)(const char *, void *), void *warg, char *out,
    size_t cap)
{
	size_t k = 0;

	if (cap == 0)
		return out;
	out[0] = '\0';
	if (word == NULL)
		word = dec_word_en;
	for (; t != NULL && *t != '\0'; t++) {
		if (t[0] != '{' || t[1] < '1' || t[1] > '0' + DECODE_NARGS ||
		    t[2] != '}') {
			if (!dec_put(out, cap, &k, t, 1))
				break;
			continue;
		}
		/* An argument, with the words it names put in. */
		for (const char *a = row->arg[t[1] - '1']; *a != '\0'; a++) {
			const char *e, *w = NULL;
			char key[48];

			if (a[0] == '{' && a[1] == 'w' && a[2] == '.' &&
			    (e = strchr(a, '}')) != NULL &&
			    (size_t)(e - a - 1) < sizeof key) {
				snprintf(key, sizeof key, "%.*s",
				    (int)(e - a - 1), a + 1);
				if ((w = word(key, warg)) == NULL)
					w = dec_word_en(key, NULL);
			}
			if (w != NULL) {
				dec_put(out, cap, &k, w, strlen(w));
				a = e;
			} else
				dec_put(out, cap, &k, a, 1);
		}
		t += 2;
	}
	return out;
}

/* ---- rows ------------------------------------------------------------- */

/*
 * One row; offset and length are clipped to the frame, so a row never
 * points outside it even when a header lies about its own length.  The
 * value is fmt's, with no words in it (a number, an address, a line of
 * text); dec_rowv() makes a value of words.
 */
static struct decode_row *
dec_row(struct dec *d, int layer, const char *lname, const char *key,
    uint32_t off, uint32_t len, const char *fmt, ...)
{
	va_list ap;
	const char *en = decode_field_en(key);

	if (d->n >= d->max)
		return NULL;
	struct decode_row *row = &d->rows[d->n++];
	memset(row, 0, sizeof *row);	/* the same bytes for the same frame */
	row->layer = layer;
	row->layer_name = lname;
	row->key = key;
	snprintf(row->field, sizeof row->field, "%s", en ? en : key);
	va_start(ap, fmt);
	int k = vsnprintf(row->value, sizeof row->value, fmt, ap);
	va_end(ap);
	if (k >= (int)sizeof row->value)
		memcpy(row->value + sizeof row->value - 4, "...", 4);
	if (off > d->len)
		off = d->len;
	if (len > d->len - off)
		len = d->len - off;
	row->offset = off;
	row->length = len;
	return row;
}

/*
 * A row whose value has words: vkey's template, with fmt's arguments
 * (separated by tabs: a printable value never holds one) in {1}..{3}.
 */
static void
dec_rowv(struct dec *d, int layer, const char *lname, const char *key,
    uint32_t off, uint32_t len, const char *vkey, const char *fmt, ...)
{
	struct decode_row *row = dec_row(d, layer, lname, key, off, len, "%s",
	    "");
	char args[DECODE_NARGS * 96];
	va_list ap;

	if (row == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	row->vkey = vkey;
	char *a = args;
	for (int i = 0; i < DECODE_NARGS && a != NULL; i++) {
		char *tab = strchr(a, '\t');

		if (tab != NULL)
			*tab++ = '\0';
		size_t n = strlen(a);

		if (n >= sizeof row->arg[i])
			n = sizeof row->arg[i] - 1;
		memcpy(row->arg[i], a, n);
		row->arg[i][n] = '\0';
		a = tab;
	}
	decode_fill(decode_value_en(vkey), row, NULL, NULL, row->value,
	    sizeof row->value);
}

/* Printable text of n bytes: a tab becomes a space, other control and 8-bit bytes '.'. */
static void
dec_printable(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < cap; i++)
		out[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] :
		    p[i] == '\t' ? ' ' : '.';
	out[k] = '\0';
	if (n > k && cap > 4)
		memcpy(out + cap - 4, "...", 4);
}

static void
dec_mac(char out[18], const uint8_t *p)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2],
	    p[3], p[4], p[5]);
}

/*
 * A port, and after it the service the node at ip offers there
 * (ports.c): "25 (SMTP)"; "submission" is IANA's name for a service
 * (RFC 6409), not a protocol's, so it is a word.
 */
static void
dec_port(struct dec *d, const char *L, const char *key, uint32_t off,
    uint32_t ip, unsigned port)
{
	const char *name;

	sim_port_proto(d->sc, sim_node_by_ip(d->sc, ip), port, &name);
	if (name == NULL)
		dec_row(d, DECODE_TRANSPORT, L, key, off, 2, "%u", port);
	else if (strcmp(name, "submission") == 0)
		dec_rowv(d, DECODE_TRANSPORT, L, key, off, 2,
		    "v.port.submission", "%u", port);
	else
		dec_row(d, DECODE_TRANSPORT, L, key, off, 2, "%u (%s)", port,
		    name);
}

/* ---- the frame -------------------------------------------------------- */

int
sim_decode(const struct trace *tr, const struct trace_rec *r,
    struct decode_row *rows, int max)
{
	return sim_decode_in(NULL, tr, r, rows, max);
}

int
sim_decode_in(const struct scenario *sc, const struct trace *tr,
    const struct trace_rec *r, struct decode_row *rows, int max)
{
	const struct trace_frame *f;
	struct dec d;

	if (tr == NULL || r == NULL || rows == NULL || max <= 0 ||
	    r->frame == TRACE_NONE || (f = trace_frame(tr, r->frame)) == NULL)
		return 0;
	uint8_t *buf = xmalloc(f->len ? f->len : 1);
	const uint8_t *raw = trace_frame_bytes(tr, r->frame);

	/*
	 * trace_frame_on_link() rewrites the MAC addresses and the TTL and
	 * checksums the IPv4 header it finds; it trusts the header length,
	 * so give it only frames whose header is all there.  Others get the
	 * link's MAC addresses here and keep their bytes as they are.
	 */
	if (f->len >= ETH_HLEN + 20 &&
	    (uint32_t)(raw[ETH_HLEN] & 15) * 4 <= f->len - ETH_HLEN) {
		trace_frame_on_link(tr, r, buf);
	} else {
		memcpy(buf, raw, f->len);
		if (r->link >= 0 && f->len >= ETH_HLEN)
			eth_header(buf, r->link, r->dir);
	}
	d = (struct dec){ tr, r, sc, buf, f->len, rows, 0, max };
	dec_frame(&d);
	free(buf);
	return d.n;
}

static void
dec_frame(struct dec *d)
{
	char mac[18];

	if (d->len < ETH_HLEN) {
		dec_rowv(d, DECODE_ETH, "Ethernet", "eth.frame", 0, d->len,
		    "v.short.eth", "%u", d->len);
		return;
	}
	dec_mac(mac, d->p);
	dec_row(d, DECODE_ETH, "Ethernet", "eth.dst", 0, 6, "%s", mac);
	dec_mac(mac, d->p + 6);
	dec_row(d, DECODE_ETH, "Ethernet", "eth.src", 6, 6, "%s", mac);
	uint16_t type = get16(d->p + 12);
	dec_row(d, DECODE_ETH, "Ethernet", "eth.type", 12, 2, "0x%04x%s", type,
	    type == ETHERTYPE_IPV4 ? " (IPv4)" : "");
	if (type == ETHERTYPE_IPV4) {
		dec_ipv4(d, ETH_HLEN);
		dec_eth_tail(d);
	}
}

/*
 * The bytes after the IPv4 packet, which its total length leaves out.
 * IEEE 802.3 3.2.8 pads a frame shorter than the minimum (60 bytes
 * without the FCS) with zeros; Wireshark shows them as "Padding", and
 * anything else there as a "Trailer".  They get a row of their own, in
 * the Ethernet layer, after the packet they follow.
 */
static void
dec_eth_tail(struct dec *d)
{
	const uint8_t *ip = d->p + ETH_HLEN;

	if (d->len < ETH_HLEN + 20 || (ip[0] >> 4) != 4)
		return;
	uint32_t tot = get16(ip + 2), end = ETH_HLEN + tot;

	if (tot < (uint32_t)(ip[0] & 15) * 4 || end >= d->len)
		return;
	int zero = 1;
	for (uint32_t i = end; i < d->len; i++)
		zero &= d->p[i] == 0;
	if (zero && d->len <= ETH_MIN_LEN)
		dec_rowv(d, DECODE_ETH, "Ethernet", "eth.padding", end,
		    d->len - end, "v.eth.padding", "%u", d->len - end);
	else
		dec_rowv(d, DECODE_ETH, "Ethernet", "eth.trailer", end,
		    d->len - end, "v.eth.trailer", "%u", d->len - end);
}

static void
dec_ipv4(struct dec *d, uint32_t o)
{
	const char *L = "IPv4";
	const uint8_t *ip = d->p + o;
	uint32_t avail = d->len - o;
	char a[16];

	if (avail < 20) {
		dec_rowv(d, DECODE_IPV4, L, "ip.hdr", o, avail, "v.short.ip",
		    "%u", avail);
		return;
	}
	unsigned ver = ip[0] >> 4;
	uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
	uint32_t tot = get16(ip + 2);
	uint16_t frag = get16(ip + 6);

	dec_row(d, DECODE_IPV4, L, "ip.version", o, 1, "%u", ver);
	dec_rowv(d, DECODE_IPV4, L, "ip.hdr_len", o, 1, "v.hdr_len",
	    "%u\t%u", ihl, ihl / 4);
	dec_row(d, DECODE_IPV4, L, "ip.dsfield", o + 1, 1, "0x%02x", ip[1]);
	if (tot > avail)
		dec_rowv(d, DECODE_IPV4, L, "ip.len", o + 2, 2,
		    "v.ip.len.cut", "%u\t%u", tot, avail);
	else
		dec_rowv(d, DECODE_IPV4, L, "ip.len", o + 2, 2,
		    "v.bytes", "%u", tot);
	dec_row(d, DECODE_IPV4, L, "ip.id", o + 4, 2, "0x%04x (%u)",
	    get16(ip + 4), get16(ip + 4));
	/* RFC 791 3.1: bit 0 reserved, DF, MF. */
	static const char *const fkey[4] = { "v.none", "v.ip.flags.mf",
	    "v.ip.flags.df", "v.ip.flags.df_mf" };
	dec_rowv(d, DECODE_IPV4, L, "ip.flags", o + 6, 1,
	    fkey[(frag >> 13) & 3], "0x%x", frag >> 13);
	dec_row(d, DECODE_IPV4, L, "ip.frag_offset", o + 6, 2, "%u",
	    (frag & 0x1fff) * 8u);
	dec_row(d, DECODE_IPV4, L, "ip.ttl", o + 8, 1, "%u", ip[8]);
	dec_row(d, DECODE_IPV4, L, "ip.proto", o + 9, 1, "%u%s", ip[9],
	    ip[9] == 6 ? " (TCP)" : ip[9] == 17 ? " (UDP)" :
	    ip[9] == 1 ? " (ICMP)" : "");
	if (ihl >= 20 && ihl <= avail) {
		/* RFC 1071: the sum over a correct header, checksum included, is all ones. */
		uint16_t want = cksum_fold(cksum_add(cksum_add(0, ip, 10),
		    ip + 12, ihl - 12));
		if (cksum_fold(cksum_add(0, ip, ihl)) == 0)
			dec_rowv(d, DECODE_IPV4, L, "ip.checksum", o + 10, 2,
			    "v.checksum.good", "0x%04x", get16(ip + 10));
		else
			dec_rowv(d, DECODE_IPV4, L, "ip.checksum", o + 10, 2,
			    "v.checksum.want", "0x%04x\t0x%04x",
			    get16(ip + 10), want);
	} else
		dec_rowv(d, DECODE_IPV4, L, "ip.checksum", o + 10, 2,
		    "v.checksum.unchecked", "0x%04x", get16(ip + 10));
	ip_format(get32(ip + 12), a);
	dec_row(d, DECODE_IPV4, L, "ip.src", o + 12, 4, "%s", a);
	ip_format(get32(ip + 16), a);
	dec_row(d, DECODE_IPV4, L, "ip.dst", o + 16, 4, "%s", a);
	if (ver != 4 || ihl < 20 || ihl > avail) {
		dec_rowv(d, DECODE_IPV4, L, "ip.hdr", o, avail, ver != 4 ?
		    "v.ip.stop.version" : "v.ip.stop.hdr_len", "%s", "");
		return;
	}
	if (ihl > 20)
		dec_rowv(d, DECODE_IPV4, L, "ip.options", o + 20, ihl - 20,
		    "v.bytes", "%u", ihl - 20);
	if (tot < ihl) {
		dec_rowv(d, DECODE_IPV4, L, "ip.payload", o + ihl, 0,
		    "v.ip.payload.none", "%s", "");
		return;
	}
	if (tot > avail)
		tot = avail;		/* decode what is there */
	if ((frag & 0x1fff) != 0) {
		dec_rowv(d, DECODE_IPV4, L, "ip.payload", o + ihl, tot - ihl,
		    "v.ip.payload.fragment", "%u", tot - ihl);
		return;
	}
	if (ip[9] == 6)
		dec_tcp(d, o, o + ihl, tot - ihl);
	else if (ip[9] == 17)
		dec_udp(d, o, o + ihl, tot - ihl);
	else if (tot > ihl)
		dec_rowv(d, DECODE_IPV4, L, "ip.payload", o + ihl, tot - ihl,
		    "v.bytes", "%u", tot - ihl);
}

/* The transport checksum over the pseudo-header (RFC 9293 3.1, RFC 768): 0 when correct. */
static uint16_t
dec_l4_sum(const struct dec *d, uint32_t ipo, uint32_t o, uint32_t n)
{
	const uint8_t *ip = d->p + ipo;
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	put16(ph + 10, (uint16_t)n);
	return cksum_fold(cksum_add(cksum_add(0, ph, sizeof ph), d->p + o, n));
}

/* ---- TCP -------------------------------------------------------------- */

static const char *
dec_tcp_option_key(unsigned kind)
{
	switch (kind) {
	case 2: return "tcp.option.mss";
	case 3: return "tcp.option.wscale";
	case 4: return "tcp.option.sack_perm";
	case 5: return "tcp.option.sack";
	case 8: return "tcp.option.timestamp";
	}
	return "tcp.option";
}

static void
dec_tcp_options(struct dec *d, uint32_t o, uint32_t end)
{
	const char *L = "TCP";

	while (o < end) {
		unsigned kind = d->p[o];

		if (kind == 0) {
			dec_rowv(d, DECODE_TRANSPORT, L, "tcp.option.eol", o,
			    end - o, "v.bytes", "%u", end - o);
			return;
		}
		if (kind == 1) {
			dec_rowv(d, DECODE_TRANSPORT, L, "tcp.option.nop", o, 1,
			    "v.tcp.option.padding", "%s", "");
			o++;
			continue;
		}
		if (o + 1 >= end || d->p[o + 1] < 2 ||
		    d->p[o + 1] > end - o) {
			dec_rowv(d, DECODE_TRANSPORT, L, "tcp.options", o,
			    end - o, "v.tcp.option.malformed", "%u", kind);
			return;
		}
		uint32_t n = d->p[o + 1];
		const uint8_t *v = d->p + o + 2;

		if (kind == 2 && n == 4)
			dec_rowv(d, DECODE_TRANSPORT, L, "tcp.option.mss",
			    o, n, "v.bytes", "%u", get16(v));
		else if (kind == 3 && n == 3)
			dec_rowv(d, DECODE_TRANSPORT, L, "tcp.option.wscale",
			    o, n, "v.tcp.option.wscale", "%u\t%u", v[0],
			    v[0] < 15 ? 1u << v[0] : 1u << 14);
		else if (kind == 4 && n == 2)
			dec_rowv(d, DECODE_TRANSPORT, L,
			    "tcp.option.sack_perm", o, n, "v.yes", "%s", "");
		else if (kind == 8 && n == 10)
			dec_row(d, DECODE_TRANSPORT, L,
			    "tcp.option.timestamp", o, n,
			    "TSval %u, TSecr %u", get32(v), get32(v + 4));
		else
			dec_rowv(d, DECODE_TRANSPORT, L,
			    dec_tcp_option_key(kind), o, n,
			    "v.tcp.option.other", "%u\t%u", kind, n);
		o += n;
	}
}

static void
dec_tcp(struct dec *d, uint32_t ipo, uint32_t o, uint32_t n)
{
	const char *L = "TCP";
	const uint8_t *t = d->p + o;
	static const char *names[] = { "FIN", "SYN", "RST", "PSH", "ACK",
	    "URG", "ECE", "CWR", "NS" };
	char fl[64] = "";
	uint32_t isn;

	if (n < 20) {
		dec_rowv(d, DECODE_TRANSPORT, L, "tcp.hdr", o, n,
		    "v.short.tcp", "%u", n);
		return;
	}
	uint16_t sport = get16(t), dport = get16(t + 2);
	uint32_t seq = get32(t + 4), ack = get32(t + 8);
	uint32_t thl = (uint32_t)(t[12] >> 4) * 4;
	unsigned flags = (unsigned)(t[12] & 1) << 8 | t[13];
	uint32_t src = get32(d->p + ipo + 12), dst = get32(d->p + ipo + 16);

	dec_port(d, L, "tcp.srcport", o, src, sport);
	dec_port(d, L, "tcp.dstport", o + 2, dst, dport);
	if (dec_isn(d, src, dst, sport, dport, &isn))
		dec_rowv(d, DECODE_TRANSPORT, L, "tcp.seq", o + 4, 4,
		    "v.relative", "%u\t%u", seq, seq - isn);
	else
		dec_row(d, DECODE_TRANSPORT, L, "tcp.seq", o + 4, 4,
		    "%u", seq);
	if (!(flags & 0x10))
		dec_rowv(d, DECODE_TRANSPORT, L, "tcp.ack", o + 8, 4,
		    "v.tcp.ack.unused", "%u", ack);
	else if (dec_isn(d, dst, src, dport, sport, &isn))
		dec_rowv(d, DECODE_TRANSPORT, L, "tcp.ack", o + 8, 4,
		    "v.relative", "%u\t%u", ack, ack - isn);
	else
		dec_row(d, DECODE_TRANSPORT, L, "tcp.ack", o + 8, 4, "%u",
		    ack);
	dec_rowv(d, DECODE_TRANSPORT, L, "tcp.hdr_len", o + 12, 1,
	    thl < 20 || thl > n ? "v.hdr_len.invalid" : "v.hdr_len",
	    "%u\t%u", thl, thl / 4);
	for (int i = 0; i < 9; i++) {
		if (!(flags & 1u << i))
			continue;
		if (fl[0] != '\0')
			strcat(fl, ", ");
		strcat(fl, names[i]);
	}
	if (fl[0] != '\0')
		dec_row(d, DECODE_TRANSPORT, L, "tcp.flags", o + 12, 2,
		    "0x%03x (%s)", flags, fl);
	else
		dec_rowv(d, DECODE_TRANSPORT, L, "tcp.flags", o + 12, 2,
		    "v.none", "0x%03x", flags);
	int ws = flags & 0x02 ? -1 : dec_wscale(d, src, dst, sport, dport);
	if (ws > 0)
		dec_rowv(d, DECODE_TRANSPORT, L, "tcp.window_size", o + 14, 2,
		    "v.tcp.window.scaled", "%u\t%u\t%u", get16(t + 14),
		    1u << ws, (unsigned)get16(t + 14) << ws);
	else
		dec_row(d, DECODE_TRANSPORT, L, "tcp.window_size", o + 14, 2,
		    "%u", get16(t + 14));
	dec_rowv(d, DECODE_TRANSPORT, L, "tcp.checksum", o + 16, 2,
	    dec_l4_sum(d, ipo, o, n) == 0 ? "v.checksum.good" :
	    "v.checksum.bad", "0x%04x", get16(t + 16));
	dec_row(d, DECODE_TRANSPORT, L, "tcp.urgent_pointer", o + 18, 2, "%u",
	    get16(t + 18));
	if (thl < 20 || thl > n)
		return;
	dec_tcp_options(d, o + 20, o + thl);
	if (thl == n)
		return;
	uint32_t po = o + thl, pn = n - thl;
	dec_rowv(d, DECODE_TRANSPORT, L, "tcp.payload", po, pn, "v.bytes", "%u",
	    pn);

	/* The server's port says who it is: to it, commands; from it, replies. */
	int to_server;
	enum app_proto ap = sim_conn_proto(d->sc, sim_node_by_ip(d->sc, src),
	    sport, sim_node_by_ip(d->sc, dst), dport, &to_server);
	if (ap == APP_SMTP || ap == APP_LMTP || ap == APP_POP3 ||
	    ap == APP_IMAP)
		dec_text(d, po, pn, ap, to_server);
}

/* ---- the handshakes of a trace ----------------------------------------- */

/*
 * Every TCP frame with SYN set, by its direction (addresses and ports),
 * in frame order.  A look-up instead of reading every frame back to the
 * SYN (issue 16: on a million-record trace that read was most of the
 * cost of a jump).  Made from the frames the first time it is needed,
 * kept as the trace's memo, and extended where the trace has grown
 * since (surel live).
 */
struct syn_list {
	uint32_t	 src, dst;
	uint16_t	 sport, dport;
	uint32_t	*f;
	size_t		 n, cap;
};

struct syn_index {
	size_t		 upto;		/* frames [0, upto) are in it */
	struct syn_list	*l;
	int		 nl, capl;
	struct hmap	 by;		/* syn_key() -> l[] */
};

static uint64_t
syn_key(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	return hash_mix(((uint64_t)src << 32 | dst) ^
	    hash_mix((uint64_t)sport << 16 | dport));
}

static void
syn_index_free(void *p)
{
	struct syn_index *x = p;

	for (int i = 0; i < x->nl; i++)
		free(x->l[i].f);
	free(x->l);
	hmap_free(&x->by);
	free(x);
}

/* The TCP header of frame f when it is a whole TCP segment with SYN set, else NULL. */
static const uint8_t *
syn_tcp(const struct trace *tr, uint32_t f, const uint8_t **ipp,
    uint32_t *flen)
{
	const struct trace_frame *tf = trace_frame(tr, f);
	const uint8_t *p = trace_frame_bytes(tr, f);

	if (tf == NULL || p == NULL || tf->len < ETH_HLEN + 20)
		return NULL;
	const uint8_t *ip = p + ETH_HLEN;
	uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
	if (ip[9] != 6 || ihl < 20 || tf->len < ETH_HLEN + ihl + 20)
		return NULL;
	const uint8_t *t = ip + ihl;
	if (!(t[13] & 0x02))
		return NULL;
	*ipp = ip;
	*flen = tf->len;
	return t;
}

static struct syn_list *
syn_find(const struct syn_index *x, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport)
{
	size_t it = 0;
	int i;

	while ((i = hmap_next(&x->by, syn_key(src, dst, sport, dport),
	    &it)) >= 0) {
		struct syn_list *s = &x->l[i];
		if (s->src == src && s->dst == dst && s->sport == sport &&
		    s->dport == dport)
			return s;
	}
	return NULL;
}

static const struct syn_index *
syn_index(const struct trace *tr)
{
	struct trace_memo *m = trace_memo(tr);
	struct syn_index *x = m->p;
	size_t n = trace_frame_count(tr);

	if (x == NULL) {
		x = xcalloc(1, sizeof *x);
		m->p = x;
		m->free = syn_index_free;
	}
	for (; x->upto < n; x->upto++) {
		const uint8_t *ip, *t;
		uint32_t len, f = (uint32_t)x->upto;

		if ((t = syn_tcp(tr, f, &ip, &len)) == NULL)
			continue;
		uint32_t src = get32(ip + 12), dst = get32(ip + 16);
		uint16_t sport = get16(t), dport = get16(t + 2);
		struct syn_list *s = syn_find(x, src, dst, sport, dport);
		if (s == NULL) {
			if (x->nl == x->capl) {
				x->capl = x->capl ? 2 * x->capl : 64;
				x->l = xrealloc(x->l, (size_t)x->capl *
				    sizeof *x->l);
			}
			s = &x->l[x->nl];
			*s = (struct syn_list){ src, dst, sport, dport, NULL,
			    0, 0 };
			hmap_add(&x->by, syn_key(src, dst, sport, dport),
			    x->nl++);
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 2;
			s->f = xrealloc(s->f, s->cap * sizeof *s->f);
		}
		s->f[s->n++] = f;
	}
	return x;
}

/* How many of the list's SYNs are at or before frame f (binary search). */
static size_t
syn_upto(const struct syn_list *s, uint32_t f)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->f[mid] <= f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The initial sequence number of the side that sends from (src, sport)
 * to (dst, dport): the latest frame of that side with SYN set, at or
 * before this one (a SYN is relative 0).
 */
static int
dec_isn(const struct dec *d, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint32_t *isn)
{
	const struct syn_list *s = syn_find(syn_index(d->tr), src, dst, sport,
	    dport);
	const uint8_t *ip, *t;
	uint32_t len;
	size_t k;

	if (s == NULL || (k = syn_upto(s, d->r->frame)) == 0 ||
	    (t = syn_tcp(d->tr, s->f[k - 1], &ip, &len)) == NULL)
		return 0;
	*isn = get32(t + 4);
	return 1;
}

/* The Window Scale shift a SYN carried, -1 without the option. */
static int
dec_syn_ws(const uint8_t *t)
{
	uint32_t thl = (uint32_t)(t[12] >> 4) * 4;

	for (uint32_t i = 20; i < thl && t[i] != 0; ) {
		if (t[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= thl || t[i + 1] < 2)
			break;
		if (t[i] == 3 && t[i + 1] == 3 && i + 2 < thl)
			return t[i + 2] > 14 ? 14 : t[i + 2];
		i += t[i + 1];
	}
	return -1;
}

/*
 * The shift that applies to the window of a segment from src to dst: the
 * one the sender put on its SYN, but only when both SYNs carried the
 * option (RFC 7323 2.2), as Wireshark's "calculated window size" does.
 * -1 when the handshake is not in the trace or scaling is off.
 */
/* The Window Scale of the latest whole SYN of one side at or before frame f: -1 none, -2 no SYN. */
static int
syn_ws_at(const struct trace *tr, const struct syn_list *s, uint32_t f)
{
	const uint8_t *ip, *t;
	uint32_t len;

	for (size_t k = s ? syn_upto(s, f) : 0; k-- > 0; ) {
		if ((t = syn_tcp(tr, s->f[k], &ip, &len)) == NULL ||
		    len < ETH_HLEN + (uint32_t)(ip[0] & 15) * 4 +
		    (uint32_t)(t[12] >> 4) * 4)
			continue;
		return dec_syn_ws(t);
	}
	return -2;
}

static int
dec_wscale(const struct dec *d, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport)
{
	const struct syn_index *x = syn_index(d->tr);
	int mine = syn_ws_at(d->tr, syn_find(x, src, dst, sport, dport),
	    d->r->frame);
	int theirs = syn_ws_at(d->tr, syn_find(x, dst, src, dport, sport),
	    d->r->frame);

	return mine >= 0 && theirs >= 0 ? mine : -1;
}

/* ---- UDP and DNS ------------------------------------------------------ */

static void
dec_udp(struct dec *d, uint32_t ipo, uint32_t o, uint32_t n)
{
	const char *L = "UDP";
	const uint8_t *u = d->p + o;

	if (n < 8) {
		dec_rowv(d, DECODE_TRANSPORT, L, "udp.hdr", o, n,
		    "v.short.udp", "%u", n);
		return;
	}
	uint16_t sport = get16(u), dport = get16(u + 2), ulen = get16(u + 4);
	uint32_t src = get32(d->p + ipo + 12), dst = get32(d->p + ipo + 16);
	int srv;

	dec_port(d, L, "udp.srcport", o, src, sport);
	dec_port(d, L, "udp.dstport", o + 2, dst, dport);
	if (ulen < 8 || ulen > n)
		dec_rowv(d, DECODE_TRANSPORT, L, "udp.length", o + 4, 2,
		    "v.udp.length.invalid", "%u\t%u", ulen, n);
	else
		dec_rowv(d, DECODE_TRANSPORT, L, "udp.length", o + 4, 2,
		    "v.bytes", "%u", ulen);
	/* RFC 768: an all-zero checksum means none was computed. */
	if (get16(u + 6) == 0)
		dec_rowv(d, DECODE_TRANSPORT, L, "udp.checksum", o + 6, 2,
		    "v.none", "0x0000");
	else
		dec_rowv(d, DECODE_TRANSPORT, L, "udp.checksum", o + 6, 2,
		    ulen >= 8 && ulen <= n && dec_l4_sum(d, ipo, o, ulen) == 0 ?
		    "v.checksum.good" : "v.checksum.bad", "0x%04x",
		    get16(u + 6));
	if (ulen < 8 || ulen > n)
		ulen = (uint16_t)(n > 0xffff ? 0xffff : n);
	if (ulen == 8)
		return;
	dec_rowv(d, DECODE_TRANSPORT, L, "udp.payload", o + 8, ulen - 8u,
	    "v.bytes", "%u", ulen - 8u);
	if (sim_conn_proto(d->sc, sim_node_by_ip(d->sc, src), sport,
	    sim_node_by_ip(d->sc, dst), dport, &srv) == APP_DNS)
		dec_dns(d, o + 8, ulen - 8u);
}

/* Past a name at o (RFC 1035 4.1.4: labels, ending in a zero or a pointer); 0 when it runs out. */
static uint32_t
dec_skip_name(const uint8_t *p, uint32_t n, uint32_t o)
{
	for (int labels = 0; labels < 128 && o < n; labels++) {
		uint8_t b = p[o];

		if (b == 0)
			return o + 1;
		if ((b & 0xc0) == 0xc0)
			return o + 2 <= n ? o + 2 : 0;
		if (b & 0xc0)
			return 0;
		o += 1u + b;
	}
	return 0;
}

static const char *
dec_dns_name(const char *name)
{
	return name[0] != '\0' ? name : ".";
}

static void
dec_dns_type(char out[16], int type)
{
	const char *s = dns_type_str(type);

	if (strcmp(s, "TYPE") == 0)
		snprintf(out, 16, "TYPE%d", type);
	else
		snprintf(out, 16, "%s", s);
}

/* The word for a malformed message's fault (dns_wire.h). */
static const char *
dec_dns_err_key(int err)
{
	switch (err) {
	case DNS_WERR_TRUNCATED:	return "w.dns.err.truncated";
	case DNS_WERR_LABEL_TOO_LONG:	return "w.dns.err.label";
	case DNS_WERR_NAME_TOO_LONG:	return "w.dns.err.name";
	case DNS_WERR_PTR_LOOP:		return "w.dns.err.loop";
	case DNS_WERR_PTR_FORWARD:	return "w.dns.err.forward";
	case DNS_WERR_RDATA_LEN:	return "w.dns.err.rdlength";
	case DNS_WERR_TOO_MANY:		return "w.dns.err.too_many";
	case DNS_WERR_TOO_BIG:		return "w.dns.err.too_big";
	}
	return "w.dns.err.other";
}

static void
dec_dns(struct dec *d, uint32_t o, uint32_t n)
{
	const char *L = "DNS";
	const uint8_t *p = d->p + o;
	static const char *sect[3] = { "dns.answer", "dns.authority",
	    "dns.additional" };
	char flags[160], ty[16];
	size_t k;

	if (n < DNS_HLEN) {
		dec_rowv(d, DECODE_APP, L, "dns.hdr", o, n, "v.short.dns", "%u",
		    n);
		return;
	}
	uint16_t fl = get16(p + 2);
	/* RFC 1035 4.1.1: QR, opcode, AA, TC, RD, RA, Z, RCODE; each a word. */
	k = (size_t)snprintf(flags, sizeof flags, "%s",
	    fl & 0x8000 ? "{w.dns.response}" : "{w.dns.query}");
	if (fl >> 11 & 15)
		k += (size_t)snprintf(flags + k, sizeof flags - k,
		    ", {w.dns.opcode} %u", fl >> 11 & 15);
	k += (size_t)snprintf(flags + k, sizeof flags - k, "%s%s%s%s",
	    fl & 0x0400 ? ", {w.dns.aa}" : "",
	    fl & 0x0200 ? ", {w.dns.tc}" : "",
	    fl & 0x0100 ? ", {w.dns.rd}" : "",
	    fl & 0x0080 ? ", {w.dns.ra}" : "");
	if (fl & 0x8000)
		snprintf(flags + k, sizeof flags - k, ", %s",
		    dns_rcode_str(fl & 15));
	dec_row(d, DECODE_APP, L, "dns.id", o, 2, "0x%04x", get16(p));
	dec_rowv(d, DECODE_APP, L, "dns.flags", o + 2, 2, "v.dns.flags",
	    "0x%04x\t%s", fl, flags);
	dec_row(d, DECODE_APP, L, "dns.count.queries", o + 4, 2, "%u",
	    get16(p + 4));
	dec_row(d, DECODE_APP, L, "dns.count.answers", o + 6, 2, "%u",
	    get16(p + 6));
	dec_row(d, DECODE_APP, L, "dns.count.auth_rr", o + 8, 2, "%u",
	    get16(p + 8));
	dec_row(d, DECODE_APP, L, "dns.count.add_rr", o + 10, 2, "%u",
	    get16(p + 10));

	struct dns_msg *m = xmalloc(sizeof *m);
	int err = dns_decode(p, n, m);
	if (err != 0) {
		dec_rowv(d, DECODE_APP, L, "dns.malformed", o, n,
		    "v.dns.malformed", "{%s}", dec_dns_err_key(err));
		free(m);
		return;
	}
	/* The byte ranges come from walking the records as the decoder did. */
	uint32_t c = DNS_HLEN, e;
	if (m->qdcount == 1) {
		e = dec_skip_name(p, n, c);
		if (e == 0 || e + 4 > n)
			goto out;
		dec_dns_type(ty, m->qtype);
		if (m->qclass == DNS_C_IN)
			dec_row(d, DECODE_APP, L, "dns.qry", o + c, e + 4 - c,
			    "%s %s IN", dec_dns_name(m->qname), ty);
		else
			dec_row(d, DECODE_APP, L, "dns.qry", o + c, e + 4 - c,
			    "%s %s CLASS%u", dec_dns_name(m->qname), ty,
			    m->qclass);
		c = e + 4;
	}
	const struct dns_rr *rrs[3] = { m->an, m->ns, m->ar };
	int counts[3] = { m->nan, m->nns, m->nar };
	for (int s = 0; s < 3; s++) {
		for (int j = 0; j < counts[s]; j++) {
			const struct dns_rr *rr = &rrs[s][j];
			struct buf data = { 0 };

			e = dec_skip_name(p, n, c);
			if (e == 0 || e + 10 > n ||
			    e + 10 + get16(p + e + 8) > n)
				goto out;
			e += 10 + get16(p + e + 8);
			dns_rr_data_str(rr, &data);
			dec_dns_type(ty, rr->type);
			dec_row(d, DECODE_APP, L, sect[s], o + c, e - c,
			    "%s %s %s (TTL %u)", dec_dns_name(rr->name), ty,
			    data.data ? (char *)data.data : "", rr->ttl);
			buf_free(&data);
			c = e;
		}
	}
out:
	free(m);
}

/* ---- text protocols and IMF ------------------------------------------- */

/* The next line from o (before end): up to and including its LF, or to end. */
static int
dec_next_line(const struct dec *d, uint32_t o, uint32_t end,
    struct dec_line *l)
{
	if (o >= end)
		return 0;
	uint32_t i = o;
	while (i < end && d->p[i] != '\n')
		i++;
	l->off = o;
	l->len = (i < end ? i + 1 : end) - o;
	l->tlen = i - o;
	if (l->tlen > 0 && d->p[o + l->tlen - 1] == '\r')
		l->tlen--;
	return 1;
}

/* Does the line begin with word (case-insensitive), then a space or its end? */
static int
dec_word_at(const uint8_t *p, uint32_t n, const char *word)
{
	size_t k = strlen(word);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (toupper(p[i]) != word[i])
			return 0;
	return n == k || p[k] == ' ';
}

static int
dec_is_command(const uint8_t *p, uint32_t n, enum app_proto ap)
{
	static const char *smtp[] = { "HELO", "EHLO", "LHLO", "MAIL", "RCPT",
	    "DATA", "BDAT", "RSET", "VRFY", "EXPN", "HELP", "NOOP", "QUIT",
	    "AUTH", "STARTTLS", NULL };
	static const char *pop3[] = { "USER", "PASS", "APOP", "STAT", "LIST",
	    "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL", "CAPA",
	    "AUTH", "STLS", NULL };
	static const char *imap[] = { "CAPABILITY", "NOOP", "LOGOUT",
	    "STARTTLS", "AUTHENTICATE", "LOGIN", "SELECT", "EXAMINE", "CREATE",
	    "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB",
	    "STATUS", "APPEND", "CHECK", "CLOSE", "EXPUNGE", "SEARCH", "FETCH",
	    "STORE", "COPY", "UID", "IDLE", "ENABLE", "NAMESPACE", "ID", NULL };
	const char **verbs = ap == APP_POP3 ? pop3 : ap == APP_IMAP ? imap :
	    smtp;

	if (ap == APP_IMAP) {
		/* RFC 3501 9: tag SP command. */
		uint32_t i = 0;
		while (i < n && p[i] > ' ' && p[i] < 0x7f)
			i++;
		if (i == 0 || i >= n || p[i] != ' ')
			return 0;
		p += i + 1;
		n -= i + 1;
	}
	for (int i = 0; verbs[i] != NULL; i++)
		if (dec_word_at(p, n, verbs[i]))
			return 1;
	return 0;
}

/* What a line from the server is (its key): a reply, or data (a message being fetched). */
static const char *
dec_server_field(const uint8_t *p, uint32_t n, enum app_proto ap)
{
	switch (ap) {
	case APP_SMTP:
	case APP_LMTP:
		/* RFC 5321 4.2: three digits, then a space or a hyphen. */
		if (n >= 3 && isdigit(p[0]) && isdigit(p[1]) && isdigit(p[2]) &&
		    (n == 3 || p[3] == ' ' || p[3] == '-'))
			return "app.reply";
		break;
	case APP_POP3:
		if (dec_word_at(p, n, "+OK") || dec_word_at(p, n, "-ERR"))
			return "app.reply";
		break;
	case APP_IMAP:
		if (n >= 2 && p[0] == '+' && p[1] == ' ')
			return "app.continuation";
		if (n >= 2 && p[0] == '*' && p[1] == ' ')
			return "app.response";
		/* A tagged status: tag SP OK|NO|BAD. */
		for (uint32_t i = 1; i + 3 < n; i++) {
			if (p[i] == ' ') {
				if (dec_word_at(p + i + 1, n - i - 1, "OK") ||
				    dec_word_at(p + i + 1, n - i - 1, "NO") ||
				    dec_word_at(p + i + 1, n - i - 1, "BAD"))
					return "app.response";
				break;
			}
		}
		break;
	default:
		break;
	}
	return "app.data";
}

/*
 * One row per line.  From the client: "Command" where the segment opens
 * with a command (several may be pipelined), else "Data" (the message
 * after DATA, or an AUTH exchange's base64).  From the server: replies,
 * and "Data" for a message being fetched.  Then the header fields of a
 * message, where one starts here: at the start of a client's data, or
 * after a POP3 +OK or an IMAP literal {n} from the server.
 */
static void
dec_text(struct dec *d, uint32_t o, uint32_t n, enum app_proto ap,
    int to_server)
{
	const char *L = app_proto_name(ap);
	uint32_t end = o + n, c = o;
	struct dec_line l;
	char text[128];
	int commands = -1;
	uint32_t imf = UINT32_MAX;

	while (dec_next_line(d, c, end, &l)) {
		const uint8_t *p = d->p + l.off;
		const char *field;

		if (to_server) {
			if (commands < 0)
				commands = dec_is_command(p, l.tlen, ap);
			field = commands && dec_is_command(p, l.tlen, ap) ?
			    "app.command" : "app.data";
			if (!commands && imf == UINT32_MAX && c == o)
				imf = l.off;
		} else {
			field = dec_server_field(p, l.tlen, ap);
			if (imf == UINT32_MAX && l.off + l.len < end &&
			    ((ap == APP_POP3 && dec_word_at(p, l.tlen, "+OK")) ||
			    (ap == APP_IMAP && l.tlen > 0 &&
			    p[l.tlen - 1] == '}')))
				imf = l.off + l.len;
		}
		if (l.tlen == 0) {
			dec_rowv(d, DECODE_APP, L, field, l.off, l.len,
			    "v.empty_line", "%s", "");
		} else {
			dec_printable(text, sizeof text, p, l.tlen);
			dec_row(d, DECODE_APP, L, field, l.off, l.len, "%s",
			    text);
		}
		c = l.off + l.len;
	}
	if (imf != UINT32_MAX)
		dec_imf(d, imf, end);
}

/* RFC 5322 2.2: field-name = 1*ftext (printable US-ASCII but ':'), then ':'. */
static uint32_t
dec_field_name(const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;

	while (i < n && p[i] > ' ' && p[i] < 0x7f && p[i] != ':')
		i++;
	return i > 0 && i < n && p[i] == ':' ? i : 0;
}

/*
 * The header fields from o: each field with its folded continuation
 * lines (RFC 5322 2.2.3), until the empty line that ends the header or
 * a line that is not a field (the segment may end in the middle).
 */
static void
dec_imf(struct dec *d, uint32_t o, uint32_t end)
{
	struct dec_line l;
	char name[32], value[128];

	while (dec_next_line(d, o, end, &l)) {
		const uint8_t *p = d->p + l.off;
		uint32_t nl = dec_field_name(p, l.tlen);

		if (nl == 0)
			return;
		uint32_t flen = l.len;
		size_t k = 0;
		int cut = 0;

		dec_printable(name, sizeof name, p, nl);
		/* The value: this line after the colon, then each continuation, unfolded. */
		for (uint32_t i = nl + 1; ; ) {
			const uint8_t *q = d->p + l.off;

			for (; i < l.tlen; i++) {
				if (k + 1 >= sizeof value) {
					cut = 1;
					break;
				}
				value[k++] = q[i] >= 0x20 && q[i] < 0x7f ?
				    (char)q[i] : q[i] == '\t' ? ' ' : '.';
			}
			struct dec_line nx;
			if (!dec_next_line(d, l.off + l.len, end, &nx) ||
			    nx.tlen == 0 || (d->p[nx.off] != ' ' &&
			    d->p[nx.off] != '\t'))
				break;
			flen += nx.len;
			l = nx;
			i = 0;
		}
		value[k] = '\0';
		if (cut)
			memcpy(value + sizeof value - 4, "...", 4);
		/* Unfolding leaves the leading white space of the value; trim it. */
		char *v = value;
		while (*v == ' ')
			v++;
		struct decode_row *row = dec_row(d, DECODE_IMF, "IMF",
		    "imf.field", p - d->p, flen, "%s", v);
		/* The field's own name (RFC 5322 3.6), in no language. */
		if (row != NULL)
			snprintf(row->field, sizeof row->field, "%s", name);
		o = l.off + l.len;
	}
}
