/*
 * summary.c: `surel run --summary`, the final state of a run as
 * shared/SPEC.md section 4 describes it: counts from the trace, every
 * account's mailbox, every mail server's queue, and the outcome of each
 * message for each envelope recipient.  Messages are described by
 * reading their bytes back (message.c), as a mail program would.
 */
#include "export.h"
#include "mail.h"
#include "message.h"
#include "world.h"

#include <stdlib.h>

static void
str_array(struct buf *out, char **v, int n)
{
	buf_putc(out, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			buf_puts(out, ", ");
		buf_json_str(out, v[i]);
	}
	buf_putc(out, ']');
}

static void
flags(struct buf *out, int f)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ MSGF_SEEN, "\\\\Seen" }, { MSGF_ANSWERED, "\\\\Answered" },
		{ MSGF_FLAGGED, "\\\\Flagged" }, { MSGF_DELETED, "\\\\Deleted" },
		{ MSGF_DRAFT, "\\\\Draft" },
	};
	int first = 1;

	buf_putc(out, '[');
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (f & names[i].bit) {
			buf_printf(out, "%s\"%s\"", first ? "" : ", ",
			    names[i].name);
			first = 0;
		}
	buf_putc(out, ']');
}

/* The MSG object; extra is written inside it, before the closing brace. */
static void
msg_object(struct buf *out, const uint8_t *p, size_t n, int fl,
    const char *extra)
{
	struct msg_info mi;
	static const char hex[] = "0123456789abcdef";

	if (msg_parse(p, n, &mi) != 0) {
		buf_printf(out, "{\"size\": %zu, \"unreadable\": true%s}", n,
		    extra ? extra : "");
		return;
	}
	buf_puts(out, "{\"message_id\": ");
	buf_json_str(out, mi.message_id ? mi.message_id : "");
	buf_puts(out, ", \"from\": ");
	buf_json_str(out, mi.from ? mi.from : "");
	buf_puts(out, ", \"to\": ");
	str_array(out, mi.to, mi.nto);
	if (mi.ncc) {
		buf_puts(out, ", \"cc\": ");
		str_array(out, mi.cc, mi.ncc);
	}
	buf_puts(out, ", \"subject\": ");
	buf_json_str(out, mi.subject ? mi.subject : "");
	buf_printf(out, ", \"size\": %zu, \"flags\": ", n);
	flags(out, fl);
	buf_printf(out, ", \"hops\": %d, \"attachments\": [", mi.hops);
	for (int i = 0; i < mi.natt; i++) {
		const struct msg_info_att *a = &mi.att[i];

		buf_puts(out, i ? ", {\"name\": " : "{\"name\": ");
		buf_json_str(out, a->name ? a->name : "");
		buf_puts(out, ", \"content_type\": ");
		buf_json_str(out, a->content_type ? a->content_type : "");
		buf_printf(out, ", \"size\": %llu, \"sha256\": \"",
		    (unsigned long long)a->size);
		for (int k = 0; k < 32; k++) {
			buf_putc(out, hex[a->sha256[k] >> 4]);
			buf_putc(out, hex[a->sha256[k] & 15]);
		}
		buf_puts(out, "\"}");
	}
	buf_putc(out, ']');
	if (extra)
		buf_puts(out, extra);
	buf_putc(out, '}');
	msg_info_free(&mi);
}

static void
mailboxes(const struct sim *s, struct buf *out)
{
	const struct mail_world *w = s->mail;

	buf_puts(out, "  \"mailboxes\": [");
	for (int i = 0; i < w->nboxes; i++) {
		const struct mailbox *mb = &w->boxes[i];

		buf_puts(out, i ? ",\n    " : "\n    ");
		buf_puts(out, "{\"server\": ");
		buf_json_str(out, s->sc->nodes[mb->node].id);
		buf_puts(out, ", \"address\": ");
		buf_json_str(out, mb->address);
		buf_puts(out, ", \"messages\": [");
		for (int k = 0; k < mb->nmsgs; k++) {
			char *uid = xasprintf(", \"uid\": %u", mb->msgs[k].uid);

			buf_puts(out, k ? ",\n      " : "\n      ");
			msg_object(out, mb->msgs[k].data.data,
			    mb->msgs[k].data.len, mb->msgs[k].flags, uid);
			free(uid);
		}
		buf_puts(out, mb->nmsgs ? "\n    ]}" : "]}");
	}
	buf_puts(out, w->nboxes ? "\n  ],\n" : "],\n");
}

/* Every device that fetched mail, with what it keeps (SPEC 4: "clients"). */
static void
clients(const struct sim *s, struct buf *out)
{
	const struct mail_world *w = s->mail;
	int first = 1;

	buf_puts(out, "  \"clients\": [");
	for (int i = 0; i < s->nnodes; i++) {
		const struct device *d = &w->devices[i];

		if (!d->fetched)
			continue;
		buf_puts(out, first ? "\n    " : ",\n    ");
		first = 0;
		buf_puts(out, "{\"node\": ");
		buf_json_str(out, s->sc->nodes[i].id);
		buf_puts(out, ", \"messages\": [");
		for (int k = 0; k < d->nmsgs; k++) {
			const struct dev_msg *m = &d->msgs[k];
			struct buf extra = { 0 };

			buf_printf(&extra, ", \"protocol\": \"%s\", \"server\": ",
			    m->proto == FETCH_POP3 ? "pop3" : "imap");
			buf_json_str(&extra, s->sc->nodes[m->server].id);
			buf_puts(out, k ? ",\n      " : "\n      ");
			msg_object(out, m->data.data, m->data.len, m->flags,
			    (char *)extra.data);
			buf_free(&extra);
		}
		buf_puts(out, d->nmsgs ? "\n    ]}" : "]}");
	}
	buf_puts(out, first ? "],\n" : "\n  ],\n");
}

static void
queues(const struct sim *s, struct buf *out)
{
	const struct mail_world *w = s->mail;
	int first = 1;

	buf_puts(out, "  \"queues\": [");
	for (int i = 0; i < s->nnodes; i++) {
		const struct mta *m = w->mta[i];

		if (m == NULL)
			continue;
		buf_puts(out, first ? "\n    " : ",\n    ");
		first = 0;
		buf_puts(out, "{\"server\": ");
		buf_json_str(out, s->sc->nodes[i].id);
		buf_puts(out, ", \"messages\": [");
		int k = 0;
		for (const struct qitem *it = m->queue; it; it = it->next, k++) {
			struct buf extra = { 0 };
			const char *err = NULL;

			for (int r = 0; r < it->nrcpt; r++)
				if (!it->rcpt[r].done && it->rcpt[r].last_error)
					err = it->rcpt[r].last_error;
			buf_printf(&extra, ", \"queue_id\": \"%s\", \"envelope_from\": ",
			    it->qid);
			buf_json_str(&extra, it->sender);
			buf_puts(&extra, ", \"envelope_to\": [");
			int n = 0;
			for (int r = 0; r < it->nrcpt; r++)
				if (!it->rcpt[r].done) {
					buf_puts(&extra, n++ ? ", " : "");
					buf_json_str(&extra, it->rcpt[r].addr);
				}
			buf_printf(&extra, "], \"attempts\": %d, \"last_error\": ",
			    it->attempts);
			buf_json_str(&extra, err ? err : "");
			buf_puts(out, k ? ",\n      " : "\n      ");
			msg_object(out, it->data.data, it->data.len, 0,
			    (char *)extra.data);
			buf_free(&extra);
		}
		buf_puts(out, k ? "\n    ]}" : "]}");
	}
	buf_puts(out, first ? "],\n" : "\n  ],\n");
}

static void
deliveries(const struct sim *s, struct buf *out)
{
	const struct mail_world *w = s->mail;

	buf_puts(out, "  \"deliveries\": [");
	for (int i = 0; i < w->ndlv; i++) {
		const struct delivery *d = &w->dlv[i];

		buf_puts(out, i ? ",\n    " : "\n    ");
		buf_puts(out, "{\"message_id\": ");
		buf_json_str(out, d->message_id);
		buf_puts(out, ", \"recipient\": ");
		buf_json_str(out, d->rcpt);
		buf_printf(out, ", \"status\": \"%s\", \"server\": ",
		    delivery_status_str(d->status));
		buf_json_str(out, s->sc->nodes[d->server].id);
		buf_puts(out, ", \"reply\": ");
		buf_json_str(out, d->reply ? d->reply : "");
		buf_putc(out, '}');
	}
	buf_puts(out, w->ndlv ? "\n  ]\n" : "]\n");
}

void
export_summary(const struct sim *s, struct buf *out)
{
	const struct scenario *sc = sim_scenario(s);
	struct sim_stats st;

	if (s->mail != NULL && s->mail->bodies_gone)
		fatalx("export_summary after mail_forget_bodies");
	sim_stats(s, &st);
	buf_puts(out, "{\n  \"surel\": 1,\n  \"title\": ");
	buf_json_str(out, sc_text_get(&sc->title, "en"));
	buf_printf(out, ",\n  \"seed\": %llu,\n  \"sim_time_ms\": %.6f,\n",
	    (unsigned long long)sim_seed(s), (double)sim_now(s) / 1e6);
	/*
	 * "events" counts trace records (what the run wrote, not the engine's
	 * events): SPEC section 4 names the key, so it keeps its name.
	 */
	buf_printf(out, "  \"events\": %llu,\n  \"packets\": %llu,\n"
	    "  \"transmissions\": %llu,\n  \"dropped\": %llu,\n"
	    "  \"retransmissions\": %llu,\n",
	    (unsigned long long)st.records, (unsigned long long)st.packets,
	    (unsigned long long)st.transmissions,
	    (unsigned long long)st.dropped,
	    (unsigned long long)st.retransmissions);
	mailboxes(s, out);
	clients(s, out);
	queues(s, out);
	deliveries(s, out);
	buf_puts(out, "}\n");
}
