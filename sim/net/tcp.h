/*
 * tcp.h: a small but real TCP (RFC 793/9293) for the simulated hosts,
 * and the socket API the applications inside the simulation use.
 *
 * An application listens or connects, sends bytes, closes, and is called
 * back when the connection is up, when bytes arrive, when the peer has
 * closed its side, and when the connection failed.  Connections are
 * owned by TCP: after the `closed` callback of a connection that both
 * sides have closed, or after `error`, the pointer is no longer valid.
 */
#ifndef SUREL_TCP_H
#define SUREL_TCP_H

#include <stddef.h>
#include <stdint.h>

struct sim;
struct tcp_conn;

/* Keep the order: tcp_state_str() and the trace's a/b fields rely on it. */
enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

enum tcp_err {
	TCP_ERR_REFUSED,	/* RST in answer to our SYN: nobody listens */
	TCP_ERR_TIMEOUT,	/* no answer after every retransmission */
	TCP_ERR_RESET,		/* the peer reset an open connection */
	TCP_ERR_HOST_DOWN,	/* our own machine was powered off */
};

struct tcp_ops {
	void	(*connected)(struct tcp_conn *c, void *u);
	/* p is valid only during the call. */
	void	(*data)(struct tcp_conn *c, void *u, const uint8_t *p,
		    size_t n);
	/* The peer sent FIN: no more data will come. */
	void	(*peer_closed)(struct tcp_conn *c, void *u);
	/* Both sides are done; the connection is gone after this call. */
	void	(*closed)(struct tcp_conn *c, void *u);
	/* The connection failed; it is gone after this call. */
	void	(*error)(struct tcp_conn *c, void *u, enum tcp_err e);
};

/* Called for each new connection on a listening port; set its ops there. */
typedef void (*tcp_accept_fn)(struct tcp_conn *c, void *u);

int	 tcp_listen(struct sim *s, int node, uint16_t port, tcp_accept_fn fn,
	    void *u);
struct tcp_conn *tcp_connect(struct sim *s, int node, uint32_t dst,
	    uint16_t port, const struct tcp_ops *ops, void *u);
void	 tcp_set_ops(struct tcp_conn *c, const struct tcp_ops *ops, void *u);
/* Queue bytes; they are sent as the windows allow. */
void	 tcp_send(struct tcp_conn *c, const void *p, size_t n);
/*
 * Optional: fn hears each time the peer acknowledged data, with the bytes
 * still queued; a sender that keeps its buffer bounded writes more there,
 * before TCP looks for what to send.
 */
void	 tcp_set_acked(struct tcp_conn *c,
	    void (*fn)(struct tcp_conn *c, void *u, size_t unsent));
/* Send FIN once every queued byte has gone. */
void	 tcp_close(struct tcp_conn *c);
/* Send RST and forget the connection at once (no callback). */
void	 tcp_abort(struct tcp_conn *c);
/* Stop a connect still in SYN-SENT: TCP_ERR_TIMEOUT to the error callback. */
void	 tcp_give_up(struct tcp_conn *c);

enum tcp_state tcp_conn_state(const struct tcp_conn *c);
int	 tcp_conn_node(const struct tcp_conn *c);
uint32_t tcp_conn_peer_ip(const struct tcp_conn *c);
uint16_t tcp_conn_peer_port(const struct tcp_conn *c);
size_t	 tcp_conn_unsent(const struct tcp_conn *c);	/* queued, not yet acknowledged */
/* The most data one segment carries: ours, or less where the peer's MSS option asked (RFC 9293 3.7.1). */
uint32_t tcp_conn_mss(const struct tcp_conn *c);

const char *tcp_state_str(enum tcp_state st);
const char *tcp_err_str(enum tcp_err e);

/* Called from sim_new() after net_init(): TCP registers with net. */
void	 tcp_init(struct sim *s);
/* A node was switched off: its connections fail (TCP_ERR_HOST_DOWN). */
void	 tcp_power_off(struct sim *s, int node);
void	 tcp_free_node(struct sim *s, int node);
/* Free connections that closed during the last handler. */
void	 tcp_reap(struct sim *s);

#endif
