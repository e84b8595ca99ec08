/*
 * fuzz_imap_fetch.c: libFuzzer target for the message side of IMAP
 * (imap_fetch.c).  The input is a stored message, as any sender may
 * write it; the server describes it as FETCH does (ENVELOPE,
 * BODYSTRUCTURE, sections by part number, header fields), and what it
 * writes must read back, with our own reader (linebuf and imap_in, as
 * the client reads), as the same bytes and one valid IMAP response.
 * SEARCH keys run over it too.  Built by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap.h"
#include "world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The commands whose items and keys are tried on every message. */
static const char *const fetches[] = {
	"f FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY "
	    "BODYSTRUCTURE)",
	"f FETCH 1 (BODY[] BODY[HEADER] BODY[TEXT] BODY[1] BODY[2] BODY[1.1] "
	    "BODY[2.MIME] BODY[1.HEADER] BODY[2.1.TEXT] BODY[3.2.1] "
	    "BODY[HEADER.FIELDS (From Subject)] BODY[HEADER.FIELDS.NOT (To)] "
	    "BODY[TEXT]<3.7> BODY[]<100000.5>)",
	"f FETCH 1 (RFC822 RFC822.HEADER RFC822.TEXT)",
};
static const char *const searches[] = {
	"s SEARCH OR FROM a SUBJECT \"\" NOT TEXT x",
	"s SEARCH HEADER Content-Type multipart BODY --",
	"s SEARCH LARGER 10 SMALLER 1000 UNSEEN UID 1:*",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario sc;
	struct sim s;
	struct mbox_msg m;
	struct imap_cmd c;

	memset(&s, 0, sizeof s);
	s.sc = &sc;
	memset(&m, 0, sizeof m);
	m.uid = 7;
	buf_append(&m.data, data, size);
	struct imap_msgref ref = { &m, 1, IMAP_FL_SEEN | IMAP_FL_RECENT, 0 };

	for (size_t i = 0; i < sizeof fetches / sizeof *fetches; i++) {
		struct buf out = { 0 };
		struct imap_resp r;
		struct linebuf lb;
		struct imap_in in;
		const char *line;
		size_t len;
		uint64_t lit;
		enum line_status ls;
		int done = 0;

		if (imap_parse_command((const uint8_t *)fetches[i],
		    strlen(fetches[i]), &c) != IMAP_PARSE_OK)
			abort();
		buf_puts(&out, "* 1 FETCH (");
		imap_fetch_data(&s, &ref, c.fetch.items, &c.fetch, &out);
		buf_puts(&out, ")\r\n");
		/*
		 * One response, read whole as the client reads it: literals
		 * ("{N}", the client needs no "+") and then its end.
		 */
		linebuf_init(&lb, IMAP_RESP_LINE_MAX);
		imap_in_init(&in, IMAP_RESP_LINE_MAX, IMAP_RESP_LITERAL_MAX);
		linebuf_feed(&lb, out.data, out.len);
		while ((ls = linebuf_next(&lb, &line, &len)) != LINE_NONE) {
			enum imap_frame st = imap_in_line(&lb, &in, ls, line, len,
			    &lit);

			if (done || (st != IMAP_FRAME_LITERAL &&
			    st != IMAP_FRAME_DONE))
				abort();
			done = st == IMAP_FRAME_DONE;
		}
		if (!done || in.unit.len != out.len ||
		    memcmp(in.unit.data, out.data, out.len) != 0)
			abort();
		if (imap_parse_response(in.unit.data, in.unit.len, &r) != 0 ||
		    r.data.n != 1 || r.data.v[0].type != IMAP_V_LIST)
			abort();
		imap_in_free(&in);
		linebuf_free(&lb);
		imap_resp_free(&r);
		imap_cmd_free(&c);
		buf_free(&out);
	}
	for (size_t i = 0; i < sizeof searches / sizeof *searches; i++) {
		if (imap_parse_command((const uint8_t *)searches[i],
		    strlen(searches[i]), &c) != IMAP_PARSE_OK)
			abort();
		imap_search_match(&c.search, &ref, 1, 7);
		imap_cmd_free(&c);
	}
	buf_free(&m.data);
	return 0;
}
