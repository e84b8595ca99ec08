/*
 * keep.c: what lives as long as the mail world (a listening port's
 * context; where each message was written), freed by mail_free().  Its
 * own file, below the servers that call it and mail.c that starts them,
 * so that neither depends on the other (tests/layers.py).
 */
#include "mail.h"
#include "world.h"

#include <stdlib.h>

void
mail_keep(struct sim *s, void *p)
{
	struct mail_world *w = s->mail;

	w->keep = xrealloc(w->keep, (size_t)(w->nkeep + 1) * sizeof *w->keep);
	w->keep[w->nkeep++] = p;
}

/*
 * Where a message began, kept to the end for the recap (sim/world/
 * recap.c): the deliveries say where it went, this says whence.
 */
void
mail_origin_add(struct sim *s, const char *message_id, int action, int node,
    const char *subject, const char *sender, const char *about)
{
	struct mail_world *w = s->mail;

	if (w->norigins == w->caporigins) {
		w->caporigins = w->caporigins ? w->caporigins * 2 : 8;
		w->origins = xrealloc(w->origins, (size_t)w->caporigins *
		    sizeof *w->origins);
	}
	w->origins[w->norigins++] = (struct mail_origin){
		.message_id = xstrdup(message_id),
		.action = action,
		.node = node,
		.subject = xstrdup(subject ? subject : ""),
		.sender = xstrdup(sender ? sender : ""),
		.about = about ? xstrdup(about) : NULL,
	};
}
