/*
 * imap_world.c: what the IMAP layer keeps while the world runs: the
 * server's sessions (imap_server.c), the devices' sessions
 * (imap_client.c) and the \Recent floor of each mailbox.  It sits below
 * both sides, so neither file calls the other, and mail_free() ends them
 * all through imap_free_all().  Both sides read with the codec's imap_in
 * (imap_wire.c) over their session's line buffer.
 */
#include "imap.h"
#include "world.h"

#include <stdint.h>
#include <stdlib.h>

/* Made on first use, by a listener or a device, freed by imap_free_all(). */
struct imap_world *
imap_world(struct sim *s)
{
	struct mail_world *mw = s->mail;

	if (mw->imap == NULL) {
		mw->imap = xcalloc(1, sizeof *mw->imap);
		mw->imap->recent_floor = xcalloc((size_t)mw->nboxes + 1,
		    sizeof *mw->imap->recent_floor);
	}
	return mw->imap;
}

/*
 * From mail_free(), before TCP frees the connections: the sessions and
 * devices go without callbacks, as a program killed mid-dialogue does.
 */
void
imap_free_all(struct sim *s)
{
	struct imap_world *w = s->mail->imap;

	if (w == NULL)
		return;
	msess_free_all(&w->sessions);
	msess_free_all(&w->clients);
	free(w->recent_floor);
	free(w);
	s->mail->imap = NULL;
}
