/*
 * test_tcp.c: TCP over the simulated network, checked on the bytes it
 * puts on the wire and on what the applications receive.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "export.h"
#include "helpers.h"
#include "util.h"
#include "udp.h"
#include "world.h"

/* client - r1 - r2 - server, the middle link lossy. */
static struct scenario *
three_links(double middle_loss, uint64_t seed)
{
	struct chain_link l[3] = {
		{ 1, 100000, 0, 0 },
		{ 10, 10000, middle_loss, 0 },
		{ 1, 100000, 0, 0 },
	};
	return chain_scenario(3, l, 536, seed);
}

/* TCP header fields of a frame as created. */
struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	int	 flags, hlen;
	size_t	 datalen;
	uint8_t	 ttl;
	int	 mss_opt;
	int	 ws_opt;	/* the Window Scale option's shift, or -1 */
	uint16_t wnd;		/* the window field as sent */
};

static struct seg
parse_seg(const struct trace *tr, uint32_t f)
{
	const uint8_t *p = trace_frame_bytes(tr, f);
	const uint8_t *ip = p + ETH_HLEN;
	const uint8_t *t = ip + 20;
	struct seg s = { 0 };

	s.sport = get16(t);
	s.dport = get16(t + 2);
	s.seq = get32(t + 4);
	s.ack = get32(t + 8);
	s.hlen = (t[12] >> 4) * 4;
	s.flags = t[13];
	s.datalen = get16(ip + 2) - 20 - (size_t)s.hlen;
	s.ttl = ip[8];
	s.wnd = get16(t + 14);
	s.mss_opt = s.ws_opt = -1;
	for (int i = 20; i < s.hlen && t[i] != 0; ) {
		if (t[i] == 1) {
			i++;
			continue;
		}
		if (t[i] == 2 && t[i + 1] == 4)
			s.mss_opt = get16(t + i + 2);
		if (t[i] == 3 && t[i + 1] == 3)
			s.ws_opt = t[i + 2];
		i += t[i + 1] ? t[i + 1] : 1;
	}
	return s;
}

START_TEST(test_handshake_bytes)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 5000);
	sim_run(s);
	ck_assert_int_eq(b.errors, 0);
	ck_assert_uint_eq(b.received, 5000);
	ck_assert_uint_eq(b.mismatches, 0);
	ck_assert(b.server_closed && b.client_closed);

	const struct trace *tr = sim_trace(s);
	struct seg syn = parse_seg(tr, 0), synack = parse_seg(tr, 1),
	    ack = parse_seg(tr, 2);
	ck_assert_int_eq(syn.flags, 0x02);
	ck_assert_int_eq(syn.mss_opt, 536);
	ck_assert_int_eq(synack.flags, 0x12);
	ck_assert_int_eq(synack.mss_opt, 536);
	ck_assert_uint_eq(synack.ack, syn.seq + 1);
	ck_assert_int_eq(ack.flags & 0x17, 0x10);
	ck_assert_uint_eq(ack.seq, syn.seq + 1);
	ck_assert_uint_eq(ack.ack, synack.seq + 1);
	ck_assert_int_eq(syn.dport, 9);
	ck_assert_int_ge(syn.sport, 49152);

	/* Every data segment fits the MSS; the data adds up to what was sent. */
	size_t data = 0, segs = 0;
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if (x.dport == 9 && x.datalen > 0) {
			ck_assert_uint_le(x.datalen, 536);
			data += x.datalen;
			segs++;
		}
	}
	ck_assert_uint_eq(data, 5000);
	ck_assert_uint_eq(segs, 10);	/* ceil(5000 / 536) */

	/* Both sides went through FIN: the client's last state is TIME-WAIT then CLOSED. */
	int fin_wait_2 = 0, time_wait = 0, last_ack = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind != TR_TCP_STATE)
			continue;
		fin_wait_2 += (r.a >> 8) == TCP_FIN_WAIT_2;
		time_wait += (r.a >> 8) == TCP_TIME_WAIT;
		last_ack += (r.a >> 8) == TCP_LAST_ACK;
	}
	ck_assert_int_eq(fin_wait_2, 1);
	ck_assert_int_eq(time_wait, 1);
	ck_assert_int_eq(last_ack, 1);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_routers_decrement_ttl)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 100);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	int seen[3] = { 0 };
	/* The SYN (frame 0) crosses links 0, 1, 2 with TTL 64, 63, 62. */
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_TX && r.frame == 0) {
			ck_assert_int_eq(r.ttl, 64 - r.link);
			ck_assert_int_eq(r.a, r.link == 0);
			seen[r.link]++;

			/* And the bytes on that link say so, with a valid checksum and that link's MACs. */
			uint8_t fr[128];
			trace_frame_on_link(tr, &r, fr);
			ck_assert_int_eq(fr[ETH_HLEN + 8], 64 - r.link);
			ck_assert_uint_eq(cksum_fold(cksum_add(0, fr + ETH_HLEN, 20)), 0);
			uint8_t mac[6];
			eth_mac(r.link, 1, mac);
			ck_assert_mem_eq(fr, mac, 6);
		}
	}
	ck_assert_int_eq(seen[0] + seen[1] + seen[2], 3);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_megabyte_through_loss)
{
	struct scenario *sc = three_links(0.10, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 1000000);
	sim_run(s);
	ck_assert_int_eq(b.errors, 0);
	ck_assert_uint_eq(b.received, 1000000);
	ck_assert_uint_eq(b.mismatches, 0);
	ck_assert(b.server_closed);

	struct sim_stats st;
	sim_stats(s, &st);
	ck_assert_uint_gt(st.dropped, 100);
	ck_assert_uint_gt(st.retransmissions, 50);

	/* Every drop is on the lossy middle link, for the link's own reason. */
	const struct trace *tr = sim_trace(s);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_DROP) {
			ck_assert_int_eq(r.link, 1);
			ck_assert_int_eq(r.a, DROP_LOSS);
		}
	}
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_same_seed_same_pcap)
{
	struct buf p[3] = { 0 };

	for (int k = 0; k < 3; k++) {
		/* Third run: another seed, so the test can tell runs apart. */
		struct scenario *sc = three_links(0.10, k < 2 ? 5 : 6);
		struct sim *s = sim_new(sc, k < 2 ? 5 : 6);
		struct bulk b;

		bulk_start(s, &b, 200000);
		sim_run(s);
		ck_assert_uint_eq(b.received, 200000);
		export_pcap(s, -1, &p[k]);
		sim_free(s);
		chain_free(sc);
	}
	ck_assert_uint_eq(p[0].len, p[1].len);
	ck_assert_mem_eq(p[0].data, p[1].data, p[0].len);
	ck_assert(p[0].len != p[2].len ||
	    memcmp(p[0].data, p[2].data, p[0].len) != 0);
	for (int k = 0; k < 3; k++)
		buf_free(&p[k]);
}
END_TEST

struct conn_result {
	int errors, last, connected;
};

static void
r_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct conn_result *r = u;

	(void)c;
	r->errors++;
	r->last = (int)e;
}

static void
r_connected(struct tcp_conn *c, void *u)
{
	struct conn_result *r = u;

	(void)c;
	r->connected++;
}

static const struct tcp_ops r_ops = { .connected = r_connected,
    .error = r_error };

START_TEST(test_rst_for_closed_port)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct conn_result r = { 0 };

	tcp_connect(s, 0, sc->nodes[3].ip, 25, &r_ops, &r);
	sim_run(s);
	ck_assert_int_eq(r.errors, 1);
	ck_assert_int_eq(r.last, TCP_ERR_REFUSED);
	ck_assert_int_eq(r.connected, 0);
	/* Two frames: SYN, and RST+ACK acknowledging it (RFC 793 3.4). */
	const struct trace *tr = sim_trace(s);
	ck_assert_uint_eq(trace_frame_count(tr), 2);
	struct seg syn = parse_seg(tr, 0), rst = parse_seg(tr, 1);
	ck_assert_int_eq(rst.flags, 0x14);
	ck_assert_uint_eq(rst.ack, syn.seq + 1);
	ck_assert_uint_eq(rst.seq, 0);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_connect_timeout_when_server_off)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct conn_result r = { 0 };

	net_set_node(s, 3, 0);
	tcp_connect(s, 0, sc->nodes[3].ip, 25, &r_ops, &r);
	sim_run(s);
	ck_assert_int_eq(r.errors, 1);
	ck_assert_int_eq(r.last, TCP_ERR_TIMEOUT);
	/* One SYN and five retransmissions at 1, 2, 4, 8, 16 s; the error at 63 s. */
	const struct trace *tr = sim_trace(s);
	int retx = 0;
	uint64_t t_err = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		retx += rec.kind == TR_TCP_RETX;
		if (rec.kind == TR_TCP_ERROR)
			t_err = rec.t;
	}
	ck_assert_int_eq(retx, 5);
	ck_assert_uint_eq(trace_frame_count(tr), 6);
	ck_assert_uint_eq(t_err, 63 * SIM_SEC);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_link_down_then_up_recovers)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 300000);
	sim_run_until(s, 50 * SIM_MS);
	net_set_link(s, 1, 0);
	sim_run_until(s, 3 * SIM_SEC);
	ck_assert_uint_lt(b.received, 300000);
	net_set_link(s, 1, 1);
	sim_run(s);
	ck_assert_int_eq(b.errors, 0);
	ck_assert_uint_eq(b.received, 300000);
	ck_assert_uint_eq(b.mismatches, 0);
	struct sim_stats st;
	sim_stats(s, &st);
	ck_assert_uint_gt(st.dropped, 0);
	ck_assert_uint_gt(st.retransmissions, 0);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_serialisation_and_latency)
{
	/*
	 * 1000 kbit/s, 7 ms: a SYN (14 + 20 + 24 = 58 bytes, padded to the
	 * 60-byte Ethernet minimum) arrives 480 us + 7 ms after it left.
	 */
	struct chain_link l[1] = { { 7, 1000, 0, 0 } };
	struct scenario *sc = chain_scenario(1, l, 536, 1);
	struct sim *s = sim_new(sc, 1);
	struct conn_result r = { 0 };

	tcp_connect(s, 0, sc->nodes[1].ip, 25, &r_ops, &r);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	struct trace_rec tx = { .kind = TR_NKINDS }, rx = { .kind = TR_NKINDS };
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.frame == 0 && rec.kind == TR_FRAME_TX)
			tx = rec;
		if (rec.frame == 0 && rec.kind == TR_FRAME_RX)
			rx = rec;
	}
	ck_assert_uint_eq(tx.kind, TR_FRAME_TX);
	ck_assert_uint_eq(rx.kind, TR_FRAME_RX);
	/* IPv4 20 + TCP 20 + MSS 4 + NOP and Window Scale 4. */
	ck_assert_uint_eq(get16(trace_frame_bytes(tr, 0) + ETH_HLEN + 2),
	    20 + 28);
	ck_assert_uint_eq(trace_frame(tr, 0)->len, 62);
	ck_assert_uint_eq(rx.t - tx.t, 62 * 8 * 1000 + 7 * SIM_MS);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_queue_overflow_drops)
{
	/* A fast link into a slow one with a 5-frame queue: the router must drop. */
	struct chain_link l[2] = { { 1, 100000, 0, 0 }, { 1, 64, 0, 5 } };
	struct scenario *sc = chain_scenario(2, l, 536, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 100000);
	sim_run(s);
	ck_assert_uint_eq(b.received, 100000);
	ck_assert_uint_eq(b.mismatches, 0);
	const struct trace *tr = sim_trace(s);
	int full = 0, queued = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		full += r.kind == TR_FRAME_DROP && r.a == DROP_QUEUE_FULL;
		queued += r.kind == TR_FRAME_QUEUED;
	}
	ck_assert_int_gt(full, 0);
	ck_assert_int_gt(queued, 0);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_ttl_runs_out_after_64_routers)
{
	/* 65 links, 64 routers: the 64th router receives TTL 1 and must drop (RFC 1812 5.3.1). */
	struct chain_link l[65];
	for (int i = 0; i < 65; i++)
		l[i] = (struct chain_link){ 1, 100000, 0, 0 };
	struct scenario *sc = chain_scenario(65, l, 536, 1);
	struct sim *s = sim_new(sc, 1);
	struct conn_result r = { 0 };

	tcp_connect(s, 0, sc->nodes[65].ip, 25, &r_ops, &r);
	sim_run_until(s, 500 * SIM_MS);
	const struct trace *tr = sim_trace(s);
	int ttl_drops = 0, reached_server = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_FRAME_DROP && rec.a == DROP_TTL) {
			ttl_drops++;
			ck_assert_int_eq(rec.node, 64);
			ck_assert_int_eq(rec.ttl, 1);
		}
		reached_server += rec.kind == TR_FRAME_RX && rec.node == 65;
	}
	ck_assert_int_eq(ttl_drops, 1);	/* the SYN; its retry comes at 1 s */
	ck_assert_int_eq(reached_server, 0);
	sim_free(s);
	chain_free(sc);
}
END_TEST

struct udp_seen {
	int	 n;
	uint32_t src;
	uint16_t sport, dport;
	uint8_t	 data[64];
	size_t	 len;
};

static void
udp_got(struct sim *s, int node, void *u, uint32_t src, uint16_t sport,
    uint16_t dport, const uint8_t *p, size_t n)
{
	struct udp_seen *seen = u;

	(void)s;
	(void)node;
	seen->n++;
	seen->src = src;
	seen->sport = sport;
	seen->dport = dport;
	seen->len = n < sizeof seen->data ? n : sizeof seen->data;
	memcpy(seen->data, p, seen->len);
}

START_TEST(test_udp_datagram_and_no_listener)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct udp_seen seen = { 0 };

	ck_assert_int_eq(udp_bind(s, 3, 53, udp_got, &seen), 0);
	ck_assert_int_eq(udp_bind(s, 3, 53, udp_got, &seen), -1);
	udp_send(s, 0, 33333, sc->nodes[3].ip, 53, "hello", 5);
	udp_send(s, 0, 33334, sc->nodes[3].ip, 54, "nobody", 6);
	static uint8_t big[1500 - 20 - 8 + 1];	/* one byte over the MTU */
	udp_send(s, 0, 33335, sc->nodes[3].ip, 53, big, sizeof big);
	sim_run(s);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_uint_eq(seen.src, sc->nodes[0].ip);
	ck_assert_int_eq(seen.sport, 33333);
	ck_assert_int_eq(seen.dport, 53);
	ck_assert_uint_eq(seen.len, 5);
	ck_assert_mem_eq(seen.data, "hello", 5);

	/* The UDP header on the wire: length 13, a checksum that verifies. */
	const struct trace *tr = sim_trace(s);
	const uint8_t *p = trace_frame_bytes(tr, 0);
	ck_assert_uint_eq(get16(p + 34 + 4), 13);
	ck_assert_uint_eq(l4_checksum(sc->nodes[0].ip, sc->nodes[3].ip, 17,
	    p + 34, 13), 0);
	int no_listener = 0, too_big = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_DROP && r.a == DROP_NO_LISTENER) {
			ck_assert_int_eq(r.frame, 1);
			no_listener++;
		} else if (r.kind == TR_FRAME_DROP) {
			ck_assert_int_eq(r.a, DROP_TOO_BIG);
			ck_assert_int_eq(r.frame, 2);
			ck_assert_int_eq(r.node, 0);	/* at the sender's own interface */
			too_big++;
		}
	}
	ck_assert_int_eq(no_listener, 1);
	ck_assert_int_eq(too_big, 1);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_fast_retransmit_after_single_loss)
{
	/* Lose exactly one data frame mid-window: three duplicate ACKs must bring it back before any timeout. */
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 200000);
	sim_run_until(s, 150 * SIM_MS);	/* the window has opened by now */
	s->links[1].loss = 1.0;
	/* One frame enters the lossy link; then it is clean again. */
	uint64_t tx_before = s->stats.transmissions;
	while (s->stats.transmissions == tx_before)
		evq_step(s->q);
	s->links[1].loss = 0;
	sim_run(s);
	ck_assert_uint_eq(b.received, 200000);
	ck_assert_uint_eq(b.mismatches, 0);
	const struct trace *tr = sim_trace(s);
	int fast = 0, timeout = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_TCP_RETX) {
			fast += r.b == RETX_FAST;
			timeout += r.b == RETX_TIMEOUT;
		}
	}
	ck_assert_int_eq(fast, 1);
	ck_assert_int_eq(timeout, 0);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/*
 * A request-and-reply session for the delayed-ACK tests.  The client
 * sends burst bytes of 'B' (the server answers "A" once it has them
 * all), then rounds one-byte requests "Q" (each answered "A" at once,
 * from the server's data callback, as an SMTP server answers a
 * command), then one byte "S" that gets no answer.  The test closes.
 */
struct pp {
	size_t		 burst, burst_seen;
	int		 rounds, asked, answers;
	struct tcp_conn	*client, *server;
};

static void
pp_srv_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct pp *pp = u;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == 'B' && ++pp->burst_seen == pp->burst)
			tcp_send(c, "A", 1);
		else if (p[i] == 'Q')
			tcp_send(c, "A", 1);
	}
}

static void
pp_srv_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static const struct tcp_ops pp_srv_ops = {
	.data = pp_srv_data,
	.peer_closed = pp_srv_peer_closed,
};

static void
pp_accept(struct tcp_conn *c, void *u)
{
	struct pp *pp = u;

	pp->server = c;
	tcp_set_ops(c, &pp_srv_ops, u);
}

static void
pp_cli_connected(struct tcp_conn *c, void *u)
{
	struct pp *pp = u;
	uint8_t b[4096];

	if (pp->burst == 0) {
		tcp_send(c, "Q", 1);
		pp->asked++;
		return;
	}
	memset(b, 'B', pp->burst);
	tcp_send(c, b, pp->burst);
}

static void
pp_cli_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct pp *pp = u;

	(void)p;
	for (size_t i = 0; i < n; i++) {
		pp->answers++;
		if (pp->asked < pp->rounds) {
			tcp_send(c, "Q", 1);
			pp->asked++;
		} else if (pp->asked == pp->rounds) {
			tcp_send(c, "S", 1);
			pp->asked++;
		}
	}
}

static const struct tcp_ops pp_cli_ops = {
	.connected = pp_cli_connected,
	.data = pp_cli_data,
};

/* One link of latency_ms; the client sends, the test closes at close_at. */
static struct sim *
pp_run(struct scenario **scp, struct pp *pp, double latency_ms,
    uint64_t close_at)
{
	struct chain_link l[1] = { { latency_ms, 100000, 0, 0 } };
	struct scenario *sc = chain_scenario(1, l, 536, 1);
	struct sim *s = sim_new(sc, 1);

	tcp_listen(s, 1, 9, pp_accept, pp);
	pp->client = tcp_connect(s, 0, sc->nodes[1].ip, 9, &pp_cli_ops, pp);
	sim_run_until(s, close_at);
	ck_assert_int_eq(tcp_conn_state(pp->client), TCP_ESTABLISHED);
	tcp_close(pp->client);
	sim_run(s);
	*scp = sc;
	return s;
}

/* When node received frame f (its TR_FRAME_RX record). */
static uint64_t
rx_time(const struct trace *tr, int node, uint32_t f)
{
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec r = trace_at(tr, i);

		if (r.kind == TR_FRAME_RX && r.node == node && r.frame == f)
			return r.t;
	}
	ck_abort_msg("frame %u never reached node %d", f, node);
	return 0;
}

/*
 * Wireshark's duplicate ACK (tcp.analysis.duplicate_ack): a bare ACK
 * whose acknowledgement number and window its sender already sent.
 */
static int
dup_acks(const struct trace *tr, uint16_t sport)
{
	int dups = 0, have = 0;
	uint32_t last = 0;

	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if (x.sport != sport || !(x.flags & 0x10))
			continue;
		dups += have && x.datalen == 0 && !(x.flags & 0x07) &&
		    x.ack == last;
		have = 1;
		last = x.ack;
	}
	return dups;
}

/*
 * Defect 7: a reply from the data callback carries the ACK, and nothing
 * is owed after it.  Over a link of 150 ms each way, the old code sent
 * a bare ACK 200 ms after every reply (before the next request came),
 * repeating the reply's acknowledgement: a duplicate ACK each time.
 */
START_TEST(test_piggybacked_ack_owes_nothing)
{
	struct scenario *sc;
	struct pp pp = { .rounds = 6 };
	struct sim *s = pp_run(&sc, &pp, 150, 10 * SIM_SEC);
	const struct trace *tr = sim_trace(s);
	uint16_t cport = 0;
	int bare[2] = { 0, 0 };

	ck_assert_int_eq(pp.answers, 6);
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if (x.dport == 9)
			cport = x.sport;
		if (x.flags == 0x10 && x.datalen == 0)
			bare[x.sport == 9]++;
	}
	ck_assert_int_eq(dup_acks(tr, cport), 0);
	ck_assert_int_eq(dup_acks(tr, 9), 0);
	/*
	 * The client: the handshake's third segment and the ACK of the
	 * server's FIN.  The server: the "S" that got no answer (200 ms
	 * later) and the client's FIN.  Every "Q" and "A" carried its ACK.
	 */
	ck_assert_int_eq(bare[0], 2);
	ck_assert_int_eq(bare[1], 2);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/*
 * RFC 5681 4.2 / RFC 1122 4.2.3.2: an ACK for every second full-sized
 * segment, at once; a lone segment waits up to 200 ms, and so does the
 * first one after a reply (the reply acknowledged all before it).
 */
START_TEST(test_ack_every_second_segment)
{
	struct scenario *sc;
	struct pp pp = { .burst = 4 * 536, .rounds = 1 };
	struct sim *s = pp_run(&sc, &pp, 10, 5 * SIM_SEC);
	const struct trace *tr = sim_trace(s);
	uint32_t data[8], acks[8], reply[8];
	int nd = 0, na = 0, nr = 0;
	uint32_t ciss = parse_seg(tr, 0).seq;

	ck_assert_int_eq(pp.answers, 2);
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if ((x.flags & 0x07) || trace_frame(tr, f)->t >= 5 * SIM_SEC)
			continue;	/* SYN, FIN, RST; what the close brings */
		if (x.dport == 9 && x.datalen > 0 && nd < 8)
			data[nd++] = f;
		else if (x.sport == 9 && x.datalen == 0 && na < 8)
			acks[na++] = f;
		else if (x.sport == 9 && nr < 8)
			reply[nr++] = f;
	}
	/* Four segments of the burst, then "Q", then "S". */
	ck_assert_int_eq(nd, 6);
	ck_assert_int_eq(nr, 2);
	/* The burst: one ACK, after the second segment, sent as it arrived. */
	ck_assert_int_eq(na, 2);
	ck_assert_uint_eq(parse_seg(tr, acks[0]).ack - ciss, 1 + 2 * 536);
	ck_assert_uint_eq(trace_frame(tr, acks[0])->t,
	    rx_time(tr, 1, data[1]));
	/* The fourth segment's ACK rides on the answer. */
	ck_assert_uint_eq(parse_seg(tr, reply[0]).ack - ciss, 1 + 4 * 536);
	ck_assert_uint_eq(trace_frame(tr, reply[0])->t,
	    rx_time(tr, 1, data[3]));
	/* "Q" came back with "A" on it; "S", after that reply, waited 200 ms. */
	ck_assert_uint_eq(parse_seg(tr, reply[1]).ack - ciss, 1 + 4 * 536 + 1);
	ck_assert_uint_eq(parse_seg(tr, acks[1]).ack - ciss, 1 + 4 * 536 + 2);
	ck_assert_uint_eq(trace_frame(tr, acks[1])->t,
	    rx_time(tr, 1, data[5]) + 200 * SIM_MS);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/* IEEE 802.3 3.2.8: frames under 60 bytes (without FCS) are padded with zeros. */
/* ---- window scaling (RFC 7323 2) ---- */

/* The SYN offers shift 2 (a 128 KiB receive buffer), the SYN-ACK answers it, later windows are scaled. */
START_TEST(test_window_scale_on_syn)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 5000);
	sim_run(s);
	ck_assert_uint_eq(b.received, 5000);

	const struct trace *tr = sim_trace(s);
	const uint8_t *t = trace_frame_bytes(tr, 0) + ETH_HLEN + 20;
	/* MSS 536, NOP, Window Scale shift 2, in this order, byte for byte. */
	static const uint8_t opts[8] = { 2, 4, 0x02, 0x18, 1, 3, 3, 2 };
	ck_assert_int_eq(t[12] >> 4, 7);
	ck_assert_mem_eq(t + 20, opts, sizeof opts);

	struct seg syn = parse_seg(tr, 0), synack = parse_seg(tr, 1),
	    ack = parse_seg(tr, 2);
	ck_assert_int_eq(syn.ws_opt, 2);
	ck_assert_int_eq(synack.ws_opt, 2);
	/* Windows on SYN and SYN-ACK are never scaled. */
	ck_assert_uint_eq(syn.wnd, 65535);
	ck_assert_uint_eq(synack.wnd, 65535);
	/* 131072 >> 2: the whole buffer, scaled. */
	ck_assert_uint_eq(ack.wnd, 32768);
	ck_assert_int_eq(ack.ws_opt, -1);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/* On a long path the sender keeps more than 64 KiB unacknowledged. */
START_TEST(test_window_above_64k_in_use)
{
	struct chain_link l[3] = {
		{ 2, 100000, 0, 1000 },
		{ 20, 10000, 0, 1000 },
		{ 15, 100000, 0, 1000 },
	};
	struct scenario *sc = chain_scenario(3, l, 536, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;

	bulk_start(s, &b, 2000000);
	sim_run(s);
	ck_assert_uint_eq(b.received, 2000000);
	ck_assert_uint_eq(b.mismatches, 0);

	const struct trace *tr = sim_trace(s);
	struct seg syn = parse_seg(tr, 0);
	uint32_t acked = syn.seq + 1, sent = syn.seq + 1, most = 0;
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if (x.dport == 9 && x.datalen > 0 &&
		    (int32_t)(x.seq + (uint32_t)x.datalen - sent) > 0)
			sent = x.seq + (uint32_t)x.datalen;
		if (x.sport == 9 && (x.flags & 0x10) &&
		    (int32_t)(x.ack - acked) > 0)
			acked = x.ack;
		if ((int32_t)(sent - acked) > (int32_t)most)
			most = sent - acked;
	}
	ck_assert_uint_gt(most, 65535);
	ck_assert_uint_le(most, 131072);
	struct sim_stats st;
	sim_stats(s, &st);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.retransmissions, 0);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/* A SYN (or SYN-ACK) with MSS only, as the peer's machine makes it. */
static void
inject_syn(struct sim *s, int from, int to, uint16_t sport, uint16_t dport,
    uint32_t seq, uint32_t ack, int flags)
{
	const struct scenario *sc = sim_scenario(s);
	uint8_t seg[24] = { 0 };

	put16(seg, sport);
	put16(seg + 2, dport);
	put32(seg + 4, seq);
	put32(seg + 8, ack);
	seg[12] = 6 << 4;
	seg[13] = (uint8_t)flags;
	put16(seg + 14, 65535);
	seg[20] = 2;
	seg[21] = 4;
	put16(seg + 22, 536);
	put16(seg + 16, l4_checksum(sc->nodes[from].ip, sc->nodes[to].ip,
	    IPPROTO_TCP_, seg, sizeof seg));
	net_ip_send(s, from, sc->nodes[to].ip, IPPROTO_TCP_, seg, sizeof seg,
	    "frame.tx.origin.tcp_syn");
}

static void
nop_accept(struct tcp_conn *c, void *u)
{
	(void)c;
	(void)u;
}

/* A peer that offers no scaling gets none: no option on our SYN-ACK, windows unscaled. */
START_TEST(test_no_scaling_without_peer_offer)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	int server = sc->nnodes - 1;

	/* The passive side: a SYN without the option. */
	tcp_listen(s, server, 9, nop_accept, NULL);
	inject_syn(s, 0, server, 40000, 9, 1000, 0, 0x02);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	struct seg synack = { 0 };
	int found = 0;
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if (x.flags == 0x12) {
			synack = x;
			found = 1;
			break;
		}
	}
	ck_assert(found);
	ck_assert_int_eq(synack.hlen, 24);
	ck_assert_int_eq(synack.ws_opt, -1);
	ck_assert_uint_eq(synack.wnd, 65535);
	sim_free(s);

	/* The active side: our SYN offers it, a SYN-ACK without it answers. */
	s = sim_new(sc, 1);
	struct conn_result r = { 0 };
	tcp_connect(s, 0, sc->nodes[server].ip, 9, &r_ops, &r);
	tr = sim_trace(s);
	struct seg syn = parse_seg(tr, 0);
	ck_assert_int_eq(syn.ws_opt, 2);
	inject_syn(s, server, 0, 9, syn.sport, 7000, syn.seq + 1, 0x12);
	sim_run(s);
	found = 0;
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		struct seg x = parse_seg(tr, f);

		if (x.dport == 9 && x.flags == 0x10 && x.ack == 7001) {
			/* Rcv.Wind.Shift is zero: the window is not scaled. */
			ck_assert_uint_eq(x.wnd, 65535);
			found = 1;
		}
	}
	ck_assert(found);
	sim_free(s);
	chain_free(sc);
}
END_TEST

START_TEST(test_short_frames_padded)
{
	struct scenario *sc = three_links(0, 1);
	struct sim *s = sim_new(sc, 1);
	struct bulk b;
	int bare = 0;

	bulk_start(s, &b, 5000);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	for (uint32_t f = 0; f < trace_frame_count(tr); f++) {
		const struct trace_frame *fr = trace_frame(tr, f);
		const uint8_t *p = trace_frame_bytes(tr, f);
		uint32_t tot = get16(p + ETH_HLEN + 2);

		ck_assert_uint_ge(fr->len, ETH_MIN_LEN);
		if (ETH_HLEN + tot >= ETH_MIN_LEN) {
			ck_assert_uint_eq(fr->len, ETH_HLEN + tot);
			continue;
		}
		/* The IPv4 total length keeps the packet's own length. */
		ck_assert_uint_eq(fr->len, ETH_MIN_LEN);
		for (uint32_t i = ETH_HLEN + tot; i < fr->len; i++)
			ck_assert_uint_eq(p[i], 0);
		bare += tot == 40;
	}
	ck_assert_int_gt(bare, 0);
	ck_assert_uint_eq(b.received, 5000);
	sim_free(s);
	chain_free(sc);
}
END_TEST

Suite *
tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("tcp");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_handshake_bytes);
	tcase_add_test(tc, test_routers_decrement_ttl);
	tcase_add_test(tc, test_megabyte_through_loss);
	tcase_add_test(tc, test_same_seed_same_pcap);
	tcase_add_test(tc, test_rst_for_closed_port);
	tcase_add_test(tc, test_connect_timeout_when_server_off);
	tcase_add_test(tc, test_link_down_then_up_recovers);
	tcase_add_test(tc, test_serialisation_and_latency);
	tcase_add_test(tc, test_queue_overflow_drops);
	tcase_add_test(tc, test_ttl_runs_out_after_64_routers);
	tcase_add_test(tc, test_udp_datagram_and_no_listener);
	tcase_add_test(tc, test_fast_retransmit_after_single_loss);
	tcase_add_test(tc, test_piggybacked_ack_owes_nothing);
	tcase_add_test(tc, test_ack_every_second_segment);
	tcase_add_test(tc, test_short_frames_padded);
	tcase_add_test(tc, test_window_scale_on_syn);
	tcase_add_test(tc, test_window_above_64k_in_use);
	tcase_add_test(tc, test_no_scaling_without_peer_offer);
	suite_add_tcase(s, tc);
	return s;
}
