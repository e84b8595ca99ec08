/*
 * pop3_wire.c: the POP3 codec.  See pop3_wire.h.
 *
 * RFC 1939 3 gives the shape of everything here: a command is a keyword
 * of three or four characters, case-insensitive, then arguments
 * separated by single spaces; a reply starts with a status indicator,
 * "+OK" or "-ERR", in upper case, then text.  A multi-line reply ends
 * with a line holding only ".", so a line of the body that starts with
 * "." gets one more (byte-stuffing, the same idea as SMTP's DATA).
 * RFC 2449 4 sets the line limits and 8 the response codes in brackets
 * ("-ERR [IN-USE] ..."); RFC 3206 adds [AUTH].
 */
#include "pop3_wire.h"

#include <ctype.h>
#include <string.h>

/* What each command takes: its numeric arguments, or one string. */
static const struct {
	const char	*name;
	int		 min, max;	/* numeric arguments */
	int		 string;	/* USER, PASS: exactly one string */
	int		 unsupported;	/* known, but this server offers it not */
} verbs[POP3_NVERBS] = {
	[POP3_USER] = { "USER", 0, 0, 1, 0 },
	[POP3_PASS] = { "PASS", 0, 0, 1, 0 },
	[POP3_QUIT] = { "QUIT", 0, 0, 0, 0 },
	[POP3_STAT] = { "STAT", 0, 0, 0, 0 },
	[POP3_LIST] = { "LIST", 0, 1, 0, 0 },
	[POP3_RETR] = { "RETR", 1, 1, 0, 0 },
	[POP3_DELE] = { "DELE", 1, 1, 0, 0 },
	[POP3_NOOP] = { "NOOP", 0, 0, 0, 0 },
	[POP3_RSET] = { "RSET", 0, 0, 0, 0 },
	[POP3_TOP] = { "TOP", 2, 2, 0, 0 },
	[POP3_UIDL] = { "UIDL", 0, 1, 0, 0 },
	[POP3_CAPA] = { "CAPA", 0, 0, 0, 0 },
	[POP3_APOP] = { "APOP", 0, 0, 0, 1 },
	[POP3_AUTH] = { "AUTH", 0, 0, 0, 1 },
};

const char *
pop3_verb_str(enum pop3_verb v)
{
	return (unsigned)v < POP3_NVERBS ? verbs[v].name : "?";
}

/* Decimal digits only, no sign, no overflow past max. */
static int
parse_num(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(p[i] - '0');
		/* Checked before it happens, so that no value wraps around. */
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The keyword at the start of the line (before the first space), or POP3_UNKNOWN. */
static enum pop3_verb
find_verb(const char *line, size_t k)
{
	/* RFC 1939 3: "Keywords are three or four characters long". */
	if (k < 3 || k > 4)
		return POP3_UNKNOWN;
	for (int v = 0; v < POP3_NVERBS; v++) {
		if (strlen(verbs[v].name) != k)
			continue;
		size_t i = 0;
		while (i < k && toupper((unsigned char)line[i]) == verbs[v].name[i])
			i++;
		if (i == k)
			return (enum pop3_verb)v;
	}
	return POP3_UNKNOWN;
}

/* USER name, PASS secret: one string argument after a single space. */
static int
parse_string_arg(enum pop3_verb v, const char *p, const char *end,
    struct pop3_cmd *c)
{
	if (p == end || *p != ' ')
		return POP3_PARSE_SYNTAX;
	/*
	 * "PASS " with nothing after the space is an empty password, the
	 * only way POP3 can write one (RFC 1939 3: "keywords and arguments
	 * are ... separated by a single SPACE character"); IMAP writes it
	 * LOGIN user "" (RFC 3501 9, astring), and an account whose
	 * password is empty logs in over both the same way.  A user name
	 * is never empty.
	 */
	if (p + 1 == end && v != POP3_PASS)
		return POP3_PARSE_SYNTAX;
	p++;
	size_t n = (size_t)(end - p);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		/* No control characters (a NUL would cut the C string short). */
		if (ch < 0x20 || ch == 0x7f)
			return POP3_PARSE_SYNTAX;
		/*
		 * RFC 1939 7 (PASS): "a POP3 server may treat spaces in the
		 * argument as part of the password", so only USER refuses them.
		 */
		if (ch == ' ' && v == POP3_USER)
			return POP3_PARSE_SYNTAX;
	}
	if (n > POP3_ARG_MAX)
		return POP3_PARSE_ARG_TOO_LONG;
	memcpy(c->arg, p, n);
	c->arg[n] = '\0';
	return POP3_PARSE_OK;
}

int
pop3_parse_command(const char *line, size_t len, struct pop3_cmd *c)
{
	memset(c, 0, sizeof *c);
	c->verb = POP3_UNKNOWN;
	/* RFC 2449 4: a command line is at most 255 octets with its CRLF. */
	if (len > POP3_CMD_MAX - 2)
		return POP3_PARSE_TOO_LONG;

	size_t k = 0;
	while (k < len && line[k] != ' ')
		k++;
	enum pop3_verb v = find_verb(line, k);
	if (v == POP3_UNKNOWN)
		return POP3_PARSE_UNKNOWN;
	c->verb = v;
	if (verbs[v].unsupported)
		return POP3_PARSE_UNSUPPORTED;

	const char *p = line + k, *end = line + len;
	if (verbs[v].string)
		return parse_string_arg(v, p, end, c);

	/*
	 * Numeric arguments.  RFC 1939 asks for single spaces; a client
	 * that sends two, or a space at the end, is forgiven (be liberal in
	 * what you accept, RFC 1122 1.2.2).
	 */
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		const char *a = p;
		while (p < end && *p != ' ')
			p++;
		size_t an = (size_t)(p - a);
		uint64_t val;

		if (c->nnum == verbs[v].max)
			return POP3_PARSE_SYNTAX;	/* one argument too many */
		if (an > POP3_ARG_MAX)
			return POP3_PARSE_ARG_TOO_LONG;
		if (parse_num(a, an, UINT32_MAX, &val) != 0)
			return POP3_PARSE_SYNTAX;
		if (c->nnum == 0)
			c->n = (uint32_t)val;
		else
			c->m = (uint32_t)val;
		c->nnum++;
	}
	if (c->nnum < verbs[v].min)
		return POP3_PARSE_SYNTAX;
	return POP3_PARSE_OK;
}

void
pop3_status(struct buf *out, int ok, const char *text)
{
	buf_puts(out, ok ? "+OK" : "-ERR");
	if (text && *text) {
		buf_putc(out, ' ');
		buf_puts(out, text);
	}
	buf_puts(out, "\r\n");
}

int
pop3_parse_status(const char *line, size_t len, struct pop3_reply *r)
{
	size_t k;

	memset(r, 0, sizeof *r);
	/* RFC 1939 3: "status indicators are in upper case". */
	if (len >= 3 && memcmp(line, "+OK", 3) == 0) {
		r->ok = 1;
		k = 3;
	} else if (len >= 4 && memcmp(line, "-ERR", 4) == 0) {
		k = 4;
	} else
		return -1;
	/* "+OKAY" is no status line: the indicator ends the line or a space follows. */
	if (k < len && line[k] != ' ')
		return -1;
	if (k < len)
		k++;
	r->text = line + k;
	r->textlen = len - k;

	/* RFC 2449 8: an optional response code in brackets opens the text. */
	if (r->textlen > 1 && r->text[0] == '[') {
		const char *close = memchr(r->text, ']', r->textlen);
		size_t cn = close ? (size_t)(close - r->text) - 1 : 0;
		int clean = cn > 0 && cn <= POP3_CODE_MAX;

		for (size_t i = 0; clean && i < cn; i++) {
			unsigned char ch = (unsigned char)r->text[1 + i];
			clean = ch > 0x20 && ch < 0x7f;
		}
		if (clean) {
			memcpy(r->code, r->text + 1, cn);
			r->code[cn] = '\0';
		}
	}
	return 0;
}

/* The next space-separated token of [*p, end): its start and length. */
static size_t
token(const char **p, const char *end, const char **start)
{
	const char *q = *p;

	*start = q;
	while (q < end && *q != ' ')
		q++;
	*p = q;
	return (size_t)(q - *start);
}

int
pop3_parse_stat(const char *text, size_t len, uint32_t *count, uint64_t *size)
{
	const char *p = text, *end = text + len, *t;
	uint64_t c, sz;
	size_t n;

	/* RFC 1939 5: "+OK nn mm"; "no requirement on what follows" mm. */
	n = token(&p, end, &t);
	if (parse_num(t, n, UINT32_MAX, &c) != 0 || p == end || *p != ' ')
		return -1;
	p++;
	n = token(&p, end, &t);
	if (parse_num(t, n, UINT64_MAX, &sz) != 0)
		return -1;
	*count = (uint32_t)c;
	*size = sz;
	return 0;
}

int
pop3_parse_listing(const char *line, size_t len, uint32_t *num,
    char val[POP3_UID_MAX + 1])
{
	const char *p = line, *end = line + len, *t;
	uint64_t v;
	size_t n;

	/* RFC 1939 5 (LIST) and 7 (UIDL): "msg SP value", more may follow. */
	n = token(&p, end, &t);
	if (parse_num(t, n, UINT32_MAX, &v) != 0 || p == end || *p != ' ')
		return -1;
	p++;
	n = token(&p, end, &t);
	if (n == 0 || n > POP3_UID_MAX)
		return -1;
	/* A unique-id is printable ASCII without space (RFC 1939 7). */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e)
			return -1;
	memcpy(val, t, n);
	val[n] = '\0';
	*num = (uint32_t)v;
	return 0;
}

void
pop3_stuff(const uint8_t *p, size_t n, struct buf *out)
{
	size_t i = 0;

	buf_reserve(out, n + n / 64 + 8);
	while (i < n) {
		const uint8_t *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n;
		size_t len = end - i;

		if (lf && len > 0 && p[end - 1] == '\r')
			len--;		/* the CR of a CRLF */
		/*
		 * RFC 1939 3: "If any line of the multi-line response begins
		 * with the termination octet, the line is 'byte-stuffed' by
		 * pre-pending the termination octet to that line".
		 */
		if (len > 0 && p[i] == '.')
			buf_putc(out, '.');
		buf_append(out, p + i, len);
		buf_puts(out, "\r\n");
		i = lf ? end + 1 : n;
	}
	/* "...the termination octet followed by CRLF" ends the reply. */
	buf_puts(out, ".\r\n");
}

int
pop3_unstuff_line(const char *line, size_t len, struct buf *out)
{
	/* RFC 1939 3: the line "." alone ends the response... */
	if (len == 1 && line[0] == '.')
		return 1;
	/* ...any other line starting with "." loses that first octet. */
	if (len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	buf_append(out, line, len);
	buf_puts(out, "\r\n");
	return 0;
}

size_t
pop3_top_len(const uint8_t *msg, size_t len, uint32_t lines)
{
	size_t i = 0;

	/* The header, up to and with the empty line that ends it (RFC 5322 2.1). */
	for (;;) {
		if (i >= len)
			return len;	/* no body at all: the whole message is header */
		const uint8_t *lf = memchr(msg + i, '\n', len - i);
		size_t end = lf ? (size_t)(lf - msg) : len;
		size_t n = end - i;

		if (n > 0 && msg[end - 1] == '\r')
			n--;
		i = lf ? end + 1 : len;
		if (n == 0)
			break;
	}
	/* Then `lines` lines of the body, or as many as there are. */
	while (lines > 0 && i < len) {
		const uint8_t *lf = memchr(msg + i, '\n', len - i);

		i = lf ? (size_t)(lf - msg) + 1 : len;
		lines--;
	}
	return i;
}
