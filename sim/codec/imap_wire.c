/*
 * imap_wire.c: see imap_wire.h.  The grammar is RFC 3501 section 9.
 *
 * Reading goes in two steps.  imap_in only finds where a command
 * ends: at a line end that is not announcing a literal (4.3), so that
 * the bytes of a literal, CR and LF included, are never mistaken for
 * the end.  Then the parser reads the whole command with a cursor whose
 * error is sticky (like OpenSMTPD's unpack_dns.c): the helpers are
 * called one after the other and the result is checked once.
 *
 * The reader is a little more lenient than the grammar where real
 * programs are (8-bit bytes in quoted strings, "*" and "%" inside
 * atoms so that sequence sets and LIST patterns read as atoms), and
 * strict where leniency would change the meaning (one space between
 * arguments, tags, literal lengths).
 */
#include "imap_wire.h"
#include "mime.h"

#include <stdlib.h>
#include <string.h>

/* The parser's cursor over one command or response. */
struct cur {
	const uint8_t	*p;
	size_t		 n, i;
	const char	*err;		/* sticky: the first error wins */
	int		 depth;		/* lists open around the cursor */
	int		 maxdepth;
};

static void	cur_fail(struct cur *, const char *);
static int	cur_at_end(const struct cur *);
static int	read_value(struct cur *, struct imap_val *);
static int	read_values(struct cur *, struct imap_val *);
static void	list_push(struct imap_val *, struct imap_val *);
static int	skey_read(const struct imap_val *, int, int *,
		    struct imap_skey *, int, const char **);
static void	skey_free(struct imap_skey *);

/* ---- character classes --------------------------------------------- */

/*
 * What we accept inside an atom.  RFC 3501 ATOM-CHAR is any CHAR but
 * "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]"; we let "%" "*" "\" "]" in
 * too, so that LIST patterns, sequence sets and flags are atoms.
 */
static int
atom_char(int c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	    c != '"';
}

/* ASTRING-CHAR of RFC 3501 9, the strict set used when writing. */
static int
astring_char(int c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	    c != '%' && c != '*' && c != '"' && c != '\\';
}

/* tag = 1*<any ASTRING-CHAR except "+"> */
static int
tag_char(int c)
{
	return astring_char(c) && c != '+';
}

/* DIGIT of RFC 5234: the C library's isdigit() would follow the locale. */
static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only: command names and keywords are case-insensitive (RFC 3501 9). */
static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* Does s[0..n) equal the upper-case word w, ignoring case? */
static int
word_is(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	if (n != k)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (upper((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

/*
 * number = 1*DIGIT, an unsigned 32-bit integer; nz-number = digit-nz
 * *DIGIT, never 0 and without a leading zero (RFC 3501 9).  Ten digits
 * at most, so the 64-bit sum below cannot overflow.
 */
static int
parse_u32(const char *s, size_t n, int nz, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return -1;
	if (nz && s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX || (nz && v == 0))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* ---- reading: lines and literals ---------------------------------- */

/* The brace must start a value (after a space or "("), as nothing else may hold one. */
int
imap_literal_marker(const uint8_t *s, size_t n, uint64_t *len, int *sync)
{
	size_t i, digits = 0;
	uint64_t v = 0, scale = 1;

	if (n < 3 || s[n - 1] != '}')
		return 0;
	/* Read backwards from the "}": "+", digits, "{". */
	i = n - 1;
	*sync = 1;
	if (s[i - 1] == '+') {
		*sync = 0;
		i--;
	}
	while (i > 0 && is_digit(s[i - 1])) {
		i--;
		digits++;
		if (digits <= 19) {
			v += (uint64_t)(s[i] - '0') * scale;
			scale *= 10;
		} else
			v = UINT64_MAX;		/* only too big matters */
	}
	if (digits == 0 || i == 0 || s[i - 1] != '{')
		return 0;
	i--;
	if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '(')
		return 0;
	*len = v;
	return 1;
}

void
imap_in_init(struct imap_in *in, size_t max_line, uint64_t max_literal)
{
	memset(in, 0, sizeof *in);
	in->max_line = max_line;
	in->max_literal = max_literal;
}

void
imap_in_free(struct imap_in *in)
{
	buf_free(&in->unit);
}

/* The unit is over (whole or dropped): the next one starts afresh. */
static void
in_done(struct linebuf *lb, struct imap_in *in)
{
	in->whole = 1;
	in->octets = 0;
	in->lit = in->lit_total = 0;
	lb->max = in->max_line;
}

size_t
imap_in_octets(struct imap_in *in, const uint8_t *p, size_t n)
{
	size_t take = n < in->lit ? n : (size_t)in->lit;

	buf_append(&in->unit, p, take);
	in->lit -= take;
	return take;
}

enum imap_frame
imap_in_line(struct linebuf *lb, struct imap_in *in, enum line_status st,
    const char *line, size_t n, uint64_t *literal)
{
	const uint8_t *p;
	uint64_t nlit;
	int sync;

	*literal = 0;
	if (in->whole) {
		in->unit.len = 0;
		in->whole = 0;
	}
	buf_append(&in->unit, line, n);
	if (st == LINE_TOO_LONG) {
		in_done(lb, in);
		return IMAP_FRAME_TOO_LONG;
	}
	buf_puts(&in->unit, lb->crlf ? "\r\n" : "\n");
	in->octets += n;
	/* A line end that announces nothing ends the unit. */
	if (!imap_literal_marker((const uint8_t *)line, n, &nlit, &sync)) {
		in_done(lb, in);
		return IMAP_FRAME_DONE;
	}
	/*
	 * RFC 3501 7.5: instead of "+", a server may refuse a literal with
	 * a tagged BAD; the client then does not send it.
	 */
	if (nlit > in->max_literal || in->lit_total + nlit > in->max_literal) {
		*literal = nlit;
		in_done(lb, in);
		return IMAP_FRAME_TOO_LONG;
	}
	/* The next nlit octets are data, whatever they hold, not lines. */
	in->lit = nlit;
	in->lit_total += nlit;
	while (in->lit > 0 && linebuf_pending(lb) > 0) {
		size_t k = linebuf_take(lb, in->lit > SIZE_MAX ? SIZE_MAX :
		    (size_t)in->lit, &p);
		imap_in_octets(in, p, k);
	}
	/* The limit is the unit's: its later lines get what is left. */
	lb->max = in->max_line - in->octets;
	if (sync) {
		*literal = nlit;
		return IMAP_FRAME_LITERAL;
	}
	return IMAP_FRAME_MORE;
}

/* ---- values ---------------------------------------------------------- */

/* Frees what v holds (its items first), not v itself. */
void
imap_val_free(struct imap_val *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < v->n; i++)
		imap_val_free(&v->v[i]);
	free(v->v);
	free(v->s);
	v->v = NULL;
	v->s = NULL;
	v->n = 0;
	v->len = 0;
}

int
imap_val_is_string(const struct imap_val *v)
{
	return v != NULL && v->type != IMAP_V_LIST;
}

int
imap_val_is_nil(const struct imap_val *v)
{
	return v != NULL && v->type == IMAP_V_ATOM && word_is(v->s, v->len,
	    "NIL");
}

int
imap_val_number(const struct imap_val *v, uint32_t *out)
{
	return v != NULL && v->type == IMAP_V_ATOM &&
	    parse_u32(v->s, v->len, 0, out) == 0;
}

const struct imap_val *
imap_val_get(const struct imap_val *list, const char *name)
{
	if (list == NULL || list->type != IMAP_V_LIST)
		return NULL;
	/* FETCH data are pairs: name value name value ... (RFC 3501 7.4.2). */
	for (int i = 0; i + 1 < list->n; i += 2) {
		const struct imap_val *k = &list->v[i];
		size_t nl = strlen(name);

		if (k->type == IMAP_V_ATOM && k->len == nl) {
			size_t j;
			for (j = 0; j < nl; j++)
				if (upper((unsigned char)k->s[j]) !=
				    upper((unsigned char)name[j]))
					break;
			if (j == nl)
				return &list->v[i + 1];
		}
	}
	return NULL;
}

static void
list_push(struct imap_val *list, struct imap_val *item)
{
	/* Grow by doubling: the count is bounded by the line's length. */
	if (list->n == 0 || (list->n >= 4 && (list->n & (list->n - 1)) == 0)) {
		size_t cap = list->n ? (size_t)list->n * 2 : 4;
		list->v = xrealloc(list->v, cap * sizeof *list->v);
	}
	list->v[list->n++] = *item;
}

/* The first error is the one the BAD reply names; later ones follow from it. */
static void
cur_fail(struct cur *c, const char *why)
{
	if (c->err == NULL)
		c->err = why;
}

/* Only the line end (CRLF, or LF alone, or nothing) is left. */
static int
cur_at_end(const struct cur *c)
{
	size_t rest = c->n - c->i;

	return rest == 0 || (rest == 1 && c->p[c->i] == '\n') ||
	    (rest == 2 && c->p[c->i] == '\r' && c->p[c->i + 1] == '\n');
}

/* The next octet, or -1 past the end: never a read out of bounds. */
static int
cur_peek(const struct cur *c)
{
	return c->i < c->n ? c->p[c->i] : -1;
}

/* A copy of the bytes with a NUL after them, so text users may use C strings. */
static void
val_set(struct imap_val *v, enum imap_val_type t, const void *p, size_t n)
{
	memset(v, 0, sizeof *v);
	v->type = t;
	v->s = xmalloc(n + 1);
	if (n)
		memcpy(v->s, p, n);
	v->s[n] = '\0';
	v->len = n;
}

/*
 * An atom.  A "[" inside one opens a section that runs to its "]" and
 * may hold spaces and lists: BODY[HEADER.FIELDS (FROM TO)]<0.100> is
 * one item of FETCH (RFC 3501 6.4.5), and one value here.
 */
static int
read_atom(struct cur *c, struct imap_val *v)
{
	size_t start = c->i;

	while (c->i < c->n) {
		int ch = c->p[c->i];

		if (ch == '[') {
			c->i++;
			while (c->i < c->n && c->p[c->i] != ']') {
				int d = c->p[c->i];

				if (d == '\r' || d == '\n' || d == '\0') {
					cur_fail(c, "unclosed [ in an atom");
					return -1;
				}
				if (d == '"') {
					/* A quoted header name: skip it whole. */
					c->i++;
					while (c->i < c->n && c->p[c->i] != '"' &&
					    c->p[c->i] != '\r' && c->p[c->i] != '\n') {
						if (c->p[c->i] == '\\' &&
						    c->i + 1 < c->n)
							c->i++;
						c->i++;
					}
				}
				if (c->i < c->n)
					c->i++;
			}
			if (c->i >= c->n) {
				cur_fail(c, "unclosed [ in an atom");
				return -1;
			}
			c->i++;
			continue;
		}
		if (!atom_char(ch))
			break;
		c->i++;
	}
	if (c->i == start) {
		cur_fail(c, "expected a value");
		return -1;
	}
	val_set(v, IMAP_V_ATOM, c->p + start, c->i - start);
	return 0;
}

/* quoted = DQUOTE *QUOTED-CHAR DQUOTE; only \" and \\ are escapes. */
static int
read_quoted(struct cur *c, struct imap_val *v)
{
	struct buf b = { 0 };

	c->i++;
	for (;;) {
		if (c->i >= c->n) {
			cur_fail(c, "unterminated quoted string");
			goto err;
		}
		int ch = c->p[c->i++];
		if (ch == '"')
			break;
		if (ch == '\r' || ch == '\n' || ch == '\0') {
			cur_fail(c, "CR, LF or NUL in a quoted string (send a "
			    "literal)");
			goto err;
		}
		if (ch == '\\') {
			int e = cur_peek(c);
			if (e != '"' && e != '\\') {
				cur_fail(c, "bad escape in a quoted string");
				goto err;
			}
			ch = e;
			c->i++;
		}
		buf_putc(&b, ch);
	}
	val_set(v, IMAP_V_QUOTED, b.data ? b.data : (const uint8_t *)"", b.len);
	buf_free(&b);
	return 0;
err:
	buf_free(&b);
	return -1;
}

/* literal = "{" number ["+"] "}" CRLF *CHAR8 (RFC 3501 9, RFC 7888). */
static int
read_literal(struct cur *c, struct imap_val *v)
{
	uint64_t len = 0;
	int digits = 0;

	c->i++;
	while (c->i < c->n && is_digit(c->p[c->i])) {
		if (++digits > 10) {
			cur_fail(c, "literal too long");
			return -1;
		}
		len = len * 10 + (uint64_t)(c->p[c->i++] - '0');
	}
	if (digits == 0) {
		cur_fail(c, "expected the length of a literal");
		return -1;
	}
	if (cur_peek(c) == '+')
		c->i++;
	if (cur_peek(c) != '}') {
		cur_fail(c, "bad literal");
		return -1;
	}
	c->i++;
	if (cur_peek(c) == '\r')
		c->i++;
	if (cur_peek(c) != '\n') {
		cur_fail(c, "a literal's {N} must end the line");
		return -1;
	}
	c->i++;
	if (len > c->n - c->i) {
		cur_fail(c, "literal shorter than announced");
		return -1;
	}
	val_set(v, IMAP_V_LITERAL, c->p + c->i, (size_t)len);
	c->i += (size_t)len;
	return 0;
}

/*
 * "(" [value *(SP value)] ")": flag lists, FETCH item lists, search
 * keys in commands; FETCH data, ENVELOPE, BODYSTRUCTURE in responses.
 * The depth is bounded so that a peer cannot make us recurse forever.
 */
static int
read_list(struct cur *c, struct imap_val *v)
{
	memset(v, 0, sizeof *v);
	v->type = IMAP_V_LIST;
	if (++c->depth > c->maxdepth) {
		cur_fail(c, "lists nested too deep");
		return -1;
	}
	c->i++;
	if (cur_peek(c) != ')') {
		for (;;) {
			struct imap_val item;

			if (read_value(c, &item) != 0) {
				imap_val_free(&item);
				return -1;
			}
			list_push(v, &item);
			if (cur_peek(c) == ')')
				break;
			/* body-type-mpart = 1*body SP subtype: "(...)(...)" (7.4.2). */
			if (item.type == IMAP_V_LIST && cur_peek(c) == '(')
				continue;
			if (cur_peek(c) != ' ') {
				cur_fail(c, "expected a space or ) in a list");
				return -1;
			}
			c->i++;
		}
	}
	c->i++;
	c->depth--;
	return 0;
}

/* One value; its first octet says which kind (RFC 3501 4). */
static int
read_value(struct cur *c, struct imap_val *v)
{
	memset(v, 0, sizeof *v);
	switch (cur_peek(c)) {
	case '(':
		return read_list(c, v);
	case '"':
		return read_quoted(c, v);
	case '{':
		return read_literal(c, v);
	default:
		return read_atom(c, v);
	}
}

/* SP-separated values up to the line end, into list (which must be empty). */
static int
read_values(struct cur *c, struct imap_val *list)
{
	memset(list, 0, sizeof *list);
	list->type = IMAP_V_LIST;
	while (!cur_at_end(c) && c->err == NULL) {
		struct imap_val item;

		if (cur_peek(c) != ' ') {
			cur_fail(c, "expected a space between arguments");
			return -1;
		}
		c->i++;
		if (read_value(c, &item) != 0) {
			imap_val_free(&item);
			return -1;
		}
		list_push(list, &item);
	}
	return c->err ? -1 : 0;
}

/* ---- sequence sets --------------------------------------------------- */

/*
 * sequence-set = (seq-number / seq-range) *("," sequence-set)
 * seq-range = seq-number ":" seq-number
 * seq-number = nz-number / "*"; "*" is 0 here, as 0 is no message.
 */
static int
seq_number(const char *s, size_t n, size_t *i, uint32_t *out)
{
	size_t start = *i;

	if (*i < n && s[*i] == '*') {
		(*i)++;
		*out = 0;
		return 0;
	}
	while (*i < n && is_digit((unsigned char)s[*i]))
		(*i)++;
	return parse_u32(s + start, *i - start, 1, out);
}

int
imap_seqset_parse(const char *s, size_t n, struct imap_seqset *set)
{
	size_t i = 0;

	set->r = NULL;
	set->n = 0;
	for (;;) {
		struct imap_range r;

		if (seq_number(s, n, &i, &r.lo) != 0)
			goto bad;
		r.hi = r.lo;
		if (i < n && s[i] == ':') {
			i++;
			if (seq_number(s, n, &i, &r.hi) != 0)
				goto bad;
		}
		/* Doubling at powers of two, as list_push() does. */
		if (set->n == 0 || (set->n >= 4 && (set->n & (set->n - 1)) == 0))
			set->r = xrealloc(set->r, (size_t)(set->n ? set->n * 2 :
			    4) * sizeof *set->r);
		set->r[set->n++] = r;
		if (i == n)
			return 0;
		if (s[i++] != ',')
			goto bad;
	}
bad:
	imap_seqset_free(set);
	return -1;
}

int
imap_seqset_has(const struct imap_seqset *set, uint32_t x, uint32_t max)
{
	for (int i = 0; i < set->n; i++) {
		uint32_t lo = set->r[i].lo ? set->r[i].lo : max;
		uint32_t hi = set->r[i].hi ? set->r[i].hi : max;

		/* RFC 3501 9: "4:2" is the same as "2:4". */
		if (lo > hi) {
			uint32_t t = lo;
			lo = hi;
			hi = t;
		}
		if (x >= lo && x <= hi)
			return 1;
	}
	return 0;
}

uint32_t
imap_seqset_top(const struct imap_seqset *set)
{
	uint32_t top = 0;

	for (int i = 0; i < set->n; i++) {
		if (set->r[i].lo > top)
			top = set->r[i].lo;
		if (set->r[i].hi > top)
			top = set->r[i].hi;
	}
	return top;
}

void
imap_seqset_free(struct imap_seqset *set)
{
	free(set->r);
	set->r = NULL;
	set->n = 0;
}

/* ---- commands -------------------------------------------------------- */

/* The commands of RFC 3501 section 6, indexed by enum imap_verb. */
static const char *const verb_names[IMAP_NVERBS] = {
	[IMAP_CAPABILITY] = "CAPABILITY", [IMAP_NOOP] = "NOOP",
	[IMAP_LOGOUT] = "LOGOUT", [IMAP_STARTTLS] = "STARTTLS",
	[IMAP_AUTHENTICATE] = "AUTHENTICATE", [IMAP_LOGIN] = "LOGIN",
	[IMAP_SELECT] = "SELECT", [IMAP_EXAMINE] = "EXAMINE",
	[IMAP_CREATE] = "CREATE", [IMAP_DELETE] = "DELETE",
	[IMAP_RENAME] = "RENAME", [IMAP_SUBSCRIBE] = "SUBSCRIBE",
	[IMAP_UNSUBSCRIBE] = "UNSUBSCRIBE", [IMAP_LIST] = "LIST",
	[IMAP_LSUB] = "LSUB", [IMAP_STATUS] = "STATUS",
	[IMAP_APPEND] = "APPEND", [IMAP_CHECK] = "CHECK",
	[IMAP_CLOSE] = "CLOSE", [IMAP_EXPUNGE] = "EXPUNGE",
	[IMAP_SEARCH] = "SEARCH", [IMAP_FETCH] = "FETCH",
	[IMAP_STORE] = "STORE", [IMAP_COPY] = "COPY",
};

const char *
imap_verb_str(enum imap_verb v)
{
	return (unsigned)v < IMAP_NVERBS ? verb_names[v] : "?";
}

/*
 * For the BAD sent when a command cannot even be framed (too long): the
 * tag is all that can be read, and the client needs it to match the
 * answer with its command (RFC 3501 2.2.1).
 */
void
imap_peek_tag(const uint8_t *p, size_t n, char out[IMAP_TAG_MAX + 1])
{
	size_t i = 0;

	while (i < n && i < IMAP_TAG_MAX && tag_char(p[i]))
		i++;
	/* No tag, or one too long to repeat: the answer is untagged. */
	if (i == 0 || (i < n && p[i] != ' ' && p[i] != '\r' && p[i] != '\n')) {
		strcpy(out, "*");
		return;
	}
	memcpy(out, p, i);
	out[i] = '\0';
}

/*
 * flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" /
 * flag-keyword / flag-extension (RFC 3501 9); \Recent only in
 * responses and searches.
 */
int
imap_flag_parse(const char *s)
{
	static const struct {
		const char *name;
		int bit;
	} flags[] = {
		{ "\\SEEN", IMAP_FL_SEEN }, { "\\ANSWERED", IMAP_FL_ANSWERED },
		{ "\\FLAGGED", IMAP_FL_FLAGGED }, { "\\DELETED", IMAP_FL_DELETED },
		{ "\\DRAFT", IMAP_FL_DRAFT }, { "\\RECENT", IMAP_FL_RECENT },
	};

	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
		if (word_is(s, strlen(s), flags[i].name))
			return flags[i].bit;
	return 0;
}

/* flag-list = "(" [flag *(SP flag)] ")", in the order of RFC 3501 2.3.2. */
void
imap_put_flags(struct buf *out, int fl)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ IMAP_FL_SEEN, "\\Seen" }, { IMAP_FL_ANSWERED, "\\Answered" },
		{ IMAP_FL_FLAGGED, "\\Flagged" }, { IMAP_FL_DELETED, "\\Deleted" },
		{ IMAP_FL_DRAFT, "\\Draft" }, { IMAP_FL_RECENT, "\\Recent" },
	};
	int first = 1;

	buf_putc(out, '(');
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (fl & names[i].bit) {
			if (!first)
				buf_putc(out, ' ');
			buf_puts(out, names[i].name);
			first = 0;
		}
	buf_putc(out, ')');
}

/* The header field names of HEADER.FIELDS: a list of astrings. */
static int
section_fields(const char *s, size_t n, struct imap_section *sec)
{
	struct cur c = { (const uint8_t *)s, n, 0, NULL, 0, IMAP_DEPTH_MAX };
	struct imap_val list = { 0 };
	int rc = -1;

	if (n == 0 || s[0] != '(' || read_list(&c, &list) != 0 || c.i != n ||
	    list.n == 0)
		goto out;
	sec->fields = xcalloc((size_t)list.n, sizeof *sec->fields);
	for (int i = 0; i < list.n; i++) {
		const struct imap_val *f = &list.v[i];

		if (f->type == IMAP_V_LIST || f->len == 0 ||
		    memchr(f->s, ':', f->len) || strlen(f->s) != f->len)
			goto out;
		sec->fields[sec->nfields++] = xstrdup(f->s);
	}
	rc = 0;
out:
	imap_val_free(&list);
	return rc;
}

/*
 * section-spec inside the brackets (RFC 3501 9):
 *   "" | HEADER | HEADER.FIELDS[.NOT] SP list | TEXT
 *   | 1*(nz-number ".") then that, or MIME, or nothing.
 */
static int
section_parse(const char *s, size_t n, struct imap_section *sec)
{
	size_t i = 0;

	sec->kind = IMAP_SECT_ALL;
	while (i < n && is_digit((unsigned char)s[i])) {
		size_t start = i;
		uint32_t v;

		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		if (parse_u32(s + start, i - start, 1, &v) != 0 ||
		    sec->npart >= IMAP_DEPTH_MAX)
			return -1;
		sec->part[sec->npart++] = v;
		if (i == n)
			return 0;
		if (s[i++] != '.')
			return -1;
	}
	if (i == n)
		return sec->npart == 0 ? 0 : -1;	/* "1." is not a section */
	const char *t = s + i;
	size_t tn = n - i;
	if (word_is(t, tn, "HEADER"))
		sec->kind = IMAP_SECT_HEADER;
	else if (word_is(t, tn, "TEXT"))
		sec->kind = IMAP_SECT_TEXT;
	else if (word_is(t, tn, "MIME") && sec->npart > 0)
		sec->kind = IMAP_SECT_MIME;
	else if (tn > 18 && word_is(t, 18, "HEADER.FIELDS.NOT ")) {
		sec->kind = IMAP_SECT_FIELDS_NOT;
		return section_fields(t + 18, tn - 18, sec);
	} else if (tn > 14 && word_is(t, 14, "HEADER.FIELDS ")) {
		sec->kind = IMAP_SECT_FIELDS;
		return section_fields(t + 14, tn - 14, sec);
	} else
		return -1;
	return 0;
}

/* Frees the field names; the section itself lives in an array. */
static void
section_free(struct imap_section *sec)
{
	for (int i = 0; i < sec->nfields; i++)
		free(sec->fields[i]);
	free(sec->fields);
	sec->fields = NULL;
	sec->nfields = 0;
}

/* BODY[...] / BODY.PEEK[...] with an optional <origin.count>. */
static int
fetch_section(const char *s, size_t n, int peek, struct imap_fetch_req *f)
{
	const char *lb = memchr(s, '[', n);
	const char *rb = NULL;

	/* The last "]": header names inside may not hold one. */
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == ']') {
			rb = s + i - 1;
			break;
		}
	if (lb == NULL || rb == NULL || rb < lb)
		return -1;
	/* The section is read whole, then copied in: nothing half-built escapes. */

	struct imap_section sec;
	memset(&sec, 0, sizeof sec);
	sec.peek = peek;
	if (section_parse(lb + 1, (size_t)(rb - lb - 1), &sec) != 0)
		goto bad;
	const char *after = rb + 1, *end = s + n;
	if (after < end) {
		/* partial = "<" number "." nz-number ">" */
		const char *dot = memchr(after, '.', (size_t)(end - after));

		if (*after != '<' || end[-1] != '>' || dot == NULL ||
		    parse_u32(after + 1, (size_t)(dot - after - 1), 0,
		    &sec.origin) != 0 ||
		    parse_u32(dot + 1, (size_t)(end - dot - 2), 1,
		    &sec.count) != 0)
			goto bad;
		sec.partial = 1;
	}
	if (f->nsect >= 64)
		goto bad;		/* more than anyone asks for */
	f->sect = xrealloc(f->sect, (size_t)(f->nsect + 1) * sizeof *f->sect);
	f->sect[f->nsect++] = sec;
	return 0;
bad:
	section_free(&sec);
	return -1;
}

/* One fetch-att (RFC 3501 6.4.5). */
static int
fetch_item(const struct imap_val *v, struct imap_fetch_req *f)
{
	static const struct {
		const char *name;
		int bit;
	} simple[] = {
		{ "FLAGS", IMAP_FA_FLAGS }, { "UID", IMAP_FA_UID },
		{ "RFC822.SIZE", IMAP_FA_SIZE }, { "ENVELOPE", IMAP_FA_ENVELOPE },
		{ "BODYSTRUCTURE", IMAP_FA_BODYSTRUCTURE },
		{ "BODY", IMAP_FA_BODY }, { "INTERNALDATE", IMAP_FA_INTERNALDATE },
		{ "RFC822", IMAP_FA_RFC822 },
		{ "RFC822.HEADER", IMAP_FA_RFC822_HEADER },
		{ "RFC822.TEXT", IMAP_FA_RFC822_TEXT },
	};

	/* An item is an atom; BODY[...] read as one thanks to read_atom(). */
	if (v->type != IMAP_V_ATOM)
		return -1;
	for (size_t i = 0; i < sizeof simple / sizeof *simple; i++)
		if (word_is(v->s, v->len, simple[i].name)) {
			f->items |= simple[i].bit;
			return 0;
		}
	/* "BODY[" and "BODY.PEEK[": the only items with a section. */
	if (v->len > 5 && word_is(v->s, 5, "BODY["))
		return fetch_section(v->s, v->len, 0, f);
	if (v->len > 10 && word_is(v->s, 10, "BODY.PEEK["))
		return fetch_section(v->s, v->len, 1, f);
	return -1;
}

/*
 * FETCH's second argument: "ALL" / "FULL" / "FAST" / fetch-att /
 * "(" fetch-att *(SP fetch-att) ")" (RFC 3501 6.4.5).
 */
static int
parse_fetch(const struct imap_val *what, struct imap_fetch_req *f)
{
	if (what->type == IMAP_V_ATOM) {
		/* The macros of RFC 3501 6.4.5, only alone. */
		if (word_is(what->s, what->len, "ALL")) {
			f->items = IMAP_FA_FLAGS | IMAP_FA_INTERNALDATE |
			    IMAP_FA_SIZE | IMAP_FA_ENVELOPE;
			return 0;
		}
		if (word_is(what->s, what->len, "FAST")) {
			f->items = IMAP_FA_FLAGS | IMAP_FA_INTERNALDATE |
			    IMAP_FA_SIZE;
			return 0;
		}
		if (word_is(what->s, what->len, "FULL")) {
			f->items = IMAP_FA_FLAGS | IMAP_FA_INTERNALDATE |
			    IMAP_FA_SIZE | IMAP_FA_ENVELOPE | IMAP_FA_BODY;
			return 0;
		}
		return fetch_item(what, f);
	}
	/* A list holds items only: a macro inside one is a syntax error. */
	if (what->type != IMAP_V_LIST || what->n == 0)
		return -1;
	for (int i = 0; i < what->n; i++)
		if (fetch_item(&what->v[i], f) != 0)
			return -1;
	return 0;
}

/* One flag of STORE: a system flag, or a keyword we do not keep. */
static int
store_flag(const struct imap_val *v, int *flags)
{
	if (v->type != IMAP_V_ATOM)
		return -1;
	if (v->s[0] == '\\') {
		int bit = imap_flag_parse(v->s);

		/* \Recent is the server's to set (RFC 3501 2.3.2). */
		if (bit == 0 || bit == IMAP_FL_RECENT)
			return -1;
		*flags |= bit;
		return 0;
	}
	/* flag-keyword = atom: check it is one, then forget it. */
	for (size_t i = 0; i < v->len; i++)
		if (!astring_char((unsigned char)v->s[i]) || v->s[i] == ']')
			return -1;
	return 0;	/* RFC 3501 7.2.7: not in PERMANENTFLAGS, so ignored */
}

/*
 * store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
 *                   (flag-list / (flag *(SP flag)))      (RFC 3501 6.4.6)
 */
static int
parse_store(struct imap_cmd *c)
{
	const struct imap_val *a = c->args.v;
	const struct imap_val *item = &a[1];
	const char *s = item->s;
	size_t n = item->len;
	struct imap_store_req *st = &c->store;

	if (item->type != IMAP_V_ATOM)
		return -1;
	st->op = IMAP_STORE_SET;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		st->op = s[0] == '+' ? IMAP_STORE_ADD : IMAP_STORE_REMOVE;
		s++;
		n--;
	}
	if (n == 12 && word_is(s, n, "FLAGS.SILENT"))
		st->silent = 1;
	else if (!word_is(s, n, "FLAGS"))
		return -1;
	/* A flag list, or the flags one by one (RFC 3501 9, store-att-flags). */
	if (c->args.n == 3 && a[2].type == IMAP_V_LIST) {
		for (int i = 0; i < a[2].n; i++)
			if (store_flag(&a[2].v[i], &st->flags) != 0)
				return -1;
		return 0;
	}
	for (int i = 2; i < c->args.n; i++)
		if (store_flag(&a[i], &st->flags) != 0)
			return -1;
	return 0;
}

/* "(" status-att *(SP status-att) ")", each at most once in effect. */
static int
parse_status_items(const struct imap_val *v, int *out)
{
	static const struct {
		const char *name;
		int bit;
	} items[] = {
		{ "MESSAGES", IMAP_STATUS_MESSAGES }, { "RECENT", IMAP_STATUS_RECENT },
		{ "UIDNEXT", IMAP_STATUS_UIDNEXT },
		{ "UIDVALIDITY", IMAP_STATUS_UIDVALIDITY },
		{ "UNSEEN", IMAP_STATUS_UNSEEN },
	};

	if (v->type != IMAP_V_LIST || v->n == 0)
		return -1;
	for (int i = 0; i < v->n; i++) {
		size_t k;

		if (v->v[i].type != IMAP_V_ATOM)
			return -1;
		for (k = 0; k < sizeof items / sizeof *items; k++)
			if (word_is(v->v[i].s, v->v[i].len, items[k].name))
				break;
		if (k == sizeof items / sizeof *items)
			return -1;
		*out |= items[k].bit;
	}
	return 0;
}

/* ---- SEARCH keys (RFC 3501 6.4.4) ------------------------------------- */

/* Frees a key and the keys inside it; k itself is part of an array. */
static void
skey_free(struct imap_skey *k)
{
	for (int i = 0; i < k->nsub; i++)
		skey_free(&k->sub[i]);
	free(k->sub);
	imap_seqset_free(&k->set);
	free(k->field);
	free(k->text);
	memset(k, 0, sizeof *k);
}

/* A new, empty key inside parent (an AND, NOT or OR). */
static struct imap_skey *
skey_add(struct imap_skey *parent)
{
	parent->sub = xrealloc(parent->sub, (size_t)(parent->nsub + 1) *
	    sizeof *parent->sub);
	struct imap_skey *k = &parent->sub[parent->nsub++];
	memset(k, 0, sizeof *k);
	return k;
}

/* The string argument of a key: vals[*i], moved past. */
static int
skey_string(const struct imap_val *vals, int n, int *i, char **out,
    size_t *len)
{
	if (*i >= n || !imap_val_is_string(&vals[*i]))
		return -1;
	*out = xmalloc(vals[*i].len + 1);
	memcpy(*out, vals[*i].s, vals[*i].len + 1);
	if (len)
		*len = vals[*i].len;
	(*i)++;
	return 0;
}

/* The date keys of RFC 3501 6.4.4 and what each compares. */
struct skey_datekey {
	const char	*name;
	int		 cmp, sent;
};

static const struct skey_datekey *
skey_date_key(const char *s, size_t n)
{
	static const struct skey_datekey keys[] = {
		{ "BEFORE", -1, 0 }, { "ON", 0, 0 }, { "SINCE", 1, 0 },
		{ "SENTBEFORE", -1, 1 }, { "SENTON", 0, 1 },
		{ "SENTSINCE", 1, 1 },
	};

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (word_is(s, n, keys[k].name))
			return &keys[k];
	return NULL;
}

/*
 * date = date-text / DQUOTE date-text DQUOTE; date-text = date-day "-"
 * date-month "-" date-year, a day of 1 or 2 digits and a year of 4
 * (RFC 3501 9).  The quotes are gone already (a quoted string).
 */
static int
skey_date(const char *s, size_t n, int64_t *day)
{
	size_t k = 0;
	int d = 0, y = 0, m;

	while (k < n && k < 2 && s[k] >= '0' && s[k] <= '9')
		d = d * 10 + (s[k++] - '0');
	if (k == 0 || k == n || s[k] != '-' || d < 1 || d > 31)
		return -1;
	s += k + 1;
	n -= k + 1;
	if (n != 8 || s[3] != '-' || (m = mime_month(s, 3)) == 0)
		return -1;
	for (k = 4; k < 8; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		y = y * 10 + (s[k] - '0');
	}
	*day = mime_days_from_civil(y, m, d);
	return 0;
}

/*
 * One search-key (RFC 3501 6.4.4) from vals[*i], moving *i past it and
 * its arguments.  NOT and OR take whole keys, so this recurses; depth
 * bounds it.  Several keys side by side mean all of them (an AND).
 */
static int
skey_read(const struct imap_val *vals, int n, int *i, struct imap_skey *k,
    int depth, const char **err)
{
	static const struct {
		const char *name;
		int flag, neg;
	} flags[] = {
		{ "ANSWERED", IMAP_FL_ANSWERED, 0 }, { "DELETED", IMAP_FL_DELETED, 0 },
		{ "DRAFT", IMAP_FL_DRAFT, 0 }, { "FLAGGED", IMAP_FL_FLAGGED, 0 },
		{ "RECENT", IMAP_FL_RECENT, 0 }, { "SEEN", IMAP_FL_SEEN, 0 },
		{ "UNANSWERED", IMAP_FL_ANSWERED, 1 },
		{ "UNDELETED", IMAP_FL_DELETED, 1 }, { "UNDRAFT", IMAP_FL_DRAFT, 1 },
		{ "UNFLAGGED", IMAP_FL_FLAGGED, 1 }, { "UNSEEN", IMAP_FL_SEEN, 1 },
	};
	static const struct {
		const char *key, *field;
	} headers[] = {
		{ "FROM", "From" }, { "TO", "To" }, { "CC", "Cc" },
		{ "BCC", "Bcc" }, { "SUBJECT", "Subject" },
	};

	if (depth > 2 * IMAP_DEPTH_MAX) {
		*err = "search keys nested too deep";
		return -1;
	}
	if (*i >= n) {
		*err = "a search key is missing";
		return -1;
	}
	const struct imap_val *v = &vals[(*i)++];
	const struct skey_datekey *date;
	if (v->type == IMAP_V_LIST) {
		/* "(" search-key *(SP search-key) ")": all of them. */
		int j = 0;

		k->kind = IMAP_SK_AND;
		if (v->n == 0) {
			*err = "empty search list";
			return -1;
		}
		while (j < v->n)
			if (skey_read(v->v, v->n, &j, skey_add(k), depth + 1,
			    err) != 0)
				return -1;
		return 0;
	}
	if (v->type != IMAP_V_ATOM) {
		*err = "expected a search key";
		return -1;
	}
	for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
		if (word_is(v->s, v->len, flags[f].name)) {
			k->kind = IMAP_SK_FLAG;
			k->flag = flags[f].flag;
			k->neg = flags[f].neg;
			return 0;
		}
	/* FROM x is HEADER From x, and so on (6.4.4). */
	for (size_t h = 0; h < sizeof headers / sizeof *headers; h++)
		if (word_is(v->s, v->len, headers[h].key)) {
			k->kind = IMAP_SK_HEADER;
			k->field = xstrdup(headers[h].field);
			if (skey_string(vals, n, i, &k->text, &k->textlen) != 0)
				goto missing;
			return 0;
		}
	if (word_is(v->s, v->len, "ALL")) {
		k->kind = IMAP_SK_ALL;
	} else if (word_is(v->s, v->len, "NEW")) {
		k->kind = IMAP_SK_NEW;
	} else if (word_is(v->s, v->len, "OLD")) {
		k->kind = IMAP_SK_OLD;
	} else if (word_is(v->s, v->len, "NOT")) {
		k->kind = IMAP_SK_NOT;
		return skey_read(vals, n, i, skey_add(k), depth + 1, err);
	} else if (word_is(v->s, v->len, "OR")) {
		k->kind = IMAP_SK_OR;
		if (skey_read(vals, n, i, skey_add(k), depth + 1, err) != 0)
			return -1;
		return skey_read(vals, n, i, skey_add(k), depth + 1, err);
	} else if (word_is(v->s, v->len, "LARGER") ||
	    word_is(v->s, v->len, "SMALLER")) {
		k->kind = upper((unsigned char)v->s[0]) == 'L' ? IMAP_SK_LARGER :
		    IMAP_SK_SMALLER;
		if (*i >= n || !imap_val_number(&vals[*i], &k->n))
			goto missing;
		(*i)++;
	} else if (word_is(v->s, v->len, "UID")) {
		k->kind = IMAP_SK_UID;
		if (*i >= n || vals[*i].type != IMAP_V_ATOM ||
		    imap_seqset_parse(vals[*i].s, vals[*i].len, &k->set) != 0)
			goto missing;
		(*i)++;
	} else if (word_is(v->s, v->len, "HEADER")) {
		k->kind = IMAP_SK_HEADER;
		if (skey_string(vals, n, i, &k->field, NULL) != 0 ||
		    skey_string(vals, n, i, &k->text, &k->textlen) != 0)
			goto missing;
	} else if (word_is(v->s, v->len, "BODY") ||
	    word_is(v->s, v->len, "TEXT")) {
		k->kind = upper((unsigned char)v->s[0]) == 'B' ? IMAP_SK_BODY :
		    IMAP_SK_TEXT;
		if (skey_string(vals, n, i, &k->text, &k->textlen) != 0)
			goto missing;
	} else if (word_is(v->s, v->len, "KEYWORD") ||
	    word_is(v->s, v->len, "UNKEYWORD")) {
		/* We keep no keywords: KEYWORD x matches nothing, UNKEYWORD all. */
		if (*i >= n || vals[*i].type != IMAP_V_ATOM)
			goto missing;
		(*i)++;
		if (upper((unsigned char)v->s[0]) == 'K') {
			k->kind = IMAP_SK_NOT;
			skey_add(k)->kind = IMAP_SK_ALL;
		} else
			k->kind = IMAP_SK_ALL;
	} else if ((date = skey_date_key(v->s, v->len)) != NULL) {
		/*
		 * RFC 3501 6.4.4: BEFORE, ON and SINCE compare the internal
		 * date, SENTBEFORE, SENTON and SENTSINCE the Date: header,
		 * both "disregarding time and timezone".
		 */
		k->kind = IMAP_SK_DATE;
		k->sent = date->sent;
		k->cmp = date->cmp;
		if (*i >= n || !imap_val_is_string(&vals[*i]) ||
		    skey_date(vals[*i].s, vals[*i].len, &k->day) != 0) {
			*err = "a date key needs a date such as 1-Feb-2026";
			return -1;
		}
		(*i)++;
	} else if (imap_seqset_parse(v->s, v->len, &k->set) == 0) {
		/* A bare sequence set is a key too: "SEARCH 1:5 UNSEEN". */
		k->kind = IMAP_SK_SEQ;
	} else {
		*err = "unknown or unsupported search key";
		return -1;
	}
	return 0;
missing:
	*err = "a search key lacks its argument";
	return -1;
}

/* SEARCH [CHARSET astring SP] search-key *(SP search-key) */
static int
parse_search(struct imap_cmd *c)
{
	const struct imap_val *a = c->args.v;
	int i = 0;

	c->search.kind = IMAP_SK_AND;
	if (c->args.n >= 2 && a[0].type == IMAP_V_ATOM &&
	    word_is(a[0].s, a[0].len, "CHARSET")) {
		if (!imap_val_is_string(&a[1])) {
			c->error = "CHARSET needs the name of a charset";
			return -1;
		}
		/*
		 * RFC 3501 6.4.4: "If the server does not support the
		 * specified [CHARSET], it MUST return a tagged NO response
		 * (not a BAD)."  We know the two every server must
		 * (US-ASCII and UTF-8); the keys are still read, so that a
		 * command that is wrong anyway gets its BAD.
		 */
		if (!word_is(a[1].s, a[1].len, "US-ASCII") &&
		    !word_is(a[1].s, a[1].len, "UTF-8"))
			c->badcharset = 1;
		i = 2;
	}
	if (i >= c->args.n) {
		c->error = "SEARCH needs at least one key";
		return -1;
	}
	while (i < c->args.n)
		if (skey_read(a, c->args.n, &i, skey_add(&c->search), 0,
		    &c->error) != 0)
			return -1;
	return 0;
}

/* What the arguments of each command mean (RFC 3501 section 6). */
static int
interpret(struct imap_cmd *c)
{
	const struct imap_val *a = c->args.v;
	int n = c->args.n;

	switch (c->verb) {
	case IMAP_CAPABILITY:
	case IMAP_NOOP:
	case IMAP_LOGOUT:
	case IMAP_STARTTLS:
	case IMAP_CHECK:
	case IMAP_CLOSE:
	case IMAP_EXPUNGE:
		if (n != 0) {
			c->error = "this command takes no arguments";
			return -1;
		}
		return 0;
	case IMAP_LOGIN:
		/* 6.2.3: LOGIN SP userid SP password, both astrings. */
		if (n != 2 || !imap_val_is_string(&a[0]) ||
		    !imap_val_is_string(&a[1])) {
			c->error = "expected LOGIN user password";
			return -1;
		}
		c->user = &a[0];
		c->pass = &a[1];
		return 0;
	case IMAP_AUTHENTICATE:
		/* 6.2.2, with RFC 4959's initial response allowed. */
		if (n < 1 || n > 2 || a[0].type != IMAP_V_ATOM ||
		    (n == 2 && !imap_val_is_string(&a[1]))) {
			c->error = "expected AUTHENTICATE mechanism";
			return -1;
		}
		c->mech = &a[0];
		c->initial = n == 2 ? &a[1] : NULL;
		return 0;
	case IMAP_SELECT:
	case IMAP_EXAMINE:
	case IMAP_CREATE:
	case IMAP_DELETE:
	case IMAP_SUBSCRIBE:
	case IMAP_UNSUBSCRIBE:
		/* 6.3.1-6.3.7: one mailbox name. */
		if (n != 1 || !imap_val_is_string(&a[0])) {
			c->error = "expected one mailbox name";
			return -1;
		}
		c->mailbox = &a[0];
		return 0;
	case IMAP_RENAME:
	case IMAP_LIST:
	case IMAP_LSUB:
		/* 6.3.5, 6.3.8, 6.3.9: two names (old and new, or reference and pattern). */
		if (n != 2 || !imap_val_is_string(&a[0]) ||
		    !imap_val_is_string(&a[1])) {
			c->error = "expected two mailbox names";
			return -1;
		}
		c->mailbox = &a[0];
		c->mailbox2 = &a[1];
		return 0;
	case IMAP_STATUS:
		if (n != 2 || !imap_val_is_string(&a[0]) ||
		    parse_status_items(&a[1], &c->status) != 0) {
			c->error = "expected STATUS mailbox (items)";
			return -1;
		}
		c->mailbox = &a[0];
		return 0;
	case IMAP_APPEND:
		/* mailbox [flag-list] [date-time] literal */
		if (n < 2 || n > 4 || !imap_val_is_string(&a[0]) ||
		    (a[n - 1].type != IMAP_V_LITERAL &&
		    a[n - 1].type != IMAP_V_QUOTED)) {
			c->error = "expected APPEND mailbox message";
			return -1;
		}
		c->mailbox = &a[0];
		return 0;
	case IMAP_FETCH:
	case IMAP_STORE:
	case IMAP_COPY:
		/* 6.4.5-6.4.7: a sequence set first, then what to do. */
		if (n < 2 || a[0].type != IMAP_V_ATOM ||
		    imap_seqset_parse(a[0].s, a[0].len, &c->set) != 0) {
			c->error = "expected a sequence set";
			return -1;
		}
		if (c->verb == IMAP_FETCH) {
			if (n != 2 || parse_fetch(&a[1], &c->fetch) != 0) {
				c->error = "invalid FETCH items";
				return -1;
			}
		} else if (c->verb == IMAP_STORE) {
			if (n < 3 || parse_store(c) != 0) {
				c->error = "expected STORE set [+|-]FLAGS[.SILENT] "
				    "(flags)";
				return -1;
			}
		} else {
			if (n != 2 || !imap_val_is_string(&a[1])) {
				c->error = "expected COPY set mailbox";
				return -1;
			}
			c->mailbox = &a[1];
		}
		return 0;
	case IMAP_SEARCH:
		return parse_search(c);
	default:
		break;
	}
	c->error = "unknown command";
	return -1;
}

/* A word of letters (command names, status words), as far as it goes. */
/* A word of atom characters (command names, status words), up to a "[". */
static size_t
read_word(struct cur *c)
{
	size_t start = c->i;

	while (c->i < c->n && atom_char(c->p[c->i]) && c->p[c->i] != '[')
		c->i++;
	return c->i - start;
}

/*
 * command = tag SP (command-any / command-auth / command-nonauth /
 *           command-select) CRLF                       (RFC 3501 9)
 * The tag is read first, so that every error but a missing tag can be
 * answered with it; then the name, the arguments, and what they mean.
 */
int
imap_parse_command(const uint8_t *p, size_t n, struct imap_cmd *c)
{
	struct cur cu = { p, n, 0, NULL, 0, IMAP_DEPTH_MAX };
	size_t t = 0;

	memset(c, 0, sizeof *c);
	c->args.type = IMAP_V_LIST;
	c->search.kind = IMAP_SK_AND;
	while (t < n && tag_char(p[t]))
		t++;
	if (t == 0 || t > IMAP_TAG_MAX || (t < n && p[t] != ' ' &&
	    p[t] != '\r' && p[t] != '\n')) {
		strcpy(c->tag, "*");
		c->error = "no valid tag";
		return IMAP_PARSE_NOTAG;
	}
	memcpy(c->tag, p, t);
	c->tag[t] = '\0';
	cu.i = t;
	if (cur_peek(&cu) != ' ') {
		c->error = "missing command";
		return IMAP_PARSE_SYNTAX;
	}
	cu.i++;
	const char *name = (const char *)p + cu.i;
	size_t nl = read_word(&cu);
	if (word_is(name, nl, "UID")) {
		/* RFC 3501 6.4.8: UID COPY, FETCH, SEARCH and STORE. */
		if (cur_peek(&cu) != ' ') {
			c->error = "missing command after UID";
			return IMAP_PARSE_SYNTAX;
		}
		cu.i++;
		name = (const char *)p + cu.i;
		nl = read_word(&cu);
		c->uid = 1;
	}
	int v;
	for (v = 0; v < IMAP_NVERBS; v++)
		if (word_is(name, nl, verb_names[v]))
			break;
	if (v == IMAP_NVERBS || (c->uid && v != IMAP_FETCH &&
	    v != IMAP_STORE && v != IMAP_SEARCH && v != IMAP_COPY)) {
		c->error = "unknown command";
		return IMAP_PARSE_UNKNOWN;
	}
	c->verb = (enum imap_verb)v;
	/* The same reader for every command; interpret() then checks the shapes. */
	if (read_values(&cu, &c->args) != 0) {
		c->error = cu.err;
		return IMAP_PARSE_SYNTAX;
	}
	if (interpret(c) != 0)
		return IMAP_PARSE_SYNTAX;
	return IMAP_PARSE_OK;
}

/* Frees what the parser allocated; safe on a command that failed to parse. */
void
imap_cmd_free(struct imap_cmd *c)
{
	imap_val_free(&c->args);
	imap_seqset_free(&c->set);
	for (int i = 0; i < c->fetch.nsect; i++)
		section_free(&c->fetch.sect[i]);
	free(c->fetch.sect);
	c->fetch.sect = NULL;
	c->fetch.nsect = 0;
	skey_free(&c->search);
}

/* ---- responses ------------------------------------------------------- */

/* resp-text = ["[" resp-text-code "]" SP] text; up to the line end. */
static int
read_resp_text(struct cur *c, struct imap_resp *r)
{
	size_t end = c->n;

	/* The text runs to the CRLF; nothing may follow it. */
	if (end > c->i && c->p[end - 1] == '\n')
		end--;
	if (end > c->i && c->p[end - 1] == '\r')
		end--;
	for (size_t k = c->i; k < end; k++)
		if (c->p[k] == '\r' || c->p[k] == '\n' || c->p[k] == '\0')
			return -1;
	if (cur_peek(c) == ' ')
		c->i++;
	if (c->i < end && c->p[c->i] == '[') {
		const uint8_t *rb = memchr(c->p + c->i, ']', end - c->i);

		if (rb == NULL)
			return -1;
		r->code = xstrndup((const char *)c->p + c->i + 1,
		    (size_t)(rb - (c->p + c->i) - 1));
		c->i = (size_t)(rb - c->p) + 1;
		if (c->i < end && c->p[c->i] == ' ')
			c->i++;
	}
	r->text = xstrndup((const char *)c->p + c->i, end - c->i);
	c->i = c->n;
	return 0;
}

/*
 * response = *(continue-req / response-data) response-done  (RFC 3501 9)
 * Each call reads one of them: "+ ...", "* ..." or "tag OK|NO|BAD ...".
 * Untagged data is "* [number SP] name [SP values]"; a status response
 * carries a text, and maybe a response code in brackets (7.1).
 */
int
imap_parse_response(const uint8_t *p, size_t n, struct imap_resp *r)
{
	static const struct {
		const char *name;
		enum imap_status st;
	} status[] = {
		{ "OK", IMAP_ST_OK }, { "NO", IMAP_ST_NO }, { "BAD", IMAP_ST_BAD },
		{ "PREAUTH", IMAP_ST_PREAUTH }, { "BYE", IMAP_ST_BYE },
	};
	struct cur cu = { p, n, 0, NULL, 0, IMAP_RESP_DEPTH_MAX };

	memset(r, 0, sizeof *r);
	r->data.type = IMAP_V_LIST;
	if (n >= 1 && p[0] == '+') {
		/* continue-req = "+" SP (resp-text / base64) CRLF */
		r->kind = IMAP_RESP_CONT;
		cu.i = 1;
		return read_resp_text(&cu, r);
	}
	if (n >= 2 && p[0] == '*' && p[1] == ' ') {
		r->kind = IMAP_RESP_UNTAGGED;
		strcpy(r->tag, "*");
		cu.i = 2;
	} else {
		size_t t = 0;

		while (t < n && tag_char(p[t]))
			t++;
		if (t == 0 || t > IMAP_TAG_MAX || t >= n || p[t] != ' ')
			return -1;
		r->kind = IMAP_RESP_TAGGED;
		memcpy(r->tag, p, t);
		r->tag[t] = '\0';
		cu.i = t + 1;
	}
	const char *w = (const char *)p + cu.i;
	size_t wl = read_word(&cu);
	if (r->kind == IMAP_RESP_UNTAGGED && wl > 0 && is_digit((unsigned char)w[0])) {
		/* "* 3 EXISTS", "* 1 FETCH (...)": a number, then the name. */
		if (parse_u32(w, wl, 0, &r->num) != 0 || cur_peek(&cu) != ' ')
			return -1;
		r->has_num = 1;
		cu.i++;
		w = (const char *)p + cu.i;
		wl = read_word(&cu);
	}
	if (wl == 0 || wl >= sizeof r->name)
		return -1;
	for (size_t k = 0; k < wl; k++)
		r->name[k] = (char)upper((unsigned char)w[k]);
	r->name[wl] = '\0';
	/* Tagged responses are OK, NO or BAD; PREAUTH and BYE are untagged. */
	for (size_t k = 0; k < sizeof status / sizeof *status; k++)
		if (strcmp(r->name, status[k].name) == 0) {
			if (r->has_num || (r->kind == IMAP_RESP_TAGGED &&
			    status[k].st > IMAP_ST_BAD))
				return -1;
			r->status = status[k].st;
			return read_resp_text(&cu, r);
		}
	if (r->kind == IMAP_RESP_TAGGED)
		return -1;
	/* Data.  Some servers end "* SEARCH" with a space: allow it. */
	if (cur_peek(&cu) == ' ') {
		struct cur t = cu;

		t.i++;
		if (cur_at_end(&t))
			return 0;
	}
	return read_values(&cu, &r->data) != 0 ? -1 : 0;
}

void
imap_resp_free(struct imap_resp *r)
{
	free(r->code);
	free(r->text);
	r->code = r->text = NULL;
	imap_val_free(&r->data);
}

/* "[UIDVALIDITY 1000]" and the like: a name, a space, a number. */
int
imap_resp_code_num(const struct imap_resp *r, const char *name,
    uint32_t *out)
{
	size_t k = strlen(name);

	if (r->code == NULL || strlen(r->code) <= k + 1 || r->code[k] != ' ' ||
	    !word_is(r->code, k, name))
		return 0;
	const char *num = r->code + k + 1;
	return parse_u32(num, strlen(num), 0, out) == 0;
}

/* ---- writing ---------------------------------------------------------- */

/*
 * RFC 3501 4.3: a string is sent quoted or as a literal; where the
 * grammar says astring, an atom will do too.  The simplest form wins:
 * it is what a person reads most easily in the transcript.
 */
enum imap_quote
imap_quote_kind(const void *vp, size_t n, int atom_ok)
{
	const uint8_t *p = vp;
	int atom = atom_ok && n > 0, quoted = n <= IMAP_QUOTED_MAX;

	for (size_t i = 0; i < n; i++) {
		/* QUOTED-CHAR: 7-bit TEXT-CHAR, so no NUL, CR, LF, 8-bit. */
		if (p[i] == 0 || p[i] == '\r' || p[i] == '\n' || p[i] >= 0x80)
			quoted = 0;
		/* "[" would open a section in our reader's atoms: quote it. */
		if (!astring_char(p[i]) || p[i] == '[')
			atom = 0;
	}
	/* "NIL" as an atom would read as no string at all where nstring is allowed. */
	if (atom && n == 3 && word_is((const char *)p, 3, "NIL"))
		atom = 0;
	return atom ? IMAP_Q_ATOM : quoted ? IMAP_Q_QUOTED : IMAP_Q_LITERAL;
}

void
imap_put_string(struct buf *out, const void *vp, size_t n, int atom_ok)
{
	const uint8_t *p = vp;

	switch (imap_quote_kind(p, n, atom_ok)) {
	case IMAP_Q_ATOM:
		buf_append(out, p, n);
		break;
	case IMAP_Q_QUOTED:
		/* The two quoted-specials are escaped; nothing else may be. */
		buf_putc(out, '"');
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"' || p[i] == '\\')
				buf_putc(out, '\\');
			buf_putc(out, p[i]);
		}
		buf_putc(out, '"');
		break;
	case IMAP_Q_LITERAL:
		/* A server's literal needs no "+"; a client's does (see imap_client.c). */
		buf_printf(out, "{%zu}\r\n", n);
		buf_append(out, p, n);
		break;
	}
}

void
imap_put_nstring(struct buf *out, const char *s)
{
	if (s == NULL)
		buf_puts(out, "NIL");
	else
		imap_put_string(out, s, strlen(s), 0);
}

/*
 * What the literal at p[lit] carries, from the item name before it:
 * BODY[] and RFC822 are the message, BODY[HEADER] its header...
 */
static const char *
literal_what(const uint8_t *p, size_t lit)
{
	size_t k = lit;

	if (k > 0 && p[k - 1] == ' ')
		k--;
	if (k > 0 && p[k - 1] == '>') {		/* a partial: <origin> */
		while (k > 0 && p[k - 1] != '<')
			k--;
		if (k > 0)
			k--;
	}
	size_t send = k, sstart = k;
	if (k > 0 && p[k - 1] == ']') {
		while (k > 0 && p[k - 1] != '[')
			k--;
		if (k == 0)
			return NULL;
		sstart = k;
		send--;
		k--;
	}
	size_t nend = k;
	while (k > 0 && (p[k - 1] == '.' || is_digit(p[k - 1]) ||
	    (upper(p[k - 1]) >= 'A' && upper(p[k - 1]) <= 'Z')))
		k--;
	const char *name = (const char *)p + k;
	size_t nl = nend - k;
	const char *sect = (const char *)p + sstart;
	size_t sl = send > sstart ? send - sstart : 0;

	/* RFC822, RFC822.HEADER and RFC822.TEXT are the old names (6.4.5). */
	if (word_is(name, nl, "RFC822"))
		return "message";
	if (word_is(name, nl, "RFC822.HEADER"))
		return "header";
	if (word_is(name, nl, "RFC822.TEXT"))
		return "text";
	if (!word_is(name, nl, "BODY") && !word_is(name, nl, "BODY.PEEK"))
		return NULL;
	/* BODY[] is everything; otherwise the last word of the section says. */
	if (sl == 0)
		return "message";
	if (sl >= 4 && word_is(sect + sl - 4, 4, "TEXT"))
		return "text";
	if (sl >= 4 && word_is(sect + sl - 4, 4, "MIME"))
		return "MIME header";
	if (memchr(sect, 'H', sl) || memchr(sect, 'h', sl))
		return "header";
	return "part";
}

void
imap_shown(const uint8_t *p, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		uint8_t ch = p[i];

		if (ch == '{') {
			/* "{N}" CRLF and N octets: shown as "{N}" and a summary. */
			size_t j = i + 1;
			uint64_t v = 0;
			int digits = 0;

			while (j < n && is_digit(p[j]) && digits < 11) {
				v = v * 10 + (uint64_t)(p[j++] - '0');
				digits++;
			}
			if (j < n && p[j] == '+')
				j++;
			if (digits > 0 && j < n && p[j] == '}') {
				size_t k = j + 1;

				if (k < n && p[k] == '\r')
					k++;
				if (k < n && p[k] == '\n' && v <= n - k - 1) {
					const char *what = literal_what(p, i);

					buf_printf(out, "{%llu} (", (unsigned long long)v);
					if (what)
						buf_printf(out, "%s of ", what);
					buf_printf(out, "%llu byte%s)",
					    (unsigned long long)v, v == 1 ? "" : "s");
					i = k + 1 + (size_t)v;
					continue;
				}
			}
		}
		if (ch == '\r' || ch == '\n') {
			/* The final CRLF goes; any other line break reads as a space. */
			size_t k = i;
			while (k < n && (p[k] == '\r' || p[k] == '\n'))
				k++;
			if (k == n)
				break;
			buf_putc(out, ' ');
			i = k;
			continue;
		}
		buf_putc(out, ch >= 0x20 && ch < 0x7f ? ch : '?');
		i++;
	}
	if (out->data == NULL)
		buf_puts(out, "");
}
