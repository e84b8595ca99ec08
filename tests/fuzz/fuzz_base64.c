/*
 * fuzz_base64.c: libFuzzer target for base64 (RFC 4648 section 4).
 * Whatever the strict decoder accepts must encode back to the same text
 * without its blanks (it rejects non-zero pad bits, so the encoding is
 * unique) and decode again to the same bytes, wrapped at 76 or not; the
 * forgiving decoder must agree with it there and never crash elsewhere.
 * abort() on any mismatch.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isim \
 *     tests/fuzz/fuzz_base64.c sim/base64.c sim/util.c -o /tmp/fuzz_b64
 *   /tmp/fuzz_b64 -max_total_time=120 tests/fuzz/corpus/base64
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf d = { 0 }, e = { 0 }, d2 = { 0 }, bare = { 0 }, l = { 0 };
	const char *in = (const char *)data;

	b64_decode_lenient(in, size, &l);
	if (b64_decode(in, size, &d) == 0) {
		/* The canonical text: the input without CR, LF, SP, HT. */
		for (size_t i = 0; i < size; i++)
			if (!strchr("\r\n \t", in[i]) || in[i] == '\0')
				buf_putc(&bare, in[i]);
		for (int wrap = 0; wrap < 2; wrap++) {
			e.len = 0;
			d2.len = 0;
			b64_encode(d.data, d.len, &e, wrap);
			if (!wrap && (e.len != bare.len ||
			    (e.len && memcmp(e.data, bare.data, e.len) != 0)))
				abort();
			if (b64_decode((char *)e.data, e.len, &d2) != 0)
				abort();
			if (d2.len != d.len ||
			    (d.len && memcmp(d.data, d2.data, d.len) != 0))
				abort();
		}
		/* On valid input the forgiving decoder says the same. */
		if (l.len != d.len || (d.len && memcmp(l.data, d.data, d.len)))
			abort();
	}
	buf_free(&d);
	buf_free(&e);
	buf_free(&d2);
	buf_free(&bare);
	buf_free(&l);
	return 0;
}
