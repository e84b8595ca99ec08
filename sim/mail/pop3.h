/*
 * pop3.h: inside the POP3 layer, shared by pop3_server.c and
 * pop3_client.c.  The rest of sim/ uses the three calls mail.h declares
 * (pop3_server_start, pop3_fetch, pop3_free_all).
 */
#ifndef SUREL_POP3_H
#define SUREL_POP3_H

#include "mail.h"
#include "pop3_wire.h"
#include "session.h"

/*
 * What the POP3 layer has under way: s->mail->pop3 (pop3_world.c).
 * Both lists hold skeleton sessions (session.h), so pop3_free_all() ends
 * them all with msess_free_all() and neither side calls the other.
 */
struct pop3_world {
	struct msess	*sessions;	/* pop3_server.c: one per connection */
	struct msess	*fetches;	/* pop3_client.c: one per fetch action */
};

/* s->mail->pop3, made on first use. */
struct pop3_world *pop3_world(struct sim *s);

/*
 * The unique-id of a message (RFC 1939 7, UIDL): "uidvalidity.uid",
 * e.g. "1000.7".  Both numbers are fixed for the life of the mailbox,
 * so the id never changes and is never given to another message.
 */
void	 pop3_uidl(const struct mailbox *mb, const struct mbox_msg *m,
	    char out[POP3_UID_MAX + 1]);

#endif
