/*
 * scenario.h: a scenario file (shared/SPEC.md section 2) as plain data.
 *
 * scenario_load() parses and validates the whole file before anything
 * runs and either returns a complete, valid scenario or NULL with every
 * error found, each already formatted for a person:
 *	FILE:LINE:COL: message            (JSON syntax)
 *	FILE: PATH: message               (PATH like nodes[2].services.smtp.relay_via)
 * The loader never prints and never exits.
 *
 * Node references are resolved to indices into nodes[] (-1 where absent).
 * Times are integer nanoseconds; addresses are host-order IPv4.
 * Everything reachable from struct scenario is owned by it and released
 * by scenario_free().
 */
#ifndef SUREL_SCENARIO_H
#define SUREL_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* A text: a plain string (lang "") or one string per language code. */
struct sc_text {
	int	  n;
	char	**lang;
	char	**str;
};

/* The text in lang, else English, else the plain string, else the first; never NULL ("" when empty). */
const char *sc_text_get(const struct sc_text *t, const char *lang);

enum sc_node_kind {
	SC_CLIENT,
	SC_ROUTER,
	SC_SERVER,
};

enum sc_rr_type {
	SC_RR_A = 1,
	SC_RR_MX = 15,
	SC_RR_CNAME = 5,
	SC_RR_TXT = 16,
};

struct sc_record {
	char		*name;		/* lower case, no trailing dot */
	enum sc_rr_type	 type;
	uint32_t	 ttl;		/* seconds, default 3600 */
	uint32_t	 address;	/* A */
	int		 preference;	/* MX */
	char		*exchange;	/* MX, lower case, no trailing dot */
	char		*target;	/* CNAME, lower case, no trailing dot */
	char		*text;		/* TXT */
};

struct sc_delegate {
	char		*zone;		/* lower case, no trailing dot; "" is the root */
	char		*ns;
	uint32_t	 address;
};

struct sc_dns {
	int		 present;
	int		 port;		/* 53 */
	int		 recursive;
	struct sc_record *records;
	int		 nrecords;
	struct sc_delegate *delegates;
	int		 ndelegates;
};

struct sc_smtp {
	int		 present;
	int		 port;		/* 25 */
	char		**domains;	/* lower case */
	int		 ndomains;
	int		 deliver;	/* node index, -1 for "local" (the default) */
	int		 relay_via;	/* node index or -1 */
	uint64_t	 max_size;	/* bytes, default 10485760 */
	int		 max_hops;	/* 30 */
	uint64_t	*retry_ns;	/* default 60 s, 300 s, 900 s */
	int		 nretry;
	uint64_t	 give_up_ns;	/* default 432000000 ms = 5 days */
	char		*postmaster;	/* extension: the account that takes postmaster@, or NULL */
};

struct sc_submission {
	int		 present;
	int		 port;		/* 587 */
	int		 require_auth;	/* default 1 */
};

/* lmtp (24), pop3 (110), imap (143): only a port for now. */
struct sc_port_service {
	int		 present;
	int		 port;
};

struct sc_node {
	char		*id;
	enum sc_node_kind kind;
	uint32_t	 ip;
	struct sc_text	 label;		/* n == 0 where absent */
	char		*hostname;	/* always set: clients default to ID.local */
	int		 resolver;	/* node index or -1 */
	double		 x, y;		/* 0..1 */
	int		 has_xy;
	struct sc_dns	 dns;
	struct sc_smtp	 smtp;
	struct sc_submission submission;
	struct sc_port_service lmtp, pop3, imap;
};

struct sc_link {
	int		 a, b;		/* node indices */
	uint64_t	 latency_ns;	/* default 5 ms */
	uint64_t	 bandwidth_bps;	/* default 10000 kbps = 10,000,000 */
	double		 loss;		/* 0..1 */
	int		 mtu;		/* 1500; 68..65535, and at least mss + 40 */
	int		 queue_packets;	/* extension: FIFO length per direction, default 100 */
};

struct sc_account {
	char		*address;	/* as written; compared case-insensitively */
	int		 server;	/* node index */
	char		*user;		/* defaults to the address */
	char		*password;
};

enum sc_action_kind {
	SC_ACT_SEND,
	SC_ACT_FETCH,
	SC_ACT_POWER,
	SC_ACT_LINK,
	SC_ACT_DNS,		/* extension: add or remove a record (scenarios/README.md) */
	SC_ACT_PASSWORD,	/* extension: an account's password changes */
};

struct sc_attachment {
	char		*name;
	char		*content_type;
	uint64_t	 size;		/* when has_text is 0 */
	char		*text;		/* when has_text is 1 */
	int		 has_text;
};

enum sc_fetch_protocol {
	SC_POP3,
	SC_IMAP,
};

struct sc_action {
	uint64_t	 at_ns;
	enum sc_action_kind kind;
	int		 node;		/* node index */

	/* send */
	char		*from;
	char		**to, **cc, **bcc;
	int		 nto, ncc, nbcc;
	char		*subject;	/* "" where absent */
	char		*body;		/* "" where absent */
	struct sc_attachment *attachments;
	int		 nattachments;
	int		 via;		/* node index, -1 where absent (server sends from its own queue) */
	int		 port;		/* resolved: explicit, else via's submission port, else its smtp port */
	int		 has_auth;
	char		*auth_user, *auth_password;

	/* fetch */
	enum sc_fetch_protocol protocol;
	int		 server;
	char		*user, *password;
	int		 keep;

	/* power: 1 on, 0 off */
	int		 power_on;

	/* link: the link's index in links[] and the new state */
	int		 link;
	int		 link_up;

	/* extension: the warning this action gives on purpose (enum sc_warn_kind), or -1 */
	int		 expect;
	int		 link_has_state;	/* "state" given (else only "loss") */
	int		 link_has_loss;		/* extension: "loss" given */
	double		 link_loss;		/* 0..1 */

	/* extension "dns": at node, add (1) or remove (0) record */
	int		 dns_add;
	struct sc_record record;

	/* extension "password": the account (index) and its new password */
	int		 account;
	char		*account_address;	/* as written */
	char		*new_password;
};

/*
 * A checkpoint (scenarios/README.md, "Checkpoints"): the window stops at a
 * step and asks a question.  The step is named by what happens there, not
 * by its number, so that it survives a change of the trace:
 *	SC_AT_APP    the nth application message whose text contains text
 *	SC_AT_KIND   the nth trace record of a kind (enum trace_kind)
 *	SC_AT_STATE  the nth state change of a kind (enum state_what)
 *	SC_AT_MS     the first step at or after a simulated time
 * checkpoint_step() (checkpoint.h) finds the step in a trace.
 */
enum sc_at_kind {
	SC_AT_APP,
	SC_AT_KIND,
	SC_AT_STATE,
	SC_AT_MS,
};

struct sc_at {
	enum sc_at_kind	 kind;
	char		*text;		/* SC_AT_APP: what the message contains */
	int		 what;		/* SC_AT_KIND: enum trace_kind; SC_AT_STATE: enum state_what */
	int		 nth;		/* from 1, default 1 (not SC_AT_MS) */
	int		 node;		/* node index, or -1: only steps at this node */
	uint64_t	 ns;		/* SC_AT_MS */
};

#define SC_MAX_CHOICES	5

struct sc_checkpoint {
	struct sc_at	 at;
	struct sc_text	 question;
	struct sc_text	 choices[SC_MAX_CHOICES];
	int		 nchoices;	/* 2..SC_MAX_CHOICES */
	int		 answer;	/* index into choices, from 0 */
	struct sc_text	 explain;
};

struct scenario {
	int		 version;	/* 1 */
	struct sc_text	 title;
	struct sc_text	 description;
	struct sc_text	 summary;	/* one line: what the lesson teaches */
	uint64_t	 seed;		/* default 1 */
	char		*epoch;		/* as written, default 2026-01-05T08:00:00+07:00 */
	int64_t		 epoch_unix;	/* seconds since 1970 UTC */
	int		 epoch_offset_min; /* the zone offset written in epoch, minutes east */
	uint64_t	 until_ns;	/* 0 where absent */
	int		 mss;		/* 536 */

	struct sc_node	*nodes;
	int		 nnodes;
	struct sc_link	*links;
	int		 nlinks;
	struct sc_account *accounts;
	int		 naccounts;
	struct sc_action *actions;
	int		 nactions;	/* in file order */
	struct sc_checkpoint *checkpoints;
	int		 ncheckpoints;	/* in file order */
	/* The text it was loaded from (NUL-ended) and its file's name, for a what-if. */
	char		*src;
	size_t		 srclen;
	char		*srcname;
	/*
	 * scenario_load(): node by address (hash_mix(ip) -> node), for
	 * sim_node_by_ip() on every frame the window labels; empty in a
	 * scenario built by hand, which is walked instead.
	 */
	struct hmap	 node_by_ip;
};

/* Every error of one file, formatted for a person. */
struct sc_errors {
	int	  n;
	char	**msg;
};

/*
 * Parse and validate text (len bytes, need not be NUL-terminated);
 * filename is only used in messages.  Returns NULL when errs->n > 0.
 */
struct scenario *scenario_load(const char *text, size_t len,
	    const char *filename, struct sc_errors *errs);
void	scenario_free(struct scenario *sc);
/*
 * A what-if: the file text with nadds more actions (each a JSON text in
 * SPEC's action format) after its own, checked by the same parser.  An
 * added action's error reads "--add[K].PATH: message".  With merged,
 * *merged is the whole scenario as a new file (the caller frees it).
 */
struct scenario *scenario_load_adds(const char *text, size_t len,
	    const char *filename, const char *const *adds, int nadds,
	    char **merged, struct sc_errors *errs);
void	sc_errors_free(struct sc_errors *errs);
/*
 * The choice closest to word (the did-you-mean of the file's errors), or
 * NULL when none is close; the command line uses it for lesson names.
 */
const char *scenario_suggest(const char *word, const char *const *choices,
	    int n);

/*
 * What `surel check` warns of (scenario_warn.c): a valid scenario that
 * cannot do what it seems to want.  The names are those an action's
 * "expect" note may give (scenarios/README.md, "Warnings"); SC_W_EXPECT,
 * an "expect" note that silences nothing, cannot itself be expected.
 */
enum sc_warn_kind {
	SC_W_NO_RESOLVER,
	SC_W_NO_ADDRESS,
	SC_W_NO_DOMAIN,
	SC_W_UNKNOWN_USER,
	SC_W_ACCOUNT_DOMAIN,
	SC_W_WRONG_PASSWORD,
	SC_W_UNKNOWN_LOGIN,
	SC_W_NO_LOGIN,
	SC_W_RELAY_DENIED,
	SC_W_NO_SERVICE,
	SC_W_UNREACHABLE,
	SC_W_NODE_OFF,
	SC_W_EXPECT,
};

/* The names of the kinds an "expect" note may give, up to SC_W_EXPECT, then NULL. */
extern const char *const sc_warn_kinds[];

struct sc_warning {
	enum sc_warn_kind kind;
	char		*path;		/* like nodes[2].services.smtp, or actions[3].send.to[0] */
	char		*msg;		/* for a teacher: what will happen instead */
};

struct sc_warnings {
	int		 n;
	struct sc_warning *w;
};

/*
 * Every warning of a loaded scenario, from the file alone (nothing is
 * simulated), in the order of the file; warnings an action expects are
 * left out.  Free with sc_warnings_free().
 */
void	scenario_warnings(const struct scenario *sc, struct sc_warnings *out);
void	sc_warnings_free(struct sc_warnings *w);
/* Whether two records have the same name, type and data (not TTL). */
int	sc_record_same(const struct sc_record *x, const struct sc_record *y);

/* Index of the node with this id, or -1. */
int	scenario_node_index(const struct scenario *sc, const char *id);

/*
 * Whether a packet from node a can reach node b: a path of links on
 * which every intermediate node is a router (clients and servers with
 * two links do not forward).  Up/down state is ignored, as routes are.
 */
int	scenario_reachable(const struct scenario *sc, int a, int b);

#endif
