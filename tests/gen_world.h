/*
 * gen_world.h: the large generated world of `make bench`'s scale ladder
 * (issue 16, point 4).  1,000 mail domains, each with its own mail
 * server (smtp for the domain, submission, pop3 and imap, delivering
 * locally), 10,000 mailboxes spread over them (ten each), one DNS server
 * that knows every domain's MX and every server's address, 100 client
 * machines and a core of routers.  Then nmsg messages, each from one
 * domain to another (a tenth with a 20 KB attachment), sent either by a
 * client through its domain's server (submission, with AUTH) or by the
 * server itself, spread evenly in time, and a fetch (POP3 or IMAP) for
 * every tenth message.
 *
 * The same (nmsg, seed) gives the same bytes on any machine (util.h's
 * rng, never rand()).
 */
#ifndef SUREL_TEST_GEN_WORLD_H
#define SUREL_TEST_GEN_WORLD_H

#include <stdint.h>

#include "util.h"

#define GW_DOMAINS	1000
#define GW_ACCOUNTS	10	/* per domain: 10,000 in all */
#define GW_ROUTERS	20
#define GW_CLIENTS	100

/* Append the JSON text of the world with nmsg messages to out. */
void	gen_world(int nmsg, uint64_t seed, struct buf *out);

#endif
