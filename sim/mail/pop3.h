/*
 * pop3.h: inside the POP3 layer, shared by pop3_server.c and
 * pop3_client.c.  The rest of sim/ uses the three calls mail.h declares
 * (pop3_server_start, pop3_fetch, pop3_free_all).
 */
#ifndef SUREL_POP3_H
#define SUREL_POP3_H

#include "mail.h"
#include "pop3_wire.h"

struct pop3_sess;
struct pop3_fetch;

/*
 * What the POP3 layer has under way: s->mail->pop3 (pop3_world.c).
 * Each side registers how to end its own, so that pop3_free_all() can
 * end both without either file calling the other.
 */
struct pop3_world {
	struct pop3_sess *sessions;	/* pop3_server.c: one per connection */
	struct pop3_fetch *fetches;	/* pop3_client.c: one per fetch action */
	void		(*end_sessions)(struct sim *);	/* set by the server */
	void		(*end_fetches)(struct sim *);	/* set by the client */
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
