/*
 * mail.c: builds and tears down the mail layers of the world: one
 * mailbox per account, a queue and listeners on every mail server.
 */
#include "mail.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

void	mua_free_all(struct sim *);
void	device_free_all(struct sim *);

void
mail_start(struct sim *s)
{
	const struct scenario *sc = s->sc;
	struct mail_world *w = xcalloc(1, sizeof *w);

	s->mail = w;
	w->nboxes = sc->naccounts;
	w->boxes = xcalloc((size_t)sc->naccounts + 1, sizeof *w->boxes);
	for (int i = 0; i < sc->naccounts; i++) {
		struct mailbox *mb = &w->boxes[i];

		mb->account = i;
		mb->node = sc->accounts[i].server;
		mb->address = sc->accounts[i].address;
		mb->user = sc->accounts[i].user;
		mb->password = sc->accounts[i].password;
		mb->uidnext = 1;
		/* RFC 3501 2.3.1.1: any value that does not change while the store lives. */
		mb->uidvalidity = 1000 + (uint32_t)i;
		hmap_add(&w->box_by_addr, hash_lower(mb->address), i);
		hmap_add(&w->box_by_user, hash_str(mb->user), i);
	}
	w->devices = xcalloc((size_t)s->nnodes, sizeof *w->devices);
	w->mta = xcalloc((size_t)s->nnodes, sizeof *w->mta);
	for (int i = 0; i < s->nnodes; i++) {
		const struct sc_node *n = &sc->nodes[i];

		if (n->smtp.present || n->submission.present) {
			w->mta[i] = xcalloc(1, sizeof *w->mta[i]);
			w->mta[i]->node = i;
			rng_derive(&w->mta[i]->mx_rng, s->seed, RNG_MX_ORDER,
			    (uint32_t)i);
		}
		if (n->smtp.present || n->submission.present || n->lmtp.present)
			smtp_server_start(s, i);
		if (n->pop3.present)
			pop3_server_start(s, i);
		if (n->imap.present)
			imap_server_start(s, i);
	}
}

void
mail_fetch_action(struct sim *s, int ai)
{
	const struct sc_action *act = &s->sc->actions[ai];

	device_mark_fetched(s, act->node);
	if (act->protocol == SC_POP3)
		pop3_fetch(s, ai);
	else
		imap_fetch(s, ai);
}

void
mail_set_password(struct sim *s, int account, const char *password)
{
	struct mailbox *mb = &s->mail->boxes[account];
	struct say y;

	/* A session already logged in stays so, as on a real server. */
	mb->password = password;
	say_begin(&y, "mail.password_changed");
	say_node(&y, "node", mb->node);
	say_str(&y, "user", mb->address);
	sim_state_say(s, mb->node, ST_CHANGE, 0, sim_say(s, &y),
	    "password %s", mb->address);
}

void
mail_power(struct sim *s, int node, int up)
{
	mta_power(s, node, up);
}

void
mail_forget_bodies(struct sim *s)
{
	struct mail_world *w = s->mail;

	if (w == NULL)
		return;
	for (int i = 0; i < w->nboxes; i++)
		for (int k = 0; k < w->boxes[i].nmsgs; k++)
			buf_free(&w->boxes[i].msgs[k].data);
	for (int i = 0; i < s->nnodes; i++)
		for (int k = 0; k < w->devices[i].nmsgs; k++)
			buf_free(&w->devices[i].msgs[k].data);
	w->bodies_gone = 1;
}

void
mail_free(struct sim *s)
{
	struct mail_world *w = s->mail;

	if (w == NULL)
		return;
	mua_free_all(s);
	pop3_free_all(s);
	imap_free_all(s);
	smtp_out_free_all(s);
	smtp_server_free_all(s);
	mta_free_all(s);
	for (int i = 0; i < w->nboxes; i++) {
		struct mailbox *mb = &w->boxes[i];

		for (int k = 0; k < mb->nmsgs; k++) {
			buf_free(&mb->msgs[k].data);
			free(mb->msgs[k].message_id);
		}
		free(mb->msgs);
	}
	free(w->boxes);
	for (int i = 0; i < w->ndlv; i++) {
		free(w->dlv[i].message_id);
		free(w->dlv[i].rcpt);
		free(w->dlv[i].reply);
	}
	free(w->dlv);
	hmap_free(&w->box_by_addr);
	hmap_free(&w->box_by_user);
	hmap_free(&w->dlv_by_key);
	for (int i = 0; i < w->norigins; i++) {
		free(w->origins[i].message_id);
		free(w->origins[i].subject);
		free(w->origins[i].sender);
		free(w->origins[i].about);
	}
	free(w->origins);
	device_free_all(s);
	free(w->mta);
	for (int i = 0; i < w->nkeep; i++)
		free(w->keep[i]);
	free(w->keep);
	free(w);
	s->mail = NULL;
}
