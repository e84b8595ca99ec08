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
};

void
udp_init(struct sim *s)
{
	net_register(s, IPPROTO_UDP_, &udp_transport);
}

int
udp_bind(struct sim *s, int node, uint16_t port, udp_recv_fn fn, void *u)
{
	struct node *n = &s->nodes[node];

	for (struct udp_bind *b = n->udp; b; b = b->next)
		if (b->port == port)
			return -1;
	struct udp_bind *b = xcalloc(1, sizeof *b);
	b->port = port;
	b->fn = fn;
	b->u = u;
	b->next = n->udp;
	n->udp = b;
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
	for (struct udp_bind *b = s->nodes[node].udp; b; b = b->next)
		if (b->port == dport) {
			b->fn(s, node, b->u, src, sport, dport, p, n);
			return 0;
		}
	return -1;
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
		free(b);
	}
	s->nodes[node].udp = NULL;
}
