/*
 * smtp_wire.c: the SMTP/LMTP codec.  See smtp_wire.h.
 *
 * RFC 5321 4.1.1 gives the commands; 4.1.2 the syntax of paths and
 * mailboxes; 4.2 the replies (three digits, a hyphen on every line of a
 * multi-line reply but the last); 4.5.2 transparency (dot-stuffing).
 * RFC 2034 adds the enhanced status codes, RFC 1870 SIZE, RFC 6152
 * 8BITMIME, RFC 4954 AUTH, RFC 2033 LHLO.
 */
#include "smtp_wire.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *verbs[SMTP_NVERBS] = {
	[SMTP_EHLO] = "EHLO", [SMTP_HELO] = "HELO", [SMTP_LHLO] = "LHLO",
	[SMTP_MAIL] = "MAIL", [SMTP_RCPT] = "RCPT", [SMTP_DATA] = "DATA",
	[SMTP_RSET] = "RSET", [SMTP_NOOP] = "NOOP", [SMTP_QUIT] = "QUIT",
	[SMTP_VRFY] = "VRFY", [SMTP_HELP] = "HELP", [SMTP_AUTH] = "AUTH",
};

const char *
smtp_verb_str(enum smtp_verb v)
{
	return (unsigned)v < SMTP_NVERBS ? verbs[v] : "?";
}

static int
ieq_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (toupper((unsigned char)s[i]) != prefix[i])
			return 0;
	return 1;
}

int
smtp_same(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
smtp_same_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

const char *
smtp_addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

static int
atext(int c)
{
	return isalnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

int
smtp_valid_mailbox(const char *addr)
{
	size_t n = strlen(addr);
	const char *at = strrchr(addr, '@');

	if (n == 0 || n > SMTP_ADDR_MAX || at == NULL || at == addr)
		return 0;
	/* Local part: a dot-string, or a quoted string (RFC 5321 4.1.2). */
	if (addr[0] == '"') {
		const char *p = addr + 1;

		for (; p < at - 1; p++) {
			if (*p == '\\' && p + 1 < at - 1)
				p++;
			else if (*p == '"' || (unsigned char)*p < 32)
				return 0;
		}
		if (p != at - 1 || *p != '"' || at - addr < 2)
			return 0;
	} else {
		int prev_dot = 1;

		for (const char *p = addr; p < at; p++) {
			if (*p == '.') {
				if (prev_dot)
					return 0;
				prev_dot = 1;
			} else if (atext((unsigned char)*p)) {
				prev_dot = 0;
			} else
				return 0;
		}
		if (prev_dot || at - addr > 64)
			return 0;
	}
	/* Domain: labels of letters, digits and hyphens. */
	const char *d = at + 1;
	size_t label = 0;
	if (*d == '\0')
		return 0;
	for (const char *p = d; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return 0;
			if (*p == '\0')
				break;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
		if (label == 0 && *p == '-')
			return 0;
		label++;
	}
	return 1;
}

/*
 * RFC 5321 4.1.3: an address literal, "[" IPv4 "]", "[IPv6:...]" or
 * "[tag:content]" (a General-address-literal), at d.
 */
static int
valid_literal(const char *d)
{
	size_t n = strlen(d);

	if (n < 3 || d[0] != '[' || d[n - 1] != ']')
		return 0;
	const char *p = d + 1, *end = d + n - 1;
	if (isdigit((unsigned char)*p)) {
		/* IPv4-address-literal = Snum 3("."  Snum), Snum 0..255 */
		for (int k = 0; k < 4; k++) {
			int v = 0, digits = 0;

			while (p < end && isdigit((unsigned char)*p) &&
			    digits < 4) {
				v = v * 10 + (*p++ - '0');
				digits++;
			}
			if (digits == 0 || digits > 3 || v > 255)
				return 0;
			if (k < 3 && (p >= end || *p++ != '.'))
				return 0;
		}
		return p == end;
	}
	/* Standardized-tag ":" 1*dcontent ("IPv6:" is one such tag). */
	const char *tag = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '-'))
		p++;
	if (p == tag || p[-1] == '-' || p >= end || *p != ':' || p + 1 == end)
		return 0;
	int v6 = p - tag == 4 && smtp_same_n(tag, "IPv6", 4);
	for (p++; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (v6 ? !(isxdigit(c) || c == ':' || c == '.') :
		    (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']'))
			return 0;
	}
	return 1;
}

int
smtp_addr_is_literal(const char *addr)
{
	const char *d = smtp_addr_domain(addr);

	return d[0] == '[';
}

int
smtp_valid_path_mailbox(const char *addr)
{
	const char *at = strrchr(addr, '@');

	if (at == NULL || at[1] != '[')
		return smtp_valid_mailbox(addr);
	/* The local part alone, checked with a domain that is surely valid. */
	if (strlen(addr) > SMTP_ADDR_MAX || !valid_literal(at + 1))
		return 0;
	char *probe = xasprintf("%.*s@x", (int)(at - addr), addr);
	int ok = smtp_valid_mailbox(probe);
	free(probe);
	return ok;
}

int
smtp_is_postmaster(const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t n = at ? (size_t)(at - addr) : strlen(addr);

	return n == 10 && smtp_same_n(addr, "postmaster", 10);
}

/* "<path>" at s; fills addr ("" for <>); returns the rest or NULL. */
static const char *
parse_path(const char *s, const char *end, char *addr)
{
	if (s >= end || *s != '<')
		return NULL;
	const char *close = memchr(s, '>', (size_t)(end - s));
	if (close == NULL || close - s - 1 > SMTP_ADDR_MAX)
		return NULL;
	const char *a = s + 1;
	/* RFC 5321 4.1.2: an obsolete source route "@a,@b:" is to be ignored. */
	if (a < close && *a == '@') {
		const char *colon = memchr(a, ':', (size_t)(close - a));
		if (colon == NULL)
			return NULL;
		a = colon + 1;
	}
	memcpy(addr, a, (size_t)(close - a));
	addr[close - a] = '\0';
	return close + 1;
}

static int
parse_params(struct smtp_cmd *c, const char *s, const char *end, int mail)
{
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		if (s >= end)
			break;
		const char *w = s;
		while (s < end && *s != ' ')
			s++;
		size_t wn = (size_t)(s - w);
		if (mail && ieq_prefix(w, wn, "SIZE=")) {
			uint64_t v = 0;
			if (wn == 5 || wn > 5 + 19)
				return SMTP_PARSE_SYNTAX;
			for (size_t i = 5; i < wn; i++) {
				if (!isdigit((unsigned char)w[i]))
					return SMTP_PARSE_SYNTAX;
				v = v * 10 + (uint64_t)(w[i] - '0');
			}
			c->has_size = 1;
			c->size = v;
		} else if (mail && ieq_prefix(w, wn, "BODY=")) {
			if (wn == 13 && ieq_prefix(w, wn, "BODY=8BITMIME"))
				c->body_8bit = 1;
			else if (wn == 9 && ieq_prefix(w, wn, "BODY=7BIT"))
				c->body_8bit = 0;
			else
				return SMTP_PARSE_SYNTAX;
		} else
			return SMTP_PARSE_PARAM;
	}
	return SMTP_PARSE_OK;
}

int
smtp_parse_command(const char *line, size_t n, struct smtp_cmd *c)
{
	memset(c, 0, sizeof *c);
	c->verb = SMTP_UNKNOWN;
	if (n >= SMTP_CMD_MAX - 1 || memchr(line, '\0', n) != NULL)
		return SMTP_PARSE_SYNTAX;

	size_t vn = 0;
	while (vn < n && line[vn] != ' ')
		vn++;
	for (int v = 0; v < SMTP_NVERBS; v++)
		if (vn == 4 && ieq_prefix(line, vn, verbs[v]))
			c->verb = (enum smtp_verb)v;
	if (c->verb == SMTP_UNKNOWN)
		return SMTP_PARSE_UNKNOWN;

	/* The argument, trimmed of surrounding spaces. */
	const char *a = line + vn, *end = line + n;
	while (a < end && *a == ' ')
		a++;
	while (end > a && end[-1] == ' ')
		end--;
	memcpy(c->arg, a, (size_t)(end - a));
	c->arg[end - a] = '\0';

	switch (c->verb) {
	case SMTP_EHLO:
	case SMTP_HELO:
	case SMTP_LHLO:
		/* A domain or an address literal; we only need it to be there. */
		if (a == end || memchr(a, ' ', (size_t)(end - a)) != NULL)
			return SMTP_PARSE_SYNTAX;
		return SMTP_PARSE_OK;
	case SMTP_MAIL:
	case SMTP_RCPT: {
		int mail = c->verb == SMTP_MAIL;
		const char *kw = mail ? "FROM:" : "TO:";
		if (!ieq_prefix(a, (size_t)(end - a), kw))
			return SMTP_PARSE_SYNTAX;
		a += strlen(kw);
		/* Some clients put a space after the colon; be liberal. */
		while (a < end && *a == ' ')
			a++;
		const char *rest = parse_path(a, end, c->addr);
		if (rest == NULL)
			return SMTP_PARSE_SYNTAX;
		if (rest < end && *rest != ' ')
			return SMTP_PARSE_SYNTAX;
		/*
		 * RFC 5321 4.1.1.3: "<Postmaster>" without a domain is a
		 * forward-path every server MUST take; 4.1.3: a domain may be
		 * an address literal, "user@[10.2.0.25]", valid syntax.
		 */
		if (c->addr[0] == '\0') {
			if (!mail)
				return SMTP_PARSE_ADDRESS;
		} else if (!mail && strchr(c->addr, '@') == NULL) {
			if (!smtp_is_postmaster(c->addr))
				return SMTP_PARSE_ADDRESS;
		} else if (!smtp_valid_path_mailbox(c->addr))
			return SMTP_PARSE_ADDRESS;
		return parse_params(c, rest, end, mail);
	}
	case SMTP_AUTH: {
		const char *m = a;
		while (a < end && *a != ' ')
			a++;
		if (a == m || (size_t)(a - m) >= sizeof c->auth_mech)
			return SMTP_PARSE_SYNTAX;
		for (const char *p = m; p < a; p++)
			c->auth_mech[p - m] = (char)toupper((unsigned char)*p);
		while (a < end && *a == ' ')
			a++;
		memcpy(c->auth_initial, a, (size_t)(end - a));
		c->auth_initial[end - a] = '\0';
		return SMTP_PARSE_OK;
	}
	case SMTP_DATA:
	case SMTP_RSET:
	case SMTP_QUIT:
		return a == end ? SMTP_PARSE_OK : SMTP_PARSE_SYNTAX;
	case SMTP_VRFY:
		return a == end ? SMTP_PARSE_SYNTAX : SMTP_PARSE_OK;
	default:
		/* NOOP and HELP take an optional argument. */
		return SMTP_PARSE_OK;
	}
}

void
smtp_reply(struct buf *out, int code, const char *enhanced, const char *text)
{
	const char *p = text;

	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		buf_printf(out, "%03d%c", code, nl ? '-' : ' ');
		if (enhanced && *enhanced)
			buf_printf(out, "%s ", enhanced);
		buf_append(out, p, n);
		buf_puts(out, "\r\n");
		p = nl ? nl + 1 : NULL;
	} while (p);
}

void
smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof *r);
}

void
smtp_reply_free(struct smtp_reply *r)
{
	buf_free(&r->text);
	buf_free(&r->last_line);
}

int
smtp_reply_feed(struct smtp_reply *r, const char *line, size_t n)
{
	if (r->complete) {
		/* A new reply starts. */
		r->complete = 0;
		r->nlines = 0;
		r->text.len = 0;
		r->enhanced[0] = '\0';
	}
	if (n < 3 || !isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2]) ||
	    line[0] < '2' || line[0] > '5' || (n > 3 && line[3] != ' ' &&
	    line[3] != '-'))
		return -1;
	int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (r->nlines > 0 && code != r->code)
		return -1;	/* RFC 5321 4.2.1: every line has the same code */
	r->code = code;
	const char *t = n > 4 ? line + 4 : line + n, *end = line + n;

	/* An enhanced status code "x.y.z " (RFC 2034) after the basic one. */
	const char *e = t;
	r->enhanced[0] = '\0';
	if (e < end && (*e == '2' || *e == '4' || *e == '5') && e + 1 < end &&
	    e[1] == '.') {
		const char *q = e + 2;
		int dots = 1, ok = 1;
		while (q < end && *q != ' ') {
			if (*q == '.')
				dots++;
			else if (!isdigit((unsigned char)*q))
				ok = 0;
			q++;
		}
		if (ok && dots == 2 && (size_t)(q - e) < sizeof r->enhanced) {
			memcpy(r->enhanced, e, (size_t)(q - e));
			r->enhanced[q - e] = '\0';
			t = q < end ? q + 1 : q;
		}
	}
	if (r->nlines++ > 0)
		buf_putc(&r->text, '\n');
	buf_append(&r->text, t, (size_t)(end - t));
	r->last_line.len = 0;
	buf_append(&r->last_line, line, n);
	if (n == 3 || line[3] == ' ') {
		r->complete = 1;
		return 1;
	}
	return 0;
}

void
smtp_dot_stuff(const uint8_t *msg, size_t n, struct buf *out)
{
	size_t i = 0;

	buf_reserve(out, n + n / 64 + 8);
	while (i < n) {
		const uint8_t *lf = memchr(msg + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - msg) : n;
		size_t len = end - i;

		if (len > 0 && msg[end - 1 - 0] == '\r' && lf)
			len--;		/* the CR of a CRLF */
		if (len > 0 && msg[i] == '.')
			buf_putc(out, '.');
		buf_append(out, msg + i, len);
		buf_puts(out, "\r\n");
		i = lf ? end + 1 : n;
	}
	buf_puts(out, ".\r\n");
}

int
smtp_data_line(const char *line, size_t n, struct buf *out)
{
	if (n == 1 && line[0] == '.')
		return 1;
	if (n > 0 && line[0] == '.') {
		line++;
		n--;
	}
	buf_append(out, line, n);
	buf_puts(out, "\r\n");
	return 0;
}

int
smtp_count_received(const uint8_t *msg, size_t n)
{
	int count = 0;
	size_t i = 0;

	/* Header lines only: up to the first empty line. */
	while (i < n) {
		const uint8_t *lf = memchr(msg + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - msg) : n;
		size_t len = end - i;

		if (len > 0 && msg[end - 1] == '\r')
			len--;
		if (len == 0)
			break;
		if (ieq_prefix((const char *)msg + i, len, "RECEIVED:"))
			count++;
		i = end + 1;
	}
	return count;
}
