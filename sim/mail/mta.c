/*
 * mta.c: a mail server's queue (RFC 5321 4.5.4 and 6.1): every accepted
 * message waits here until each recipient is delivered, relayed, or
 * given up on.
 *
 * Routing one recipient (S6-S8 of the story):
 * - its domain is one of ours: into our own mailboxes, or by LMTP to the
 *   mailbox server named by `deliver` (no DNS at all: S7);
 * - else to the `relay_via` smarthost, if there is one (S5);
 * - else ask DNS for the domain's MX records, sort them by preference,
 *   ask the A record of each exchange and try them in order; a domain
 *   with no MX is its own exchange (RFC 5321 5.1); no such domain is a
 *   permanent failure (S8).
 * A 4xx reply or a failed connection is tried again after retry_ms;
 * a 5xx reply, or still failing after give_up_ms, sends an RFC 3464
 * bounce to the envelope sender, never for a bounce itself (RFC 5321
 * 6.1/6.2: the null reverse-path).  The queue is kept in the node and
 * survives a power cycle.
 */
#include "dns.h"
#include "mail.h"
#include "message.h"
#include "smtp_wire.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One delivery session (or local delivery) for some recipients of an item. */
struct attempt {
	struct qitem	*item;
	int		*idx;		/* recipients, as indices into item->rcpt */
	int		 n;
	enum smtp_out_mode mode;
	int		 target;	/* relay or mailbox node; -1 for MX */
	char		*domain;	/* MX: the domain */
	/* MX: the exchanges, best first, and which one we are trying */
	char		**mx;
	int		*pref;		/* their MX preferences (0: implicit MX) */
	int		 nmx, cur;
	int		 nx;		/* exchanges whose name DNS does not know */
	uint64_t	 dns;		/* pending lookup, 0 when none */
	int		 answered;	/* recipients that got a real reply */
	struct attempt	*next;		/* the world's list, for teardown */
};

static void	queue_run(struct sim *, struct qitem *);
static void	attempt_next_mx(struct sim *, struct attempt *);

static struct mta *
mta_of(struct sim *s, int node)
{
	return s->mail->mta[node];
}

static const struct sc_smtp *
smtp_cfg(struct sim *s, int node)
{
	return &s->sc->nodes[node].smtp;
}

int
mta_is_local_domain(struct sim *s, int node, const char *addr)
{
	const struct sc_smtp *c = smtp_cfg(s, node);
	const char *d = smtp_addr_domain(addr);

	if (!c->present)
		return 0;
	for (int i = 0; i < c->ndomains; i++)
		if (smtp_same(c->domains[i], d))
			return 1;
	return 0;
}

int
mta_mailbox_node(struct sim *s, int node)
{
	const struct sc_smtp *c = smtp_cfg(s, node);

	return c->present && c->deliver >= 0 ? c->deliver : node;
}

enum mta_route
mta_route(struct sim *s, int node, const char *addr, int *next)
{
	const struct sc_smtp *c = smtp_cfg(s, node);
	int mbnode = mta_mailbox_node(s, node);

	*next = -1;
	if (mta_is_local_domain(s, node, addr)) {
		if (mbnode == node)
			return ROUTE_LOCAL;
		*next = mbnode;
		return ROUTE_LMTP;
	}
	if (c->relay_via >= 0) {
		*next = c->relay_via;
		return ROUTE_RELAY;
	}
	return ROUTE_MX;
}

static void
timer_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct qitem *it = obj;

	(void)a;
	(void)b;
	it->timer = 0;
	queue_run(ctx, it);
}

static void
schedule(struct sim *s, struct qitem *it, uint64_t at)
{
	evq_cancel(s->q, it->timer);
	it->next_try_ns = at;
	it->timer = evq_at(s->q, at, timer_fire, NULL, it, 0, 0);
}

void
mta_new_qid(struct sim *s, int node, char out[16])
{
	struct mta *m = mta_of(s, node);

	/* The node in hex, then a counter: short, unique, the same every run. */
	snprintf(out, 16, "%X%04X", (unsigned)node,
	    (unsigned)(++m->qseq & 0xffff));
}

struct qitem *
mta_enqueue(struct sim *s, int node, const char *qid, const char *sender,
    const char *const *rcpts, int nrcpt, const uint8_t *data, size_t n,
    const char *message_id)
{
	struct mta *m = mta_of(s, node);
	struct qitem *it = xcalloc(1, sizeof *it), **pp;

	it->mta = m;
	if (qid)
		snprintf(it->qid, sizeof it->qid, "%s", qid);
	else
		mta_new_qid(s, node, it->qid);
	it->sender = xstrdup(sender);
	it->rcpt = xcalloc((size_t)nrcpt, sizeof *it->rcpt);
	it->nrcpt = nrcpt;
	for (int i = 0; i < nrcpt; i++) {
		it->rcpt[i].addr = xstrdup(rcpts[i]);
		it->rcpt[i].last_server = -1;
	}
	buf_append(&it->data, data, n);
	it->message_id = xstrdup(message_id);
	it->arrived_ns = sim_time(s);
	for (pp = &m->queue; *pp; pp = &(*pp)->next)
		;
	*pp = it;
	m->nqueue++;
	char *subject = mail_subject(data, n);
	for (int i = 0; i < nrcpt; i++) {
		char *r = xasprintf("250 2.0.0 queued at %s as %s",
		    s->sc->nodes[node].hostname, it->qid);
		int next;
		enum mta_route rt = mta_route(s, node, rcpts[i], &next);
		struct say y, q;

		/*
		 * Where the domain is decided: the domain after the @ against
		 * our own (mta_route), and the sentence says why that way:
		 * ours needs no DNS, a relay_via server hands all other mail
		 * to its smarthost, and otherwise DNS names the MX (RFC 5321
		 * 5.1).  queue_run() routes by the same mta_route().
		 */
		say_begin(&y, rt == ROUTE_LOCAL ? "state.delivery.queued_local" :
		    rt == ROUTE_LMTP ? "state.delivery.queued_lmtp" :
		    rt == ROUTE_RELAY ? "state.delivery.queued_relay" :
		    "state.delivery.queued_mx");
		if (next >= 0)
			say_node(&y, "next", next);
		say_str(&y, "domain", smtp_addr_domain(rcpts[i]));
		delivery_set(s, message_id, rcpts[i], DLV_QUEUED, node, r, &y);
		/* A bounce has the null reverse-path (RFC 5321 4.5.5). */
		say_begin(&q, sender[0] == '\0' ? "state.queue_add_bounce" :
		    rt == ROUTE_LOCAL ? "state.queue_add_local" :
		    rt == ROUTE_LMTP ? "state.queue_add_lmtp" :
		    "state.queue_add");
		say_str(&q, "to", rcpts[i]);
		say_str(&q, "domain", smtp_addr_domain(rcpts[i]));
		if (next >= 0)
			say_node(&q, "next", next);
		if (subject != NULL)
			say_str(&q, "subject", subject);
		say_num(&q, "count", m->nqueue);
		say_str(&q, "msgid", message_id);	/* whereis.c, the recap */
		sim_state_say(s, node, ST_QUEUE_ADD, (uint32_t)m->nqueue,
		    sim_say(s, &q), "%s %s", message_id, rcpts[i]);
		free(r);
	}
	free(subject);
	schedule(s, it, sim_time(s));
	return it;
}

static void
item_free(struct sim *s, struct qitem *it)
{
	struct mta *m = it->mta;
	struct qitem **pp;

	for (pp = &m->queue; *pp; pp = &(*pp)->next)
		if (*pp == it) {
			*pp = it->next;
			break;
		}
	m->nqueue--;
	evq_cancel(s->q, it->timer);
	for (int i = 0; i < it->nrcpt; i++) {
		free(it->rcpt[i].addr);
		free(it->rcpt[i].last_error);
	}
	free(it->rcpt);
	free(it->sender);
	free(it->message_id);
	buf_free(&it->data);
	free(it);
}

/* "Return-Path:" is added at final delivery (RFC 5321 4.4). */
static void
final_copy(const char *sender, const uint8_t *p, size_t n, struct buf *out)
{
	buf_printf(out, "Return-Path: <%s>\r\n", sender);
	buf_append(out, p, n);
}

/* ---- results ------------------------------------------------------ */

static void
set_error(struct qrcpt *r, const char *text, int server)
{
	free(r->last_error);
	r->last_error = xstrdup(text);
	r->last_server = server;
}

/*
 * The narration of a recipient that failed for good: key tells why
 * (a server refused it, DNS knows no such domain, the queue gave up),
 * {by} is the server whose queue held it.  A bounce is sent only when
 * the failed message was not itself a bounce (RFC 5321 6.1), and the
 * sentence must not promise one otherwise.
 */
static struct say *
failed_say(struct say *y, struct qitem *it, int i, const char *key)
{
	say_begin(y, it->sender[0] == '\0' ? "state.delivery.bounce_lost" :
	    key);
	say_node(y, "by", it->mta->node);
	say_str(y, "domain", smtp_addr_domain(it->rcpt[i].addr));
	return y;
}

/*
 * A recipient's result: 2xx done; 5xx failed for good (it will be in the
 * bounce; key: the narration of why); 4xx or no reply at all, tried
 * again later.
 */
static void
rcpt_result(struct sim *s, struct qitem *it, int i, int code,
    const char *text, int server, const char *key)
{
	struct qrcpt *r = &it->rcpt[i];
	struct say y;

	r->in_flight = 0;
	set_error(r, text, server);
	if (code >= 200 && code < 300) {
		r->done = 1;
		r->attempts = -1;	/* not failed */
	} else if (code >= 500) {
		r->done = 1;
		r->attempts = -2;	/* failed for good: bounce it */
		delivery_set(s, it->message_id, r->addr, DLV_BOUNCED,
		    server >= 0 ? server : it->mta->node, text,
		    failed_say(&y, it, i, key));
	}
}

static void
bounce(struct sim *s, struct qitem *it, const int *failed, int nfailed)
{
	struct mta *m = it->mta;
	const struct sc_node *n = &s->sc->nodes[m->node];

	if (it->sender[0] == '\0')
		return;		/* never a bounce of a bounce (RFC 5321 6.1) */
	struct dsn_rcpt *dr = xcalloc((size_t)nfailed, sizeof *dr);
	char **diag = xcalloc((size_t)nfailed, sizeof *diag);
	char **status = xcalloc((size_t)nfailed, sizeof *status);
	char **remote = xcalloc((size_t)nfailed, sizeof *remote);
	for (int k = 0; k < nfailed; k++) {
		struct qrcpt *r = &it->rcpt[failed[k]];
		const char *e = r->last_error ? r->last_error : "";
		char enh[16] = "5.0.0";

		/* "550 5.1.1 text": take the enhanced code when there is one. */
		if (strlen(e) > 4 && e[4] >= '2' && e[4] <= '5' && e[5] == '.') {
			size_t len = strcspn(e + 4, " ");
			if (len < sizeof enh) {
				memcpy(enh, e + 4, len);
				enh[len] = '\0';
			}
		}
		if (enh[0] == '4')
			enh[0] = '5';	/* gave up: the failure is now permanent */
		status[k] = xstrdup(enh);
		/*
		 * RFC 3464 2.3.6: the diagnostic-type "smtp" says a remote
		 * SMTP server gave this reply.  When none did (DNS, our own
		 * mailboxes, a connection that never got a reply, our own
		 * decision), the words are this server's: an "X-" type, as
		 * Postfix writes "X-Postfix;", without a reply code that
		 * no one sent.
		 */
		int code = e[0] >= '2' && e[0] <= '5' && e[1] >= '0' &&
		    e[1] <= '9' && e[2] >= '0' && e[2] <= '9' && e[3] == ' ';
		if (code && r->last_server >= 0 && r->last_server != m->node)
			diag[k] = xasprintf("smtp; %s", e);
		else {
			const char *w = e;

			if (code) {
				w += 4;
				/* "5.4.4 " too: Status says it already. */
				size_t len = strcspn(w, " ");
				if (w[0] >= '2' && w[0] <= '5' && w[1] == '.' &&
				    w[len] == ' ')
					w += len + 1;
			}
			diag[k] = xasprintf("X-Surel; %s", w);
		}
		remote[k] = r->last_server >= 0 && r->last_server != m->node ?
		    xstrdup(s->sc->nodes[r->last_server].hostname) : NULL;
		dr[k].address = r->addr;
		dr[k].status = status[k];
		dr[k].action = "failed";
		dr[k].diagnostic = diag[k];
		dr[k].remote_mta = remote[k];
	}
	char *mid = xasprintf("<%s.%u.bounce@%s>", it->qid,
	    (unsigned)s->mail->msgseq++, n->hostname);
	char *boundary = xasprintf("=_surel_bounce_%s", it->qid);
	char *postmaster = xasprintf("MAILER-DAEMON@%s", n->hostname);
	struct dsn_compose d = {
		.reporting_mta = n->hostname,
		.to = it->sender,
		.postmaster = postmaster,
		.date_unix = s->sc->epoch_unix + (int64_t)(sim_time(s) / SIM_SEC),
		/* RFC 3464 2.2.5: when the original arrived here, not now. */
		.arrival_unix = s->sc->epoch_unix +
		    (int64_t)(it->arrived_ns / SIM_SEC),
		.tz_offset_min = s->sc->epoch_offset_min,
		.message_id = mid,
		.boundary = boundary,
		.rcpt = dr,
		.nrcpt = nfailed,
		.orig = it->data.data,
		.orig_len = it->data.len,
	};
	struct buf msg = { 0 };
	msg_compose_dsn(&d, &msg);
	const char *to[1] = { it->sender };
	char *subject = mail_subject(msg.data, msg.len);
	mail_origin_add(s, mid, -1, m->node, subject, "", it->message_id);
	free(subject);
	mta_enqueue(s, m->node, NULL, "", to, 1, msg.data, msg.len, mid);
	buf_free(&msg);
	for (int k = 0; k < nfailed; k++) {
		free(diag[k]);
		free(status[k]);
		free(remote[k]);
	}
	free(diag);
	free(status);
	free(remote);
	free(dr);
	free(mid);
	free(boundary);
	free(postmaster);
}

/* All sessions of a run are over: bounce, retry or forget the item. */
static void
run_done(struct sim *s, struct qitem *it)
{
	const struct sc_smtp *c = smtp_cfg(s, it->mta->node);
	int *failed = xcalloc((size_t)it->nrcpt, sizeof *failed);
	int nfailed = 0, pending = 0;
	uint64_t age = sim_time(s) - it->arrived_ns;

	it->attempts++;
	for (int i = 0; i < it->nrcpt; i++) {
		struct qrcpt *r = &it->rcpt[i];

		if (r->done && r->attempts == -2) {
			failed[nfailed++] = i;
			r->attempts = -3;	/* bounced */
		} else if (!r->done) {
			if (age >= c->give_up_ns) {
				char *why = xasprintf("%s (gave up after %llu "
				    "minutes in the queue)", r->last_error ?
				    r->last_error : "no delivery",
				    (unsigned long long)(age / (60 * SIM_SEC)));
				set_error(r, why, r->last_server);
				free(why);
				r->done = 1;
				r->attempts = -3;
				struct say y;

				delivery_set(s, it->message_id, r->addr,
				    DLV_BOUNCED, it->mta->node, r->last_error,
				    failed_say(&y, it, i,
				    "state.delivery.gave_up"));
				failed[nfailed++] = i;
			} else
				pending++;
		}
	}
	if (nfailed > 0)
		bounce(s, it, failed, nfailed);
	free(failed);
	if (pending == 0) {
		struct say y;

		say_begin(&y, "state.queue_del");
		say_num(&y, "count", it->mta->nqueue - 1);
		say_str(&y, "msgid", it->message_id);
		sim_state_say(s, it->mta->node, ST_QUEUE_DEL,
		    (uint32_t)it->mta->nqueue - 1, sim_say(s, &y), "%s",
		    it->message_id);
		item_free(s, it);
		return;
	}
	int k = it->attempts - 1 < c->nretry ? it->attempts - 1 : c->nretry - 1;
	uint64_t wait = c->retry_ns[k];
	/* Never wait past the give-up time: try once more then, and give up. */
	if (age + wait > c->give_up_ns)
		wait = c->give_up_ns > age ? c->give_up_ns - age : 0;
	for (int i = 0; i < it->nrcpt; i++) {
		struct qrcpt *r = &it->rcpt[i];
		struct say y;

		if (r->done)
			continue;
		/*
		 * Why it waits, said by the key and not by the English of
		 * last_error: a server's temporary reply (4yz, RFC 5321
		 * 4.2.1: its own words go in {reply}), DNS that could not
		 * say where to go (our own 451, no server), or a server that
		 * could not be reached at all (no reply code).
		 */
		const char *e = r->last_error ? r->last_error : "";
		int code = e[0] >= '1' && e[0] <= '5' && e[1] >= '0' &&
		    e[1] <= '9' && e[2] >= '0' && e[2] <= '9' ?
		    (e[0] - '0') * 100 + (e[1] - '0') * 10 + (e[2] - '0') : 0;

		say_begin(&y, code != 0 && r->last_server >= 0 ?
		    "state.queue_retry" : code != 0 ?
		    "state.queue_retry.dns" : "state.queue_retry.no_answer");
		say_str(&y, "to", r->addr);
		say_num(&y, "seconds", (long long)(wait / SIM_SEC));
		if (code != 0 && r->last_server >= 0) {
			say_num(&y, "code", code);
			say_str(&y, "reply", e);
		} else if (code == 0 && r->last_server >= 0)
			say_node(&y, "next", r->last_server);
		say_str(&y, "domain", smtp_addr_domain(r->addr));
		/* The node panel's queue: which message, when next, and why. */
		say_str(&y, "msgid", it->message_id);
		say_num(&y, "retry_ms", (long long)((sim_time(s) + wait) /
		    1000000));
		if (e[0] != '\0')
			say_str(&y, "last", e);
		sim_state_say(s, it->mta->node, ST_QUEUE_RETRY,
		    (uint32_t)it->mta->nqueue, sim_say(s, &y),
		    "%s %s retry in %llu s: %s", it->message_id, r->addr,
		    (unsigned long long)(wait / SIM_SEC),
		    r->last_error ? r->last_error : "");
	}
	schedule(s, it, sim_time(s) + wait);
}

static void
attempt_free(struct sim *s, struct attempt *a)
{
	struct attempt **pp;

	for (pp = &s->mail->attempts; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	for (int i = 0; i < a->nmx; i++)
		free(a->mx[i]);
	free(a->mx);
	free(a->pref);
	free(a->domain);
	free(a->idx);
	free(a);
}

/* An attempt ended; when it was the item's last, the run is over. */
static void
attempt_end(struct sim *s, struct attempt *a)
{
	struct qitem *it = a->item;

	attempt_free(s, a);
	if (--it->running == 0)
		run_done(s, it);
}

/*
 * The exchange a->cur failed (key: how) and a->cur + 1 is next: RFC 5321
 * 5.1, "the SMTP client SHOULD try at least two addresses", in order of
 * preference.  The record says so before the next DNS question, so the
 * turn to a backup MX is a step of its own.
 */
static void
next_mx_say(struct sim *s, struct attempt *a, const char *key)
{
	struct qitem *it = a->item;
	struct say y;

	say_begin(&y, key);
	say_str(&y, "name", a->mx[a->cur]);
	say_str(&y, "value", a->mx[a->cur + 1]);
	say_num(&y, "count", a->pref[a->cur + 1]);
	say_str(&y, "domain", a->domain);
	say_str(&y, "to", it->rcpt[a->idx[0]].addr);
	sim_state_say(s, it->mta->node, ST_QUEUE_RETRY,
	    (uint32_t)it->mta->nqueue, sim_say(s, &y), "%s %s next MX %s",
	    it->message_id, it->rcpt[a->idx[0]].addr, a->mx[a->cur + 1]);
}

static void
att_rcpt(struct sim *s, void *u, int k, int code, const char *reply,
    int server)
{
	struct attempt *a = u;

	if (code != 0)
		a->answered++;
	/* No reply at all from an MX: the next MX may do better. */
	if (code == 0 && a->target < 0 && a->cur + 1 < a->nmx) {
		set_error(&a->item->rcpt[a->idx[k]], reply, server);
		return;
	}
	/*
	 * A reply from the server we talked to: it refused, we bounce.
	 * A 5xx with no server (-1) is the client's own decision: the
	 * message is bigger than the SIZE the server announced (RFC 1870).
	 */
	rcpt_result(s, a->item, a->idx[k], code, reply, server,
	    code >= 500 && server < 0 ? "state.delivery.too_big" :
	    "state.delivery.refused");
}

static void
att_done(struct sim *s, void *u)
{
	struct attempt *a = u;

	if (a->target < 0 && a->answered == 0 && a->cur + 1 < a->nmx) {
		next_mx_say(s, a, "state.queue_retry.next_mx");
		a->cur++;
		attempt_next_mx(s, a);
		return;
	}
	attempt_end(s, a);
}

static void
start_session(struct sim *s, struct attempt *a, uint32_t ip, uint16_t port)
{
	struct qitem *it = a->item;
	const char **rcpts = xcalloc((size_t)a->n, sizeof *rcpts);

	for (int k = 0; k < a->n; k++)
		rcpts[k] = it->rcpt[a->idx[k]].addr;
	struct smtp_out_req r = {
		.mode = a->mode,
		.node = it->mta->node,
		.ip = ip,
		.port = port,
		.helo = s->sc->nodes[it->mta->node].hostname,
		.sender = it->sender,
		.rcpt = rcpts,
		.nrcpt = a->n,
		.data = it->data.data,
		.len = it->data.len,
		.on_rcpt = att_rcpt,
		.on_done = att_done,
		.u = a,
	};
	a->answered = 0;
	smtp_out_start(s, &r);
	free(rcpts);
}

/* MX: the A record of the current exchange came back. */
static void
mx_a_answer(struct sim *s, void *u, const struct dns_answer *ans)
{
	struct attempt *a = u;

	a->dns = 0;
	if (ans->status == DNS_NXDOMAIN)
		a->nx++;
	if (ans->status == DNS_NXDOMAIN && a->nx == a->nmx) {
		/*
		 * Every exchange DNS named is a name that does not exist:
		 * that is an answer, not a failure, and waiting will not
		 * change it.  RFC 3463 3.5: "X.4.4 Unable to route ... The
		 * mail system was unable to determine the next hop for the
		 * message because the necessary routing information was
		 * unavailable from the directory server"; permanent, so a
		 * bounce at once (as Postfix: "Host or domain name not
		 * found").  No server spoke: the bounce's Diagnostic-Code
		 * is not smtp (bounce()).
		 */
		char *why = xasprintf("550 5.4.4 <%s>: the mail server %s "
		    "named for %s does not exist (DNS: no such name)",
		    a->item->rcpt[a->idx[0]].addr, a->mx[a->cur], a->domain);
		for (int k = 0; k < a->n; k++)
			rcpt_result(s, a->item, a->idx[k], 550, why, -1,
			    "state.delivery.no_mx_host");
		free(why);
		attempt_end(s, a);
		return;
	}
	if (ans->status != DNS_OK || ans->n == 0) {
		/*
		 * RFC 3463 3.5: X.4.4 when DNS answered but gave no route
		 * (no such name, no A record), X.4.3 "Directory server
		 * failure" only when it did not answer at all.  Temporary
		 * while another exchange may still work.
		 */
		char *why = xasprintf("451 %s cannot find the address of %s "
		    "(DNS: %s)", ans->status == DNS_NXDOMAIN ||
		    ans->status == DNS_NODATA ? "4.4.4" : "4.4.3",
		    a->mx[a->cur], ans->status == DNS_NXDOMAIN ?
		    "no such name" : ans->status == DNS_NODATA ?
		    "no A record" : "no answer");
		for (int k = 0; k < a->n; k++)
			set_error(&a->item->rcpt[a->idx[k]], why, -1);
		free(why);
		if (a->cur + 1 < a->nmx)
			next_mx_say(s, a, "state.queue_retry.next_mx_no_address");
		if (++a->cur < a->nmx)
			attempt_next_mx(s, a);
		else
			attempt_end(s, a);
		return;
	}
	start_session(s, a, ans->rr[0].rd.a, 25);
}

static void
attempt_next_mx(struct sim *s, struct attempt *a)
{
	a->dns = dns_query(s, a->item->mta->node, a->mx[a->cur], DNS_T_A,
	    mx_a_answer, a);
}

static int
cmp_mx(const void *x, const void *y)
{
	const struct dns_rr *a = x, *b = y;

	if (a->rd.mx.preference != b->rd.mx.preference)
		return a->rd.mx.preference < b->rd.mx.preference ? -1 : 1;
	/* A fixed start for the shuffle below, whatever DNS's order. */
	return strcmp(a->rd.mx.exchange, b->rd.mx.exchange);
}

/*
 * RFC 5321 5.1: "If there are multiple destinations with the same
 * preference and there is no clear reason to favor one (e.g., by
 * recognition of an easily reached address), then the sender-SMTP MUST
 * randomize them to spread the load across multiple mail exchangers
 * for a specific organization."  A Fisher-Yates shuffle of each run of
 * equal preference, drawn from the server's own seeded stream, so that
 * a scenario runs the same every time.
 */
static void
shuffle_equal_mx(struct mta *m, struct dns_rr *rr, int n)
{
	for (int lo = 0; lo < n; ) {
		int hi = lo + 1;

		while (hi < n && rr[hi].rd.mx.preference ==
		    rr[lo].rd.mx.preference)
			hi++;
		for (int i = hi - 1; i > lo; i--) {
			int j = lo + (int)rng_upto(&m->mx_rng,
			    (uint64_t)(i - lo));
			struct dns_rr t = rr[i];

			rr[i] = rr[j];
			rr[j] = t;
		}
		lo = hi;
	}
}

/* MX: the domain's MX records came back (RFC 5321 5.1). */
static void
mx_answer(struct sim *s, void *u, const struct dns_answer *ans)
{
	struct attempt *a = u;
	struct qitem *it = a->item;

	a->dns = 0;
	if (ans->status == DNS_NXDOMAIN) {
		char *why = xasprintf("550 5.1.2 <%s>: the domain %s does not "
		    "exist (DNS: no such domain)", it->rcpt[a->idx[0]].addr,
		    a->domain);
		for (int k = 0; k < a->n; k++)
			rcpt_result(s, it, a->idx[k], 550, why, -1,
			    "state.delivery.no_domain");
		free(why);
		attempt_end(s, a);
		return;
	}
	if (ans->status == DNS_FAIL) {
		for (int k = 0; k < a->n; k++)
			set_error(&it->rcpt[a->idx[k]], "451 4.4.3 DNS lookup "
			    "failed (no answer from the name server)", -1);
		attempt_end(s, a);
		return;
	}
	if (ans->status == DNS_NODATA || ans->n == 0) {
		/* No MX: the domain is its own mail exchanger (implicit MX). */
		a->mx = xcalloc(1, sizeof *a->mx);
		a->pref = xcalloc(1, sizeof *a->pref);
		a->mx[0] = xstrdup(a->domain);
		a->nmx = 1;
	} else {
		struct dns_rr *rr = xcalloc((size_t)ans->n, sizeof *rr);
		int n = 0;
		for (int i = 0; i < ans->n; i++)
			if (ans->rr[i].type == DNS_T_MX)
				rr[n++] = ans->rr[i];
		qsort(rr, (size_t)n, sizeof *rr, cmp_mx);
		shuffle_equal_mx(it->mta, rr, n);
		a->mx = xcalloc((size_t)n + 1, sizeof *a->mx);
		a->pref = xcalloc((size_t)n + 1, sizeof *a->pref);
		for (int i = 0; i < n; i++) {
			a->mx[i] = xstrdup(rr[i].rd.mx.exchange);
			a->pref[i] = rr[i].rd.mx.preference;
		}
		a->nmx = n;
		free(rr);
	}
	a->cur = 0;
	attempt_next_mx(s, a);
}

static struct attempt *
attempt_new(struct sim *s, struct qitem *it, enum smtp_out_mode mode,
    int target)
{
	struct attempt *a = xcalloc(1, sizeof *a);

	a->next = s->mail->attempts;
	s->mail->attempts = a;
	a->item = it;
	a->mode = mode;
	a->target = target;
	a->idx = xcalloc((size_t)it->nrcpt, sizeof *a->idx);
	it->running++;
	return a;
}

static void
deliver_local(struct sim *s, struct qitem *it, int i)
{
	struct qrcpt *r = &it->rcpt[i];
	int node = it->mta->node;
	struct mailbox *mb = mailstore_by_address(s, node, r->addr);

	if (mb == NULL) {
		char *why = xasprintf("550 5.1.1 <%s>: no such mailbox here",
		    r->addr);
		rcpt_result(s, it, i, 550, why, node,
		    "state.delivery.bounced");
		free(why);
		return;
	}
	struct buf copy = { 0 };
	final_copy(it->sender, it->data.data, it->data.len, &copy);
	mailstore_deliver_from(s, mb, copy.data, copy.len, it->message_id,
	    it->sender);
	buf_free(&copy);
	char *ok = xasprintf("250 2.0.0 <%s> delivered to mailbox", r->addr);
	rcpt_result(s, it, i, 250, ok, node, NULL);
	delivery_set(s, it->message_id, r->addr, DLV_DELIVERED, node, ok,
	    NULL);
	free(ok);
}

/* Try every recipient still waiting: one session per destination. */
static void
queue_run(struct sim *s, struct qitem *it)
{
	int node = it->mta->node;
	const struct sc_smtp *c = smtp_cfg(s, node);

	if (!s->nodes[node].up || it->running > 0)
		return;		/* run again when the machine is back */
	it->running = 1;	/* hold the run open while attempts start */
	int mbnode = mta_mailbox_node(s, node);
	struct attempt *lmtp = NULL, *relay = NULL;
	struct attempt **mx = xcalloc((size_t)it->nrcpt, sizeof *mx);
	int nmx = 0;

	for (int i = 0; i < it->nrcpt; i++) {
		struct qrcpt *r = &it->rcpt[i];

		if (r->done)
			continue;
		r->in_flight = 1;
		int next;
		enum mta_route rt = mta_route(s, node, r->addr, &next);
		if (rt == ROUTE_LOCAL) {
			deliver_local(s, it, i);
			continue;
		}
		if (rt == ROUTE_LMTP) {
			if (lmtp == NULL)
				lmtp = attempt_new(s, it, OUT_LMTP, mbnode);
			lmtp->idx[lmtp->n++] = i;
		} else if (rt == ROUTE_RELAY) {
			if (relay == NULL)
				relay = attempt_new(s, it, OUT_SMTP, c->relay_via);
			relay->idx[relay->n++] = i;
		} else {
			const char *d = smtp_addr_domain(r->addr);
			int k;
			for (k = 0; k < nmx; k++)
				if (smtp_same(mx[k]->domain, d))
					break;
			if (k == nmx) {
				mx[nmx] = attempt_new(s, it, OUT_SMTP, -1);
				mx[nmx++]->domain = xstrdup(d);
			}
			mx[k]->idx[mx[k]->n++] = i;
		}
	}
	if (lmtp)
		start_session(s, lmtp, s->sc->nodes[mbnode].ip,
		    (uint16_t)s->sc->nodes[mbnode].lmtp.port);
	if (relay)
		start_session(s, relay, s->sc->nodes[c->relay_via].ip,
		    (uint16_t)s->sc->nodes[c->relay_via].smtp.port);
	for (int k = 0; k < nmx; k++)
		mx[k]->dns = dns_query(s, node, mx[k]->domain, DNS_T_MX,
		    mx_answer, mx[k]);
	free(mx);
	if (--it->running == 0)
		run_done(s, it);
}

void
mta_power(struct sim *s, int node, int up)
{
	struct mta *m = mta_of(s, node);

	if (m == NULL || !up)
		return;
	/* Back on: look at the whole queue at once, as a restarted MTA does. */
	for (struct qitem *it = m->queue; it; it = it->next)
		if (it->running == 0)
			schedule(s, it, sim_time(s));
}

void
mta_free_all(struct sim *s)
{
	while (s->mail->attempts)
		attempt_free(s, s->mail->attempts);
	for (int i = 0; i < s->nnodes; i++) {
		struct mta *m = s->mail->mta[i];

		if (m == NULL)
			continue;
		while (m->queue)
			item_free(s, m->queue);
		free(m);
	}
}
