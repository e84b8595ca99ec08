/*
 * device.c: what a person's device keeps after fetching mail (S11, S12
 * of the story): the laptop that used POP3 holds the messages, the
 * server no longer does; with IMAP both devices hold copies and the
 * server keeps the original.
 */
#include "mail.h"
#include "smtp_wire.h"
#include "world.h"

#include <stdlib.h>
#include <string.h>

void
device_mark_fetched(struct sim *s, int node)
{
	s->mail->devices[node].fetched = 1;
}

void
device_store(struct sim *s, int node, int server, const char *user,
    enum fetch_proto proto, const char *uidl, uint32_t uidvalidity,
    uint32_t uid, const uint8_t *p, size_t n, int flags, const char *key)
{
	struct device *d = &s->mail->devices[node];
	struct say y;

	d->fetched = 1;
	if (d->nmsgs == d->capmsgs) {
		d->capmsgs = d->capmsgs ? d->capmsgs * 2 : 8;
		d->msgs = xrealloc(d->msgs, (size_t)d->capmsgs * sizeof *d->msgs);
	}
	struct dev_msg *m = &d->msgs[d->nmsgs++];
	memset(m, 0, sizeof *m);
	m->server = server;
	m->user = xstrdup(user);
	m->proto = proto;
	m->uidl = uidl ? xstrdup(uidl) : NULL;
	m->uidvalidity = uidvalidity;
	m->uid = uid;
	m->flags = flags;
	buf_append(&m->data, p, n);
	char *mid = mail_message_id(p, n);
	char *subject = mail_subject(p, n);
	m->message_id = xstrdup(mid ? mid : "");
	say_begin(&y, key);
	say_str(&y, "proto", proto == FETCH_POP3 ? "POP3" : "IMAP");
	say_str(&y, "user", user);
	say_num(&y, "count", d->nmsgs);
	if (uidl != NULL)
		say_str(&y, "value", uidl);
	else
		say_num(&y, "uid", uid);
	/* Which message it is and where from: whereis.c follows it by these. */
	if (mid != NULL)
		say_str(&y, "msgid", mid);
	if (subject != NULL)
		say_str(&y, "subject", subject);
	say_node(&y, "server", server);
	/* The node panel lists it by sender and size (mailstore.c keeps the bytes). */
	char *from = mail_from(p, n);
	if (from != NULL)
		say_str(&y, "from", from);
	say_num(&y, "size", (long long)n);
	free(from);
	free(mid);
	free(subject);
	sim_state_say(s, node, ST_CLIENT_STORE, (uint32_t)d->nmsgs,
	    sim_say(s, &y), "%s %s %s", proto == FETCH_POP3 ? "POP3" : "IMAP",
	    user, uidl ? uidl : "");
}

int
device_has_uidl(struct sim *s, int node, int server, const char *user,
    const char *uidl)
{
	const struct device *d = &s->mail->devices[node];

	for (int i = 0; i < d->nmsgs; i++)
		if (d->msgs[i].server == server && d->msgs[i].uidl &&
		    strcmp(d->msgs[i].user, user) == 0 &&
		    strcmp(d->msgs[i].uidl, uidl) == 0)
			return 1;
	return 0;
}

int
device_has_uid(struct sim *s, int node, int server, const char *user,
    uint32_t uidvalidity, uint32_t uid)
{
	const struct device *d = &s->mail->devices[node];

	for (int i = 0; i < d->nmsgs; i++)
		if (d->msgs[i].server == server && d->msgs[i].uid == uid &&
		    d->msgs[i].uidvalidity == uidvalidity &&
		    d->msgs[i].proto == FETCH_IMAP &&
		    strcmp(d->msgs[i].user, user) == 0)
			return 1;
	return 0;
}

void
device_free_all(struct sim *s)
{
	for (int i = 0; i < s->nnodes; i++) {
		struct device *d = &s->mail->devices[i];

		for (int k = 0; k < d->nmsgs; k++) {
			free(d->msgs[k].user);
			free(d->msgs[k].uidl);
			free(d->msgs[k].message_id);
			buf_free(&d->msgs[k].data);
		}
		free(d->msgs);
	}
	free(s->mail->devices);
}
