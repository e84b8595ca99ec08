/*
 * trace.c: the append-only trace.  Records and frames live in chunks
 * that never move (a frame's address stays valid, and 70 million
 * records are never copied to grow); the text arena is a growable array: growth
 * doubles, so appending is amortised O(1); glibc's realloc moves large
 * blocks with mremap, so the peak memory stays close to what is held.
 * Frame bytes live in chunks that never move: a frame is written once
 * where it stays (net builds it there) and read in place while other
 * frames are added.  Without bytes kept (trace_keep_bytes()), a chunk of
 * bytes, or of frames, is freed once every frame in it is done.  A lean trace (trace_keep_only())
 * stores only the records its reader asked for, and reuses the text
 * written for the others.
 *
 * Records are most of a big trace (72 million at 100,000 messages, 88 %
 * of them a frame queued, sent or received), so each has a slot of 12
 * bytes, and trace_at() rebuilds the struct from it: a hop record keeps
 * its time as an offset from its block's base, its frame, and one word
 * (kind, dir, "created", ttl, a small index of its say key, link); its
 * node and peer are the ends of its link, learned from the first hop on
 * that link.  Any other record, or a hop that does not fit (checked as it
 * is added, never assumed), is an escape: its slot holds the index of the
 * whole record in a side store of chunks that never move.
 */
#include "trace.h"
#include "eth.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

/* Frame bytes: 4 MiB chunks (a frame is at most 64 KiB and never spans two). */
#define CHUNK_SHIFT	22
#define CHUNK_SIZE	((size_t)1 << CHUNK_SHIFT)
#define CHUNK_MASK	(CHUNK_SIZE - 1)

/* Frames: 65,536 (1.5 MiB) a chunk. */
#define FR_SHIFT	16
#define FR_CHUNK	((size_t)1 << FR_SHIFT)
#define FR_MASK		(FR_CHUNK - 1)

/* Record slots: 32,768 (388 KiB with their time bases) a chunk. */
#define REC_SHIFT	15
#define REC_CHUNK	((size_t)1 << REC_SHIFT)
#define REC_MASK	(REC_CHUNK - 1)
/*
 * One time base per block of 64 slots (1 bit a record): a lesson's quiet
 * minutes push fewer of a block's records past 2^32 ns than with 256.
 */
#define BLK_SHIFT	6

/* Escaped records, whole: 8,192 (384 KiB) a chunk. */
#define ESC_SHIFT	13
#define ESC_CHUNK	((size_t)1 << ESC_SHIFT)
#define ESC_MASK	(ESC_CHUNK - 1)

/*
 * A slot's w: kind (2 bits: QUEUED, TX, RX, or HOP_ESC), dir (1), a of
 * a TX ("node created it", 1), ttl (8), say index (6; 0 = no say), link
 * (14).  An escape's frame is its index in the side store.
 */
#define HOP_ESC		3
#define W_DIR		2
#define W_CREATED	3
#define W_TTL		4
#define W_SAY		12
#define W_LINK		18
#define SAY_SMALL	64		/* say indexes 1..63 */
#define SAY_SMALL_H	128		/* say offset -> index, open addressing */
#define LINK_MAX	(1u << (32 - W_LINK))
#define END_UNKNOWN	INT32_MIN

struct rec_slot {
	uint32_t	 dt;		/* t minus its block's base */
	uint32_t	 frame;		/* or an escape's index */
	uint32_t	 w;
};

struct rec_chunk {
	uint64_t	 base[REC_CHUNK >> BLK_SHIFT];	/* t of each block's first record */
	struct rec_slot	 slot[REC_CHUNK];
};

/* Distinct argument-less keys remembered by trace_say_key(); more are stored each time. */
#define SAY_INTERN	1024
/* Separates the key and each argument in the text arena. */
#define SAY_SEP		'\x1f'

struct trace {
	struct rec_chunk	**recs;		/* chunks of REC_CHUNK slots */
	size_t			 nrecs, caprecs;	/* stored; chunk pointers */
	struct trace_rec	**esc;		/* escaped records, chunks of ESC_CHUNK */
	size_t			 nesc, capesc;	/* stored; chunk pointers */
	int32_t			(*ends)[2];	/* a link's ends {a, b}, as its first hop said */
	size_t			 nends;
	size_t			 nadded;	/* added, stored or not */
	uint64_t		 last_t;	/* of the last record added */
	/* trace_keep_only(): what a lean trace stores; text below text_floor stays. */
	int			 lean;
	uint32_t		 keep_kinds, keep_states;
	size_t			 text_floor;
	struct trace_frame	**frames;	/* chunks of FR_CHUNK; NULL once freed */
	uint32_t		*frame_live;	/* frames not yet done, per chunk */
	size_t			 nframes, capframes;	/* frames; chunk pointers */
	size_t			 frames_held;	/* chunks allocated now */
	uint8_t			**chunks;	/* NULL once freed */
	uint32_t		*chunk_live;	/* frames not yet done, per chunk */
	size_t			 nchunks, capchunks;
	size_t			 chunk_used;	/* in the last chunk */
	size_t			 held;		/* chunk bytes allocated now */
	int			 drop_bytes;	/* free a chunk when its frames are done */
	struct buf		 text;
	/* trace_say_key(): key address -> offset, open addressing. */
	const char		*say_keys[SAY_INTERN];
	uint32_t		 say_offs[SAY_INTERN];
	/* The first 63 of them by a small index, and back (hop slots). */
	uint32_t		 say_small[SAY_SMALL];
	int			 nsmall;
	uint32_t		 small_off[SAY_SMALL_H];
	uint8_t			 small_idx[SAY_SMALL_H];
	struct trace_memo	*memo;		/* trace_memo() */
};

struct trace *
trace_new(void)
{
	struct trace *tr = xcalloc(1, sizeof *tr);

	/* Offset 0 of the text arena means "no text". */
	buf_putc(&tr->text, '\0');
	tr->text_floor = tr->text.len;
	tr->memo = xcalloc(1, sizeof *tr->memo);
	return tr;
}

struct trace_memo *
trace_memo(const struct trace *tr)
{
	return tr->memo;
}

void
trace_free(struct trace *tr)
{
	if (tr == NULL)
		return;
	for (size_t i = 0; i < tr->nrecs; i += REC_CHUNK)
		free(tr->recs[i >> REC_SHIFT]);
	free(tr->recs);
	for (size_t i = 0; i < tr->nesc; i += ESC_CHUNK)
		free(tr->esc[i >> ESC_SHIFT]);
	free(tr->esc);
	free(tr->ends);
	for (size_t i = 0; i < tr->nframes; i += FR_CHUNK)
		free(tr->frames[i >> FR_SHIFT]);
	free(tr->frames);
	free(tr->frame_live);
	for (size_t i = 0; i < tr->nchunks; i++)
		free(tr->chunks[i]);
	free(tr->chunks);
	free(tr->chunk_live);
	buf_free(&tr->text);
	if (tr->memo->free != NULL)
		tr->memo->free(tr->memo->p);
	free(tr->memo);
	free(tr);
}

static int
trace_keeps(const struct trace *tr, const struct trace_rec *r)
{
	if (!tr->lean)
		return 1;
	if (r->kind == TR_STATE)
		return r->a < 32 && (tr->keep_states >> r->a & 1);
	return r->kind < 32 && (tr->keep_kinds >> r->kind & 1);
}

/* The small index of say (an interned key), or 0. */
static unsigned
say_small_index(const struct trace *tr, uint32_t say)
{
	size_t h = say % SAY_SMALL_H;

	for (size_t i = 0; i < SAY_SMALL_H; i++, h = (h + 1) % SAY_SMALL_H) {
		if (tr->small_off[h] == say)
			return tr->small_idx[h];
		if (tr->small_off[h] == 0)
			return 0;
	}
	return 0;
}

/* The ends {a, b} of link li, learned here from r if it is the first hop on it. */
static const int32_t *
link_ends(struct trace *tr, const struct trace_rec *r)
{
	size_t li = (size_t)r->link;

	if (li >= tr->nends) {
		size_t n = tr->nends ? tr->nends : 64;

		while (n <= li)
			n *= 2;
		tr->ends = xrealloc(tr->ends, n * sizeof *tr->ends);
		for (size_t i = tr->nends; i < n; i++)
			tr->ends[i][0] = tr->ends[i][1] = END_UNKNOWN;
		tr->nends = n;
	}
	if (tr->ends[li][0] == END_UNKNOWN) {
		/* TX and QUEUED happen at the sender, RX at the receiver (net.c). */
		int32_t from = r->kind == TR_FRAME_RX ? r->peer : r->node;
		int32_t to = r->kind == TR_FRAME_RX ? r->node : r->peer;

		tr->ends[li][0] = r->dir ? to : from;
		tr->ends[li][1] = r->dir ? from : to;
	}
	return tr->ends[li];
}

/* r as a hop slot's w, or HOP_ESC where it does not fit. */
static uint32_t
hop_word(struct trace *tr, const struct trace_rec *r, uint64_t base)
{
	unsigned say = 0;

	if (r->kind > TR_FRAME_RX || r->t - base > UINT32_MAX ||
	    r->text != 0 || r->b != 0 || r->a > 1 || r->dir > 1 ||
	    r->link < 0 || (uint32_t)r->link >= LINK_MAX ||
	    r->node == END_UNKNOWN || r->peer == END_UNKNOWN)
		return HOP_ESC;
	if (r->say != 0 && (say = say_small_index(tr, r->say)) == 0)
		return HOP_ESC;
	const int32_t *e = link_ends(tr, r);
	int32_t from = e[r->dir], to = e[!r->dir];
	if (r->kind == TR_FRAME_RX ? (r->node != to || r->peer != from) :
	    (r->node != from || r->peer != to))
		return HOP_ESC;
	return (uint32_t)r->kind | (uint32_t)r->dir << W_DIR |
	    r->a << W_CREATED | (uint32_t)r->ttl << W_TTL |
	    say << W_SAY | (uint32_t)r->link << W_LINK;
}

/* Keep the whole of r in the side store; returns its index. */
static uint32_t
esc_add(struct trace *tr, const struct trace_rec *r)
{
	if (tr->nesc >= UINT32_MAX)
		fatalx("too many trace records");
	if ((tr->nesc & ESC_MASK) == 0) {
		size_t c = tr->nesc >> ESC_SHIFT;

		if (c == tr->capesc) {
			tr->capesc = tr->capesc ? tr->capesc * 2 : 64;
			tr->esc = xrealloc(tr->esc, tr->capesc *
			    sizeof *tr->esc);
		}
		tr->esc[c] = xmalloc(ESC_CHUNK * sizeof **tr->esc);
	}
	tr->esc[tr->nesc >> ESC_SHIFT][tr->nesc & ESC_MASK] = *r;
	return (uint32_t)tr->nesc++;
}

uint32_t
trace_add(struct trace *tr, const struct trace_rec *r)
{
	if (tr->nadded > 0 && r->t < tr->last_t)
		fatalx("trace record out of time order");
	tr->last_t = r->t;
	if (!trace_keeps(tr, r)) {
		/*
		 * Nobody reads it, nor the text written for it since the
		 * last record kept: the arena takes the next text there.
		 */
		tr->text.len = tr->text_floor;
		return (uint32_t)tr->nadded++;
	}
	if ((tr->nrecs & REC_MASK) == 0) {
		size_t c = tr->nrecs >> REC_SHIFT;

		if (c == tr->caprecs) {
			tr->caprecs = tr->caprecs ? tr->caprecs * 2 : 64;
			tr->recs = xrealloc(tr->recs, tr->caprecs *
			    sizeof *tr->recs);
		}
		tr->recs[c] = xmalloc(sizeof **tr->recs);
	}
	struct rec_chunk *c = tr->recs[tr->nrecs >> REC_SHIFT];
	size_t i = tr->nrecs & REC_MASK;
	struct rec_slot *d = &c->slot[i];
	if ((i & ((1u << BLK_SHIFT) - 1)) == 0)
		c->base[i >> BLK_SHIFT] = r->t;
	uint64_t base = c->base[i >> BLK_SHIFT];
	uint32_t w = hop_word(tr, r, base);
	if (w != HOP_ESC) {
		d->dt = (uint32_t)(r->t - base);
		d->frame = r->frame;
		d->w = w;
	} else if (tr->lean && r->kind == TR_APP) {
		/* Its say was written before its frames (session.c): maybe reused. */
		struct trace_rec q = *r;

		q.say = 0;
		d->dt = 0;
		d->frame = esc_add(tr, &q);
		d->w = HOP_ESC;
	} else {
		d->dt = 0;
		d->frame = esc_add(tr, r);
		d->w = HOP_ESC;
	}
	tr->text_floor = tr->text.len;
	tr->nrecs++;
	return (uint32_t)tr->nadded++;
}

void
trace_keep_only(struct trace *tr, uint32_t kinds, uint32_t states)
{
	tr->lean = 1;
	tr->keep_kinds = kinds;
	tr->keep_states = states;
}

uint32_t
trace_frame_alloc(struct trace *tr, uint64_t t, int origin, uint32_t len)
{
	if (tr->nframes >= TRACE_NONE)
		fatalx("too many frames");
	if ((tr->nframes & FR_MASK) == 0) {
		size_t c = tr->nframes >> FR_SHIFT;

		if (c == tr->capframes) {
			tr->capframes = tr->capframes ? tr->capframes * 2 : 64;
			tr->frames = xrealloc(tr->frames, tr->capframes *
			    sizeof *tr->frames);
			tr->frame_live = xrealloc(tr->frame_live,
			    tr->capframes * sizeof *tr->frame_live);
		}
		tr->frames[c] = xmalloc(FR_CHUNK * sizeof **tr->frames);
		tr->frame_live[c] = 0;
		tr->frames_held++;
	}
	if (len > CHUNK_SIZE)
		fatalx("a frame of %u bytes", len);
	if (tr->nchunks == 0 || tr->chunk_used + len > CHUNK_SIZE) {
		/* The last chunk is done taking frames: it goes if they all are done. */
		if (tr->drop_bytes && tr->nchunks > 0 &&
		    tr->chunk_live[tr->nchunks - 1] == 0 &&
		    tr->chunks[tr->nchunks - 1] != NULL) {
			free(tr->chunks[tr->nchunks - 1]);
			tr->chunks[tr->nchunks - 1] = NULL;
			tr->held -= CHUNK_SIZE;
		}
		if (tr->nchunks == tr->capchunks) {
			tr->capchunks = tr->capchunks ? tr->capchunks * 2 : 64;
			tr->chunks = xrealloc(tr->chunks, tr->capchunks *
			    sizeof *tr->chunks);
			tr->chunk_live = xrealloc(tr->chunk_live,
			    tr->capchunks * sizeof *tr->chunk_live);
		}
		uint8_t *c = NULL;
#ifdef MADV_HUGEPAGE
		/* Fewer page faults on first touch where the kernel has huge pages. */
		if (posix_memalign((void **)&c, 2u << 20, CHUNK_SIZE) == 0)
			madvise(c, CHUNK_SIZE, MADV_HUGEPAGE);
		else
			c = NULL;
#endif
		if (c == NULL)
			c = xmalloc(CHUNK_SIZE);
		tr->chunks[tr->nchunks] = c;
		tr->chunk_live[tr->nchunks] = 0;
		tr->nchunks++;
		tr->chunk_used = 0;
		tr->held += CHUNK_SIZE;
	}
	struct trace_frame *f = &tr->frames[tr->nframes >> FR_SHIFT][tr->nframes &
	    FR_MASK];
	f->t = t;
	f->off = (uint64_t)(tr->nchunks - 1) << CHUNK_SHIFT | tr->chunk_used;
	f->len = len;
	f->origin = origin;
	tr->chunk_used += len;
	tr->chunk_live[tr->nchunks - 1]++;
	tr->frame_live[tr->nframes >> FR_SHIFT]++;
	return (uint32_t)tr->nframes++;
}

uint32_t
trace_frame_new(struct trace *tr, uint64_t t, int origin, uint32_t len)
{
	uint32_t f = trace_frame_alloc(tr, t, origin, len);

	memset(trace_frame_wbytes(tr, f), 0, len);
	return f;
}

/* Frame f (< nframes), or NULL once its chunk is freed. */
static struct trace_frame *
frame_at(const struct trace *tr, uint32_t f)
{
	struct trace_frame *c = tr->frames[f >> FR_SHIFT];

	return c ? &c[f & FR_MASK] : NULL;
}

uint8_t *
trace_frame_wbytes(struct trace *tr, uint32_t frame)
{
	const struct trace_frame *f = frame_at(tr, frame);

	if (f == NULL)
		return NULL;
	uint64_t off = f->off;
	uint8_t *c = tr->chunks[off >> CHUNK_SHIFT];

	return c ? c + (off & CHUNK_MASK) : NULL;
}

void
trace_keep_bytes(struct trace *tr, int keep)
{
	tr->drop_bytes = !keep;
}

void
trace_frame_done(struct trace *tr, uint32_t frame)
{
	if (!tr->drop_bytes || frame >= tr->nframes ||
	    frame_at(tr, frame) == NULL)
		return;
	size_t ci = (size_t)(frame_at(tr, frame)->off >> CHUNK_SHIFT);
	if (tr->chunk_live[ci] > 0)
		tr->chunk_live[ci]--;
	/* The last chunk still takes new frames. */
	if (tr->chunk_live[ci] == 0 && ci + 1 < tr->nchunks &&
	    tr->chunks[ci] != NULL) {
		free(tr->chunks[ci]);
		tr->chunks[ci] = NULL;
		tr->held -= CHUNK_SIZE;
	}
	/* The same for the frames themselves: nobody asks for them again. */
	size_t fc = frame >> FR_SHIFT;
	if (tr->frame_live[fc] > 0)
		tr->frame_live[fc]--;
	/* A chunk that is not full still takes new frames. */
	if (tr->frame_live[fc] == 0 && ((fc + 1) << FR_SHIFT) <= tr->nframes) {
		free(tr->frames[fc]);
		tr->frames[fc] = NULL;
		tr->frames_held--;
	}
}

uint32_t
trace_text(struct trace *tr, const char *s, size_t n)
{
	size_t off = tr->text.len;

	if (off + n + 1 > UINT32_MAX)
		fatalx("trace text arena full");
	buf_append(&tr->text, s, n);
	buf_putc(&tr->text, '\0');
	return (uint32_t)off;
}

size_t
trace_count(const struct trace *tr)
{
	return tr->nrecs;
}

struct trace_rec
trace_at(const struct trace *tr, size_t i)
{
	if (i >= tr->nrecs)
		fatalx("trace record %zu of %zu", i, tr->nrecs);
	const struct rec_chunk *c = tr->recs[i >> REC_SHIFT];
	const struct rec_slot *d = &c->slot[i & REC_MASK];
	uint32_t w = d->w;
	unsigned kind = w & 3;

	if (kind == HOP_ESC) {
		if (d->frame >= tr->nesc)
			fatalx("trace record %zu: kept whole as %u of %zu", i,
			    d->frame, tr->nesc);
		return tr->esc[d->frame >> ESC_SHIFT][d->frame & ESC_MASK];
	}

	unsigned dir = w >> W_DIR & 1;
	uint32_t li = w >> W_LINK;
	int32_t from = tr->ends[li][dir], to = tr->ends[li][!dir];

	/* Built in place: no copy through the stack (readers call this a lot). */
	return (struct trace_rec){
		.t = c->base[(i & REC_MASK) >> BLK_SHIFT] + d->dt,
		.kind = (uint16_t)kind,
		.dir = (uint8_t)dir,
		.ttl = (uint8_t)(w >> W_TTL),
		.node = kind == TR_FRAME_RX ? to : from,
		.peer = kind == TR_FRAME_RX ? from : to,
		.link = (int32_t)li,
		.frame = d->frame,
		.a = w >> W_CREATED & 1,
		.say = tr->say_small[w >> W_SAY & (SAY_SMALL - 1)],
	};
}

size_t
trace_first_at(const struct trace *tr, uint64_t t)
{
	size_t lo = 0, hi = tr->nrecs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (trace_at(tr, mid).t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
trace_added(const struct trace *tr)
{
	return tr->nadded;
}

size_t
trace_frame_count(const struct trace *tr)
{
	return tr->nframes;
}

const struct trace_frame *
trace_frame(const struct trace *tr, uint32_t frame)
{
	return frame < tr->nframes ? frame_at(tr, frame) : NULL;
}

const uint8_t *
trace_frame_bytes(const struct trace *tr, uint32_t frame)
{
	return frame < tr->nframes ?
	    trace_frame_wbytes((struct trace *)tr, frame) : NULL;
}

const char *
trace_text_at(const struct trace *tr, uint32_t off)
{
	return off < tr->text.len ? (const char *)tr->text.data + off : "";
}

size_t
trace_bytes_used(const struct trace *tr)
{
	/* What is allocated, not only what is filled. */
	return ((tr->nrecs + REC_MASK) >> REC_SHIFT) * sizeof **tr->recs +
	    tr->caprecs * sizeof *tr->recs +
	    ((tr->nesc + ESC_MASK) & ~ESC_MASK) * sizeof **tr->esc +
	    tr->capesc * sizeof *tr->esc + tr->nends * sizeof *tr->ends +
	    tr->frames_held * FR_CHUNK * sizeof **tr->frames +
	    tr->capframes * (sizeof *tr->frames + sizeof *tr->frame_live) +
	    tr->held + tr->text.cap;
}

size_t
trace_rec_bytes(const struct trace *tr)
{
	size_t blocks = (tr->nrecs + (1u << BLK_SHIFT) - 1) >> BLK_SHIFT;

	return tr->nrecs * sizeof(struct rec_slot) + blocks * sizeof(uint64_t) +
	    tr->nesc * sizeof(struct trace_rec);
}

size_t
trace_escaped(const struct trace *tr)
{
	return tr->nesc;
}

void
trace_frame_on_link(const struct trace *tr, const struct trace_rec *r,
    uint8_t *out)
{
	const struct trace_frame *f = trace_frame(tr, r->frame);

	if (f == NULL)
		return;		/* let go (trace_keep_bytes()): out is not ours to size */
	const uint8_t *p = trace_frame_bytes(tr, r->frame);

	if (p == NULL) {
		memset(out, 0, f->len);	/* its bytes were not kept */
		return;
	}
	memcpy(out, p, f->len);
	if (r->link < 0 || f->len < ETH_HLEN + 20)
		return;
	eth_header(out, r->link, r->dir);
	/* RFC 1624 would update the checksum incrementally; 20 bytes are cheap to redo. */
	uint8_t *ip = out + ETH_HLEN;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20 || ihl > f->len - ETH_HLEN)
		return;		/* not a header we made: leave the bytes alone */
	ip[8] = r->ttl;
	ip[10] = ip[11] = 0;
	put16(ip + 10, cksum_fold(cksum_add(0, ip, ihl)));
}

const char *
trace_kind_name(enum trace_kind k)
{
	static const char *names[TR_NKINDS] = {
		[TR_FRAME_QUEUED] = "frame_queued",
		[TR_FRAME_TX] = "frame_tx",
		[TR_FRAME_RX] = "frame_rx",
		[TR_FRAME_DROP] = "frame_drop",
		[TR_NODE_STATE] = "node_state",
		[TR_LINK_STATE] = "link_state",
		[TR_TCP_STATE] = "tcp_state",
		[TR_TCP_RETX] = "tcp_retransmit",
		[TR_TCP_ERROR] = "tcp_error",
		[TR_APP] = "app",
		[TR_STATE] = "state",
	};
	return (unsigned)k < TR_NKINDS ? names[k] : "?";
}

const char *
drop_reason_name(enum drop_reason d)
{
	static const char *names[DROP_NREASONS] = {
		[DROP_LOSS] = "loss",
		[DROP_LINK_DOWN] = "link_down",
		[DROP_NODE_DOWN] = "node_down",
		[DROP_QUEUE_FULL] = "queue_full",
		[DROP_TTL] = "ttl_expired",
		[DROP_NO_ROUTE] = "no_route",
		[DROP_NOT_FOR_ME] = "not_for_me",
		[DROP_NO_LISTENER] = "no_listener",
		[DROP_BAD_PACKET] = "bad_packet",
		[DROP_TOO_BIG] = "too_big",
	};
	return (unsigned)d < DROP_NREASONS ? names[d] : "?";
}

const char *
retx_kind_name(enum tcp_retx_kind k)
{
	switch (k) {
	case RETX_TIMEOUT: return "timeout";
	case RETX_FAST: return "fast";
	case RETX_PARTIAL: return "partial_ack";
	}
	return "?";
}

const char *
app_proto_name(enum app_proto p)
{
	switch (p) {
	case APP_NONE: return "none";
	case APP_DNS: return "DNS";
	case APP_SMTP: return "SMTP";
	case APP_LMTP: return "LMTP";
	case APP_POP3: return "POP3";
	case APP_IMAP: return "IMAP";
	case APP_TEST: return "TEST";
	}
	return "?";
}

const char *
state_what_name(enum state_what w)
{
	static const char *names[ST_NWHATS] = {
		[ST_MAILBOX_ADD] = "mailbox_add",
		[ST_MAILBOX_DEL] = "mailbox_del",
		[ST_QUEUE_ADD] = "queue_add",
		[ST_QUEUE_DEL] = "queue_del",
		[ST_QUEUE_RETRY] = "queue_retry",
		[ST_DNS_CACHE_ADD] = "dns_cache_add",
		[ST_DNS_CACHE_EXPIRE] = "dns_cache_expire",
		[ST_CLIENT_STORE] = "client_store",
		[ST_DELIVERY] = "delivery",
		[ST_SESSION] = "session",
		[ST_RECAP] = "recap",
		[ST_FLAGS] = "flags",
		[ST_CHANGE] = "change",
	};
	return (unsigned)w < ST_NWHATS ? names[w] : "?";
}

/* ---- narration keys and arguments ---------------------------------- */

void
say_begin(struct say *y, const char *key)
{
	memset(y, 0, sizeof *y);
	buf_puts(&y->b, key);
}

/* Append a value with control characters (the separator among them) as spaces. */
static void
say_clean(struct buf *b, const char *v, size_t n)
{
	buf_reserve(b, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		b->data[b->len++] = ch < 0x20 || ch == 0x7f ? ' ' : ch;
	}
	b->data[b->len] = '\0';
}

void
say_strn(struct say *y, const char *name, const char *value, size_t n)
{
	if (y->nargs == SAY_MAX_ARGS)
		fatalx("say: more than SAY_MAX_ARGS arguments");
	y->nargs++;
	buf_putc(&y->b, SAY_SEP);
	buf_puts(&y->b, name);
	buf_putc(&y->b, '=');
	if (value != NULL)
		say_clean(&y->b, value, n);
}

void
say_str(struct say *y, const char *name, const char *value)
{
	say_strn(y, name, value, value ? strlen(value) : 0);
}

void
say_num(struct say *y, const char *name, long long value)
{
	char v[24];

	snprintf(v, sizeof v, "%lld", value);
	say_str(y, name, v);
}

void
say_node(struct say *y, const char *name, int node)
{
	if (node < 0)
		return;		/* no such node: the placeholder stays unknown */
	if (y->nargs == SAY_MAX_ARGS)
		fatalx("say: more than SAY_MAX_ARGS arguments");
	y->nargs++;
	buf_printf(&y->b, "%c%s#%d", SAY_SEP, name, node);
}

uint32_t
trace_say_put(struct trace *tr, struct say *y)
{
	uint32_t off = trace_text(tr, (const char *)y->b.data, y->b.len);

	buf_free(&y->b);
	return off;
}

uint32_t
trace_say_key(struct trace *tr, const char *key)
{
	size_t h = ((uintptr_t)key >> 3) % SAY_INTERN;

	for (size_t i = 0; i < SAY_INTERN; i++, h = (h + 1) % SAY_INTERN) {
		if (tr->say_keys[h] == key)
			return tr->say_offs[h];
		if (tr->say_keys[h] == NULL) {
			tr->say_keys[h] = key;
			tr->say_offs[h] = trace_text(tr, key, strlen(key));
			if (tr->nsmall + 1 < SAY_SMALL) {
				/* A small index for hop slots, and the way back. */
				uint32_t off = tr->say_offs[h];
				size_t j = off % SAY_SMALL_H;

				tr->say_small[++tr->nsmall] = off;
				while (tr->small_off[j] != 0)
					j = (j + 1) % SAY_SMALL_H;
				tr->small_off[j] = off;
				tr->small_idx[j] = (uint8_t)tr->nsmall;
			}
			/* Remembered: a lean trace never reuses it. */
			tr->text_floor = tr->text.len;
			return tr->say_offs[h];
		}
	}
	return trace_text(tr, key, strlen(key));
}

const struct trace_say_arg *
trace_say_arg_named(const struct trace_say *y, const char *name)
{
	size_t nl = strlen(name);

	for (int i = 0; i < y->nargs; i++)
		if (y->arg[i].name_len == nl &&
		    memcmp(y->arg[i].name, name, nl) == 0)
			return &y->arg[i];
	return NULL;
}

int
trace_say_read(const struct trace *tr, uint32_t say, struct trace_say *out)
{
	const char *p, *end;

	memset(out, 0, sizeof *out);
	if (say == 0 || say >= tr->text.len)
		return 0;
	p = (const char *)tr->text.data + say;
	end = p + strlen(p);
	out->key = p;
	while (p < end && *p != SAY_SEP)
		p++;
	out->key_len = (size_t)(p - out->key);
	while (p < end && out->nargs < SAY_MAX_ARGS) {
		struct trace_say_arg *a = &out->arg[out->nargs];
		const char *f = ++p, *stop;

		while (p < end && *p != SAY_SEP)
			p++;
		stop = p;
		a->name = f;
		a->node = -1;
		while (f < stop && *f != '=' && *f != '#')
			f++;
		a->name_len = (size_t)(f - a->name);
		if (f == stop)
			continue;	/* not written by say_*(): ignored */
		if (*f == '#') {
			a->node = atoi(f + 1);
			a->value = f + 1;
			a->value_len = (size_t)(stop - f - 1);
		} else {
			a->value = f + 1;
			a->value_len = (size_t)(stop - f - 1);
		}
		out->nargs++;
	}
	return 1;
}
