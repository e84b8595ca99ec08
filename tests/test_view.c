/*
 * test_view.c: render/view.c, the world at any step rebuilt from the
 * trace, checked without SDL against the sim that made the trace: the
 * counters against what the sim holds at the end and against a walk of
 * the trace written here, seeking in any order against seeking
 * straight, packets in flight against a brute-force search, labels,
 * and chapters.
 */
#include <check.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "helpers.h"
#include "mail.h"
#include "stress.h"
#include "util.h"
#include "view.h"
#include "world.h"

struct vrun {
	struct scenario	*sc;
	struct sim	*s;
	struct view	*v;
	int		 chain;		/* sc from chain_scenario() */
};

static struct vrun
vrun_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;
	struct sc_errors errs = { 0 };
	struct vrun r = { 0 };

	ck_assert_ptr_nonnull(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	r.sc = scenario_load((char *)b.data, b.len, path, &errs);
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	ck_assert_int_eq(errs.n, 0);
	sc_errors_free(&errs);
	buf_free(&b);
	r.s = sim_new(r.sc, r.sc->seed);
	sim_run(r.s);
	r.v = view_new(r.s);
	return r;
}

static void
vrun_free(struct vrun *r)
{
	view_free(r->v);
	sim_free(r->s);
	if (r->chain)
		chain_free(r->sc);
	else
		scenario_free(r->sc);
}

static int
node_ix(const struct scenario *sc, const char *id)
{
	int n = scenario_node_index(sc, id);

	ck_assert_int_ge(n, 0);
	return n;
}

/* The tests' own generator: seeded, the same on every machine. */
static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A copy of every counter of a state, to compare bytes. */
struct snap {
	size_t		 step;
	uint64_t	 t;
	uint8_t		 node_up[64], link_up[64];
	int		 mailbox[64], queue[64], device[64], dns[64];
};

static void
snap_take(const struct view *v, const struct scenario *sc, struct snap *s)
{
	const struct view_state *st = view_state(v);
	size_t nn = (size_t)sc->nnodes, nl = (size_t)sc->nlinks;

	ck_assert_uint_le(nn, 64);
	ck_assert_uint_le(nl, 64);
	memset(s, 0, sizeof *s);
	s->step = st->step;
	s->t = st->t;
	memcpy(s->node_up, st->node_up, nn);
	memcpy(s->link_up, st->link_up, nl);
	memcpy(s->mailbox, st->mailbox, nn * sizeof(int));
	memcpy(s->queue, st->queue, nn * sizeof(int));
	memcpy(s->device, st->device, nn * sizeof(int));
	memcpy(s->dns, st->dns_cache, nn * sizeof(int));
}

/*
 * The counters after the first `step` records, computed here from the
 * trace without the view: node and link states, and the mail counters
 * from their TR_STATE records (a mailbox's b is its own count; a server
 * shows the sum of its mailboxes).
 */
static void
snap_walk(const struct sim *s, size_t step, struct snap *out)
{
	const struct trace *tr = sim_trace(s);
	const struct scenario *sc = sim_scenario(s);
	char addrs[64][128];
	int anode[64], acount[64], na = 0;

	memset(out, 0, sizeof *out);
	out->step = step;
	for (int i = 0; i < sc->nnodes; i++)
		out->node_up[i] = 1;
	for (int i = 0; i < sc->nlinks; i++)
		out->link_up[i] = 1;
	for (size_t i = 0; i < step; i++) {
		const struct trace_rec r = trace_at(tr, i);

		out->t = r.t;
		if (r.kind == TR_NODE_STATE)
			out->node_up[r.node] = (uint8_t)r.a;
		if (r.kind == TR_LINK_STATE)
			out->link_up[r.link] = (uint8_t)r.a;
		if (r.kind != TR_STATE)
			continue;
		switch (r.a) {
		case ST_MAILBOX_ADD:
		case ST_MAILBOX_DEL: {
			char a[128];
			const char *text = trace_text_at(tr, r.text);
			size_t k = strcspn(text, " ");
			int j;

			ck_assert_uint_lt(k, sizeof a);
			memcpy(a, text, k);
			a[k] = '\0';
			for (j = 0; j < na; j++)
				if (anode[j] == r.node &&
				    strcasecmp(addrs[j], a) == 0)
					break;
			if (j == na) {
				ck_assert_int_lt(na, 64);
				strcpy(addrs[na], a);
				anode[na] = r.node;
				acount[na++] = 0;
			}
			out->mailbox[r.node] += (int)r.b - acount[j];
			acount[j] = (int)r.b;
			break;
		}
		case ST_QUEUE_ADD:
		case ST_QUEUE_DEL:
		case ST_QUEUE_RETRY:
			out->queue[r.node] = (int)r.b;
			break;
		case ST_DNS_CACHE_ADD:
		case ST_DNS_CACHE_EXPIRE:
			out->dns[r.node] = (int)r.b;
			break;
		case ST_CLIENT_STORE:
			out->device[r.node] = (int)r.b;
			break;
		}
	}
}

/*
 * Seek forward to a, then to b, against a fresh view seeking straight
 * to b: the same bytes.  And every state against the walk above.
 */
static void
check_seeks(const char *path, uint64_t seed, int pairs)
{
	struct vrun r = vrun_file(path);
	struct view *fresh = view_new(r.s);
	size_t n = view_steps(r.v);
	uint64_t x = seed;
	struct snap s1, s2, w;

	ck_assert_uint_eq(n, trace_count(sim_trace(r.s)) + 1);
	for (int k = 0; k < pairs; k++) {
		size_t a = (size_t)(xorshift(&x) % (n + 10));	/* past the end clamps */
		size_t b = (size_t)(xorshift(&x) % n);

		/* Every fourth pair a short step back or forth. */
		if (k % 4 == 3)
			b = a >= n ? n - 1 : a > 0 && (k & 8) ? a - 1 : a + 1 < n ?
			    a + 1 : a;
		view_seek(r.v, a);
		ck_assert_uint_eq(view_state(r.v)->step, a < n ? a : n - 1);
		view_seek(r.v, b);
		snap_take(r.v, r.sc, &s1);
		view_seek(fresh, b);
		snap_take(fresh, r.sc, &s2);
		ck_assert_uint_eq(s1.step, b);
		ck_assert_int_eq(memcmp(&s1, &s2, sizeof s1), 0);
		if (k % 16 == 0) {
			snap_walk(r.s, b, &w);
			ck_assert_int_eq(memcmp(&s1, &w, sizeof s1), 0);
		}
		/* The fresh view moves too, so that both start from anywhere. */
		view_seek(fresh, (size_t)(xorshift(&x) % n));
	}
	/* A walk step by step ends where a seek to the end lands. */
	for (size_t st = 0; st < n; st++)
		view_seek(fresh, st);
	snap_take(fresh, r.sc, &s1);
	snap_walk(r.s, n - 1, &w);
	ck_assert_int_eq(memcmp(&s1, &w, sizeof s1), 0);
	view_free(fresh);
	vrun_free(&r);
}

START_TEST(test_seek_default)
{
	check_seeks("scenarios/default.json", 0x5eed0001, 600);
}
END_TEST

START_TEST(test_seek_server_down)
{
	check_seeks("scenarios/10-server-down.json", 0x5eed0002, 600);
}
END_TEST

/* At the last step, the counters equal what the sim holds. */
static void
check_end_counts(const char *path)
{
	struct vrun r = vrun_file(path);
	const struct mail_world *w = r.s->mail;
	int box[64] = { 0 }, total = 0, shown = 0;

	view_seek(r.v, view_steps(r.v) - 1);
	const struct view_state *st = view_state(r.v);
	for (int i = 0; i < w->nboxes; i++) {
		box[w->boxes[i].node] += w->boxes[i].nmsgs;
		total += w->boxes[i].nmsgs;
	}
	for (int i = 0; i < r.sc->nnodes; i++) {
		ck_assert_int_eq(st->mailbox[i], box[i]);
		shown += st->mailbox[i];
		ck_assert_int_eq(st->queue[i], w->mta[i] ? w->mta[i]->nqueue :
		    0);
		ck_assert_int_eq(st->device[i], w->devices ?
		    w->devices[i].nmsgs : 0);
	}
	ck_assert_int_eq(shown, total);
	/* Past the end is the end. */
	view_seek(r.v, view_steps(r.v) + 100);
	ck_assert_uint_eq(view_state(r.v)->step, view_steps(r.v) - 1);
	ck_assert_uint_eq(view_state(r.v)->t,
	    trace_at(sim_trace(r.s), view_steps(r.v) - 2).t);
	vrun_free(&r);
}

START_TEST(test_end_counts)
{
	check_end_counts("scenarios/default.json");
	check_end_counts("scenarios/10-server-down.json");
	check_end_counts("scenarios/06-unknown-user.json");
	check_end_counts("scenarios/04-dns-mx.json");
}
END_TEST

/* The default scenario: one message stays on the mailbox server after the POP3 fetch took the first. */
START_TEST(test_end_counts_default_values)
{
	struct vrun r = vrun_file("scenarios/default.json");
	int mb = node_ix(r.sc, "mailbox-penerima");

	view_seek(r.v, 0);
	ck_assert_int_eq(view_state(r.v)->mailbox[mb], 0);
	ck_assert_uint_eq(view_state(r.v)->t, 0);
	view_seek(r.v, view_steps(r.v) - 1);
	ck_assert_int_ge(view_state(r.v)->mailbox[mb], 1);
	ck_assert_int_eq(view_state(r.v)->device[node_ix(r.sc,
	    "laptop-penerima")], r.s->mail->devices[node_ix(r.sc,
	    "laptop-penerima")].nmsgs);
	vrun_free(&r);
}
END_TEST

START_TEST(test_server_down_node_up)
{
	struct vrun r = vrun_file("scenarios/10-server-down.json");
	const struct trace *tr = sim_trace(r.s);
	int mx = node_ix(r.sc, "mx-penerima");
	size_t off = SIZE_MAX, on = SIZE_MAX;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind == TR_NODE_STATE && rec.node == mx)
			*(rec.a ? &on : &off) = i;
	}
	ck_assert_uint_ne(off, SIZE_MAX);
	ck_assert_uint_ne(on, SIZE_MAX);
	ck_assert_uint_lt(off, on);
	/* Step i is the world after record i - 1. */
	view_seek(r.v, off);
	ck_assert_int_eq(view_state(r.v)->node_up[mx], 1);
	for (size_t st = off + 1; st <= on; st++) {
		view_seek(r.v, st);
		ck_assert_int_eq(view_state(r.v)->node_up[mx], 0);
	}
	view_seek(r.v, on + 1);
	ck_assert_int_eq(view_state(r.v)->node_up[mx], 1);
	/* And backwards, across checkpoints. */
	for (size_t st = on + 1; st-- > 0; ) {
		view_seek(r.v, st);
		ck_assert_int_eq(view_state(r.v)->node_up[mx],
		    st > off && st <= on ? 0 : 1);
	}
	/* The other nodes never go down. */
	for (int i = 0; i < r.sc->nnodes; i++)
		if (i != mx)
			ck_assert_int_eq(view_state(r.v)->node_up[i], 1);
	vrun_free(&r);
}
END_TEST

/*
 * The hop that TX record i starts, found the slow way: the first later
 * RX of the frame on the same link and direction, or DROP there.
 */
static size_t
hop_end(const struct trace *tr, size_t i)
{
	const struct trace_rec tx = trace_at(tr, i);

	for (size_t j = i + 1; j < trace_count(tr); j++) {
		const struct trace_rec r = trace_at(tr, j);

		if (r.frame == tx.frame && r.link == tx.link &&
		    r.dir == tx.dir && (r.kind == TR_FRAME_RX ||
		    r.kind == TR_FRAME_DROP))
			return j;
	}
	return SIZE_MAX;
}

/* The next record that moves a queued frame: its TX, or a DROP on that link. */
static size_t
queue_end(const struct trace *tr, size_t i)
{
	const struct trace_rec q = trace_at(tr, i);

	for (size_t j = i + 1; j < trace_count(tr); j++) {
		const struct trace_rec r = trace_at(tr, j);

		if (r.frame == q.frame && r.link == q.link &&
		    r.dir == q.dir && (r.kind == TR_FRAME_TX ||
		    r.kind == TR_FRAME_DROP))
			return j;
	}
	return SIZE_MAX;
}

/*
 * Every packet view_packets() returns at time t (between steps) is one
 * a brute-force search finds, with the right link, direction, progress
 * and fate, and none is missing.
 */
static void
check_packets_at(struct vrun *r, uint64_t t)
{
	const struct trace *tr = sim_trace(r->s);
	static struct view_packet pk[4096];
	size_t cut = 0;
	int n, want = 0;

	/* view_packets() decides by time unless t is the current step's time. */
	view_seek(r->v, 0);
	ck_assert_uint_ne(t, 0);
	n = view_packets(r->v, t, pk, 4096);
	ck_assert_int_lt(n, 4096);
	while (cut < trace_count(tr) && trace_at(tr, cut).t <= t)
		cut++;
	for (size_t i = 0; i < cut; i++) {
		const struct trace_rec rec = trace_at(tr, i);
		size_t e;
		int k;

		if (rec.kind == TR_FRAME_TX) {
			e = hop_end(tr, i);
			if (e != SIZE_MAX && e < cut)
				continue;
			ck_assert_uint_ne(e, SIZE_MAX);
			want++;
			for (k = 0; k < n; k++)
				if (pk[k].tx_step == i + 1 && !pk[k].queued)
					break;
			ck_assert_int_lt(k, n);
			const struct trace_rec er = trace_at(tr, e);
			ck_assert_uint_eq(pk[k].frame, rec.frame);
			ck_assert_int_eq(pk[k].link, rec.link);
			ck_assert_int_eq(pk[k].dir, rec.dir);
			ck_assert_int_eq(pk[k].lost, er.kind == TR_FRAME_DROP);
			ck_assert(pk[k].progress >= 0 && pk[k].progress <= 1);
			double want_p = (double)(t - rec.t) /
			    (double)(er.t - rec.t);
			ck_assert_double_eq_tol(pk[k].progress, want_p, 1e-9);
			ck_assert_uint_eq(pk[k].len,
			    trace_frame(tr, rec.frame)->len);
			ck_assert_ptr_nonnull(pk[k].label);
		} else if (rec.kind == TR_FRAME_QUEUED) {
			e = queue_end(tr, i);
			if (e != SIZE_MAX && e < cut)
				continue;
			want++;
			for (k = 0; k < n; k++)
				if (pk[k].queued && pk[k].frame == rec.frame)
					break;
			ck_assert_int_lt(k, n);
			ck_assert_int_eq(pk[k].link, rec.link);
			ck_assert_int_eq(pk[k].dir, rec.dir);
			ck_assert(pk[k].progress == 0);
			if (e != SIZE_MAX &&
			    trace_at(tr, e).kind == TR_FRAME_TX)
				ck_assert_uint_eq(pk[k].tx_step, e + 1);
		}
	}
	ck_assert_int_eq(n, want);
}

START_TEST(test_packets_default)
{
	struct vrun r = vrun_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.s);
	uint64_t x = 0x9ac4e7;
	uint64_t end = trace_at(tr, trace_count(tr) - 1).t;

	/* Times in the busy first two seconds, and anywhere. */
	for (int k = 0; k < 60; k++)
		check_packets_at(&r, 1 + xorshift(&x) % 1200000000ULL);
	for (int k = 0; k < 20; k++)
		check_packets_at(&r, 1 + xorshift(&x) % end);
	/* Exactly at a record's time, and one nanosecond after. */
	for (int k = 0; k < 40; k++) {
		uint64_t t = trace_at(tr, 1 + xorshift(&x) %
		    (trace_count(tr) - 1)).t;
		if (t > 0)
			check_packets_at(&r, t);
		check_packets_at(&r, t + 1);
	}
	vrun_free(&r);
}
END_TEST

/* The first frame, a DNS query, halfway along the laptop's link. */
START_TEST(test_packet_halfway)
{
	struct vrun r = vrun_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.s);
	struct view_packet pk[16];
	size_t tx = SIZE_MAX;

	for (size_t i = 0; i < trace_count(tr) && tx == SIZE_MAX; i++)
		if (trace_at(tr, i).kind == TR_FRAME_TX)
			tx = i;
	ck_assert_uint_ne(tx, SIZE_MAX);
	const struct trace_rec a = trace_at(tr, tx);
	const struct trace_rec b = trace_at(tr, hop_end(tr, tx));
	ck_assert_int_eq(a.link, 0);
	uint64_t mid = a.t + (b.t - a.t) / 2;
	int n = view_packets(r.v, mid, pk, 16);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(pk[0].frame, a.frame);
	ck_assert_int_eq(pk[0].link, 0);
	ck_assert_int_eq(pk[0].dir, 0);
	ck_assert_double_eq_tol(pk[0].progress, 0.5, 1e-6);
	ck_assert_int_eq(pk[0].lost, 0);
	ck_assert_int_eq(pk[0].queued, 0);
	ck_assert_int_eq(pk[0].proto, APP_DNS);
	ck_assert_str_eq(pk[0].label, "DNS query");
	ck_assert_uint_eq(pk[0].tx_step, tx + 1);
	/* A still picture at the TX step: the frame at the sending end. */
	view_seek(r.v, tx + 1);
	n = view_packets(r.v, view_state(r.v)->t, pk, 16);
	ck_assert_int_eq(n, 1);
	ck_assert(pk[0].progress == 0);
	/* One step earlier, it does not exist yet. */
	view_seek(r.v, tx);
	ck_assert_int_eq(view_packets(r.v, view_state(r.v)->t, pk, 16), 0);
	/* At the RX step it has arrived: gone from the link. */
	view_seek(r.v, hop_end(tr, tx) + 1);
	n = view_packets(r.v, view_state(r.v)->t, pk, 16);
	for (int k = 0; k < n; k++)
		ck_assert(pk[k].link != 0 || pk[k].frame != a.frame);
	/* max bounds what is written. */
	ck_assert_int_eq(view_packets(r.v, mid, pk, 0), 0);
	vrun_free(&r);
}
END_TEST

/*
 * A trace cut short (the window runs the sim only so far): the frame on
 * the wire has no RX yet, so the view finds its arrival from the link,
 * and the same time as the full run's RX.
 */
START_TEST(test_packet_trace_cut_short)
{
	struct vrun full = vrun_file("scenarios/default.json");
	const struct trace *ft = sim_trace(full.s);
	struct sim *s = sim_new(full.sc, full.sc->seed);
	struct view_packet pk[8];

	sim_run_until(s, 2 * SIM_MS);
	struct view *v = view_new(s);
	const struct trace *tr = sim_trace(s);
	ck_assert_uint_eq(trace_count(tr), 2);		/* the question, its TX */
	uint64_t arrive = trace_at(ft, hop_end(ft, 1)).t;
	ck_assert_uint_eq(arrive, 5032400);
	int n = view_packets(v, arrive / 2, pk, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_double_eq_tol(pk[0].progress, 0.5, 1e-9);
	ck_assert_int_eq(pk[0].lost, 0);
	ck_assert_int_eq(view_packets(v, arrive - 1, pk, 8), 1);
	ck_assert_int_eq(view_packets(v, arrive, pk, 8), 0);
	view_free(v);
	sim_free(s);
	vrun_free(&full);
}
END_TEST

/* A frame waiting in the laptop's FIFO while the message goes out. */
START_TEST(test_packet_queued)
{
	struct vrun r = vrun_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.s);
	struct view_packet pk[64];
	size_t q = SIZE_MAX;

	for (size_t i = 0; i < trace_count(tr) && q == SIZE_MAX; i++)
		if (trace_at(tr, i).kind == TR_FRAME_QUEUED)
			q = i;
	ck_assert_uint_ne(q, SIZE_MAX);
	size_t tx = queue_end(tr, q);
	ck_assert_int_eq(trace_at(tr, tx).kind, TR_FRAME_TX);
	view_seek(r.v, q + 1);
	int n = view_packets(r.v, view_state(r.v)->t, pk, 64), k;
	for (k = 0; k < n; k++)
		if (pk[k].frame == trace_at(tr, q).frame)
			break;
	ck_assert_int_lt(k, n);
	ck_assert_int_eq(pk[k].queued, 1);
	ck_assert(pk[k].progress == 0);
	ck_assert_uint_eq(pk[k].tx_step, tx + 1);
	ck_assert_int_eq(pk[k].link, trace_at(tr, q).link);
	ck_assert_str_eq(pk[k].label, "SMTP");
	ck_assert_int_eq(pk[k].proto, APP_SMTP);
	/* After its TX it is on the wire, no longer queued. */
	view_seek(r.v, tx + 1);
	n = view_packets(r.v, view_state(r.v)->t, pk, 64);
	for (k = 0; k < n; k++)
		if (pk[k].frame == trace_at(tr, q).frame)
			break;
	ck_assert_int_lt(k, n);
	ck_assert_int_eq(pk[k].queued, 0);
	vrun_free(&r);
}
END_TEST

/* SYN, SYN-ACK, ACK: the labels of the first handshake. */
START_TEST(test_handshake_labels)
{
	struct vrun r = vrun_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.s);
	static const char *want[] = { "SYN", "SYN-ACK", "ACK" };
	struct view_packet pk[64];
	int seen = 0;

	for (size_t i = 0; i < trace_count(tr) && seen < 3; i++) {
		const struct trace_rec rec = trace_at(tr, i);
		const uint8_t *p;

		if (rec.kind != TR_FRAME_TX || !rec.a)
			continue;
		p = trace_frame_bytes(tr, rec.frame);
		if (p[23] != 6)		/* TCP */
			continue;
		view_seek(r.v, i + 1);
		int n = view_packets(r.v, view_state(r.v)->t, pk, 64), k;
		for (k = 0; k < n; k++)
			if (pk[k].tx_step == i + 1)
				break;
		ck_assert_int_lt(k, n);
		ck_assert_str_eq(pk[k].label, want[seen]);
		ck_assert_int_eq(pk[k].proto, APP_NONE);
		seen++;
	}
	ck_assert_int_eq(seen, 3);
	vrun_free(&r);
}
END_TEST

/* Submission on port 2587 (ports.c): its data frames are drawn as SMTP. */
START_TEST(test_configured_port_labels)
{
	struct vrun r = vrun_file("tests/good/submission_2587.json");
	const struct trace *tr = sim_trace(r.s);
	struct view_packet pk[64];
	int seen = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);

		if (rec.kind != TR_FRAME_TX ||
		    !test_tcp_data_on_port(tr, &rec, 2587))
			continue;
		view_seek(r.v, i + 1);
		int n = view_packets(r.v, view_state(r.v)->t, pk, 64), k;
		for (k = 0; k < n; k++)
			if (pk[k].tx_step == i + 1)
				break;
		ck_assert_int_lt(k, n);
		ck_assert_str_eq(pk[k].label, "SMTP");
		ck_assert_int_eq(pk[k].proto, APP_SMTP);
		seen++;
	}
	ck_assert_int_gt(seen, 10);
	vrun_free(&r);
}
END_TEST

/* A lossy chain: lost frames travel and are marked lost. */
START_TEST(test_packets_lost)
{
	struct chain_link l[2] = {
		{ 2, 10000, 0, 0 },
		{ 10, 2000, 0.08, 0 },
	};
	struct vrun r = { 0 };
	struct bulk b;
	struct view_packet pk[512];
	int checked = 0;

	r.sc = chain_scenario(2, l, 536, 7);
	r.chain = 1;
	r.s = sim_new(r.sc, 7);
	bulk_start(r.s, &b, 60000);
	sim_run(r.s);
	ck_assert_uint_eq(b.received, b.total);
	r.v = view_new(r.s);

	const struct trace *tr = sim_trace(r.s);
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec d = trace_at(tr, i);
		size_t tx;

		if (d.kind != TR_FRAME_DROP || d.a != DROP_LOSS)
			continue;
		for (tx = i; tx-- > 0; )
			if (trace_at(tr, tx).kind == TR_FRAME_TX &&
			    trace_at(tr, tx).frame == d.frame)
				break;
		const struct trace_rec a = trace_at(tr, tx);
		ck_assert_int_eq(a.link, d.link);
		ck_assert_int_eq(a.dir, d.dir);
		uint64_t t = a.t + (d.t - a.t) / 3;
		int n = view_packets(r.v, t, pk, 512), k;
		for (k = 0; k < n; k++)
			if (pk[k].tx_step == tx + 1)
				break;
		ck_assert_int_lt(k, n);
		ck_assert_int_eq(pk[k].lost, 1);
		ck_assert_int_eq(pk[k].link, 1);
		ck_assert_double_eq_tol(pk[k].progress,
		    (double)(t - a.t) / (double)(d.t - a.t), 1e-9);
		/* At the DROP time it has vanished. */
		n = view_packets(r.v, d.t + 1, pk, 512);
		for (k = 0; k < n; k++)
			ck_assert(pk[k].tx_step != tx + 1);
		if (checked < 8)
			check_packets_at(&r, t);
		checked++;
	}
	ck_assert_int_gt(checked, 0);
	vrun_free(&r);
}
END_TEST

static int
chapter_keys(const struct view *v, char *out, size_t cap)
{
	const struct view_chapter *ch;
	int n = view_chapters(v, &ch);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, " ", cap - strlen(out) - 1);
		strncat(out, ch[i].key, cap - strlen(out) - 1);
		if (i > 0)
			ck_assert_uint_gt(ch[i].step, ch[i - 1].step);
	}
	return n;
}

/*
 * The story of the default scenario: submission, then the relay via the
 * smarthost (relay_via needs no DNS), the relay's MX question, the relay
 * to the MX, LMTP into the mailbox, the fetches; then the same for the
 * second message.
 */
START_TEST(test_chapters_default)
{
	struct vrun r = vrun_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.s);
	const struct view_chapter *ch;
	char keys[512];
	int n = chapter_keys(r.v, keys, sizeof keys), fetch = 0;
	const char *one = "submission relay dns relay delivery";

	/* POP3 and IMAP talk once their sessions exist in sim/. */
	for (size_t i = 0; i < trace_count(tr); i++)
		if (trace_at(tr, i).kind == TR_APP &&
		    (trace_at(tr, i).a == APP_POP3 ||
		    trace_at(tr, i).a == APP_IMAP))
			fetch = 1;
	ck_assert_int_eq(view_chapters(r.v, &ch), n);
	ck_assert_msg(strncmp(keys, one, strlen(one)) == 0, "chapters: %s",
	    keys);
	const char *second = strstr(keys + 1, "submission");
	ck_assert_ptr_nonnull(second);
	ck_assert_msg(strncmp(second, one, strlen(one)) == 0, "chapters: %s",
	    keys);
	if (fetch) {
		ck_assert_msg(strncmp(keys + strlen(one), " fetch", 6) == 0,
		    "chapters: %s", keys);
		ck_assert_str_eq(ch[n - 1].key, "fetch");
		ck_assert_int_eq(ch[5].peer, node_ix(r.sc, "mailbox-penerima"));
	} else
		ck_assert_str_eq(ch[n - 1].key, "delivery");
	/* Who talks. */
	ck_assert_int_eq(ch[0].node, node_ix(r.sc, "laptop-pengirim"));
	ck_assert_int_eq(ch[0].peer, node_ix(r.sc, "mail-pengirim"));
	ck_assert_int_eq(ch[2].node, node_ix(r.sc, "relay"));
	ck_assert_int_eq(ch[2].peer, node_ix(r.sc, "dns"));
	ck_assert_int_eq(ch[3].peer, node_ix(r.sc, "mx-penerima"));
	ck_assert_int_eq(ch[4].node, node_ix(r.sc, "mx-penerima"));
	ck_assert_int_eq(ch[4].peer, node_ix(r.sc, "mailbox-penerima"));
	/* The first chapter opens with the laptop's question for its server. */
	ck_assert_uint_eq(ch[0].step, 1);
	/* A handful of marks. */
	ck_assert_int_le(n, 16);
	vrun_free(&r);
}
END_TEST

START_TEST(test_chapters_dns_mx)
{
	struct vrun r = vrun_file("scenarios/04-dns-mx.json");
	char keys[256];

	chapter_keys(r.v, keys, sizeof keys);
	/* The MX holds the recipient's mailbox: that hop is the delivery. */
	ck_assert_str_eq(keys, "submission dns delivery");
	vrun_free(&r);
	r = vrun_file("scenarios/10-server-down.json");
	chapter_keys(r.v, keys, sizeof keys);
	ck_assert_str_eq(keys, "submission dns delivery");
	vrun_free(&r);
}
END_TEST

/* Stepping by message and by chapter. */
START_TEST(test_next_app_chapter)
{
	struct vrun r = vrun_file("scenarios/default.json");
	const struct trace *tr = sim_trace(r.s);
	const struct view_chapter *ch;
	int nch = view_chapters(r.v, &ch);
	size_t n = view_steps(r.v), st = 0, count = 0, last = 0;

	/* Forward by message visits every TR_APP record, in order. */
	for (;;) {
		size_t nx = view_next_app(r.v, st, 1);
		if (nx == st)
			break;
		ck_assert_uint_gt(nx, st);
		ck_assert_int_eq(trace_at(tr, nx - 1).kind, TR_APP);
		for (size_t i = st; i + 1 < nx; i++)
			ck_assert_int_ne(trace_at(tr, i).kind, TR_APP);
		last = st = nx;
		count++;
	}
	size_t apps = 0;
	for (size_t i = 0; i < trace_count(tr); i++)
		apps += trace_at(tr, i).kind == TR_APP;
	ck_assert_uint_eq(count, apps);
	/* Backward from the end visits them again. */
	ck_assert_uint_eq(view_next_app(r.v, n, -1), last);
	st = view_next_app(r.v, n - 1, 1);
	ck_assert_uint_eq(st, n - 1);
	for (count = 0, st = n; ; count++) {
		size_t pv = view_next_app(r.v, st, -1);
		if (pv == st)
			break;
		ck_assert_uint_lt(pv, st);
		st = pv;
	}
	ck_assert_uint_eq(count, apps);
	ck_assert_uint_eq(view_next_app(r.v, 7, 0), 7);
	/* Chapters: forward from 0 visits each start. */
	st = 0;
	for (int i = 0; i < nch; i++) {
		st = view_next_chapter(r.v, st, 1);
		ck_assert_uint_eq(st, ch[i].step);
	}
	ck_assert_uint_eq(view_next_chapter(r.v, st, 1), st);
	ck_assert_uint_eq(view_next_chapter(r.v, ch[1].step, -1), ch[0].step);
	ck_assert_uint_eq(view_next_chapter(r.v, ch[1].step + 1, -1),
	    ch[1].step);
	ck_assert_uint_eq(view_next_chapter(r.v, ch[0].step, -1), ch[0].step);
	vrun_free(&r);
}
END_TEST

/*
 * A trace written by hand: a bounce between two servers, a server's DNS
 * question, a POP3 fetch, and an SMTP reply after the session's TCP
 * began to close (a new session: a new chapter).
 */
static void
app(struct trace *tr, uint64_t t, int node, int peer, enum app_proto p,
    const char *text)
{
	trace_add(tr, &(struct trace_rec){ .t = t, .kind = TR_APP,
	    .node = node, .peer = peer, .link = -1, .frame = TRACE_NONE,
	    .a = p, .text = trace_text(tr, text, strlen(text)) });
}

static void
tcp_st(struct trace *tr, uint64_t t, int node, int peer, int from, int to,
    unsigned lport, unsigned rport)
{
	trace_add(tr, &(struct trace_rec){ .t = t, .kind = TR_TCP_STATE,
	    .node = node, .peer = peer, .link = -1, .frame = TRACE_NONE,
	    .a = (uint32_t)from | (uint32_t)to << 8, .b = lport << 16 | rport });
}

START_TEST(test_chapters_by_hand)
{
	struct chain_link l[2] = { { 1, 1000, 0, 0 }, { 1, 1000, 0, 0 } };
	struct scenario *sc = chain_scenario(2, l, 536, 1);
	struct trace *tr = trace_new();
	const struct view_chapter *ch;

	sc->nodes[0].kind = SC_SERVER;		/* two servers: 0 and 2 */
	tcp_st(tr, 10, 0, 2, TCP_CLOSED, TCP_SYN_SENT, 49152, 25);	/* 0 */
	app(tr, 20, 2, 0, APP_SMTP, "S: 220 server.test ESMTP");	/* 1 */
	app(tr, 30, 0, 2, APP_SMTP, "C: EHLO client.test");		/* 2 */
	app(tr, 40, 0, 2, APP_SMTP, "C: MAIL FROM:<>");			/* 3 */
	app(tr, 45, 0, 2, APP_DNS, "query MX example.com?");		/* 4 */
	app(tr, 46, 2, 0, APP_DNS, "answer example.com MX 10 mx");	/* 5 */
	app(tr, 50, 0, 2, APP_SMTP, "C: QUIT");				/* 6 */
	tcp_st(tr, 60, 0, 2, TCP_ESTABLISHED, TCP_FIN_WAIT_1, 49152, 25);	/* 7 */
	app(tr, 70, 2, 0, APP_POP3, "S: +OK POP3 ready");		/* 8 */
	app(tr, 80, 0, 2, APP_POP3, "C: QUIT");				/* 9 */

	struct view *v = view_new_trace(sc, tr);
	int n = view_chapters(v, &ch);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(ch[0].key, "bounce");
	ck_assert_uint_eq(ch[0].step, 1);	/* at the SYN */
	ck_assert_int_eq(ch[0].node, 0);
	ck_assert_int_eq(ch[0].peer, 2);
	ck_assert_str_eq(ch[1].key, "dns");
	ck_assert_uint_eq(ch[1].step, 5);
	ck_assert_str_eq(ch[2].key, "fetch");
	ck_assert_uint_eq(ch[2].step, 9);
	ck_assert_int_eq(ch[2].node, 0);
	ck_assert_int_eq(ch[2].peer, 2);
	/* The QUIT at record 6 continued the bounce's session. */
	ck_assert_uint_eq(view_next_app(v, 0, 1), 2);
	ck_assert_uint_eq(view_next_app(v, 2, -1), 2);
	ck_assert_uint_eq(view_next_app(v, 7, 1), 9);
	ck_assert_uint_eq(view_next_app(v, 9, -1), 7);
	ck_assert_uint_eq(view_next_app(v, 10, 1), 10);
	ck_assert_uint_eq(view_next_chapter(v, 9, 1), 9);
	ck_assert_uint_eq(view_next_chapter(v, 9, -1), 5);
	ck_assert_uint_eq(view_steps(v), 11);
	ck_assert_uint_eq(view_step_time(v, 0), 0);
	ck_assert_uint_eq(view_step_time(v, 10), 80);
	ck_assert_uint_eq(view_step_time(v, 99), 80);
	view_free(v);

	/* An empty trace: one step, nothing in flight, no chapters. */
	struct trace *empty = trace_new();
	struct view_packet pk[4];
	v = view_new_trace(sc, empty);
	ck_assert_uint_eq(view_steps(v), 1);
	view_seek(v, 5);
	ck_assert_uint_eq(view_state(v)->step, 0);
	ck_assert_int_eq(view_packets(v, 1000, pk, 4), 0);
	ck_assert_int_eq(view_chapters(v, &ch), 0);
	ck_assert_uint_eq(view_next_chapter(v, 0, 1), 0);
	ck_assert_uint_eq(view_next_app(v, 0, 1), 0);
	view_free(v);
	trace_free(empty);
	trace_free(tr);
	chain_free(sc);
}
END_TEST

/*
 * The words past 16 bits (view.c's view_aux()): a hop whose end comes
 * more than 65,534 records after its start, and mailbox slots past
 * 65,534, are kept in the far list; a trace written by hand puts both
 * there.  Records 0..69,999 store a message in 70,000 mailboxes of
 * server 0; record 70,000 starts frame f on link 0; 70,000 application
 * messages follow; then the last mailbox's message goes (its slot is
 * 69,999) and the frame arrives 70,002 records after it left.
 */
START_TEST(test_view_far_words)
{
	struct chain_link l[2] = { { 1, 1000, 0, 0 }, { 1, 1000, 0, 0 } };
	struct scenario *sc = chain_scenario(2, l, 536, 1);
	struct trace *tr = trace_new();
	struct view_packet pk[4];
	const size_t nbox = 70000, nfill = 70000;
	char text[64];
	uint64_t t = 1;

	sc->nodes[0].kind = SC_SERVER;
	for (size_t k = 0; k < nbox; k++) {
		int n = snprintf(text, sizeof text, "u%zu@x.test <m%zu@x.test>",
		    k, k);
		trace_add(tr, &(struct trace_rec){ .t = t++, .kind = TR_STATE,
		    .node = 0, .peer = -1, .link = -1, .frame = TRACE_NONE,
		    .a = ST_MAILBOX_ADD, .b = 1,
		    .text = trace_text(tr, text, (size_t)n) });
	}
	uint32_t f = trace_frame_new(tr, t, 0, 60);
	uint64_t t_tx = t;
	trace_add(tr, &(struct trace_rec){ .t = t++, .kind = TR_FRAME_TX,
	    .node = 0, .peer = 1, .link = 0, .dir = 0, .frame = f, .ttl = 64,
	    .a = 1 });
	uint32_t fill = trace_text(tr, "C: NOOP", 7);
	for (size_t k = 0; k < nfill; k++)
		trace_add(tr, &(struct trace_rec){ .t = t++, .kind = TR_APP,
		    .node = 0, .peer = 1, .link = -1, .frame = TRACE_NONE,
		    .a = APP_SMTP, .text = fill });
	int n = snprintf(text, sizeof text, "u%zu@x.test <m%zu@x.test>",
	    nbox - 1, nbox - 1);
	trace_add(tr, &(struct trace_rec){ .t = t++, .kind = TR_STATE,
	    .node = 0, .peer = -1, .link = -1, .frame = TRACE_NONE,
	    .a = ST_MAILBOX_DEL, .b = 0,
	    .text = trace_text(tr, text, (size_t)n) });
	uint64_t t_rx = t;
	trace_add(tr, &(struct trace_rec){ .t = t++, .kind = TR_FRAME_RX,
	    .node = 1, .peer = 0, .link = 0, .dir = 0, .frame = f, .ttl = 64 });

	struct view *v = view_new_trace(sc, tr);
	ck_assert_uint_eq(view_steps(v), nbox + 1 + nfill + 2 + 1);
	view_seek(v, nbox);
	ck_assert_int_eq(view_state(v)->mailbox[0], (int)nbox);
	/* Halfway along the hop: on the link, half way. */
	ck_assert_int_eq(view_packets(v, (t_tx + t_rx) / 2, pk, 4), 1);
	ck_assert_uint_eq(pk[0].frame, f);
	ck_assert_uint_eq(pk[0].tx_step, nbox + 1);
	ck_assert(pk[0].progress > 0.45 && pk[0].progress < 0.55);
	ck_assert_int_eq(pk[0].lost, 0);
	/* The last mailbox's message has gone: slot 69,999 counts 0. */
	view_seek(v, nbox + 1 + nfill + 1);
	ck_assert_int_eq(view_state(v)->mailbox[0], (int)nbox - 1);
	/* Arrived: nothing on the link any more. */
	view_seek(v, view_steps(v) - 1);
	ck_assert_int_eq(view_packets(v, t_rx, pk, 4), 0);
	ck_assert_int_eq(view_state(v)->mailbox[0], (int)nbox - 1);
	/* And the same from the end backwards. */
	view_seek(v, nbox / 2);
	ck_assert_int_eq(view_state(v)->mailbox[0], (int)(nbox / 2));
	view_free(v);
	trace_free(tr);
	chain_free(sc);
}
END_TEST

/* The index stays small: a few bytes per record. */
START_TEST(test_view_memory)
{
	struct chain_link l[2] = { { 2, 10000, 0, 0 }, { 10, 2000, 0, 400 } };
	struct scenario *sc = chain_scenario(2, l, 536, 3);
	struct sim *s = sim_new(sc, 3);
	struct bulk b;

	bulk_start(s, &b, 1000000);
	sim_run(s);
	struct view *v = view_new(s);
	size_t n = trace_count(sim_trace(s));
	ck_assert_uint_gt(n, 10000);
	ck_assert_msg(view_bytes_used(v) < 16 * n, "%zu bytes for %zu records",
	    view_bytes_used(v), n);
	view_free(v);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/*
 * The counters at any step of a long trace of a large world are what
 * the records before it say, however the view got there (a checkpoint
 * keeps a full copy of them only once in VIEW_CP_FULL, and the changes
 * in between: view_restore()).  The generated world of the scale ladder
 * (1,000 servers, 10,000 mailboxes) with 800 messages has about 540
 * checkpoints, past two full copies (view.c keeps one in 256); queue,
 * cache and download counters and node states are
 * computed here from the records, and every 997th step is jumped to
 * from the end.
 */
START_TEST(test_seek_any_path)
{
	struct scenario *sc = gen_world_scenario(800, 1);

	ck_assert_ptr_nonnull(sc);
	struct sim *s = sim_new(sc, sc->seed);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	struct view *v = view_new(s);
	size_t steps = view_steps(v), nn = (size_t)sc->nnodes;
	size_t every = 997, nsamp = (steps - 1) / every + 1, w = 4 * nn;
	ck_assert_uint_gt(steps, 2 * 256 * VIEW_CHECKPOINT);
	int *want = xcalloc(nsamp * w, sizeof *want);
	int *cur = xcalloc(w, sizeof *cur);
	int changes = 0;

	/* cur: queue, dns cache, device, node up, after the first i records. */
	for (size_t x = 0; x < nn; x++)
		cur[3 * nn + x] = 1;
	for (size_t i = 0; i < steps; i++) {
		if (i % every == 0)
			memcpy(want + (i / every) * w, cur, w * sizeof *cur);
		if (i == steps - 1)
			break;
		const struct trace_rec r = trace_at(tr, i);
		if (r.node < 0 || (size_t)r.node >= nn)
			continue;
		if (r.kind == TR_NODE_STATE)
			cur[3 * nn + (size_t)r.node] = r.a != 0;
		if (r.kind != TR_STATE)
			continue;
		changes++;
		if (r.a == ST_QUEUE_ADD || r.a == ST_QUEUE_DEL ||
		    r.a == ST_QUEUE_RETRY)
			cur[(size_t)r.node] = (int)r.b;
		else if (r.a == ST_DNS_CACHE_ADD || r.a == ST_DNS_CACHE_EXPIRE)
			cur[nn + (size_t)r.node] = (int)r.b;
		else if (r.a == ST_CLIENT_STORE)
			cur[2 * nn + (size_t)r.node] = (int)r.b;
	}
	ck_assert_int_gt(changes, 1000);
	for (size_t k = nsamp; k-- > 0; ) {
		const int *p = want + k * w;
		int *got = cur;

		view_seek(v, steps - 1);
		view_seek(v, k * every);
		const struct view_state *st = view_state(v);
		memcpy(got, st->queue, nn * sizeof *got);
		memcpy(got + nn, st->dns_cache, nn * sizeof *got);
		memcpy(got + 2 * nn, st->device, nn * sizeof *got);
		for (size_t x = 0; x < nn; x++)
			got[3 * nn + x] = st->node_up[x];
		ck_assert_msg(memcmp(p, got, w * sizeof *got) == 0,
		    "step %zu: the counters differ from the records'", k * every);
	}
	free(cur);
	free(want);
	view_free(v);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

/*
 * Levels of detail on a long trace (a million bytes of TCP, most records
 * frames): the steps of each level agree with detail_has(), and a step on
 * or back at any level, anywhere, is a binary search, not a walk.
 */
START_TEST(test_levels_long_trace)
{
	struct chain_link l[2] = { { 2, 10000, 0, 0 }, { 10, 2000, 0, 400 } };
	struct scenario *sc = chain_scenario(2, l, 536, 3);
	struct sim *s = sim_new(sc, 3);
	struct bulk b;

	bulk_start(s, &b, 1000000);
	sim_run(s);
	const struct trace *tr = sim_trace(s);
	struct view *v = view_new(s);
	size_t n = trace_count(tr);
	ck_assert_uint_gt(n, 10000);
	for (int d = 0; d < DETAIL_PACKETS; d++) {
		size_t k = 0, at = 0;
		for (size_t i = 0; i < n; i++)
			if (detail_has(tr, i, (enum detail)d)) {
				size_t on = view_next_level(v, (enum detail)d, at, 1);
				ck_assert_uint_eq(on, i + 1);
				ck_assert_uint_eq(view_next_level(v, (enum detail)d,
				    on, -1), at);
				at = on;
				k++;
			}
		ck_assert_uint_eq(k, view_level_count(v, (enum detail)d));
	}
	/* 200000 moves from spread-out steps: well under a second. */
	clock_t c0 = clock();
	size_t sum = 0;
	for (size_t i = 0; i < 200000; i++) {
		size_t st = (i * 7919) % (n + 1);
		sum += view_next_level(v, (enum detail)(i % 3), st, i & 1 ? 1 : -1);
		sum += view_level_at(v, (enum detail)(i % 2), st);
		sum += view_next_state(v, st, 1);
	}
	double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	ck_assert_msg(secs < 1.0, "600000 level look-ups took %.2f s", secs);
	ck_assert_uint_gt(sum, 0);
	view_free(v);
	sim_free(s);
	chain_free(sc);
}
END_TEST

/* The stress scenario keeps its promise: hundreds of frames at once. */
START_TEST(test_stress_in_flight)
{
	static struct view_packet pk[20000];
	struct scenario *sc = stress_scenario();
	struct sim *s = sim_new(sc, sc->seed);

	sim_run(s);
	ck_assert_uint_ge(trace_count(sim_trace(s)), 100000);
	struct view *v = view_new(s);
	int step = stress_busiest_step(s, v);
	ck_assert_int_gt(step, 0);
	/* By time, from anywhere, and seeked there: the same frames. */
	int n = view_packets(v, view_step_time(v, (size_t)step), pk, 20000);
	ck_assert_int_ge(n, 500);
	view_seek(v, (size_t)step);
	ck_assert_int_eq(view_packets(v, view_state(v)->t, pk, 20000), n);
	int queued = 0;
	for (int k = 0; k < n; k++) {
		ck_assert(pk[k].progress >= 0 && pk[k].progress <= 1);
		queued += pk[k].queued;
	}
	ck_assert_int_gt(queued, 0);
	view_free(v);
	sim_free(s);
	scenario_free(sc);
}
END_TEST

Suite *
view_suite(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("view");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_seek_default);
	tcase_add_test(tc, test_seek_server_down);
	tcase_add_test(tc, test_end_counts);
	tcase_add_test(tc, test_end_counts_default_values);
	tcase_add_test(tc, test_server_down_node_up);
	tcase_add_test(tc, test_packets_default);
	tcase_add_test(tc, test_packet_halfway);
	tcase_add_test(tc, test_packet_queued);
	tcase_add_test(tc, test_packet_trace_cut_short);
	tcase_add_test(tc, test_handshake_labels);
	tcase_add_test(tc, test_configured_port_labels);
	tcase_add_test(tc, test_packets_lost);
	tcase_add_test(tc, test_chapters_default);
	tcase_add_test(tc, test_chapters_dns_mx);
	tcase_add_test(tc, test_next_app_chapter);
	tcase_add_test(tc, test_chapters_by_hand);
	tcase_add_test(tc, test_view_memory);
	tcase_add_test(tc, test_view_far_words);
	tcase_add_test(tc, test_seek_any_path);
	tcase_add_test(tc, test_levels_long_trace);
	tcase_add_test(tc, test_stress_in_flight);
	suite_add_tcase(s, tc);
	return s;
}
