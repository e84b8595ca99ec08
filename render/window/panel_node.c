/*
 * panel_node.c: what a node holds at the current step, from the trace
 * alone (holdings.c): a server's mailboxes (every account, the empty
 * ones too) with each mail's sender, subject, size, flags and fate, its
 * queue with the next try and the last reply, a DNS server's records and
 * a resolver's cache with the TTL left, a device's downloaded mail; with
 * its address, name and services.  A mail clicked (or --select NODE:N)
 * opens into its header, text and attachments, a bounce into its
 * explanation.
 */
#include "holdings.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A line that a click opens (a mail) or goes back from (rec -1). */
struct ni_hit {
	int		 y0, y1;
	long		 rec;
};

struct ui_nodeinfo {
	struct holdings	*h;
	struct ni_hit	*hit;
	int		 nhit, caphit;
	/* The opened mail, read once (holdings_open()). */
	long		 open_rec;
	int		 open_ok;
	struct msg_info	 mi;
};

static struct ui_nodeinfo *ni_get(struct ui *);
static void	 ni_hit_add(struct ui_nodeinfo *, int, int, long);
static const struct hold_msg *ni_nth(const struct ui_nodeinfo *, int);
static int	 ni_count(const struct ui_nodeinfo *);
static const struct hold_msg *ni_by_rec(const struct ui_nodeinfo *, long);

static struct ui_nodeinfo *
ni_get(struct ui *u)
{
	if (u->nodeinfo == NULL) {
		u->nodeinfo = calloc(1, sizeof *u->nodeinfo);
		if (u->nodeinfo == NULL)
			return NULL;
		u->nodeinfo->h = holdings_new(u->sc, u->tr);
		u->nodeinfo->open_rec = -1;
	}
	holdings_build(u->nodeinfo->h, u->app.sel_node, u->app.step);
	return u->nodeinfo;
}

static void
ni_hit_add(struct ui_nodeinfo *ni, int y0, int y1, long rec)
{
	if (ni->nhit == ni->caphit) {
		int cap = ni->caphit ? ni->caphit * 2 : 16;
		struct ni_hit *p = realloc(ni->hit, (size_t)cap * sizeof *p);
		if (p == NULL)
			return;
		ni->hit = p;
		ni->caphit = cap;
	}
	ni->hit[ni->nhit++] = (struct ni_hit){ y0, y1, rec };
}

/*
 * The mails the panel lists and numbers, in its order: each account of
 * the scenario in turn (those still there), then a device's downloads.
 * --select NODE:N counts the same way.
 */
static const struct hold_msg *
ni_nth(const struct ui_nodeinfo *ni, int n)
{
	const struct holdings *h = ni->h;
	int k = 0;

	for (int a = 0; a < h->sc->naccounts; a++)
		for (int i = 0; i < h->nmsg; i++)
			if (h->msg[i].account == a && !h->msg[i].removed &&
			    ++k == n)
				return &h->msg[i];
	for (int i = 0; i < h->nmsg; i++)
		if (h->msg[i].account < 0 && ++k == n)
			return &h->msg[i];
	return NULL;
}

static int
ni_count(const struct ui_nodeinfo *ni)
{
	int n = 0;

	while (ni_nth(ni, n + 1) != NULL)
		n++;
	return n;
}

/* The mail the node holds now that record rec stored, or NULL. */
static const struct hold_msg *
ni_by_rec(const struct ui_nodeinfo *ni, long rec)
{
	for (int i = 0; rec >= 0 && i < ni->h->nmsg; i++)
		if ((long)ni->h->msg[i].rec == rec && !ni->h->msg[i].removed)
			return &ni->h->msg[i];
	return NULL;
}

void
panel_node_free(struct ui *u)
{
	struct ui_nodeinfo *ni = u->nodeinfo;

	if (ni == NULL)
		return;
	holdings_free(ni->h);
	msg_info_free(&ni->mi);
	free(ni->hit);
	free(ni);
	u->nodeinfo = NULL;
}

/* What a draw needs as it goes down the panel. */
struct ni_pen {
	struct ui	*u;
	int		 x, w, y, lh, px, pad, bottom;
};

/* Wrapped text at the pen, indented by indent; returns the lines used. */
static int
ni_text(struct ni_pen *p, enum text_face f, SDL_Color c, int indent,
    const char *s)
{
	int nl;

	/* Only what can show is drawn; the rest is measured (the panel scrolls). */
	if (p->y > p->bottom)
		nl = text_wrap(p->u->text, f, p->px, c, p->x + indent, p->y,
		    p->w - indent, 0, 0, s);
	else
		nl = text_wrap(p->u->text, f, p->px, c, p->x + indent, p->y,
		    p->w - indent, 0, TEXT_DRAW, s);
	if (nl < 1)
		nl = 1;
	p->y += nl * p->lh;
	return nl;
}

static void
ni_heading(struct ni_pen *p, const char *s)
{
	const struct theme *th = p->u->th;

	draw_fill(p->u->r, (SDL_Rect){ p->x, p->y, p->w, 1 }, th->track);
	p->y += layout_px(&p->u->lay, 3);
	ni_text(p, FACE_BOLD, th->text, 0, s);
}

/* "12.345 s": a simulated time as the timeline counts it. */
static void
ni_time(char *buf, size_t n, uint64_t ns, const struct ui *u)
{
	snprintf(buf, n, "%.3f %s", (double)ns / 1e9, ui_word(u,
	    W_EV_SECONDS));
}

/* One mail of a mailbox or a device: its number, subject, sender, size, flags and fate. */
static void
ni_msg_draw(struct ni_pen *p, struct ui_nodeinfo *ni, const struct hold_msg *m,
    int num)
{
	struct ui *u = p->u;
	const struct theme *th = u->th;
	char buf[768], fl[96];
	int y0 = p->y;

	snprintf(buf, sizeof buf, "%d. %s", num, m->subject[0] ? m->subject :
	    ui_word(u, W_HD_NO_SUBJECT));
	ni_text(p, FACE_BOLD, th->text, p->pad, buf);
	int l = snprintf(buf, sizeof buf, "%s: %s", ui_word(u, W_HD_FROM),
	    m->from[0] ? m->from : m->sender);
	if (m->size >= 0 && l < (int)sizeof buf)
		l += snprintf(buf + l, sizeof buf - (size_t)l, " · %lld %s",
		    m->size, ui_word(u, W_BYTES));
	if (m->account >= 0 && l < (int)sizeof buf)
		snprintf(buf + l, sizeof buf - (size_t)l, " · %s: %s",
		    ui_word(u, W_HD_FLAGS), m->flags ? holdings_flags_text(
		    m->flags, fl, sizeof fl) : ui_word(u, W_HD_NOT_READ));
	else if (m->account < 0 && m->server >= 0 && l < (int)sizeof buf)
		snprintf(buf + l, sizeof buf - (size_t)l, " · %s %s (%s)",
		    ui_word(u, W_HD_FETCHED_FROM), ui_node_name(u, m->server),
		    m->proto);
	ni_text(p, FACE_SANS, th->dim, 2 * p->pad, buf);
	for (int k = 0; k < m->nby; k++) {
		snprintf(buf, sizeof buf, "%s %s (%s)", ui_word(u,
		    W_HD_DOWNLOADED_BY), ui_node_name(u, m->by[k]),
		    m->by_proto[k]);
		ni_text(p, FACE_SANS, th->dim, 2 * p->pad, buf);
	}
	ni_hit_add(ni, y0, p->y, (long)m->rec);
}

/* The lists: mailboxes, queue, DNS records and cache, a device's mail. */
static void
ni_lists_draw(struct ni_pen *p, struct ui_nodeinfo *ni, int node)
{
	struct ui *u = p->u;
	const struct theme *th = u->th;
	const struct holdings *h = ni->h;
	const struct sc_node *n = &u->sc->nodes[node];
	char buf[768], t[64];
	int num = 0, naccounts = 0;

	for (int a = 0; a < u->sc->naccounts; a++)
		naccounts += u->sc->accounts[a].server == node;
	/* Every account, the empty ones too: a missing name is a missing mailbox. */
	if (naccounts > 0) {
		int total = 0;
		for (int a = 0; a < u->sc->naccounts; a++)
			if (u->sc->accounts[a].server == node)
				total += holdings_account_count(h, a);
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u, W_MAILBOXES),
		    total);
		ni_heading(p, buf);
		for (int a = 0; a < u->sc->naccounts; a++) {
			const struct sc_account *ac = &u->sc->accounts[a];
			int c;

			if (ac->server != node)
				continue;
			c = holdings_account_count(h, a);
			snprintf(buf, sizeof buf, "%s — %d %s", ac->address, c,
			    ui_word(u, W_HD_MAILS));
			ni_text(p, FACE_BOLD, th->text, 0, buf);
			if (c == 0)
				ni_text(p, FACE_SANS, th->dim, p->pad,
				    ui_word(u, W_NOTHING));
			for (int i = 0; i < h->nmsg; i++)
				if (h->msg[i].account == a && !h->msg[i].removed)
					ni_msg_draw(p, ni, &h->msg[i], ++num);
			/* What left the server: the class sees where it went. */
			for (int i = 0; i < h->nmsg; i++) {
				const struct hold_msg *m = &h->msg[i];
				if (m->account != a || !m->removed)
					continue;
				snprintf(buf, sizeof buf, "✗ %s — %s%s%s%s",
				    m->subject[0] ? m->subject :
				    ui_word(u, W_HD_NO_SUBJECT),
				    ui_word(u, W_HD_REMOVED),
				    m->removed_how[0] ? " (" : "",
				    m->removed_how, m->removed_how[0] ? ")" :
				    "");
				ni_text(p, FACE_SANS, th->dim, p->pad, buf);
			}
		}
		p->y += p->lh / 2;
	}
	if (n->smtp.present) {
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u, W_MAIL_QUEUE),
		    h->nq);
		ni_heading(p, buf);
		if (h->nq == 0)
			ni_text(p, FACE_SANS, th->dim, p->pad, ui_word(u,
			    W_NOTHING));
		for (int i = 0; i < h->nq; i++) {
			const struct hold_queued *q = &h->q[i];

			snprintf(buf, sizeof buf, "%s %s %s", q->subject[0] ?
			    q->subject : q->msgid, ui_word(u, W_FROM_TO),
			    q->rcpt);
			ni_text(p, FACE_BOLD, th->text, p->pad, buf);
			ni_time(t, sizeof t, q->next_ns, u);
			snprintf(buf, sizeof buf, "%s %s", ui_word(u,
			    W_HD_NEXT_TRY), t);
			ni_text(p, FACE_SANS, th->dim, 2 * p->pad, buf);
			if (q->last[0]) {
				snprintf(buf, sizeof buf, "%s: %s", ui_word(u,
				    W_HD_LAST_REPLY), q->last);
				ni_text(p, FACE_SANS, th->dim, 2 * p->pad, buf);
			}
		}
		p->y += p->lh / 2;
	}
	if (n->dns.present && (n->dns.nrecords > 0 || n->dns.ndelegates > 0)) {
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u, W_HD_RECORDS),
		    n->dns.nrecords);
		ni_heading(p, buf);
		for (int i = 0; i < n->dns.nrecords; i++) {
			ui_rr_text(&n->dns.records[i], 1, buf, sizeof buf);
			ni_text(p, FACE_SANS, th->text, p->pad, buf);
		}
		if (n->dns.ndelegates > 0)
			ni_text(p, FACE_BOLD, th->text, 0, ui_word(u,
			    W_HD_DELEGATES));
		for (int i = 0; i < n->dns.ndelegates; i++) {
			const struct sc_delegate *d = &n->dns.delegates[i];
			snprintf(buf, sizeof buf, "%s  NS  %s  (%u.%u.%u.%u)",
			    d->zone[0] ? d->zone : ".", d->ns, d->address >> 24,
			    (d->address >> 16) & 255, (d->address >> 8) & 255,
			    d->address & 255);
			ni_text(p, FACE_SANS, th->text, p->pad, buf);
		}
		p->y += p->lh / 2;
	}
	if ((n->dns.present && n->dns.recursive) || h->nc > 0) {
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u, W_DNS_CACHE),
		    h->nc);
		ni_heading(p, buf);
		if (h->nc == 0)
			ni_text(p, FACE_SANS, th->dim, p->pad, ui_word(u,
			    W_NOTHING));
		for (int i = 0; i < h->nc; i++) {
			const struct hold_cached *c = &h->c[i];
			/* RFC 1035 3.2.1: the TTL counts down while it is cached. */
			snprintf(buf, sizeof buf, "%s  %s  %s  · %ld %s", c->name,
			    c->type, c->value, holdings_ttl_left(h, c), ui_word(u,
			    W_HD_TTL_LEFT));
			ni_text(p, FACE_SANS, th->text, p->pad, buf);
		}
		p->y += p->lh / 2;
	}
	if (n->kind == SC_CLIENT) {
		int c = 0;
		for (int i = 0; i < h->nmsg; i++)
			c += h->msg[i].account < 0;
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u, W_DEVICE_MAIL),
		    c);
		ni_heading(p, buf);
		if (c == 0)
			ni_text(p, FACE_SANS, th->dim, p->pad, ui_word(u,
			    W_NOTHING));
		for (int i = 0; i < h->nmsg; i++)
			if (h->msg[i].account < 0)
				ni_msg_draw(p, ni, &h->msg[i], ++num);
		p->y += p->lh / 2;
	}
	if (num > 0)
		ni_text(p, FACE_SANS, th->dim, 0, ui_word(u, W_HD_OPEN_HINT));
}

/* Is this one of the fields a reader is shown (RFC 5322 3.6, RFC 5321 4.4)? */
static int
ni_shown_field(const char *name)
{
	static const char *const shown[] = { "Received", "Return-Path", "From",
	    "To", "Cc", "Subject", "Date", "Message-ID" };

	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		if (strcasecmp(name, shown[i]) == 0)
			return 1;
	return 0;
}

/*
 * An opened mail: its header as stored, top to bottom (the last
 * server's Received: first, RFC 5321 4.4), its text, its attachments;
 * for a bounce (RFC 3464) the explanation and each recipient's Status
 * and Diagnostic-Code.
 */
static void
ni_open_draw(struct ni_pen *p, struct ui_nodeinfo *ni, const struct hold_msg *m)
{
	struct ui *u = p->u;
	const struct theme *th = u->th;
	struct msg_info *mi = &ni->mi;
	char buf[1024];
	int y0 = p->y;

	ni_text(p, FACE_BOLD, th->select, 0, ui_word(u, W_HD_BACK));
	ni_hit_add(ni, y0, p->y, -1);
	p->y += p->lh / 2;
	if (ni->open_rec != (long)m->rec) {
		msg_info_free(&ni->mi);
		ni->open_ok = holdings_open(ni->h, m, &ni->mi) == 0;
		ni->open_rec = (long)m->rec;
	}
	ni_text(p, FACE_BOLD, th->text, 0, m->subject[0] ? m->subject :
	    ui_word(u, W_HD_NO_SUBJECT));
	if (!ni->open_ok) {
		ni_text(p, FACE_SANS, th->dim, 0, ui_word(u, W_HD_NO_BYTES));
		return;
	}
	ni_heading(p, ui_word(u, W_HD_HEADER));
	for (int i = 0; i < mi->nfields; i++) {
		if (!ni_shown_field(mi->fields[i].name))
			continue;
		snprintf(buf, sizeof buf, "%s: %s", mi->fields[i].name,
		    mi->fields[i].value);
		ni_text(p, FACE_SANS, th->text, p->pad, buf);
	}
	p->y += p->lh / 2;
	ni_heading(p, ui_word(u, mi->report ? W_HD_BOUNCE : W_HD_TEXT));
	/* A bounce: each recipient's Status and Diagnostic-Code first (RFC 3464 2.3). */
	for (int i = 0; mi->report && i < mi->report->nrcpt; i++) {
		const struct msg_report_rcpt *r = &mi->report->rcpt[i];
		snprintf(buf, sizeof buf, "%s: Status %s", r->final_recipient,
		    r->status);
		ni_text(p, FACE_BOLD, th->text, p->pad, buf);
		snprintf(buf, sizeof buf, "Diagnostic-Code: %s", r->diagnostic);
		ni_text(p, FACE_SANS, th->text, p->pad, buf);
	}
	/* The text as lines, without the CR of CRLF; a long one is cut at 80 lines. */
	const char *s = mi->text;
	for (int line = 0; *s && line < 80; line++) {
		size_t k = strcspn(s, "\r\n");
		snprintf(buf, sizeof buf, "%.*s", (int)(k < sizeof buf - 1 ? k :
		    sizeof buf - 1), s);
		if (buf[0] == '\0')
			p->y += p->lh / 2;
		else
			ni_text(p, FACE_SANS, th->text, p->pad, buf);
		s += k;
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
	}
	p->y += p->lh / 2;
	if (mi->natt > 0) {
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u,
		    W_HD_ATTACHMENTS), mi->natt);
		ni_heading(p, buf);
	}
	for (int i = 0; i < mi->natt; i++) {
		snprintf(buf, sizeof buf, "%s  (%s, %llu %s)", mi->att[i].name[0] ?
		    mi->att[i].name : "?", mi->att[i].content_type,
		    (unsigned long long)mi->att[i].size, ui_word(u, W_BYTES));
		ni_text(p, FACE_SANS, th->text, p->pad, buf);
	}
}

void
panel_node_draw(struct ui *u)
{
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;
	int node = u->app.sel_node;
	const struct sc_node *n = &u->sc->nodes[node];
	int px = L->font_small, pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_SANS, px);
	int x = L->right.x + pad, w = L->right.w - 2 * pad;
	char buf[512];
	struct ui_nodeinfo *ni = ni_get(u);

	if (ni == NULL)
		return;
	ni->nhit = 0;

	ui_panel_begin(u, "node", &L->right);
	draw_panel(u, &L->right, ui_node_name(u, node));
	int y = L->right.y + text_line_height(u->text, FACE_BOLD,
	    L->font_normal) + layout_px(L, 10);
	SDL_Rect clip = { L->right.x + 1, y, L->right.w - 2,
	    L->right.y + L->right.h - y - 1 };
	SDL_RenderSetClipRect(u->r, &clip);
	y -= u->app.scroll_node * lh;

	const struct hold_msg *open = ni_by_rec(ni, u->app.sel_msg);
	struct ni_pen p = { u, x, w, y, lh, px, pad, L->right.y + L->right.h };
	if (open != NULL) {
		ni_open_draw(&p, ni, open);
		SDL_RenderSetClipRect(u->r, NULL);
		return;
	}

	uint32_t ip = n->ip;
	static const enum word kinds[] = { W_CLIENT, W_ROUTER, W_SERVER };
	snprintf(buf, sizeof buf, "%s: %u.%u.%u.%u  (%s)", ui_word(u, W_ADDRESS),
	    ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
	    ui_word(u, kinds[n->kind]));
	ni_text(&p, FACE_SANS, th->text, 0, buf);
	snprintf(buf, sizeof buf, "%s: %s", ui_word(u, W_HOSTNAME), n->hostname);
	ni_text(&p, FACE_SANS, th->text, 0, buf);
	buf[0] = '\0';
	struct {
		int present, port;
		const char *name;
	} sv[] = {
		{ n->smtp.present, n->smtp.port, "SMTP" },
		{ n->submission.present, n->submission.port,
		    ui_word(u, W_SUBMISSION) },
		{ n->lmtp.present, n->lmtp.port, "LMTP" },
		{ n->pop3.present, n->pop3.port, "POP3" },
		{ n->imap.present, n->imap.port, "IMAP" },
		{ n->dns.present, n->dns.port, "DNS" },
	};
	size_t bl = 0;
	for (size_t i = 0; i < sizeof sv / sizeof sv[0]; i++)
		if (sv[i].present && bl < sizeof buf)
			bl += (size_t)snprintf(buf + bl, sizeof buf - bl, "%s%s %d",
			    bl ? ", " : "", sv[i].name, sv[i].port);
	if (bl) {
		char line[600];
		snprintf(line, sizeof line, "%s: %s", ui_word(u, W_SERVICES), buf);
		ni_text(&p, FACE_SANS, th->text, 0, line);
	}
	p.y += lh / 2;
	ni_lists_draw(&p, ni, node);
	SDL_RenderSetClipRect(u->r, NULL);
}

long
panel_node_hit(struct ui *u, int x, int y)
{
	struct ui_nodeinfo *ni = u->nodeinfo;

	if (ni == NULL || !lrect_has(&u->lay.right, x, y))
		return -2;
	for (int i = 0; i < ni->nhit; i++)
		if (y >= ni->hit[i].y0 && y < ni->hit[i].y1)
			return ni->hit[i].rec;
	return -2;
}

/* NODE or NODE:N into the node and N (0: none); -1 when no node has that name. */
static int
ni_parse(const struct scenario *sc, const char *spec, int *node, int *num)
{
	char name[256];
	const char *colon = strrchr(spec, ':');
	size_t k = colon ? (size_t)(colon - spec) : strlen(spec);

	*num = 0;
	if (colon != NULL) {
		char *end;
		long v = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || v < 1 || v > 100000)
			return -2;
		*num = (int)v;
	}
	snprintf(name, sizeof name, "%.*s", (int)(k < sizeof name ? k :
	    sizeof name - 1), spec);
	*node = holdings_find_node(sc, name);
	return *node < 0 ? -1 : 0;
}

int
panel_node_check(const struct scenario *sc, const char *spec)
{
	int node, num, rc = ni_parse(sc, spec, &node, &num);

	if (rc == 0)
		return 0;
	if (rc == -2)
		fprintf(stderr, "surel: --select %s: after the ':' comes the "
		    "number of a mail as the node panel lists it (from 1)\n",
		    spec);
	else {
		fprintf(stderr, "surel: --select %s: no such node; the nodes "
		    "are:", spec);
		for (int i = 0; i < sc->nnodes; i++)
			fprintf(stderr, "%s %s", i ? "," : "", sc->nodes[i].id);
		fputc('\n', stderr);
	}
	return -1;
}

int
panel_node_select(struct ui *u, const char *spec)
{
	int node, num;

	if (panel_node_check(u->sc, spec) != 0)
		return -1;
	ni_parse(u->sc, spec, &node, &num);
	app_do(&u->app, &(struct app_command){ .cmd = CMD_SELECT_NODE,
	    .arg = node });
	if (num == 0)
		return 0;
	struct ui_nodeinfo *ni = ni_get(u);
	const struct hold_msg *m = ni ? ni_nth(ni, num) : NULL;
	if (m == NULL) {
		fprintf(stderr, "surel: --select %s: %s holds %d mail%s at step "
		    "%zu\n", spec, u->sc->nodes[node].id, ni ? ni_count(ni) : 0,
		    ni && ni_count(ni) == 1 ? "" : "s", u->app.step);
		return -1;
	}
	app_do(&u->app, &(struct app_command){ .cmd = CMD_OPEN_MSG,
	    .arg = (long)m->rec });
	return 0;
}
