/*
 * pcap.c: the classic libpcap file format (the "nanosecond" variant,
 * magic 0xa1b23c4d, which Wireshark and tshark read natively), written
 * from the trace's frame records.  Fields are little-endian, as the
 * magic number written little-endian tells a reader.
 *
 * Timestamps are the scenario's epoch plus the simulated time, so a
 * capture shows the lesson's wall-clock date.
 */
#include "export.h"

#include <stdlib.h>

#define PCAP_MAGIC_NS	0xa1b23c4du
#define LINKTYPE_ETHERNET 1
#define SNAPLEN		65535

static void
le32(struct buf *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	buf_append(b, p, 4);
}

static void
le16(struct buf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	buf_append(b, p, 2);
}

int
export_link_between(const struct scenario *sc, int a, int b)
{
	for (int i = 0; i < sc->nlinks; i++)
		if ((sc->links[i].a == a && sc->links[i].b == b) ||
		    (sc->links[i].a == b && sc->links[i].b == a))
			return i;
	return -1;
}

void
export_pcap(const struct sim *s, int link, struct buf *out)
{
	const struct trace *tr = sim_trace(s);
	const struct scenario *sc = sim_scenario(s);
	uint8_t *tmp = xmalloc(SNAPLEN + 64);

	le32(out, PCAP_MAGIC_NS);
	le16(out, 2);			/* version 2.4 */
	le16(out, 4);
	le32(out, 0);			/* thiszone: timestamps are UTC */
	le32(out, 0);			/* sigfigs */
	le32(out, SNAPLEN);
	le32(out, LINKTYPE_ETHERNET);

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_FRAME_TX)
			continue;
		if (link < 0 ? r.a != 1 : r.link != link)
			continue;
		const struct trace_frame *f = trace_frame(tr, r.frame);
		uint64_t sec = (uint64_t)sc->epoch_unix + r.t / 1000000000ULL;

		trace_frame_on_link(tr, &r, tmp);
		le32(out, (uint32_t)sec);
		le32(out, (uint32_t)(r.t % 1000000000ULL));
		le32(out, f->len);
		le32(out, f->len);
		buf_append(out, tmp, f->len);
	}
	free(tmp);
}
