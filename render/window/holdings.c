/*
 * holdings.c: what a node holds at a step, from the trace (holdings.h).
 *
 * The engines say everything needed in their records' narration
 * arguments (sim/mail/mailstore.c: who wrote a message, its size, its
 * UID and where its bytes are; ST_FLAGS: its flags; mta.c: the next
 * try and the last reply; dns_resolver.c: name, type, value and TTL),
 * so nothing here reads a protocol's state or parses a transcript.  The
 * stored bytes are read with the project's own codec (msg_parse()).
 */
#include "holdings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wmem.h"

static void	*hold_grow(void *, int *, int, size_t);
static char	*hold_arg(const struct trace_say *, const char *);
static long long hold_num(const struct trace_say *, const char *, long long);
static int	 hold_node_arg(const struct trace_say *, const char *);
static int	 hold_relevant(const struct trace_rec *);
static void	 hold_clear(struct holdings *);
static int	 hold_account(const struct holdings *, int, const char *,
		    size_t);
static struct hold_msg *hold_find(struct holdings *, int, const char *);
static void	 hold_apply(struct holdings *, size_t);

static void *
hold_grow(void *p, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return p;
	int c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	p = wmem_sure(realloc(p, (size_t)c * size));
	*cap = c;
	return p;
}

/* A string argument as a heap string; "" where the record has none. */
static char *
hold_arg(const struct trace_say *y, const char *name)
{
	for (int i = 0; y != NULL && i < y->nargs; i++) {
		const struct trace_say_arg *a = &y->arg[i];

		if (a->node < 0 && a->name_len == strlen(name) &&
		    memcmp(a->name, name, a->name_len) == 0) {
			char *s = wmem_alloc(a->value_len + 1, 1);
			memcpy(s, a->value, a->value_len);
			return s;
		}
	}
	return wmem_alloc(1, 1);
}

static long long
hold_num(const struct trace_say *y, const char *name, long long dflt)
{
	char *s = hold_arg(y, name);
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0')
		v = dflt;
	free(s);
	return v;
}

static int
hold_node_arg(const struct trace_say *y, const char *name)
{
	for (int i = 0; y != NULL && i < y->nargs; i++)
		if (y->arg[i].node >= 0 && y->arg[i].name_len == strlen(name) &&
		    memcmp(y->arg[i].name, name, y->arg[i].name_len) == 0)
			return y->arg[i].node;
	return -1;
}

/* The records that change what some node holds. */
static int
hold_relevant(const struct trace_rec *r)
{
	if (r->kind != TR_STATE)
		return 0;
	switch (r->a) {
	case ST_MAILBOX_ADD:
	case ST_MAILBOX_DEL:
	case ST_QUEUE_ADD:
	case ST_QUEUE_DEL:
	case ST_QUEUE_RETRY:
	case ST_DNS_CACHE_ADD:
	case ST_DNS_CACHE_EXPIRE:
	case ST_CLIENT_STORE:
	case ST_FLAGS:
		return 1;
	}
	return 0;
}

static void
hold_push(struct holdings *h, int node, size_t *cap, size_t i)
{
	if (h->nrecs[node] == cap[node]) {
		cap[node] = cap[node] ? cap[node] * 2 : 16;
		h->recs[node] = wmem_sure(realloc(h->recs[node], cap[node] *
		    sizeof *h->recs[node]));
	}
	h->recs[node][h->nrecs[node]++] = (uint32_t)i;
}

/*
 * One pass: each record goes to the node it happens at, and a download
 * (ST_CLIENT_STORE) to its server as well (the mailbox says who took
 * the message).  A download's bytes are its server's copy: the last
 * ST_MAILBOX_ADD there with the same Message-ID, so they are in the
 * trace once.
 */
struct holdings *
holdings_new(const struct scenario *sc, const struct trace *tr)
{
	struct holdings *h = wmem_alloc(1, sizeof *h);
	size_t n = trace_count(tr);
	size_t *cap = wmem_alloc((size_t)sc->nnodes, sizeof *cap);

	h->sc = sc;
	h->tr = tr;
	h->node = -1;
	h->recs = wmem_alloc((size_t)sc->nnodes, sizeof *h->recs);
	h->nrecs = wmem_alloc((size_t)sc->nnodes, sizeof *h->nrecs);
	h->dev_body = wmem_alloc(n, sizeof *h->dev_body);
	for (size_t i = 0; i < n; i++) {
		const struct trace_rec r = trace_at(tr, i);
		struct trace_say y;

		if (!hold_relevant(&r) || r.node < 0 || r.node >= sc->nnodes)
			continue;
		hold_push(h, r.node, cap, i);
		if (r.a != ST_CLIENT_STORE || !trace_say_read(tr, r.say, &y))
			continue;
		int server = hold_node_arg(&y, "server");
		if (server < 0 || server >= sc->nnodes || server == r.node)
			continue;
		hold_push(h, server, cap, i);
		char *mid = hold_arg(&y, "msgid");
		for (size_t k = h->nrecs[server]; k-- > 0 && *mid;) {
			const struct trace_rec mr = trace_at(tr,
			    h->recs[server][k]);
			struct trace_say my;
			if (mr.a != ST_MAILBOX_ADD ||
			    !trace_say_read(tr, mr.say, &my))
				continue;
			char *m2 = hold_arg(&my, "msgid");
			int same = strcmp(m2, mid) == 0;
			free(m2);
			if (same) {
				h->dev_body[i] = (uint32_t)hold_num(&my, "body", 0);
				break;
			}
		}
		free(mid);
	}
	free(cap);
	return h;
}

static void
hold_msg_free(struct hold_msg *m)
{
	free(m->msgid);
	free(m->from);
	free(m->subject);
	free(m->sender);
	free(m->removed_how);
	free(m->proto);
	for (int k = 0; k < m->nby; k++)
		free(m->by_proto[k]);
}

static void
hold_clear(struct holdings *h)
{
	for (int i = 0; i < h->nmsg; i++)
		hold_msg_free(&h->msg[i]);
	for (int i = 0; i < h->nq; i++) {
		free(h->q[i].msgid);
		free(h->q[i].rcpt);
		free(h->q[i].subject);
		free(h->q[i].last);
	}
	for (int i = 0; i < h->nc; i++) {
		free(h->c[i].name);
		free(h->c[i].type);
		free(h->c[i].value);
	}
	h->nmsg = h->nq = h->nc = 0;
}

void
holdings_free(struct holdings *h)
{
	if (h == NULL)
		return;
	hold_clear(h);
	for (int i = 0; i < h->sc->nnodes; i++)
		free(h->recs[i]);
	free(h->recs);
	free(h->nrecs);
	free(h->dev_body);
	free(h->msg);
	free(h->q);
	free(h->c);
	free(h);
}

/* The scenario's account at node with this address (or user name); -1 if none. */
static int
hold_account(const struct holdings *h, int node, const char *s, size_t n)
{
	for (int i = 0; i < h->sc->naccounts; i++) {
		const struct sc_account *a = &h->sc->accounts[i];

		if (a->server != node)
			continue;
		if ((strlen(a->address) == n && strncasecmp(a->address, s,
		    n) == 0) || (a->user != NULL && strlen(a->user) == n &&
		    strncmp(a->user, s, n) == 0))
			return i;
	}
	return -1;
}

/* The message of account a (-1: any) with that Message-ID still there. */
static struct hold_msg *
hold_find(struct holdings *h, int a, const char *msgid)
{
	for (int i = h->nmsg - 1; i >= 0; i--) {
		struct hold_msg *m = &h->msg[i];

		if (!m->removed && (a < 0 || m->account == a) &&
		    strcmp(m->msgid, msgid) == 0)
			return m;
	}
	return NULL;
}

/* Apply record i (one of the node's) to what holdings_build() holds. */
static void
hold_apply(struct holdings *h, size_t i)
{
	const struct trace_rec r = trace_at(h->tr, i);
	const char *text = trace_text_at(h->tr, r.text);
	struct trace_say y;
	int have = trace_say_read(h->tr, r.say, &y);
	const struct trace_say *py = have ? &y : NULL;
	size_t w = strcspn(text, " ");
	struct hold_msg *m;

	switch (r.a) {
	case ST_MAILBOX_ADD: {
		h->msg = hold_grow(h->msg, &h->capmsg, h->nmsg + 1,
		    sizeof *h->msg);
		m = &h->msg[h->nmsg++];
		memset(m, 0, sizeof *m);
		m->rec = i;
		m->account = hold_account(h, h->node, text, w);
		m->msgid = hold_arg(py, "msgid");
		m->from = hold_arg(py, "from");
		m->subject = hold_arg(py, "subject");
		m->sender = hold_arg(py, "sender");
		m->removed_how = wmem_alloc(1, 1);
		m->proto = wmem_alloc(1, 1);
		m->size = hold_num(py, "size", -1);
		m->body = (uint32_t)hold_num(py, "body", 0);
		m->server = h->node;
		break;
	}
	case ST_MAILBOX_DEL: {
		char *mid = hold_arg(py, "msgid");
		m = hold_find(h, hold_account(h, h->node, text, w), mid);
		if (m != NULL) {
			m->removed = 1;
			free(m->removed_how);
			m->removed_how = strdup(have &&
			    strncmp(y.key, "state.mailbox_del_pop3",
			    y.key_len) == 0 ? "POP3" : have &&
			    strncmp(y.key, "state.mailbox_del_imap",
			    y.key_len) == 0 ? "IMAP" : "");
		}
		free(mid);
		break;
	}
	case ST_FLAGS: {
		char *mid = hold_arg(py, "msgid");
		m = hold_find(h, hold_account(h, h->node, text, w), mid);
		if (m != NULL)
			m->flags = (int)r.b;
		free(mid);
		break;
	}
	case ST_CLIENT_STORE: {
		char *mid = hold_arg(py, "msgid");
		if (r.node != h->node) {
			/* A device downloaded one of ours. */
			char *user = hold_arg(py, "user");
			int a = hold_account(h, h->node, user, strlen(user));
			m = hold_find(h, a, mid);
			if (m == NULL)
				m = hold_find(h, -1, mid);
			if (m != NULL && m->nby < HOLD_MAX_BY) {
				m->by[m->nby] = r.node;
				m->by_proto[m->nby++] = hold_arg(py, "proto");
			}
			free(user);
			free(mid);
			break;
		}
		h->msg = hold_grow(h->msg, &h->capmsg, h->nmsg + 1,
		    sizeof *h->msg);
		m = &h->msg[h->nmsg++];
		memset(m, 0, sizeof *m);
		m->rec = i;
		m->account = -1;
		m->msgid = mid;
		m->from = hold_arg(py, "from");
		m->subject = hold_arg(py, "subject");
		m->sender = wmem_alloc(1, 1);
		m->removed_how = wmem_alloc(1, 1);
		m->proto = hold_arg(py, "proto");
		m->size = hold_num(py, "size", -1);
		m->server = hold_node_arg(py, "server");
		m->body = h->dev_body[i];
		break;
	}
	case ST_QUEUE_ADD: {
		struct hold_queued *q;
		h->q = hold_grow(h->q, &h->capq, h->nq + 1, sizeof *h->q);
		q = &h->q[h->nq++];
		q->msgid = hold_arg(py, "msgid");
		q->rcpt = hold_arg(py, "to");
		q->subject = hold_arg(py, "subject");
		q->last = wmem_alloc(1, 1);
		q->next_ns = r.t;	/* tried at once (mta.c schedules it now) */
		break;
	}
	case ST_QUEUE_DEL: {
		char *mid = hold_arg(py, "msgid");
		for (int k = 0; k < h->nq; k++) {
			if (strcmp(h->q[k].msgid, mid) != 0)
				continue;
			free(h->q[k].msgid);
			free(h->q[k].rcpt);
			free(h->q[k].subject);
			free(h->q[k].last);
			memmove(&h->q[k], &h->q[k + 1], (size_t)(h->nq - k - 1) *
			    sizeof *h->q);
			h->nq--;
			k--;
		}
		free(mid);
		break;
	}
	case ST_QUEUE_RETRY: {
		char *mid = hold_arg(py, "msgid");
		char *to = hold_arg(py, "to");
		long long at = hold_num(py, "retry_ms", -1);
		for (int k = 0; k < h->nq && at >= 0; k++) {
			if (strcmp(h->q[k].msgid, mid) != 0 ||
			    strcasecmp(h->q[k].rcpt, to) != 0)
				continue;
			h->q[k].next_ns = (uint64_t)at * 1000000;
			free(h->q[k].last);
			h->q[k].last = hold_arg(py, "last");
		}
		free(mid);
		free(to);
		break;
	}
	case ST_DNS_CACHE_ADD: {
		struct hold_cached *c;
		h->c = hold_grow(h->c, &h->capc, h->nc + 1, sizeof *h->c);
		c = &h->c[h->nc++];
		c->name = hold_arg(py, "name");
		c->type = hold_arg(py, "type");
		c->value = hold_arg(py, "value");
		c->ttl = (uint32_t)hold_num(py, "seconds", 0);
		c->added_ns = r.t;
		break;
	}
	case ST_DNS_CACHE_EXPIRE: {
		char *name = hold_arg(py, "name"), *type = hold_arg(py, "type");
		char *value = hold_arg(py, "value");
		for (int k = 0; k < h->nc; k++) {
			struct hold_cached *c = &h->c[k];
			if (strcmp(c->name, name) != 0 ||
			    strcmp(c->type, type) != 0 ||
			    strcmp(c->value, value) != 0)
				continue;
			free(c->name);
			free(c->type);
			free(c->value);
			memmove(c, c + 1, (size_t)(h->nc - k - 1) * sizeof *c);
			h->nc--;
			break;
		}
		free(name);
		free(type);
		free(value);
		break;
	}
	}
}

void
holdings_build(struct holdings *h, int node, size_t step)
{
	size_t n = trace_count(h->tr);

	if (step > n)
		step = n;
	if (h->node == node && h->step == step)
		return;
	hold_clear(h);
	h->node = node;
	h->step = step;
	h->t = step == 0 ? 0 : trace_at(h->tr, step - 1).t;
	if (node < 0 || node >= h->sc->nnodes)
		return;
	/* The node's records are ascending: stop at the step. */
	for (size_t k = 0; k < h->nrecs[node] && h->recs[node][k] < step; k++)
		hold_apply(h, h->recs[node][k]);
}

int
holdings_account_count(const struct holdings *h, int a)
{
	int n = 0;

	for (int i = 0; i < h->nmsg; i++)
		n += h->msg[i].account == a && !h->msg[i].removed;
	return n;
}

long
holdings_ttl_left(const struct holdings *h, const struct hold_cached *c)
{
	uint64_t age = h->t > c->added_ns ? (h->t - c->added_ns) / 1000000000u :
	    0;
	long left = (long)c->ttl - (long)age;

	return left < 0 ? 0 : left;
}

int
holdings_open(const struct holdings *h, const struct hold_msg *m,
    struct msg_info *info)
{
	memset(info, 0, sizeof *info);
	if (m == NULL || m->body == 0)
		return -1;
	const char *p = trace_text_at(h->tr, m->body);
	return msg_parse((const uint8_t *)p, strlen(p), info);
}

const char *
holdings_flags_text(int flags, char *buf, size_t n)
{
	static const struct {
		int f;
		const char *name;
	} k[] = {
		{ HOLD_SEEN, "\\Seen" }, { HOLD_ANSWERED, "\\Answered" },
		{ HOLD_FLAGGED, "\\Flagged" }, { HOLD_DELETED, "\\Deleted" },
		{ HOLD_DRAFT, "\\Draft" },
	};
	size_t l = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		if ((flags & k[i].f) && l < n)
			l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? " " : "",
			    k[i].name);
	return buf;
}

int
holdings_find_node(const struct scenario *sc, const char *name)
{
	for (int i = 0; i < sc->nnodes; i++)
		if (strcasecmp(sc->nodes[i].id, name) == 0 ||
		    (sc->nodes[i].hostname != NULL &&
		    strcasecmp(sc->nodes[i].hostname, name) == 0))
			return i;
	return -1;
}
