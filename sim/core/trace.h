/*
 * trace.h: the record of everything that happened in a simulation.
 *
 * The trace is the only thing that crosses from sim/ to the window and
 * the exports (shared/DESIGN.md).  It is append-only and in time order:
 * records are flat (ids, never pointers), frames keep the bytes they were
 * born with, and text lives in one arena.  Readers get const access, and
 * records by value (trace_at()): they are stored packed.
 */
#ifndef SUREL_TRACE_H
#define SUREL_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The order is part of the JSON-lines output only through trace_kind_name(). */
enum trace_kind {
	TR_FRAME_QUEUED,	/* a frame waits in a link's FIFO: node, link, dir, frame */
	TR_FRAME_TX,		/* a frame starts onto a link: node, peer, link, dir, frame, ttl; a = 1 if node created it */
	TR_FRAME_RX,		/* a frame reaches a node: node, peer, link, dir, frame, ttl */
	TR_FRAME_DROP,		/* a frame is lost: node where, frame, a = enum drop_reason, link/dir where on a link */
	TR_NODE_STATE,		/* node powers on (a = 1) or off (a = 0) */
	TR_LINK_STATE,		/* link goes up (a = 1) or down (a = 0) */
	TR_TCP_STATE,		/* node, peer, a = old enum tcp_state | new << 8, b = sport << 16 | dport */
	TR_TCP_RETX,		/* node, peer, frame of the retransmission, a = seq offset from ISN, b = enum tcp_retx_kind */
	TR_TCP_ERROR,		/* node, peer, a = enum tcp_err; the connection failed */
	TR_APP,			/* node, peer: one application message; a = protocol, text = the message */
	TR_STATE,		/* node: a state change of an application; a = enum state_what, b = a count after it, text = details */
	TR_NKINDS
};

enum drop_reason {
	DROP_LOSS,		/* the link's random loss */
	DROP_LINK_DOWN,		/* the link was down */
	DROP_NODE_DOWN,		/* the receiving node was powered off */
	DROP_QUEUE_FULL,	/* the link's FIFO was full */
	DROP_TTL,		/* TTL reached zero at a router */
	DROP_NO_ROUTE,		/* no path to the destination */
	DROP_NOT_FOR_ME,	/* a host received a packet for another address */
	DROP_NO_LISTENER,	/* UDP to a port nobody listens on */
	DROP_BAD_PACKET,	/* a header that does not parse or a bad checksum */
	DROP_TOO_BIG,		/* larger than the link's MTU, and Don't Fragment set */
	DROP_NREASONS
};

enum tcp_retx_kind {
	RETX_TIMEOUT,		/* the retransmission timer expired (RFC 6298) */
	RETX_FAST,		/* three duplicate ACKs (RFC 5681 fast retransmit) */
	RETX_PARTIAL,		/* a partial ACK during fast recovery (RFC 6582) */
};

enum app_proto {
	APP_NONE,
	APP_DNS,
	APP_SMTP,
	APP_LMTP,
	APP_POP3,
	APP_IMAP,
	APP_TEST,		/* the tests' own byte streams */
};

/* What a TR_STATE record changed (its b field holds the new count). */
enum state_what {
	ST_MAILBOX_ADD,		/* a message stored in a mailbox; text: "address message-id" */
	ST_MAILBOX_DEL,		/* a message removed from a mailbox */
	ST_QUEUE_ADD,		/* a mail server queued a message (for a recipient); text: "message-id recipient" */
	ST_QUEUE_DEL,		/* it left the queue (delivered, relayed, bounced) */
	ST_QUEUE_RETRY,		/* a delivery attempt failed and will be tried again; text: reason */
	ST_DNS_CACHE_ADD,	/* a resolver cached an answer; text: "name TYPE value ttl" */
	ST_DNS_CACHE_EXPIRE,	/* a cached answer's TTL ran out */
	ST_CLIENT_STORE,	/* a device downloaded a message; text: "POP3|IMAP user uidl" */
	ST_DELIVERY,		/* the outcome for one recipient; text: "status message-id recipient reply" */
	ST_SESSION,		/* a mail protocol session changed state (session.c); text: "PROTO OLD -> NEW" */
	ST_RECAP,		/* at the end of a run, what became of a message (sim/world/recap.c); text: "fate message-id recipient" */
	ST_FLAGS,		/* a stored message's flags changed; b = the MSGF_* flags (mail.h); text: "address message-id flags" */
	ST_CHANGE,		/* a what-if action changed the world (a DNS record, a password, a link's loss); text: what */
	ST_NWHATS
};

struct trace_rec {
	uint64_t t;		/* simulated nanoseconds */
	uint16_t kind;		/* enum trace_kind */
	uint8_t	 dir;		/* 0: link.a -> link.b, 1: b -> a */
	uint8_t	 ttl;		/* IPv4 TTL as the frame crosses this link */
	int32_t	 node;		/* the node it happens at, or -1 */
	int32_t	 peer;		/* the other node, or -1 */
	int32_t	 link;		/* link index, or -1 */
	uint32_t frame;		/* frame index, or TRACE_NONE */
	uint32_t a, b;		/* kind-specific, see enum trace_kind */
	uint32_t text;		/* offset in the text arena; 0 = none */
	uint32_t say;		/* its narration: key and arguments (trace_say_read); 0 = none */
};

#define TRACE_NONE UINT32_MAX

/* A frame as the node that created it sent it. */
struct trace_frame {
	uint64_t t;		/* when it was created */
	uint64_t off;		/* its bytes in the byte arena */
	uint32_t len;
	int32_t	 origin;	/* node that created it */
};

struct trace;

struct trace *trace_new(void);
void	 trace_free(struct trace *tr);

/* Appending (sim/ only).  Returns the record's index among those added. */
uint32_t trace_add(struct trace *tr, const struct trace_rec *r);
/*
 * A lean trace, for a headless run whose outputs read few records (the
 * summary counts them, the transcript reads TR_APP): only records of the
 * kinds in the bit set kinds (1 << enum trace_kind), and TR_STATE records
 * whose what is in states (1 << enum state_what), are stored; the others
 * are counted (trace_added()) and let go, and the text written for them
 * since the last record stored is written over.  So a stored record's
 * text and say must be written after the record before it was added
 * (record.c does so); a stored TR_APP keeps its text and drops its say,
 * which session.c writes before the frames that carry it.  Set before
 * the first record; the window, --pcap, --trace and --narrate need the
 * whole trace (the default).
 */
void	 trace_keep_only(struct trace *tr, uint32_t kinds, uint32_t states);
/* Reserve len bytes (zeroed) for a new frame; returns its index; write through trace_frame_wbytes(). */
uint32_t trace_frame_new(struct trace *tr, uint64_t t, int origin, uint32_t len);
/* The same, not zeroed: for a writer that fills every byte. */
uint32_t trace_frame_alloc(struct trace *tr, uint64_t t, int origin, uint32_t len);
/* A frame's bytes; they never move.  NULL once freed (trace_keep_bytes()). */
uint8_t *trace_frame_wbytes(struct trace *tr, uint32_t frame);
/*
 * keep = 0: a headless run that needs no frame bytes after the fact
 * (summary, transcript): a frame's bytes, and the frame itself, may go
 * once trace_frame_done() says nobody will read them again (then
 * trace_frame() and trace_frame_bytes() give NULL); records stay.
 * Default: every byte is kept.
 */
void	 trace_keep_bytes(struct trace *tr, int keep);
/* The frame has reached its end (delivered or dropped). */
void	 trace_frame_done(struct trace *tr, uint32_t frame);
uint32_t trace_text(struct trace *tr, const char *s, size_t n);

/* Reading. */
size_t	 trace_count(const struct trace *tr);		/* records stored */
size_t	 trace_added(const struct trace *tr);		/* records added (stored or not) */
/* The first record whose time is t or later (records are in time order); trace_count() where none. */
size_t	 trace_first_at(const struct trace *tr, uint64_t t);
/*
 * Record i by value: records are kept packed (trace.c), so there is no
 * address to hand out.  i must be < trace_count(); past the end the
 * program stops (fatalx(): a reader past the end is a bug).
 */
struct trace_rec trace_at(const struct trace *tr, size_t i);
size_t	 trace_frame_count(const struct trace *tr);
/*
 * A memo an upper layer keeps with a trace (an index it builds once from
 * the trace's frames: decode.c's handshakes), freed with the trace by the
 * function it gave; the trace knows nothing of what is in it.  The slot
 * is the trace's own, so a const trace can hold one.
 */
struct trace_memo {
	void	*p;
	void	(*free)(void *);
};
struct trace_memo *trace_memo(const struct trace *tr);
/* NULL past the last frame, or once let go (trace_keep_bytes()). */
const struct trace_frame *trace_frame(const struct trace *tr, uint32_t frame);
const uint8_t *trace_frame_bytes(const struct trace *tr, uint32_t frame);
const char *trace_text_at(const struct trace *tr, uint32_t off);
/* Bytes allocated (records, frames, frame bytes held, text), for the benchmarks. */
size_t	 trace_bytes_used(const struct trace *tr);
/*
 * Bytes the stored records fill (slots, time bases, records kept whole),
 * and how many are kept whole (trace.c): for the tests and benchmarks.
 */
size_t	 trace_rec_bytes(const struct trace *tr);
size_t	 trace_escaped(const struct trace *tr);

/*
 * The frame of a TX or RX record exactly as it crossed that link: the
 * creator's bytes with the MAC addresses of that link and the TTL that
 * record carries (a router rewrites both), IPv4 checksum updated.
 * out must hold trace_frame(tr, r->frame)->len bytes.
 */
void	 trace_frame_on_link(const struct trace *tr, const struct trace_rec *r,
	    uint8_t *out);

/*
 * Narration at the source (shared/DESIGN.md): the layer that acts
 * chooses the key of what happened ("smtp.data.stored_local") and its
 * arguments, and the record carries them; the explain layer only looks
 * the key up in a language file and fills the placeholders.  A key is a
 * string constant of the layer that chose it; every key must exist in
 * assets/lang/en.json and id.json (tests/say_keys.py, tests/test_trace_say.c).
 *
 * Build one with a struct say, then store it with trace_say_put():
 *
 *	struct say y;
 *	say_begin(&y, "smtp.data.stored_local");
 *	say_str(&y, "to", rcpt);
 *	say_node(&y, "next", relay);	(a node: the narration shows its label)
 *	r.say = trace_say_put(tr, &y);
 *
 * Stored, it is "key" then, per argument, 0x1f "name=value" (a string)
 * or 0x1f "name#N" (node N); control characters in values become
 * spaces.  trace_say_key() stores a key with no arguments once and
 * reuses it (the frames' keys, on the hot path).
 */
#define SAY_MAX_ARGS	16

struct say {
	struct buf	 b;
	int		 nargs;
};

void	 say_begin(struct say *y, const char *key);
void	 say_str(struct say *y, const char *name, const char *value);
void	 say_strn(struct say *y, const char *name, const char *value, size_t n);
void	 say_num(struct say *y, const char *name, long long value);
void	 say_node(struct say *y, const char *name, int node);
/* Store y in the text arena (and free its buffer); returns the offset for trace_rec.say. */
uint32_t trace_say_put(struct trace *tr, struct say *y);
/* A key with no arguments; key must be a string constant (its address is remembered). */
uint32_t trace_say_key(struct trace *tr, const char *key);

struct trace_say_arg {
	const char	*name, *value;	/* in the arena; not NUL-terminated */
	size_t		 name_len, value_len;
	int		 node;		/* a node argument's index, else -1 */
};

struct trace_say {
	const char	*key;		/* NUL-terminated only where nargs == 0 */
	size_t		 key_len;
	int		 nargs;
	struct trace_say_arg arg[SAY_MAX_ARGS];
};

/* Read the narration at offset say (a record's say); 0 where it has none. */
int	 trace_say_read(const struct trace *tr, uint32_t say,
	    struct trace_say *out);
/* The argument of y called name, or NULL. */
const struct trace_say_arg *trace_say_arg_named(const struct trace_say *y,
	    const char *name);

const char *trace_kind_name(enum trace_kind k);
const char *drop_reason_name(enum drop_reason d);
const char *retx_kind_name(enum tcp_retx_kind k);
const char *app_proto_name(enum app_proto p);
const char *state_what_name(enum state_what w);

#endif
