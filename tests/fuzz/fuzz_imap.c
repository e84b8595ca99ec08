/*
 * fuzz_imap.c: libFuzzer target for the IMAP codec (imap_wire.c).  The
 * input is framed as a server frames a client's bytes, and every whole
 * command is parsed; it is framed again as a client frames a server's
 * bytes, and every response is read.  It must not matter how TCP cut
 * the stream: feeding it in small pieces must give the same commands.
 * The input is also read as a sequence set, shown as the trace shows
 * it, and written as a string and read back, which must give it again.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isim \
 *       tests/fuzz/fuzz_imap.c sim/imap_wire.c sim/util.c -o fuzz_imap
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole commands framed from data fed piece bytes at a time, joined with NUL marks. */
static void
frame_all(const uint8_t *data, size_t size, size_t piece, struct buf *units,
    int *nlit)
{
	struct imap_framer f;
	struct buf in = { 0 };
	size_t fed = 0;

	imap_framer_init(&f, IMAP_LINE_MAX, IMAP_LITERAL_MAX);
	while (fed < size) {
		size_t k = size - fed < piece ? size - fed : piece;

		buf_append(&in, data + fed, k);
		fed += k;
		for (;;) {
			size_t len;
			uint64_t lit;
			enum imap_frame st = imap_framer_next(&f, in.data, in.len,
			    &len, &lit);

			if (st == IMAP_FRAME_MORE)
				break;
			if (st == IMAP_FRAME_LITERAL) {
				(*nlit)++;
				continue;
			}
			/* Whatever is handed back is there, and never nothing. */
			if (len == 0 || len > in.len)
				abort();
			if (st == IMAP_FRAME_DONE) {
				struct imap_cmd c;
				int rc = imap_parse_command(in.data, len, &c);

				if (rc == IMAP_PARSE_OK && c.verb == IMAP_LOGIN &&
				    (c.user->s[c.user->len] != '\0' ||
				    c.pass->s[c.pass->len] != '\0'))
					abort();
				if (strlen(c.tag) > IMAP_TAG_MAX)
					abort();
				imap_cmd_free(&c);
				buf_append(units, in.data, len);
				buf_putc(units, '\0');
			}
			memmove(in.data, in.data + len, in.len - len);
			in.len -= len;
		}
	}
	buf_free(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1. Commands: whole, then as TCP might cut them. */
	struct buf whole = { 0 }, cut = { 0 };
	int lit_whole = 0, lit_cut = 0;

	frame_all(data, size, size ? size : 1, &whole, &lit_whole);
	frame_all(data, size, 1 + (size ? data[0] % 7 : 0), &cut, &lit_cut);
	if (whole.len != cut.len || (whole.len &&
	    memcmp(whole.data, cut.data, whole.len) != 0) ||
	    lit_whole != lit_cut)
		abort();
	buf_free(&whole);
	buf_free(&cut);

	/* 2. The parsers on the raw bytes, not framed. */
	struct imap_cmd c;
	imap_parse_command(data, size, &c);
	imap_cmd_free(&c);

	/* 3. Responses, framed as the client frames them. */
	struct imap_framer f;
	size_t off = 0;
	imap_framer_init(&f, IMAP_RESP_LINE_MAX, IMAP_RESP_LITERAL_MAX);
	for (;;) {
		size_t len;
		uint64_t lit;
		enum imap_frame st = imap_framer_next(&f, data + off, size - off,
		    &len, &lit);

		if (st == IMAP_FRAME_MORE)
			break;
		if (st == IMAP_FRAME_LITERAL)
			continue;
		if (st == IMAP_FRAME_DONE) {
			struct imap_resp r;
			uint32_t v;

			if (imap_parse_response(data + off, len, &r) == 0) {
				const struct imap_val *d = r.data.n ? &r.data.v[0] :
				    NULL;
				imap_val_get(d, "BODY[]");
				imap_val_number(imap_val_get(d, "UID"), &v);
				imap_val_is_nil(imap_val_get(d, "FLAGS"));
				imap_resp_code_num(&r, "UIDVALIDITY", &v);
			}
			imap_resp_free(&r);
		}
		off += len;
	}

	/* 4. A sequence set, and what it holds. */
	struct imap_seqset set;
	if (imap_seqset_parse((const char *)data, size, &set) == 0) {
		if (set.n == 0)
			abort();
		imap_seqset_has(&set, 1, 10);
		imap_seqset_has(&set, UINT32_MAX, UINT32_MAX);
		imap_seqset_top(&set);
	}
	imap_seqset_free(&set);

	/* 5. As the trace shows it. */
	struct buf shown = { 0 };
	imap_shown(data, size, &shown);
	for (size_t i = 0; i < shown.len; i++)
		if (shown.data[i] < 0x20 || shown.data[i] >= 0x7f)
			abort();
	buf_free(&shown);

	/* 6. Written as a string, read back: the same bytes. */
	struct buf line = { 0 };
	buf_puts(&line, "t LOGIN ");
	imap_put_string(&line, data, size, 1);
	buf_puts(&line, " p\r\n");
	if (imap_parse_command(line.data, line.len, &c) != IMAP_PARSE_OK ||
	    c.user->len != size || (size && memcmp(c.user->s, data, size) != 0))
		abort();
	imap_cmd_free(&c);
	buf_free(&line);
	return 0;
}
