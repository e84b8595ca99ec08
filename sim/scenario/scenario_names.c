/*
 * scenario_names.c: the syntax of the names and values a scenario writes
 * as strings, and the did-you-mean that softens its errors.
 *
 *	node ids         [a-z0-9_-]{1,32}
 *	FQDNs            RFC 1035 section 2.3.1 with RFC 1123 section 2.1
 *	                 (a label may start with a digit); '_' only where a
 *	                 TXT record needs it (RFC 8552 underscored names)
 *	e-mail addresses RFC 5321 section 4.1.2 Mailbox, dot-atom local parts
 *	                 only (no quoted strings)
 *	times            RFC 3339 section 5.6 date-time
 *	content types    RFC 2045 section 5.1 type "/" subtype
 *	language codes   BCP 47 subset: "en", "id", "pt-BR"
 */
#include "scenario_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	scname_levenshtein(const char *a, const char *b);
static int	scname_digits(const char *s, int n, int *out);
static int	scname_is_atext(int ch);
static int	scname_is_token(int ch);

int
scname_is_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/*
 * Why s is not a domain name, or NULL when it is one.  One trailing dot
 * is allowed (the absolute form); the 253 characters exclude it.
 */
const char *
scname_why_not_fqdn(const char *s, int allow_underscore)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0)
		return "a name cannot be empty";
	if (n > 253)
		return "a name has at most 253 characters";
	for (size_t i = 0; i < n; ) {
		size_t l = 0;

		while (i + l < n && s[i + l] != '.') {
			unsigned char ch = (unsigned char)s[i + l];

			if (!isalnum(ch) && ch != '-' &&
			    !(ch == '_' && allow_underscore))
				return allow_underscore ? "a label has only "
				    "letters, digits, '-' and '_'" :
				    "a label has only letters, digits and '-'";
			l++;
		}
		if (l == 0)
			return "a name cannot have an empty label (two dots, "
			    "or a dot at the start)";
		if (l > 63)
			return "a label has at most 63 characters";
		if (s[i] == '-' || s[i + l - 1] == '-')
			return "a label cannot start or end with '-'";
		i += l + 1;
	}
	return NULL;
}

int
scname_is_fqdn(const char *s, int allow_underscore)
{
	return scname_why_not_fqdn(s, allow_underscore) == NULL;
}

/* Lower case, without the trailing dot: how names are stored. */
char *
scname_fqdn_norm(const char *s)
{
	char *r = xstrdup(s);
	size_t n = strlen(r);

	if (n > 0 && r[n - 1] == '.')
		r[n - 1] = '\0';
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* RFC 5322 section 3.2.3 atext. */
static int
scname_is_atext(int ch)
{
	return isalnum(ch) || (ch != '\0' && strchr("!#$%&'*+/=?^_`{|}~-",
	    ch) != NULL);
}

const char *
scname_why_not_address(const char *s)
{
	const char *at = strrchr(s, '@');

	if (at == NULL)
		return "an address has the form name@domain";
	size_t local = (size_t)(at - s);
	if (local == 0)
		return "the part before '@' is empty";
	if (local > 64)
		return "the part before '@' has at most 64 characters";
	if (strlen(s) > 254)
		return "an address has at most 254 characters";
	for (size_t i = 0; i < local; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (i == 0 || i == local - 1 || s[i - 1] == '.')
				return "dots before '@' may not lead, trail or "
				    "follow each other";
			continue;
		}
		if (ch == '@')
			return "an address has one '@'";
		if (!scname_is_atext(ch))
			return "the part before '@' has a character that "
			    "needs quoting (surel takes letters, digits and "
			    "!#$%&'*+-/=?^_`{|}~.)";
	}
	const char *d = at + 1;
	if (d[0] == '\0')
		return "the domain after '@' is empty";
	if (d[strlen(d) - 1] == '.')
		return "the domain after '@' cannot end with a dot";
	if (scname_why_not_fqdn(d, 0) != NULL)
		return "the part after '@' is not a domain name";
	return NULL;
}

int
scname_is_address(const char *s)
{
	return scname_why_not_address(s) == NULL;
}

/* [a-z]{2,3} optionally followed by -XX (a region, upper case). */
int
scname_is_lang(const char *s)
{
	size_t n = 0;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return 0;
	if (s[n] == '\0')
		return 1;
	return s[n] == '-' && s[n + 1] >= 'A' && s[n + 1] <= 'Z' &&
	    s[n + 2] >= 'A' && s[n + 2] <= 'Z' && s[n + 3] == '\0';
}

/* RFC 2045 token: printable ASCII without space and tspecials. */
static int
scname_is_token(int ch)
{
	return ch > 0x20 && ch < 0x7f && strchr("()<>@,;:\\\"/[]?=", ch) ==
	    NULL;
}

int
scname_is_content_type(const char *s)
{
	const char *slash = strchr(s, '/');

	if (slash == NULL || slash == s || slash[1] == '\0')
		return 0;
	for (const char *p = s; *p; p++)
		if (p != slash && !scname_is_token((unsigned char)*p))
			return 0;
	return 1;
}

/* ---- RFC 3339 ----------------------------------------------------------- */

/* n decimal digits at s into *out; 0 or -1. */
static int
scname_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): no timegm(), which is neither C11 nor POSIX, and no
 * mktime(), which would read the machine's time zone.
 */
int64_t
scname_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;			/* [0, 399] */
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */

	return era * 146097 + doe - 719468;
}

/*
 * RFC 3339 date-time: 2026-01-05T08:00:00+07:00, with 't' or a space for
 * 'T', an optional fraction (ignored: the epoch counts whole seconds),
 * and Z, z or +-HH:MM.  Returns 0, or -1 with the reason in why.
 * Years 1970..9999; no leap second (:60), which Date: headers never show.
 */
int
scname_parse_epoch(const char *s, int64_t *unix_out, int *offset_min_out,
    char why[96])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 1;
	const char *p;

	if (strlen(s) < 19 || scname_digits(s, 4, &y) < 0 || s[4] != '-' ||
	    scname_digits(s + 5, 2, &mo) < 0 || s[7] != '-' ||
	    scname_digits(s + 8, 2, &d) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    scname_digits(s + 11, 2, &h) < 0 || s[13] != ':' ||
	    scname_digits(s + 14, 2, &mi) < 0 || s[16] != ':' ||
	    scname_digits(s + 17, 2, &se) < 0) {
		snprintf(why, 96, "the form is YYYY-MM-DDTHH:MM:SS followed "
		    "by Z or +HH:MM");
		return -1;
	}
	p = s + 19;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9') {
			snprintf(why, 96, "a digit must follow the '.' of the "
			    "seconds");
			return -1;
		}
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && scname_digits(p + 1, 2, &oh) ==
	    0 && p[3] == ':' && scname_digits(p + 4, 2, &om) == 0) {
		sign = *p == '-' ? -1 : 1;
		p += 6;
	} else {
		snprintf(why, 96, "the time must end with Z or a zone offset "
		    "like +07:00");
		return -1;
	}
	if (*p != '\0') {
		snprintf(why, 96, "unexpected text after the zone");
		return -1;
	}
	if (y < 1970) {
		snprintf(why, 96, "the year must be 1970 or later");
		return -1;
	}
	if (mo < 1 || mo > 12) {
		snprintf(why, 96, "there is no month %02d", mo);
		return -1;
	}
	int dim = mdays[mo - 1] + (mo == 2 && (y % 4 == 0 &&
	    (y % 100 != 0 || y % 400 == 0)));
	if (d < 1 || d > dim) {
		snprintf(why, 96, "%04d-%02d has no day %02d", y, mo, d);
		return -1;
	}
	if (h > 23 || mi > 59 || se > 59) {
		snprintf(why, 96, "%02d:%02d:%02d is not a time of day%s", h,
		    mi, se, se == 60 ? " (leap seconds are not supported)" :
		    "");
		return -1;
	}
	if (oh > 23 || om > 59) {
		snprintf(why, 96, "the zone offset %02d:%02d is out of range",
		    oh, om);
		return -1;
	}
	int off = sign * (oh * 60 + om);
	*unix_out = scname_days_from_civil(y, mo, d) * 86400 +
	    (int64_t)h * 3600 + mi * 60 + se - (int64_t)off * 60;
	*offset_min_out = off;
	return 0;
}

/* ---- did you mean ------------------------------------------------------- */

/* Edit distance, ignoring case; words longer than 64 are just "far". */
static int
scname_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[65];

	if (la > 64 || lb > 64)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			int best = diag + cost;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * The choice closest to word, or NULL when none is close: at most half
 * the word's length of edits, so "latency" finds "latency_ms" and "IP"
 * finds "ip", but "a" finds no "x" and "foo" nothing in particular.
 * Ties go to the earlier choice.
 */
const char *
scname_suggest(const char *word, const char *const *choices, int n)
{
	int len = (int)strlen(word), best = 1000;
	int limit = len / 2;
	const char *pick = NULL;

	for (int i = 0; i < n; i++) {
		int d = scname_levenshtein(word, choices[i]);

		if (d < best) {
			best = d;
			pick = choices[i];
		}
	}
	return best <= limit ? pick : NULL;
}

const char *
scenario_suggest(const char *word, const char *const *choices, int n)
{
	return scname_suggest(word, choices, n);
}
