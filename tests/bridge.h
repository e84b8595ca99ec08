/*
 * bridge.h: lets a real program (Python's smtplib, poplib, imaplib, a
 * mail client) talk to a server inside the simulation over a real
 * loopback TCP socket, so that real clients judge our servers.
 *
 * The bridge owns a simulation of a scenario.  For each bridge_listen()
 * it listens on 127.0.0.1 (an ephemeral port); each real connection
 * accepted there becomes a simulated connection from a client node of
 * the scenario (the "outside" host) to a server node and port inside:
 * bytes read from the real socket go in with tcp_send(), bytes the
 * simulated server sends come out to the real socket.  Between socket
 * reads, bridge_run() advances the simulation; it never waits on the
 * wall clock inside sim/, only in poll() here.
 *
 * Nothing is added to sim/: the bridge uses the same TCP API as the
 * simulated applications (tcp.h).
 */
#ifndef SUREL_TEST_BRIDGE_H
#define SUREL_TEST_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

struct bridge;
struct sim;

/*
 * Load the scenario text (len bytes; name is used in messages) and
 * build its simulation.  NULL, with the errors printed on stderr, when
 * the scenario does not load.
 */
struct bridge *bridge_new(const char *text, size_t len, const char *name);
/* The same for a file. */
struct bridge *bridge_new_file(const char *path);

/*
 * Listen on 127.0.0.1 for connections that become connections from
 * node `client` to node `server`, port `port`, inside.  Returns the
 * real port, or 0 when the node ids are unknown or the socket fails.
 */
uint16_t bridge_listen(struct bridge *b, const char *client,
	    const char *server, uint16_t port);

/*
 * Serve: poll the real sockets and advance the simulation, until done(u)
 * returns non-zero (checked every few milliseconds) or max_wall_ms of
 * wall-clock time have passed.  Returns 0 when done() ended it, -1 on
 * the time limit.
 */
int	 bridge_run(struct bridge *b, int (*done)(void *u), void *u,
	    int max_wall_ms);

/* The simulation, to inspect its mailboxes and trace; owned by the bridge. */
struct sim *bridge_sim(struct bridge *b);
/* Connections accepted so far. */
int	 bridge_accepted(const struct bridge *b);

/* Close every socket, free the simulation and the scenario. */
void	 bridge_free(struct bridge *b);

#endif
