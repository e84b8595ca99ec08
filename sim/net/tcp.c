/*
 * tcp.c: TCP as the simulated hosts speak it.
 *
 * What is modelled, and where the rules come from:
 * - RFC 793 / RFC 9293: the state machine, three-way handshake, sequence
 *   and acknowledgement numbers, FIN teardown with TIME-WAIT, RST for a
 *   segment to a port nobody listens on.  The "SEGMENT ARRIVES" section
 *   is followed in order in tcp_input(); its sentences are quoted where
 *   a branch implements one.
 * - RFC 6691 / RFC 9293 3.7.1: the MSS option in SYN segments.
 * - RFC 6298: the retransmission timer (SRTT, RTTVAR, RTO >= 1 s, Karn's
 *   rule, exponential backoff).
 * - RFC 5681: slow start, congestion avoidance, fast retransmit after
 *   three duplicate ACKs; RFC 6582 (NewReno) for partial ACKs in fast
 *   recovery; RFC 1122 4.2.3.2 delayed ACKs (every second segment or
 *   200 ms, at once for out-of-order data; a reply the application
 *   sends at once carries the ACK, and then nothing is owed).
 * - RFC 7323 section 2: window scaling, offered on SYN and SYN-ACK and
 *   used only when both sides offered it; the shift comes from the
 *   receive buffer (RCV_BUF, 128 KiB as ns-3 and many stacks start).
 * Not modelled: timestamps (RFC 7323 3, optional), SACK, urgent data, Nagle (each application write goes
 * out as soon as the windows allow, which keeps one SMTP command in one
 * segment, as a teacher would expect), persist timer (the receiving
 * application reads at once, so the window never closes).
 *
 * Narration (trace.h): TCP names what it does where it does it: the
 * kind of each segment it hands to net_ip_send() (SYN, SYN+ACK, bare
 * ACK, data, FIN, RST), each change of state, each retransmission with
 * its reason, each failure.  Segments are the hot path, so these keys
 * have no arguments (trace_say_key()); the narration reads ports and
 * lengths from the record and the frame.
 */
#include "tcp.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

#define TCP_HLEN	20
#define RCV_WND		65535u		/* the largest window without scaling */
#define RCV_BUF		131072u		/* the receive buffer: a power of two */
#define WS_MAX		14		/* RFC 7323 2.3: the largest shift */
#define MAX_IVS		32		/* out-of-order ranges held */
#define RTO_INIT	(1 * SIM_SEC)	/* RFC 6298 2.1 */
#define RTO_MIN		(1 * SIM_SEC)	/* RFC 6298 2.4 */
#define RTO_MAX		(60 * SIM_SEC)	/* RFC 6298 2.5 */
#define DELACK		(200 * SIM_MS)	/* RFC 1122 4.2.3.2: at most 500 ms */
#define MSL		(1 * SIM_SEC)	/* shortened so lessons end soon */
/*
 * FIN-WAIT-2 waits for the peer's FIN, which never comes if the peer's
 * machine went off (a half-open connection).  RFC 9293 sets no limit;
 * BSD and Linux (tcp_fin_timeout) give up after 60 s of silence, and so
 * do we: the application hears TCP_ERR_TIMEOUT.
 */
#define FIN_WAIT_2_TIMEOUT (60 * SIM_SEC)
#define SYN_RETRIES	5		/* about 63 s: the connect timeout */
#define DATA_RETRIES	8

enum {
	F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10,
};

struct ival {
	uint32_t start, end;		/* [start, end) in sequence space */
};

struct tcp_listener {
	uint16_t		 port;
	tcp_accept_fn		 fn;
	void			*u;
	struct tcp_listener	*next;
};

struct tcp_conn {
	struct sim	*s;
	int		 node;
	struct tcp_conn	*next;		/* the node's list, or the reap list */
	uint32_t	 lip, rip;
	uint16_t	 lport, rport;
	enum tcp_state	 st;
	const struct tcp_ops *ops;
	void		*u;
	void		(*acked)(struct tcp_conn *, void *, size_t);	/* tcp_set_acked() */
	struct tcp_listener *from;	/* accepted from; NULL for connect() */
	int		 dead;		/* on the reap list */

	/* Send side: RFC 793 3.2 names. */
	uint32_t	 iss, snd_una, snd_nxt, snd_max, snd_wnd;
	struct buf	 sb;		/* bytes not yet acknowledged, from sb_head */
	size_t		 sb_head;
	uint32_t	 sb_seq;	/* sequence number of sb.data[sb_head] */
	int		 fin_req;	/* the application closed */
	uint32_t	 mss;

	/* Window scaling (RFC 7323 2): the shifts, once both sides offered it. */
	int		 ws_ok;		/* the peer's SYN carried the option */
	uint8_t		 snd_shift;	/* Snd.Wind.Shift: the peer's windows */
	uint8_t		 rcv_shift;	/* Rcv.Wind.Shift: ours */
	uint32_t	 rcv_wnd;	/* what we may receive beyond rcv_nxt */

	/* Congestion control (RFC 5681, RFC 6582). */
	uint32_t	 cwnd, ssthresh;
	int		 dupacks;
	int		 in_recovery;
	uint32_t	 recover;
	int		 retx_kind;	/* why we are sending old data again */
	int		 timeouts;	/* consecutive expiries of the timer */

	/* Round-trip time (RFC 6298). */
	int		 rtt_timing;
	uint32_t	 rtt_seq;
	uint64_t	 rtt_start;
	int		 have_srtt;
	uint64_t	 srtt, rttvar, rto;

	/* Timers: a deadline plus at most one pending event each. */
	uint64_t	 rto_at, dack_at;
	ev_id		 rto_ev, dack_ev, tw_ev;
	uint64_t	 rto_ev_at, dack_ev_at;

	/* Receive side. */
	uint32_t	 irs, rcv_nxt;
	int		 segs_owed;	/* in-order segments not yet acknowledged */
	uint8_t		*ooo;		/* RCV_BUF bytes, indexed by seq mod RCV_BUF */
	struct ival	 ivs[MAX_IVS];
	int		 nivs;
	int		 fin_pending;	/* a FIN arrived ahead of a gap */
	uint32_t	 fin_seq_rcvd;
};

static void	tcp_output(struct tcp_conn *);
static void	tcp_send_segment(struct tcp_conn *, uint32_t, size_t, int);
static void	tcp_rto_fire(void *, void *, uint64_t, uint64_t);
static void	tcp_dack_fire(void *, void *, uint64_t, uint64_t);
static void	tcp_tw_fire(void *, void *, uint64_t, uint64_t);
static void	tcp_fw2_fire(void *, void *, uint64_t, uint64_t);

static void	tcp_input(struct sim *, int, uint32_t, uint32_t,
		    const uint8_t *, size_t, uint32_t);

/* How net.c reaches us (tcp_init()). */
static const struct net_transport tcp_transport = {
	.input = tcp_input,
	.power_off = tcp_power_off,
	.free_node = tcp_free_node,
};

static inline int seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline int seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline int seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }

const char *
tcp_state_str(enum tcp_state st)
{
	static const char *names[] = {
		"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
		"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
		"TIME-WAIT",
	};
	return (unsigned)st < sizeof names / sizeof *names ? names[st] : "?";
}

const char *
tcp_err_str(enum tcp_err e)
{
	switch (e) {
	case TCP_ERR_REFUSED: return "refused";
	case TCP_ERR_TIMEOUT: return "timeout";
	case TCP_ERR_RESET: return "reset";
	case TCP_ERR_HOST_DOWN: return "host_down";
	}
	return "?";
}

static int
peer_node(const struct tcp_conn *c)
{
	return net_node_by_ip(c->s, c->rip);
}

void
tcp_init(struct sim *s)
{
	net_register(s, IPPROTO_TCP_, &tcp_transport);
}

/* The only place a connection changes state; the trace hears of each change. */
static void
tcp_enter_state(struct tcp_conn *c, enum tcp_state st)
{
	static const char *const say[] = {
		[TCP_CLOSED] = "tcp.state.closed",
		[TCP_LISTEN] = "tcp.state.listen",
		[TCP_SYN_SENT] = "tcp.state.syn_sent",
		[TCP_SYN_RCVD] = "tcp.state.syn_received",
		[TCP_ESTABLISHED] = "tcp.state.established",
		[TCP_FIN_WAIT_1] = "tcp.state.fin_wait_1",
		[TCP_FIN_WAIT_2] = "tcp.state.fin_wait_2",
		[TCP_CLOSE_WAIT] = "tcp.state.close_wait",
		[TCP_CLOSING] = "tcp.state.closing",
		[TCP_LAST_ACK] = "tcp.state.last_ack",
		[TCP_TIME_WAIT] = "tcp.state.time_wait",
	};

	if ((unsigned)st >= sizeof say / sizeof say[0])
		fatalx("tcp: no state %d", (int)st);
	sim_record(c->s, (struct trace_rec){ .kind = TR_TCP_STATE,
	    .node = c->node, .peer = peer_node(c), .link = -1,
	    .frame = TRACE_NONE, .a = (uint32_t)c->st | (uint32_t)st << 8,
	    .b = (uint32_t)c->lport << 16 | c->rport,
	    .say = trace_say_key(c->s->tr, say[st]) });
	c->st = st;
}

/* Take the connection off its node and free it after the current handler. */
static void
tcp_kill(struct tcp_conn *c)
{
	struct node *n = &c->s->nodes[c->node];
	struct tcp_conn **pp;

	if (c->dead)
		return;
	for (pp = &n->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	evq_cancel(c->s->q, c->rto_ev);
	evq_cancel(c->s->q, c->dack_ev);
	evq_cancel(c->s->q, c->tw_ev);
	c->dead = 1;
	c->ops = NULL;
	c->next = c->s->reap;
	c->s->reap = c;
}

static void
conn_free(struct tcp_conn *c)
{
	buf_free(&c->sb);
	free(c->ooo);
	free(c);
}

void
tcp_reap(struct sim *s)
{
	while (s->reap) {
		struct tcp_conn *c = s->reap;

		s->reap = c->next;
		conn_free(c);
	}
}

static void
tcp_fail(struct tcp_conn *c, enum tcp_err e)
{
	const struct tcp_ops *ops = c->ops;
	void *u = c->u;

	static const char *const say[] = {
		[TCP_ERR_REFUSED] = "tcp.error.refused",
		[TCP_ERR_TIMEOUT] = "tcp.error.timeout",
		[TCP_ERR_RESET] = "tcp.error.reset",
		[TCP_ERR_HOST_DOWN] = "tcp.error.host_down",
	};

	sim_record(c->s, (struct trace_rec){ .kind = TR_TCP_ERROR,
	    .node = c->node, .peer = peer_node(c), .link = -1,
	    .frame = TRACE_NONE, .a = e,
	    .b = (uint32_t)c->lport << 16 | c->rport,
	    .say = trace_say_key(c->s->tr, (unsigned)e < sizeof say /
	    sizeof say[0] ? say[e] : "tcp.error.other") });
	tcp_enter_state(c, TCP_CLOSED);
	tcp_kill(c);
	if (ops && ops->error)
		ops->error(c, u, e);
}

/* Tell the application the connection is finished; TCP may keep it a while (TIME-WAIT). */
static void
tcp_report_closed(struct tcp_conn *c)
{
	const struct tcp_ops *ops = c->ops;
	void *u = c->u;

	c->ops = NULL;
	if (ops && ops->closed)
		ops->closed(c, u);
}

/*
 * RFC 7323 2.3: "The maximum receive window, and therefore the scale
 * factor, is determined by the maximum receive buffer space": the
 * smallest shift that brings the buffer under 65536.
 */
static uint8_t
ws_shift_for(uint32_t buf)
{
	uint8_t sh = 0;

	while (sh < WS_MAX && (buf >> sh) > RCV_WND)
		sh++;
	return sh;
}

static struct tcp_conn *
conn_new(struct sim *s, int node, uint32_t rip, uint16_t lport,
    uint16_t rport)
{
	struct tcp_conn *c = xcalloc(1, sizeof *c);
	struct node *n = &s->nodes[node];

	c->s = s;
	c->node = node;
	c->lip = n->ip;
	c->rip = rip;
	c->lport = lport;
	c->rport = rport;
	c->st = TCP_CLOSED;
	c->iss = (uint32_t)rng_next(&n->isn_rng);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->iss;		/* RFC 6582 3.2 step 1 */
	c->sb_seq = c->iss + 1;
	c->mss = (uint32_t)s->sc->mss;
	c->snd_wnd = c->mss;		/* until the peer tells us */
	c->rcv_wnd = RCV_WND;		/* until both sides offered scaling */
	c->rcv_shift = ws_shift_for(RCV_BUF);
	c->rto = RTO_INIT;
	c->next = n->conns;
	n->conns = c;
	return c;
}

/*
 * RFC 5681 3.1: IW = 4 * SMSS for SMSS <= 1095 bytes, 3 * SMSS up to 2190.
 * "The initial value of ssthresh SHOULD be set arbitrarily high (e.g.,
 * to the size of the largest possible advertised window)": the largest
 * the peer can advertise with the shift it offered.
 */
static void
cc_init(struct tcp_conn *c)
{
	c->cwnd = c->mss <= 1095 ? 4 * c->mss : 3 * c->mss;
	c->ssthresh = RCV_WND << c->snd_shift;
}

/* The window field we send: scaled, except on SYN and SYN-ACK. */
static uint16_t
wnd_field(const struct tcp_conn *c, int flags)
{
	/* RFC 7323 2.2: "The window field in a segment where the SYN bit is set (i.e., a <SYN> or <SYN,ACK>) MUST NOT be scaled." */
	if (flags & F_SYN)
		return (uint16_t)(RCV_BUF < RCV_WND ? RCV_BUF : RCV_WND);
	return (uint16_t)(c->rcv_wnd >> (c->ws_ok ? c->rcv_shift : 0));
}

/* The peer's window from a segment's window field. */
static uint32_t
wnd_from(const struct tcp_conn *c, const uint8_t *seg)
{
	/* RFC 7323 2.2: "SND.WND = SEG.WND << Snd.Wind.Shift" (never on a SYN, checked by the callers). */
	return (uint32_t)get16(seg + 14) << c->snd_shift;
}

/* ---- timers ------------------------------------------------------ */

/*
 * Timers are lazy: restarting one only moves its deadline; the pending
 * event notices when it fires and schedules itself again.  Every ACK
 * restarts the retransmission timer, and this keeps that from leaving a
 * cancelled event in the queue each time.
 */
static void
timer_set(struct tcp_conn *c, uint64_t *deadline, ev_id *ev, uint64_t *ev_at,
    uint64_t at, ev_fn fn)
{
	*deadline = at;
	if (evq_pending(c->s->q, *ev) && *ev_at <= at)
		return;
	evq_cancel(c->s->q, *ev);
	*ev = evq_at(c->s->q, at, fn, NULL, c, 0, 0);
	*ev_at = at;
}

static void
rto_restart(struct tcp_conn *c)
{
	timer_set(c, &c->rto_at, &c->rto_ev, &c->rto_ev_at,
	    sim_time(c->s) + c->rto, tcp_rto_fire);
}

static void
rto_stop(struct tcp_conn *c)
{
	c->rto_at = 0;
}

/* RFC 6298 2.2 and 2.3, with the clock granularity G taken as 1 ms. */
static void
rtt_sample(struct tcp_conn *c, uint64_t r)
{
	if (!c->have_srtt) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->have_srtt = 1;
	} else {
		uint64_t d = c->srtt > r ? c->srtt - r : r - c->srtt;

		c->rttvar = (3 * c->rttvar + d) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	uint64_t k = 4 * c->rttvar > SIM_MS ? 4 * c->rttvar : SIM_MS;
	c->rto = c->srtt + k;
	if (c->rto < RTO_MIN)
		c->rto = RTO_MIN;
	if (c->rto > RTO_MAX)
		c->rto = RTO_MAX;
}

/* ---- sending ------------------------------------------------------ */

static uint32_t
data_end(const struct tcp_conn *c)
{
	return c->sb_seq + (uint32_t)(c->sb.len - c->sb_head);
}

/* The narration key of a segment we send, from its flags and length. */
static const char *
tcp_seg_say(int flags, size_t len)
{
	if (flags & F_RST)
		return "frame.tx.origin.tcp_rst";
	if ((flags & (F_SYN | F_ACK)) == (F_SYN | F_ACK))
		return "frame.tx.origin.tcp_syn_ack";
	if (flags & F_SYN)
		return "frame.tx.origin.tcp_syn";
	if (flags & F_FIN)
		return "frame.tx.origin.tcp_fin";
	return len > 0 ? "frame.tx.origin.tcp_data" : "frame.tx.origin.tcp_ack";
}

/* Write a segment's header, options and data at seg, checksum last. */
static void
tcp_fill(const struct tcp_conn *c, uint8_t *seg, size_t hlen, uint32_t seq,
    size_t len, int flags, int ws)
{
	memset(seg, 0, hlen);
	put16(seg, c->lport);
	put16(seg + 2, c->rport);
	put32(seg + 4, seq);
	put32(seg + 8, flags & F_ACK ? c->rcv_nxt : 0);
	seg[12] = (uint8_t)((hlen / 4) << 4);
	seg[13] = (uint8_t)flags;
	put16(seg + 14, wnd_field(c, flags));
	if (flags & F_SYN) {
		seg[20] = 2;		/* kind: maximum segment size */
		seg[21] = 4;
		put16(seg + 22, (uint16_t)c->s->sc->mss);
	}
	if (ws) {
		seg[24] = 1;		/* NOP, so that what follows is aligned as Linux and BSD do */
		seg[25] = 3;		/* kind: window scale */
		seg[26] = 3;
		seg[27] = c->rcv_shift;
	}
	if (len > 0)
		memcpy(seg + hlen,
		    c->sb.data + c->sb_head + (seq - c->sb_seq), len);
	put16(seg + 16, l4_checksum(c->lip, c->rip, IPPROTO_TCP_, seg,
	    hlen + len));
}

/*
 * Build and send one segment: seq and len bytes of data from the send
 * buffer, with the given flags (ACK is added whenever we have heard from
 * the peer).  Whatever goes out at or below snd_max is a retransmission.
 */
static void
tcp_send_segment(struct tcp_conn *c, uint32_t seq, size_t len, int flags)
{
	struct sim *s = c->s;
	size_t hlen = TCP_HLEN;
	int ws = 0;
	uint32_t f;

	if (c->st != TCP_SYN_SENT || (flags & F_SYN) == 0)
		flags |= F_ACK;
	if (flags & F_SYN) {
		hlen += 4;		/* the MSS option */
		if (!(flags & F_ACK)) {
			/* RFC 7323 2.2: "A TCP MAY send the Window Scale option in an initial <SYN> segment (i.e., a segment with the SYN bit on and the ACK bit off)." */
			ws = 1;
		} else if (c->ws_ok) {
			/* "It MAY also send a Window Scale option in a <SYN,ACK> segment, but only if a Window Scale option was received in the initial <SYN> segment." */
			ws = 1;
		}
		if (ws)
			hlen += 4;	/* NOP, then the Window Scale option */
	}
	/* Built once, in the frame the trace keeps (no copy on the way down). */
	uint8_t *seg = net_ip_begin(s, c->node, c->rip, IPPROTO_TCP_,
	    hlen + len, &f);
	if (seg != NULL)
		tcp_fill(c, seg, hlen, seq, len, flags, ws);

	uint32_t seglen = (uint32_t)len + ((flags & F_SYN) != 0) +
	    ((flags & F_FIN) != 0);
	int retx = seglen > 0 && seq_lt(seq, c->snd_max);
	f = net_ip_finish(s, c->node, f, tcp_seg_say(flags, len));

	if (retx) {
		static const char *const say[] = {
			[RETX_TIMEOUT] = "tcp.retx.timeout",
			[RETX_FAST] = "tcp.retx.fast",
			[RETX_PARTIAL] = "tcp.retx.partial_ack",
		};

		s->stats.retransmissions++;
		sim_record(s, (struct trace_rec){ .kind = TR_TCP_RETX,
		    .node = c->node, .peer = peer_node(c), .link = -1,
		    .frame = f, .a = seq - c->iss, .b = (uint32_t)c->retx_kind,
		    .say = trace_say_key(s->tr, say[c->retx_kind]) });
		/* Karn: never time a segment that was sent twice. */
		if (c->rtt_timing && seq_leq(seq, c->rtt_seq))
			c->rtt_timing = 0;
	} else if (seglen > 0 && !c->rtt_timing) {
		c->rtt_timing = 1;
		c->rtt_seq = seq;
		c->rtt_start = sim_time(s);
	}
	if (seglen > 0) {
		c->snd_max = seq_max(c->snd_max, seq + seglen);
		if (c->rto_at == 0)
			rto_restart(c);
	}
	if (flags & F_ACK) {
		c->segs_owed = 0;
		c->dack_at = 0;
	}
}

static int
can_send_data(enum tcp_state st)
{
	return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT ||
	    st == TCP_FIN_WAIT_1 || st == TCP_CLOSING || st == TCP_LAST_ACK;
}

/* Send what the congestion and receive windows allow, then FIN if asked. */
static void
tcp_output(struct tcp_conn *c)
{
	if (c->dead || !can_send_data(c->st))
		return;
	for (;;) {
		uint32_t end = data_end(c);
		uint32_t wnd = c->cwnd < c->snd_wnd ? c->cwnd : c->snd_wnd;
		uint32_t flight = c->snd_nxt - c->snd_una;

		if (seq_lt(c->snd_nxt, end)) {
			uint32_t avail = end - c->snd_nxt;
			uint32_t usable = wnd > flight ? wnd - flight : 0;
			uint32_t len = avail < c->mss ? avail : c->mss;

			if (len > usable)
				len = usable;
			/*
			 * Avoid the silly window syndrome (RFC 1122 4.2.3.4):
			 * send a short segment only when it is all there is, or
			 * when nothing is in flight to bring an ACK back.
			 */
			if (len == 0 || (len < c->mss && len < avail &&
			    flight > 0))
				return;
			tcp_send_segment(c, c->snd_nxt, len,
			    len == avail ? F_PSH : 0);
			c->snd_nxt += len;
			continue;
		}
		if (c->fin_req && c->snd_nxt == end) {
			tcp_send_segment(c, c->snd_nxt, 0, F_FIN);
			c->snd_nxt = end + 1;
		}
		return;
	}
}

/*
 * A bare ACK carries the highest sequence number sent so far (not
 * snd_nxt, which a timeout rewinds), so the peer always finds it in its
 * window.
 */
static void
send_ack_now(struct tcp_conn *c)
{
	tcp_send_segment(c, c->snd_max, 0, 0);
}

/* RST in answer to a segment that belongs to no connection (RFC 793 3.4). */
static void
send_rst_reply(struct sim *s, int node, uint32_t src, uint32_t dst,
    const uint8_t *in, uint32_t seglen)
{
	uint8_t seg[TCP_HLEN] = { 0 };

	put16(seg, get16(in + 2));
	put16(seg + 2, get16(in));
	if (in[13] & F_ACK) {
		/* "If the incoming segment has an ACK field, the reset takes its sequence number from the ACK field." */
		put32(seg + 4, get32(in + 8));
		seg[13] = F_RST;
	} else {
		/* "...otherwise the reset has sequence number zero and the ACK field is set to the sum of the sequence number and segment length." */
		put32(seg + 8, get32(in + 4) + seglen);
		seg[13] = F_RST | F_ACK;
	}
	seg[12] = (TCP_HLEN / 4) << 4;
	put16(seg + 16, l4_checksum(dst, src, IPPROTO_TCP_, seg, TCP_HLEN));
	net_ip_send(s, node, src, IPPROTO_TCP_, seg, TCP_HLEN,
	    tcp_seg_say(seg[13], 0));
}

/* ---- the socket API ----------------------------------------------- */

int
tcp_listen(struct sim *s, int node, uint16_t port, tcp_accept_fn fn, void *u)
{
	struct node *n = &s->nodes[node];

	for (struct tcp_listener *l = n->listeners; l; l = l->next)
		if (l->port == port)
			return -1;
	struct tcp_listener *l = xcalloc(1, sizeof *l);
	l->port = port;
	l->fn = fn;
	l->u = u;
	l->next = n->listeners;
	n->listeners = l;
	return 0;
}

static uint16_t
ephemeral_port(struct sim *s, int node)
{
	struct node *n = &s->nodes[node];

	for (;;) {
		uint16_t p = n->next_port;
		int used = 0;

		n->next_port = p == 65535 ? 49152 : (uint16_t)(p + 1);
		for (struct tcp_conn *c = n->conns; c; c = c->next)
			if (c->lport == p)
				used = 1;
		if (!used)
			return p;
	}
}

struct tcp_conn *
tcp_connect(struct sim *s, int node, uint32_t dst, uint16_t port,
    const struct tcp_ops *ops, void *u)
{
	if (!s->nodes[node].up)
		return NULL;
	struct tcp_conn *c = conn_new(s, node, dst, ephemeral_port(s, node),
	    port);

	c->ops = ops;
	c->u = u;
	cc_init(c);
	tcp_enter_state(c, TCP_SYN_SENT);
	tcp_send_segment(c, c->iss, 0, F_SYN);
	c->snd_nxt = c->iss + 1;
	return c;
}

void
tcp_set_acked(struct tcp_conn *c,
    void (*fn)(struct tcp_conn *c, void *u, size_t unsent))
{
	c->acked = fn;
}

void
tcp_set_ops(struct tcp_conn *c, const struct tcp_ops *ops, void *u)
{
	c->ops = ops;
	c->u = u;
}

void
tcp_send(struct tcp_conn *c, const void *p, size_t n)
{
	if (c->dead || c->fin_req || n == 0)
		return;
	/* Reclaim acknowledged bytes before the buffer grows. */
	if (c->sb_head > 0 && c->sb_head >= c->sb.len / 2) {
		memmove(c->sb.data, c->sb.data + c->sb_head,
		    c->sb.len - c->sb_head);
		c->sb.len -= c->sb_head;
		c->sb_head = 0;
	}
	buf_append(&c->sb, p, n);
	tcp_output(c);
}

void
tcp_close(struct tcp_conn *c)
{
	if (c->dead || c->fin_req)
		return;
	switch (c->st) {
	case TCP_SYN_SENT:
		/* Nothing was said yet: just forget it. */
		tcp_enter_state(c, TCP_CLOSED);
		tcp_kill(c);
		return;
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		c->fin_req = 1;
		tcp_enter_state(c, TCP_FIN_WAIT_1);
		break;
	case TCP_CLOSE_WAIT:
		c->fin_req = 1;
		tcp_enter_state(c, TCP_LAST_ACK);
		break;
	default:
		return;
	}
	tcp_output(c);
}

void
tcp_abort(struct tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->st != TCP_SYN_SENT && c->st != TCP_CLOSED) {
		uint8_t seg[TCP_HLEN] = { 0 };

		put16(seg, c->lport);
		put16(seg + 2, c->rport);
		put32(seg + 4, c->snd_nxt);
		seg[12] = (TCP_HLEN / 4) << 4;
		seg[13] = F_RST;
		put16(seg + 16, l4_checksum(c->lip, c->rip, IPPROTO_TCP_, seg,
		    TCP_HLEN));
		net_ip_send(c->s, c->node, c->rip, IPPROTO_TCP_, seg, TCP_HLEN,
		    tcp_seg_say(seg[13], 0));
	}
	tcp_enter_state(c, TCP_CLOSED);
	tcp_kill(c);
}

/*
 * The application stops waiting for a connection still in SYN-SENT
 * (an SMTP client's connect timeout): as if the SYN retries had run
 * out, the trace says TCP_ERR_TIMEOUT and the error callback runs.
 * Nothing goes on the wire: RFC 9293 3.10.4, ABORT in SYN-SENT,
 * "delete the TCB", no RST, since the peer never answered.
 */
void
tcp_give_up(struct tcp_conn *c)
{
	if (c->dead || c->st != TCP_SYN_SENT)
		return;
	tcp_fail(c, TCP_ERR_TIMEOUT);
}

enum tcp_state
tcp_conn_state(const struct tcp_conn *c)
{
	return c->st;
}

int
tcp_conn_node(const struct tcp_conn *c)
{
	return c->node;
}

uint32_t
tcp_conn_peer_ip(const struct tcp_conn *c)
{
	return c->rip;
}

uint16_t
tcp_conn_peer_port(const struct tcp_conn *c)
{
	return c->rport;
}

size_t
tcp_conn_unsent(const struct tcp_conn *c)
{
	return c->sb.len - c->sb_head;
}

uint32_t
tcp_conn_mss(const struct tcp_conn *c)
{
	return c->mss;
}

/* ---- timers firing ------------------------------------------------ */

static void
tcp_rto_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct tcp_conn *c = obj;
	uint64_t now = sim_time(ctx);

	(void)a;
	(void)b;
	c->rto_ev = 0;
	if (c->rto_at == 0)
		return;
	if (now < c->rto_at) {
		c->rto_ev = evq_at(c->s->q, c->rto_at, tcp_rto_fire, NULL, c,
		    0, 0);
		c->rto_ev_at = c->rto_at;
		return;
	}
	c->rto_at = 0;
	int limit = c->st == TCP_SYN_SENT || c->st == TCP_SYN_RCVD ?
	    SYN_RETRIES : DATA_RETRIES;
	if (++c->timeouts > limit) {
		tcp_fail(c, TCP_ERR_TIMEOUT);
		return;
	}
	/* RFC 6298 5.5: back off the timer. */
	c->rto = c->rto * 2 > RTO_MAX ? RTO_MAX : c->rto * 2;
	c->retx_kind = RETX_TIMEOUT;
	c->rtt_timing = 0;
	if (c->st == TCP_SYN_SENT || c->st == TCP_SYN_RCVD) {
		tcp_send_segment(c, c->iss, 0,
		    F_SYN | (c->st == TCP_SYN_RCVD ? F_ACK : 0));
		rto_restart(c);
		return;
	}
	/*
	 * RFC 5681 3.1 (equation 4) and RFC 6582 3.2 step 4: halve, drop to
	 * one segment, remember how far we had sent, and go back to the
	 * first unacknowledged byte.  ssthresh is halved only on the first
	 * expiry for a segment.
	 */
	uint32_t flight = c->snd_max - c->snd_una;
	if (c->timeouts == 1)
		c->ssthresh = flight / 2 > 2 * c->mss ? flight / 2 :
		    2 * c->mss;
	c->cwnd = c->mss;
	c->recover = c->snd_max;
	c->in_recovery = 0;
	c->dupacks = 0;
	c->snd_nxt = c->snd_una;
	tcp_output(c);
	rto_restart(c);
}

static void
tcp_dack_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct tcp_conn *c = obj;

	(void)a;
	(void)b;
	c->dack_ev = 0;
	if (c->dack_at == 0)
		return;
	if (sim_time(ctx) < c->dack_at) {
		c->dack_ev = evq_at(c->s->q, c->dack_at, tcp_dack_fire, NULL, c,
		    0, 0);
		c->dack_ev_at = c->dack_at;
		return;
	}
	c->dack_at = 0;
	send_ack_now(c);
}

static void
tcp_tw_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct tcp_conn *c = obj;

	(void)ctx;
	(void)a;
	(void)b;
	c->tw_ev = 0;
	tcp_enter_state(c, TCP_CLOSED);
	tcp_kill(c);
}

/* The peer stayed silent in FIN-WAIT-2: it is gone. */
static void
tcp_fw2_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct tcp_conn *c = obj;

	(void)ctx;
	(void)a;
	(void)b;
	c->tw_ev = 0;
	tcp_fail(c, TCP_ERR_TIMEOUT);
}

/* Start or restart the FIN-WAIT-2 timer (tw_ev: TIME-WAIT comes later). */
static void
fw2_restart(struct tcp_conn *c)
{
	evq_cancel(c->s->q, c->tw_ev);
	c->tw_ev = evq_at(c->s->q, sim_time(c->s) + FIN_WAIT_2_TIMEOUT,
	    tcp_fw2_fire, NULL, c, 0, 0);
}

static void
enter_time_wait(struct tcp_conn *c)
{
	tcp_enter_state(c, TCP_TIME_WAIT);
	rto_stop(c);
	evq_cancel(c->s->q, c->tw_ev);
	c->tw_ev = evq_at(c->s->q, sim_time(c->s) + 2 * MSL, tcp_tw_fire,
	    NULL, c, 0, 0);
	tcp_report_closed(c);
}

/* ---- receiving ---------------------------------------------------- */

/* Our FIN has been acknowledged: move on per RFC 793's ACK processing. */
static void
our_fin_acked(struct tcp_conn *c)
{
	switch (c->st) {
	case TCP_FIN_WAIT_1:
		tcp_enter_state(c, TCP_FIN_WAIT_2);
		fw2_restart(c);
		break;
	case TCP_CLOSING:
		enter_time_wait(c);
		break;
	case TCP_LAST_ACK:
		tcp_enter_state(c, TCP_CLOSED);
		tcp_report_closed(c);
		tcp_kill(c);
		break;
	default:
		break;
	}
}

/*
 * A new cumulative ACK (snd_una < ack <= snd_max): slide the send
 * buffer, grow or deflate the window, time the round trip.
 */
static void
ack_new(struct tcp_conn *c, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una;
	uint32_t end = data_end(c);
	uint32_t data_acked_to = seq_lt(ack, end) ? ack : end;

	if (seq_gt(data_acked_to, c->sb_seq)) {
		c->sb_head += data_acked_to - c->sb_seq;
		c->sb_seq = data_acked_to;
	}
	if (c->rtt_timing && seq_gt(ack, c->rtt_seq)) {
		rtt_sample(c, sim_time(c->s) - c->rtt_start);
		c->rtt_timing = 0;
	}
	c->snd_una = ack;
	if (seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	c->timeouts = 0;
	c->dupacks = 0;

	if (c->in_recovery) {
		if (seq_geq(ack, c->recover)) {
			/* RFC 6582 3.2 step 3: a full ACK ends recovery. */
			uint32_t flight = c->snd_max - c->snd_una;
			c->cwnd = c->ssthresh < flight + c->mss ? c->ssthresh :
			    flight + c->mss;
			c->in_recovery = 0;
		} else {
			/* Partial ACK: the next hole is lost too; resend it at once. */
			c->retx_kind = RETX_PARTIAL;
			tcp_send_segment(c, c->snd_una,
			    end - c->snd_una < c->mss ? end - c->snd_una :
			    c->mss, 0);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			c->cwnd += c->mss;
			rto_restart(c);
		}
	} else if (c->cwnd < c->ssthresh) {
		/* Slow start, RFC 5681 equation 2. */
		c->cwnd += acked < c->mss ? acked : c->mss;
	} else {
		/* Congestion avoidance, RFC 5681 equation 3. */
		uint32_t inc = c->mss * c->mss / c->cwnd;
		c->cwnd += inc ? inc : 1;
	}
	/* RFC 6298 5.2 and 5.3. */
	if (c->snd_una == c->snd_max)
		rto_stop(c);
	else
		rto_restart(c);
}

/* RFC 5681 3.2: the third duplicate ACK starts fast retransmit. */
static void
ack_dup(struct tcp_conn *c)
{
	c->dupacks++;
	if (c->in_recovery) {
		c->cwnd += c->mss;	/* step 4: inflate */
		tcp_output(c);
		return;
	}
	if (c->dupacks != 3)
		return;
	/* RFC 6582 3.2 step 1: only when the ACK covers more than recover. */
	if (!seq_gt(c->snd_una, c->recover))
		return;
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t end = data_end(c);

	c->ssthresh = flight / 2 > 2 * c->mss ? flight / 2 : 2 * c->mss;
	c->recover = c->snd_max;
	c->in_recovery = 1;
	c->retx_kind = RETX_FAST;
	if (seq_lt(c->snd_una, end))
		tcp_send_segment(c, c->snd_una,
		    end - c->snd_una < c->mss ? end - c->snd_una : c->mss, 0);
	else
		tcp_send_segment(c, c->snd_una, 0, F_FIN);
	c->cwnd = c->ssthresh + 3 * c->mss;
	rto_restart(c);
}

/* Hold an out-of-order range [seq, seq+n) in the ring and the range list. */
static void
ooo_store(struct tcp_conn *c, uint32_t seq, const uint8_t *p, uint32_t n)
{
	if (c->ooo == NULL)
		c->ooo = xmalloc(RCV_BUF);
	if (c->nivs == MAX_IVS)
		return;		/* too fragmented: let the sender send it again */
	uint32_t at = seq & (RCV_BUF - 1);
	uint32_t first = n < RCV_BUF - at ? n : RCV_BUF - at;
	memcpy(c->ooo + at, p, first);
	memcpy(c->ooo, p + first, n - first);

	/* Insert sorted, then merge neighbours that touch or overlap. */
	int i = 0;
	while (i < c->nivs && seq_lt(c->ivs[i].start, seq))
		i++;
	memmove(&c->ivs[i + 1], &c->ivs[i], (size_t)(c->nivs - i) *
	    sizeof *c->ivs);
	c->ivs[i] = (struct ival){ seq, seq + n };
	c->nivs++;
	int w = 0;
	for (int r = 1; r < c->nivs; r++) {
		if (seq_leq(c->ivs[r].start, c->ivs[w].end)) {
			c->ivs[w].end = seq_max(c->ivs[w].end, c->ivs[r].end);
		} else
			c->ivs[++w] = c->ivs[r];
	}
	c->nivs = w + 1;
}

static void
deliver(struct tcp_conn *c, const uint8_t *p, size_t n)
{
	if (n > 0 && c->st == TCP_FIN_WAIT_2)
		fw2_restart(c);		/* a half-closed peer still talking is alive */
	if (n > 0 && c->ops && c->ops->data)
		c->ops->data(c, c->u, p, n);
}

/* After in-order data: hand over what the out-of-order ring now continues. */
static void
ooo_pull(struct tcp_conn *c)
{
	while (c->nivs > 0 && !c->dead && seq_leq(c->ivs[0].start, c->rcv_nxt)) {
		struct ival iv = c->ivs[0];

		memmove(&c->ivs[0], &c->ivs[1], (size_t)(c->nivs - 1) *
		    sizeof *c->ivs);
		c->nivs--;
		if (!seq_gt(iv.end, c->rcv_nxt))
			continue;
		uint32_t n = iv.end - c->rcv_nxt;
		uint32_t at = c->rcv_nxt & (RCV_BUF - 1);
		uint32_t first = n < RCV_BUF - at ? n : RCV_BUF - at;
		/* The ring holds at most rcv_wnd <= RCV_BUF bytes past rcv_nxt: read it in place. */
		c->rcv_nxt += n;
		deliver(c, c->ooo + at, first);
		if (!c->dead && n > first)
			deliver(c, c->ooo, n - first);
	}
}

/* The peer's FIN is now in order (RFC 793, "eighth, check the FIN bit"). */
static void
fin_received(struct tcp_conn *c)
{
	c->rcv_nxt++;
	c->fin_pending = 0;
	send_ack_now(c);
	switch (c->st) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_enter_state(c, TCP_CLOSE_WAIT);
		if (c->ops && c->ops->peer_closed)
			c->ops->peer_closed(c, c->u);
		break;
	case TCP_FIN_WAIT_1:
		/* Our FIN not yet acknowledged: both closing at once. */
		tcp_enter_state(c, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		enter_time_wait(c);
		break;
	case TCP_TIME_WAIT:
		/* A retransmitted FIN: restart the 2 MSL wait. */
		evq_cancel(c->s->q, c->tw_ev);
		c->tw_ev = evq_at(c->s->q, sim_time(c->s) + 2 * MSL,
		    tcp_tw_fire, NULL, c, 0, 0);
		break;
	default:
		break;
	}
}

/* The options of a SYN or SYN-ACK: MSS (RFC 9293 3.7.1) and Window Scale (RFC 7323 2). */
static void
parse_syn_opts(struct tcp_conn *c, const uint8_t *opt, size_t n)
{
	size_t i = 0;
	uint32_t peer = 536;		/* RFC 9293 3.7.1: the default without the option */
	int ws = -1;

	while (i < n && opt[i] != 0) {
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || opt[i + 1] < 2 || i + opt[i + 1] > n)
			break;
		if (opt[i] == 2 && opt[i + 1] == 4)
			peer = get16(opt + i + 2);
		if (opt[i] == 3 && opt[i + 1] == 3)
			ws = opt[i + 2];
		i += opt[i + 1];
	}
	if (peer < c->mss && peer >= 64)
		c->mss = peer;
	/*
	 * RFC 7323 2.2: "Check for a Window Scale option (WSopt); if it is
	 * found, save SEG.WSopt in Snd.Wind.Shift; otherwise, set both
	 * Snd.Wind.Shift and Rcv.Wind.Shift to zero."  An active opener
	 * always offered it on its SYN, so the answer settles it.
	 */
	if (ws >= 0) {
		/* 2.3: "...larger than 14, the TCP SHOULD log the error but MUST use 14 instead of the specified value." */
		c->ws_ok = 1;
		c->snd_shift = (uint8_t)(ws > WS_MAX ? WS_MAX : ws);
		c->rcv_wnd = RCV_BUF;
	} else {
		c->ws_ok = 0;
		c->snd_shift = 0;
		c->rcv_shift = 0;
		c->rcv_wnd = RCV_WND;
	}
}

static struct tcp_conn *
conn_find(struct sim *s, int node, uint32_t rip, uint16_t lport,
    uint16_t rport)
{
	for (struct tcp_conn *c = s->nodes[node].conns; c; c = c->next)
		if (c->lport == lport && c->rport == rport && c->rip == rip)
			return c;
	return NULL;
}

static struct tcp_listener *
listener_find(struct sim *s, int node, uint16_t port)
{
	for (struct tcp_listener *l = s->nodes[node].listeners; l; l = l->next)
		if (l->port == port)
			return l;
	return NULL;
}

/* Data (and FIN) of an acceptable segment in a synchronised state. */
static void
tcp_input_data(struct tcp_conn *c, uint32_t seq, const uint8_t *p,
    uint32_t n, int fin)
{
	if (c->st != TCP_ESTABLISHED && c->st != TCP_FIN_WAIT_1 &&
	    c->st != TCP_FIN_WAIT_2) {
		/* "...this should not occur, since a FIN has been received from the remote side.  Ignore the segment text." */
		n = 0;
	}
	/* Trim what we already have from the front. */
	if (seq_lt(seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - seq;

		if (skip >= n) {
			if (!fin || seq + n != c->rcv_nxt) {
				send_ack_now(c);	/* an old duplicate */
				return;
			}
			n = 0;
		} else {
			p += skip;
			n -= skip;
		}
		seq = c->rcv_nxt;
	}
	/* Trim what does not fit the window. */
	uint32_t right = c->rcv_nxt + c->rcv_wnd;
	if (seq_gt(seq + n, right)) {
		n = seq_gt(seq, right) ? 0 : right - seq;
		fin = 0;
	}
	if (seq != c->rcv_nxt) {
		/* A hole before this segment: keep it, ACK at once (RFC 5681 4.2). */
		if (n > 0)
			ooo_store(c, seq, p, n);
		if (fin) {
			c->fin_pending = 1;
			c->fin_seq_rcvd = seq + n;
		}
		send_ack_now(c);
		return;
	}
	int filled_gap = c->nivs > 0;
	c->rcv_nxt += n;
	/*
	 * Count the segment as owed before the application sees it: a reply
	 * it sends from deliver() carries the ACK (tcp_send_segment() clears
	 * what is owed), and then there is nothing left to acknowledge.
	 */
	if (n > 0)
		c->segs_owed++;
	deliver(c, p, n);
	if (c->dead)
		return;
	ooo_pull(c);
	if (c->dead)
		return;
	if (fin || (c->fin_pending && c->fin_seq_rcvd == c->rcv_nxt)) {
		fin_received(c);
		return;
	}
	/*
	 * RFC 1122 4.2.3.2: "A TCP SHOULD implement a delayed ACK, but an ACK
	 * should not be excessively delayed"; the application's reply already
	 * acknowledged this segment, so no ACK of its own, and no timer
	 * either (an ACK 200 ms later would repeat one the peer has: Wireshark
	 * calls it a duplicate ACK).
	 */
	if (n == 0 || c->segs_owed == 0)
		return;
	/*
	 * RFC 5681 4.2: "an ACK SHOULD be generated for at least every second
	 * full-sized segment, and MUST be generated within 500 ms of the
	 * arrival of the first unacknowledged packet"; "an immediate ACK
	 * SHOULD be generated when ... the incoming segment fills in all or
	 * part of a gap".  The first segment after a reply is the first one
	 * owed again, so it waits for a second or for the timer.
	 */
	if (filled_gap || c->segs_owed >= 2) {
		send_ack_now(c);
	} else {
		timer_set(c, &c->dack_at, &c->dack_ev, &c->dack_ev_at,
		    sim_time(c->s) + DELACK, tcp_dack_fire);
	}
}

static void
established(struct tcp_conn *c)
{
	tcp_enter_state(c, TCP_ESTABLISHED);
	if (c->from && c->from->fn)
		c->from->fn(c, c->from->u);
	if (!c->dead && c->ops && c->ops->connected)
		c->ops->connected(c, c->u);
}

static void
tcp_input(struct sim *s, int node, uint32_t src, uint32_t dst,
    const uint8_t *seg, size_t len, uint32_t frame)
{
	if (len < TCP_HLEN || (size_t)(seg[12] >> 4) * 4 < TCP_HLEN ||
	    (size_t)(seg[12] >> 4) * 4 > len ||
	    l4_checksum(src, dst, IPPROTO_TCP_, seg, len) != 0) {
		net_drop_at(s, node, frame, DROP_BAD_PACKET);
		return;
	}
	size_t hlen = (size_t)(seg[12] >> 4) * 4;
	uint16_t sport = get16(seg), dport = get16(seg + 2);
	uint32_t seq = get32(seg + 4), ack = get32(seg + 8);
	int fl = seg[13];
	const uint8_t *data = seg + hlen;
	uint32_t n = (uint32_t)(len - hlen);
	uint32_t seglen = n + ((fl & F_SYN) != 0) + ((fl & F_FIN) != 0);
	struct tcp_conn *c = conn_find(s, node, src, dport, sport);

	if (c == NULL) {
		struct tcp_listener *l = listener_find(s, node, dport);

		if (fl & F_RST)
			return;		/* "An incoming segment containing a RST is discarded." */
		if (l == NULL || (fl & F_ACK) || !(fl & F_SYN)) {
			send_rst_reply(s, node, src, dst, seg, seglen);
			return;
		}
		/* LISTEN, "third check for a SYN". */
		c = conn_new(s, node, src, dport, sport);
		c->from = l;
		c->irs = seq;
		c->rcv_nxt = seq + 1;
		parse_syn_opts(c, seg + TCP_HLEN, hlen - TCP_HLEN);
		c->snd_wnd = get16(seg + 14);
		cc_init(c);
		c->st = TCP_LISTEN;
		tcp_enter_state(c, TCP_SYN_RCVD);
		tcp_send_segment(c, c->iss, 0, F_SYN | F_ACK);
		c->snd_nxt = c->iss + 1;
		return;
	}

	if (c->st == TCP_SYN_SENT) {
		int ack_ok = (fl & F_ACK) && ack == c->iss + 1;

		if ((fl & F_ACK) && !ack_ok) {
			if (!(fl & F_RST))
				send_rst_reply(s, node, src, dst, seg, seglen);
			return;
		}
		if (fl & F_RST) {
			if (ack_ok)
				tcp_fail(c, TCP_ERR_REFUSED);
			return;
		}
		if (!(fl & F_SYN))
			return;
		c->irs = seq;
		c->rcv_nxt = seq + 1;
		parse_syn_opts(c, seg + TCP_HLEN, hlen - TCP_HLEN);
		c->snd_wnd = get16(seg + 14);
		cc_init(c);
		if (!ack_ok) {
			/* Simultaneous open: rare, but RFC 793 allows it. */
			tcp_enter_state(c, TCP_SYN_RCVD);
			tcp_send_segment(c, c->iss, 0, F_SYN | F_ACK);
			return;
		}
		c->snd_una = ack;
		c->timeouts = 0;
		if (c->rtt_timing) {
			/* The SYN was sent once: its round trip is a valid sample. */
			rtt_sample(c, sim_time(s) - c->rtt_start);
			c->rtt_timing = 0;
		}
		rto_stop(c);
		send_ack_now(c);
		established(c);
		if (!c->dead)
			tcp_output(c);
		return;
	}

	/*
	 * "first check sequence number": a segment is acceptable when some
	 * of it falls in the receive window (RCV.NXT =< SEG.SEQ <
	 * RCV.NXT+RCV.WND, or its last octet does).
	 */
	uint32_t rwnd = c->rcv_wnd;
	int acceptable = seglen == 0 ?
	    seq_geq(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + rwnd) :
	    (seq_geq(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + rwnd)) ||
	    (seq_geq(seq + seglen - 1, c->rcv_nxt) &&
	    seq_lt(seq + seglen - 1, c->rcv_nxt + rwnd));
	if (c->st == TCP_SYN_RCVD && (fl & F_SYN) && !(fl & F_ACK) &&
	    seq == c->irs) {
		/* The client sent its SYN again: our SYN-ACK was lost. */
		c->retx_kind = RETX_TIMEOUT;
		tcp_send_segment(c, c->iss, 0, F_SYN | F_ACK);
		return;
	}
	if (!acceptable && !(fl & F_RST)) {
		/* "...an acknowledgment should be sent in reply": the peer missed our ACK. */
		send_ack_now(c);
		return;
	}
	/* "second check the RST bit": accept it only at rcv_nxt (RFC 5961 3.2). */
	if (fl & F_RST) {
		if (seq == c->rcv_nxt) {
			if (c->st == TCP_TIME_WAIT) {
				tcp_enter_state(c, TCP_CLOSED);
				tcp_kill(c);
			} else
				tcp_fail(c, TCP_ERR_RESET);
		}
		return;
	}
	/* "fourth, check the SYN bit": a SYN in a synchronised state. */
	if (fl & F_SYN) {
		send_ack_now(c);
		return;
	}
	/* "fifth check the ACK field" */
	if (!(fl & F_ACK))
		return;
	if (c->st == TCP_SYN_RCVD) {
		if (!seq_gt(ack, c->snd_una) || seq_gt(ack, c->snd_max)) {
			send_rst_reply(s, node, src, dst, seg, seglen);
			return;
		}
		c->snd_una = ack;
		c->timeouts = 0;
		rto_stop(c);
		c->snd_wnd = wnd_from(c, seg);
		established(c);
		if (c->dead)
			return;
	}
	if (seq_gt(ack, c->snd_max)) {
		send_ack_now(c);
		return;
	}
	uint32_t wnd = wnd_from(c, seg);
	if (seq_gt(ack, c->snd_una)) {
		c->snd_wnd = wnd;
		ack_new(c, ack);
		if (!c->dead && c->acked && !c->fin_req)
			c->acked(c, c->u, c->sb.len - c->sb_head);
		if (c->fin_req && c->snd_una == data_end(c) + 1)
			our_fin_acked(c);
		if (c->dead)
			return;
	} else if (ack == c->snd_una && n == 0 && !(fl & F_FIN) &&
	    wnd == c->snd_wnd && c->snd_max != c->snd_una) {
		ack_dup(c);
	} else {
		c->snd_wnd = wnd;
	}

	/* "seventh, process the segment text" and "eighth, check the FIN bit" */
	if (n > 0 || (fl & F_FIN))
		tcp_input_data(c, seq, data, n, fl & F_FIN);
	if (!c->dead)
		tcp_output(c);
}

void
tcp_power_off(struct sim *s, int node)
{
	struct node *n = &s->nodes[node];

	/* A machine that stops forgets its connections and sends nothing. */
	while (n->conns)
		tcp_fail(n->conns, TCP_ERR_HOST_DOWN);
}

void
tcp_free_node(struct sim *s, int node)
{
	struct node *n = &s->nodes[node];

	while (n->conns) {
		struct tcp_conn *c = n->conns;

		n->conns = c->next;
		evq_cancel(s->q, c->rto_ev);
		evq_cancel(s->q, c->dack_ev);
		evq_cancel(s->q, c->tw_ev);
		conn_free(c);
	}
	while (n->listeners) {
		struct tcp_listener *l = n->listeners;

		n->listeners = l->next;
		free(l);
	}
}
