/*
 * pop3_server.c: placeholder until the POP3 layer lands (issue 4):
 * no listener, and a fetch does nothing.
 */
#include "mail.h"

void
pop3_server_start(struct sim *s, int node)
{
	(void)s;
	(void)node;
}

void
pop3_fetch(struct sim *s, int action)
{
	(void)s;
	(void)action;
}

void
pop3_free_all(struct sim *s)
{
	(void)s;
}
