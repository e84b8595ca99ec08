/*
 * bench.c: `make bench`: speed and memory, printed as "name value"
 * lines.  Never a pass/fail: the numbers go into the issue notes.
 *
 * - engine_events_per_sec: the hold model of ns-3's bench-simulator:
 *   1000 pending events; each event, when run, schedules one new event
 *   at a uniform integer delay in [0, 1000] ns (xorshift), 10 M events,
 *   on a struct sim's queue run by sim_run() (the loop the program uses,
 *   with its after-event hook).
 * - engine_allocs_per_event: malloc, calloc and realloc calls (counted by
 *   -Wl,--wrap in this build only) per event after the first million.
 * - heap_baseline_events_per_sec: the same on bench_heap.c's plain heap.
 * - tcp_bulk_*: 10,000,000 bytes, MSS 536, host-R1-R2-host over
 *   100 Mbit/s 2 ms, 10 Mbit/s 20 ms, 100 Mbit/s 15 ms, queues long
 *   enough not to drop, with the whole trace kept; dropped and
 *   retransmitted frames are printed and must be 0 (exit 1 if not).
 * - view_*, step_ms_*: render/view.c over the trace of tests/stress.c's
 *   scenario (more than 100,000 records): the time to build the view,
 *   then 10,000 steps to random places (xorshift), each a view_seek()
 *   and the view_packets() of that step, as the window does per frame;
 *   median and 99th percentile of the wall clock, and the 99th
 *   percentile of the thread's CPU time, which a busy machine does not
 *   inflate.  stress_packets_in_flight: the most
 *   frames that scenario has in flight at one step, as the view sees it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "event.h"
#include "helpers.h"
#include "sim.h"
#include "stress.h"
#include "view.h"
#include "world.h"

/* Allocation calls, counted by the linker's --wrap (Makefile, bench_surel). */
static uint64_t nallocs;
void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);

void *
__wrap_malloc(size_t n)
{
	nallocs++;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t a, size_t b)
{
	nallocs++;
	return __real_calloc(a, b);
}

void *
__wrap_realloc(void *p, size_t n)
{
	nallocs++;
	return __real_realloc(p, n);
}

#define HOLD_PENDING	1000
#define HOLD_EVENTS	10000000ULL

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The thread's own CPU time: what a step costs without the time the
 * scheduler gave to others (on a loaded machine, one tick of 4 ms in a
 * hundred steps is enough to set a wall-clock 99th percentile).
 */
static double
thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t xs = 88172645463325252ULL;

static inline uint64_t
xorshift(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

/* ---- the engine ---- */

static struct evq *hq;
static uint64_t hold_left;

static void
hold_event(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	(void)ctx;
	(void)obj;
	(void)a;
	(void)b;
	if (hold_left == 0)
		return;
	hold_left--;
	evq_at(hq, evq_now(hq) + xorshift() % 1001, hold_event, NULL, NULL, 0,
	    0);
}

#define WARM_EVENTS	1000000ULL

/*
 * The hold model on the queue of a real simulation (one host, nothing
 * else to do), run by sim_run(): the loop and the after-event hook the
 * program uses.  *allocs: allocation calls per event after the first
 * million events (the heap has grown by then: the steady state).
 */
static double
bench_engine(double *allocs)
{
	struct chain_link l[1] = { { 1, 100000, 0, 0 } };
	struct scenario *sc = chain_scenario(1, l, 536, 1);
	struct sim *s = sim_new(sc, 1);

	xs = 88172645463325252ULL;
	hq = s->q;
	uint64_t e0 = evq_ran(hq);
	for (int i = 0; i < HOLD_PENDING; i++)
		evq_at(hq, xorshift() % 1001, hold_event, NULL, NULL, 0, 0);
	hold_left = HOLD_EVENTS - HOLD_PENDING;
	double t0 = wall();
	/* The first million as sim_run() runs them, then the rest by sim_run() itself. */
	evq_run(hq, SIM_MAX_NS, 1, WARM_EVENTS);
	uint64_t a0 = nallocs, w = evq_ran(hq);
	sim_run(s);
	double dt = wall() - t0;
	uint64_t ran = evq_ran(hq) - e0;
	*allocs = (double)(nallocs - a0) / (double)(ran - (w - e0));
	sim_free(s);
	chain_free(sc);
	return (double)ran / dt;
}

/* ---- the baseline heap ---- */

static uint64_t base_now;
static uint64_t base_left;

static void
base_event(void *arg)
{
	(void)arg;
	if (base_left == 0)
		return;
	base_left--;
	baseline_push(base_now + xorshift() % 1001, base_event, NULL);
}

static double
bench_baseline(void)
{
	uint64_t ran = 0;

	xs = 88172645463325252ULL;
	base_now = 0;
	for (int i = 0; i < HOLD_PENDING; i++)
		baseline_push(xorshift() % 1001, base_event, NULL);
	base_left = HOLD_EVENTS - HOLD_PENDING;
	double t0 = wall();
	while (baseline_pop_run(&base_now))
		ran++;
	double dt = wall() - t0;
	baseline_reset();
	return (double)ran / dt;
}

/* ---- TCP bulk ---- */

/*
 * The harness costs next to nothing beside the stack: the bytes are a
 * pattern of prime period (so a segment boundary never lines up with
 * it), laid out twice so any slice is contiguous; the sender writes a
 * slice when its bounded buffer runs low (the acked callback), the
 * receiver compares a slice with memcmp.
 */
#define PAT_PERIOD	65521u
#define SB_LOW		(256u << 10)	/* refill below this (twice the window) */
#define SB_CHUNK	(1u << 20)

static uint8_t pat[PAT_PERIOD + SB_CHUNK];

struct hb {
	struct sim	*sim;
	uint64_t	 total, queued, received, wrong;
	uint64_t	 done_ns;
	int		 errors;
};

static void
hb_fill(struct tcp_conn *c, struct hb *h, size_t unsent)
{
	while (unsent < SB_LOW && h->queued < h->total) {
		uint64_t n = h->total - h->queued < SB_CHUNK ?
		    h->total - h->queued : SB_CHUNK;

		tcp_send(c, pat + h->queued % PAT_PERIOD, (size_t)n);
		h->queued += n;
		unsent += (size_t)n;
	}
	if (h->queued == h->total)
		tcp_close(c);
}

static void
hb_connected(struct tcp_conn *c, void *u)
{
	hb_fill(c, u, 0);
}

static void
hb_acked(struct tcp_conn *c, void *u, size_t unsent)
{
	hb_fill(c, u, unsent);
}

static void
hb_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct hb *h = u;

	(void)c;
	while (n > 0) {
		size_t k = n < SB_CHUNK ? n : SB_CHUNK;

		if (memcmp(p, pat + h->received % PAT_PERIOD, k) != 0)
			h->wrong++;
		h->received += k;
		p += k;
		n -= k;
	}
	if (h->received == h->total)
		h->done_ns = sim_now(h->sim);
}

static void
hb_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static void
hb_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	(void)c;
	(void)e;
	((struct hb *)u)->errors++;
}

static const struct tcp_ops hb_cli = {
	.connected = hb_connected, .error = hb_error,
};
static const struct tcp_ops hb_srv = {
	.data = hb_data, .peer_closed = hb_peer_closed, .error = hb_error,
};

static void
hb_accept(struct tcp_conn *c, void *u)
{
	tcp_set_ops(c, &hb_srv, u);
}

static void
bench_tcp(void)
{
	struct chain_link l[3] = {
		{ 2, 100000, 0, 100000 },
		{ 20, 10000, 0, 100000 },
		{ 15, 100000, 0, 100000 },
	};
	struct scenario *sc = chain_scenario(3, l, 536, 1);
	struct sim *s = sim_new(sc, 1);
	struct hb b = { .sim = s, .total = 10000000 };
	int server = sc->nnodes - 1;

	for (size_t i = 0; i < sizeof pat; i++)
		pat[i] = stream_byte(i % PAT_PERIOD);
	double t0 = wall();
	tcp_listen(s, server, 9, hb_accept, &b);
	tcp_set_acked(tcp_connect(s, 0, sc->nodes[server].ip, 9, &hb_cli, &b),
	    hb_acked);
	sim_run(s);
	double dt = wall() - t0;
	struct sim_stats st;
	sim_stats(s, &st);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);

	printf("tcp_bulk_frames %llu\n", (unsigned long long)st.transmissions);
	printf("tcp_bulk_dropped %llu\n", (unsigned long long)st.dropped);
	printf("tcp_bulk_retransmitted %llu\n",
	    (unsigned long long)st.retransmissions);
	printf("tcp_bulk_packets_per_wall_sec %.0f\n",
	    (double)st.transmissions / dt);
	printf("tcp_bulk_sim_seconds %.3f\n", (double)b.done_ns / 1e9);
	printf("tcp_bulk_wall_seconds %.3f\n", dt);
	printf("tcp_bulk_trace_records %llu\n", (unsigned long long)st.records);
	printf("tcp_bulk_trace_mb %.1f\n",
	    (double)trace_bytes_used(sim_trace(s)) / 1e6);
	printf("tcp_bulk_peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
	if (b.received != b.total || b.wrong || b.errors || st.dropped ||
	    st.retransmissions) {
		fprintf(stderr, "bench: the transfer went wrong (%llu of %llu "
		    "bytes, %llu wrong, %llu dropped, %llu sent again)\n",
		    (unsigned long long)b.received,
		    (unsigned long long)b.total,
		    (unsigned long long)b.wrong,
		    (unsigned long long)st.dropped,
		    (unsigned long long)st.retransmissions);
		exit(1);
	}
	sim_free(s);
	chain_free(sc);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* ---- the view over a busy trace ---- */

#define VIEW_SEEKS	10000
#define VIEW_MAXPKT	100000

static void
bench_view(void)
{
	static struct view_packet pk[VIEW_MAXPKT];
	static double ms[VIEW_SEEKS], cpu[VIEW_SEEKS];
	struct scenario *sc = stress_scenario();
	struct sim *s = sim_new(sc, sc->seed);

	sim_run(s);
	size_t n = trace_count(sim_trace(s));
	if (n < 100000)
		fprintf(stderr, "bench: the stress trace has only %zu records\n",
		    n);
	double t0 = wall();
	struct view *v = view_new(s);
	double build = wall() - t0;

	xs = 0x2545f4914f6cdd1dULL;
	size_t steps = view_steps(v);
	long sink = 0;
	for (int k = 0; k < VIEW_SEEKS; k++) {
		size_t step = (size_t)(xorshift() % steps);

		double c0 = thread_cpu();
		t0 = wall();
		view_seek(v, step);
		sink += view_packets(v, view_state(v)->t, pk, VIEW_MAXPKT);
		ms[k] = (wall() - t0) * 1e3;
		cpu[k] = (thread_cpu() - c0) * 1e3;
	}
	qsort(ms, VIEW_SEEKS, sizeof *ms, cmp_double);
	qsort(cpu, VIEW_SEEKS, sizeof *cpu, cmp_double);

	int busiest = stress_busiest_step(s, v);
	view_seek(v, (size_t)busiest);
	int inflight = view_packets(v, view_state(v)->t, pk, VIEW_MAXPKT);

	printf("view_trace_records %zu\n", n);
	printf("view_build_ms %.1f\n", build * 1e3);
	printf("view_bytes_per_record %.1f\n",
	    (double)view_bytes_used(v) / (double)(n ? n : 1));
	printf("step_ms_median %.4f\n", ms[VIEW_SEEKS / 2]);
	printf("step_ms_p99 %.4f\n", ms[VIEW_SEEKS * 99 / 100]);
	printf("step_ms_max %.4f\n", ms[VIEW_SEEKS - 1]);
	printf("step_cpu_ms_p99 %.4f\n", cpu[VIEW_SEEKS * 99 / 100]);
	printf("stress_packets_in_flight %d\n", inflight);
	if (sink < 0)
		printf("(never)\n");
	view_free(v);
	sim_free(s);
	scenario_free(sc);
}

/*
 * trace_bytes_per_message_*: the stress world (tests/stress.c) run as
 * the window and --pcap need it (every record and frame byte kept), as
 * a headless --summary --transcript run does (sim_keep_for(): frame
 * bytes let go once a frame has arrived or been lost, only the records
 * the transcript and the recap read), and as --summary alone does:
 * trace_bytes_used() (allocated, not only filled) at the end, per message
 * stored in a mailbox (counted in the first run, the only one that
 * keeps those records).
 */
static void
bench_trace_bytes(void)
{
	static const char *mode[] = { "kept", "headless", "summary_only" };
	size_t msgs = 0;

	for (int m = 0; m < 3; m++) {
		struct scenario *sc = stress_scenario();
		struct sim *s = sim_new(sc, sc->seed);

		if (m > 0)
			sim_keep_for(s, m == 1);
		sim_run(s);
		const struct trace *tr = sim_trace(s);
		for (size_t i = 0; m == 0 && i < trace_count(tr); i++) {
			const struct trace_rec r = trace_at(tr, i);

			msgs += r.kind == TR_STATE && r.a == ST_MAILBOX_ADD;
		}
		printf("trace_bytes_per_message_%s %.0f\n", mode[m],
		    (double)trace_bytes_used(tr) / (double)(msgs ? msgs : 1));
		if (m == 0)
			printf("trace_messages %zu\n", msgs);
		sim_free(s);
		scenario_free(sc);
	}
}

#define ROUNDS 5

int
main(void)
{
	double eng[ROUNDS], base[ROUNDS], allocs = 0, a;

	/* TCP first, so that its peak memory is its own. */
	bench_tcp();
	bench_view();
	bench_trace_bytes();
	/*
	 * Alternate the two, several rounds, and report medians: a machine
	 * shared with other work makes single runs swing by 20 %.
	 */
	for (int i = 0; i < ROUNDS; i++) {
		base[i] = bench_baseline();
		eng[i] = bench_engine(&a);
		if (a > allocs)
			allocs = a;
	}
	qsort(eng, ROUNDS, sizeof *eng, cmp_double);
	qsort(base, ROUNDS, sizeof *base, cmp_double);
	printf("engine_events_per_sec %.0f\n", eng[ROUNDS / 2]);
	printf("heap_baseline_events_per_sec %.0f\n", base[ROUNDS / 2]);
	printf("engine_vs_baseline %.2f\n", eng[ROUNDS / 2] / base[ROUNDS / 2]);
	printf("engine_allocs_per_event %.6f\n", allocs);
	return 0;
}
