/*
 * json_check.c: the scenario's bytes before and just after cJSON
 * (RFC 8259 JSON, RFC 3629 UTF-8).
 *
 * cJSON is lenient where a teacher needs strictness and silent where a
 * teacher needs words: it accepts "01" and raw line breaks in strings,
 * keeps both members of {"a":1,"a":2}, stops at a NUL byte, and on error
 * gives only a position.  So before cJSON runs, json_check_parse():
 *	- rejects an empty file, a NUL byte and invalid UTF-8;
 *	- scans the JSON grammar itself, strictly, and names the first
 *	  mistake in words ("expected ',' or '}' after the value of \"ip\"
 *	  (missing comma?)"), at its LINE:COL;
 *	- stops nesting deeper than SC_MAX_DEPTH.
 * Then cJSON builds the tree from a NUL-terminated copy, with
 * require_null_terminated so that a second value is an error even if the
 * scan above missed it; where cJSON fails anyway its error position gives
 * the LINE:COL.  json_check_duplicates() then walks the tree for keys
 * written twice in one object.
 *
 * LINE and COL are 1-based; COL counts characters (UTF-8 code points, a
 * tab is one), not bytes, as editors show them.
 */
#include "scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The scanner's state: the bytes, where it is, what it has opened. */
struct jc {
	struct sc_ctx	*c;
	const unsigned char *s;
	size_t		 len;
	size_t		 pos;
	size_t		 bom;		/* 3 when the file starts with a BOM */
	int		 depth;
	size_t		 open[SC_MAX_DEPTH + 1];	/* offsets of '{' and '[' */
};

static void	json_check_linecol(const struct jc *j, size_t off, int *line,
		    int *col);
static int	json_check_fail(struct jc *j, size_t off, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static int	json_check_utf8(struct jc *j);
static void	json_check_ws(struct jc *j);
static int	json_check_unexpected(struct jc *j, const char *expected,
		    int comma_hint);
static int	json_check_value(struct jc *j);
static int	json_check_open(struct jc *j);
static int	json_check_object(struct jc *j);
static int	json_check_array(struct jc *j);
static int	json_check_string(struct jc *j, size_t *start, size_t *end);
static int	json_check_number(struct jc *j);
static int	json_check_word(struct jc *j);
static void	json_check_char(const struct jc *j, size_t off, char out[16]);
static int	json_check_hex4(const unsigned char *p, unsigned *out);
static int	json_check_keycmp(const void *a, const void *b);

static void
json_check_linecol(const struct jc *j, size_t off, int *line, int *col)
{
	size_t start = j->bom;
	int l = 1, n = 1;

	for (size_t i = j->bom; i < off && i < j->len; i++) {
		if (j->s[i] == '\n') {
			l++;
			start = i + 1;
		}
	}
	/* Count lead bytes only: one per character. */
	for (size_t i = start; i < off && i < j->len; i++)
		if ((j->s[i] & 0xc0) != 0x80)
			n++;
	*line = l;
	*col = n;
}

/* Reports a syntax error at byte offset off; always returns -1. */
static int
json_check_fail(struct jc *j, size_t off, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	json_check_linecol(j, off, &line, &col);
	sc_err_pos(j->c, line, col, "%s", (char *)b.data);
	buf_free(&b);
	return -1;
}

/* A character for a message: 'x', or U+XXXX where quoting would hide it. */
static void
json_check_char(const struct jc *j, size_t off, char out[16])
{
	const unsigned char *p = j->s + off;
	unsigned cp;

	if (*p >= 0x21 && *p < 0x7f) {
		snprintf(out, 16, "'%c'", *p);
		return;
	}
	if (*p < 0x80)
		cp = *p;
	else if (*p < 0xe0)
		cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	else if (*p < 0xf0)
		cp = (unsigned)(p[0] & 0x0f) << 12 |
		    (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	else
		cp = (unsigned)(p[0] & 0x07) << 18 |
		    (unsigned)(p[1] & 0x3f) << 12 |
		    (unsigned)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
	snprintf(out, 16, "U+%04X", cp);
}

/*
 * RFC 3629 section 4: no overlong forms, no surrogates (U+D800..DFFF), nothing
 * past U+10FFFF.  Also no NUL, which would end the text early for cJSON.
 */
static int
json_check_utf8(struct jc *j)
{
	const unsigned char *s = j->s;

	for (size_t i = 0; i < j->len; ) {
		unsigned char b = s[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xbf;

		if (b == 0)
			return json_check_fail(j, i, "NUL byte in the file "
			    "(a scenario is UTF-8 text)");
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			n = 1;
		else if (b >= 0xe0 && b <= 0xef) {
			n = 2;
			if (b == 0xe0)
				lo = 0xa0;	/* overlong */
			if (b == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (b >= 0xf0 && b <= 0xf4) {
			n = 3;
			if (b == 0xf0)
				lo = 0x90;	/* overlong */
			if (b == 0xf4)
				hi = 0x8f;	/* past U+10FFFF */
		} else
			return json_check_fail(j, i, "invalid UTF-8 byte "
			    "0x%02X (save the file as UTF-8)", b);
		for (size_t k = 1; k <= n; k++) {
			unsigned char lo_k = k == 1 ? lo : 0x80;
			unsigned char hi_k = k == 1 ? hi : 0xbf;

			if (i + k >= j->len || s[i + k] < lo_k ||
			    s[i + k] > hi_k)
				return json_check_fail(j, i, "invalid UTF-8 "
				    "sequence starting with byte 0x%02X (save "
				    "the file as UTF-8)", b);
		}
		i += n + 1;
	}
	return 0;
}

static void
json_check_ws(struct jc *j)
{
	while (j->pos < j->len && (j->s[j->pos] == ' ' ||
	    j->s[j->pos] == '\t' || j->s[j->pos] == '\n' ||
	    j->s[j->pos] == '\r'))
		j->pos++;
}

/*
 * Names what is at j->pos when it is not what the grammar wants.  The
 * common slips get their own words: comments, single quotes, True,
 * a bare word, a closer that does not match, the end of the file.
 */
static int
json_check_unexpected(struct jc *j, const char *expected, int comma_hint)
{
	size_t p = j->pos;
	char ch[16];
	int line, col;

	if (p >= j->len) {
		if (j->depth == 0)
			return json_check_fail(j, p, "unexpected end of file, "
			    "%s", expected);
		json_check_linecol(j, j->open[j->depth - 1], &line, &col);
		return json_check_fail(j, p, "unexpected end of file: the "
		    "'%c' at %d:%d is never closed",
		    j->s[j->open[j->depth - 1]], line, col);
	}
	unsigned char b = j->s[p];
	if (b == '/' && p + 1 < j->len && (j->s[p + 1] == '/' ||
	    j->s[p + 1] == '*'))
		return json_check_fail(j, p, "comments are not allowed in "
		    "JSON");
	if (b == '\'')
		return json_check_fail(j, p, "strings and keys use double "
		    "quotes (\"), not single quotes");
	if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_') {
		size_t e = p;

		while (e < j->len && e - p < 40 && (j->s[e] == '_' ||
		    (j->s[e] >= 'a' && j->s[e] <= 'z') ||
		    (j->s[e] >= 'A' && j->s[e] <= 'Z') ||
		    (j->s[e] >= '0' && j->s[e] <= '9')))
			e++;
		int n = (int)(e - p);
		const char *w = (const char *)j->s + p;
		if ((n == 4 && (strncasecmp(w, "true", 4) == 0 ||
		    strncasecmp(w, "null", 4) == 0)) ||
		    (n == 5 && strncasecmp(w, "false", 5) == 0))
			return json_check_fail(j, p, "'%.*s': JSON writes "
			    "true, false and null in lower case", n, w);
		return json_check_fail(j, p, "%s, found the word '%.*s' "
		    "(text needs double quotes: \"%.*s\")", expected, n, w,
		    n, w);
	}
	if ((b == '}' || b == ']') && j->depth > 0 &&
	    j->s[j->open[j->depth - 1]] != (b == '}' ? '{' : '[')) {
		json_check_linecol(j, j->open[j->depth - 1], &line, &col);
		return json_check_fail(j, p, "'%c' does not match the '%c' "
		    "at %d:%d", b, j->s[j->open[j->depth - 1]], line, col);
	}
	json_check_char(j, p, ch);
	return json_check_fail(j, p, "%s, found %s%s", expected, ch,
	    comma_hint && (b == '"' || b == '{' || b == '[' || b == '-' ||
	    (b >= '0' && b <= '9')) ? " (missing comma?)" : "");
}

static int
json_check_value(struct jc *j)
{
	static const char what[] = "expected a value (a string, number, "
	    "object, array, true, false or null)";

	json_check_ws(j);
	if (j->pos >= j->len)
		return json_check_unexpected(j, what, 0);
	switch (j->s[j->pos]) {
	case '{':
		return json_check_object(j);
	case '[':
		return json_check_array(j);
	case '"':
		return json_check_string(j, NULL, NULL);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return json_check_number(j);
	case 't': case 'f': case 'n':
		return json_check_word(j);
	case '+':
		return json_check_fail(j, j->pos, "a number cannot start "
		    "with '+'");
	case '.':
		return json_check_fail(j, j->pos, "a number starts with a "
		    "digit (write 0.5, not .5)");
	case ',':
		return json_check_fail(j, j->pos, "%s, found ',' (a comma "
		    "too many?)", what);
	default:
		return json_check_unexpected(j, what, 0);
	}
}

/* Enters a '{' or '[' at j->pos, within the depth limit. */
static int
json_check_open(struct jc *j)
{
	if (j->depth >= SC_MAX_DEPTH)
		return json_check_fail(j, j->pos, "nesting deeper than %d "
		    "levels (a scenario never needs more than %d)",
		    SC_MAX_DEPTH, SC_NEEDED_DEPTH);
	j->open[j->depth++] = j->pos++;
	return 0;
}

static int
json_check_object(struct jc *j)
{
	size_t ks, ke, comma = 0;
	int first = 1;

	if (json_check_open(j) < 0)
		return -1;
	for (;;) {
		json_check_ws(j);
		if (j->pos < j->len && j->s[j->pos] == '}') {
			if (!first)
				return json_check_fail(j, comma, "trailing "
				    "comma before '}' (JSON allows none)");
			break;
		}
		if (j->pos >= j->len || j->s[j->pos] != '"')
			return json_check_unexpected(j, first ?
			    "expected a key in double quotes or '}'" :
			    "expected a key in double quotes", 0);
		if (json_check_string(j, &ks, &ke) < 0)
			return -1;
		json_check_ws(j);
		if (j->pos >= j->len || j->s[j->pos] != ':') {
			struct buf b = { 0 };
			int r;

			buf_printf(&b, "expected ':' after the key \"%.*s\"",
			    (int)(ke - ks > 40 ? 40 : ke - ks),
			    (const char *)j->s + ks);
			r = json_check_unexpected(j, (char *)b.data, 0);
			buf_free(&b);
			return r;
		}
		j->pos++;
		if (json_check_value(j) < 0)
			return -1;
		json_check_ws(j);
		if (j->pos < j->len && j->s[j->pos] == ',') {
			comma = j->pos++;
			first = 0;
			continue;
		}
		if (j->pos < j->len && j->s[j->pos] == '}')
			break;

		struct buf b = { 0 };
		int r;

		buf_printf(&b, "expected ',' or '}' after the value of "
		    "\"%.*s\"", (int)(ke - ks > 40 ? 40 : ke - ks),
		    (const char *)j->s + ks);
		r = json_check_unexpected(j, (char *)b.data, 1);
		buf_free(&b);
		return r;
	}
	j->pos++;
	j->depth--;
	return 0;
}

static int
json_check_array(struct jc *j)
{
	size_t comma = 0;
	int first = 1;

	if (json_check_open(j) < 0)
		return -1;
	for (;;) {
		json_check_ws(j);
		if (j->pos < j->len && j->s[j->pos] == ']') {
			if (!first)
				return json_check_fail(j, comma, "trailing "
				    "comma before ']' (JSON allows none)");
			break;
		}
		if (json_check_value(j) < 0)
			return -1;
		json_check_ws(j);
		if (j->pos < j->len && j->s[j->pos] == ',') {
			comma = j->pos++;
			first = 0;
			continue;
		}
		if (j->pos < j->len && j->s[j->pos] == ']')
			break;
		return json_check_unexpected(j, "expected ',' or ']' after "
		    "an array element", 1);
	}
	j->pos++;
	j->depth--;
	return 0;
}

static int
json_check_hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char h = p[i];

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= (unsigned)(h - '0');
		else if (h >= 'a' && h <= 'f')
			v |= (unsigned)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			v |= (unsigned)(h - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * A string at j->pos (RFC 8259 section 7).  *start and *end, where given,
 * receive the offsets of its raw contents, for messages about keys.
 */
static int
json_check_string(struct jc *j, size_t *start, size_t *end)
{
	size_t q = j->pos++;

	for (;;) {
		if (j->pos >= j->len)
			return json_check_fail(j, q, "unterminated string "
			    "(the closing '\"' is missing)");
		unsigned char b = j->s[j->pos];
		if (b == '"')
			break;
		if (b == '\n' || b == '\r')
			return json_check_fail(j, q, "unterminated string: a "
			    "string ends on the line it starts (write a line "
			    "break inside it as \\n)");
		if (b < 0x20)
			return json_check_fail(j, j->pos, "control character "
			    "U+%04X in a string (write it as %s)", b,
			    b == '\t' ? "\\t" : "a \\u escape");
		if (b != '\\') {
			j->pos++;
			continue;
		}
		size_t e = j->pos;
		if (e + 1 >= j->len)
			return json_check_fail(j, q, "unterminated string "
			    "(the closing '\"' is missing)");
		unsigned char x = j->s[e + 1];
		if (strchr("\"\\/bfnrt", x) != NULL && x != '\0') {
			j->pos += 2;
			continue;
		}
		if (x != 'u') {
			char ch[16];

			json_check_char(j, e + 1, ch);
			return json_check_fail(j, e, "invalid escape: "
			    "backslash followed by %s (valid: \\\" \\\\ \\/ "
			    "\\b \\f \\n \\r \\t \\uXXXX)", ch);
		}
		unsigned u, u2;
		if (e + 6 > j->len || json_check_hex4(j->s + e + 2, &u) < 0)
			return json_check_fail(j, e, "\\u needs four hex "
			    "digits");
		j->pos += 6;
		if (u == 0)
			return json_check_fail(j, e, "\\u0000 (a NUL "
			    "character) is not allowed");
		if (u >= 0xdc00 && u <= 0xdfff)
			return json_check_fail(j, e, "\\u%04X is half of a "
			    "UTF-16 pair without its first half", u);
		if (u >= 0xd800 && u <= 0xdbff) {
			/* A high surrogate needs its low half right after. */
			if (j->pos + 6 > j->len || j->s[j->pos] != '\\' ||
			    j->s[j->pos + 1] != 'u' ||
			    json_check_hex4(j->s + j->pos + 2, &u2) < 0 ||
			    u2 < 0xdc00 || u2 > 0xdfff)
				return json_check_fail(j, e, "\\u%04X is half "
				    "of a UTF-16 pair without its second "
				    "half", u);
			j->pos += 6;
		}
	}
	if (start != NULL)
		*start = q + 1;
	if (end != NULL)
		*end = j->pos;
	j->pos++;
	return 0;
}

/* RFC 8259 section 6: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
json_check_number(struct jc *j)
{
	const unsigned char *s = j->s;
	size_t p = j->pos, st = p;
	char tmp[64];

	if (s[p] == '-')
		p++;
	if (p >= j->len || s[p] < '0' || s[p] > '9')
		return json_check_fail(j, st, "'-' must be followed by a "
		    "digit");
	if (s[p] == '0' && p + 1 < j->len && s[p + 1] >= '0' &&
	    s[p + 1] <= '9')
		return json_check_fail(j, st, "numbers cannot start with "
		    "a 0 (leading zeros are not allowed)");
	while (p < j->len && s[p] >= '0' && s[p] <= '9')
		p++;
	if (p < j->len && s[p] == '.') {
		p++;
		if (p >= j->len || s[p] < '0' || s[p] > '9')
			return json_check_fail(j, st, "a digit must follow "
			    "the '.' of a number");
		while (p < j->len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p < j->len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < j->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= j->len || s[p] < '0' || s[p] > '9')
			return json_check_fail(j, st, "a digit must follow "
			    "the exponent 'e' of a number");
		while (p < j->len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	/* cJSON reads at most 63 characters of a number. */
	if (p - st >= sizeof tmp)
		return json_check_fail(j, st, "number too long (at most %zu "
		    "characters)", sizeof tmp - 1);
	memcpy(tmp, s + st, p - st);
	tmp[p - st] = '\0';
	if (isinf(strtod(tmp, NULL)))
		return json_check_fail(j, st, "number too large");
	j->pos = p;
	return 0;
}

static int
json_check_word(struct jc *j)
{
	static const char *const words[] = { "true", "false", "null" };

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		unsigned char next;

		if (j->len - j->pos < n ||
		    memcmp(j->s + j->pos, words[i], n) != 0)
			continue;
		/* "nullx" is not null followed by something. */
		next = j->pos + n < j->len ? j->s[j->pos + n] : ' ';
		if ((next >= 'a' && next <= 'z') ||
		    (next >= 'A' && next <= 'Z') ||
		    (next >= '0' && next <= '9') || next == '_')
			break;
		j->pos += n;
		return 0;
	}
	return json_check_unexpected(j, "expected a value (a string, number, "
	    "object, array, true, false or null)", 0);
}

/*
 * Checks text and parses it with cJSON.  Returns the tree, or NULL with
 * the errors reported.  A UTF-8 byte order mark at the start is skipped
 * (RFC 8259 section 8.1 lets a parser ignore it; some editors write one).
 */
cJSON *
json_check_parse(struct sc_ctx *c, const char *text, size_t len)
{
	struct jc j = { 0 };
	const char *end = NULL;
	char *copy;
	cJSON *root;

	j.c = c;
	j.s = (const unsigned char *)text;
	j.len = len;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		j.bom = j.pos = 3;
	json_check_ws(&j);
	if (j.pos >= len) {
		sc_err(c, "the file is empty (a scenario is a JSON object "
		    "{...})");
		return NULL;
	}
	if (json_check_utf8(&j) < 0)
		return NULL;
	if (json_check_value(&j) < 0)
		return NULL;
	json_check_ws(&j);
	if (j.pos < len) {
		json_check_fail(&j, j.pos, "unexpected text after the end of "
		    "the scenario (a file holds exactly one JSON object)");
		return NULL;
	}

	/*
	 * cJSON wants the terminating NUL inside the length it is given when
	 * require_null_terminated is set, so parse a copy of len + 1 bytes.
	 */
	copy = xmalloc(len - j.bom + 1);
	memcpy(copy, text + j.bom, len - j.bom);
	copy[len - j.bom] = '\0';
	root = cJSON_ParseWithLengthOpts(copy, len - j.bom + 1, &end, 1);
	if (root == NULL) {
		/* The scan above should have caught it: say where cJSON did. */
		size_t off = end != NULL ? (size_t)(end - copy) : 0;

		json_check_fail(&j, off + j.bom, "JSON syntax error");
	}
	free(copy);
	return root;
}

/* ---- duplicate keys ------------------------------------------------------ */

struct json_check_key {
	const char	*key;
	int		 index;
};

static int
json_check_keycmp(const void *a, const void *b)
{
	const struct json_check_key *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r != 0)
		return r;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Every object of the tree, depth first: a key written twice is reported
 * at the second (and any later) place, in file order.  Sorting keeps
 * this O(n log n) for an object with very many members.
 */
void
json_check_duplicates(struct sc_ctx *c, const cJSON *v)
{
	const cJSON *m;
	int n = cJSON_GetArraySize(v), i = 0;

	if (cJSON_IsObject(v) && n > 1) {
		struct json_check_key *k = xmalloc(sizeof *k * (size_t)n);
		char *dup = xcalloc((size_t)n, 1);

		cJSON_ArrayForEach(m, v) {
			k[i].key = m->string;
			k[i].index = i;
			i++;
		}
		qsort(k, (size_t)n, sizeof *k, json_check_keycmp);
		for (i = 1; i < n; i++)
			if (strcmp(k[i].key, k[i - 1].key) == 0)
				dup[k[i].index] = 1;
		i = 0;
		cJSON_ArrayForEach(m, v) {
			if (dup[i++])
				sc_err(c, "duplicate key '%s' (each key may "
				    "appear once in an object)", m->string);
		}
		free(dup);
		free(k);
	}
	i = 0;
	cJSON_ArrayForEach(m, v) {
		size_t mark;

		if (!cJSON_IsObject(m) && !cJSON_IsArray(m)) {
			i++;
			continue;
		}
		mark = cJSON_IsObject(v) ? sc_path_key(c, m->string) :
		    sc_path_index(c, i);
		json_check_duplicates(c, m);
		sc_path_pop(c, mark);
		i++;
	}
}
