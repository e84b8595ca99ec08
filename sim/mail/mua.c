/*
 * mua.c: the person's mail program.  A `send` action composes a real
 * RFC 5322 message (S1 of the story) and submits it (S3, S4): it finds
 * its provider's server by name through DNS when the device has a
 * resolver, connects to the submission port, logs in when the scenario
 * gives credentials, and hands over the envelope and the message.  A
 * recipient the provider refuses is "rejected": the person is told at
 * once, and no bounce is sent.
 *
 * A `send` from a server (no `via`) puts the message straight into that
 * server's own queue, as a program on the server would.
 */
#include "dns.h"
#include "mail.h"
#include "message.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

struct mua_send {
	struct sim	*s;
	struct mua_send	*next;
	int		 action;
	struct buf	 msg;
	char		*mid;
	const char	**rcpt;		/* pointers into the scenario */
	int		 nrcpt;
	uint64_t	 dns;
};

static void
send_free(struct sim *s, struct mua_send *m)
{
	struct mua_send **pp;

	for (pp = &s->mail->sends; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	buf_free(&m->msg);
	free(m->mid);
	free(m->rcpt);
	free(m);
}

static void
compose(struct sim *s, const struct sc_action *act, int ai, struct mua_send *m)
{
	const struct scenario *sc = s->sc;
	const struct sc_node *n = &sc->nodes[act->node];
	int64_t now = sc->epoch_unix + (int64_t)(sim_time(s) / SIM_SEC);
	struct msg_att *att = xcalloc((size_t)act->nattachments + 1, sizeof *att);
	struct buf *bytes = xcalloc((size_t)act->nattachments + 1, sizeof *bytes);

	for (int i = 0; i < act->nattachments; i++) {
		const struct sc_attachment *a = &act->attachments[i];

		if (a->has_text)
			buf_append(&bytes[i], a->text, strlen(a->text));
		else
			msg_attachment_bytes(s->seed, (uint32_t)(ai * 64 + i),
			    a->size, &bytes[i]);
		att[i].name = a->name;
		att[i].content_type = a->content_type;
		att[i].data = bytes[i].data ? bytes[i].data : (const uint8_t *)"";
		att[i].len = bytes[i].len;
	}
	m->mid = xasprintf("<%lld.%d.%llx@%s>", (long long)now, ai,
	    (unsigned long long)(s->seed & 0xffff), n->hostname);
	char *boundary = xasprintf("=_surel_%d_%llx", ai,
	    (unsigned long long)s->seed);
	struct msg_compose c = {
		.from = act->from,
		.to = (const char *const *)act->to,
		.nto = act->nto,
		.cc = (const char *const *)act->cc,
		.ncc = act->ncc,
		.subject = act->subject,
		.body = act->body,
		.date_unix = now,
		.tz_offset_min = sc->epoch_offset_min,
		.message_id = m->mid,
		.boundary = boundary,
		.att = att,
		.natt = act->nattachments,
		.user_agent = "surel/0.1",
	};
	msg_compose(&c, &m->msg);
	mail_origin_add(s, m->mid, ai, act->node, act->subject, act->from, NULL);
	for (int i = 0; i < act->nattachments; i++)
		buf_free(&bytes[i]);
	free(bytes);
	free(att);
	free(boundary);

	/* The envelope: To, Cc and Bcc all get a copy (RFC 5321 3.3). */
	m->nrcpt = act->nto + act->ncc + act->nbcc;
	m->rcpt = xcalloc((size_t)m->nrcpt + 1, sizeof *m->rcpt);
	int k = 0;
	for (int i = 0; i < act->nto; i++)
		m->rcpt[k++] = act->to[i];
	for (int i = 0; i < act->ncc; i++)
		m->rcpt[k++] = act->cc[i];
	for (int i = 0; i < act->nbcc; i++)
		m->rcpt[k++] = act->bcc[i];
}

/* Nothing was sent: key says why (node: the server, or the machine that is off). */
static void
reject_all(struct sim *s, struct mua_send *m, int server, const char *why,
    const char *key)
{
	for (int i = 0; i < m->nrcpt; i++) {
		struct say y;

		say_begin(&y, key);
		delivery_set(s, m->mid, m->rcpt[i], DLV_REJECTED, server, why,
		    &y);
	}
}

static void
sub_rcpt(struct sim *s, void *u, int idx, int code, const char *reply,
    int server)
{
	struct mua_send *m = u;
	const struct sc_action *act = &s->sc->actions[m->action];

	struct say y;

	if (code >= 200 && code < 300)
		return;		/* the server queued it: mta.c follows it from here */
	/*
	 * A reply refused it; code 0: no reply at all (the connection
	 * failed or the server fell silent), and {reason} says what.
	 */
	say_begin(&y, code != 0 ? "state.delivery.rejected" :
	    "state.delivery.rejected_unsent");
	if (code == 0)
		say_str(&y, "reason", reply);
	delivery_set(s, m->mid, m->rcpt[idx], DLV_REJECTED,
	    server >= 0 ? server : act->via, reply, &y);
}

static void
sub_done(struct sim *s, void *u)
{
	send_free(s, u);
}

static void
submit(struct sim *s, struct mua_send *m, uint32_t ip)
{
	const struct sc_action *act = &s->sc->actions[m->action];
	struct smtp_out_req r = {
		.mode = OUT_SUBMIT,
		.node = act->node,
		.ip = ip,
		.port = (uint16_t)act->port,
		.helo = s->sc->nodes[act->node].hostname,
		.sender = act->from,
		.rcpt = m->rcpt,
		.nrcpt = m->nrcpt,
		.data = m->msg.data,
		.len = m->msg.len,
		.auth_user = act->has_auth ? act->auth_user : NULL,
		.auth_password = act->has_auth ? act->auth_password : NULL,
		.on_rcpt = sub_rcpt,
		.on_done = sub_done,
		.u = m,
	};
	smtp_out_start(s, &r);
}

static void
via_found(struct sim *s, void *u, const struct dns_answer *a)
{
	struct mua_send *m = u;
	const struct sc_action *act = &s->sc->actions[m->action];

	m->dns = 0;
	if (a->status != DNS_OK || a->n == 0) {
		char *why = xasprintf("the mail program could not find %s "
		    "through DNS, so nothing was sent",
		    s->sc->nodes[act->via].hostname);
		reject_all(s, m, act->via, why, "state.delivery.rejected_no_dns");
		free(why);
		send_free(s, m);
		return;
	}
	submit(s, m, a->rr[0].rd.a);
}

void
mail_send_action(struct sim *s, int ai)
{
	const struct sc_action *act = &s->sc->actions[ai];
	struct mua_send *m = xcalloc(1, sizeof *m);

	m->s = s;
	m->action = ai;
	m->next = s->mail->sends;
	s->mail->sends = m;
	compose(s, act, ai, m);
	if (!s->nodes[act->node].up) {
		reject_all(s, m, act->node, "the sending machine is switched off",
		    "state.delivery.rejected_off");
		send_free(s, m);
		return;
	}
	if (act->via < 0) {
		mta_enqueue(s, act->node, NULL, act->from, m->rcpt, m->nrcpt,
		    m->msg.data, m->msg.len, m->mid);
		send_free(s, m);
		return;
	}
	const struct sc_node *n = &s->sc->nodes[act->node];
	if (n->resolver >= 0)
		m->dns = dns_query(s, act->node, s->sc->nodes[act->via].hostname,
		    DNS_T_A, via_found, m);
	else
		submit(s, m, s->sc->nodes[act->via].ip);
}

void
mua_free_all(struct sim *s)
{
	while (s->mail->sends)
		send_free(s, s->mail->sends);
}
