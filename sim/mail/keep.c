/*
 * keep.c: allocations that live as long as the mail world (a listening
 * port's context), freed by mail_free().  Its own file, below the
 * servers that call it and mail.c that starts them, so that neither
 * depends on the other (tests/layers.py).
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
