/*
 * dns.h: DNS inside the simulation (RFC 1034, RFC 1035), over udp.h.
 *
 * Three roles, as in RFC 1034 section 2.4:
 *   - name servers: every node whose scenario gives it a `dns` service
 *     answers queries on its port from its own records, authoritatively,
 *     or with a referral where its `delegate` list hands a zone on;
 *   - recursive servers (`"recursive": true`) also resolve for their
 *     clients: they follow referrals from their own delegations down and
 *     keep what they learn in a cache for its TTL;
 *   - the stub resolver of every host, which the mail layers call through
 *     dns_query() and which asks the host's scenario `resolver`.
 *
 * Every message sent is a TR_APP record with APP_DNS (dns_describe()
 * words) and its narration ("dns.answer.mx", ...); every change of a
 * recursive server's cache is a TR_STATE record (ST_DNS_CACHE_ADD,
 * ST_DNS_CACHE_EXPIRE) with its narration.
 */
#ifndef SUREL_DNS_H
#define SUREL_DNS_H

#include <stdint.h>

#include "dns_wire.h"
#include "hash.h"
#include "scenario.h"
#include "udp.h"
#include "util.h"

struct sim;
struct tcp_conn;

/* What a stub lookup found. */
enum dns_status {
	DNS_OK,		/* n records of the asked type */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, with no record of that type */
	DNS_FAIL,	/* no answer (timeouts), SERVFAIL, or no resolver */
};

struct dns_answer {
	int		 status;	/* enum dns_status */
	int		 n;
	/* The records of the asked type, after following CNAMEs. */
	struct dns_rr	 rr[DNS_MAX_RR];
};

/*
 * Called exactly once per dns_query() that is not cancelled, never from
 * inside dns_query() itself.  a is valid only during the call.  The
 * callback may call dns_query() and dns_cancel().
 */
typedef void (*dns_cb)(struct sim *s, void *u, const struct dns_answer *a);

/* The stub: 3 tries, 2 s apart (like a resolv.conf with "attempts:3"). */
#define DNS_STUB_TRIES		3
#define DNS_STUB_TIMEOUT_NS	(2ULL * 1000000000ULL)
/* A recursive server: 2 tries of 2 s for each server of a zone. */
#define DNS_REC_TRIES		2
#define DNS_REC_TIMEOUT_NS	(2ULL * 1000000000ULL)
/* The TTL of NS and glue records made from a scenario's `delegate`. */
#define DNS_DELEGATION_TTL	86400
/* The SOA of negative answers (RFC 2308): TTL and MINIMUM. */
#define DNS_NEGATIVE_TTL	300

/* Called from sim_new() after net_init(): servers bind their ports. */
void	 dns_start(struct sim *s);
/*
 * Called from sim_free() before the event queue is freed: cancels every
 * timer and frees everything.  Pending lookups are dropped without their
 * callbacks.
 */
void	 dns_free(struct sim *s);

/*
 * Look up name's records of type for node, through the node's scenario
 * resolver.  Returns a handle (never 0) for dns_cancel().
 */
uint64_t dns_query(struct sim *s, int node, const char *name, int type,
	    dns_cb cb, void *u);
/* The callback of that lookup will not be called; an old handle is ignored. */
void	 dns_cancel(struct sim *s, uint64_t handle);

const char *dns_status_str(int status);

/* ---------------------------------------------------------------- */
/*
 * Inside the DNS files only (dns_server.c, dns_resolver.c); the mail
 * layers use what is above this line.
 */

struct dns_cache_ent;
struct dns_rq;
struct dns_stubq;

struct dns_server;
struct dns_msg;

/* How a recursive server hands a query with RD on (dns_resolver.c sets it). */
typedef void (*dns_recurse_fn)(struct sim *s, struct dns_server *sv,
	    const struct dns_msg *q, uint32_t src, uint16_t sport);

/* A zone a server holds: its apex has an SOA and NS records (RFC 1034 section 4.2.1). */
struct dns_zone {
	char		 name[DNS_NAME_MAX + 1];	/* the apex */
	char		 ns[DNS_NAME_MAX + 1];	/* its name server: SOA MNAME and NS */
};

/*
 * A query the server still has to answer, and how: over which TCP
 * connection (RFC 7766: the answer goes back on it) or, over UDP, with
 * the EDNS payload size it offered (RFC 6891 6.2.5).
 */
struct dns_srv_pend {
	int		 used;
	struct dns_srv_tcp *tcp;	/* NULL: UDP, or the connection is gone */
	int		 tcp_gone;	/* asked over TCP, which closed since */
	uint32_t	 src;
	uint16_t	 sport, id;
	int		 edns;		/* the query had an OPT: so will the answer */
	uint16_t	 udp_size;
};

#define DNS_SRV_ZONES	16	/* zones one server holds */
#define DNS_SRV_PENDS	32	/* queries waiting for an answer (recursion) */
#define DNS_SRV_TCPS	8	/* DNS-over-TCP connections at once */
#define DNS_SRV_TCP_IN	4096	/* bytes of one query over TCP, prefix included */

/* One DNS-over-TCP connection of a server (RFC 7766). */
struct dns_srv_tcp {
	struct sim	*s;
	struct dns_server *sv;
	struct tcp_conn	*c;		/* NULL: the slot is free */
	size_t		 n;		/* bytes in `in` */
	uint8_t		 in[DNS_SRV_TCP_IN];
};

/* A node that serves DNS. */
struct dns_server {
	int		 node;
	dns_recurse_fn	 recurse;	/* NULL: answers from its own records only */
	uint16_t	 port;
	const struct sc_dns *cfg;	/* the scenario's, or own after a change */
	struct sc_dns	 own;		/* its records once a "dns" action changed them */
	struct hmap	 names;		/* dns_srv_name_hash(record name) -> index in cfg->records */
	const char	*hostname;
	struct dns_zone	 zones[DNS_SRV_ZONES];	/* what its SOA and NS speak for */
	int		 nzones;
	struct dns_srv_pend pend[DNS_SRV_PENDS];
	int		 npend;		/* next slot to take, round robin */
	struct dns_srv_tcp tcp[DNS_SRV_TCPS];
	struct dns_cache_ent *cache;	/* recursive servers: what they learnt */
	int		 ncache;
	struct dns_rq	*rqs;		/* resolutions in progress */
};

/* The DNS side of every node: its ephemeral ports and query ids. */
struct dns_host {
	uint8_t		*ports;		/* state of ports 49152..65535, see dns_server.c */
	uint32_t	 nid;		/* queries sent, for the next id */
	struct rng	 port_rng;	/* draws its source ports (RFC 5452 9.2) */
};

struct dns_world {
	struct dns_server **srv;	/* per node, NULL where no dns service */
	struct dns_host	*host;		/* per node */
	struct dns_stubq *stubs;	/* stub lookups in progress */
	uint64_t	 next_handle;
};

/* dns_server.c */
/* The server of node (its scenario dns service), bound to its port. */
struct dns_server *dns_srv_new(struct sim *s, int node);
/*
 * An ephemeral port of node for one query, bound to input (0: none
 * left); give it back after.
 */
uint16_t dns_srv_port_get(struct sim *s, int node, udp_recv_fn input);
void	 dns_srv_port_put(struct sim *s, int node, uint16_t port);
/* The ID of node's next query: its counter mixed with the seed. */
uint16_t dns_srv_next_id(struct sim *s, int node);
/* The DNS port of the node at ip (53 where it has no dns service). */
uint16_t dns_srv_port_of(const struct sim *s, uint32_t ip);
/*
 * Encode m, record it in the transcript and send it; 0, or -1 if nothing
 * was sent.  A response from a server's port to a query it took over
 * TCP goes back on that connection; one to a query with an OPT gets an
 * OPT and may fill the size the query offered (RFC 6891); it is cut to
 * fit, with TC where the answer itself did not fit (so m may change).
 */
int	 dns_srv_send(struct sim *s, int node, uint16_t sport, uint32_t dst,
	    uint16_t dport, struct dns_msg *m);
/*
 * A "dns" action (scenarios/README.md, what-if actions): node's server
 * adds or removes record r (borrowed from the scenario) from now on.
 */
void	 dns_srv_change(struct sim *s, int node, const struct sc_record *r,
	    int add);
/* A type as the narration names it: its mnemonic, or TYPEnnn. */
void	 dns_srv_type_name(int type, char *out, size_t n);
/* A record's data as the narration shows it (an MX: its exchange), NUL-ended. */
void	 dns_srv_rr_value(const struct dns_rr *rr, struct buf *out);
/* sv's own answer to (qname, qtype) into r's sections; 1 for a referral. */
int	 dns_srv_lookup(const struct sim *s, const struct dns_server *sv,
	    const char *qname, int qtype, struct dns_msg *r);

#endif
