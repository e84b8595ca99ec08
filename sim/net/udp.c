/*
 * udp.c: UDP, RFC 768.  A datagram is one IPv4 packet; the checksum
 * covers a pseudo-header, the UDP header and the data.  An arriving
 * datagram with a bad checksum or for a port nobody has bound is
 * dropped (a real host would answer the latter with ICMP Port
 * Unreachable; the trace says "no listener" instead).
 */
#include "udp.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

static void	udp_input(struct sim *, int, uint32_t, uint32_t,
		    const uint8_t *, size_t, uint32_t);

/* How net.c reaches us (udp_init()); UDP keeps nothing across a power cycle. */
static const struct net_transport udp_transport = {
	.input = udp_input,
	.free_node = udp_free_node,
};

struct udp_bind {
	uint16_t	 port;
	udp_recv_fn	 fn;
	void		*u;
	struct udp_bind	*next;
	int		 node;
	int		 vi;		/* its place in s->udp_vec */
};

/*
 * A node's bindings are on its list (for udp_free_node) and in one hash
 * of the sim by (node, port): a resolver that has used thousands of
 * source ports still finds the one an answer is for at once.
 */
static uint64_t
udp_key(int node, uint16_t port)
{
	return hash_mix((uint64_t)(uint32_t)node << 16 | port);
}

static struct udp_bind *
udp_find(struct sim *s, int node, uint16_t port)
{
	size_t it = 0;

	for (int v; (v = hmap_next(&s->udp_ports, udp_key(node, port),
	    &it)) >= 0; )
		if (s->udp_vec[v]->node == node && s->udp_vec[v]->port == port)
			return s->udp_vec[v];
	return NULL;
}

void
udp_init(struct sim *s)
{
	net_register(s, IPPROTO_UDP_, &udp_transport);
}

int
udp_bind(struct sim *s, int node, uint16_t port, udp_recv_fn fn, void *u)
{
	struct node *n = &s->nodes[node];

	if (udp_find(s, node, port) != NULL)
		return -1;
	struct udp_bind *b = xcalloc(1, sizeof *b);
	b->port = port;
	b->fn = fn;
	b->u = u;
	b->next = n->udp;
	b->node = node;
	n->udp = b;
	if (s->nudp_vec == s->capudp_vec) {
		s->capudp_vec = s->capudp_vec ? s->capudp_vec * 2 : 64;
		s->udp_vec = xrealloc(s->udp_vec, (size_t)s->capudp_vec *
		    sizeof *s->udp_vec);
	}
	b->vi = s->nudp_vec;
	s->udp_vec[s->nudp_vec++] = b;
	hmap_add(&s->udp_ports, udp_key(node, port), b->vi);
	return 0;
}

uint32_t
udp_send(struct sim *s, int node, uint16_t sport, uint32_t dst,
    uint16_t dport, const void *p, size_t n)
{
	size_t len = UDP_HLEN + n;
	uint8_t *seg = xmalloc(len);

	put16(seg, sport);
	put16(seg + 2, dport);
	put16(seg + 4, (uint16_t)len);
	put16(seg + 6, 0);
	memcpy(seg + UDP_HLEN, p, n);
	uint16_t ck = l4_checksum(s->nodes[node].ip, dst, IPPROTO_UDP_, seg,
	    len);
	/* RFC 768: a computed zero is sent as all ones. */
	put16(seg + 6, ck ? ck : 0xffff);
	uint32_t f = net_ip_send(s, node, dst, IPPROTO_UDP_, seg, len,
	    "frame.tx.origin.udp");
	free(seg);
	return f;
}

int
udp_deliver(struct sim *s, int node, uint32_t src, uint16_t sport,
    uint16_t dport, const uint8_t *p, size_t n)
{
	struct udp_bind *b = udp_find(s, node, dport);

	if (b == NULL)
		return -1;
	b->fn(s, node, b->u, src, sport, dport, p, n);
	return 0;
}

static void
udp_input(struct sim *s, int node, uint32_t src, uint32_t dst,
    const uint8_t *seg, size_t len, uint32_t frame)
{
	if (len < UDP_HLEN || get16(seg + 4) < UDP_HLEN ||
	    get16(seg + 4) > len ||
	    (get16(seg + 6) != 0 &&
	    l4_checksum(src, dst, IPPROTO_UDP_, seg, get16(seg + 4)) != 0)) {
		net_drop_at(s, node, frame, DROP_BAD_PACKET);
		return;
	}
	if (udp_deliver(s, node, src, get16(seg), get16(seg + 2),
	    seg + UDP_HLEN, get16(seg + 4) - UDP_HLEN) < 0)
		net_drop_at(s, node, frame, DROP_NO_LISTENER);
}

void
udp_free_node(struct sim *s, int node)
{
	struct udp_bind *b = s->nodes[node].udp, *next;

	for (; b; b = next) {
		next = b->next;
		hmap_del(&s->udp_ports, udp_key(node, b->port), b->vi);
		/* The last of the vector takes its place there and in the hash. */
		struct udp_bind *last = s->udp_vec[--s->nudp_vec];
		if (last != b) {
			hmap_del(&s->udp_ports, udp_key(last->node, last->port),
			    last->vi);
			last->vi = b->vi;
			s->udp_vec[b->vi] = last;
			hmap_add(&s->udp_ports, udp_key(last->node, last->port),
			    last->vi);
		}
		free(b);
	}
	s->nodes[node].udp = NULL;
}
