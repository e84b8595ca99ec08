/*
 * session.h: the one skeleton of every mail protocol session, on either
 * side of the connection: the SMTP/LMTP server and client, the POP3
 * server and client, the IMAP server and client.
 *
 * All six are a line-oriented dialogue over one TCP connection (RFC 5321
 * 2.4, RFC 1939 3, RFC 3501 2.2), and all six need the same things
 * around their protocol: a connection (accepted on a listening port, or
 * resolved by name and connected), a bounded line buffer, one way to send
 * and put what was sent in the trace, one function that changes state and
 * traces "old -> new", a timer for a peer that falls silent (a server's
 * autologout, a client's reply timeout), and a clean end however the
 * connection ends.  This file has them once; a protocol embeds a struct
 * msess as the first member of its own session and fills a struct
 * msess_ops with what only it knows.
 *
 * Ownership: a session belongs to the list it was put on (a protocol's
 * world); msess_free() unlinks and frees it, after ops->release() has
 * freed the protocol's own fields.  Every callback of ops may end the
 * session (msess_close(), msess_abort(), msess_free()): the skeleton
 * never touches a session after a callback that could have freed it
 * without checking msess_alive() first.
 */
#ifndef SUREL_SESSION_H
#define SUREL_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "linebuf.h"
#include "tcp.h"
#include "trace.h"

struct sim;
struct msess;

struct msess_ops {
	const char	*name;		/* "pop3 server": for fatal messages */
	enum app_proto	 proto;		/* what its messages are in the trace */
	/*
	 * Each state's name (the protocol's to-string) and the narration key
	 * of entering it: msess_enter_state() traces every change with them.
	 * Both are indexed by the protocol's state enum, nstates long.
	 */
	const char *const *state_names;
	const char *const *state_keys;
	int		 nstates;
	int		 done;		/* the state after which input is ignored */
	size_t		 line_max;	/* longest line, without its CRLF */
	/*
	 * How long the peer may be silent: the server's autologout (RFC 5321
	 * 4.5.3.2.7, RFC 1939 3, RFC 3501 5.4) or the client's wait for a
	 * reply (RFC 5321 4.5.3.2); 0: no timer.  A client's timer runs only
	 * while it waits for the server (msess_send() starts it).
	 */
	uint64_t	 idle_ns;
	int		 client;	/* 1: the side that connects */

	/*
	 * Bytes from the peer.  NULL: the skeleton feeds the line buffer
	 * and calls line() for each line until the session reaches `done`.
	 * A protocol that also reads counted bytes (an IMAP literal) sets
	 * data and calls msess_lines() itself.
	 */
	void	(*data)(struct msess *m, const uint8_t *p, size_t n);
	void	(*line)(struct msess *m, enum line_status st, const char *line,
		    size_t n);
	/* The peer was silent for idle_ns; NULL: close the connection. */
	void	(*timeout)(struct msess *m);
	/* A client's connection is open (in all three the server speaks first). */
	void	(*connected)(struct msess *m);
	/* The peer sent FIN; the skeleton closes our side after this. */
	void	(*peer_closed)(struct msess *m);
	/* A client could not connect or lost the connection; the session is freed after it. */
	void	(*failed)(struct msess *m, enum tcp_err e);
	/* Free the protocol's own fields (not the session); the session is going. */
	void	(*release)(struct msess *m);
};

struct msess {
	struct sim		*s;
	const struct msess_ops	*ops;
	struct msess		*next;
	struct msess		**list;		/* the list it is on */
	struct msess		**prevp;	/* what points to it there */
	struct tcp_conn		*c;		/* NULL before connect and once TCP let it go */
	int			 node, peer;	/* this side and the other (-1: not a node) */
	uint32_t		 peer_ip;
	int			 state;
	struct linebuf		 lb;
	ev_id			 timer;
	/*
	 * How long the peer may be silent now: ops->idle_ns at the start;
	 * a protocol whose waits differ by what it waits for (the SMTP
	 * client, RFC 5321 4.5.3.2) sets it before it sends.
	 */
	uint64_t		 idle_ns;
	uint64_t		 dns;		/* a client's name lookup under way, or 0 */
	uint16_t		 port;		/* where a client connects */
	int			 freed;		/* set by msess_free() during a callback */
	int			 depth;		/* callbacks under way */
};

/*
 * A server: listen on node's port; each accepted connection becomes a
 * session of size bytes (at least sizeof(struct msess)) on *list, with
 * state 0, and accepted(m, arg) sends the greeting.
 */
typedef void (*msess_accept_fn)(struct msess *m, void *arg);
void	 msess_listen(struct sim *s, int node, uint16_t port,
	    const struct msess_ops *ops, size_t size, struct msess **list,
	    msess_accept_fn accepted, void *arg);

/*
 * A client: a new session of size bytes on *list, not yet connected;
 * the caller fills its own fields, then msess_connect_name().
 */
struct msess *msess_client(struct sim *s, int node, const struct msess_ops *ops,
	    size_t size, struct msess **list);
/*
 * Connect to port of server: by its name through node's resolver where
 * the scenario gives node one (as a real program would), else straight
 * to its address.  When the name does not resolve or node is off, the
 * session ends (ops->failed with TCP_ERR_HOST_DOWN where node is off,
 * else nothing: the DNS exchange in the trace tells why) and is freed.
 */
void	 msess_connect_name(struct msess *m, int server, uint16_t port);
/*
 * Connect to port at ip, an address the caller found itself (an MTA
 * looks up MX records, not the server's name).  Returns 0, or -1 when
 * node is off: ops->failed ran with TCP_ERR_HOST_DOWN and the session
 * is gone.
 */
int	 msess_connect_ip(struct msess *m, uint32_t ip, uint16_t port);

/*
 * Send bytes and record one application message: shown is what the
 * transcript prints (a command with its password hidden, a reply with a
 * long body summed up), say its narration (trace.h).  A client starts
 * its reply timer here.  n == 0: trace only; shown == NULL: send only
 * (the IMAP server traces each response and sends a command's at once).
 */
void	 msess_send(struct msess *m, const void *wire, size_t n,
	    const char *shown, size_t shown_len, uint32_t say);
/*
 * A client's command line: fmt's text with CRLF on the wire, "C: TEXT"
 * in the transcript (shown instead of the text where given: a command
 * with its password hidden), y its narration.
 */
void	 msess_command(struct msess *m, struct say *y, const char *shown,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The one place the state changes: records "old -> new" with the key of st. */
void	 msess_enter_state(struct msess *m, int st);
/* The same, with the narration say (sim_say()) in place of the state's key; 0: the key. */
void	 msess_enter_state_say(struct msess *m, int st, uint32_t say);
/* Feed bytes to the line buffer and call ops->line per line (for ops->data). */
void	 msess_lines(struct msess *m, const uint8_t *p, size_t n);
/* (Re)start the silence timer (the skeleton does on every byte received). */
void	 msess_timer_restart(struct msess *m);
void	 msess_timer_stop(struct msess *m);
/* Close gracefully (FIN after what is queued); the session is freed when TCP is done. */
void	 msess_close(struct msess *m);
/* Reset the connection (RST) and free the session now. */
void	 msess_abort(struct msess *m);
/* Free the session (ops->release first); safe inside its own callbacks. */
void	 msess_free(struct msess *m);
/* End every session on *list without callbacks or trace (the world ends). */
void	 msess_free_all(struct msess **list);

/* The server node's hostname, or its id. */
const char *msess_hostname(const struct msess *m);

#endif
