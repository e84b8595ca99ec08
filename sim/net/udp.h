/*
 * udp.h: UDP (RFC 768) for the simulated hosts: bind a port, send a
 * datagram, be called back with each datagram that arrives.
 */
#ifndef SUREL_UDP_H
#define SUREL_UDP_H

#include <stddef.h>
#include <stdint.h>

struct sim;

/* p is valid only during the call. */
typedef void (*udp_recv_fn)(struct sim *s, int node, void *u, uint32_t src,
	    uint16_t sport, uint16_t dport, const uint8_t *p, size_t n);

#define UDP_HLEN 8

int	 udp_bind(struct sim *s, int node, uint16_t port, udp_recv_fn fn,
	    void *u);
/* Returns the frame index or TRACE_NONE. */
uint32_t udp_send(struct sim *s, int node, uint16_t sport, uint32_t dst,
	    uint16_t dport, const void *p, size_t n);

/*
 * Hand p to the program bound to node's port dport, as if it had come
 * from src:sport: a host's message to itself (loopback, no frame).
 * Returns 0, or -1 when nobody listens there.
 */
int	 udp_deliver(struct sim *s, int node, uint32_t src, uint16_t sport,
	    uint16_t dport, const uint8_t *p, size_t n);

/* Called from sim_new() after net_init(): UDP registers with net. */
void	 udp_init(struct sim *s);
void	 udp_free_node(struct sim *s, int node);

#endif
