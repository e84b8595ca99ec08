/*
 * ports.c: the application protocol of a port (ports.h), from the
 * scenario's services first, then the IANA registry's well-known ports.
 */
#include "ports.h"

#include <stddef.h>

static enum app_proto	ports_configured(const struct scenario *, int,
			    unsigned, const char **);
static enum app_proto	ports_well_known(unsigned, const char **);

/* The service the scenario configures on node's port; APP_NONE where none. */
static enum app_proto
ports_configured(const struct scenario *sc, int node, unsigned port,
    const char **name)
{
	if (sc == NULL || node < 0 || node >= sc->nnodes)
		return APP_NONE;
	const struct sc_node *n = &sc->nodes[node];

	if (n->dns.present && (unsigned)n->dns.port == port) {
		*name = "DNS";
		return APP_DNS;
	}
	if (n->smtp.present && (unsigned)n->smtp.port == port) {
		*name = "SMTP";
		return APP_SMTP;
	}
	/* RFC 6409 3.1: message submission is SMTP on another port. */
	if (n->submission.present && (unsigned)n->submission.port == port) {
		*name = "submission";
		return APP_SMTP;
	}
	if (n->lmtp.present && (unsigned)n->lmtp.port == port) {
		*name = "LMTP";
		return APP_LMTP;
	}
	if (n->pop3.present && (unsigned)n->pop3.port == port) {
		*name = "POP3";
		return APP_POP3;
	}
	if (n->imap.present && (unsigned)n->imap.port == port) {
		*name = "IMAP";
		return APP_IMAP;
	}
	return APP_NONE;
}

/* The IANA ports, for a server the scenario does not describe. */
static enum app_proto
ports_well_known(unsigned port, const char **name)
{
	switch (port) {
	case 25:
		*name = "SMTP";
		return APP_SMTP;
	case 465:	/* RFC 8314 7.3: submission over TLS */
	case 587:	/* RFC 6409 3.1 */
		*name = "submission";
		return APP_SMTP;
	case 53:
		*name = "DNS";
		return APP_DNS;
	case 24:	/* RFC 2033 5 */
		*name = "LMTP";
		return APP_LMTP;
	case 110:
		*name = "POP3";
		return APP_POP3;
	case 143:
		*name = "IMAP";
		return APP_IMAP;
	}
	*name = NULL;
	return APP_NONE;
}

enum app_proto
sim_port_proto(const struct scenario *sc, int node, unsigned port,
    const char **name)
{
	const char *nm = NULL;
	enum app_proto p;

	if ((p = ports_configured(sc, node, port, &nm)) == APP_NONE)
		p = ports_well_known(port, &nm);
	if (name != NULL)
		*name = nm;
	return p;
}

enum app_proto
sim_conn_proto(const struct scenario *sc, int a, unsigned aport, int b,
    unsigned bport, int *server)
{
	const char *nm;
	enum app_proto p;

	/* The configured side first: its port may be a well-known one's twin. */
	if ((p = ports_configured(sc, b, bport, &nm)) != APP_NONE)
		*server = 1;
	else if ((p = ports_configured(sc, a, aport, &nm)) != APP_NONE)
		*server = 0;
	else if ((p = ports_well_known(bport, &nm)) != APP_NONE)
		*server = 1;
	else if ((p = ports_well_known(aport, &nm)) != APP_NONE)
		*server = 0;
	else
		*server = -1;
	return p;
}

int
sim_node_by_ip(const struct scenario *sc, uint32_t ip)
{
	if (sc == NULL)
		return -1;
	if (sc->node_by_ip.cap > 0) {
		size_t it = 0;
		int best = -1;

		/* The first node with it, as the walk below finds it. */
		for (int i; (i = hmap_next(&sc->node_by_ip, hash_mix(ip),
		    &it)) >= 0; )
			if (i < sc->nnodes && sc->nodes[i].ip == ip &&
			    (best < 0 || i < best))
				best = i;
		return best;
	}
	for (int i = 0; i < sc->nnodes; i++)
		if (sc->nodes[i].ip == ip)
			return i;
	return -1;
}
