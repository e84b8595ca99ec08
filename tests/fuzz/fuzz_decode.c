/*
 * fuzz_decode.c: libFuzzer target for the inspector's decoder
 * (sim/decode.c).
 *
 * The input is a fake trace of one or two frames:
 *	byte 0		the record's kind (TX, RX, QUEUED, DROP, by value % 4)
 *	byte 1		its link: value % 6 - 1 (so -1, no link, too)
 *	byte 2		its direction (bit 0)
 *	byte 3		its TTL
 *	bytes 4-5	where the rest splits into two frames (big-endian);
 *			at or past the end: one frame
 *	the rest	the frame bytes; the record names the last frame, so
 *			that the TCP rows search the first one for a SYN
 * sim_decode() must not read outside the frames, and every row must be
 * a NUL-terminated field and value with bytes inside the frame.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isim \
 *	    tests/fuzz/fuzz_decode.c sim/decode.c sim/trace.c \
 *	    sim/dns_wire.c sim/util.c -o /tmp/fuzz_decode
 *	/tmp/fuzz_decode -max_total_time=120 /tmp/fzd tests/fuzz/corpus/decode
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "trace.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct decode_row *rows, int n, int max, uint32_t len)
{
	if (n < 0 || n > max)
		abort();
	for (int i = 0; i < n; i++) {
		const struct decode_row *r = &rows[i];

		if (r->layer < DECODE_ETH || r->layer > DECODE_IMF ||
		    r->layer_name == NULL ||
		    memchr(r->field, '\0', sizeof r->field) == NULL ||
		    memchr(r->value, '\0', sizeof r->value) == NULL ||
		    r->offset > len || r->length > len - r->offset)
			abort();
		/* Every row has its keys, each one the inspector can translate. */
		if (r->key == NULL || (strcmp(r->key, "imf.field") != 0 &&
		    decode_field_en(r->key) == NULL) || (r->vkey != NULL &&
		    decode_value_en(r->vkey) == NULL))
			abort();
		for (int k = 0; k < DECODE_NARGS; k++)
			if (memchr(r->arg[k], '\0', sizeof r->arg[k]) == NULL)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct decode_row rows[DECODE_MAX_ROWS];
	static const uint16_t kinds[4] = { TR_FRAME_TX, TR_FRAME_RX,
	    TR_FRAME_QUEUED, TR_FRAME_DROP };

	if (size < 6 || size > 6 + 70000)
		return 0;
	const uint8_t *p = data + 6;
	size_t n = size - 6, split = (size_t)(data[4] << 8 | data[5]);
	struct trace *tr = trace_new();
	uint32_t last = 0;

	for (int k = 0; k < 2; k++) {
		size_t off = k == 0 ? 0 : split, len;

		if (k == 0)
			len = split < n ? split : n;
		else if (split < n)
			len = n - split;
		else
			break;
		last = trace_frame_new(tr, 0, 0, (uint32_t)len);
		if (len > 0)
			memcpy(trace_frame_wbytes(tr, last), p + off, len);
	}
	struct trace_rec r = { .t = 0, .kind = kinds[data[0] % 4],
	    .dir = data[2] & 1, .ttl = data[3], .node = 0, .peer = 1,
	    .link = data[1] % 6 - 1, .frame = last };
	trace_add(tr, &r);

	uint32_t len = trace_frame(tr, last)->len;
	r = trace_at(tr, 0);	/* as the trace gives it back */
	int got = sim_decode(tr, &r, rows, DECODE_MAX_ROWS);
	fuzz_check(rows, got, DECODE_MAX_ROWS, len);
	/* A short table takes the first rows, the same ones. */
	static struct decode_row few[5];
	int n5 = sim_decode(tr, &r, few, 5);
	fuzz_check(few, n5, 5, len);
	if (n5 != (got < 5 ? got : 5) ||
	    memcmp(few, rows, (size_t)n5 * sizeof *few) != 0)
		abort();
	/* A record that names no frame decodes to nothing. */
	r.frame = TRACE_NONE;
	if (sim_decode(tr, &r, rows, DECODE_MAX_ROWS) != 0)
		abort();
	trace_free(tr);
	return 0;
}
