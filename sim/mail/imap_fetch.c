/*
 * imap_fetch.c: the message side of IMAP.  What FETCH returns for one
 * message (RFC 3501 6.4.5, the data items of 7.4.2): flags, size, the
 * internal date, the ENVELOPE and BODYSTRUCTURE read from the message's
 * own header and MIME structure (RFC 5322, RFC 2045-2046), and the
 * BODY[section] pieces; and whether a message matches a SEARCH key
 * (6.4.4).
 *
 * A message is read as it is stored and never rewritten: a MIME part is
 * a set of offsets into the stored bytes, so BODY[2] hands out exactly
 * the octets the sender's program wrote, still in base64.  Decoding is
 * the client's business; that is why BODYSTRUCTURE tells it the
 * encoding of every part.
 */
#include "imap.h"
#include "message.h"
#include "mime.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

#define ENT_DEPTH_MAX	8	/* MIME nesting we read; deeper parts stay opaque */
#define ENT_KIDS_MAX	1000	/* parts of one multipart */

/* One MIME entity (RFC 2045 2.4): a header and a body, as offsets. */
struct ent {
	size_t		 hdr;		/* first octet of the header */
	size_t		 hend;		/* end of the fields, where the blank line starts */
	size_t		 body;		/* first octet of the body */
	size_t		 end;		/* one past the body */
	char		*type, *subtype;
	char		*params;	/* Content-Type after type/subtype, or NULL */
	int		 multipart;	/* kids are the body parts */
	int		 message;	/* message/rfc822: kids[0] is the message inside */
	struct ent	*kids;
	int		 nkids;
};

/* A header field: the whole of it, its name, and its raw value. */
struct field {
	size_t		 start, end;	/* the field with its folded lines and CRLF */
	size_t		 name, namelen;
	size_t		 value, vend;	/* after the colon, up to the final CRLF */
};

static void	ent_parse(const uint8_t *, struct ent *, int);
static void	ent_free(struct ent *);
static void	put_body(struct buf *, const uint8_t *, const struct ent *, int);
static void	put_envelope(struct buf *, const uint8_t *, const struct ent *);

/* ASCII only: header names and SEARCH strings compare without the locale. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* a[0..an) equals the C string b, ignoring case (field names, RFC 5322 1.2.2). */
static int
same_ci(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);

	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Where the line starting at i ends: after its LF, or at lim. */
static size_t
line_end(const uint8_t *p, size_t i, size_t lim)
{
	const uint8_t *lf = i < lim ? memchr(p + i, '\n', lim - i) : NULL;

	return lf ? (size_t)(lf - p) + 1 : lim;
}

/* ---- header fields (RFC 5322 2.2) ---------------------------------- */

/* The next field at *i before hend; lines that are not fields are skipped. */
static int
field_next(const uint8_t *p, size_t *i, size_t hend, struct field *f)
{
	while (*i < hend) {
		size_t ls = *i, fe = line_end(p, ls, hend), e = fe;

		/* A field goes on over lines that start with white space (folding). */
		while (e < hend && (p[e] == ' ' || p[e] == '\t'))
			e = line_end(p, e, hend);
		*i = e;
		if (p[ls] == ' ' || p[ls] == '\t')
			continue;
		const uint8_t *colon = memchr(p + ls, ':', fe - ls);
		if (colon == NULL)
			continue;
		size_t c = (size_t)(colon - p), nend = c;
		while (nend > ls && (p[nend - 1] == ' ' || p[nend - 1] == '\t'))
			nend--;
		if (nend == ls)
			continue;
		f->start = ls;
		f->end = e;
		f->name = ls;
		f->namelen = nend - ls;
		f->value = c + 1;
		f->vend = e;
		while (f->vend > f->value && (p[f->vend - 1] == '\n' ||
		    p[f->vend - 1] == '\r'))
			f->vend--;
		return 1;
	}
	return 0;
}

/* A field's value unfolded (CR and LF removed) and trimmed; heap string. */
static char *
field_value(const uint8_t *p, const struct field *f)
{
	struct buf b = { 0 };
	size_t a = f->value, z = f->vend;

	while (a < z && (p[a] == ' ' || p[a] == '\t'))
		a++;
	for (size_t i = a; i < z; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != '\0')
			buf_putc(&b, p[i]);
	while (b.len > 0 && (b.data[b.len - 1] == ' ' ||
	    b.data[b.len - 1] == '\t'))
		b.len--;
	char *s = xstrndup(b.data ? (char *)b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* The first field called name in e's header, unfolded, or NULL. */
static char *
hdr_get(const uint8_t *p, const struct ent *e, const char *name)
{
	struct field f;
	size_t i = e->hdr;

	while (field_next(p, &i, e->hend, &f))
		if (same_ci((const char *)p + f.name, f.namelen, name))
			return field_value(p, &f);
	return NULL;
}

/* ---- MIME structure (RFC 2045, 2046) ------------------------------- */

/* The header ends at the first empty line (RFC 5322 2.1). */
static void
ent_bounds(const uint8_t *p, struct ent *e)
{
	size_t i = e->hdr;

	while (i < e->end) {
		size_t le = line_end(p, i, e->end), len = le - i;

		if ((len == 1 && p[i] == '\n') ||
		    (len == 2 && p[i] == '\r' && p[i + 1] == '\n')) {
			e->hend = i;
			e->body = le;
			return;
		}
		i = le;
	}
	e->hend = e->body = e->end;
}

/* RFC 2045 5.1 token characters. */
static int
token_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

/*
 * The next parameter of a Content-Type or Content-Disposition value,
 * from *s (which starts at a ";" or at the end): name and value as heap
 * strings.  A quoted value is unquoted.  Returns 0 at the end.
 */
static int
param_next(const char **s, char **name, char **value)
{
	const char *p = *s;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0') {
			*s = p;
			return 0;
		}
		const char *n0 = p;
		while (token_char((unsigned char)*p))
			p++;
		const char *n1 = p;
		while (*p == ' ' || *p == '\t')
			p++;
		if (n1 == n0 || *p != '=') {
			/* Not a parameter: skip to the next ";". */
			while (*p && *p != ';')
				p++;
			continue;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		struct buf v = { 0 };
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				buf_putc(&v, *p);
			}
			if (*p == '"')
				p++;
		} else
			while (*p && *p != ';' && *p != ' ' && *p != '\t')
				buf_putc(&v, *p++);
		*name = xstrndup(n0, (size_t)(n1 - n0));
		*value = xstrndup(v.data ? (char *)v.data : "", v.len);
		buf_free(&v);
		*s = p;
		return 1;
	}
}

/* The value of parameter name in params (case-insensitive), or NULL. */
static char *
param_get(const char *params, const char *name)
{
	const char *s = params;
	char *n, *v, *found = NULL;

	while (s && found == NULL && param_next(&s, &n, &v)) {
		if (same_ci(n, strlen(n), name))
			found = v;
		else
			free(v);
		free(n);
	}
	return found;
}

/* Content-Type: type "/" subtype *(";" parameter); RFC 2045 5.2's default. */
static void
ent_type(const uint8_t *p, struct ent *e)
{
	char *ct = hdr_get(p, e, "Content-Type");
	const char *s = ct, *t0, *t1, *s0, *s1;

	if (s) {
		t0 = s;
		while (token_char((unsigned char)*s))
			s++;
		t1 = s;
		while (*s == ' ' || *s == '\t')
			s++;
		if (t1 > t0 && *s == '/') {
			s++;
			while (*s == ' ' || *s == '\t')
				s++;
			s0 = s;
			while (token_char((unsigned char)*s))
				s++;
			s1 = s;
			if (s1 > s0) {
				e->type = xstrndup(t0, (size_t)(t1 - t0));
				e->subtype = xstrndup(s0, (size_t)(s1 - s0));
				e->params = xstrdup(s);
			}
		}
	}
	if (e->type == NULL) {
		/* No (readable) Content-Type: text/plain; charset=us-ascii. */
		e->type = xstrdup("text");
		e->subtype = xstrdup("plain");
		e->params = xstrdup("; charset=us-ascii");
	}
	free(ct);
}

/* One more part of e, read at once (its own header, type, parts). */
static void
ent_add_kid(const uint8_t *p, struct ent *e, size_t start, size_t end,
    int depth)
{
	e->kids = xrealloc(e->kids, (size_t)(e->nkids + 1) * sizeof *e->kids);
	struct ent *k = &e->kids[e->nkids++];
	memset(k, 0, sizeof *k);
	k->hdr = start;
	k->end = end;
	ent_parse(p, k, depth + 1);
}

/*
 * The body parts of a multipart (RFC 2046 5.1.1): between lines
 * "--boundary", up to "--boundary--".  The CRLF before a boundary line
 * belongs to the boundary, not to the part before it.
 */
static void
ent_split(const uint8_t *p, struct ent *e, const char *b, int depth)
{
	size_t bl = strlen(b), i = e->body, start = 0;
	int open = 0;

	while (i < e->end && e->nkids < ENT_KIDS_MAX) {
		size_t le = line_end(p, i, e->end), ce = le;

		while (ce > i && (p[ce - 1] == '\n' || p[ce - 1] == '\r'))
			ce--;
		if (ce - i >= 2 + bl && p[i] == '-' && p[i + 1] == '-' &&
		    memcmp(p + i + 2, b, bl) == 0) {
			size_t k = i + 2 + bl;
			int close = k + 1 < ce && p[k] == '-' && p[k + 1] == '-';
			size_t w = close ? k + 2 : k;

			/* Only white space may follow (transport padding). */
			while (w < ce && (p[w] == ' ' || p[w] == '\t'))
				w++;
			if (w == ce) {
				if (open) {
					size_t end = i;

					if (end > start && p[end - 1] == '\n')
						end--;
					if (end > start && p[end - 1] == '\r')
						end--;
					ent_add_kid(p, e, start, end, depth);
				}
				open = !close;
				start = le;
				if (close)
					return;	/* the epilogue is not a part */
			}
		}
		i = le;
	}
	if (open && e->nkids < ENT_KIDS_MAX)
		ent_add_kid(p, e, start, e->end, depth);
}

/*
 * Read an entity whose hdr and end are set: where its body starts, its
 * type, and its parts.  depth bounds the nesting a sender can impose.
 */
static void
ent_parse(const uint8_t *p, struct ent *e, int depth)
{
	ent_bounds(p, e);
	ent_type(p, e);
	if (depth >= ENT_DEPTH_MAX)
		return;
	if (same_ci(e->type, strlen(e->type), "multipart")) {
		char *b = param_get(e->params, "boundary");

		/* RFC 2046 5.1.1: 1 to 70 characters. */
		if (b && b[0] && strlen(b) <= 70)
			ent_split(p, e, b, depth);
		free(b);
		/* Without a part it cannot be written as a multipart: a leaf then. */
		e->multipart = e->nkids > 0;
	} else if (same_ci(e->type, strlen(e->type), "message") &&
	    same_ci(e->subtype, strlen(e->subtype), "rfc822")) {
		e->message = 1;
		ent_add_kid(p, e, e->body, e->end, depth);
	}
}

/* Frees what e holds, its parts first; e itself is a field or an array item. */
static void
ent_free(struct ent *e)
{
	for (int i = 0; i < e->nkids; i++)
		ent_free(&e->kids[i]);
	free(e->kids);
	free(e->type);
	free(e->subtype);
	free(e->params);
}

/* ---- ENVELOPE (RFC 3501 7.4.2) ---------------------------------------- */

/* How an address list is read: one mailbox at a time. */
struct addr_rd {
	struct buf	 phrase;	/* outside <>: a display name or a bare address */
	struct buf	 spec;		/* inside <> */
	int		 angle;		/* inside <> now */
	int		 have_angle;
	int		 in_group;
	int		 count;		/* addresses written */
};

/* The bytes of b without white space around them, as a heap string. */
static char *
trimmed(const struct buf *b)
{
	size_t a = 0, z = b->len;

	while (a < z && (b->data[a] == ' ' || b->data[a] == '\t'))
		a++;
	while (z > a && (b->data[z - 1] == ' ' || b->data[z - 1] == '\t'))
		z--;
	return xstrndup(b->data ? (char *)b->data + a : "", z - a);
}

/* (name adl mailbox host) for one address; host NIL would mean a group. */
static void
addr_put(struct buf *out, const char *name, const char *spec)
{
	const char *adl_end = NULL;
	char *adl = NULL;

	/* An obsolete route "@a,@b:user@host" (RFC 5322 4.4) is the adl. */
	if (spec[0] == '@' && (adl_end = strchr(spec, ':')) != NULL) {
		adl = xstrndup(spec, (size_t)(adl_end - spec));
		spec = adl_end + 1;
	}
	const char *at = strrchr(spec, '@');
	char *mbox = at ? xstrndup(spec, (size_t)(at - spec)) : xstrdup(spec);
	buf_putc(out, '(');
	imap_put_nstring(out, name && name[0] ? name : NULL);
	buf_putc(out, ' ');
	imap_put_nstring(out, adl);
	buf_putc(out, ' ');
	imap_put_nstring(out, mbox[0] ? mbox : "MISSING_MAILBOX");
	buf_putc(out, ' ');
	imap_put_nstring(out, at && at[1] ? at + 1 : "MISSING_DOMAIN");
	buf_putc(out, ')');
	free(mbox);
	free(adl);
}

/* The mailbox read so far, written out; then start the next one. */
static void
addr_flush(struct buf *out, struct addr_rd *a)
{
	if (a->have_angle) {
		char *name = trimmed(&a->phrase);
		char *spec = trimmed(&a->spec);

		addr_put(out, name, spec);
		a->count++;
		free(name);
		free(spec);
	} else {
		/* A bare addr-spec: white space is not part of it. */
		struct buf s = { 0 };
		for (size_t i = 0; i < a->phrase.len; i++)
			if (a->phrase.data[i] != ' ' && a->phrase.data[i] != '\t')
				buf_putc(&s, a->phrase.data[i]);
		if (s.len > 0) {
			addr_put(out, NULL, (char *)s.data);
			a->count++;
		}
		buf_free(&s);
	}
	a->phrase.len = a->spec.len = 0;
	a->angle = a->have_angle = 0;
}

/*
 * An address list (RFC 5322 3.4) as a list of addresses, with a group
 * "name: a, b;" written as (NIL NIL "name" NIL) ... (NIL NIL NIL NIL).
 * NIL when the field is absent or holds no address.
 */
static void
put_addresses(struct buf *out, const char *v)
{
	struct addr_rd a;
	struct buf items = { 0 };

	memset(&a, 0, sizeof a);
	for (const char *s = v; s && *s; s++) {
		char c = *s;

		if (c == '"') {
			/* A quoted string: inside <> kept whole, outside unquoted. */
			struct buf *to = a.angle ? &a.spec : &a.phrase;
			if (a.angle)
				buf_putc(to, '"');
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					s++;
				buf_putc(to, *s);
			}
			if (a.angle)
				buf_putc(to, '"');
			if (*s == '\0')
				break;
		} else if (c == '(') {
			/* A comment, perhaps nested: not part of anything. */
			int depth = 1;
			while (depth > 0 && s[1]) {
				s++;
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '(')
					depth++;
				else if (*s == ')')
					depth--;
			}
		} else if (c == '<' && !a.angle) {
			a.angle = a.have_angle = 1;
			a.spec.len = 0;
		} else if (c == '>' && a.angle) {
			a.angle = 0;
		} else if (a.angle) {
			if (c != ' ' && c != '\t')
				buf_putc(&a.spec, c);
		} else if (c == ':' && !a.in_group && !a.have_angle) {
			char *name = trimmed(&a.phrase);
			buf_puts(&items, "(NIL NIL ");
			imap_put_nstring(&items, name);
			buf_puts(&items, " NIL)");
			free(name);
			a.phrase.len = 0;
			a.in_group = 1;
			a.count++;
		} else if (c == ';' && a.in_group) {
			addr_flush(&items, &a);
			buf_puts(&items, "(NIL NIL NIL NIL)");
			a.in_group = 0;
		} else if (c == ',') {
			addr_flush(&items, &a);
		} else
			buf_putc(&a.phrase, c);
	}
	addr_flush(&items, &a);
	if (a.in_group)
		buf_puts(&items, "(NIL NIL NIL NIL)");
	if (a.count == 0)
		buf_puts(out, "NIL");
	else {
		buf_putc(out, '(');
		buf_append(out, items.data, items.len);
		buf_putc(out, ')');
	}
	buf_free(&items);
	buf_free(&a.phrase);
	buf_free(&a.spec);
}

/*
 * envelope = "(" date SP subject SP from SP sender SP reply-to SP to SP
 * cc SP bcc SP in-reply-to SP message-id ")", the strings as the header
 * has them (encoded words are not decoded: RFC 3501 7.4.2).
 */
static void
put_envelope(struct buf *out, const uint8_t *p, const struct ent *e)
{
	static const char *const names[] = { "Date", "Subject", "From",
	    "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To",
	    "Message-ID" };
	char *v[10];

	for (int i = 0; i < 10; i++)
		v[i] = hdr_get(p, e, names[i]);
	buf_putc(out, '(');
	imap_put_nstring(out, v[0]);
	buf_putc(out, ' ');
	imap_put_nstring(out, v[1]);
	for (int i = 2; i < 8; i++) {
		/* Sender and Reply-To default to From, as the server must fill them. */
		const char *val = v[i] ? v[i] : (i == 3 || i == 4) ? v[2] : NULL;
		buf_putc(out, ' ');
		put_addresses(out, val);
	}
	buf_putc(out, ' ');
	imap_put_nstring(out, v[8]);
	buf_putc(out, ' ');
	imap_put_nstring(out, v[9]);
	buf_putc(out, ')');
	for (int i = 0; i < 10; i++)
		free(v[i]);
}

/* ---- BODYSTRUCTURE (RFC 3501 7.4.2) ---------------------------------- */

/* ("name" "value" ...) or NIL. */
static void
put_params(struct buf *out, const char *params)
{
	const char *s = params;
	char *n, *v;
	int any = 0;

	while (s && param_next(&s, &n, &v)) {
		buf_putc(out, any ? ' ' : '(');
		imap_put_nstring(out, n);
		buf_putc(out, ' ');
		imap_put_nstring(out, v);
		any = 1;
		free(n);
		free(v);
	}
	buf_puts(out, any ? ")" : "NIL");
}

/* body-fld-dsp: ("attachment" ("filename" "x")) or NIL. */
static void
put_disposition(struct buf *out, const uint8_t *p, const struct ent *e)
{
	char *d = hdr_get(p, e, "Content-Disposition");
	const char *s = d;

	if (d == NULL || !token_char((unsigned char)d[0])) {
		buf_puts(out, "NIL");
		free(d);
		return;
	}
	while (token_char((unsigned char)*s))
		s++;
	char *type = xstrndup(d, (size_t)(s - d));
	buf_putc(out, '(');
	imap_put_nstring(out, type);
	buf_putc(out, ' ');
	put_params(out, s);
	buf_putc(out, ')');
	free(type);
	free(d);
}

/* " value" of a field as an nstring: NIL where the part lacks it. */
static void
put_field(struct buf *out, const uint8_t *p, const struct ent *e,
    const char *name)
{
	char *v = hdr_get(p, e, name);

	buf_putc(out, ' ');
	imap_put_nstring(out, v);
	free(v);
}

/* Lines of a text body: its LFs, and a last line without one. */
static size_t
body_lines(const uint8_t *p, const struct ent *e)
{
	size_t n = 0;

	for (size_t i = e->body; i < e->end; i++)
		n += p[i] == '\n';
	if (e->end > e->body && p[e->end - 1] != '\n')
		n++;
	return n;
}

/* One body: ext adds the extension data BODYSTRUCTURE has and BODY lacks. */
static void
put_body(struct buf *out, const uint8_t *p, const struct ent *e, int ext)
{
	buf_putc(out, '(');
	if (e->multipart) {
		/* body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart] */
		for (int i = 0; i < e->nkids; i++)
			put_body(out, p, &e->kids[i], ext);
		buf_putc(out, ' ');
		imap_put_nstring(out, e->subtype);
		if (ext) {
			buf_putc(out, ' ');
			put_params(out, e->params);
			buf_putc(out, ' ');
			put_disposition(out, p, e);
			put_field(out, p, e, "Content-Language");
			put_field(out, p, e, "Content-Location");
		}
		buf_putc(out, ')');
		return;
	}
	/* body-fields = param SP id SP desc SP enc SP octets */
	imap_put_nstring(out, e->type);
	buf_putc(out, ' ');
	imap_put_nstring(out, e->subtype);
	buf_putc(out, ' ');
	put_params(out, e->params);
	put_field(out, p, e, "Content-ID");
	put_field(out, p, e, "Content-Description");
	char *enc = hdr_get(p, e, "Content-Transfer-Encoding");
	buf_putc(out, ' ');
	imap_put_nstring(out, enc && enc[0] ? enc : "7BIT");
	free(enc);
	buf_printf(out, " %zu", e->end - e->body);
	if (e->message && e->nkids == 1) {
		/* message/rfc822 also carries the inner message's envelope and body. */
		buf_putc(out, ' ');
		put_envelope(out, p, &e->kids[0]);
		buf_putc(out, ' ');
		put_body(out, p, &e->kids[0], ext);
		buf_printf(out, " %zu", body_lines(p, e));
	} else if (same_ci(e->type, strlen(e->type), "text"))
		buf_printf(out, " %zu", body_lines(p, e));
	if (ext) {
		put_field(out, p, e, "Content-MD5");
		buf_putc(out, ' ');
		put_disposition(out, p, e);
		put_field(out, p, e, "Content-Language");
		put_field(out, p, e, "Content-Location");
	}
	buf_putc(out, ')');
}

/* ---- BODY[section] --------------------------------------------------- */

/*
 * The entity a part number names (RFC 3501 6.4.5): the parts of a
 * multipart count from 1, a single-part body is part 1, and below a
 * message/rfc822 part the numbers go on in the message inside.
 */
static const struct ent *
ent_select(const struct ent *e, const uint32_t *part, int npart)
{
	for (int i = 0; i < npart; i++) {
		if (i > 0 && e->message && e->nkids == 1)
			e = &e->kids[0];
		if (e->multipart) {
			if (part[i] > (uint32_t)e->nkids)
				return NULL;
			e = &e->kids[part[i] - 1];
		} else if (part[i] != 1)
			return NULL;
	}
	return e;
}

/* HEADER.FIELDS [.NOT]: the fields named (or not), then the blank line. */
static void
header_fields(const uint8_t *p, const struct ent *t,
    const struct imap_section *sec, struct buf *out)
{
	struct field f;
	size_t i = t->hdr;

	while (field_next(p, &i, t->hend, &f)) {
		int named = 0;

		for (int k = 0; k < sec->nfields; k++)
			if (same_ci((const char *)p + f.name, f.namelen,
			    sec->fields[k]))
				named = 1;
		if (named == (sec->kind == IMAP_SECT_FIELDS))
			buf_append(out, p + f.start, f.end - f.start);
	}
	buf_puts(out, "\r\n");
}

/* BODY[...]<origin> and its data, always as a literal, or NIL if no such part. */
static size_t
put_section(struct buf *out, const uint8_t *p, size_t n,
    const struct ent *root, const struct imap_section *sec)
{
	static const char *const kinds[] = {
		[IMAP_SECT_ALL] = "", [IMAP_SECT_HEADER] = "HEADER",
		[IMAP_SECT_FIELDS] = "HEADER.FIELDS",
		[IMAP_SECT_FIELDS_NOT] = "HEADER.FIELDS.NOT",
		[IMAP_SECT_TEXT] = "TEXT", [IMAP_SECT_MIME] = "MIME",
	};

	buf_puts(out, "BODY[");
	for (int i = 0; i < sec->npart; i++)
		buf_printf(out, "%s%u", i ? "." : "", sec->part[i]);
	if (sec->npart > 0 && sec->kind != IMAP_SECT_ALL)
		buf_putc(out, '.');
	buf_puts(out, kinds[sec->kind]);
	if (sec->kind == IMAP_SECT_FIELDS || sec->kind == IMAP_SECT_FIELDS_NOT) {
		buf_puts(out, " (");
		for (int i = 0; i < sec->nfields; i++) {
			if (i)
				buf_putc(out, ' ');
			imap_put_string(out, sec->fields[i], strlen(sec->fields[i]),
			    1);
		}
		buf_putc(out, ')');
	}
	buf_putc(out, ']');
	if (sec->partial)
		buf_printf(out, "<%u>", sec->origin);
	buf_putc(out, ' ');

	const struct ent *e = root ? ent_select(root, sec->part, sec->npart) :
	    NULL;
	const struct ent *t = NULL;
	struct buf tmp = { 0 };
	size_t a = 0, z = 0;
	const uint8_t *src = p;

	if (sec->npart == 0 && sec->kind == IMAP_SECT_ALL) {
		z = n;			/* BODY[]: the whole message */
	} else if (e == NULL) {
		buf_puts(out, "NIL");
		return 0;
	} else if (sec->kind == IMAP_SECT_ALL) {
		a = e->body;
		z = e->end;
	} else if (sec->kind == IMAP_SECT_MIME) {
		a = e->hdr;
		z = e->body;
	} else {
		/* HEADER and TEXT of the message itself, or of a message/rfc822 part. */
		t = sec->npart == 0 ? root : e->message && e->nkids == 1 ?
		    &e->kids[0] : NULL;
		if (t == NULL) {
			buf_puts(out, "NIL");
			return 0;
		}
		if (sec->kind == IMAP_SECT_HEADER) {
			a = t->hdr;
			z = t->body;
		} else if (sec->kind == IMAP_SECT_TEXT) {
			a = t->body;
			z = t->end;
		} else {
			header_fields(p, t, sec, &tmp);
			src = tmp.data;
			z = tmp.len;
		}
	}
	if (sec->partial) {
		/* <origin.count>: from origin, at most count octets (6.4.5). */
		size_t len = z - a;
		size_t o = sec->origin < len ? sec->origin : len;
		size_t c = sec->count < len - o ? sec->count : len - o;
		a += o;
		z = a + c;
	}
	buf_printf(out, "{%zu}\r\n", z - a);
	if (z > a)
		buf_append(out, src + a, z - a);
	buf_free(&tmp);
	return z - a;
}

/*
 * 6.4.5: "The \Seen flag is implicitly set" by BODY[section] and RFC822
 * and RFC822.TEXT; BODY.PEEK and RFC822.HEADER leave it as it was.
 */
int
imap_fetch_marks_seen(const struct imap_fetch_req *req)
{
	if (req->items & (IMAP_FA_RFC822 | IMAP_FA_RFC822_TEXT))
		return 1;
	for (int i = 0; i < req->nsect; i++)
		if (!req->sect[i].peek)
			return 1;
	return 0;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The arrival as seconds since 1970 on the clock of the scenario's zone. */
static int64_t
local_seconds(struct sim *s, const struct mbox_msg *m)
{
	return s->sc->epoch_unix + (int64_t)(m->arrived_ns / SIM_SEC) +
	    (int64_t)s->sc->epoch_offset_min * 60;
}

int64_t
imap_internal_day(struct sim *s, const struct mbox_msg *m)
{
	int64_t t = local_seconds(s, m);

	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

/*
 * date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time
 * SP zone DQUOTE (RFC 3501 9): when the message reached the mailbox,
 * which is what INTERNALDATE means for delivered mail (2.3.3).
 */
void
imap_internal_date(struct sim *s, const struct mbox_msg *m, struct buf *out)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int off = s->sc->epoch_offset_min;
	int64_t t = local_seconds(s, m);
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - days * 86400, y;
	int mo, d, aoff = off < 0 ? -off : off;

	civil(days, &y, &mo, &d);
	buf_printf(out, "\"%02d-%s-%04lld %02d:%02d:%02d %c%02d%02d\"", d,
	    mon[mo - 1], (long long)y, (int)(sec / 3600), (int)(sec / 60 % 60),
	    (int)(sec % 60), off < 0 ? '-' : '+', aoff / 60, aoff % 60);
}

/* The literal of RFC822, RFC822.HEADER, RFC822.TEXT; returns its octets. */
static size_t
put_rfc822(struct buf *out, const char *name, const uint8_t *p, size_t a,
    size_t z)
{
	buf_printf(out, "%s {%zu}\r\n", name, z - a);
	if (z > a)
		buf_append(out, p + a, z - a);
	return z - a;
}

/*
 * The items in a fixed order, UID first (RFC 3501 does not fix one; a
 * client looks each item up by name).  The MIME structure is read only
 * when an item needs it: FLAGS and BODY[] alone never parse the body.
 */
size_t
imap_fetch_data(struct sim *s, const struct imap_msgref *ref, int items,
    const struct imap_fetch_req *req, struct buf *out)
{
	size_t octets = 0;
	const struct mbox_msg *m = ref->m;
	const uint8_t *p = m->data.data ? m->data.data : (const uint8_t *)"";
	size_t n = m->data.len;
	struct ent root;
	int need_tree = items & (IMAP_FA_ENVELOPE | IMAP_FA_BODY |
	    IMAP_FA_BODYSTRUCTURE | IMAP_FA_RFC822_HEADER | IMAP_FA_RFC822_TEXT);
	size_t start = out->len;

	for (int i = 0; req && i < req->nsect; i++)
		if (req->sect[i].npart > 0 || req->sect[i].kind != IMAP_SECT_ALL)
			need_tree = 1;
	memset(&root, 0, sizeof root);
	root.end = n;
	if (need_tree)
		ent_parse(p, &root, 0);

/* Items are separated by one space (msg-att, RFC 3501 7.4.2). */
#define SEP() do { if (out->len > start) buf_putc(out, ' '); } while (0)
	if (items & IMAP_FA_UID) {
		SEP();
		buf_printf(out, "UID %u", m->uid);
	}
	if (items & IMAP_FA_FLAGS) {
		SEP();
		buf_puts(out, "FLAGS ");
		imap_put_flags(out, ref->flags);
	}
	if (items & IMAP_FA_INTERNALDATE) {
		SEP();
		buf_puts(out, "INTERNALDATE ");
		imap_internal_date(s, m, out);
	}
	if (items & IMAP_FA_SIZE) {
		SEP();
		buf_printf(out, "RFC822.SIZE %zu", n);
	}
	if (items & IMAP_FA_ENVELOPE) {
		SEP();
		buf_puts(out, "ENVELOPE ");
		put_envelope(out, p, &root);
	}
	if (items & IMAP_FA_BODY) {
		SEP();
		buf_puts(out, "BODY ");
		put_body(out, p, &root, 0);
	}
	if (items & IMAP_FA_BODYSTRUCTURE) {
		SEP();
		buf_puts(out, "BODYSTRUCTURE ");
		put_body(out, p, &root, 1);
	}
	if (items & IMAP_FA_RFC822_HEADER) {
		SEP();
		octets += put_rfc822(out, "RFC822.HEADER", p, root.hdr,
		    root.body);
	}
	if (items & IMAP_FA_RFC822_TEXT) {
		SEP();
		octets += put_rfc822(out, "RFC822.TEXT", p, root.body,
		    root.end);
	}
	if (items & IMAP_FA_RFC822) {
		SEP();
		octets += put_rfc822(out, "RFC822", p, 0, n);
	}
	for (int i = 0; req && i < req->nsect; i++) {
		SEP();
		octets += put_section(out, p, n, need_tree ? &root : NULL,
		    &req->sect[i]);
	}
#undef SEP
	if (need_tree)
		ent_free(&root);
	return octets;
}

/* ---- SEARCH (RFC 3501 6.4.4) ----------------------------------------- */

/*
 * Simple case folding of one character: ASCII, Latin-1, Latin
 * Extended-A, Greek and Cyrillic capitals to small letters, so that
 * "RAPAT" finds "rapat" and "ÉTÉ" finds "été".  Unicode's full folding
 * (ß to ss, the Turkish I) is left out; RFC 3501 asks only that
 * matching be case-insensitive.
 */
static uint32_t
fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if ((c >= 0x100 && c <= 0x137 && c != 0x130) ||
	    (c >= 0x14a && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

/* Is b a UTF-8 continuation byte? */
static int
cont(uint8_t b)
{
	return (b & 0xc0) == 0x80;
}

/*
 * p[0..n) as folded characters, into a heap array of *len.  UTF-8 is
 * read as characters; a byte that starts no valid sequence stands for
 * itself, so that text in another charset still matches byte for byte.
 */
static uint32_t *
fold_text(const uint8_t *p, size_t n, size_t *len)
{
	uint32_t *out = xmalloc((n + 1) * sizeof *out);
	size_t k = 0;

	for (size_t i = 0; i < n; k++) {
		uint32_t c = p[i];

		if (c >= 0xc2 && c <= 0xdf && i + 1 < n && cont(p[i + 1])) {
			c = (c & 0x1f) << 6 | (p[i + 1] & 0x3f);
			i += 2;
		} else if (c >= 0xe0 && c <= 0xef && i + 2 < n &&
		    cont(p[i + 1]) && cont(p[i + 2])) {
			c = (c & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6 |
			    (p[i + 2] & 0x3f);
			i += 3;
		} else if (c >= 0xf0 && c <= 0xf4 && i + 3 < n &&
		    cont(p[i + 1]) && cont(p[i + 2]) && cont(p[i + 3])) {
			c = (c & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3f) << 12 |
			    (uint32_t)(p[i + 2] & 0x3f) << 6 | (p[i + 3] & 0x3f);
			i += 4;
		} else
			i++;
		out[k] = fold(c);
	}
	*len = k;
	return out;
}

/*
 * RFC 3501 6.4.4: "a message matches the key if the string is a
 * substring of the field.  The matching is case-insensitive."  Both
 * sides are UTF-8 here (the search string as the client's CHARSET
 * wrote it, US-ASCII being a subset; the message decoded first).
 */
static int
contains_ci(const uint8_t *hay, size_t hn, const char *needle, size_t nn)
{
	size_t h, n;
	int hit = 0;

	if (nn == 0)
		return 1;
	uint32_t *fn = fold_text((const uint8_t *)needle, nn, &n);
	uint32_t *fh = fold_text(hay, hn, &h);
	for (size_t i = 0; !hit && i + n <= h; i++)
		hit = memcmp(fh + i, fn, n * sizeof *fn) == 0;
	free(fn);
	free(fh);
	return hit;
}

/* A field's value unfolded with its RFC 2047 encoded words decoded; heap string. */
static char *
field_text(const uint8_t *p, const struct field *f)
{
	char *v = field_value(p, f);
	char *d = mime_decode_words(v);

	free(v);
	return d;
}

/* HEADER name text: some field called name contains text (empty: exists). */
static int
match_header(const uint8_t *p, const struct ent *e, const struct imap_skey *k)
{
	struct field f;
	size_t i = e->hdr;

	while (field_next(p, &i, e->hend, &f)) {
		if (!same_ci((const char *)p + f.name, f.namelen, k->field))
			continue;
		char *v = field_text(p, &f);
		int hit = contains_ci((const uint8_t *)v, strlen(v), k->text,
		    k->textlen);
		free(v);
		if (hit)
			return 1;
	}
	return 0;
}

/* Every field of e's header as "Name: text" lines, encoded words decoded. */
static void
header_text(const uint8_t *p, const struct ent *e, struct buf *out)
{
	struct field f;
	size_t i = e->hdr;

	while (field_next(p, &i, e->hend, &f)) {
		char *v = field_text(p, &f);

		buf_append(out, p + f.name, f.namelen);
		buf_puts(out, ": ");
		buf_puts(out, v);
		buf_puts(out, "\r\n");
		free(v);
	}
}

/*
 * The text a reader sees in e's body, as UTF-8: every text part with
 * its transfer encoding undone (RFC 2045 6.7, 6.8) and its charset
 * converted, and a forwarded message's header and text.  Parts that
 * are not text (pictures, archives) hold octets, not words, and are
 * left out, as Dovecot leaves them out of its own SEARCH BODY.
 */
static void
body_text(const uint8_t *p, const struct ent *e, struct buf *out)
{
	if (e->multipart) {
		for (int i = 0; i < e->nkids; i++)
			body_text(p, &e->kids[i], out);
		return;
	}
	if (e->message) {
		header_text(p, &e->kids[0], out);
		body_text(p, &e->kids[0], out);
		return;
	}
	if (!same_ci(e->type, strlen(e->type), "text"))
		return;
	char *cte = hdr_get(p, e, "Content-Transfer-Encoding");
	char *cs = param_get(e->params, "charset");
	struct buf raw = { 0 };

	msg_decode_body(cte, p + e->body, e->end - e->body, &raw);
	mime_text_to_utf8(cs, raw.data, raw.len, out);
	buf_puts(out, "\r\n");
	buf_free(&raw);
	free(cte);
	free(cs);
}

/*
 * The date a SENT* key compares: the day the Date: field names, as
 * written; without a readable one, the internal date (Dovecot does the
 * same, RFC 3501 says nothing of it).
 */
static int64_t
sent_day(const uint8_t *p, const struct ent *e, int64_t internal)
{
	char *v = hdr_get(p, e, "Date");
	int64_t day;

	if (v == NULL || mime_date_day(v, &day) != 0)
		day = internal;
	free(v);
	return day;
}

/*
 * One key against one message.  Strings match as case-insensitive
 * substrings of what a reader sees (6.4.4): encoded words and the
 * transfer encodings of text parts are decoded first, so that SUBJECT
 * finds a word of a =?UTF-8?B?...?= subject and BODY one of a base64
 * text.
 */
int
imap_search_match(const struct imap_skey *k, const struct imap_msgref *ref,
    uint32_t max_seq, uint32_t max_uid)
{
	const struct mbox_msg *m = ref->m;
	const uint8_t *p = m->data.data ? m->data.data : (const uint8_t *)"";
	struct ent e;
	struct buf text = { 0 };
	int64_t day;
	int hit;

	switch (k->kind) {
	case IMAP_SK_ALL:
		return 1;
	case IMAP_SK_FLAG:
		return ((ref->flags & k->flag) != 0) != k->neg;
	case IMAP_SK_NEW:
		return (ref->flags & IMAP_FL_RECENT) &&
		    !(ref->flags & IMAP_FL_SEEN);
	case IMAP_SK_OLD:
		return !(ref->flags & IMAP_FL_RECENT);
	case IMAP_SK_SEQ:
		return imap_seqset_has(&k->set, ref->seq, max_seq);
	case IMAP_SK_UID:
		return imap_seqset_has(&k->set, m->uid, max_uid);
	case IMAP_SK_LARGER:
		return m->data.len > k->n;
	case IMAP_SK_SMALLER:
		return m->data.len < k->n;
	case IMAP_SK_DATE:
		day = ref->day;
		if (k->sent) {
			memset(&e, 0, sizeof e);
			e.end = m->data.len;
			ent_bounds(p, &e);
			day = sent_day(p, &e, day);
		}
		/*
		 * BEFORE: "earlier than the specified date"; ON: "within
		 * the specified date"; SINCE: "within or later than".
		 */
		return k->cmp < 0 ? day < k->day : k->cmp == 0 ?
		    day == k->day : day >= k->day;
	case IMAP_SK_HEADER:
		/* Only the message's own header, not those of its parts. */
		memset(&e, 0, sizeof e);
		e.end = m->data.len;
		ent_bounds(p, &e);
		return match_header(p, &e, k);
	case IMAP_SK_BODY:
	case IMAP_SK_TEXT:
		/* TEXT: "in the header or body of the message". */
		memset(&e, 0, sizeof e);
		e.end = m->data.len;
		ent_parse(p, &e, 0);
		if (k->kind == IMAP_SK_TEXT)
			header_text(p, &e, &text);
		body_text(p, &e, &text);
		hit = contains_ci(text.data, text.len, k->text, k->textlen);
		buf_free(&text);
		ent_free(&e);
		return hit;
	case IMAP_SK_NOT:
		return !imap_search_match(&k->sub[0], ref, max_seq, max_uid);
	case IMAP_SK_OR:
		return imap_search_match(&k->sub[0], ref, max_seq, max_uid) ||
		    imap_search_match(&k->sub[1], ref, max_seq, max_uid);
	case IMAP_SK_AND:
		for (int i = 0; i < k->nsub; i++)
			if (!imap_search_match(&k->sub[i], ref, max_seq, max_uid))
				return 0;
		return 1;
	}
	fatalx("imap: search key kind %d", (int)k->kind);
}
