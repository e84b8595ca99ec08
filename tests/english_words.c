/*
 * english_words.c: the common English words that have no place in an
 * Indonesian text a student reads (issue 11, point 7), and the finder
 * the tests share: test_indonesian.c over the narration and the
 * window's words, test_window_inspector.c over the packet inspector.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "english_words.h"

/*
 * Common English words that have no place in Indonesian teaching text.
 * "byte" is the word for a byte in both languages (so "bytes" is
 * English); "masuk" and "keluar" say log in and log out.
 */
static const char *const english[] = {
	"the", "and", "of", "to", "is", "are", "was", "were", "for", "with",
	"from", "failed", "fail", "connection", "timed", "out", "no", "not",
	"answer", "loss", "lost", "queued", "delivered", "bounced",
	"rejected", "refused", "node_down", "link_down", "queue_full",
	"ttl_expired", "no_route", "not_for_me", "no_listener", "bad_packet",
	"too_big", "partial_ack", "message", "messages", "bytes", "bits",
	"login", "logout", "log", "mail", "reply", "timeout", "reset",
	"switched", "off", "cannot", "could", "does", "exist", "such",
	"name", "record", "lookup", "delivery", "retry", "gave", "up",
	"after", "minutes", "within", "our", "own", "machine", "side",
	"nothing", "listens", "on", "that", "this", "it", "in",
	"at", "by", "be", "has", "have", "will", "when", "then", "there",
	"what", "which", "who", "or", "but", "if", "an", "as", "into",
	"field", "frame", "length", "type", "class",
	"source", "destination", "flags", "window", "sequence",
	"acknowledgment", "version", "protocol", "options", "ok",
	"step", "play", "pause", "speed", "chapter", "fetching", "sending",
	"bounce", "lossy", "link", "links", "bad", "network",
	"correct", "incorrect", "none", "yes", "relative", "padding",
	"payload", "query", "response", "additional", "referral",
};

static const char *const headers[] = {
	"From", "To", "Subject", "Date", "Received",
};

/*
 * Whether word w (n bytes) is one of the English words above: whole
 * words, case-insensitive, but a word all in capitals is a protocol's
 * (EHLO, LOGIN, TO, FROM, UPDATE, OK) and stays.
 */
static int
is_english(const char *w, size_t n)
{
	int upper = 1;

	for (size_t i = 0; i < n; i++)
		if (islower((unsigned char)w[i]))
			upper = 0;
	if (upper && n >= 2)
		return 0;
	/* A mail header's name, as RFC 5322 spells it: "(From, To, Subject)". */
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		if (strlen(headers[i]) == n && strncmp(headers[i], w, n) == 0)
			return 0;
	for (size_t i = 0; i < sizeof english / sizeof english[0]; i++)
		if (strlen(english[i]) == n &&
		    strncasecmp(english[i], w, n) == 0)
			return 1;
	return 0;
}

/*
 * The first English word of s, copied into out (NULL if none).  A
 * placeholder ({node}) is not a word; a chunk between spaces with a
 * dot, '@', '/', ':' or a digit inside is an address, a host name, a
 * number or a time, and is left out whole.
 */
const char *
first_english(const char *s, char *out, size_t outsz)
{
	const char *p = s;

	while (*p != '\0') {
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		const char *b = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		const char *e = p;
		/* The chunk without the punctuation around it. */
		while (b < e && strchr("\"'(<[{,.;:!?*", *b) != NULL)
			b++;
		while (e > b && strchr("\"')>]},.;:!?*", e[-1]) != NULL)
			e--;
		int addr = 0;
		for (const char *q = b; q < e; q++)
			if (strchr(".@/:=\\", *q) != NULL ||
			    isdigit((unsigned char)*q))
				addr = 1;
		if (addr || b >= e)
			continue;
		/* Words of the chunk: letters and '_' ("node_down"); '-' splits. */
		for (const char *q = b; q < e;) {
			while (q < e && !isalpha((unsigned char)*q) && *q != '_')
				q++;
			const char *w = q;
			while (q < e && (isalpha((unsigned char)*q) || *q == '_'))
				q++;
			/* A placeholder's name: {node}. */
			if (w > s && w[-1] == '{' && q < e + 1 && *q == '}')
				continue;
			if (q > w && is_english(w, (size_t)(q - w))) {
				snprintf(out, outsz, "%.*s", (int)(q - w), w);
				return out;
			}
		}
	}
	return NULL;
}
