/*
 * fuzz_mime.c: libFuzzer target for the message reader and the header
 * text code.  Arbitrary bytes go to msg_parse() (it must fill a valid
 * result whatever it gets) and, as a C string, to mime_decode_words(),
 * mime_param() and mime_content_type().  Two properties abort on
 * failure: the input made valid UTF-8 survives mime_header_text() then
 * unfolding and decoding, and mime_header_params() then mime_param(),
 * with every written line within the limits of RFC 5322 2.1.1 and
 * RFC 2047 section 2.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isim \
 *     tests/fuzz/fuzz_mime.c sim/message.c sim/mime.c sim/base64.c \
 *     sim/util.c $(pkg-config --cflags --libs nettle) -o /tmp/fuzz_mime
 *   /tmp/fuzz_mime -max_total_time=120 tests/fuzz/corpus/mime
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "mime.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A string the reader returned must be valid UTF-8 without NUL. */
static void
fuzz_check_utf8(const char *s)
{
	struct buf b = { 0 };

	if (s == NULL)
		abort();
	mime_utf8_clean(&b, (const uint8_t *)s, strlen(s));
	if (strcmp((char *)b.data, s) != 0)
		abort();
	buf_free(&b);
}

static void
fuzz_check_info(const struct msg_info *mi, size_t size)
{
	fuzz_check_utf8(mi->message_id);
	fuzz_check_utf8(mi->from);
	fuzz_check_utf8(mi->subject);
	for (int i = 0; i < mi->nto; i++)
		fuzz_check_utf8(mi->to[i]);
	for (int i = 0; i < mi->ncc; i++)
		fuzz_check_utf8(mi->cc[i]);
	for (int i = 0; i < mi->natt; i++) {
		fuzz_check_utf8(mi->att[i].name);
		fuzz_check_utf8(mi->att[i].content_type);
		/* Decoding never makes more bytes than it was given. */
		if (mi->att[i].size > size)
			abort();
	}
	if (mi->size != size || mi->hops < 0)
		abort();
	if (mi->report != NULL) {
		const struct msg_report *r = mi->report;

		fuzz_check_utf8(r->report_type);
		for (int i = 0; i < r->nparts; i++)
			fuzz_check_utf8(r->parts[i]);
		for (int i = 0; i < r->nrcpt; i++) {
			fuzz_check_utf8(r->rcpt[i].final_recipient);
			fuzz_check_utf8(r->rcpt[i].action);
			fuzz_check_utf8(r->rcpt[i].status);
			fuzz_check_utf8(r->rcpt[i].diagnostic);
			fuzz_check_utf8(r->rcpt[i].remote_mta);
		}
	}
}

/*
 * Lines end with CRLF, none is empty (that would end the header), none
 * is longer than 78, or 76 with an encoded word.  Returns the value
 * unfolded (RFC 5322 2.2.3), the "Name:" and leading blanks removed.
 */
static char *
fuzz_check_field(const struct buf *f, int strict)
{
	struct buf v = { 0 };
	const char *s = (const char *)f->data;
	size_t start = 0;

	for (size_t i = 0; i < f->len; i++) {
		if (s[i] == '\r' && (i + 1 >= f->len || s[i + 1] != '\n'))
			abort();
		if (s[i] != '\n')
			continue;
		if (i == 0 || s[i - 1] != '\r')
			abort();
		size_t len = i - 1 - start;
		if (len == 0)
			abort();
		char *line = xstrndup(s + start, len);
		size_t max = strstr(line, "=?") ? 76 : 78;
		if (strict && len > max) {
			fprintf(stderr, "line of %zu: %s\n", len, line);
			abort();
		}
		free(line);
		start = i + 1;
	}
	if (start != f->len)
		abort();
	const char *colon = strchr(s, ':');
	for (const char *p = colon + 1; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_putc(&v, *p);
	buf_putc(&v, 0);
	char *r = (char *)v.data;
	memmove(r, r + strspn(r, " \t"), strlen(r + strspn(r, " \t")) + 1);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_info mi;
	struct buf clean = { 0 }, f = { 0 };

	msg_parse(data, size, &mi);
	fuzz_check_info(&mi, size);
	msg_info_free(&mi);

	char *s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char *d = mime_decode_words(s);
	fuzz_check_utf8(d);
	free(d);
	free(mime_param(s, "filename"));
	free(mime_param(s, "boundary"));
	free(mime_content_type(s));

	/* Encoded words: what is written comes back, within the limits. */
	mime_utf8_clean(&clean, (const uint8_t *)s, strlen(s));
	mime_header_text(&f, "Subject", (char *)clean.data);
	char *v = fuzz_check_field(&f, 1);
	d = mime_decode_words(v);
	if (strcmp(d, (char *)clean.data) != 0) {
		fprintf(stderr, "in:  \"%s\"\nout: \"%s\"\n%s",
		    (char *)clean.data, d, (char *)f.data);
		abort();
	}
	free(d);
	free(v);

	/* RFC 2231 parameters: the same. */
	const char *p[] = { "filename", (char *)clean.data, NULL };
	f.len = 0;
	mime_header_params(&f, "Content-Disposition", "attachment", p);
	v = fuzz_check_field(&f, 1);
	d = mime_param(v, "filename");
	if (d == NULL || strcmp(d, (char *)clean.data) != 0) {
		fprintf(stderr, "param in:  \"%s\"\nout: \"%s\"\n%s",
		    (char *)clean.data, d ? d : "(null)", (char *)f.data);
		abort();
	}
	free(d);
	free(v);
	buf_free(&f);
	buf_free(&clean);
	free(s);
	return 0;
}
