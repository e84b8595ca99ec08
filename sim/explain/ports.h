/*
 * ports.h: which application protocol a port carries (ports.c).  One
 * lookup for the inspector's decoding, the narration, the picture and the
 * event list, so that all four call a frame by the same name.
 *
 * The scenario's configured services come first (a submission server on
 * 2587 is SMTP there); the IANA well-known ports only where the scenario
 * says nothing about that node and port.
 */
#ifndef SUREL_PORTS_H
#define SUREL_PORTS_H

#include <stdint.h>

#include "scenario.h"
#include "trace.h"

/*
 * What node serves on port: APP_NONE where neither the scenario nor the
 * well-known ports say.  *name (may be NULL) gets the service's name:
 * "SMTP", "submission", "LMTP", "DNS", "POP3", "IMAP", or NULL.  sc may
 * be NULL and node -1 (a frame from outside the scenario): well-known only.
 */
enum app_proto sim_port_proto(const struct scenario *sc, int node,
	    unsigned port, const char **name);

/*
 * The server side of a conversation between a (port aport) and b (port
 * bport): b's configured service, else a's, else the well-known port of
 * b, else a's.  Returns the protocol and sets *server to 1 where b is
 * the server, 0 where a is, -1 where neither is known.
 */
enum app_proto sim_conn_proto(const struct scenario *sc, int a,
	    unsigned aport, int b, unsigned bport, int *server);

/* The scenario's node with address ip, or -1. */
int	 sim_node_by_ip(const struct scenario *sc, uint32_t ip);

#endif
