/*
 * helpers.c: see helpers.h.
 */
#include "helpers.h"
#include "gen_world.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

struct scenario *
chain_scenario(int nlinks, const struct chain_link *links, int mss,
    uint64_t seed)
{
	struct scenario *sc = xcalloc(1, sizeof *sc);
	int nnodes = nlinks + 1;

	sc->version = 1;
	sc->seed = seed;
	sc->mss = mss;
	sc->nnodes = nnodes;
	sc->nodes = xcalloc((size_t)nnodes, sizeof *sc->nodes);
	for (int i = 0; i < nnodes; i++) {
		struct sc_node *n = &sc->nodes[i];

		n->kind = i == 0 ? SC_CLIENT : i == nnodes - 1 ? SC_SERVER :
		    SC_ROUTER;
		n->id = i == 0 ? xstrdup("client") : i == nnodes - 1 ?
		    xstrdup("server") : xasprintf("r%d", i);
		n->hostname = xasprintf("%s.test", n->id);
		n->ip = i == nnodes - 1 ? 0x0a090901 :
		    0x0a000001 + ((uint32_t)i << 8);
		n->resolver = -1;
	}
	sc->nlinks = nlinks;
	sc->links = xcalloc((size_t)nlinks, sizeof *sc->links);
	for (int i = 0; i < nlinks; i++) {
		struct sc_link *l = &sc->links[i];

		l->a = i;
		l->b = i + 1;
		l->latency_ns = (uint64_t)(links[i].latency_ms * 1e6 + 0.5);
		l->bandwidth_bps = (uint64_t)(links[i].bandwidth_kbps * 1000);
		l->loss = links[i].loss;
		l->mtu = 1500;
		l->queue_packets = links[i].queue_packets ?
		    links[i].queue_packets : 100;
	}
	return sc;
}

void
chain_free(struct scenario *sc)
{
	for (int i = 0; i < sc->nnodes; i++) {
		free(sc->nodes[i].id);
		free(sc->nodes[i].hostname);
	}
	free(sc->nodes);
	free(sc->links);
	free(sc);
}

uint8_t
stream_byte(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL;

	return (uint8_t)((x >> 32) ^ (x >> 56) ^ i);
}

static void
srv_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct bulk *b = u;

	(void)c;
	for (size_t i = 0; i < n; i++)
		if (p[i] != stream_byte(b->received + i))
			b->mismatches++;
	b->received += n;
	if (b->received == b->total)
		b->done_ns = sim_now(b->sim);
}

static void
srv_peer_closed(struct tcp_conn *c, void *u)
{
	(void)u;
	tcp_close(c);
}

static void
srv_closed(struct tcp_conn *c, void *u)
{
	struct bulk *b = u;

	(void)c;
	b->server_closed = 1;
}

static void
any_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct bulk *b = u;

	(void)c;
	b->errors++;
	b->last_error = (int)e;
}

static const struct tcp_ops srv_ops = {
	.data = srv_data,
	.peer_closed = srv_peer_closed,
	.closed = srv_closed,
	.error = any_error,
};

static void
srv_accept(struct tcp_conn *c, void *u)
{
	tcp_set_ops(c, &srv_ops, u);
}

static void
cli_connected(struct tcp_conn *c, void *u)
{
	struct bulk *b = u;
	uint8_t chunk[65536];

	b->connected = 1;
	for (uint64_t off = 0; off < b->total; off += sizeof chunk) {
		size_t n = b->total - off < sizeof chunk ?
		    (size_t)(b->total - off) : sizeof chunk;

		for (size_t i = 0; i < n; i++)
			chunk[i] = stream_byte(off + i);
		tcp_send(c, chunk, n);
	}
	tcp_close(c);
}

static void
cli_closed(struct tcp_conn *c, void *u)
{
	struct bulk *b = u;

	(void)c;
	b->client_closed = 1;
}

static const struct tcp_ops cli_ops = {
	.connected = cli_connected,
	.closed = cli_closed,
	.error = any_error,
};

void
bulk_start(struct sim *s, struct bulk *b, uint64_t total)
{
	const struct scenario *sc = sim_scenario(s);
	int server = sc->nnodes - 1;

	memset(b, 0, sizeof *b);
	b->total = total;
	b->sim = s;
	tcp_listen(s, server, 9, srv_accept, b);
	b->client = tcp_connect(s, 0, sc->nodes[server].ip, 9, &cli_ops, b);
}

char *
test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.data == NULL)
		buf_reserve(&b, 0);	/* an empty file: "" */
	b.data[b.len] = '\0';
	*len = b.len;
	return (char *)b.data;
}

int
run_surel(const char *args, char *out, size_t outsz)
{
	const char *bin = getenv("SUREL_BIN");
	char *cmd = xasprintf("%s %s 2>&1", bin ? bin : "./surel", args);
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	free(cmd);
	if (p == NULL)
		return -1;
	if (out && outsz) {
		n = fread(out, 1, outsz - 1, p);
		out[n] = '\0';
	}
	/* Drain whatever did not fit. */
	char sink[4096];
	while (fread(sink, 1, sizeof sink, p) > 0)
		;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
test_tcp_data_on_port(const struct trace *tr, const struct trace_rec *r,
    unsigned port)
{
	const struct trace_frame *f;
	const uint8_t *p;

	if (r->frame == TRACE_NONE || (f = trace_frame(tr, r->frame)) == NULL)
		return 0;
	p = trace_frame_bytes(tr, r->frame);
	if (f->len < 14 + 20 + 20 || p[14 + 9] != 6)
		return 0;
	uint32_t ihl = (uint32_t)(p[14] & 15) * 4;
	uint32_t tot = (uint32_t)p[16] << 8 | p[17];
	const uint8_t *t = p + 14 + ihl;
	unsigned sport = (unsigned)t[0] << 8 | t[1];
	unsigned dport = (unsigned)t[2] << 8 | t[3];
	uint32_t thl = (uint32_t)(t[12] >> 4) * 4;

	return (sport == port || dport == port) && ihl + thl < tot;
}

struct scenario *
gen_world_scenario(int nmsg, uint64_t seed)
{
	struct buf json = { 0 };
	struct sc_errors errs = { 0 };

	gen_world(nmsg, seed, &json);
	struct scenario *sc = scenario_load((char *)json.data, json.len,
	    "world", &errs);
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	sc_errors_free(&errs);
	buf_free(&json);
	return sc;
}
