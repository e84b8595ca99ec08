/*
 * net.c: the network below the transport: nodes with one IPv4 address,
 * point-to-point Ethernet links with latency, bandwidth, a FIFO queue,
 * seeded loss and up/down state, and routers that forward on routes
 * computed once from the whole graph.
 *
 * A frame's life: the creating host writes Ethernet + IPv4 + transport
 * bytes into the trace once (net_ip_send), with zero padding up to the
 * Ethernet minimum of 60 bytes (IEEE 802.3; a bare TCP ACK is 54).  Each
 * hop is then only a record: the frame index, the link, the direction and
 * the TTL, because a router changes nothing else a capture would show but
 * the MAC addresses (derived from the link, eth.h) and the TTL with its
 * checksum (trace_frame_on_link rebuilds those).  So forwarding copies no
 * bytes.
 *
 * RFC 791 (IPv4), RFC 1812 section 5.3.1 (TTL: a router decrements it and
 * discards the packet when it reaches zero; we send no ICMP Time Exceeded
 * and say so in the trace instead).
 *
 * Every record net writes carries its narration key (trace.h), chosen
 * here where net knows the answer: a frame its node created (the
 * transport named its kind, net_ip_send's say) or one a router passes
 * on, to the next router or to the destination itself; a frame passing
 * through a node or arriving; each reason of a drop.  Frames are the hot
 * path, so these keys have no arguments (trace_say_key(): no allocation);
 * the narration reads lengths, addresses and ports from the frame.
 *
 * The transports above (tcp.c, udp.c) register with net_register(); net
 * reaches them only through that table.
 */
#include "world.h"
#include "eth.h"

#include <stdlib.h>
#include <string.h>

static void	link_enqueue(struct sim *, int, int, uint32_t, uint8_t, int,
		    int, uint32_t);
static void	link_start_tx(struct sim *, int, int, uint32_t, uint8_t, int,
		    uint32_t);
static void	link_tx_done(void *, void *, uint64_t, uint64_t);
static void	link_arrive(void *, void *, uint64_t, uint64_t);
static void	ip_input(struct sim *, int, int, int, uint32_t, uint8_t);

/* The narration key of a drop, by enum drop_reason. */
static const char *const drop_say[DROP_NREASONS] = {
	[DROP_LOSS] = "frame.drop.loss",
	[DROP_LINK_DOWN] = "frame.drop.link_down",
	[DROP_NODE_DOWN] = "frame.drop.node_down",
	[DROP_QUEUE_FULL] = "frame.drop.queue_full",
	[DROP_TTL] = "frame.drop.ttl",
	[DROP_NO_ROUTE] = "frame.drop.no_route",
	[DROP_NOT_FOR_ME] = "frame.drop.not_for_me",
	[DROP_NO_LISTENER] = "frame.drop.no_listener",
	[DROP_BAD_PACKET] = "frame.drop.bad_packet",
	[DROP_TOO_BIG] = "frame.drop.too_big",
};

static void
drop_rec(struct sim *s, int node, int link, int dir, uint32_t frame,
    enum drop_reason why, uint8_t ttl)
{
	s->stats.dropped++;
	sim_record(s, (struct trace_rec){ .kind = TR_FRAME_DROP, .node = node,
	    .peer = -1, .link = link, .dir = (uint8_t)dir, .frame = frame,
	    .ttl = ttl, .a = why, .say = trace_say_key(s->tr,
	    (unsigned)why < DROP_NREASONS && drop_say[why] != NULL ?
	    drop_say[why] : "frame.drop.other") });
}

/* A drop that ends the frame's life: its bytes may go (trace_keep_bytes()). */
static void
drop(struct sim *s, int node, int link, int dir, uint32_t frame,
    enum drop_reason why, uint8_t ttl)
{
	drop_rec(s, node, link, dir, frame, why, ttl);
	trace_frame_done(s->tr, frame);
}

/* The IPv4 destination of frame f (net built its header), or 0. */
static uint32_t
frame_dst(struct sim *s, uint32_t f)
{
	const struct trace_frame *fr = trace_frame(s->tr, f);
	const uint8_t *p = trace_frame_bytes(s->tr, f);

	if (fr->len < ETH_HLEN + IP_HLEN || get16(p + 12) != ETHERTYPE_IPV4)
		return 0;
	return get32(p + ETH_HLEN + 16);
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

void
net_init(struct sim *s)
{
	const struct scenario *sc = s->sc;

	s->nnodes = sc->nnodes;
	s->nodes = xcalloc((size_t)sc->nnodes, sizeof *s->nodes);
	s->nlinks = sc->nlinks;
	s->links = xcalloc((size_t)(sc->nlinks ? sc->nlinks : 1),
	    sizeof *s->links);

	for (int i = 0; i < sc->nnodes; i++) {
		struct node *n = &s->nodes[i];

		n->idx = i;
		n->kind = sc->nodes[i].kind;
		n->ip = sc->nodes[i].ip;
		n->up = 1;
		n->next_port = 49152;	/* RFC 6335 dynamic range */
		rng_derive(&n->isn_rng, s->seed, RNG_TCP_ISN, (uint32_t)i);
	}
	for (int i = 0; i < sc->nlinks; i++) {
		const struct sc_link *sl = &sc->links[i];
		struct link *l = &s->links[i];

		l->a = sl->a;
		l->b = sl->b;
		l->latency_ns = sl->latency_ns;
		l->bps = sl->bandwidth_bps;
		l->loss = sl->loss;
		l->mtu = sl->mtu;
		l->qcap = sl->queue_packets;
		l->up = 1;
		rng_derive(&l->rng, s->seed, RNG_LINK_LOSS, (uint32_t)i);
		for (int d = 0; d < 2; d++) {
			l->tx[d].q_frame = xcalloc((size_t)l->qcap,
			    sizeof(uint32_t));
			l->tx[d].q_ttl = xcalloc((size_t)l->qcap, 1);
			l->tx[d].q_origin = xcalloc((size_t)l->qcap, 1);
			l->tx[d].q_say = xcalloc((size_t)l->qcap,
			    sizeof(uint32_t));
		}
		struct node *na = &s->nodes[l->a], *nb = &s->nodes[l->b];
		na->links = xrealloc(na->links,
		    (size_t)(na->nlinks + 1) * sizeof(int));
		na->links[na->nlinks++] = i;
		nb->links = xrealloc(nb->links,
		    (size_t)(nb->nlinks + 1) * sizeof(int));
		nb->links[nb->nlinks++] = i;
	}

	/* Sorted addresses for a binary search from IP to node. */
	s->ip_sorted = xcalloc((size_t)s->nnodes, sizeof(uint32_t));
	s->ip_node = xcalloc((size_t)s->nnodes, sizeof(int));
	for (int i = 0; i < s->nnodes; i++)
		s->ip_sorted[i] = s->nodes[i].ip;
	qsort(s->ip_sorted, (size_t)s->nnodes, sizeof(uint32_t), cmp_u32);
	/* Addresses are unique (the loader checks): one search each. */
	for (int j = 0; j < s->nnodes; j++) {
		uint32_t *p = bsearch(&s->nodes[j].ip, s->ip_sorted,
		    (size_t)s->nnodes, sizeof(uint32_t), cmp_u32);

		if (p != NULL)
			s->ip_node[p - s->ip_sorted] = j;
	}
	s->route = xcalloc((size_t)s->nnodes, sizeof *s->route);
}

void
net_free(struct sim *s)
{
	for (int i = 0; i < s->nnodes; i++)
		free(s->nodes[i].links);
	for (int i = 0; i < s->nlinks; i++)
		for (int d = 0; d < 2; d++) {
			free(s->links[i].tx[d].q_frame);
			free(s->links[i].tx[d].q_ttl);
			free(s->links[i].tx[d].q_origin);
			free(s->links[i].tx[d].q_say);
		}
	free(s->nodes);
	free(s->links);
	if (s->route != NULL)
		for (int i = 0; i < s->nnodes; i++)
			free(s->route[i]);
	free(s->route);
	free(s->ip_sorted);
	free(s->ip_node);
	hmap_free(&s->udp_ports);
	free(s->udp_vec);
}

void
net_register(struct sim *s, uint8_t proto, const struct net_transport *t)
{
	if (s->transport[proto] != NULL)
		fatalx("net: protocol %u registered twice", proto);
	s->transport[proto] = t;
}

void
net_free_transports(struct sim *s)
{
	for (int i = 0; i < s->nnodes; i++)
		for (int p = 0; p < 256; p++)
			if (s->transport[p] != NULL &&
			    s->transport[p]->free_node != NULL)
				s->transport[p]->free_node(s, i);
}

int
net_node_by_ip(const struct sim *s, uint32_t ip)
{
	int lo = 0, hi = s->nnodes - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (s->ip_sorted[mid] == ip)
			return s->ip_node[mid];
		if (s->ip_sorted[mid] < ip)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Routes: Dijkstra from a source over link latency, where only routers
 * pass traffic on.  Ties go to fewer hops, then to the lower node index
 * (the node settled first), then to the lower first link, so the table
 * is the same on every run.  One source's row is computed the first time
 * that source sends or forwards (net_route), with a binary heap: O((N +
 * L) log N) per source, and nothing for the nodes that never send.
 */
struct rt_ent {
	uint64_t	 dist;
	int		 hops, node;
};

static int
rt_less(const struct rt_ent *a, const struct rt_ent *b)
{
	if (a->dist != b->dist)
		return a->dist < b->dist;
	if (a->hops != b->hops)
		return a->hops < b->hops;
	return a->node < b->node;
}

static void
rt_push(struct rt_ent *h, int *n, struct rt_ent e)
{
	int i = (*n)++;

	while (i > 0 && rt_less(&e, &h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static struct rt_ent
rt_pop(struct rt_ent *h, int *n)
{
	struct rt_ent top = h[0], e = h[--*n];
	int i = 0;

	for (;;) {
		int c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && rt_less(&h[c + 1], &h[c]))
			c++;
		if (!rt_less(&h[c], &e))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = e;
	return top;
}

static int *
net_route_row(struct sim *s, int src)
{
	int n = s->nnodes;
	uint64_t *dist = xmalloc((size_t)n * sizeof *dist);
	int *hops = xcalloc((size_t)n, sizeof *hops);
	int *first = xmalloc((size_t)n * sizeof *first);
	char *done = xcalloc((size_t)n, 1);
	/* Each link relaxes at most one entry per direction, plus the source. */
	struct rt_ent *heap = xmalloc(((size_t)2 * (size_t)s->nlinks + 1) *
	    sizeof *heap);
	int nheap = 0;

	for (int i = 0; i < n; i++) {
		dist[i] = UINT64_MAX;
		first[i] = -1;
	}
	dist[src] = 0;
	rt_push(heap, &nheap, (struct rt_ent){ 0, 0, src });
	while (nheap > 0) {
		struct rt_ent e = rt_pop(heap, &nheap);
		int u = e.node;

		/* A stale entry: u was settled, or improved since. */
		if (done[u] || e.dist != dist[u] || e.hops != hops[u])
			continue;
		done[u] = 1;
		/* Only the source and routers send packets onwards. */
		if (u != src && s->nodes[u].kind != SC_ROUTER)
			continue;
		for (int k = 0; k < s->nodes[u].nlinks; k++) {
			int li = s->nodes[u].links[k];
			struct link *l = &s->links[li];
			int v = l->a == u ? l->b : l->a;
			uint64_t d = dist[u] + l->latency_ns;
			int f = u == src ? li : first[u];

			if (done[v])
				continue;
			if (d < dist[v] || (d == dist[v] &&
			    (hops[u] + 1 < hops[v] ||
			    (hops[u] + 1 == hops[v] && f < first[v])))) {
				int better = d < dist[v] || hops[u] + 1 < hops[v];

				dist[v] = d;
				hops[v] = hops[u] + 1;
				first[v] = f;
				if (better)
					rt_push(heap, &nheap, (struct rt_ent){ d,
					    hops[v], v });
			}
		}
	}
	free(dist);
	free(hops);
	free(done);
	free(heap);
	return first;
}

/* The first link from node towards node to, -1 when there is no way. */
static int
net_route(struct sim *s, int node, int to)
{
	if (s->route[node] == NULL)
		s->route[node] = net_route_row(s, node);
	return s->route[node][to];
}

uint16_t
l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *seg,
    size_t len)
{
	uint8_t ph[12];

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint16_t)len);
	return cksum_fold(cksum_add(cksum_add(0, ph, sizeof ph), seg, len));
}

/*
 * A packet is built once, where the trace keeps it: net_ip_begin() writes
 * the Ethernet and IPv4 headers into a new frame and returns where the
 * transport writes its len bytes; net_ip_finish() sends it.
 */
uint8_t *
net_ip_begin(struct sim *s, int node, uint32_t dst, uint8_t proto,
    size_t len, uint32_t *frame)
{
	struct node *n = &s->nodes[node];

	*frame = TRACE_NONE;
	if (!n->up)
		return NULL;	/* a stopped machine sends nothing */
	int to = net_node_by_ip(s, dst);
	int li = to >= 0 ? net_route(s, node, to) : -1;
	int dir = li >= 0 && s->links[li].a != node;
	uint32_t flen = (uint32_t)(ETH_HLEN + IP_HLEN + len);
	/* IEEE 802.3 3.2.8: "the PAD field ... extends the frame to the minimum size" (zeros). */
	if (flen < ETH_MIN_LEN)
		flen = ETH_MIN_LEN;
	uint32_t f = trace_frame_alloc(s->tr, sim_time(s), node, flen);
	uint8_t *p = trace_frame_wbytes(s->tr, f);

	if (flen > ETH_HLEN + IP_HLEN + len)
		memset(p + ETH_HLEN + IP_HLEN + len, 0,
		    flen - (ETH_HLEN + IP_HLEN + len));

	s->stats.packets++;
	eth_header(p, li >= 0 ? li : 0, dir);
	uint8_t *ip = p + ETH_HLEN;
	ip[0] = 0x45;			/* version 4, 5 words of header */
	ip[1] = 0;			/* DSCP/ECN */
	put16(ip + 2, (uint16_t)(IP_HLEN + len));
	put16(ip + 4, n->ip_id++);
	put16(ip + 6, 0x4000);		/* DF: our TCP never needs fragments */
	ip[8] = IP_TTL_DEFAULT;
	ip[9] = proto;
	put32(ip + 12, n->ip);
	put32(ip + 16, dst);
	put16(ip + 10, 0);		/* summed as zero (RFC 791) */
	put16(ip + 10, cksum_fold(cksum_add(0, ip, IP_HLEN)));
	*frame = f;
	return ip + IP_HLEN;
}

uint32_t
net_ip_finish(struct sim *s, int node, uint32_t f, const char *say)
{
	if (f == TRACE_NONE)
		return TRACE_NONE;
	int to = net_node_by_ip(s, frame_dst(s, f));
	int li = to >= 0 ? net_route(s, node, to) : -1;
	int dir = li >= 0 && s->links[li].a != node;

	if (li < 0) {
		drop(s, node, -1, 0, f, DROP_NO_ROUTE, IP_TTL_DEFAULT);
		return f;
	}
	link_enqueue(s, li, dir, f, IP_TTL_DEFAULT, 1, node,
	    trace_say_key(s->tr, say));
	return f;
}

uint32_t
net_ip_send(struct sim *s, int node, uint32_t dst, uint8_t proto,
    const uint8_t *l4, size_t len, const char *say)
{
	uint32_t f;
	uint8_t *p = net_ip_begin(s, node, dst, proto, len, &f);

	if (p == NULL)
		return TRACE_NONE;
	memcpy(p, l4, len);
	return net_ip_finish(s, node, f, say);
}

/*
 * A frame reaches the sending end of a link.  If the wire is free it
 * goes at once; otherwise it waits in the FIFO, and is dropped when the
 * FIFO is full (drop-tail, as a plain router queue does).
 */
static void
link_enqueue(struct sim *s, int li, int dir, uint32_t f, uint8_t ttl,
    int origin, int node, uint32_t say)
{
	struct link *l = &s->links[li];
	struct link_tx *tx = &l->tx[dir];

	if (!l->up) {
		drop(s, node, li, dir, f, DROP_LINK_DOWN, ttl);
		return;
	}
	/*
	 * Every packet is sent with Don't Fragment (TCP keeps its segments
	 * under the MSS, which the scenario checks against every MTU), so a
	 * packet too large for the link is dropped; a real router would also
	 * answer with ICMP "fragmentation needed" (RFC 1191).
	 */
	if (trace_frame(s->tr, f)->len - ETH_HLEN > (uint32_t)l->mtu) {
		drop(s, node, li, dir, f, DROP_TOO_BIG, ttl);
		return;
	}
	if (tx->q_len == 0 && tx->busy_until <= sim_time(s)) {
		link_start_tx(s, li, dir, f, ttl, origin, say);
		return;
	}
	if (tx->q_len >= l->qcap) {
		drop(s, node, li, dir, f, DROP_QUEUE_FULL, ttl);
		return;
	}
	int slot = (tx->q_head + tx->q_len) % l->qcap;
	tx->q_frame[slot] = f;
	tx->q_ttl[slot] = ttl;
	tx->q_origin[slot] = (uint8_t)origin;
	tx->q_say[slot] = say;
	tx->q_len++;
	sim_record(s, (struct trace_rec){ .kind = TR_FRAME_QUEUED,
	    .node = node, .peer = dir ? l->a : l->b, .link = li,
	    .dir = (uint8_t)dir, .frame = f, .ttl = ttl,
	    .say = trace_say_key(s->tr, "frame.queued") });
	if (!tx->done_pending) {
		tx->done_pending = 1;
		evq_at(s->q, tx->busy_until, link_tx_done, NULL, l, (uint64_t)li,
		    (uint64_t)dir);
	}
}

/* Serialisation takes len * 8 / bandwidth; the far end hears the last bit a latency later. */
static void
link_start_tx(struct sim *s, int li, int dir, uint32_t f, uint8_t ttl,
    int origin, uint32_t say)
{
	struct link *l = &s->links[li];
	const struct trace_frame *fr = trace_frame(s->tr, f);
	uint64_t bits = (uint64_t)fr->len * 8;
	uint64_t ser = (bits * SIM_SEC + l->bps - 1) / l->bps;
	int from = dir ? l->b : l->a, to = dir ? l->a : l->b;
	int lost = l->loss > 0 && rng_unit(&l->rng) < l->loss;

	l->tx[dir].busy_until = sim_time(s) + ser;
	s->stats.transmissions++;
	sim_record(s, (struct trace_rec){ .kind = TR_FRAME_TX, .node = from,
	    .peer = to, .link = li, .dir = (uint8_t)dir, .frame = f,
	    .ttl = ttl, .a = (uint32_t)origin, .say = say });
	evq_at(s->q, sim_time(s) + ser + l->latency_ns, link_arrive, NULL, l,
	    f, (uint64_t)ttl | (uint64_t)dir << 8 | (uint64_t)lost << 9 |
	    (uint64_t)li << 16);
}

static void
link_tx_done(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	struct link *l = obj;
	int li = (int)a, dir = (int)b;
	struct link_tx *tx = &l->tx[dir];

	tx->done_pending = 0;
	if (tx->q_len == 0)
		return;
	int slot = tx->q_head;
	tx->q_head = (tx->q_head + 1) % l->qcap;
	tx->q_len--;
	if (!l->up) {
		/* The link went down while the frame waited. */
		drop(s, dir ? l->b : l->a, li, dir, tx->q_frame[slot],
		    DROP_LINK_DOWN, tx->q_ttl[slot]);
	} else {
		link_start_tx(s, li, dir, tx->q_frame[slot], tx->q_ttl[slot],
		    tx->q_origin[slot], tx->q_say[slot]);
	}
	if (tx->q_len > 0) {
		tx->done_pending = 1;
		uint64_t at = tx->busy_until > sim_time(s) ? tx->busy_until :
		    sim_time(s);
		evq_at(s->q, at, link_tx_done, NULL, l, a, b);
	}
}

static void
link_arrive(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	struct link *l = obj;
	uint32_t f = (uint32_t)a;
	uint8_t ttl = (uint8_t)b;
	int dir = (int)(b >> 8) & 1, lost = (int)(b >> 9) & 1;
	int li = (int)(b >> 16);
	int from = dir ? l->b : l->a, to = dir ? l->a : l->b;

	if (lost) {
		drop(s, -1, li, dir, f, DROP_LOSS, ttl);
		return;
	}
	if (!l->up) {
		drop(s, -1, li, dir, f, DROP_LINK_DOWN, ttl);
		return;
	}
	if (!s->nodes[to].up) {
		drop(s, to, li, dir, f, DROP_NODE_DOWN, ttl);
		return;
	}
	/* Arrived where it was going, or only passing through on its way. */
	sim_record(s, (struct trace_rec){ .kind = TR_FRAME_RX, .node = to,
	    .peer = from, .link = li, .dir = (uint8_t)dir, .frame = f,
	    .ttl = ttl, .say = trace_say_key(s->tr,
	    frame_dst(s, f) == s->nodes[to].ip ? "frame.rx.arrived" :
	    "frame.rx") });
	ip_input(s, to, li, dir, f, ttl);
}

/*
 * IPv4 input at a node.  The header was built by us, but it is checked
 * as a real stack would (version, length, checksum): the same code will
 * one day read bytes from outside.
 */
static void
ip_input(struct sim *s, int node, int li, int dir, uint32_t f, uint8_t ttl)
{
	const struct trace_frame *fr = trace_frame(s->tr, f);
	const uint8_t *p = trace_frame_bytes(s->tr, f);
	struct node *n = &s->nodes[node];

	if (fr->len < ETH_HLEN + IP_HLEN || get16(p + 12) != ETHERTYPE_IPV4) {
		drop(s, node, li, dir, f, DROP_BAD_PACKET, ttl);
		return;
	}
	const uint8_t *ip = p + ETH_HLEN;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	size_t tot = get16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < IP_HLEN || tot < ihl ||
	    tot > fr->len - ETH_HLEN ||
	    cksum_fold(cksum_add(0, ip, ihl)) != 0) {
		drop(s, node, li, dir, f, DROP_BAD_PACKET, ttl);
		return;
	}
	uint32_t dst = get32(ip + 16), src = get32(ip + 12);

	if (dst != n->ip) {
		if (n->kind != SC_ROUTER) {
			drop(s, node, li, dir, f, DROP_NOT_FOR_ME, ttl);
			return;
		}
		/* RFC 1812 5.3.1: decrement, and discard at zero. */
		if (ttl <= 1) {
			drop(s, node, li, dir, f, DROP_TTL, ttl);
			return;
		}
		int to = net_node_by_ip(s, dst);
		int out = to >= 0 ? net_route(s, node, to) : -1;
		if (out < 0) {
			drop(s, node, li, dir, f, DROP_NO_ROUTE, ttl);
			return;
		}
		/* The last hop: the next node is the destination itself. */
		int next = s->links[out].a != node ? s->links[out].a :
		    s->links[out].b;
		link_enqueue(s, out, s->links[out].a != node, f,
		    (uint8_t)(ttl - 1), 0, node, trace_say_key(s->tr,
		    s->nodes[next].ip == dst ? "frame.tx.forward.last" :
		    "frame.tx.forward"));
		return;
	}

	/*
	 * Ours.  The transport reads the packet in place: the trace's frame
	 * bytes never move, whatever the handlers send.
	 */
	size_t l4len = tot - ihl;
	const struct net_transport *t = s->transport[ip[9]];

	if (t == NULL || t->input == NULL) {
		drop(s, node, li, dir, f, DROP_BAD_PACKET, ttl);
		return;
	}
	t->input(s, node, src, dst, ip + ihl, l4len, f);
	trace_frame_done(s->tr, f);	/* delivered: nobody reads it again */
}

void
net_set_link(struct sim *s, int li, int up)
{
	struct link *l = &s->links[li];

	if (l->up == up)
		return;
	l->up = up;
	sim_record(s, (struct trace_rec){ .kind = TR_LINK_STATE, .node = l->a,
	    .peer = l->b, .link = li, .frame = TRACE_NONE, .a = (uint32_t)up,
	    .say = trace_say_key(s->tr, up ? "link.up" : "link.down") });
}

void
net_set_loss(struct sim *s, int li, double loss)
{
	struct link *l = &s->links[li];
	struct say y;

	if (l->loss == loss)
		return;
	/*
	 * The link's own random stream goes on where it was: frames before
	 * now drew the same numbers as without the change.
	 */
	l->loss = loss;
	say_begin(&y, "link.loss_changed");
	say_node(&y, "node", l->a);
	say_node(&y, "peer", l->b);
	say_num(&y, "count", (long long)(loss * 100 + 0.5));
	sim_state_say(s, l->a, ST_CHANGE, (uint32_t)li, sim_say(s, &y),
	    "link %d loss %g", li, loss);
}

void
net_set_node(struct sim *s, int node, int up)
{
	struct node *n = &s->nodes[node];

	if (n->up == up)
		return;
	n->up = up;
	sim_record(s, (struct trace_rec){ .kind = TR_NODE_STATE, .node = node,
	    .peer = -1, .link = -1, .frame = TRACE_NONE, .a = (uint32_t)up,
	    .say = trace_say_key(s->tr, up ? "node.on" : "node.off") });
	if (up)
		return;
	for (int p = 0; p < 256; p++)
		if (s->transport[p] != NULL && s->transport[p]->power_off)
			s->transport[p]->power_off(s, node);
}

/* Shared by the transport files: a drop seen at a node's transport. */
void
net_drop_at(struct sim *s, int node, uint32_t f, enum drop_reason why)
{
	/* Inside ip_input(): that says when the frame is done. */
	drop_rec(s, node, -1, 0, f, why, 0);
}
