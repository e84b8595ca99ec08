/*
 * panel_node.c: what a node holds at the current step, from the trace
 * alone: a server's mailboxes, mail queue and DNS cache, a device's
 * downloaded mail (the TR_STATE records up to the step, replayed), with
 * its address, name and services.
 */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	NI_MAILBOX,
	NI_QUEUE,
	NI_DNS,
	NI_DEVICE,
	NI_N
};

struct ui_nodeinfo {
	int		 node;
	size_t		 step;
	char		**item[NI_N];	/* texts from the trace, not owned */
	int		 n[NI_N], cap[NI_N];
};

static void
ni_add(struct ui_nodeinfo *ni, int k, char *s)
{
	if (ni->n[k] == ni->cap[k]) {
		int cap = ni->cap[k] ? ni->cap[k] * 2 : 16;
		char **p = realloc(ni->item[k], (size_t)cap * sizeof *p);
		if (p == NULL)
			return;
		ni->item[k] = p;
		ni->cap[k] = cap;
	}
	ni->item[k][ni->n[k]++] = s;
}

/* Remove the first entry that the trace text identifies (same text, or it begins with the key's first word). */
static void
ni_del(struct ui_nodeinfo *ni, int k, const char *s)
{
	size_t w = strcspn(s, " ");

	for (int i = 0; i < ni->n[k]; i++) {
		const char *e = ni->item[k][i];
		int same = strcmp(e, s) == 0;
		/* "message-id" removes "message-id recipient"; "addr message-id" too. */
		int key = !same && (strncmp(e, s, w) == 0 && (e[w] == ' ' ||
		    e[w] == '\0'));
		if (!same && !key && k == NI_MAILBOX && strstr(e, s))
			key = 1;
		if (same || key) {
			memmove(&ni->item[k][i], &ni->item[k][i + 1],
			    (size_t)(ni->n[k] - i - 1) * sizeof(char *));
			ni->n[k]--;
			return;
		}
	}
}

static void
ni_build(struct ui *u, struct ui_nodeinfo *ni, int node, size_t step)
{
	for (int k = 0; k < NI_N; k++)
		ni->n[k] = 0;
	ni->node = node;
	ni->step = step;
	for (size_t i = 0; i < step && i < trace_count(u->tr); i++) {
		const struct trace_rec *r = trace_get(u->tr, i);
		if (r->kind != TR_STATE || r->node != node)
			continue;
		char *s = (char *)(r->text ? trace_text_at(u->tr, r->text) : "");
		switch (r->a) {
		case ST_MAILBOX_ADD:
			ni_add(ni, NI_MAILBOX, s);
			break;
		case ST_MAILBOX_DEL:
			ni_del(ni, NI_MAILBOX, s);
			break;
		case ST_QUEUE_ADD:
			ni_add(ni, NI_QUEUE, s);
			break;
		case ST_QUEUE_DEL:
			ni_del(ni, NI_QUEUE, s);
			break;
		case ST_DNS_CACHE_ADD:
			ni_add(ni, NI_DNS, s);
			break;
		case ST_DNS_CACHE_EXPIRE:
			ni_del(ni, NI_DNS, s);
			break;
		case ST_CLIENT_STORE:
			ni_add(ni, NI_DEVICE, s);
			break;
		}
	}
}

void
panel_node_free(struct ui *u)
{
	struct ui_nodeinfo *ni = u->nodeinfo;

	if (ni == NULL)
		return;
	for (int k = 0; k < NI_N; k++)
		free(ni->item[k]);
	free(ni);
	u->nodeinfo = NULL;
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

	if (u->nodeinfo == NULL) {
		u->nodeinfo = calloc(1, sizeof *u->nodeinfo);
		if (u->nodeinfo == NULL)
			return;
		u->nodeinfo->node = -1;
	}
	struct ui_nodeinfo *ni = u->nodeinfo;
	if (ni->node != node || ni->step != u->app.step)
		ni_build(u, ni, node, u->app.step);

	ui_panel_begin(u, "node", &L->right);
	draw_panel(u, &L->right, ui_node_name(u, node));
	int y = L->right.y + text_line_height(u->text, FACE_BOLD,
	    L->font_normal) + layout_px(L, 10);
	SDL_Rect clip = { L->right.x + 1, y, L->right.w - 2,
	    L->right.y + L->right.h - y - 1 };
	SDL_RenderSetClipRect(u->r, &clip);
	y -= u->app.scroll_node * lh;

	uint32_t ip = n->ip;
	static const enum word kinds[] = { W_CLIENT, W_ROUTER, W_SERVER };
	snprintf(buf, sizeof buf, "%s: %u.%u.%u.%u  (%s)", ui_word(u, W_ADDRESS),
	    ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
	    ui_word(u, kinds[n->kind]));
	text_draw_fit(u->text, FACE_SANS, px, th->text, x, y, w, buf);
	y += lh;
	snprintf(buf, sizeof buf, "%s: %s", ui_word(u, W_HOSTNAME), n->hostname);
	text_draw_fit(u->text, FACE_SANS, px, th->text, x, y, w, buf);
	y += lh;
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
		int nl = text_wrap(u->text, FACE_SANS, px, th->text, x, y, w, 3,
		    TEXT_DRAW, line);
		y += lh * (nl > 3 ? 3 : nl);
	}
	y += lh / 2;

	static const struct {
		int k;
		enum word title;
	} sec[] = {
		{ NI_MAILBOX, W_MAILBOXES },
		{ NI_QUEUE, W_MAIL_QUEUE },
		{ NI_DNS, W_DNS_CACHE },
		{ NI_DEVICE, W_DEVICE_MAIL },
	};
	for (size_t j = 0; j < sizeof sec / sizeof sec[0]; j++) {
		int k = sec[j].k;
		int relevant = ni->n[k] > 0 ||
		    (k == NI_MAILBOX && (n->lmtp.present || n->pop3.present ||
		     n->imap.present || (n->smtp.present && n->smtp.deliver < 0 &&
		     n->smtp.ndomains > 0))) ||
		    (k == NI_QUEUE && n->smtp.present) ||
		    (k == NI_DNS && n->dns.present && n->dns.recursive) ||
		    (k == NI_DEVICE && n->kind == SC_CLIENT);
		if (!relevant)
			continue;
		snprintf(buf, sizeof buf, "%s (%d)", ui_word(u, sec[j].title),
		    ni->n[k]);
		draw_fill(u->r, (SDL_Rect){ x, y, w, 1 }, th->track);
		y += layout_px(L, 3);
		text_draw(u->text, FACE_BOLD, px, th->text, x, y, buf);
		y += lh;
		if (ni->n[k] == 0) {
			text_draw(u->text, FACE_SANS, px, th->dim, x + pad, y,
			    ui_word(u, W_NOTHING));
			y += lh;
		}
		for (int i = 0; i < ni->n[k]; i++) {
			int nl = text_wrap(u->text, FACE_SANS, px, th->text,
			    x + pad, y, w - pad, 3, TEXT_DRAW, ni->item[k][i]);
			y += lh * (nl > 3 ? 3 : nl);
		}
		y += lh / 2;
	}
	SDL_RenderSetClipRect(u->r, NULL);
}
