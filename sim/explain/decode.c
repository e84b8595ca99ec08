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
 * Nothing here keeps state between calls; the TCP rows look back through
 * the trace's earlier frames for the connection's SYNs, to show
 * sequence numbers relative to the initial ones as Wireshark does.
 */
#include "decode.h"
#include "dns_wire.h"
#include "eth.h"
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

static void	dec_row(struct dec *, int, const char *, const char *,
		    uint32_t, uint32_t, const char *, ...)
		    __attribute__((format(printf, 7, 8)));
static void	dec_frame(struct dec *);
static void	dec_ipv4(struct dec *, uint32_t);
static void	dec_tcp(struct dec *, uint32_t, uint32_t, uint32_t);
static void	dec_udp(struct dec *, uint32_t, uint32_t, uint32_t);
static void	dec_dns(struct dec *, uint32_t, uint32_t);
static void	dec_text(struct dec *, uint32_t, uint32_t, enum app_proto,
		    int);
static void	dec_imf(struct dec *, uint32_t, uint32_t);
static int	dec_isn(const struct dec *, uint32_t, uint32_t, uint16_t,
		    uint16_t, uint32_t *);

/* ---- rows ------------------------------------------------------------- */

/*
 * One row; offset and length are clipped to the frame, so a row never
 * points outside it even when a header lies about its own length.
 */
static void
dec_row(struct dec *d, int layer, const char *lname, const char *field,
    uint32_t off, uint32_t len, const char *fmt, ...)
{
	va_list ap;

	if (d->n >= d->max)
		return;
	struct decode_row *row = &d->rows[d->n++];
	memset(row, 0, sizeof *row);	/* the same bytes for the same frame */
	row->layer = layer;
	row->layer_name = lname;
	snprintf(row->field, sizeof row->field, "%s", field);
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

/* " (SMTP)" after a port the node at ip serves (ports.c); "" for any other. */
static const char *
dec_port_name(const struct dec *d, uint32_t ip, unsigned port, char *buf,
    size_t cap)
{
	const char *name;

	sim_port_proto(d->sc, sim_node_by_ip(d->sc, ip), port, &name);
	if (name == NULL)
		return "";
	snprintf(buf, cap, " (%s)", name);
	return buf;
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
		dec_row(d, DECODE_ETH, "Ethernet", "Frame", 0, d->len,
		    "%u bytes: too short for an Ethernet header", d->len);
		return;
	}
	dec_mac(mac, d->p);
	dec_row(d, DECODE_ETH, "Ethernet", "Destination", 0, 6, "%s", mac);
	dec_mac(mac, d->p + 6);
	dec_row(d, DECODE_ETH, "Ethernet", "Source", 6, 6, "%s", mac);
	uint16_t type = get16(d->p + 12);
	dec_row(d, DECODE_ETH, "Ethernet", "Type", 12, 2, "0x%04x%s", type,
	    type == ETHERTYPE_IPV4 ? " (IPv4)" : "");
	if (type == ETHERTYPE_IPV4)
		dec_ipv4(d, ETH_HLEN);
}

static void
dec_ipv4(struct dec *d, uint32_t o)
{
	const char *L = "IPv4";
	const uint8_t *ip = d->p + o;
	uint32_t avail = d->len - o;
	char a[16];

	if (avail < 20) {
		dec_row(d, DECODE_IPV4, L, "Header", o, avail,
		    "%u bytes: too short for an IPv4 header (20)", avail);
		return;
	}
	unsigned ver = ip[0] >> 4;
	uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
	uint32_t tot = get16(ip + 2);
	uint16_t frag = get16(ip + 6);

	dec_row(d, DECODE_IPV4, L, "Version", o, 1, "%u", ver);
	dec_row(d, DECODE_IPV4, L, "Header length", o, 1, "%u bytes (%u)",
	    ihl, ihl / 4);
	dec_row(d, DECODE_IPV4, L, "DSCP/ECN", o + 1, 1, "0x%02x", ip[1]);
	if (tot > avail)
		dec_row(d, DECODE_IPV4, L, "Total length", o + 2, 2,
		    "%u bytes (only %u in the frame)", tot, avail);
	else
		dec_row(d, DECODE_IPV4, L, "Total length", o + 2, 2,
		    "%u bytes", tot);
	dec_row(d, DECODE_IPV4, L, "Identification", o + 4, 2, "0x%04x (%u)",
	    get16(ip + 4), get16(ip + 4));
	dec_row(d, DECODE_IPV4, L, "Flags", o + 6, 1, "0x%x%s%s%s", frag >> 13,
	    frag & 0x4000 ? " (Don't fragment)" : "",
	    frag & 0x2000 ? " (More fragments)" : "",
	    (frag & 0x6000) == 0 ? " (none)" : "");
	dec_row(d, DECODE_IPV4, L, "Fragment offset", o + 6, 2, "%u",
	    (frag & 0x1fff) * 8u);
	dec_row(d, DECODE_IPV4, L, "Time to live", o + 8, 1, "%u", ip[8]);
	dec_row(d, DECODE_IPV4, L, "Protocol", o + 9, 1, "%u%s", ip[9],
	    ip[9] == 6 ? " (TCP)" : ip[9] == 17 ? " (UDP)" :
	    ip[9] == 1 ? " (ICMP)" : "");
	if (ihl >= 20 && ihl <= avail) {
		/* RFC 1071: the sum over a correct header, checksum included, is all ones. */
		uint16_t want = cksum_fold(cksum_add(cksum_add(0, ip, 10),
		    ip + 12, ihl - 12));
		if (cksum_fold(cksum_add(0, ip, ihl)) == 0)
			dec_row(d, DECODE_IPV4, L, "Header checksum", o + 10, 2,
			    "0x%04x (correct)", get16(ip + 10));
		else
			dec_row(d, DECODE_IPV4, L, "Header checksum", o + 10, 2,
			    "0x%04x (incorrect, should be 0x%04x)",
			    get16(ip + 10), want);
	} else
		dec_row(d, DECODE_IPV4, L, "Header checksum", o + 10, 2,
		    "0x%04x (not checked: bad header length)", get16(ip + 10));
	ip_format(get32(ip + 12), a);
	dec_row(d, DECODE_IPV4, L, "Source address", o + 12, 4, "%s", a);
	ip_format(get32(ip + 16), a);
	dec_row(d, DECODE_IPV4, L, "Destination address", o + 16, 4, "%s", a);
	if (ver != 4 || ihl < 20 || ihl > avail) {
		dec_row(d, DECODE_IPV4, L, "Header", o, avail,
		    "not decoded further: %s", ver != 4 ? "not version 4" :
		    "bad header length");
		return;
	}
	if (ihl > 20)
		dec_row(d, DECODE_IPV4, L, "Options", o + 20, ihl - 20,
		    "%u bytes", ihl - 20);
	if (tot < ihl) {
		dec_row(d, DECODE_IPV4, L, "Payload", o + ihl, 0,
		    "none: total length below the header length");
		return;
	}
	if (tot > avail)
		tot = avail;		/* decode what is there */
	if ((frag & 0x1fff) != 0) {
		dec_row(d, DECODE_IPV4, L, "Payload", o + ihl, tot - ihl,
		    "%u bytes of a fragment", tot - ihl);
		return;
	}
	if (ip[9] == 6)
		dec_tcp(d, o, o + ihl, tot - ihl);
	else if (ip[9] == 17)
		dec_udp(d, o, o + ihl, tot - ihl);
	else if (tot > ihl)
		dec_row(d, DECODE_IPV4, L, "Payload", o + ihl, tot - ihl,
		    "%u bytes", tot - ihl);
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
dec_tcp_option_name(unsigned kind)
{
	switch (kind) {
	case 2: return "Maximum segment size";
	case 3: return "Window scale";
	case 4: return "SACK permitted";
	case 5: return "SACK";
	case 8: return "Timestamps";
	}
	return "Option";
}

static void
dec_tcp_options(struct dec *d, uint32_t o, uint32_t end)
{
	const char *L = "TCP";

	while (o < end) {
		unsigned kind = d->p[o];

		if (kind == 0) {
			dec_row(d, DECODE_TRANSPORT, L, "End of options", o,
			    end - o, "%u bytes", end - o);
			return;
		}
		if (kind == 1) {
			dec_row(d, DECODE_TRANSPORT, L, "No-operation", o, 1,
			    "padding");
			o++;
			continue;
		}
		if (o + 1 >= end || d->p[o + 1] < 2 ||
		    d->p[o + 1] > end - o) {
			dec_row(d, DECODE_TRANSPORT, L, "Options", o, end - o,
			    "malformed option %u", kind);
			return;
		}
		uint32_t n = d->p[o + 1];
		const uint8_t *v = d->p + o + 2;

		if (kind == 2 && n == 4)
			dec_row(d, DECODE_TRANSPORT, L, "Maximum segment size",
			    o, n, "%u bytes", get16(v));
		else if (kind == 3 && n == 3)
			dec_row(d, DECODE_TRANSPORT, L, "Window scale", o, n,
			    "shift %u (multiply by %u)", v[0],
			    v[0] < 15 ? 1u << v[0] : 1u << 14);
		else if (kind == 4 && n == 2)
			dec_row(d, DECODE_TRANSPORT, L, "SACK permitted", o, n,
			    "yes");
		else if (kind == 8 && n == 10)
			dec_row(d, DECODE_TRANSPORT, L, "Timestamps", o, n,
			    "TSval %u, TSecr %u", get32(v), get32(v + 4));
		else
			dec_row(d, DECODE_TRANSPORT, L,
			    dec_tcp_option_name(kind), o, n,
			    "kind %u, %u bytes", kind, n);
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
		dec_row(d, DECODE_TRANSPORT, L, "Header", o, n,
		    "%u bytes: too short for a TCP header (20)", n);
		return;
	}
	uint16_t sport = get16(t), dport = get16(t + 2);
	uint32_t seq = get32(t + 4), ack = get32(t + 8);
	uint32_t thl = (uint32_t)(t[12] >> 4) * 4;
	unsigned flags = (unsigned)(t[12] & 1) << 8 | t[13];
	uint32_t src = get32(d->p + ipo + 12), dst = get32(d->p + ipo + 16);
	char nm[24];

	dec_row(d, DECODE_TRANSPORT, L, "Source port", o, 2, "%u%s", sport,
	    dec_port_name(d, src, sport, nm, sizeof nm));
	dec_row(d, DECODE_TRANSPORT, L, "Destination port", o + 2, 2, "%u%s",
	    dport, dec_port_name(d, dst, dport, nm, sizeof nm));
	if (dec_isn(d, src, dst, sport, dport, &isn))
		dec_row(d, DECODE_TRANSPORT, L, "Sequence number", o + 4, 4,
		    "%u (relative %u)", seq, seq - isn);
	else
		dec_row(d, DECODE_TRANSPORT, L, "Sequence number", o + 4, 4,
		    "%u", seq);
	if (!(flags & 0x10))
		dec_row(d, DECODE_TRANSPORT, L, "Acknowledgment number", o + 8,
		    4, "%u (not used: no ACK flag)", ack);
	else if (dec_isn(d, dst, src, dport, sport, &isn))
		dec_row(d, DECODE_TRANSPORT, L, "Acknowledgment number", o + 8,
		    4, "%u (relative %u)", ack, ack - isn);
	else
		dec_row(d, DECODE_TRANSPORT, L, "Acknowledgment number", o + 8,
		    4, "%u", ack);
	dec_row(d, DECODE_TRANSPORT, L, "Header length", o + 12, 1,
	    "%u bytes (%u)%s", thl, thl / 4, thl < 20 || thl > n ?
	    " (invalid)" : "");
	for (int i = 0; i < 9; i++) {
		if (!(flags & 1u << i))
			continue;
		if (fl[0] != '\0')
			strcat(fl, ", ");
		strcat(fl, names[i]);
	}
	dec_row(d, DECODE_TRANSPORT, L, "Flags", o + 12, 2, "0x%03x (%s)",
	    flags, fl[0] ? fl : "none");
	dec_row(d, DECODE_TRANSPORT, L, "Window", o + 14, 2, "%u",
	    get16(t + 14));
	if (dec_l4_sum(d, ipo, o, n) == 0)
		dec_row(d, DECODE_TRANSPORT, L, "Checksum", o + 16, 2,
		    "0x%04x (correct)", get16(t + 16));
	else
		dec_row(d, DECODE_TRANSPORT, L, "Checksum", o + 16, 2,
		    "0x%04x (incorrect)", get16(t + 16));
	dec_row(d, DECODE_TRANSPORT, L, "Urgent pointer", o + 18, 2, "%u",
	    get16(t + 18));
	if (thl < 20 || thl > n)
		return;
	dec_tcp_options(d, o + 20, o + thl);
	if (thl == n)
		return;
	uint32_t po = o + thl, pn = n - thl;
	dec_row(d, DECODE_TRANSPORT, L, "Payload", po, pn, "%u bytes", pn);

	/* The server's port says who it is: to it, commands; from it, replies. */
	int to_server;
	enum app_proto ap = sim_conn_proto(d->sc, sim_node_by_ip(d->sc, src),
	    sport, sim_node_by_ip(d->sc, dst), dport, &to_server);
	if (ap == APP_SMTP || ap == APP_LMTP || ap == APP_POP3 ||
	    ap == APP_IMAP)
		dec_text(d, po, pn, ap, to_server);
}

/*
 * The initial sequence number of the side that sends from (src, sport)
 * to (dst, dport): the latest earlier frame of that side with SYN set.
 * Frames are numbered in the order they were made, so the search goes
 * back from this one.  The frame itself counts (a SYN is relative 0).
 */
static int
dec_isn(const struct dec *d, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint32_t *isn)
{
	for (uint32_t f = d->r->frame + 1; f-- > 0; ) {
		const struct trace_frame *tf = trace_frame(d->tr, f);
		const uint8_t *p = trace_frame_bytes(d->tr, f);

		if (tf == NULL || tf->len < ETH_HLEN + 20)
			continue;
		const uint8_t *ip = p + ETH_HLEN;
		uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
		if (ip[9] != 6 || ihl < 20 || tf->len < ETH_HLEN + ihl + 20 ||
		    get32(ip + 12) != src || get32(ip + 16) != dst)
			continue;
		const uint8_t *t = ip + ihl;
		if (get16(t) != sport || get16(t + 2) != dport ||
		    !(t[13] & 0x02))
			continue;
		*isn = get32(t + 4);
		return 1;
	}
	return 0;
}

/* ---- UDP and DNS ------------------------------------------------------ */

static void
dec_udp(struct dec *d, uint32_t ipo, uint32_t o, uint32_t n)
{
	const char *L = "UDP";
	const uint8_t *u = d->p + o;

	if (n < 8) {
		dec_row(d, DECODE_TRANSPORT, L, "Header", o, n,
		    "%u bytes: too short for a UDP header (8)", n);
		return;
	}
	uint16_t sport = get16(u), dport = get16(u + 2), ulen = get16(u + 4);
	uint32_t src = get32(d->p + ipo + 12), dst = get32(d->p + ipo + 16);
	int srv;
	char nm[24];

	dec_row(d, DECODE_TRANSPORT, L, "Source port", o, 2, "%u%s", sport,
	    dec_port_name(d, src, sport, nm, sizeof nm));
	dec_row(d, DECODE_TRANSPORT, L, "Destination port", o + 2, 2, "%u%s",
	    dport, dec_port_name(d, dst, dport, nm, sizeof nm));
	if (ulen < 8 || ulen > n)
		dec_row(d, DECODE_TRANSPORT, L, "Length", o + 4, 2,
		    "%u bytes (invalid: %u in the packet)", ulen, n);
	else
		dec_row(d, DECODE_TRANSPORT, L, "Length", o + 4, 2, "%u bytes",
		    ulen);
	if (get16(u + 6) == 0)
		dec_row(d, DECODE_TRANSPORT, L, "Checksum", o + 6, 2,
		    "0x0000 (none)");
	else if (ulen >= 8 && ulen <= n && dec_l4_sum(d, ipo, o, ulen) == 0)
		dec_row(d, DECODE_TRANSPORT, L, "Checksum", o + 6, 2,
		    "0x%04x (correct)", get16(u + 6));
	else
		dec_row(d, DECODE_TRANSPORT, L, "Checksum", o + 6, 2,
		    "0x%04x (incorrect)", get16(u + 6));
	if (ulen < 8 || ulen > n)
		ulen = (uint16_t)(n > 0xffff ? 0xffff : n);
	if (ulen == 8)
		return;
	dec_row(d, DECODE_TRANSPORT, L, "Payload", o + 8, ulen - 8u,
	    "%u bytes", ulen - 8u);
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

static void
dec_dns(struct dec *d, uint32_t o, uint32_t n)
{
	const char *L = "DNS";
	const uint8_t *p = d->p + o;
	static const char *sect[3] = { "Answer", "Authority", "Additional" };
	char flags[128], ty[16];
	size_t k;

	if (n < DNS_HLEN) {
		dec_row(d, DECODE_APP, L, "Header", o, n,
		    "%u bytes: too short for a DNS header (12)", n);
		return;
	}
	uint16_t fl = get16(p + 2);
	/* RFC 1035 4.1.1: QR, opcode, AA, TC, RD, RA, Z, RCODE. */
	k = (size_t)snprintf(flags, sizeof flags, "%s",
	    fl & 0x8000 ? "response" : "query");
	if (fl >> 11 & 15)
		k += (size_t)snprintf(flags + k, sizeof flags - k,
		    ", opcode %u", fl >> 11 & 15);
	snprintf(flags + k, sizeof flags - k, "%s%s%s%s",
	    fl & 0x0400 ? ", authoritative" : "",
	    fl & 0x0200 ? ", truncated" : "",
	    fl & 0x0100 ? ", recursion desired" : "",
	    fl & 0x0080 ? ", recursion available" : "");
	dec_row(d, DECODE_APP, L, "Transaction ID", o, 2, "0x%04x", get16(p));
	if (fl & 0x8000)
		dec_row(d, DECODE_APP, L, "Flags", o + 2, 2, "0x%04x (%s, %s)",
		    fl, flags, dns_rcode_str(fl & 15));
	else
		dec_row(d, DECODE_APP, L, "Flags", o + 2, 2, "0x%04x (%s)", fl,
		    flags);
	dec_row(d, DECODE_APP, L, "Questions", o + 4, 2, "%u", get16(p + 4));
	dec_row(d, DECODE_APP, L, "Answer RRs", o + 6, 2, "%u", get16(p + 6));
	dec_row(d, DECODE_APP, L, "Authority RRs", o + 8, 2, "%u",
	    get16(p + 8));
	dec_row(d, DECODE_APP, L, "Additional RRs", o + 10, 2, "%u",
	    get16(p + 10));

	struct dns_msg *m = xmalloc(sizeof *m);
	int err = dns_decode(p, n, m);
	if (err != 0) {
		dec_row(d, DECODE_APP, L, "Message", o, n, "malformed: %s",
		    dns_wire_err_str(err));
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
			dec_row(d, DECODE_APP, L, "Question", o + c, e + 4 - c,
			    "%s %s IN", dec_dns_name(m->qname), ty);
		else
			dec_row(d, DECODE_APP, L, "Question", o + c, e + 4 - c,
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

/* What a line from the server is: a reply, or data (a message being fetched). */
static const char *
dec_server_field(const uint8_t *p, uint32_t n, enum app_proto ap)
{
	switch (ap) {
	case APP_SMTP:
	case APP_LMTP:
		/* RFC 5321 4.2: three digits, then a space or a hyphen. */
		if (n >= 3 && isdigit(p[0]) && isdigit(p[1]) && isdigit(p[2]) &&
		    (n == 3 || p[3] == ' ' || p[3] == '-'))
			return "Reply";
		break;
	case APP_POP3:
		if (dec_word_at(p, n, "+OK") || dec_word_at(p, n, "-ERR"))
			return "Reply";
		break;
	case APP_IMAP:
		if (n >= 2 && p[0] == '+' && p[1] == ' ')
			return "Continuation";
		if (n >= 2 && p[0] == '*' && p[1] == ' ')
			return "Response";
		/* A tagged status: tag SP OK|NO|BAD. */
		for (uint32_t i = 1; i + 3 < n; i++) {
			if (p[i] == ' ') {
				if (dec_word_at(p + i + 1, n - i - 1, "OK") ||
				    dec_word_at(p + i + 1, n - i - 1, "NO") ||
				    dec_word_at(p + i + 1, n - i - 1, "BAD"))
					return "Response";
				break;
			}
		}
		break;
	default:
		break;
	}
	return "Data";
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
			    "Command" : "Data";
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
		if (l.tlen == 0)
			snprintf(text, sizeof text, "(empty line)");
		else
			dec_printable(text, sizeof text, p, l.tlen);
		dec_row(d, DECODE_APP, L, field, l.off, l.len, "%s", text);
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
		dec_row(d, DECODE_IMF, "IMF", name, p - d->p, flen, "%s", v);
		o = l.off + l.len;
	}
}
