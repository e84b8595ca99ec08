/*
 * sim.c: builds the world from a scenario, schedules the scenario's
 * actions, and runs the event queue.  The sim owns everything it built;
 * the scenario is borrowed.
 *
 * Power and link actions act on the network (and tell the mail layer,
 * whose queues survive a power cycle); send actions go to the person's
 * mail program (mua.c).
 */
#include "world.h"
#include "dns.h"
#include "eth.h"
#include "mail.h"
#include "recap.h"
#include "tcp.h"
#include "udp.h"

#include <stdlib.h>

/* The largest frame a link allows, plus room: received frames are copied here. */
#define RXBUF_SIZE	(65536 + 64)

static void	sim_after_event(void *);

static void	action_fire(void *, void *, uint64_t, uint64_t);

/*
 * The scenario's actions are scheduled one at a time, in time order: the
 * queue holds one of them, not 100,000 for the whole run (issue 16).
 * Each still takes the sequence number it had when all were scheduled
 * at the start (evq_reserve_seq), so that events due at the same time
 * run in the same order as before.
 */
static void
action_schedule_next(struct sim *s)
{
	if (s->act_next >= s->sc->nactions)
		return;
	int i = s->act_order[s->act_next++];

	evq_at_seq(s->q, s->sc->actions[i].at_ns, s->act_seq + (uint64_t)i,
	    action_fire, NULL, NULL, (uint64_t)i, 0);
}

struct act_key {
	uint64_t	 at_ns;
	int		 i;
};

static int
act_cmp(const void *x, const void *y)
{
	const struct act_key *a = x, *b = y;

	if (a->at_ns != b->at_ns)
		return a->at_ns < b->at_ns ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

static void
action_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct sim *s = ctx;
	const struct sc_action *act = &s->sc->actions[a];

	(void)obj;
	(void)b;
	action_schedule_next(s);
	switch (act->kind) {
	case SC_ACT_POWER:
		net_set_node(s, act->node, act->power_on);
		mail_power(s, act->node, act->power_on);
		break;
	case SC_ACT_LINK:
		if (act->link_has_state)
			net_set_link(s, act->link, act->link_up);
		if (act->link_has_loss)
			net_set_loss(s, act->link, act->link_loss);
		break;
	case SC_ACT_DNS:
		dns_srv_change(s, act->node, &act->record, act->dns_add);
		break;
	case SC_ACT_PASSWORD:
		mail_set_password(s, act->account, act->new_password);
		break;
	case SC_ACT_SEND:
		mail_send_action(s, (int)a);
		break;
	case SC_ACT_FETCH:
		mail_fetch_action(s, (int)a);
		break;
	}
}

struct sim *
sim_new(const struct scenario *sc, uint64_t seed)
{
	struct sim *s = xcalloc(1, sizeof *s);

	s->sc = sc;
	s->seed = seed;
	s->q = evq_new(s);
	evq_after(s->q, sim_after_event);
	s->tr = trace_new();
	s->rxbuf = xmalloc(RXBUF_SIZE);
	net_init(s);
	tcp_init(s);
	udp_init(s);
	dns_start(s);
	mail_start(s);
	s->act_order = xmalloc(((size_t)sc->nactions + 1) *
	    sizeof *s->act_order);
	struct act_key *k = xmalloc(((size_t)sc->nactions + 1) * sizeof *k);
	for (int i = 0; i < sc->nactions; i++)
		k[i] = (struct act_key){ sc->actions[i].at_ns, i };
	qsort(k, (size_t)sc->nactions, sizeof *k, act_cmp);
	for (int i = 0; i < sc->nactions; i++)
		s->act_order[i] = k[i].i;
	free(k);
	s->act_seq = evq_reserve_seq(s->q, (uint64_t)sc->nactions);
	action_schedule_next(s);
	return s;
}

void
sim_free(struct sim *s)
{
	if (s == NULL)
		return;
	mail_free(s);		/* sessions and queues, before the connections go */
	dns_free(s);		/* its timers are cancelled before the queue goes */
	net_free_transports(s);
	tcp_reap(s);
	evq_free(s->q);
	trace_free(s->tr);
	net_free(s);
	free(s->act_order);
	free(s->rxbuf);
	free(s);
}

/*
 * After every event: the connections a handler closed are freed before
 * the next one runs (tcp.c's deferred free).
 */
static void
sim_after_event(void *ctx)
{
	struct sim *s = ctx;

	if (s->reap)
		tcp_reap(s);
}

uint64_t
sim_run_until(struct sim *s, uint64_t t_ns)
{
	/* The clock reaches t_ns even when nothing happens on the way. */
	return evq_run_until(s->q, t_ns);
}

void
sim_run(struct sim *s)
{
	if (s->sc->until_ns)
		sim_run_until(s, s->sc->until_ns);
	else
		/*
		 * Until nothing is left to do: the clock stops at the last
		 * event that was work (a cache expiring later is not worth
		 * waiting for).
		 */
		evq_run(s->q, SIM_MAX_NS, 1, UINT64_MAX);
	/* The story ends with what became of each message, once. */
	if (!s->recapped) {
		s->recapped = 1;
		recap_write(s);
	}
}

uint64_t
sim_now(const struct sim *s)
{
	return evq_now(s->q);
}

const struct trace *
sim_trace(const struct sim *s)
{
	return s->tr;
}

const struct scenario *
sim_scenario(const struct sim *s)
{
	return s->sc;
}

uint64_t
sim_seed(const struct sim *s)
{
	return s->seed;
}

void
sim_keep_frame_bytes(struct sim *s, int keep)
{
	trace_keep_bytes(s->tr, keep);
}

void
sim_keep_for(struct sim *s, int transcript)
{
	uint32_t kinds = transcript ? 1u << TR_APP : 0;

	trace_keep_bytes(s->tr, 0);
	/* The recap (recap.c) reads the queues' ST_QUEUE_ADD records at the end. */
	trace_keep_only(s->tr, kinds, 1u << ST_QUEUE_ADD);
}

void
sim_stats(const struct sim *s, struct sim_stats *out)
{
	*out = s->stats;
	out->events = evq_ran(s->q);
	out->records = trace_added(s->tr);
}
