/*
 * session.c: the skeleton of every mail protocol session (session.h).
 *
 * What it does is the same for SMTP/LMTP, POP3 and IMAP, server and
 * client: take a connection, cut the byte stream into lines of bounded
 * length, send and trace, change state in one place, watch for a peer
 * that falls silent, and end cleanly however TCP ends.  The protocols
 * keep only what is theirs: their commands, replies and states.
 *
 * A callback may end the session it was called for (a line that makes
 * the server close, a timer that resets the connection).  So while a
 * callback runs (depth > 0) msess_free() only marks the session, and
 * the skeleton frees it when the outermost callback has returned; after
 * each callback it checks whether the session is still there.
 */
#include "session.h"
#include "dns.h"
#include "mail.h"
#include "world.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The listening port's context: kept for the sim's life (mail_keep). */
struct msess_listener {
	struct sim		*s;
	int			 node;
	const struct msess_ops	*ops;
	size_t			 size;
	struct msess		**list;
	msess_accept_fn		 accepted;
	void			*arg;
};

static void	msess_tcp_data(struct tcp_conn *, void *, const uint8_t *,
		    size_t);

/* ---- callbacks in progress ---------------------------------------- */

static void
msess_enter(struct msess *m)
{
	m->depth++;
}

/* Returns whether m is still there after the callback that just ran. */
static int
msess_leave(struct msess *m)
{
	if (--m->depth > 0)
		return !m->freed;
	if (m->freed) {
		free(m);
		return 0;
	}
	return 1;
}

static void
msess_link(struct msess *m, struct msess **list)
{
	m->list = list;
	m->next = *list;
	m->prevp = list;
	if (*list != NULL)
		(*list)->prevp = &m->next;
	*list = m;
}

static void
msess_unlink(struct msess *m)
{
	/* Doubly linked: a busy server's list is not walked (issue 16). */
	if (m->list != NULL) {
		*m->prevp = m->next;
		if (m->next != NULL)
			m->next->prevp = m->prevp;
	}
	m->list = NULL;
	m->prevp = NULL;
}

/* ---- the silence timer ------------------------------------------- */

static void
msess_timer_fire(void *ctx, void *obj, uint64_t a, uint64_t b)
{
	struct msess *m = obj;

	(void)ctx;
	(void)a;
	(void)b;
	m->timer = 0;
	if (m->ops->client && m->c != NULL && tcp_conn_unsent(m->c) > 0) {
		/*
		 * Our own command is still on its way (a slow or lossy
		 * line): TCP watches that with its own timer, and the wait
		 * for the reply starts again.
		 */
		msess_timer_restart(m);
		return;
	}
	msess_enter(m);
	if (m->ops->timeout != NULL)
		m->ops->timeout(m);
	else
		msess_close(m);
	msess_leave(m);
}

void
msess_timer_restart(struct msess *m)
{
	if (m->idle_ns == 0 || m->freed)
		return;
	evq_cancel(m->s->q, m->timer);
	m->timer = evq_at(m->s->q, sim_time(m->s) + m->idle_ns,
	    msess_timer_fire, NULL, m, 0, 0);
}

void
msess_timer_stop(struct msess *m)
{
	evq_cancel(m->s->q, m->timer);
	m->timer = 0;
}

/* ---- state, sending, lines ---------------------------------------- */

void
msess_enter_state(struct msess *m, int st)
{
	msess_enter_state_say(m, st, 0);
}

void
msess_enter_state_say(struct msess *m, int st, uint32_t say)
{
	const struct msess_ops *o = m->ops;
	int old = m->state;

	if (st < 0 || st >= o->nstates)
		fatalx("%s: no state %d", o->name, st);
	m->state = st;
	if (old == st)
		return;
	/* STYLE.md: the one function that changes state traces "old -> new". */
	sim_state_say(m->s, m->node, ST_SESSION, 0, say != 0 ? say :
	    trace_say_key(m->s->tr, o->state_keys[st]), "%s %s -> %s",
	    app_proto_name(o->proto), o->state_names[old], o->state_names[st]);
	if (st == o->done)
		msess_timer_stop(m);
}

void
msess_send(struct msess *m, const void *wire, size_t n, const char *shown,
    size_t shown_len, uint32_t say)
{
	if (m->c == NULL)
		return;
	/*
	 * A server that sends the responses to one command at once (IMAP,
	 * as a real server's buffered output does) traces each with n == 0
	 * and sends them with shown == NULL.
	 */
	if (n > 0)
		tcp_send(m->c, wire, n);
	if (shown != NULL)
		sim_app_say(m->s, m->node, m->peer, m->ops->proto, shown,
		    shown_len, say);
	/* A client now waits for the reply (RFC 5321 4.5.3.2). */
	if (m->ops->client && m->state != m->ops->done)
		msess_timer_restart(m);
}

void
msess_command(struct msess *m, struct say *y, const char *shown,
    const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;
	char *text;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	text = xasprintf("C: %s", shown ? shown : (char *)b.data);
	buf_puts(&b, "\r\n");
	msess_send(m, b.data, b.len, text, strlen(text), sim_say(m->s, y));
	free(text);
	buf_free(&b);
}

void
msess_lines(struct msess *m, const uint8_t *p, size_t n)
{
	const char *line;
	size_t len;
	enum line_status st;

	linebuf_feed(&m->lb, p, n);
	while (!m->freed && m->state != m->ops->done &&
	    (st = linebuf_next(&m->lb, &line, &len)) != LINE_NONE)
		m->ops->line(m, st, line, len);
}

const char *
msess_hostname(const struct msess *m)
{
	int server = m->ops->client ? m->peer : m->node;
	const struct sc_node *n;

	if (server < 0)
		return "?";
	n = &m->s->sc->nodes[server];
	return n->hostname ? n->hostname : n->id;
}

/* ---- the end ------------------------------------------------------- */

void
msess_close(struct msess *m)
{
	msess_timer_stop(m);
	if (m->c != NULL)
		tcp_close(m->c);
	else
		msess_free(m);
}

void
msess_abort(struct msess *m)
{
	if (m->c != NULL) {
		tcp_abort(m->c);	/* RST: TCP forgets it at once, no callback */
		m->c = NULL;
	}
	msess_free(m);
}

void
msess_free(struct msess *m)
{
	if (m->freed)
		return;
	msess_unlink(m);
	evq_cancel(m->s->q, m->timer);
	m->timer = 0;
	if (m->dns != 0)
		dns_cancel(m->s, m->dns);
	m->dns = 0;
	if (m->c != NULL)
		/* TCP may outlive us by a moment: it must not call back. */
		tcp_set_ops(m->c, NULL, NULL);
	m->c = NULL;
	if (m->ops->release != NULL)
		m->ops->release(m);
	linebuf_free(&m->lb);
	m->freed = 1;
	if (m->depth == 0)
		free(m);
}

void
msess_free_all(struct msess **list)
{
	while (*list != NULL)
		msess_free(*list);
}

/* ---- TCP's callbacks ------------------------------------------------ */

static void
msess_tcp_connected(struct tcp_conn *c, void *u)
{
	struct msess *m = u;

	(void)c;
	msess_enter(m);
	msess_timer_restart(m);	/* the greeting is a reply too */
	if (m->ops->connected != NULL)
		m->ops->connected(m);
	msess_leave(m);
}

static void
msess_tcp_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct msess *m = u;

	(void)c;
	msess_enter(m);
	/* The peer is alive: the wait starts again. */
	if (m->state != m->ops->done)
		msess_timer_restart(m);
	if (m->ops->data != NULL)
		m->ops->data(m, p, n);
	else
		msess_lines(m, p, n);
	msess_leave(m);
}

static void
msess_tcp_peer_closed(struct tcp_conn *c, void *u)
{
	struct msess *m = u;

	msess_enter(m);
	if (m->ops->peer_closed != NULL)
		m->ops->peer_closed(m);
	/* Whatever the protocol made of it, our side closes too. */
	if (!m->freed) {
		msess_timer_stop(m);
		if (m->state != m->ops->done)
			msess_enter_state(m, m->ops->done);
		if (m->c != NULL)
			tcp_close(c);
	}
	msess_leave(m);
}

static void
msess_tcp_closed(struct tcp_conn *c, void *u)
{
	struct msess *m = u;

	(void)c;
	m->c = NULL;		/* the connection is gone after this call */
	msess_free(m);
}

static void
msess_tcp_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct msess *m = u;

	(void)c;
	m->c = NULL;
	msess_enter(m);
	if (m->ops->failed != NULL)
		m->ops->failed(m, e);
	if (msess_leave(m))
		msess_free(m);
}

static const struct tcp_ops msess_tcp_ops = {
	.connected = msess_tcp_connected,
	.data = msess_tcp_data,
	.peer_closed = msess_tcp_peer_closed,
	.closed = msess_tcp_closed,
	.error = msess_tcp_error,
};

/* ---- servers ---------------------------------------------------------- */

static struct msess *
msess_new(struct sim *s, int node, const struct msess_ops *ops, size_t size,
    struct msess **list)
{
	struct msess *m;

	if (size < sizeof *m)
		fatalx("%s: session smaller than its skeleton", ops->name);
	m = xcalloc(1, size);
	m->s = s;
	m->ops = ops;
	m->node = node;
	m->peer = -1;
	m->idle_ns = ops->idle_ns;
	linebuf_init(&m->lb, ops->line_max);
	msess_link(m, list);
	return m;
}

static void
msess_accept(struct tcp_conn *c, void *u)
{
	const struct msess_listener *l = u;
	struct msess *m = msess_new(l->s, l->node, l->ops, l->size, l->list);

	m->c = c;
	m->peer_ip = tcp_conn_peer_ip(c);
	m->peer = net_node_by_ip(l->s, m->peer_ip);
	tcp_set_ops(c, &msess_tcp_ops, m);
	msess_enter(m);
	l->accepted(m, l->arg);
	if (!m->freed)
		msess_timer_restart(m);
	msess_leave(m);
}

void
msess_listen(struct sim *s, int node, uint16_t port,
    const struct msess_ops *ops, size_t size, struct msess **list,
    msess_accept_fn accepted, void *arg)
{
	struct msess_listener *l = xcalloc(1, sizeof *l);

	*l = (struct msess_listener){ s, node, ops, size, list, accepted, arg };
	if (tcp_listen(s, node, port, msess_accept, l) != 0)
		fatalx("%s: port %u taken twice on node %d", ops->name,
		    (unsigned)port, node);
	mail_keep(s, l);
}

/* ---- clients ----------------------------------------------------------- */

struct msess *
msess_client(struct sim *s, int node, const struct msess_ops *ops,
    size_t size, struct msess **list)
{
	return msess_new(s, node, ops, size, list);
}

int
msess_connect_ip(struct msess *m, uint32_t ip, uint16_t port)
{
	m->port = port;
	m->peer_ip = ip;
	m->peer = net_node_by_ip(m->s, ip);
	m->c = tcp_connect(m->s, m->node, ip, m->port, &msess_tcp_ops, m);
	if (m->c == NULL) {
		/* Our own machine is off. */
		if (m->ops->failed != NULL) {
			msess_enter(m);
			m->ops->failed(m, TCP_ERR_HOST_DOWN);
			if (!msess_leave(m))
				return -1;
		}
		msess_free(m);
		return -1;
	}
	return 0;
}

static void
msess_resolved(struct sim *s, void *u, const struct dns_answer *a)
{
	struct msess *m = u;

	(void)s;
	m->dns = 0;
	/* No address, no connection: the DNS exchange in the trace tells why. */
	if (a->status != DNS_OK || a->n == 0) {
		msess_free(m);
		return;
	}
	msess_connect_ip(m, a->rr[0].rd.a, m->port);
}

void
msess_connect_name(struct msess *m, int server, uint16_t port)
{
	struct sim *s = m->s;

	m->port = port;
	m->peer = server;
	/* Like a real program, find the server by its name where the device has a resolver. */
	if (s->sc->nodes[m->node].resolver >= 0 &&
	    s->sc->nodes[server].hostname != NULL) {
		m->dns = dns_query(s, m->node, s->sc->nodes[server].hostname,
		    DNS_T_A, msess_resolved, m);
		return;
	}
	msess_connect_ip(m, s->sc->nodes[server].ip, port);
}
