/*
 * world.h: the inside of struct sim, shared by the files of sim/ that
 * model the network (net.c, tcp.c, udp.c, sim.c).  Not for render/.
 */
#ifndef SUREL_WORLD_H
#define SUREL_WORLD_H

#include <stdint.h>

#include "event.h"
#include "hash.h"
#include "scenario.h"
#include "sim.h"
#include "trace.h"
#include "util.h"

struct tcp_conn;
struct tcp_listener;
struct udp_bind;
struct dns_world;
struct mail_world;

/* One direction of a link: a transmitter with a FIFO in front of it. */
struct link_tx {
	uint64_t	 busy_until;	/* when the frame on the wire is all sent */
	uint32_t	*q_frame;	/* ring of waiting frames */
	uint8_t		*q_ttl;
	uint8_t		*q_origin;
	uint32_t	*q_say;		/* the narration of its TR_FRAME_TX */
	int		 q_head, q_len;
	int		 done_pending;	/* a tx_done event is scheduled */
};

struct link {
	int		 a, b;
	uint64_t	 latency_ns;
	uint64_t	 bps;
	double		 loss;
	int		 mtu;
	int		 qcap;
	int		 up;
	struct rng	 rng;		/* its own loss stream */
	struct link_tx	 tx[2];		/* [0]: a -> b, [1]: b -> a */
};

struct node {
	int		 idx;
	enum sc_node_kind kind;
	uint32_t	 ip;
	int		 up;
	int		*links;		/* indices of its links */
	int		 nlinks;
	uint16_t	 ip_id;		/* IPv4 identification counter */
	uint16_t	 next_port;	/* next ephemeral port */
	struct rng	 isn_rng;
	struct tcp_conn	*conns;		/* list through tcp_conn.next */
	struct tcp_listener *listeners;
	struct udp_bind	*udp;
};

/*
 * A transport protocol as net.c sees it (tcp.c, udp.c register one each
 * with net_register(), from sim_new()): net hands it what arrives for
 * its IPv4 protocol number and tells it of a node's power and freeing,
 * without knowing who it is, so the layer below never names the layer
 * above.  A function may be NULL.
 */
struct net_transport {
	/* seg (len bytes) arrived at node from src for dst, in frame. */
	void	(*input)(struct sim *s, int node, uint32_t src, uint32_t dst,
		    const uint8_t *seg, size_t len, uint32_t frame);
	/* node was switched off: it forgets its connections. */
	void	(*power_off)(struct sim *s, int node);
	/* The sim ends: free what the transport holds for node. */
	void	(*free_node)(struct sim *s, int node);
};

struct sim {
	const struct scenario *sc;
	uint64_t	 seed;
	struct evq	*q;
	struct trace	*tr;
	struct node	*nodes;
	int		 nnodes;
	struct link	*links;
	int		 nlinks;
	int		**route;	/* per source node, first link per
				   destination (-1 none); NULL until
				   first asked (net.c, net_route) */
	uint32_t	*ip_sorted;	/* addresses, sorted, for lookup */
	int		*ip_node;	/* node of ip_sorted[i] */
	uint8_t		*rxbuf;		/* a received frame is copied here */
	struct tcp_conn	*reap;		/* closed connections, freed after the handler */
	struct sim_stats stats;
	/* By IPv4 protocol number (RFC 791 3.1): the registered transports. */
	const struct net_transport *transport[256];
	struct dns_world *dns;		/* dns.c: servers, caches, pending queries */
	struct mail_world *mail;	/* the mail layers: stores, queues, sessions */
	/* udp.c: every node's bound ports, by (node, port) (issue 16). */
	struct hmap	 udp_ports;
	struct udp_bind	**udp_vec;	/* the values of udp_ports point here */
	int		 nudp_vec, capudp_vec;
	int		 recapped;	/* sim_run() wrote the recap (world/recap.c) */
	int		*act_order;	/* actions by (at_ns, index): sim.c */
	int		 act_next;	/* the next of act_order to schedule */
	uint64_t	 act_seq;	/* action i's event sequence: act_seq + i */
};

static inline uint64_t
sim_time(struct sim *s)
{
	return evq_now(s->q);
}

/* core/record.c: append a record stamped with the current time (r.say: its narration). */
uint32_t sim_record(struct sim *s, struct trace_rec r);
/* Store a narration built with say_begin() (trace.h); returns it for a record's say. */
uint32_t sim_say(struct sim *s, struct say *y);
/*
 * An application message (a protocol line, a DNS question) from node to
 * peer, and a state change of an application at node (enum state_what),
 * each with the narration the acting layer chose: there is no way to
 * write a record without one (tests/test_trace_say.c).
 */
void	 sim_app_say(struct sim *s, int node, int peer, enum app_proto proto,
	    const char *text, size_t len, uint32_t say);
void	 sim_state_say(struct sim *s, int node, enum state_what what,
	    uint32_t count, uint32_t say, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

/* net.c */
void	 net_init(struct sim *s);
void	 net_free(struct sim *s);
int	 net_node_by_ip(const struct sim *s, uint32_t ip);
/* Let t take the IPv4 packets of protocol proto (one transport each). */
void	 net_register(struct sim *s, uint8_t proto,
	    const struct net_transport *t);
/* Every transport frees what it holds for every node (sim_free). */
void	 net_free_transports(struct sim *s);
/*
 * Send an IPv4 packet carrying l4 (a complete TCP or UDP segment with its
 * checksum) from node to dst.  say is the narration key of its first
 * TR_FRAME_TX, chosen by the transport that built it (a SYN, a piece of
 * data, a DNS question over UDP: "frame.tx.origin.tcp_syn"); a string
 * constant (trace_say_key()).  Returns the frame index, or TRACE_NONE if
 * the node could not send it (the drop is in the trace).
 */
uint32_t net_ip_send(struct sim *s, int node, uint32_t dst, uint8_t proto,
	    const uint8_t *l4, size_t len, const char *say);
/*
 * The same without a copy: net_ip_begin() returns where the len bytes of
 * the segment go, in the frame the trace keeps (NULL: the node is off,
 * nothing is sent); write them all, then net_ip_finish() sends it.
 */
uint8_t *net_ip_begin(struct sim *s, int node, uint32_t dst, uint8_t proto,
	    size_t len, uint32_t *frame);
uint32_t net_ip_finish(struct sim *s, int node, uint32_t frame,
	    const char *say);
void	 net_set_link(struct sim *s, int link, int up);
/* A what-if's new loss for a link (0..1), from now on. */
void	 net_set_loss(struct sim *s, int link, double loss);
void	 net_set_node(struct sim *s, int node, int up);
/* Record a frame dropped by a node's transport (no listener, bad checksum). */
void	 net_drop_at(struct sim *s, int node, uint32_t frame,
	    enum drop_reason why);

#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IP_HLEN		20
#define IP_TTL_DEFAULT	64

/* TCP/UDP checksum over the pseudo-header (RFC 793 section 3.1, RFC 768). */
uint16_t l4_checksum(uint32_t src, uint32_t dst, uint8_t proto,
	    const uint8_t *seg, size_t len);

#endif
