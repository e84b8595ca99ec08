/*
 * bridge.h: lets a real program (Python's smtplib, poplib, imaplib, a
 * mail client, swaks, curl, dig) talk to a server inside the simulation
 * over a real socket, so that real clients judge our servers and a class
 * can send its own mail through a simulated world (`surel live`).
 *
 * The bridge owns a simulation of a scenario.  For each listening socket
 * (bridge_listen(), bridge_listen_at()) each real connection accepted
 * there becomes a simulated connection from a client node of the
 * scenario (the "outside" host) to a server node and port inside: bytes
 * read from the real socket go in with tcp_send(), bytes the simulated
 * server sends come out to the real socket.  A UDP listener (DNS) does
 * the same with datagrams: each real peer gets a port of its own on the
 * client node.  Between socket reads, bridge_run() advances the
 * simulation; it never waits on the wall clock inside sim/, only in
 * poll() here.
 *
 * Nothing is added to sim/: the bridge uses the same TCP and UDP API as
 * the simulated applications (tcp.h, udp.h).  The tests and `surel live`
 * (cmd_live.c) share this file.
 */
#ifndef SUREL_BRIDGE_H
#define SUREL_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

struct bridge;
struct scenario;
struct sim;

/*
 * Load the scenario text (len bytes; name is used in messages) and
 * build its simulation.  NULL, with the errors printed on stderr, when
 * the scenario does not load.
 */
struct bridge *bridge_new(const char *text, size_t len, const char *name);
/* The same for a file. */
struct bridge *bridge_new_file(const char *path);
/* The same for a loaded scenario, which the bridge then owns and frees. */
struct bridge *bridge_new_scenario(struct scenario *sc, uint64_t seed);

/*
 * Listen on 127.0.0.1 for connections that become connections from
 * node `client` to node `server`, port `port`, inside.  Returns the
 * real port, or 0 when the node ids are unknown or the socket fails.
 */
uint16_t bridge_listen(struct bridge *b, const char *client,
	    const char *server, uint16_t port);

/*
 * The same by node index, on addr (an IPv4 address of this machine in
 * dotted form), at real port want or the next free one up to want +
 * tries - 1; udp: datagrams instead of a stream.  Returns the real
 * port, or 0 with *err set to the errno of the last failed bind()
 * (EADDRINUSE when every port was taken, EADDRNOTAVAIL when addr is not
 * this machine's, EINVAL when addr is not an IPv4 address).
 */
uint16_t bridge_listen_at(struct bridge *b, const char *addr, uint16_t want,
	    int tries, int client, int server, uint16_t port, int udp,
	    int *err);

/*
 * speed 0 (the default, for tests): every turn of the loop moves the
 * simulation BRIDGE_STEP_NS, as fast as it can.  speed > 0: the
 * simulation follows the wall clock, speed simulated seconds a second
 * (live mode).
 */
void	 bridge_set_speed(struct bridge *b, double speed);

/*
 * Serve: poll the real sockets and advance the simulation, until done(u)
 * returns non-zero (checked every few milliseconds) or max_wall_ms of
 * wall-clock time have passed (never, when max_wall_ms < 0).  Returns 0
 * when done() ended it, -1 on the time limit.
 */
int	 bridge_run(struct bridge *b, int (*done)(void *u), void *u,
	    int max_wall_ms);

/*
 * One turn of bridge_run(): wait at most wait_ms for the real sockets,
 * take what they have, move the simulation on, write out its answers.
 * For a caller with a loop of its own (the live window).
 */
void	 bridge_pump(struct bridge *b, int wait_ms);

/*
 * fn(u, peer, client, server, port) for every real connection accepted
 * from now on: peer is the real program's "ADDR:PORT", client the node
 * it enters at, server and port where it goes inside.
 */
typedef void (*bridge_connect_fn)(void *u, const char *peer, int client,
	    int server, uint16_t port);
void	 bridge_on_connect(struct bridge *b, bridge_connect_fn fn, void *u);

/*
 * SIGINT and SIGTERM end a live run (SIGPIPE is ignored): from now on
 * they only set the flag that bridge_stopped() reads, whether the
 * headless loop or the window's loop is turning.
 */
void	 bridge_catch_signals(void);
int	 bridge_stopped(void);

/* The simulation, to inspect its mailboxes and trace; owned by the bridge. */
struct sim *bridge_sim(struct bridge *b);
/* Connections (and UDP peers) accepted so far. */
int	 bridge_accepted(const struct bridge *b);
/* Connections open now. */
int	 bridge_open(const struct bridge *b);

/* Close every socket, free the simulation and the scenario. */
void	 bridge_free(struct bridge *b);

#endif
