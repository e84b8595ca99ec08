/*
 * mime.c: the text of header fields.
 *
 *   RFC 5322 2.1.1  lines SHOULD be at most 78 characters, MUST be at
 *                   most 998; 2.2.3 folding: a CRLF inserted before
 *                   white space, which unfolding removes again.
 *   RFC 5322 3.3    the date-time form of Date:.
 *   RFC 5322 3.4    address lists; we write "Name <addr>" or "addr".
 *   RFC 2047        encoded words =?charset?B|Q?text?= for text that is
 *                   not ASCII: at most 75 characters each (section 2),
 *                   lines holding them at most 76, white space between
 *                   two adjacent ones dropped when decoding (6.2).
 *   RFC 2045 5.1    Content-Type parameters; RFC 2231 their extended
 *                   (charset'lang'%XX) and continued (name*0=) forms.
 *
 * Everything here works on C strings and appends to a struct buf.
 */
#include "mime.h"
#include "base64.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIME_LINE	78	/* RFC 5322 2.1.1 */
#define MIME_EW_LINE	76	/* RFC 2047 2: a line with encoded words */
#define MIME_EW_MAX	75	/* RFC 2047 2: one encoded word */
#define MIME_EW_OVER	12	/* strlen("=?UTF-8?B?") + strlen("?=") */
/* A white space run this long before a word is kept by encoding it. */
#define MIME_WS_MAX	8
/* RFC 2231 3: sections name*0 .. name*N; it sets no limit, we do. */
#define MIME_SECTIONS	10000

/* A header field being written: where the line stands, for folding. */
struct mime_fold {
	struct buf	*out;
	size_t		 col;	/* characters on the current line */
	size_t		 min;	/* "Name:" alone: folding here gains nothing */
	int		 ew;	/* the current line holds an encoded word */
};

/* A word of a header value and the white space before it. */
struct mime_word {
	size_t	ws, wslen;	/* the white space before the word */
	size_t	at, len;	/* the word */
	int	enc;		/* must be encoded */
};

static void	mime_fold_begin(struct mime_fold *, struct buf *, const char *);
static void	mime_fold_break(struct mime_fold *);
static void	mime_fold_put(struct mime_fold *, const char *, size_t,
		    const char *, size_t);
static void	mime_fold_words(struct mime_fold *, char, const char *, size_t);
static size_t	mime_utf8_len(const uint8_t *, size_t);
static size_t	mime_ew_fit(const char *, size_t, size_t);
static int	mime_word_plain(const char *, size_t);
static void	mime_display_name(struct mime_fold *, const char *, size_t);
static int	mime_is_attr_char(int);
static void	mime_param_put(struct mime_fold *, const char *, const char *,
		    int);
static int	mime_ew_decode(const char *, struct buf *, size_t *);
static void	mime_charset_to_utf8(const char *, size_t, const uint8_t *,
		    size_t, struct buf *);
static int	mime_is_ws(int);
static int	mime_is_tchar(int);
static const char *mime_skip_cfws(const char *);
static const char *mime_skip_param(const char *);
static char	*mime_param_get(const char *, const char *, int *);
static void	mime_pct_decode(const char *, size_t, struct buf *);
static void	mime_civil_from_days(int64_t, int64_t *, int *, int *);

/* ---- writing: folding ------------------------------------------------ */

static void
mime_fold_begin(struct mime_fold *f, struct buf *out, const char *name)
{
	f->out = out;
	buf_puts(out, name);
	buf_putc(out, ':');
	f->col = strlen(name) + 1;
	f->min = f->col;
	f->ew = 0;
}

/*
 * RFC 5322 2.2.3: folding is a CRLF inserted before white space; the
 * caller writes that white space next, so the new line starts with it.
 */
static void
mime_fold_break(struct mime_fold *f)
{
	buf_append(f->out, "\r\n", 2);
	f->col = 0;
	f->min = 0;
	f->ew = 0;
}

/*
 * One unbreakable atom and the white space before it; folds first when
 * the atom would pass the line limit.  Without white space there is no
 * place to fold, so the atom is glued on.  Right after "Name:" a fold
 * only helps when the atom then fits its own line.
 */
static void
mime_fold_put(struct mime_fold *f, const char *sep, size_t seplen,
    const char *atom, size_t n)
{
	size_t limit = f->ew ? MIME_EW_LINE : MIME_LINE;

	/* col 0 is a fresh line: folding again would end the header. */
	if (seplen > 0 && f->col > 0 && f->col + seplen + n > limit &&
	    (f->col > f->min || seplen + n <= MIME_LINE))
		mime_fold_break(f);
	buf_append(f->out, sep, seplen);
	buf_append(f->out, atom, n);
	f->col += seplen + n;
}

/* Length of the UTF-8 character at p, or 1 for a byte that starts none. */
static size_t
mime_utf8_len(const uint8_t *p, size_t n)
{
	size_t len;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 1;
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return len;
}

/*
 * How many bytes of text[0..n) one encoded word of at most room
 * characters carries, whole characters only: RFC 2047 section 5 says
 * "each 'encoded-word' MUST represent an integral number of characters".
 */
static size_t
mime_ew_fit(const char *text, size_t n, size_t room)
{
	size_t max, i = 0;

	if (room < MIME_EW_OVER + 4)
		return 0;
	max = (room - MIME_EW_OVER) / 4 * 3;
	while (i < n) {
		size_t cl = mime_utf8_len((const uint8_t *)text + i, n - i);

		if (i + cl > max)
			break;
		i += cl;
	}
	return i;
}

/*
 * Writes text[0..n) as encoded words, the first one after the white
 * space character sep, the others after a space.  Decoders drop the
 * white space between adjacent encoded words (RFC 2047 6.2), so the
 * text comes back exactly, spaces included.
 */
static void
mime_fold_words(struct mime_fold *f, char sep, const char *text, size_t n)
{
	size_t i = 0;

	do {
		size_t room = f->col + 1 < MIME_EW_LINE ?
		    MIME_EW_LINE - f->col - 1 : 0;
		if (room > MIME_EW_MAX)
			room = MIME_EW_MAX;
		size_t take = mime_ew_fit(text + i, n - i, room);

		if (take == 0) {
			/* A fresh line has room for 45 bytes: progress. */
			mime_fold_break(f);
			take = mime_ew_fit(text + i, n - i, MIME_EW_MAX);
		}
		size_t start = f->out->len;
		buf_putc(f->out, sep);
		buf_puts(f->out, "=?UTF-8?B?");
		b64_encode((const uint8_t *)text + i, take, f->out, 0);
		buf_puts(f->out, "?=");
		f->col += f->out->len - start;
		f->ew = 1;
		i += take;
		sep = ' ';
	} while (i < n);
}

/*
 * A word that can stand as it is: printable ASCII, not looking like an
 * encoded word (a reader would decode it), and short enough to fit a
 * folded line on its own.
 */
static int
mime_word_plain(const char *w, size_t n)
{
	if (n > MIME_LINE - 2)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c < 0x21 || c > 0x7e)
			return 0;
		if (c == '=' && i + 1 < n && w[i + 1] == '?')
			return 0;
	}
	return 1;
}

static int
mime_is_ws(int c)
{
	return c == ' ' || c == '\t';
}

void
mime_header_text(struct buf *out, const char *name, const char *utf8)
{
	struct mime_fold f;
	size_t n = strlen(utf8);
	struct mime_word *w = xcalloc(n / 2 + 2, sizeof *w);
	size_t nw = 0, i = 0, trail;

	/* Split into words, each with the white space before it. */
	while (i < n) {
		size_t ws = i;

		while (i < n && mime_is_ws((unsigned char)utf8[i]))
			i++;
		if (i == n)
			break;
		w[nw].ws = ws;
		w[nw].wslen = i - ws;
		w[nw].at = i;
		while (i < n && !mime_is_ws((unsigned char)utf8[i]))
			i++;
		w[nw].len = i - w[nw].at;
		w[nw].enc = !mime_word_plain(utf8 + w[nw].at, w[nw].len) ||
		    w[nw].wslen > MIME_WS_MAX;
		nw++;
	}
	trail = nw ? n - (w[nw - 1].at + w[nw - 1].len) : n;
	/*
	 * Readers strip white space at either end of a value; only inside
	 * an encoded word does it survive, so such a word is encoded.
	 */
	if (nw > 0 && w[0].wslen > 0)
		w[0].enc = 1;
	if (nw > 0 && trail > 0)
		w[nw - 1].enc = 1;

	mime_fold_begin(&f, out, name);
	if (nw == 0 && n > 0)
		mime_fold_words(&f, ' ', utf8, n);
	for (size_t k = 0; k < nw; k++) {
		if (!w[k].enc) {
			if (k == 0)
				mime_fold_put(&f, " ", 1, utf8 + w[k].at,
				    w[k].len);
			else
				mime_fold_put(&f, utf8 + w[k].ws, w[k].wslen,
				    utf8 + w[k].at, w[k].len);
			continue;
		}
		/*
		 * A run of words to encode, with the white space between
		 * them inside the encoded text.  One white space character
		 * stays outside, as RFC 2047 5 (1) asks: an encoded word is
		 * separated from the text around it by white space.
		 */
		size_t e = k;
		while (e + 1 < nw && w[e + 1].enc)
			e++;
		size_t from = k == 0 ? 0 : w[k].ws + 1;
		size_t to = e + 1 == nw ? n : w[e].at + w[e].len;
		char sep = k == 0 ? ' ' : utf8[w[k].ws];
		mime_fold_words(&f, sep, utf8 + from, to - from);
		k = e;
	}
	buf_append(out, "\r\n", 2);
	free(w);
}

/*
 * A display name: plain words as they are, a quoted string when it
 * holds RFC 5322 specials (3.2.3), encoded words when it is not ASCII.
 */
static void
mime_display_name(struct mime_fold *f, const char *s, size_t n)
{
	int ascii = 1, special = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c > 0x7e)
			ascii = 0;
		else if (strchr("()<>[]:;@\\,.\"", c) != NULL)
			special = 1;
		else if (c == '=' && i + 1 < n && s[i + 1] == '?')
			ascii = 0;
	}
	if (!ascii || n > MIME_LINE - 4) {
		mime_fold_words(f, ' ', s, n);
		return;
	}
	if (special) {
		struct buf q = { 0 };

		buf_putc(&q, '"');
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '"' || s[i] == '\\')
				buf_putc(&q, '\\');
			buf_putc(&q, s[i]);
		}
		buf_putc(&q, '"');
		mime_fold_put(f, " ", 1, (char *)q.data, q.len);
		buf_free(&q);
		return;
	}
	for (size_t i = 0; i < n;) {
		while (i < n && mime_is_ws((unsigned char)s[i]))
			i++;
		size_t at = i;
		while (i < n && !mime_is_ws((unsigned char)s[i]))
			i++;
		if (i > at)
			mime_fold_put(f, " ", 1, s + at, i - at);
	}
}

void
mime_header_addresses(struct buf *out, const char *name,
    const char *const *addrs, int n)
{
	struct mime_fold f;
	struct buf atom = { 0 };

	mime_fold_begin(&f, out, name);
	for (int k = 0; k < n; k++) {
		const char *a = addrs[k];
		const char *lt = strrchr(a, '<');
		const char *addr = a, *end = a + strlen(a);

		if (lt != NULL && strchr(lt, '>') != NULL) {
			const char *d = a, *de = lt;

			while (d < de && mime_is_ws((unsigned char)*d))
				d++;
			while (de > d && mime_is_ws((unsigned char)de[-1]))
				de--;
			if (de > d)
				mime_display_name(&f, d, (size_t)(de - d));
			addr = lt;
			end = strchr(lt, '>') + 1;
		} else {
			while (addr < end && mime_is_ws((unsigned char)*addr))
				addr++;
			while (end > addr && mime_is_ws((unsigned char)end[-1]))
				end--;
		}
		atom.len = 0;
		/* A control character would end the header: never written. */
		for (const char *c = addr; c < end; c++)
			buf_putc(&atom, (unsigned char)*c < 0x20 ? '?' : *c);
		/* The comma belongs to the address: nowhere to fold there. */
		if (k + 1 < n)
			buf_putc(&atom, ',');
		mime_fold_put(&f, " ", 1, atom.data ? (char *)atom.data : "",
		    atom.len);
	}
	buf_append(out, "\r\n", 2);
	buf_free(&atom);
}

/*
 * The fields whose text must not be encoded (the message/delivery-status
 * fields of RFC 3464 are read by programs that do not decode RFC 2047):
 * folded at white space, bytes outside printable ASCII shown as '?'.
 */
void
mime_header_plain(struct buf *out, const char *name, const char *text)
{
	struct mime_fold f;
	struct buf word = { 0 };
	const char *p = text;

	mime_fold_begin(&f, out, name);
	while (*p != '\0') {
		const char *ws = p;

		while (mime_is_ws((unsigned char)*p))
			p++;
		size_t wslen = (size_t)(p - ws);
		if (*p == '\0')
			break;
		word.len = 0;
		for (; *p != '\0' && !mime_is_ws((unsigned char)*p); p++) {
			unsigned char c = (unsigned char)*p;
			buf_putc(&word, c < 0x21 || c > 0x7e ? '?' : c);
		}
		if (ws == text || wslen == 0)
			mime_fold_put(&f, " ", 1, (char *)word.data, word.len);
		else
			mime_fold_put(&f, ws, wslen, (char *)word.data,
			    word.len);
	}
	buf_append(out, "\r\n", 2);
	buf_free(&word);
}

/* RFC 2231 section 7: attribute-char, what needs no %XX. */
static int
mime_is_attr_char(int c)
{
	return mime_is_tchar(c) && c != '*' && c != '\'' && c != '%';
}

/*
 * One parameter, "; name=value" (RFC 2045 5.1).  A value
 * that is not printable ASCII takes RFC 2231's form name*=UTF-8''%XX;
 * one too long for a line is cut into numbered sections name*0, name*1
 * (RFC 2231 3), each a whole number of characters: some readers
 * (Python's email) decode every section on its own.
 */
static void
mime_param_put(struct mime_fold *f, const char *pname, const char *v,
    int last)
{
	/* Room for a section's text, so that its line stays short. */
	const size_t seg_max = 56;
	size_t n = strlen(v), plen = strlen(pname);
	int ascii = 1;
	struct buf atom = { 0 };

	/*
	 * "=?" too: readers (Python's email, ours) decode RFC 2047 words
	 * even inside quoted names, so such a name is percent-encoded.
	 */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e ||
		    (v[i] == '=' && v[i + 1] == '?'))
			ascii = 0;

	/* Each character's written form: escaped, or %XX bytes. */
	struct buf form = { 0 };
	size_t *cut = xcalloc(n + 1, sizeof *cut);	/* form offset per char */
	size_t nch = 0;
	for (size_t i = 0; i < n;) {
		size_t cl = ascii ? 1 :
		    mime_utf8_len((const uint8_t *)v + i, n - i);

		cut[nch++] = form.len;
		for (size_t k = 0; k < cl; k++) {
			unsigned char c = (unsigned char)v[i + k];
			if (ascii) {
				if (c == '"' || c == '\\')
					buf_putc(&form, '\\');
				buf_putc(&form, c);
			} else if (mime_is_attr_char(c))
				buf_putc(&form, c);
			else {
				char pct[3] = { '%', "0123456789ABCDEF"[c >> 4],
				    "0123456789ABCDEF"[c & 15] };
				buf_append(&form, pct, 3);
			}
		}
		i += cl;
	}
	cut[nch] = form.len;

	/*
	 * A token needs no quotes (RFC 2045 5.1); file names get them
	 * anyway, as every mailer writes them and some readers expect.
	 */
	int token = ascii && n > 0 && strcasecmp(pname, "name") != 0 &&
	    strcasecmp(pname, "filename") != 0;
	for (size_t i = 0; token && i < n; i++)
		token = mime_is_tchar((unsigned char)v[i]);
	const char *fs = form.data ? (char *)form.data : "";
	size_t whole = plen + form.len + (token ? 1 : ascii ? 3 : 9) +
	    (last ? 0 : 1);
	if (whole + 1 <= MIME_LINE - 2) {
		/* One piece: name=value, name="value", name*=UTF-8''value. */
		if (token)
			buf_printf(&atom, "%s=%s", pname, fs);
		else if (ascii)
			buf_printf(&atom, "%s=\"%s\"", pname, fs);
		else
			buf_printf(&atom, "%s*=UTF-8''%s", pname, fs);
		if (!last)
			buf_putc(&atom, ';');
		mime_fold_put(f, " ", 1, (char *)atom.data, atom.len);
	} else {
		size_t c0 = 0;
		for (int sect = 0; c0 < nch; sect++) {
			size_t c1 = c0 + 1;	/* at least one character */
			while (c1 < nch && cut[c1 + 1] - cut[c0] <= seg_max)
				c1++;
			atom.len = 0;
			if (ascii)
				buf_printf(&atom, "%s*%d=\"%.*s\"", pname,
				    sect, (int)(cut[c1] - cut[c0]),
				    fs + cut[c0]);
			else
				buf_printf(&atom, "%s*%d*=%s%.*s", pname, sect,
				    sect == 0 ? "UTF-8''" : "",
				    (int)(cut[c1] - cut[c0]), fs + cut[c0]);
			if (!last || c1 < nch)
				buf_putc(&atom, ';');
			mime_fold_put(f, " ", 1, (char *)atom.data, atom.len);
			c0 = c1;
		}
	}
	free(cut);
	buf_free(&form);
	buf_free(&atom);
}

void
mime_header_params(struct buf *out, const char *name, const char *value,
    const char *const *params)
{
	struct mime_fold f;
	struct buf atom = { 0 };
	int any = params != NULL && params[0] != NULL && params[1] != NULL;

	mime_fold_begin(&f, out, name);
	buf_puts(&atom, value);
	if (any)
		buf_putc(&atom, ';');
	mime_fold_put(&f, " ", 1, (char *)atom.data, atom.len);
	for (int i = 0; any && params[i] != NULL && params[i + 1] != NULL;
	    i += 2) {
		int last = params[i + 2] == NULL || params[i + 3] == NULL;
		mime_param_put(&f, params[i], params[i + 1], last);
	}
	buf_append(out, "\r\n", 2);
	buf_free(&atom);
}

/* ---- reading: encoded words ----------------------------------------- */

/*
 * Appends bytes in charset cs as UTF-8.  Only the charsets a mail
 * reader meets most are converted; other bytes pass through and the
 * final UTF-8 check replaces what is not UTF-8.
 */
static void
mime_charset_to_utf8(const char *cs, size_t cslen, const uint8_t *p,
    size_t n, struct buf *out)
{
	static const char *const latin1[] = { "iso-8859-1", "iso8859-1",
	    "latin1", "latin-1", "l1", NULL };

	/* RFC 2231 5: "charset*language" in an encoded word. */
	const char *star = memchr(cs, '*', cslen);
	if (star != NULL)
		cslen = (size_t)(star - cs);
	for (int i = 0; latin1[i]; i++) {
		if (strlen(latin1[i]) == cslen &&
		    strncasecmp(cs, latin1[i], cslen) == 0) {
			for (size_t k = 0; k < n; k++) {
				if (p[k] < 0x80)
					buf_putc(out, p[k]);
				else {
					buf_putc(out, 0xc0 | (p[k] >> 6));
					buf_putc(out, 0x80 | (p[k] & 0x3f));
				}
			}
			return;
		}
	}
	buf_append(out, p, n);
}

void
mime_text_to_utf8(const char *charset, const uint8_t *p, size_t n,
    struct buf *out)
{
	/* RFC 2045 5.2: no charset parameter means US-ASCII. */
	if (charset == NULL)
		charset = "us-ascii";
	mime_charset_to_utf8(charset, strlen(charset), p, n, out);
}

/*
 * Decodes the encoded word at s ("=?cs?B?...?=", RFC 2047 section 2),
 * appending its text as UTF-8.  Returns 0 and its length in *used, or
 * -1 when s does not start a well-formed one.
 */
static int
mime_ew_decode(const char *s, struct buf *out, size_t *used)
{
	const char *cs = s + 2, *q = cs, *text;
	struct buf raw = { 0 };
	int enc;

	while (*q > 0x20 && *q < 0x7f && *q != '?')
		q++;
	if (*q != '?' || q == cs)
		return -1;
	size_t cslen = (size_t)(q - cs);
	enc = toupper((unsigned char)q[1]);
	if ((enc != 'B' && enc != 'Q') || q[2] != '?')
		return -1;
	text = q + 3;
	for (q = text; !(q[0] == '?' && q[1] == '='); q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f || *q == '?')
			return -1;	/* the end of the string included */
	if (enc == 'B') {
		/* Damaged padding is common; decode what is there. */
		b64_decode_lenient(text, (size_t)(q - text), &raw);
	} else {
		/* RFC 2047 4.2: "_" is a space, "=XX" a byte. */
		for (const char *c = text; c < q; c++) {
			int h, l;

			if (*c == '_')
				buf_putc(&raw, ' ');
			else if (*c == '=' && c + 2 < q &&
			    (h = hex_digit((unsigned char)c[1])) >= 0 &&
			    (l = hex_digit((unsigned char)c[2])) >= 0) {
				buf_putc(&raw, h << 4 | l);
				c += 2;
			} else
				buf_putc(&raw, (unsigned char)*c);
		}
	}
	mime_charset_to_utf8(cs, cslen, raw.data, raw.len, out);
	buf_free(&raw);
	*used = (size_t)(q + 2 - s);
	return 0;
}

char *
mime_decode_words(const char *s)
{
	struct buf raw = { 0 }, clean = { 0 };
	const char *p = s, *ws = NULL;
	size_t wslen = 0;
	int after_ew = 0;

	while (*p) {
		size_t used;

		if (p[0] == '=' && p[1] == '?') {
			size_t mark = raw.len;
			/*
			 * White space between two encoded words is dropped
			 * (RFC 2047 6.2); held until we know what follows.
			 */
			if (ws != NULL && !after_ew)
				buf_append(&raw, ws, wslen);
			if (mime_ew_decode(p, &raw, &used) == 0) {
				ws = NULL;
				after_ew = 1;
				p += used;
				continue;
			}
			raw.len = mark;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			const char *e = p;

			while (*e == ' ' || *e == '\t' || *e == '\r' ||
			    *e == '\n')
				e++;
			if (ws != NULL)
				buf_append(&raw, ws, wslen);
			ws = p;
			wslen = (size_t)(e - p);
			p = e;
			continue;
		}
		if (ws != NULL)
			buf_append(&raw, ws, wslen);
		ws = NULL;
		after_ew = 0;
		buf_putc(&raw, (unsigned char)*p++);
	}
	if (ws != NULL)
		buf_append(&raw, ws, wslen);
	mime_utf8_clean(&clean, raw.data, raw.len);
	buf_free(&raw);
	if (clean.data == NULL)
		return xstrdup("");
	return (char *)clean.data;
}

void
mime_utf8_clean(struct buf *out, const uint8_t *p, size_t n)
{
	static const uint8_t fffd[3] = { 0xef, 0xbf, 0xbd };

	buf_reserve(out, n);
	out->data[out->len] = '\0';	/* even when nothing is appended */
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		size_t len = 0;

		if (c >= 0x01 && c < 0x80) {
			/* A run of ASCII in one append. */
			size_t e = i + 1;
			while (e < n && p[e] >= 0x01 && p[e] < 0x80)
				e++;
			buf_append(out, p + i, e - i);
			i = e;
			continue;
		}
		/*
		 * RFC 3629 section 4: the second byte's range depends on
		 * the first, which rules out overlong forms, surrogates and
		 * code points above U+10FFFF.
		 */
		uint8_t lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;
			if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f;
		}
		int ok = len > 0 && i + len <= n &&
		    p[i + 1] >= lo && p[i + 1] <= hi;
		for (size_t k = 2; ok && k < len; k++)
			ok = (p[i + k] & 0xc0) == 0x80;
		if (ok) {
			buf_append(out, p + i, len);
			i += len;
		} else {
			buf_append(out, fffd, sizeof fffd);
			i++;
		}
	}
}

/* ---- reading: Content-Type and its parameters ----------------------- */

/* RFC 2045 5.1: token characters, tspecials excluded. */
static int
mime_is_tchar(int c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Skips white space and (nested) comments, RFC 5322 3.2.2 CFWS. */
static const char *
mime_skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		int depth = 0;
		do {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			p++;
		} while (*p != '\0' && depth > 0);
	}
}

/* Moves to the next ';' outside quotes and comments, or the end. */
static const char *
mime_skip_param(const char *p)
{
	while (*p != '\0' && *p != ';') {
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p == '"')
				p++;
		} else if (*p == '(')
			p = mime_skip_cfws(p);
		else
			p++;
	}
	return p;
}

char *
mime_content_type(const char *value)
{
	const char *p = mime_skip_cfws(value), *t = p, *te, *s, *se;

	while (mime_is_tchar((unsigned char)*p))
		p++;
	te = p;
	p = mime_skip_cfws(p);
	if (te == t || *p != '/')
		return NULL;
	s = p = mime_skip_cfws(p + 1);
	while (mime_is_tchar((unsigned char)*p))
		p++;
	se = p;
	if (se == s)
		return NULL;
	char *r = xasprintf("%.*s/%.*s", (int)(te - t), t, (int)(se - s), s);
	for (char *c = r; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return r;
}

/* RFC 2231 4: %XX is a byte, anything else itself. */
static void
mime_pct_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int h, l;

		if (s[i] == '%' && i + 2 < n &&
		    (h = hex_digit((unsigned char)s[i + 1])) >= 0 &&
		    (l = hex_digit((unsigned char)s[i + 2])) >= 0) {
			buf_putc(out, h << 4 | l);
			i += 2;
		} else
			buf_putc(out, (unsigned char)s[i]);
	}
}

/* mime_param(); *ext tells whether the value took an RFC 2231 form. */
static char *
mime_param_get(const char *value, const char *name, int *ext_form)
{
	size_t nlen = strlen(name);
	char *plain = NULL, *ext = NULL;
	char **sect = NULL;		/* grown to the highest section seen */
	int *sect_enc = NULL;
	size_t nsect = 0;
	struct buf v = { 0 }, r = { 0 };
	const char *p = mime_skip_param(value);	/* past type/subtype */

	while (*p == ';') {
		const char *a, *ae;

		p = mime_skip_cfws(p + 1);
		a = p;
		while (*p != '\0' && *p != '=' && *p != ';' &&
		    !mime_is_ws((unsigned char)*p) && *p != '(')
			p++;
		ae = p;
		p = mime_skip_cfws(p);
		if (*p != '=' || ae == a) {
			p = mime_skip_param(p);
			continue;
		}
		p = mime_skip_cfws(p + 1);
		buf_reserve(&v, 0);
		v.len = 0;
		v.data[0] = '\0';
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				buf_putc(&v, (unsigned char)*p);
			}
			if (*p == '"')
				p++;
		} else {
			const char *s = p;
			while (*p != '\0' && *p != ';' &&
			    !mime_is_ws((unsigned char)*p) && *p != '(')
				p++;
			buf_append(&v, s, (size_t)(p - s));
		}
		p = mime_skip_param(p);

		size_t alen = (size_t)(ae - a);
		if (alen < nlen || strncasecmp(a, name, nlen) != 0)
			continue;
		const char *rest = a + nlen;
		size_t rlen = alen - nlen;
		if (rlen == 0) {
			if (plain == NULL)
				plain = xstrdup((char *)v.data);
		} else if (rlen == 1 && rest[0] == '*') {
			if (ext == NULL)
				ext = xstrdup((char *)v.data);
		} else if (rest[0] == '*' && rlen >= 2 &&
		    isdigit((unsigned char)rest[1])) {
			/* name*N or name*N*: a section of a continued value. */
			int num = 0;
			size_t k = 1;
			while (k < rlen && isdigit((unsigned char)rest[k]) &&
			    num < MIME_SECTIONS)
				num = num * 10 + (rest[k++] - '0');
			int enc = k + 1 == rlen && rest[k] == '*';
			if (num >= MIME_SECTIONS || (k != rlen && !enc))
				continue;
			if ((size_t)num >= nsect) {
				size_t grow = (size_t)num + 1;
				sect = xrealloc(sect, grow * sizeof *sect);
				sect_enc = xrealloc(sect_enc,
				    grow * sizeof *sect_enc);
				for (size_t z = nsect; z < grow; z++) {
					sect[z] = NULL;
					sect_enc[z] = 0;
				}
				nsect = grow;
			}
			if (sect[num] == NULL) {
				sect[num] = xstrdup((char *)v.data);
				sect_enc[num] = enc;
			}
		}
	}

	char *result = NULL;
	if (ext != NULL || (nsect > 0 && sect[0] != NULL)) {
		/*
		 * RFC 2231 4: charset'language'%XX..., the charset given
		 * once, in the first (or only) encoded section.
		 */
		const char *cs = "", *first = ext ? ext : sect[0];
		size_t cslen = 0;
		int enc0 = ext != NULL || sect_enc[0];
		struct buf bytes = { 0 };

		if (enc0) {
			const char *q1 = strchr(first, '\'');
			const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
			if (q2 != NULL) {
				cs = first;
				cslen = (size_t)(q1 - first);
				first = q2 + 1;
			}
		}
		if (ext != NULL)
			mime_pct_decode(first, strlen(first), &bytes);
		else {
			for (size_t k = 0; k < nsect && sect[k]; k++) {
				const char *s = k == 0 ? first : sect[k];
				if (sect_enc[k])
					mime_pct_decode(s, strlen(s), &bytes);
				else
					buf_puts(&bytes, s);
			}
		}
		mime_charset_to_utf8(cs, cslen, bytes.data, bytes.len, &r);
		buf_free(&bytes);
		result = r.data ? (char *)r.data : xstrdup("");
		free(plain);
		*ext_form = 1;
	} else
		result = plain;
	free(ext);
	for (size_t k = 0; k < nsect; k++)
		free(sect[k]);
	free(sect);
	free(sect_enc);
	buf_free(&v);
	return result;
}

char *
mime_param(const char *value, const char *name)
{
	int ext = 0;

	return mime_param_get(value, name, &ext);
}

char *
mime_param_text(const char *value, const char *name)
{
	int ext = 0;
	char *v = mime_param_get(value, name, &ext);
	char *r;

	if (v == NULL)
		return NULL;
	if (ext) {
		struct buf b = { 0 };

		mime_utf8_clean(&b, (const uint8_t *)v, strlen(v));
		r = b.data ? (char *)b.data : xstrdup("");
	} else
		r = mime_decode_words(v);
	free(v);
	return r;
}

/* ---- the date ------------------------------------------------------- */

/*
 * Days since 1970-01-01 to a proleptic Gregorian date: Howard Hinnant's
 * civil_from_days.  Shifting the year to start in March puts the leap
 * day last, so every month but February has a fixed position.
 */
static void
mime_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;	/* days from 0000-03-01 to 1970-01-01 */
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;			/* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;			/* [0, 11] */

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The inverse: Howard Hinnant's days_from_civil. */
int64_t
mime_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;				/* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */

	return era * 146097 + doe - 719468;
}

int
mime_month(const char *s, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

	if (n != 3)
		return 0;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

int
mime_date_day(const char *value, int64_t *day)
{
	const char *p = mime_skip_cfws(value);
	long d, y;
	char *e;

	/* date-time = [ day-of-week "," ] date time (RFC 5322 3.3). */
	const char *comma = strchr(p, ',');
	if (comma != NULL && comma - p <= 4)
		p = mime_skip_cfws(comma + 1);
	/* date = day month year: "5 Jan 2026" or "05 Jan 2026". */
	if (*p < '0' || *p > '9')
		return -1;
	d = strtol(p, &e, 10);
	if (d < 1 || d > 31 || e - p > 2)
		return -1;
	p = mime_skip_cfws(e);
	size_t mlen = 0;
	while (p[mlen] != '\0' && ((p[mlen] | 0x20) >= 'a' &&
	    (p[mlen] | 0x20) <= 'z'))
		mlen++;
	int m = mime_month(p, mlen);
	if (m == 0)
		return -1;
	p = mime_skip_cfws(p + mlen);
	if (*p < '0' || *p > '9')
		return -1;
	y = strtol(p, &e, 10);
	/* 4.3 (obsolete): two digits add 1900 below 50, else 2000. */
	if (e - p == 2)
		y += y < 50 ? 2000 : 1900;
	else if (e - p == 3)
		y += 1900;
	else if (e - p != 4)
		return -1;
	*day = mime_days_from_civil(y, (int)m, (int)d);
	return 0;
}

void
mime_date(struct buf *out, int64_t unix_seconds, int offset_min)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	/* RFC 5322 3.3: the zone is 4 digits, so at most 99:59. */
	const int maxoff = 99 * 60 + 59;
	/* Far beyond any year a mail carries; keeps the sums in range. */
	const int64_t maxsec = (int64_t)1 << 50;

	if (offset_min > maxoff)
		offset_min = maxoff;
	if (offset_min < -maxoff)
		offset_min = -maxoff;
	if (unix_seconds > maxsec)
		unix_seconds = maxsec;
	if (unix_seconds < -maxsec)
		unix_seconds = -maxsec;

	int64_t local = unix_seconds + (int64_t)offset_min * 60;
	int64_t days = local / 86400, secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t year;
	int month, day;
	mime_civil_from_days(days, &year, &month, &day);
	/* 1970-01-01 was a Thursday. */
	int wd = (int)(((days % 7) + 7 + 4) % 7);
	int off = offset_min < 0 ? -offset_min : offset_min;

	buf_printf(out, "%s, %02d %s %04lld %02d:%02d:%02d %c%02d%02d",
	    wday[wd], day, mon[month - 1], (long long)year,
	    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
	    offset_min < 0 ? '-' : '+', off / 60, off % 60);
}
