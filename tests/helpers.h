/*
 * helpers.h: what several test files share: a scenario built in code
 * (a chain of hosts and routers), a TCP application that sends a
 * deterministic byte stream and one that checks it, and running the
 * program itself.
 */
#ifndef SUREL_TEST_HELPERS_H
#define SUREL_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "sim.h"
#include "tcp.h"

struct chain_link {
	double	latency_ms;
	double	bandwidth_kbps;
	double	loss;
	int	queue_packets;	/* 0: 100 */
};

/*
 * client - r1 - ... - server: nlinks links, so nlinks - 1 routers.
 * Node 0 is the client (10.0.0.1), the last node the server (10.9.9.1).
 */
struct scenario *chain_scenario(int nlinks, const struct chain_link *links,
	    int mss, uint64_t seed);
/* Free a scenario built by chain_scenario(). */
void	chain_free(struct scenario *sc);

/*
 * The generated world of the scale ladder (gen_world.h) with nmsg
 * messages, loaded as a file would be; NULL (and the loader's messages
 * on stderr) if it does not load.  Free it with scenario_free().
 */
struct scenario *gen_world_scenario(int nmsg, uint64_t seed);

/* Byte i of the test stream: deterministic and not periodic in small strides. */
uint8_t	stream_byte(uint64_t i);

/* A bulk transfer: the client sends total bytes to port 9 of the server. */
struct bulk {
	struct sim	*sim;
	uint64_t	 total;
	uint64_t	 done_ns;	/* when the last byte reached the server */
	uint64_t	 received;
	uint64_t	 mismatches;	/* bytes that differ from stream_byte() */
	int		 connected, server_closed, client_closed, errors;
	int		 last_error;
	struct tcp_conn	*client;
};

void	bulk_start(struct sim *s, struct bulk *b, uint64_t total);

/*
 * The whole file at path in a NUL-terminated heap buffer (len bytes,
 * without the NUL), or NULL when it cannot be opened.  The caller frees.
 */
char	*test_slurp(const char *path, size_t *len);

/* Run "$SUREL_BIN args" (default ./surel); returns the exit status, fills out with stdout+stderr. */
int	run_surel(const char *args, char *out, size_t outsz);

/*
 * Whether record r names a TCP frame to or from port that carries data
 * (ports.c tests: tests/good/submission_2587.json).
 */
int	test_tcp_data_on_port(const struct trace *tr,
	    const struct trace_rec *r, unsigned port);

#endif
