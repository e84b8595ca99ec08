/*
 * fuzz_imap.c: libFuzzer target for the IMAP codec (imap_wire.c).  The
 * input is read as the server reads a client's bytes (imap_server.c:
 * the octets of a literal under way, then lines from a linebuf, each
 * given to imap_in), and every whole command is parsed; it is read
 * again as the client reads a server's bytes, and every response is
 * read.  It must not matter how TCP cut the stream: feeding it in small
 * pieces must give the same units, literals and refusals.  A unit is
 * put together as it was sent: until a line is dropped as too long,
 * the units read are the input itself, one after the other.  The input
 * is also read as a sequence set, shown as the trace shows it, and
 * written as a string and read back, which must give it again.
 * Built by `make fuzz-build`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap_wire.h"
#include "linebuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one reading of the input gave. */
struct seen {
	struct buf	 units;		/* the whole units, each followed by a NUL */
	struct buf	 refused;	/* per unit over a limit: its tag and the size asked */
	int		 nlit;		/* synchronizing literals ("+" to send) */
	int		 nmore;		/* literals that need no "+" */
};

/* A whole command, as the server takes it (imap_server.c's command()). */
static void
check_command(const uint8_t *p, size_t n)
{
	struct imap_cmd c;
	int rc = imap_parse_command(p, n, &c);

	if (rc == IMAP_PARSE_OK && c.verb == IMAP_LOGIN &&
	    (c.user->s[c.user->len] != '\0' || c.pass->s[c.pass->len] != '\0'))
		abort();
	if (strlen(c.tag) > IMAP_TAG_MAX)
		abort();
	imap_cmd_free(&c);
}

/* A whole response, as the client takes it (imap_client.c's ic_line()). */
static void
check_response(const uint8_t *p, size_t n)
{
	struct imap_resp r;
	uint32_t v;

	if (imap_parse_response(p, n, &r) == 0) {
		const struct imap_val *d = r.data.n ? &r.data.v[0] : NULL;

		imap_val_get(d, "BODY[]");
		imap_val_number(imap_val_get(d, "UID"), &v);
		imap_val_is_nil(imap_val_get(d, "FLAGS"));
		imap_resp_code_num(&r, "UIDVALIDITY", &v);
	}
	imap_resp_free(&r);
}

/*
 * Reads data fed piece bytes at a time, as the server (server != 0) or
 * the client does, with its limits.
 */
static void
read_all(const uint8_t *data, size_t size, size_t piece, int server,
    struct seen *out)
{
	size_t max_line = server ? IMAP_LINE_MAX : IMAP_RESP_LINE_MAX;
	uint64_t max_lit = server ? IMAP_LITERAL_MAX : IMAP_RESP_LITERAL_MAX;
	struct linebuf lb;
	struct imap_in in;
	size_t fed = 0, at = 0;
	int dropped = 0;

	linebuf_init(&lb, max_line);
	imap_in_init(&in, max_line, max_lit);
	while (fed < size) {
		const uint8_t *p = data + fed;
		size_t k = size - fed < piece ? size - fed : piece, t;
		const char *line;
		size_t n;
		enum line_status ls;

		fed += k;
		/* sess_data: a literal's octets as they are, the rest as lines. */
		t = imap_in_octets(&in, p, k);
		linebuf_feed(&lb, p + t, k - t);
		while ((ls = linebuf_next(&lb, &line, &n)) != LINE_NONE) {
			uint64_t lit;
			char tag[IMAP_TAG_MAX + 1];

			switch (imap_in_line(&lb, &in, ls, line, n, &lit)) {
			case IMAP_FRAME_LITERAL:
				if (lit > max_lit)
					abort();
				out->nlit++;
				continue;
			case IMAP_FRAME_MORE:
				out->nmore++;
				continue;
			case IMAP_FRAME_TOO_LONG:
				imap_peek_tag(in.unit.data, in.unit.len, tag);
				buf_printf(&out->refused, "%s %llu;", tag,
				    (unsigned long long)lit);
				/*
				 * A line over the limit is not kept
				 * whole; a refused literal's line is.
				 */
				if (lit == 0)
					dropped = 1;
				break;
			case IMAP_FRAME_DONE:
				/* Never nothing: a unit ends with its line end. */
				if (in.unit.len == 0 ||
				    in.unit.data[in.unit.len - 1] != '\n')
					abort();
				if (server)
					check_command(in.unit.data, in.unit.len);
				else
					check_response(in.unit.data, in.unit.len);
				buf_append(&out->units, in.unit.data, in.unit.len);
				buf_putc(&out->units, '\0');
				break;
			}
			/* As sent: the unit is the next bytes of the input. */
			if (!dropped) {
				if (in.unit.len > size - at ||
				    memcmp(in.unit.data, data + at, in.unit.len))
					abort();
				at += in.unit.len;
			}
		}
	}
	imap_in_free(&in);
	linebuf_free(&lb);
}

static void
seen_free(struct seen *s)
{
	buf_free(&s->units);
	buf_free(&s->refused);
}

static int
buf_same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1. Commands, then responses: whole, then as TCP might cut them. */
	for (int server = 1; server >= 0; server--) {
		struct seen whole = { 0 }, cut = { 0 };

		read_all(data, size, size ? size : 1, server, &whole);
		read_all(data, size, 1 + (size ? data[0] % 7 : 0), server, &cut);
		if (!buf_same(&whole.units, &cut.units) ||
		    !buf_same(&whole.refused, &cut.refused) ||
		    whole.nlit != cut.nlit || whole.nmore != cut.nmore)
			abort();
		seen_free(&whole);
		seen_free(&cut);
	}

	/* 2. The parsers on the raw bytes, not read as lines. */
	struct imap_cmd c;
	imap_parse_command(data, size, &c);
	imap_cmd_free(&c);

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
