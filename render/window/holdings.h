/*
 * holdings.h: what one node holds at one step, rebuilt from the trace
 * alone (shared/DESIGN.md): a mail server's mailboxes (every account of
 * the scenario, the empty ones too) with each message's sender, subject,
 * size, flags and who downloaded it; its queue with the next try and the
 * last reply; a DNS server's records (the scenario's zone data) and a
 * resolver's cache with the TTL left; a device's downloaded mail.  No
 * SDL: the node panel draws it, the tests read it.
 *
 * holdings_new() reads the trace once and keeps, per node, the list of
 * records that change what it holds, so that holdings_build() replays
 * only those, up to the step: as cheap backwards as forwards.
 */
#ifndef SUREL_HOLDINGS_H
#define SUREL_HOLDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "message.h"
#include "sim.h"
#include "trace.h"

/* Flags as the trace carries them (sim/mail/mail.h MSGF_*). */
enum {
	HOLD_SEEN = 1 << 0,
	HOLD_ANSWERED = 1 << 1,
	HOLD_FLAGGED = 1 << 2,
	HOLD_DELETED = 1 << 3,
	HOLD_DRAFT = 1 << 4,
};

#define HOLD_MAX_BY	4

/* A message in a mailbox, or on a device. */
struct hold_msg {
	size_t		 rec;		/* the record that stored it */
	int		 account;	/* mailbox: index in the scenario's accounts; device: -1 */
	char		*msgid, *from, *subject, *sender;	/* "" where unknown */
	long long	 size;
	int		 flags;		/* HOLD_* */
	int		 removed;	/* mailbox: no longer there (POP3 QUIT, EXPUNGE) */
	char		*removed_how;	/* "POP3", "IMAP", "" */
	int		 by[HOLD_MAX_BY];	/* mailbox: the devices that downloaded it */
	char		*by_proto[HOLD_MAX_BY];
	int		 nby;
	int		 server;	/* device: where it came from */
	char		*proto;		/* device: "POP3" or "IMAP" */
	uint32_t	 body;		/* its bytes in the trace's text, 0: unknown */
};

/* A message waiting in a mail server's queue, for one recipient. */
struct hold_queued {
	char		*msgid, *rcpt, *subject;
	uint64_t	 next_ns;	/* the next attempt */
	char		*last;		/* the last reply or reason, "" before any */
};

/* A resolver's cached answer. */
struct hold_cached {
	char		*name, *type, *value;
	uint64_t	 added_ns;
	uint32_t	 ttl;		/* as learnt */
};

struct holdings {
	const struct scenario	*sc;
	const struct trace	*tr;
	uint32_t		**recs;	/* [nnodes]: records that change what the node holds */
	size_t			*nrecs;
	uint32_t		*dev_body;	/* [trace count]: a download's bytes (its mailbox copy) */

	/* What holdings_build() found. */
	int			 node;
	size_t			 step;
	uint64_t		 t;
	struct hold_msg		*msg;
	int			 nmsg, capmsg;
	struct hold_queued	*q;
	int			 nq, capq;
	struct hold_cached	*c;
	int			 nc, capc;
};

struct holdings *holdings_new(const struct scenario *sc,
	    const struct trace *tr);
void	 holdings_free(struct holdings *h);
/* What node holds at step (view.h's steps: just after record step - 1). */
void	 holdings_build(struct holdings *h, int node, size_t step);
/* The mailbox messages of account a now there (removed too when all is set). */
int	 holdings_account_count(const struct holdings *h, int a);
/* Whole seconds of TTL c has left at the built step (RFC 1035 3.2.1: it counts down). */
long	 holdings_ttl_left(const struct holdings *h, const struct hold_cached *c);
/* Read message m's stored bytes into info (msg_info_free() it); -1 if unknown. */
int	 holdings_open(const struct holdings *h, const struct hold_msg *m,
	    struct msg_info *info);
/* "\Seen \Deleted", "" for none, into buf. */
const char *holdings_flags_text(int flags, char *buf, size_t n);
/* Node by id or host name, case-insensitive; -1 if none. */
int	 holdings_find_node(const struct scenario *sc, const char *name);

#endif
