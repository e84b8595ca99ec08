/*
 * scenario_warn.c: `surel check`'s warnings.  A scenario can be valid
 * (scenario_load() found no error) and still be unable to do what it
 * seems to want: a relay that has no way to find the other domain's
 * server, an MX that names a host with no address, a password that is
 * not the account's.  The simulation would run and fail, often days of
 * simulated time later, and a teacher would have to work out why.
 *
 * Everything here is read from the loaded scenario alone, nothing is
 * simulated.  Each sentence says what will happen instead.  The rules
 * are those of the mail layer, copied and not called (a lower layer
 * cannot call a higher one): sim/mail/mta.c routes a recipient
 * (mta_route: our domain, else relay_via, else the MX), and
 * sim/mail/smtp_server.c decides who may log in (auth_ok) and who may
 * relay (check_rcpt).  DNS is taken as the union of every DNS server's
 * records, as a recursive lookup from the root would find them.
 *
 * An action may expect one kind of warning ("expect": "wrong-password"):
 * a lesson that fails on purpose says so, and its warnings of that kind
 * are left out.  An "expect" that silences nothing is a warning itself,
 * so that a note cannot outlive the mistake it explained.
 */
#include "scenario.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sc_warn_kinds[] = {
	"no-resolver", "no-address", "no-domain", "unknown-user",
	"account-domain", "wrong-password", "unknown-login", "no-login",
	"relay-denied", "no-service", "unreachable", "node-off", NULL
};

#define W_MAX_CNAME	8	/* a chain longer than this is a loop */
/*
 * How long a connection knocks before it gives up (smtp_client.c's
 * SMTP_CONNECT_TIMEOUT, Postfix's default): a node off or a link down
 * for less than this only delays an action.
 */
#define W_PATIENCE_NS	(30ull * 1000000000ull)

struct warn_ctx {
	const struct scenario *sc;
	struct sc_warnings *out;
	int		 action;	/* the action being checked, or -1 */
	int		 silenced;	/* how many warnings its expect took */
	const int	*order;		/* the actions by time, then file order */
};

/* Which nodes are on and which links up at one moment; by: the action that did it. */
struct w_world {
	unsigned char	*on, *up;
	int		*off_by, *down_by;
};

static void	warn(struct warn_ctx *w, enum sc_warn_kind kind,
		    const char *path, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
static const char *w_domain(const char *addr);
static int	w_lists_domain(const struct sc_node *n, const char *d);
static int	w_mailbox_node(const struct scenario *sc, int node);
static int	w_has_account(const struct scenario *sc, int node,
		    const char *addr);
static int	w_address_of(const struct scenario *sc, const char *name,
		    uint32_t *ip);
static int	w_node_by_ip(const struct scenario *sc, uint32_t ip);
static const char *w_give_up(const struct sc_node *n, char out[32]);
static void	w_mx_records(struct warn_ctx *w);
static void	w_accounts(struct warn_ctx *w);
static void	w_world_at(const struct warn_ctx *w, int upto, uint64_t t,
		    struct w_world *ww);
static void	w_world_free(struct w_world *ww);
static int	w_reach_now(const struct scenario *sc,
		    const struct w_world *ww, int a, int b);
static void	w_action(struct warn_ctx *w, int pos);
static int	w_send_login(struct warn_ctx *w, int i);
static void	w_fetch_login(struct warn_ctx *w, int i);
static void	w_route(struct warn_ctx *w, int i, int start,
		    const char *rcpt, const char *path);

void
scenario_warnings(const struct scenario *sc, struct sc_warnings *out)
{
	struct warn_ctx w = { sc, out, -1, 0, NULL };
	int *order;
	int n = sc->nactions;

	memset(out, 0, sizeof *out);
	w_mx_records(&w);
	w_accounts(&w);

	/*
	 * Power and links in time: actions in order of time, those at the
	 * same time in file order (the order the simulation starts them).
	 */
	order = xcalloc((size_t)n + 1, sizeof *order);
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++) {
		int x = order[i], k = i;

		while (k > 0 && sc->actions[order[k - 1]].at_ns >
		    sc->actions[x].at_ns) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = x;
	}
	w.order = order;
	for (int k = 0; k < n; k++) {
		int i = order[k];
		const struct sc_action *a = &sc->actions[i];

		if (a->kind != SC_ACT_SEND && a->kind != SC_ACT_FETCH)
			continue;
		w.action = i;
		w.silenced = 0;
		w_action(&w, k);
		if (a->expect >= 0 && w.silenced == 0) {
			char path[32];

			snprintf(path, sizeof path, "actions[%d].expect", i);
			w.action = -1;
			warn(&w, SC_W_EXPECT, path, "this action expects a "
			    "'%s' warning but gives none: the note is out of "
			    "date (remove it, or make the action fail as the "
			    "lesson says)", sc_warn_kinds[a->expect]);
		}
	}
	w.action = -1;
	/* A power or link action that expects something silences nothing. */
	for (int i = 0; i < n; i++) {
		const struct sc_action *a = &sc->actions[i];
		char path[32];

		if (a->expect < 0 || (a->kind != SC_ACT_POWER &&
		    a->kind != SC_ACT_LINK))
			continue;
		snprintf(path, sizeof path, "actions[%d].expect", i);
		warn(&w, SC_W_EXPECT, path, "only a send or a fetch can "
		    "expect a warning; this note silences nothing");
	}
	free(order);
}

void
sc_warnings_free(struct sc_warnings *w)
{
	for (int i = 0; i < w->n; i++) {
		free(w->w[i].path);
		free(w->w[i].msg);
	}
	free(w->w);
	memset(w, 0, sizeof *w);
}

/* One warning, unless the action being checked expects its kind. */
static void
warn(struct warn_ctx *w, enum sc_warn_kind kind, const char *path,
    const char *fmt, ...)
{
	struct sc_warnings *o = w->out;
	struct buf b = { 0 };
	va_list ap;

	if (w->action >= 0 &&
	    w->sc->actions[w->action].expect == (int)kind) {
		w->silenced++;
		return;
	}
	/* The same sentence at the same place once (two recipients, one cause). */
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->w[i].path, path) == 0 &&
		    strcmp(o->w[i].msg, (char *)b.data) == 0) {
			buf_free(&b);
			return;
		}
	o->w = xrealloc(o->w, (size_t)(o->n + 1) * sizeof *o->w);
	o->w[o->n].kind = kind;
	o->w[o->n].path = xstrdup(path);
	o->w[o->n].msg = xstrdup((char *)b.data);
	o->n++;
	buf_free(&b);
}

static const char *
w_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL ? at + 1 : addr;
}

static int
w_lists_domain(const struct sc_node *n, const char *d)
{
	if (!n->smtp.present)
		return 0;
	for (int i = 0; i < n->smtp.ndomains; i++)
		if (strcasecmp(n->smtp.domains[i], d) == 0)
			return 1;
	return 0;
}

/* Where a server puts the mail of its domains (mta_mailbox_node). */
static int
w_mailbox_node(const struct scenario *sc, int node)
{
	const struct sc_smtp *m = &sc->nodes[node].smtp;

	return m->present && m->deliver >= 0 ? m->deliver : node;
}

static int
w_has_account(const struct scenario *sc, int node, const char *addr)
{
	for (int i = 0; i < sc->naccounts; i++)
		if (sc->accounts[i].server == node &&
		    strcasecmp(sc->accounts[i].address, addr) == 0)
			return 1;
	return 0;
}

/* The A record of name in any DNS server, CNAMEs followed; 0 when none. */
static int
w_address_of(const struct scenario *sc, const char *name, uint32_t *ip)
{
	for (int hop = 0; hop < W_MAX_CNAME; hop++) {
		const char *next = NULL;

		for (int n = 0; n < sc->nnodes; n++) {
			const struct sc_dns *d = &sc->nodes[n].dns;

			if (!d->present)
				continue;
			for (int r = 0; r < d->nrecords; r++) {
				const struct sc_record *rr = &d->records[r];

				if (strcasecmp(rr->name, name) != 0)
					continue;
				if (rr->type == SC_RR_A) {
					*ip = rr->address;
					return 1;
				}
				if (rr->type == SC_RR_CNAME)
					next = rr->target;
			}
		}
		if (next == NULL)
			return 0;
		name = next;
	}
	return 0;
}

static int
w_node_by_ip(const struct scenario *sc, uint32_t ip)
{
	for (int n = 0; n < sc->nnodes; n++)
		if (sc->nodes[n].ip == ip)
			return n;
	return -1;
}

/* "after 5 days": when this server's queue gives a mail back (give_up_ms). */
static const char *
w_give_up(const struct sc_node *n, char out[32])
{
	uint64_t ns = n->smtp.give_up_ns, s = ns / 1000000000u;

	if (s % 86400 == 0 && s > 0)
		snprintf(out, 32, "%llu day%s", (unsigned long long)(s / 86400),
		    s == 86400 ? "" : "s");
	else if (s % 3600 == 0 && s > 0)
		snprintf(out, 32, "%llu hour%s", (unsigned long long)(s / 3600),
		    s == 3600 ? "" : "s");
	else
		snprintf(out, 32, "%llu s", (unsigned long long)s);
	return out;
}

/* RFC 5321 5.1: an MX names a host, and the host's address is looked up. */
static void
w_mx_records(struct warn_ctx *w)
{
	const struct scenario *sc = w->sc;
	char path[96];
	uint32_t ip;

	for (int n = 0; n < sc->nnodes; n++) {
		const struct sc_dns *d = &sc->nodes[n].dns;

		if (!d->present)
			continue;
		for (int r = 0; r < d->nrecords; r++) {
			const struct sc_record *rr = &d->records[r];

			if (rr->type != SC_RR_MX ||
			    w_address_of(sc, rr->exchange, &ip))
				continue;
			snprintf(path, sizeof path,
			    "nodes[%d].services.dns.records[%d].exchange", n, r);
			warn(w, SC_W_NO_ADDRESS, path, "the MX of '%s' names "
			    "'%s', but no DNS server has an address (A) record "
			    "for '%s': a sending server cannot connect to it, "
			    "and tries the next MX or keeps the mail in its "
			    "queue until it gives up", rr->name, rr->exchange,
			    rr->exchange);
		}
	}
}

/* A mailbox is only useful where the mail of its domain arrives. */
static void
w_accounts(struct warn_ctx *w)
{
	const struct scenario *sc = w->sc;
	char path[48];

	for (int i = 0; i < sc->naccounts; i++) {
		const struct sc_account *a = &sc->accounts[i];
		const char *d = w_domain(a->address);
		int listed = 0, held = 0;

		for (int n = 0; n < sc->nnodes; n++) {
			if (!w_lists_domain(&sc->nodes[n], d))
				continue;
			listed = 1;
			if (w_mailbox_node(sc, n) == a->server)
				held = 1;
		}
		if (held)
			continue;
		snprintf(path, sizeof path, "accounts[%d].server", i);
		if (!listed)
			warn(w, SC_W_ACCOUNT_DOMAIN, path, "no server has '%s' "
			    "in its smtp \"domains\", so no mail for '%s' is "
			    "ever put into this mailbox on '%s' (logging in "
			    "still works)", d, a->address,
			    sc->nodes[a->server].id);
		else
			warn(w, SC_W_ACCOUNT_DOMAIN, path, "'%s' does not hold "
			    "the mail of '%s' (no server with '%s' in its "
			    "\"domains\" delivers there), so mail for '%s' "
			    "goes to another mailbox and this one stays empty "
			    "(logging in still works)",
			    sc->nodes[a->server].id, d, d, a->address);
	}
}

/*
 * The world just before order[upto] (upto >= 0), or at time t with every
 * action up to t applied (upto < 0).
 */
static void
w_world_at(const struct warn_ctx *w, int upto, uint64_t t, struct w_world *ww)
{
	const struct scenario *sc = w->sc;
	size_t nn = (size_t)sc->nnodes + 1, nl = (size_t)sc->nlinks + 1;

	ww->on = xcalloc(nn, 1);
	ww->up = xcalloc(nl, 1);
	ww->off_by = xcalloc(nn, sizeof *ww->off_by);
	ww->down_by = xcalloc(nl, sizeof *ww->down_by);
	memset(ww->on, 1, nn);
	memset(ww->up, 1, nl);
	for (int k = 0; k < sc->nactions; k++) {
		const struct sc_action *a = &sc->actions[w->order[k]];

		if (upto >= 0 ? k >= upto : a->at_ns > t)
			break;
		if (a->kind == SC_ACT_POWER) {
			ww->on[a->node] = (unsigned char)a->power_on;
			ww->off_by[a->node] = w->order[k];
		} else if (a->kind == SC_ACT_LINK && a->link >= 0 &&
		    a->link_has_state) {
			/* A link action may change only its loss ("loss"). */
			ww->up[a->link] = (unsigned char)a->link_up;
			ww->down_by[a->link] = w->order[k];
		}
	}
}

static void
w_world_free(struct w_world *ww)
{
	free(ww->on);
	free(ww->up);
	free(ww->off_by);
	free(ww->down_by);
}

/* scenario_reachable(), over the links that are up and the nodes that are on. */
static int
w_reach_now(const struct scenario *sc, const struct w_world *ww, int a, int b)
{
	int *queue = xcalloc((size_t)sc->nnodes + 1, sizeof *queue);
	unsigned char *seen = xcalloc((size_t)sc->nnodes + 1, 1);
	int head = 0, tail = 0, found = 0;

	queue[tail++] = a;
	seen[a] = 1;
	while (head < tail && !found) {
		int x = queue[head++];

		for (int l = 0; l < sc->nlinks; l++) {
			const struct sc_link *k = &sc->links[l];
			int y = k->a == x ? k->b : k->b == x ? k->a : -1;

			if (y < 0 || !ww->up[l] || seen[y] || !ww->on[y])
				continue;
			if (y == b) {
				found = 1;
				break;
			}
			seen[y] = 1;
			/* Only routers forward. */
			if (sc->nodes[y].kind == SC_ROUTER)
				queue[tail++] = y;
		}
	}
	free(queue);
	free(seen);
	return found;
}

static void
w_action(struct warn_ctx *w, int pos)
{
	const struct scenario *sc = w->sc;
	int i = w->order[pos];
	const struct sc_action *a = &sc->actions[i];
	const char *what = a->kind == SC_ACT_SEND ? "send" : "fetch";
	struct w_world now, later;
	char path[64];
	int target, stop = 0;

	w_world_at(w, pos, 0, &now);
	w_world_at(w, -1, a->at_ns + W_PATIENCE_NS, &later);
	target = a->kind == SC_ACT_SEND ? a->via : a->server;
	snprintf(path, sizeof path, "actions[%d].%s.%s", i, what,
	    a->kind == SC_ACT_SEND ? "via" : "server");
	if (!now.on[a->node]) {
		snprintf(path, sizeof path, "actions[%d].node", i);
		warn(w, SC_W_NODE_OFF, path, "'%s' is switched off at this "
		    "time (actions[%d] switched it off), so this %s does "
		    "not happen", sc->nodes[a->node].id, now.off_by[a->node],
		    what);
		stop = 1;
	} else if (target >= 0 && !now.on[target] && !later.on[target]) {
		warn(w, SC_W_NODE_OFF, path, "'%s' is switched off at this "
		    "time (actions[%d] switched it off) and still off 30 s "
		    "later: nobody answers the connection and the %s fails",
		    sc->nodes[target].id, now.off_by[target], what);
		stop = 1;
	} else if (target >= 0 && now.on[target] &&
	    !w_reach_now(sc, &now, a->node, target) &&
	    !w_reach_now(sc, &later, a->node, target)) {
		warn(w, SC_W_UNREACHABLE, path, "no working path leads from "
		    "'%s' to '%s' at this time, nor 30 s later (a link is down "
		    "or a router is off): nobody answers the connection and "
		    "the %s fails", sc->nodes[a->node].id,
		    sc->nodes[target].id, what);
		stop = 1;
	}
	w_world_free(&now);
	w_world_free(&later);
	if (stop)
		return;

	if (a->kind == SC_ACT_FETCH) {
		w_fetch_login(w, i);
		return;
	}
	if (!w_send_login(w, i))
		return;

	/*
	 * Each recipient, from the server that first takes the mail: the
	 * one named in via, or the sending server's own queue.
	 */
	int start = a->via >= 0 ? a->via : a->node;
	for (int l = 0; l < 3; l++) {
		char **v = l == 0 ? a->to : l == 1 ? a->cc : a->bcc;
		int nv = l == 0 ? a->nto : l == 1 ? a->ncc : a->nbcc;

		for (int k = 0; k < nv; k++) {
			snprintf(path, sizeof path, "actions[%d].send.%s[%d]",
			    i, l == 0 ? "to" : l == 1 ? "cc" : "bcc", k);
			w_route(w, i, start, v[k], path);
		}
	}
}

/*
 * The login a send gives its via, as smtp_server.c's auth_ok() checks
 * it: the accounts of via, of its mailbox server, or of its domains.
 * RFC 4954 6: a server that wants a login answers 530 to MAIL without
 * one, and 535 to credentials it does not take.
 * Returns 0 when the mail will not be taken at all.
 */
static int
w_send_login(struct warn_ctx *w, int i)
{
	const struct scenario *sc = w->sc;
	const struct sc_action *a = &sc->actions[i];
	char path[64];

	if (a->via < 0)
		return 1;
	const struct sc_node *v = &sc->nodes[a->via];
	int mb = w_mailbox_node(sc, a->via);
	if (!a->has_auth) {
		if (v->submission.present && v->submission.require_auth &&
		    a->port == v->submission.port) {
			snprintf(path, sizeof path, "actions[%d].send", i);
			warn(w, SC_W_NO_LOGIN, path, "'%s' asks for a login on "
			    "port %d and this send gives no \"auth\": the "
			    "server refuses the mail (530) and it is not sent",
			    v->id, a->port);
			return 0;
		}
		return 1;
	}
	int user = 0;
	for (int k = 0; k < sc->naccounts; k++) {
		const struct sc_account *ac = &sc->accounts[k];

		if (ac->server != a->via && ac->server != mb &&
		    !w_lists_domain(v, w_domain(ac->address)))
			continue;
		if (strcmp(ac->user, a->auth_user) != 0)
			continue;
		if (strcmp(ac->password, a->auth_password) == 0)
			return 1;
		user = 1;
	}
	snprintf(path, sizeof path, "actions[%d].send.auth.%s", i,
	    user ? "password" : "user");
	if (user)
		warn(w, SC_W_WRONG_PASSWORD, path, "this is not the password "
		    "of the account '%s' on '%s': the login is refused (535) "
		    "and the mail is not sent", a->auth_user, v->id);
	else
		warn(w, SC_W_UNKNOWN_LOGIN, path, "'%s' has no account with "
		    "the user name '%s': the login is refused (535) and the "
		    "mail is not sent", v->id, a->auth_user);
	return 0;
}

/* POP3 and IMAP look the user up among the server's own accounts. */
static void
w_fetch_login(struct warn_ctx *w, int i)
{
	const struct scenario *sc = w->sc;
	const struct sc_action *a = &sc->actions[i];
	const char *proto = a->protocol == SC_POP3 ? "-ERR" : "NO";
	char path[64];
	int user = 0;

	for (int k = 0; k < sc->naccounts; k++) {
		const struct sc_account *ac = &sc->accounts[k];

		if (ac->server != a->server || strcmp(ac->user, a->user) != 0)
			continue;
		if (strcmp(ac->password, a->password) == 0)
			return;
		user = 1;
	}
	snprintf(path, sizeof path, "actions[%d].fetch.%s", i,
	    user ? "password" : "user");
	if (user)
		warn(w, SC_W_WRONG_PASSWORD, path, "this is not the password "
		    "of the account '%s' on '%s': the server answers %s and "
		    "nothing is downloaded", a->user, sc->nodes[a->server].id,
		    proto);
	else
		warn(w, SC_W_UNKNOWN_LOGIN, path, "'%s' has no account with "
		    "the user name '%s': the server answers %s and nothing "
		    "is downloaded", sc->nodes[a->server].id, a->user, proto);
}

/*
 * One recipient's way from server start, as mta_route() takes it: our
 * domain (into a mailbox), else relay_via, else the domain's MX.
 */
static void
w_route(struct warn_ctx *w, int i, int start, const char *rcpt,
    const char *path)
{
	const struct scenario *sc = w->sc;
	const struct sc_action *a = &sc->actions[i];
	const char *d = w_domain(rcpt);
	int cur = start, listed = 0;

	for (int n = 0; n < sc->nnodes && !listed; n++)
		listed = w_lists_domain(&sc->nodes[n], d);
	if (!listed) {
		warn(w, SC_W_NO_DOMAIN, path, "no server has '%s' in its smtp "
		    "\"domains\", so no server takes mail for '%s': it comes "
		    "back to the sender as undeliverable", d, rcpt);
		return;
	}

	/*
	 * The first server: may this sender hand it mail for d?  RFC 5321
	 * 3.6.1: "an SMTP server MAY decline to act as a relay"; surel's
	 * servers relay only for a login or a server that names them in
	 * relay_via (smtp_server.c, check_rcpt).
	 */
	if (a->via >= 0 && !w_lists_domain(&sc->nodes[a->via], d) &&
	    !a->has_auth && sc->nodes[a->node].smtp.relay_via != a->via) {
		warn(w, SC_W_RELAY_DENIED, path, "'%s' does not hold mail for "
		    "'%s' and this send gives no login: it refuses to pass the "
		    "mail on (554 Relay access denied), so this recipient "
		    "gets nothing", sc->nodes[a->via].id, d);
		return;
	}

	for (int hops = 0; hops <= sc->nnodes; hops++) {
		const struct sc_node *n = &sc->nodes[cur];
		char gu[32];
		int next = -1;

		if (w_lists_domain(n, d)) {
			int mb = w_mailbox_node(sc, cur);

			/*
			 * RFC 5321 3.3: the server SHOULD refuse at RCPT a
			 * recipient it knows not to exist; postmaster@ is
			 * always taken (4.5.1).
			 */
			if (!w_has_account(sc, mb, rcpt) &&
			    strncasecmp(rcpt, "postmaster@", 11) != 0)
				warn(w, SC_W_UNKNOWN_USER, path, "'%s' has no "
				    "account '%s', so '%s' refuses this "
				    "recipient (550 5.1.1) and the sender gets "
				    "the mail back", sc->nodes[mb].id, rcpt,
				    n->id);
			return;
		}
		if (n->smtp.present && n->smtp.relay_via >= 0) {
			cur = n->smtp.relay_via;
			continue;
		}
		if (n->resolver < 0) {
			warn(w, SC_W_NO_RESOLVER, path, "'%s' must find the mail "
			    "server of '%s' but has no \"resolver\" and no "
			    "\"relay_via\": it never asks DNS, keeps the mail "
			    "in its queue and returns it to the sender after %s "
			    "(\"DNS lookup failed\")", n->id, d,
			    w_give_up(n, gu));
			return;
		}

		/*
		 * The MX with the lowest preference whose address is a node's;
		 * else one with an address nobody has, to say so.
		 */
		const struct sc_record *best = NULL, *lost = NULL;
		int have_mx = 0;
		uint32_t ip = 0, lost_ip = 0;
		for (int s = 0; s < sc->nnodes; s++) {
			const struct sc_dns *dn = &sc->nodes[s].dns;

			for (int r = 0; dn->present && r < dn->nrecords; r++) {
				const struct sc_record *rr = &dn->records[r];
				uint32_t x;

				if (rr->type != SC_RR_MX ||
				    strcasecmp(rr->name, d) != 0)
					continue;
				have_mx = 1;
				if (!w_address_of(sc, rr->exchange, &x))
					continue;
				if (w_node_by_ip(sc, x) < 0) {
					lost = rr;
					lost_ip = x;
				} else if (best == NULL ||
				    rr->preference < best->preference) {
					best = rr;
					ip = x;
				}
			}
		}
		if (best == NULL && lost != NULL) {
			best = lost;
			ip = lost_ip;
		}
		const char *host = best != NULL ? best->exchange : d;
		if (best == NULL && have_mx)
			return;		/* each MX has its own warning */
		if (best == NULL && !w_address_of(sc, d, &ip)) {
			warn(w, SC_W_NO_DOMAIN, path, "no DNS server has an MX "
			    "or an address record for '%s': '%s' finds no mail "
			    "server for it and returns the mail to the sender "
			    "(no such domain)", d, n->id);
			return;
		}
		next = w_node_by_ip(sc, ip);
		if (next < 0) {
			char t[16];

			ip_format(ip, t);
			warn(w, SC_W_UNREACHABLE, path, "'%s' has the address "
			    "%s, which no node has: '%s' cannot connect, keeps "
			    "the mail in its queue and returns it to the sender "
			    "after %s", host, t, n->id, w_give_up(n, gu));
			return;
		}
		if (!sc->nodes[next].smtp.present) {
			warn(w, SC_W_NO_SERVICE, path, "the mail server of '%s' "
			    "is '%s', which has no smtp service: its "
			    "connections are refused, and '%s' keeps the mail "
			    "in its queue and returns it to the sender after %s",
			    d, sc->nodes[next].id, n->id, w_give_up(n, gu));
			return;
		}
		if (next == cur)
			return;		/* the MX is this server: mta.c's loop check */
		if (!scenario_reachable(sc, cur, next)) {
			warn(w, SC_W_UNREACHABLE, path, "'%s' cannot reach '%s', "
			    "the mail server of '%s' (no path of links through "
			    "routers): it keeps the mail in its queue and "
			    "returns it to the sender after %s", n->id,
			    sc->nodes[next].id, d, w_give_up(n, gu));
			return;
		}
		cur = next;
	}
}
