/*
 * dns_wire.c: the DNS message format, RFC 1035 section 4.
 *
 *	+---------------------+
 *	|        Header       |  12 octets: ID, flags, four counts (4.1.1)
 *	+---------------------+
 *	|       Question      |  QNAME QTYPE QCLASS (4.1.2)
 *	+---------------------+
 *	|        Answer       |  RRs: NAME TYPE CLASS TTL RDLENGTH RDATA (4.1.3)
 *	+---------------------+
 *	|      Authority      |
 *	+---------------------+
 *	|      Additional     |
 *	+---------------------+
 *
 * Decoding goes through a cursor whose error is sticky, after OpenSMTPD's
 * unpack_dns.c: every read after the first failure returns zero and reads
 * nothing, so the parser calls the helpers freely and checks once per
 * record.  Every read is bounds-checked against the message length.
 *
 * Encoding compresses every name it can (4.1.4): owner names, the
 * question, and the names inside NS, CNAME, MX and SOA data (the types
 * RFC 3597 section 4 allows to be compressed).  The encoder remembers
 * where each suffix of each name it wrote begins and points at the
 * longest one already in the message.
 */
#include "dns_wire.h"
#include "util.h"

#include <string.h>

/* Offsets of name suffixes the encoder can point at (14 bits each). */
#define DNS_CMP_MAX	512
#define DNS_PTR_MAX	0x3fff
#define DNS_WIRE_MAX	255	/* RFC 1035 section 2.3.4: octets of a name */
#define DNS_LABEL_MAX	63
#define DNS_MSG_MAX	65535	/* the largest message even TCP can carry */

/* The read side: a window on the message with a sticky error. */
struct dns_cur {
	const uint8_t	*p;
	size_t		 n;
	size_t		 off;
	int		 err;
};

/* The write side: the output, and the suffixes written so far. */
struct dns_enc {
	uint8_t		*out;
	size_t		 cap;
	size_t		 len;
	int		 err;
	uint16_t	 sfx[DNS_CMP_MAX];
	int		 nsfx;
};

static void	dns_cur_fail(struct dns_cur *, int);
static uint8_t	dns_cur_u8(struct dns_cur *);
static uint16_t	dns_cur_u16(struct dns_cur *);
static uint32_t	dns_cur_u32(struct dns_cur *);
static void	dns_cur_name(struct dns_cur *, char *);
static void	dns_cur_rr(struct dns_cur *, struct dns_rr *);
static void	dns_cur_strings(struct dns_cur *, size_t, struct dns_bytes *);
static int	dns_text_label(char *, size_t *, const uint8_t *, size_t);
static int	dns_name_wire(const char *, uint8_t *, int *, int *);
static void	dns_enc_bytes(struct dns_enc *, const void *, size_t);
static void	dns_enc_u16(struct dns_enc *, uint16_t);
static void	dns_enc_u32(struct dns_enc *, uint32_t);
static void	dns_enc_name(struct dns_enc *, const char *);
static int	dns_enc_match(const struct dns_enc *, size_t, const uint8_t *);
static void	dns_enc_rr(struct dns_enc *, const struct dns_rr *);
static void	dns_describe_name(struct buf *, const char *);
static void	dns_describe_rr(struct buf *, const struct dns_rr *);

/* ---------------------------------------------------------------- */
/* Decoding */

static void
dns_cur_fail(struct dns_cur *c, int err)
{
	if (c->err == 0)
		c->err = err;
}

static uint8_t
dns_cur_u8(struct dns_cur *c)
{
	if (c->err || c->n - c->off < 1) {
		dns_cur_fail(c, DNS_WERR_TRUNCATED);
		return 0;
	}
	return c->p[c->off++];
}

static uint16_t
dns_cur_u16(struct dns_cur *c)
{
	if (c->err || c->n - c->off < 2) {
		dns_cur_fail(c, DNS_WERR_TRUNCATED);
		return 0;
	}
	c->off += 2;
	return get16(c->p + c->off - 2);
}

static uint32_t
dns_cur_u32(struct dns_cur *c)
{
	if (c->err || c->n - c->off < 4) {
		dns_cur_fail(c, DNS_WERR_TRUNCATED);
		return 0;
	}
	c->off += 4;
	return get32(c->p + c->off - 4);
}

/*
 * One label's bytes as text, escaped where a byte would be ambiguous or
 * unprintable (RFC 1035 section 5.1).  Returns -1 when out (of DNS_NAME_MAX
 * characters, at *len so far) is full.
 */
static int
dns_text_label(char *out, size_t *len, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char esc[5];
		size_t k;

		if (p[i] == '.' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			k = 2;
		} else if (p[i] < 0x21 || p[i] > 0x7e) {
			esc[0] = '\\';
			esc[1] = (char)('0' + p[i] / 100);
			esc[2] = (char)('0' + p[i] / 10 % 10);
			esc[3] = (char)('0' + p[i] % 10);
			k = 4;
		} else {
			esc[0] = (char)p[i];
			k = 1;
		}
		if (*len + k > DNS_NAME_MAX)
			return -1;
		memcpy(out + *len, esc, k);
		*len += k;
	}
	return 0;
}

/*
 * A domain name at the cursor (RFC 1035 section 4.1.4): labels, ending
 * in a zero octet or a pointer to a prior occurrence.  The cursor moves
 * past the bytes in place (up to and including the first pointer).
 *
 * Termination: like unpack_dns.c, each pointer must lead strictly before
 * the place where the current run of labels began.  The runs therefore
 * start ever earlier in the message, so no sequence of pointers can
 * visit a byte twice.  A pointer at or after itself is a forward pointer;
 * one that leads back into the labels it ends is a loop.
 */
static void
dns_cur_name(struct dns_cur *c, char *out)
{
	size_t pos = c->off, start = c->off, tlen = 0, wire = 1, to;
	int jumped = 0, err;
	uint8_t len;

	out[0] = '\0';
	if (c->err)
		return;
	for (;;) {
		err = DNS_WERR_TRUNCATED;
		if (pos >= c->n)
			goto fail;
		len = c->p[pos];
		if (len == 0)
			break;
		if ((len & 0xc0) == 0xc0) {
			if (pos + 1 >= c->n)
				goto fail;
			to = (size_t)(len & 0x3f) << 8 | c->p[pos + 1];
			err = to > pos ? DNS_WERR_PTR_FORWARD :
			    to >= start ? DNS_WERR_PTR_LOOP : 0;
			if (err)
				goto fail;
			if (!jumped)
				c->off = pos + 2;
			jumped = 1;
			pos = start = to;
			continue;
		}
		/* 01 and 10 in the top bits: lengths 64..191 (RFC 6891 retired those label types). */
		err = DNS_WERR_LABEL_TOO_LONG;
		if (len > DNS_LABEL_MAX)
			goto fail;
		err = DNS_WERR_TRUNCATED;
		if (c->n - pos - 1 < len)
			goto fail;
		/* The text may outgrow the wire: an escape takes up to 4 characters. */
		err = DNS_WERR_NAME_TOO_LONG;
		wire += 1 + (size_t)len;
		if (wire > DNS_WIRE_MAX || (tlen > 0 && tlen + 1 > DNS_NAME_MAX))
			goto fail;
		if (tlen > 0)
			out[tlen++] = '.';
		if (dns_text_label(out, &tlen, c->p + pos + 1, len) < 0)
			goto fail;
		pos += 1 + (size_t)len;
	}
	out[tlen] = '\0';
	if (!jumped)
		c->off = pos + 1;
	return;
fail:
	out[0] = '\0';
	dns_cur_fail(c, err);
}

/*
 * TXT RDATA (RFC 1035 section 3.3.14): one or more <character-string>s,
 * each a length octet and that many bytes.  They are joined into one
 * text, as a scenario writes it; the encoder splits it again.
 */
static void
dns_cur_strings(struct dns_cur *c, size_t end, struct dns_bytes *b)
{
	size_t len = 0;

	if (c->off >= end) {
		/* At least one string, even an empty one. */
		dns_cur_fail(c, DNS_WERR_RDATA_LEN);
		return;
	}
	while (!c->err && c->off < end) {
		size_t k = dns_cur_u8(c);

		if (end - c->off < k) {
			dns_cur_fail(c, DNS_WERR_RDATA_LEN);
			return;
		}
		if (len + k > DNS_TXT_MAX) {
			dns_cur_fail(c, DNS_WERR_TOO_BIG);
			return;
		}
		memcpy(b->data + len, c->p + c->off, k);
		len += k;
		c->off += k;
	}
	b->len = (uint16_t)len;
	b->data[len] = '\0';
}

/* One resource record, RFC 1035 section 4.1.3. */
static void
dns_cur_rr(struct dns_cur *c, struct dns_rr *rr)
{
	memset(rr, 0, sizeof *rr);	/* dns_msg_new() leaves records as they were */
	dns_cur_name(c, rr->name);
	rr->type = dns_cur_u16(c);
	rr->class = dns_cur_u16(c);
	rr->ttl = dns_cur_u32(c);
	size_t rdlen = dns_cur_u16(c);

	if (c->err)
		return;
	if (c->n - c->off < rdlen) {
		dns_cur_fail(c, DNS_WERR_TRUNCATED);
		return;
	}
	size_t end = c->off + rdlen;

	switch (rr->type) {
	case DNS_T_A:
		if (rdlen != 4) {
			dns_cur_fail(c, DNS_WERR_RDATA_LEN);
			return;
		}
		rr->rd.a = dns_cur_u32(c);
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
		dns_cur_name(c, rr->rd.target);
		break;
	case DNS_T_MX:
		rr->rd.mx.preference = dns_cur_u16(c);
		dns_cur_name(c, rr->rd.mx.exchange);
		break;
	case DNS_T_SOA:
		dns_cur_name(c, rr->rd.soa.mname);
		dns_cur_name(c, rr->rd.soa.rname);
		rr->rd.soa.serial = dns_cur_u32(c);
		rr->rd.soa.refresh = dns_cur_u32(c);
		rr->rd.soa.retry = dns_cur_u32(c);
		rr->rd.soa.expire = dns_cur_u32(c);
		rr->rd.soa.minimum = dns_cur_u32(c);
		break;
	case DNS_T_TXT:
		dns_cur_strings(c, end, &rr->rd.txt);
		break;
	default:
		/* RFC 3597: an unknown type is opaque bytes, never compressed. */
		if (rdlen > DNS_TXT_MAX) {
			dns_cur_fail(c, DNS_WERR_TOO_BIG);
			return;
		}
		memcpy(rr->rd.raw.data, c->p + c->off, rdlen);
		rr->rd.raw.data[rdlen] = '\0';
		rr->rd.raw.len = (uint16_t)rdlen;
		c->off = end;
		break;
	}
	/*
	 * The fields read must fill RDLENGTH exactly.  A name that ran past
	 * it read bytes of the message (never outside it), and fails here.
	 */
	if (!c->err && c->off != end)
		dns_cur_fail(c, c->off > c->n ? DNS_WERR_TRUNCATED :
		    DNS_WERR_RDATA_LEN);
}

/* Records from..n-1 (at most DNS_MAX_RR) cleared. */
static void
dns_rr_zero(struct dns_rr *v, int from, int n)
{
	for (int i = from; i < n && i < DNS_MAX_RR; i++)
		memset(&v[i], 0, sizeof v[i]);
}

struct dns_msg *
dns_msg_new(void)
{
	struct dns_msg *m = xmalloc(sizeof *m);

	memset(m, 0, offsetof(struct dns_msg, an));
	return m;
}

int
dns_decode(const uint8_t *p, size_t n, struct dns_msg *m)
{
	struct dns_cur c = { p, n, 0, 0 };

	m->id = dns_cur_u16(&c);
	uint16_t fl = dns_cur_u16(&c);
	m->qdcount = dns_cur_u16(&c);
	m->nan = dns_cur_u16(&c);
	m->nns = dns_cur_u16(&c);
	m->nar = dns_cur_u16(&c);
	if (c.err) {
		dns_rr_zero(m->an, 0, m->nan);
		dns_rr_zero(m->ns, 0, m->nns);
		dns_rr_zero(m->ar, 0, m->nar);
		return c.err;
	}
	/* RFC 1035 section 4.1.1: QR Opcode AA TC RD RA Z RCODE. */
	m->qr = fl >> 15;
	m->opcode = (fl >> 11) & 15;
	m->aa = (fl >> 10) & 1;
	m->tc = (fl >> 9) & 1;
	m->rd = (fl >> 8) & 1;
	m->ra = (fl >> 7) & 1;
	m->rcode = fl & 15;
	if (m->qdcount > 1 || m->nan > DNS_MAX_RR || m->nns > DNS_MAX_RR ||
	    m->nar > DNS_MAX_RR) {
		dns_rr_zero(m->an, 0, m->nan);
		dns_rr_zero(m->ns, 0, m->nns);
		dns_rr_zero(m->ar, 0, m->nar);
		return DNS_WERR_TOO_MANY;
	}

	m->qname[0] = '\0';
	m->qtype = m->qclass = 0;
	if (m->qdcount == 1) {
		dns_cur_name(&c, m->qname);
		m->qtype = dns_cur_u16(&c);
		m->qclass = dns_cur_u16(&c);
	}
	int i, j, k;
	for (i = 0; i < m->nan && !c.err; i++)
		dns_cur_rr(&c, &m->an[i]);
	for (j = 0; j < m->nns && !c.err; j++)
		dns_cur_rr(&c, &m->ns[j]);
	for (k = 0; k < m->nar && !c.err; k++)
		dns_cur_rr(&c, &m->ar[k]);
	/* What a broken message left unread is empty, as it always was. */
	dns_rr_zero(m->an, i, m->nan);
	dns_rr_zero(m->ns, j, m->nns);
	dns_rr_zero(m->ar, k, m->nar);
	return c.err;
}

/* ---------------------------------------------------------------- */
/* Encoding */

static void
dns_enc_bytes(struct dns_enc *e, const void *p, size_t n)
{
	if (e->err || e->cap - e->len < n) {
		e->err = -1;
		return;
	}
	memcpy(e->out + e->len, p, n);
	e->len += n;
}

static void
dns_enc_u16(struct dns_enc *e, uint16_t v)
{
	uint8_t b[2];

	put16(b, v);
	dns_enc_bytes(e, b, 2);
}

static void
dns_enc_u32(struct dns_enc *e, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	dns_enc_bytes(e, b, 4);
}

/*
 * Text to uncompressed wire labels, undoing the escapes of
 * dns_text_label().  A trailing dot is allowed and means nothing more.
 * Returns the wire length (1 for the root) or -1; starts[] receives the
 * offset of each label and *nlabels their count.
 */
static int
dns_name_wire(const char *s, uint8_t *w, int *starts, int *nlabels)
{
	size_t len = 0;
	int nl = 0;

	if (strlen(s) > DNS_NAME_MAX)
		return -1;
	if (s[0] == '.' && s[1] == '\0')
		s++;
	while (*s != '\0') {
		size_t lpos = len++, ll = 0;

		if (len >= DNS_WIRE_MAX)
			return -1;
		while (*s != '\0' && *s != '.') {
			unsigned ch = (unsigned char)*s++;

			if (ch == '\\') {
				if (s[0] >= '0' && s[0] <= '9') {
					if (!(s[1] >= '0' && s[1] <= '9' &&
					    s[2] >= '0' && s[2] <= '9'))
						return -1;
					ch = (unsigned)((s[0] - '0') * 100 +
					    (s[1] - '0') * 10 + (s[2] - '0'));
					if (ch > 255)
						return -1;
					s += 3;
				} else if (s[0] != '\0')
					ch = (unsigned char)*s++;
				else
					return -1;
			}
			if (len >= DNS_WIRE_MAX - 1 || ++ll > DNS_LABEL_MAX)
				return -1;
			w[len++] = (uint8_t)ch;
		}
		if (ll == 0)
			return -1;	/* an empty label: "a..b" or ".a" */
		w[lpos] = (uint8_t)ll;
		starts[nl++] = (int)lpos;
		if (*s == '.')
			s++;
	}
	w[len++] = 0;
	*nlabels = nl;
	return (int)len;
}

/*
 * Whether the name written at offset off of the output (following the
 * pointers the encoder itself wrote) equals the uncompressed wire name
 * w, byte for byte.  Exact bytes, not case-insensitive: a pointer must
 * not change the case a name is decoded with.
 */
static int
dns_enc_match(const struct dns_enc *e, size_t off, const uint8_t *w)
{
	for (;;) {
		uint8_t len = e->out[off];

		if ((len & 0xc0) == 0xc0) {
			off = (size_t)(len & 0x3f) << 8 | e->out[off + 1];
			continue;
		}
		if (len != *w)
			return 0;
		if (len == 0)
			return 1;
		if (memcmp(e->out + off + 1, w + 1, len) != 0)
			return 0;
		off += 1 + (size_t)len;
		w += 1 + (size_t)len;
	}
}

/*
 * A name, compressed (RFC 1035 section 4.1.4): the labels up to the
 * longest suffix already in the message, then a pointer to it.  Every
 * suffix written here becomes a target for later names.
 */
static void
dns_enc_name(struct dns_enc *e, const char *name)
{
	uint8_t w[DNS_WIRE_MAX + 1];
	int starts[DNS_WIRE_MAX / 2 + 1], nl, i, k = -1;

	if (e->err)
		return;
	int wl = dns_name_wire(name, w, starts, &nl);
	if (wl < 0) {
		e->err = -1;
		return;
	}
	for (i = 0; i < nl && k < 0; i++)
		for (int j = 0; j < e->nsfx; j++)
			if (dns_enc_match(e, e->sfx[j], w + starts[i])) {
				k = j;
				break;
			}
	if (k >= 0)
		i--;	/* labels 0..i-1 go in place, then the pointer */
	else
		i = nl;
	for (int l = 0; l < i; l++) {
		if (e->len <= DNS_PTR_MAX && e->nsfx < DNS_CMP_MAX)
			e->sfx[e->nsfx++] = (uint16_t)e->len;
		dns_enc_bytes(e, w + starts[l], (size_t)w[starts[l]] + 1);
	}
	if (k >= 0)
		dns_enc_u16(e, (uint16_t)(0xc000 | e->sfx[k]));
	else
		dns_enc_bytes(e, "", 1);	/* the root label */
}

static void
dns_enc_rr(struct dns_enc *e, const struct dns_rr *rr)
{
	dns_enc_name(e, rr->name);
	dns_enc_u16(e, rr->type);
	dns_enc_u16(e, rr->class);
	dns_enc_u32(e, rr->ttl);
	size_t lenpos = e->len;
	dns_enc_u16(e, 0);	/* RDLENGTH, filled in below */
	if (e->err)
		return;

	switch (rr->type) {
	case DNS_T_A:
		dns_enc_u32(e, rr->rd.a);
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
		dns_enc_name(e, rr->rd.target);
		break;
	case DNS_T_MX:
		dns_enc_u16(e, rr->rd.mx.preference);
		dns_enc_name(e, rr->rd.mx.exchange);
		break;
	case DNS_T_SOA:
		dns_enc_name(e, rr->rd.soa.mname);
		dns_enc_name(e, rr->rd.soa.rname);
		dns_enc_u32(e, rr->rd.soa.serial);
		dns_enc_u32(e, rr->rd.soa.refresh);
		dns_enc_u32(e, rr->rd.soa.retry);
		dns_enc_u32(e, rr->rd.soa.expire);
		dns_enc_u32(e, rr->rd.soa.minimum);
		break;
	case DNS_T_TXT: {
		/* Strings of at most 255 bytes; an empty text is one empty string. */
		size_t len = rr->rd.txt.len, off = 0;

		if (len > DNS_TXT_MAX) {
			e->err = -1;
			return;
		}
		do {
			size_t k = len - off > 255 ? 255 : len - off;
			uint8_t kb = (uint8_t)k;

			dns_enc_bytes(e, &kb, 1);
			dns_enc_bytes(e, rr->rd.txt.data + off, k);
			off += k;
		} while (off < len);
		break;
	}
	default:
		if (rr->rd.raw.len > DNS_TXT_MAX) {
			e->err = -1;
			return;
		}
		dns_enc_bytes(e, rr->rd.raw.data, rr->rd.raw.len);
		break;
	}
	if (!e->err)
		put16(e->out + lenpos, (uint16_t)(e->len - lenpos - 2));
}

int
dns_encode(const struct dns_msg *m, uint8_t *out, size_t cap)
{
	struct dns_enc enc = { 0 }, *e = &enc;

	e->out = out;
	e->cap = cap > DNS_MSG_MAX ? DNS_MSG_MAX : cap;
	if (m->qdcount < 0 || m->qdcount > 1 || m->nan < 0 ||
	    m->nan > DNS_MAX_RR || m->nns < 0 || m->nns > DNS_MAX_RR ||
	    m->nar < 0 || m->nar > DNS_MAX_RR)
		e->err = -1;
	dns_enc_u16(e, m->id);
	dns_enc_u16(e, (uint16_t)((m->qr & 1) << 15 | (m->opcode & 15) << 11 |
	    (m->aa & 1) << 10 | (m->tc & 1) << 9 | (m->rd & 1) << 8 |
	    (m->ra & 1) << 7 | (m->rcode & 15)));
	dns_enc_u16(e, (uint16_t)m->qdcount);
	dns_enc_u16(e, (uint16_t)m->nan);
	dns_enc_u16(e, (uint16_t)m->nns);
	dns_enc_u16(e, (uint16_t)m->nar);
	if (!e->err && m->qdcount == 1) {
		dns_enc_name(e, m->qname);
		dns_enc_u16(e, m->qtype);
		dns_enc_u16(e, m->qclass);
	}
	for (int i = 0; i < m->nan && !e->err; i++)
		dns_enc_rr(e, &m->an[i]);
	for (int i = 0; i < m->nns && !e->err; i++)
		dns_enc_rr(e, &m->ns[i]);
	for (int i = 0; i < m->nar && !e->err; i++)
		dns_enc_rr(e, &m->ar[i]);
	return e->err ? -1 : (int)e->len;
}

/* ---------------------------------------------------------------- */
/* EDNS(0) */

int
dns_edns_get(const struct dns_msg *m, struct dns_edns *e)
{
	const struct dns_rr *opt = NULL;

	memset(e, 0, sizeof *e);
	/* RFC 6891 6.1.1: the OPT RR "MAY be added to the additional data section". */
	for (int i = 0; i < m->nan; i++)
		if (m->an[i].type == DNS_T_OPT)
			return -1;
	for (int i = 0; i < m->nns; i++)
		if (m->ns[i].type == DNS_T_OPT)
			return -1;
	for (int i = 0; i < m->nar; i++) {
		if (m->ar[i].type != DNS_T_OPT)
			continue;
		/* 6.1.1: "If a query message with more than one OPT RR is received, a FORMERR (RCODE=1) MUST be returned." */
		if (opt != NULL)
			return -1;
		opt = &m->ar[i];
	}
	if (opt == NULL)
		return 0;
	/* 6.1.2: NAME "MUST be 0 (root domain)". */
	if (opt->name[0] != '\0')
		return -1;
	/* 6.1.2: RDATA is {OPTION-CODE, OPTION-LENGTH, OPTION-DATA} pairs. */
	for (size_t off = 0; off < opt->rd.raw.len; ) {
		const uint8_t *p = (const uint8_t *)opt->rd.raw.data + off;

		if (opt->rd.raw.len - off < 4 ||
		    opt->rd.raw.len - off - 4 < get16(p + 2))
			return -1;
		off += 4 + (size_t)get16(p + 2);
	}
	e->present = 1;
	e->udp_size = opt->class;
	e->ext_rcode = (uint8_t)(opt->ttl >> 24);
	e->version = (uint8_t)(opt->ttl >> 16);
	e->dnssec_ok = (uint8_t)(opt->ttl >> 15 & 1);
	return 0;
}

int
dns_edns_put(struct dns_msg *m, uint16_t udp_size, uint8_t ext_rcode)
{
	if (m->nar >= DNS_MAX_RR)
		return -1;
	struct dns_rr *rr = &m->ar[m->nar++];

	/* 6.1.2: root owner, CLASS the payload size, TTL EXTENDED-RCODE VERSION DO Z. */
	memset(rr, 0, sizeof *rr);
	rr->type = DNS_T_OPT;
	rr->class = udp_size;
	rr->ttl = (uint32_t)ext_rcode << 24;
	return 0;
}

int
dns_rcode_full(const struct dns_msg *m)
{
	for (int i = 0; i < m->nar; i++)
		if (m->ar[i].type == DNS_T_OPT)
			return (int)(m->ar[i].ttl >> 24) << 4 | m->rcode;
	return m->rcode;
}

/* ---------------------------------------------------------------- */
/* Names as text */

static int
dns_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

int
dns_name_eq(const char *a, const char *b)
{
	if (a[0] == '.' && a[1] == '\0')
		a++;
	if (b[0] == '.' && b[1] == '\0')
		b++;
	for (; *a && *b; a++, b++)
		if (dns_lower((unsigned char)*a) != dns_lower((unsigned char)*b))
			break;
	/* A trailing dot changes nothing. */
	if (*a == '.' && a[1] == '\0')
		a++;
	if (*b == '.' && b[1] == '\0')
		b++;
	return *a == '\0' && *b == '\0';
}

/* Whether s[i] is a label separator, not an escaped dot. */
static int
dns_is_sep(const char *s, size_t i)
{
	size_t bs = 0;

	if (s[i] != '.')
		return 0;
	while (bs < i && s[i - 1 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

int
dns_name_under(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (z == 0 || (z == 1 && zone[0] == '.'))
		return 1;
	if (n < z)
		return 0;
	if (n == z)
		return dns_name_eq(name, zone);
	return dns_is_sep(name, n - z - 1) && dns_name_eq(name + n - z, zone);
}

const char *
dns_name_parent(const char *name)
{
	for (size_t i = 0; name[i] != '\0'; i++)
		if (dns_is_sep(name, i))
			return name + i + 1;
	return name + strlen(name);
}

int
dns_name_valid(const char *name)
{
	uint8_t w[DNS_WIRE_MAX + 1];
	int starts[DNS_WIRE_MAX / 2 + 1], nl;

	return dns_name_wire(name, w, starts, &nl) > 0;
}

/* ---------------------------------------------------------------- */
/* Words */

static const struct {
	int		 v;
	const char	*s;
} dns_types[] = {
	{ DNS_T_A, "A" }, { DNS_T_NS, "NS" }, { DNS_T_CNAME, "CNAME" },
	{ DNS_T_SOA, "SOA" }, { DNS_T_PTR, "PTR" }, { DNS_T_MX, "MX" },
	{ DNS_T_TXT, "TXT" }, { DNS_T_AAAA, "AAAA" }, { DNS_T_OPT, "OPT" },
	{ DNS_T_ANY, "ANY" },
};

const char *
dns_type_str(int type)
{
	for (size_t i = 0; i < sizeof dns_types / sizeof dns_types[0]; i++)
		if (dns_types[i].v == type)
			return dns_types[i].s;
	return "TYPE";
}

int
dns_type_from_str(const char *s)
{
	for (size_t i = 0; i < sizeof dns_types / sizeof dns_types[0]; i++)
		if (dns_name_eq(dns_types[i].s, s))
			return dns_types[i].v;
	return -1;
}

const char *
dns_rcode_str(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && rcode < (int)(sizeof names / sizeof names[0]))
		return names[rcode];
	if (rcode == DNS_R_BADVERS)
		return "BADVERS";
	return "RCODE";
}

const char *
dns_wire_err_str(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case DNS_WERR_TRUNCATED:
		return "truncated message";
	case DNS_WERR_LABEL_TOO_LONG:
		return "label longer than 63 octets";
	case DNS_WERR_NAME_TOO_LONG:
		return "name longer than 255 octets";
	case DNS_WERR_PTR_LOOP:
		return "compression pointer loop";
	case DNS_WERR_PTR_FORWARD:
		return "compression pointer to a later offset";
	case DNS_WERR_RDATA_LEN:
		return "RDLENGTH does not match the data";
	case DNS_WERR_TOO_MANY:
		return "too many questions or records";
	case DNS_WERR_TOO_BIG:
		return "record data too large";
	}
	return "unknown error";
}

/* The root is "." in words, as dig writes it. */
static void
dns_describe_name(struct buf *out, const char *name)
{
	buf_puts(out, name[0] != '\0' ? name : ".");
}

/* Type mnemonic, or RFC 3597's TYPEnnn. */
static void
dns_describe_type(struct buf *out, int type)
{
	const char *t = dns_type_str(type);

	if (strcmp(t, "TYPE") == 0)
		buf_printf(out, "TYPE%d", type);
	else
		buf_puts(out, t);
}

void
dns_rr_data_str(const struct dns_rr *rr, struct buf *out)
{
	char ip[16];

	switch (rr->type) {
	case DNS_T_A:
		ip_format(rr->rd.a, ip);
		buf_puts(out, ip);
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
		dns_describe_name(out, rr->rd.target);
		break;
	case DNS_T_MX:
		buf_printf(out, "%u ", rr->rd.mx.preference);
		dns_describe_name(out, rr->rd.mx.exchange);
		break;
	case DNS_T_SOA:
		dns_describe_name(out, rr->rd.soa.mname);
		buf_putc(out, ' ');
		dns_describe_name(out, rr->rd.soa.rname);
		buf_printf(out, " %u %u %u %u %u", rr->rd.soa.serial,
		    rr->rd.soa.refresh, rr->rd.soa.retry, rr->rd.soa.expire,
		    rr->rd.soa.minimum);
		break;
	case DNS_T_TXT:
		/* Quoted, with the master-file escapes (RFC 1035 section 5.1). */
		buf_putc(out, '"');
		for (size_t i = 0; i < rr->rd.txt.len; i++) {
			unsigned char ch = (unsigned char)rr->rd.txt.data[i];

			if (ch == '"' || ch == '\\')
				buf_printf(out, "\\%c", ch);
			else if (ch < 0x20 || ch > 0x7e)
				buf_printf(out, "\\%03u", ch);
			else
				buf_putc(out, ch);
		}
		buf_putc(out, '"');
		break;
	default:
		/* RFC 3597 section 5: \# length hex. */
		buf_printf(out, "\\# %u", rr->rd.raw.len);
		if (rr->rd.raw.len > 0)
			buf_putc(out, ' ');
		for (size_t i = 0; i < rr->rd.raw.len; i++)
			buf_printf(out, "%02x",
			    (unsigned char)rr->rd.raw.data[i]);
		break;
	}
}

static void
dns_describe_rr(struct buf *out, const struct dns_rr *rr)
{
	dns_describe_name(out, rr->name);
	buf_putc(out, ' ');
	dns_describe_type(out, rr->type);
	buf_putc(out, ' ');
	dns_rr_data_str(rr, out);
}

/*
 * The message in words.  A response is classified the way RFC 2308
 * section 2 does: an answer, a name error (NXDOMAIN), a referral (no
 * answer, NS records in authority), or NODATA (no answer, no referral).
 */
void
dns_describe(const struct dns_msg *m, struct buf *out)
{
	int nsrec = 0;

	if (!m->qr) {
		buf_puts(out, "query ");
		dns_describe_type(out, m->qtype);
		buf_putc(out, ' ');
		dns_describe_name(out, m->qname);
		buf_putc(out, '?');
		return;
	}
	if (m->tc && m->rcode == DNS_R_NOERROR) {
		/*
		 * RFC 2181 section 9: the answer did not fit; a real client
		 * asks again over TCP.  Whole RRsets that fitted (a CNAME,
		 * say) may be there, but "it should ignore that response".
		 */
		buf_puts(out, "truncated (TC) ");
		dns_describe_name(out, m->qname);
		buf_putc(out, ' ');
		dns_describe_type(out, m->qtype);
		if (m->nan > 0)
			buf_printf(out, " (too large for UDP, %d record%s fit)",
			    m->nan, m->nan == 1 ? "" : "s");
		else
			buf_puts(out, " (too large for UDP)");
		return;
	}
	if (dns_rcode_full(m) == DNS_R_BADVERS) {
		/* RFC 6891 6.1.3: the RCODE's upper bits are in the OPT. */
		buf_puts(out, "BADVERS (EDNS version not supported)");
		return;
	}
	if (m->tc)
		buf_puts(out, "truncated (TC) ");
	for (int i = 0; i < m->nns; i++)
		nsrec += m->ns[i].type == DNS_T_NS;
	switch (m->rcode) {
	case DNS_R_NOERROR:
		break;
	case DNS_R_NXDOMAIN:
		buf_puts(out, "NXDOMAIN ");
		dns_describe_name(out, m->qname);
		buf_puts(out, " (no such domain)");
		return;
	case DNS_R_SERVFAIL:
		buf_puts(out, "SERVFAIL ");
		dns_describe_name(out, m->qname);
		buf_puts(out, " (server failure)");
		return;
	case DNS_R_FORMERR:
		buf_puts(out, "FORMERR (format error)");
		return;
	case DNS_R_NOTIMP:
		buf_puts(out, "NOTIMP (not implemented)");
		return;
	case DNS_R_REFUSED:
		buf_puts(out, "REFUSED ");
		dns_describe_name(out, m->qname);
		buf_puts(out, " (refused)");
		return;
	default:
		buf_printf(out, "RCODE%d ", m->rcode);
		dns_describe_name(out, m->qname);
		return;
	}
	if (m->nan > 0) {
		buf_puts(out, "answer ");
		for (int i = 0; i < m->nan; i++) {
			if (i > 0)
				buf_puts(out, "; ");
			dns_describe_rr(out, &m->an[i]);
		}
		/* What came along: the address of an MX's exchange, say. */
		int first = 1;
		for (int i = 0; i < m->nar; i++) {
			if (m->ar[i].type == DNS_T_OPT)
				continue;
			buf_puts(out, first ? " (additional: " : "; ");
			dns_describe_rr(out, &m->ar[i]);
			first = 0;
		}
		if (!first)
			buf_putc(out, ')');
		return;
	}
	if (nsrec > 0) {
		int first = 1;

		buf_puts(out, "referral to ");
		for (int i = 0; i < m->nns; i++)
			if (m->ns[i].type == DNS_T_NS) {
				dns_describe_name(out, m->ns[i].name);
				break;
			}
		buf_putc(out, ':');
		for (int i = 0; i < m->nns; i++) {
			if (m->ns[i].type != DNS_T_NS)
				continue;
			buf_puts(out, first ? " " : ", ");
			first = 0;
			dns_describe_name(out, m->ns[i].rd.target);
			dns_put_glue(out, m, m->ns[i].rd.target);
		}
		return;
	}
	buf_puts(out, "NODATA ");
	dns_describe_name(out, m->qname);
	buf_putc(out, ' ');
	dns_describe_type(out, m->qtype);
	buf_puts(out, " (no record of that type)");
}

void
dns_put_glue(struct buf *out, const struct dns_msg *m, const char *name)
{
	for (int k = 0; k < m->nar; k++) {
		char ip[16];

		if (m->ar[k].type != DNS_T_A || !dns_name_eq(m->ar[k].name, name))
			continue;
		ip_format(m->ar[k].rd.a, ip);
		buf_printf(out, " (%s)", ip);
		return;
	}
}
