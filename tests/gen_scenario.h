/*
 * gen_scenario.h: random but valid scenarios, for the conservation test
 * (test_conservation.c).  A seed gives one scenario, always the same
 * text: a random tree of routers; two to four mail domains, each with
 * its MX (sometimes a backup MX too, sometimes a separate mailbox server
 * reached by LMTP), and all of them in one DNS server; relays, some
 * chained through relay_via (never in a loop); clients, accounts; 1 to
 * 20 messages to existing users, unknown users and domains that do not
 * exist, with To, Cc and Bcc; lossy links; servers switched off and on,
 * links cut and mended; POP3 and IMAP fetches.  Sometimes an until_ms
 * stops the run with mail still under way.
 *
 * The generator has its own seeded generator (util.h's rng), never
 * rand(): the same seed gives the same bytes on any machine.
 */
#ifndef SUREL_TEST_GEN_SCENARIO_H
#define SUREL_TEST_GEN_SCENARIO_H

#include <stdint.h>

#include "util.h"

/* Append the JSON text of scenario number seed to out (NUL-terminated). */
void	gen_scenario(uint64_t seed, struct buf *out);

#endif
