/*
 * imap_server.c: placeholder until the IMAP layer lands (issue 4):
 * no listener, and a fetch does nothing.
 */
#include "mail.h"

void
imap_server_start(struct sim *s, int node)
{
	(void)s;
	(void)node;
}

void
imap_fetch(struct sim *s, int action)
{
	(void)s;
	(void)action;
}

void
imap_free_all(struct sim *s)
{
	(void)s;
}
