/*
 * whereis.h: where each message is at a step of the trace (issue 11,
 * "where the mail is"): composed on the sender's device, crossing from
 * one node to the next, in a mail server's queue, in an account's
 * mailbox, downloaded to a device, bounced, refused or lost.
 *
 * It reads only the trace (the state records and the message records,
 * by their narration arguments: "msgid", "to", "subject") and the
 * scenario (when each send happens, and its subject).  A message is
 * known by its Message-ID and shown by its Subject; a bounce is a
 * message of its own.  One message can be in several places at once:
 * one per recipient, and copies on devices.
 *
 * The window asks at every step it draws, in any order: whereis_new()
 * reads the trace once into a short list of the changes that matter
 * (messages are few, even in a trace of a million records), and
 * whereis_at() replays them from the nearest saved state.
 */
#ifndef SUREL_WHEREIS_H
#define SUREL_WHEREIS_H

#include <stddef.h>

#include "scenario.h"
#include "trace.h"

enum whereis_kind {
	WHERE_COMPOSED,		/* node: the device it was written on, not sent yet */
	WHERE_TRANSIT,		/* node -> peer: the message is crossing, until the reply */
	WHERE_QUEUE,		/* node: a mail server's queue; addr: for that recipient */
	WHERE_MAILBOX,		/* node: the server; addr: the account's address */
	WHERE_DEVICE,		/* node: the device that downloaded it; peer: from which server */
	WHERE_BOUNCED,		/* node: the server whose reply refused it; addr: the recipient */
	WHERE_REFUSED,		/* node: the server that refused to take it at all */
	WHERE_LOST,		/* a bounce that could not be delivered either */
	WHERE_NKINDS
};

struct whereis_entry {
	int		 msg;		/* whereis_msg() index */
	enum whereis_kind kind;
	int		 node, peer;	/* scenario node indices, -1 where none */
	const char	*addr;		/* an address, or "" */
};

struct whereis_msg {
	const char	*id;		/* its Message-ID with <>, "" while unknown */
	const char	*subject;	/* "" where it has none */
	int		 bounce;	/* a notice sent back to a sender */
};

struct whereis;

struct whereis *whereis_new(const struct trace *tr, const struct scenario *sc);
void	 whereis_free(struct whereis *w);

int	 whereis_nmsgs(const struct whereis *w);
const struct whereis_msg *whereis_msg(const struct whereis *w, int i);

/*
 * The places of every message at step (the window's steps: the world
 * just after record step - 1; 0 is before anything, trace_count() the
 * end).  *out points into w and stays valid until the next call; the
 * entries are grouped by message, the messages in the order they
 * appeared (whereis_msg()'s), each one's places in the order they were
 * found.  Returns how many.
 */
int	 whereis_at(struct whereis *w, size_t step,
	    const struct whereis_entry **out);

const char *whereis_kind_name(enum whereis_kind k);

#endif
