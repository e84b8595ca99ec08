/*
 * pop3_world.c: what the POP3 layer has under way in one world: the
 * server's sessions (pop3_server.c) and the devices' fetches
 * (pop3_client.c).  It sits below both, and both lists hold skeleton
 * sessions (session.h), so neither file calls the other and mail_free()
 * ends them all through pop3_free_all().
 */
#include "pop3.h"
#include "world.h"

#include <stdlib.h>

struct pop3_world *
pop3_world(struct sim *s)
{
	if (s->mail->pop3 == NULL)
		s->mail->pop3 = xcalloc(1, sizeof *s->mail->pop3);
	return s->mail->pop3;
}

void
pop3_free_all(struct sim *s)
{
	struct pop3_world *w = s->mail->pop3;

	if (w == NULL)
		return;
	/* The devices first, as a world switched off mid-fetch would go. */
	msess_free_all(&w->fetches);
	msess_free_all(&w->sessions);
	free(w);
	s->mail->pop3 = NULL;
}
