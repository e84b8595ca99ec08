/*
 * evtext.c: the event list's words for a record, and its chip (evtext.h).
 *
 * The words come from words.c; which words is decided by the record's
 * kind and numbers (a drop's reason, TCP's new state, a retransmission's
 * cause) or, for what the mail and DNS layers record, by the narration
 * key those layers chose (shared/DESIGN.md: the layer that acts picks
 * the key; here it is only looked up).  The text of the record is shown
 * only where it is the wire's own words (an SMTP command, a server's
 * reply) or data (an address, a DNS record).
 */
#include "evtext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"
#include "words.h"

/*
 * RFC 793 section 3.2 state names, in the order of sim/'s enum tcp_state
 * (tcp.h keeps that order fixed; render/ includes no protocol header, so
 * the numbers are here, as in view.c), with their words.
 */
static const char *const evtext_tcp_name[] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
	"TIME-WAIT",
};
static const enum word evtext_tcp_word[] = {
	W_TCP_CLOSED, W_TCP_LISTEN, W_TCP_SYN_SENT, W_TCP_SYN_RECEIVED,
	W_TCP_ESTABLISHED, W_TCP_FIN_WAIT_1, W_TCP_FIN_WAIT_2,
	W_TCP_CLOSE_WAIT, W_TCP_CLOSING, W_TCP_LAST_ACK, W_TCP_TIME_WAIT,
};
#define EVTEXT_NTCP (sizeof evtext_tcp_name / sizeof evtext_tcp_name[0])

/* enum drop_reason, in its order (trace.h). */
static const enum word evtext_drop[DROP_NREASONS] = {
	[DROP_LOSS] = W_DROP_LOSS,
	[DROP_LINK_DOWN] = W_DROP_LINK_DOWN,
	[DROP_NODE_DOWN] = W_DROP_NODE_DOWN,
	[DROP_QUEUE_FULL] = W_DROP_QUEUE_FULL,
	[DROP_TTL] = W_DROP_TTL,
	[DROP_NO_ROUTE] = W_DROP_NO_ROUTE,
	[DROP_NOT_FOR_ME] = W_DROP_NOT_FOR_ME,
	[DROP_NO_LISTENER] = W_DROP_NO_LISTENER,
	[DROP_BAD_PACKET] = W_DROP_BAD_PACKET,
	[DROP_TOO_BIG] = W_DROP_TOO_BIG,
};

/* enum tcp_retx_kind (trace.h). */
static const enum word evtext_retx[] = {
	[RETX_TIMEOUT] = W_RETX_TIMEOUT,
	[RETX_FAST] = W_RETX_FAST,
	[RETX_PARTIAL] = W_RETX_PARTIAL,
};

/* enum tcp_err of sim/net/tcp.h, in its order: refused, timeout, reset, host down. */
static const enum word evtext_tcp_err[] = {
	W_TCPERR_REFUSED, W_TCPERR_TIMEOUT, W_TCPERR_RESET, W_TCPERR_HOST_DOWN,
};

/* A mail session's state (the last part of a "session.*" key) in words. */
static const struct {
	const char	*state;
	enum word	 w;
} evtext_session[] = {
	{ "connecting", W_SS_CONNECTING },
	{ "connected", W_SS_CONNECTED },
	{ "greeting", W_SS_GREETING },
	{ "ehlo", W_SS_HELLO },
	{ "lhlo", W_SS_HELLO },
	{ "helo", W_SS_HELLO },
	{ "ready", W_SS_READY },
	{ "auth", W_SS_AUTH },
	{ "auth_plain", W_SS_AUTH },
	{ "auth_user", W_SS_AUTH },
	{ "auth_pass", W_SS_AUTH },
	{ "mail", W_SS_MAIL },
	{ "rcpt", W_SS_RCPT },
	{ "data", W_SS_DATA },
	{ "message", W_SS_MESSAGE },
	{ "quit", W_SS_QUIT },
	{ "closed", W_SS_CLOSED },
	{ "done", W_SS_CLOSED },
	{ "authorization", W_SS_AUTHORIZATION },
	{ "not_authenticated", W_SS_AUTHORIZATION },
	{ "transaction", W_SS_TRANSACTION },
	{ "authenticated", W_SS_TRANSACTION },
	{ "update", W_SS_UPDATE },
	{ "selected", W_SS_SELECTED },
	{ "logout", W_SS_LOGOUT },
};

/*
 * A delivery's outcome (the key after "state.delivery."): an exact key,
 * or a family ending in '_' (the "why" of a key may grow: queued_relay).
 */
static const struct {
	const char	*key;
	enum word	 w;
} evtext_delivery[] = {
	{ "delivered", W_DLV_DELIVERED },
	{ "queued_local", W_DLV_QUEUED_LOCAL },
	{ "queued_lmtp", W_DLV_QUEUED_LMTP },
	{ "queued", W_DLV_QUEUED },
	{ "queued_", W_DLV_QUEUED },
	{ "bounced", W_DLV_BOUNCED },
	{ "refused", W_DLV_REFUSED },
	{ "no_domain", W_DLV_NO_DOMAIN },
	{ "gave_up", W_DLV_GAVE_UP },
	{ "bounce_lost", W_DLV_BOUNCE_LOST },
	{ "rejected", W_DLV_REJECTED },
	{ "rejected_", W_DLV_NOT_SENT },
};

static unsigned
evtext_get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * The protocol a frame carries, by its ports (Ethernet, IPv4, TCP/UDP):
 * the scenario's services, then the well-known ports (ports.c); APP_NONE
 * for a TCP segment with no payload.
 */
static enum app_proto
evtext_frame_proto(const struct scenario *sc, const struct trace *tr,
    uint32_t frame)
{
	const struct trace_frame *f = trace_frame(tr, frame);
	const uint8_t *p = trace_frame_bytes(tr, frame);

	if (f == NULL || p == NULL || f->len < 14 + 20 + 8 ||
	    evtext_get16(p + 12) != 0x0800)
		return APP_NONE;
	const uint8_t *ip = p + 14;
	uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
	if (ihl < 20 || 14 + ihl + 4 > f->len)
		return APP_NONE;
	const uint8_t *l4 = ip + ihl;
	int tcp = ip[9] == 6, srv;
	int src = sim_node_by_ip(sc, (uint32_t)evtext_get16(ip + 12) << 16 |
	    evtext_get16(ip + 14));
	int dst = sim_node_by_ip(sc, (uint32_t)evtext_get16(ip + 16) << 16 |
	    evtext_get16(ip + 18));
	enum app_proto pr = sim_conn_proto(sc, src, evtext_get16(l4), dst,
	    evtext_get16(l4 + 2), &srv);
	if (tcp && 14 + ihl + 20 <= f->len) {
		uint32_t thl = (uint32_t)(l4[12] >> 4) * 4;
		uint32_t tot = evtext_get16(ip + 2);
		if (ihl + thl >= tot)
			return APP_NONE;	/* no payload: bare TCP */
	}
	return pr;
}

unsigned
evtext_chip(const struct scenario *sc, const struct trace *tr, size_t rec)
{
	struct trace_rec r;

	if (rec >= trace_count(tr))
		return EVTEXT_NOCHIP;
	r = trace_at(tr, rec);
	switch (r.kind) {
	case TR_APP:
		return r.a;
	case TR_FRAME_TX:
	case TR_FRAME_RX:
	case TR_FRAME_QUEUED:
	case TR_FRAME_DROP:
		if (r.frame == TRACE_NONE)
			return EVTEXT_NOCHIP;
		return evtext_frame_proto(sc, tr, r.frame);
	case TR_TCP_STATE:
	case TR_TCP_RETX:
	case TR_TCP_ERROR:
		return APP_NONE;
	}
	return EVTEXT_NOCHIP;
}

/* Appending to a buffer that never overflows. */
struct evtext_out {
	char	*p;
	size_t	 n, len;
};

static void
evtext_add(struct evtext_out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->len + 1 >= o->n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->p + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += (size_t)k < o->n - o->len ? (size_t)k : o->n - o->len - 1;
}

/* The string argument name of y (value, length), or 0 where it has none. */
static int
evtext_arg(const struct trace_say *y, const char *name, const char **v,
    int *len)
{
	size_t n = strlen(name);

	for (int i = 0; i < y->nargs; i++)
		if (y->arg[i].node < 0 && y->arg[i].name_len == n &&
		    memcmp(y->arg[i].name, name, n) == 0) {
			*v = y->arg[i].value;
			*len = (int)y->arg[i].value_len;
			return 1;
		}
	return 0;
}

/* Whether y's key is s exactly (prefix 0) or starts with s (prefix 1). */
static int
evtext_key(const struct trace_say *y, const char *s, int prefix)
{
	size_t n = strlen(s);

	if (prefix)
		return y->key_len >= n && memcmp(y->key, s, n) == 0;
	return y->key_len == n && memcmp(y->key, s, n) == 0;
}

/* Add ", {name}" style data: sep, then the argument, where y has it. */
static void
evtext_add_arg(struct evtext_out *o, const struct trace_say *y,
    const char *sep, const char *name)
{
	const char *v;
	int n;

	if (evtext_arg(y, name, &v, &n) && n > 0)
		evtext_add(o, "%s%.*s", sep, n, v);
}

/* The nth word (from 0) of text, as pointer and length; 0 where there is none. */
static int
evtext_word(const char *text, int nth, const char **w, int *len)
{
	const char *p = text;

	/* A multi-line reply keeps its CRLF (a POP3 status, then what follows). */
	for (int i = 0; *p; i++) {
		while (*p == ' ' || *p == '\r' || *p == '\n')
			p++;
		const char *b = p;
		while (*p && *p != ' ' && *p != '\r' && *p != '\n')
			p++;
		if (p == b)
			break;
		if (i == nth) {
			*w = b;
			*len = (int)(p - b);
			return 1;
		}
	}
	return 0;
}

/* A DNS message: what it asks or answers, by the key the DNS layer chose. */
static void
evtext_dns(struct evtext_out *o, const char *lang, const struct trace_say *y,
    const char *text)
{
	if (evtext_key(y, "dns.query.", 1)) {
		evtext_add(o, "%s:", words_get(lang, W_DNS_QUESTION));
		evtext_add_arg(o, y, " ", "type");
		evtext_add_arg(o, y, " ", "name");
		evtext_add(o, "?");
	} else if (evtext_key(y, "dns.answer.", 1)) {
		/* The records as the answer holds them, after the word "answer". */
		const char *w;
		int n;
		if (evtext_word(text, 0, &w, &n) && n == 6 &&
		    memcmp(w, "answer", 6) == 0)
			text = w + n + (w[n] == ' ');
		/* dns_describe's "(additional: ...)": the glue, in words. */
		const char *add = strstr(text, "(additional: ");
		if (add != NULL)
			evtext_add(o, "%s: %.*s(%s: %s", words_get(lang,
			    W_DNS_ANSWER), (int)(add - text), text,
			    words_get(lang, W_DNS_ADDITIONAL), add + 13);
		else
			evtext_add(o, "%s: %s", words_get(lang, W_DNS_ANSWER),
			    text);
	} else if (evtext_key(y, "dns.referral", 0)) {
		evtext_add(o, "%s:", words_get(lang, W_DNS_REFERRAL));
		evtext_add_arg(o, y, " ", "name");
		evtext_add_arg(o, y, " → ", "value");
	} else {
		static const struct {
			const char *key;
			enum word w;
		} k[] = {
			{ "dns.nxdomain", W_DNS_NXDOMAIN },
			{ "dns.nodata", W_DNS_NODATA },
			{ "dns.servfail", W_DNS_SERVFAIL },
			{ "dns.refused", W_DNS_REFUSED },
			{ "dns.truncated", W_DNS_TRUNCATED },
		};
		enum word w = W_DNS_ERROR;
		for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
			if (evtext_key(y, k[i].key, 0))
				w = k[i].w;
		evtext_add(o, "%s", words_get(lang, w));
		evtext_add_arg(o, y, ": ", "name");
		evtext_add_arg(o, y, " ", "type");
	}
}

/* A mail session's new state: "SMTP session: logged in (TRANSACTION)". */
static void
evtext_session_words(struct evtext_out *o, const char *lang,
    const struct trace_say *y, int have, const char *text)
{
	const char *proto = NULL, *state = NULL, *w;
	int plen = 0, slen = 0, n;

	/* "session.pop3_client.transaction": the protocol, then the state. */
	if (have && evtext_key(y, "session.", 1)) {
		proto = y->key + 8;
		while (proto + plen < y->key + y->key_len && proto[plen] != '_' &&
		    proto[plen] != '.')
			plen++;
		const char *dot = memchr(proto, '.', y->key_len - 8);
		if (dot != NULL) {
			state = dot + 1;
			slen = (int)(y->key + y->key_len - state);
		}
	}
	if (proto == NULL && evtext_word(text, 0, &w, &n)) {
		proto = w;
		plen = n;
	}
	/*
	 * A session record that tells more than its state (smtp.submit: the
	 * mail program connects to hand over a mail) names the new state only
	 * in its text, "SMTP CONNECTING -> GREETING", as the session writes it.
	 */
	char low[32];
	const char *to = strstr(text, "-> ");
	if (state == NULL && to != NULL) {
		int k = 0;
		for (const char *c = to + 3; *c && k < (int)sizeof low - 1; c++)
			low[k++] = *c >= 'A' && *c <= 'Z' ? *c + 32 :
			    *c == ' ' ? '_' : *c;
		low[k] = '\0';
		state = low;
		slen = k;
	}
	/* "IMAP session" / "sesi IMAP": the language puts the name. */
	char pr[16];
	int k = 0;
	for (; proto && k < plen && k < (int)sizeof pr - 1; k++)
		pr[k] = proto[k] >= 'a' && proto[k] <= 'z' ? proto[k] - 32 :
		    proto[k];
	pr[k] = '\0';
	const char *fmt = words_get(lang, W_EV_SESSION_OF);
	const char *ph = strstr(fmt, "%s");
	if (ph != NULL)
		evtext_add(o, "%.*s%s%s", (int)(ph - fmt), fmt, pr, ph + 2);
	else
		evtext_add(o, "%s %s", fmt, pr);
	evtext_add(o, ":");
	for (size_t i = 0; state && i < sizeof evtext_session /
	    sizeof evtext_session[0]; i++)
		if (strlen(evtext_session[i].state) == (size_t)slen &&
		    memcmp(evtext_session[i].state, state, (size_t)slen) == 0) {
			evtext_add(o, " %s", words_get(lang, evtext_session[i].w));
			break;
		}
	/*
	 * The protocol's own name of the state, in capitals as RFC 1939
	 * writes POP3's ("(TRANSACTION)"; IMAP's "logout" too).
	 */
	const char *arrow = strstr(text, "-> ");
	if (arrow != NULL) {
		evtext_add(o, " (");
		for (const char *c = arrow + 3; *c; c++)
			evtext_add(o, "%c", *c >= 'a' && *c <= 'z' ? *c - 32 :
			    *c == '_' ? ' ' : *c);
		evtext_add(o, ")");
	}
}

/* A change of state of an application: what changed, in words, and for whom. */
static void
evtext_state(struct evtext_out *o, const char *lang, const struct trace_rec *r,
    const struct trace_say *y, int have, const char *text)
{
	static const enum word st[ST_NWHATS] = {
		[ST_MAILBOX_ADD] = W_ST_MAILBOX_ADD,
		[ST_MAILBOX_DEL] = W_ST_MAILBOX_DEL,
		[ST_QUEUE_ADD] = W_ST_QUEUE_ADD,
		[ST_QUEUE_DEL] = W_ST_QUEUE_DEL,
		[ST_QUEUE_RETRY] = W_ST_QUEUE_RETRY,
		[ST_DNS_CACHE_ADD] = W_ST_DNS_ADD,
		[ST_DNS_CACHE_EXPIRE] = W_ST_DNS_EXPIRE,
		[ST_CLIENT_STORE] = W_ST_CLIENT_STORE,
		[ST_DELIVERY] = W_ST_DELIVERY,
		[ST_SESSION] = W_ST_SESSION,
		[ST_RECAP] = W_ST_RECAP,
		[ST_FLAGS] = W_ST_FLAGS,
	};
	const char *w;
	int n;

	if (r->a >= ST_NWHATS) {
		evtext_add(o, "%s", text);
		return;
	}
	switch ((enum state_what)r->a) {
	case ST_SESSION:
		evtext_session_words(o, lang, y, have, text);
		return;
	case ST_DELIVERY: {
		/* "penerima@...: accepted, to be passed on". */
		enum word dw = W_DLV_OTHER;
		for (size_t i = 0; have && i < sizeof evtext_delivery /
		    sizeof evtext_delivery[0]; i++) {
			char k[64];
			size_t kl = strlen(evtext_delivery[i].key);
			snprintf(k, sizeof k, "state.delivery.%s",
			    evtext_delivery[i].key);
			if (evtext_key(y, k, evtext_delivery[i].key[kl - 1] ==
			    '_')) {
				dw = evtext_delivery[i].w;
				break;
			}
		}
		const char *to;
		int tl;
		if (have && evtext_arg(y, "to", &to, &tl))
			evtext_add(o, "%.*s: ", tl, to);
		else if (evtext_word(text, 2, &w, &n))
			evtext_add(o, "%.*s: ", n, w);
		evtext_add(o, "%s", words_get(lang, dw));
		/* A refusal's code is the server's own word for it. */
		if (have && (dw == W_DLV_REFUSED || dw == W_DLV_REJECTED) &&
		    evtext_arg(y, "code", &w, &n))
			evtext_add(o, " (%.*s)", n, w);
		return;
	}
	case ST_QUEUE_RETRY: {
		enum word rw = W_RETRY_REPLY;
		if (have && evtext_key(y, "state.queue_retry.dns", 0))
			rw = W_RETRY_DNS;
		else if (have && evtext_key(y, "state.queue_retry.no_answer", 0))
			rw = W_RETRY_NO_ANSWER;
		evtext_add(o, "%s", words_get(lang, W_ST_QUEUE_RETRY));
		if (have && evtext_arg(y, "seconds", &w, &n))
			evtext_add(o, " (%.*s %s)", n, w, words_get(lang,
			    W_EV_SECONDS));
		evtext_add(o, ": %s", words_get(lang, rw));
		if (rw == W_RETRY_REPLY && have && evtext_arg(y, "code", &w, &n))
			evtext_add(o, " (%.*s)", n, w);
		return;
	}
	case ST_DNS_CACHE_ADD:
		/* "name TYPE value" as DNS writes it, for so many seconds. */
		evtext_add(o, "%s:", words_get(lang, st[r->a]));
		if (have && evtext_arg(y, "name", &w, &n)) {
			evtext_add_arg(o, y, " ", "name");
			evtext_add_arg(o, y, " ", "type");
			evtext_add_arg(o, y, " ", "value");
			if (evtext_arg(y, "seconds", &w, &n))
				evtext_add(o, ", %.*s %s", n, w,
				    words_get(lang, W_EV_SECONDS));
		} else
			evtext_add(o, " %s", text);
		return;
	case ST_DNS_CACHE_EXPIRE:
		evtext_add(o, "%s: %s", words_get(lang, st[r->a]), text);
		return;
	case ST_CHANGE:
		/* A what-if's change, in words, from its narration key and args. */
		if (have && evtext_key(y, "link.loss_changed", 0)) {
			evtext_add(o, "%s", words_get(lang, W_CH_LOSS));
			if (evtext_arg(y, "count", &w, &n))
				evtext_add(o, " %.*s%%", n, w);
		} else if (have && evtext_key(y, "dns.record_", 1)) {
			evtext_add(o, "%s:", words_get(lang, evtext_key(y,
			    "dns.record_added", 0) ? W_CH_DNS_ADD :
			    W_CH_DNS_REMOVE));
			evtext_add_arg(o, y, " ", "name");
			evtext_add_arg(o, y, " ", "type");
		} else if (have && evtext_key(y, "mail.password_changed", 0)) {
			evtext_add(o, "%s:", words_get(lang, W_CH_PASSWORD));
			evtext_add_arg(o, y, " ", "user");
		} else
			evtext_add(o, "%s", text);
		return;
	case ST_MAILBOX_ADD:
	case ST_MAILBOX_DEL:
		/* text: "address <message-id>". */
		evtext_add(o, "%s", words_get(lang, st[r->a]));
		if (evtext_word(text, 0, &w, &n))
			evtext_add(o, " %.*s", n, w);
		evtext_add(o, " (%s %u)", words_get(lang, r->a == ST_MAILBOX_ADD ?
		    W_EV_NOW : W_EV_LEFT), r->b);
		return;
	case ST_QUEUE_ADD:
		/* text: "<message-id> recipient". */
		evtext_add(o, "%s", words_get(lang, st[r->a]));
		if (evtext_word(text, 1, &w, &n))
			evtext_add(o, ", %s %.*s", words_get(lang, W_EV_FOR), n, w);
		evtext_add(o, " (%s %u)", words_get(lang, W_EV_NOW), r->b);
		return;
	case ST_QUEUE_DEL:
		evtext_add(o, "%s (%s %u)", words_get(lang, st[r->a]),
		    words_get(lang, W_EV_NOW), r->b);
		return;
	case ST_CLIENT_STORE:
		/* text: "POP3|IMAP user uidl". */
		evtext_add(o, "%s", words_get(lang, st[r->a]));
		if (evtext_word(text, 0, &w, &n))
			evtext_add(o, " (%.*s)", n, w);
		evtext_add(o, ", %s %u", words_get(lang, W_EV_NOW), r->b);
		return;
	case ST_RECAP:
		/* "in short: "Subject" → to": the narration tells the fate. */
		evtext_add(o, "%s:", words_get(lang, st[r->a]));
		if (have && evtext_arg(y, "subject", &w, &n))
			evtext_add(o, " \"%.*s\"", n, w);
		if (have && evtext_arg(y, "to", &w, &n))
			evtext_add(o, " → %.*s", n, w);
		return;
	case ST_FLAGS:
		/* "flags now: \Seen" (the IMAP names, as the protocol writes them). */
		evtext_add(o, "%s:", words_get(lang, st[r->a]));
		if (have && evtext_arg(y, "value", &w, &n) && n > 0)
			evtext_add(o, " %.*s", n, w);
		else
			evtext_add(o, " %s", words_get(lang, W_NOTHING));
		return;
	case ST_NWHATS:
		break;
	}
	evtext_add(o, "%s", text);
}

/*
 * Where the transcript puts a description in place of bytes a class need
 * not see (a message's content, a password), the engine that wrote the
 * line chose its narration key knowing it, with the numbers as arguments
 * (smtp_client.c, pop3_client.c, pop3_server.c, imap_client.c).  The line
 * is then the wire's words before the description (the first `wire`
 * words, as the engine writes them: "C: a1 LOGIN user") and the
 * description in the language's words, filled from the arguments; the
 * description in the text is ours, in English, and is not read.
 */
static const struct {
	const char	*key;		/* exact, or a family ending in '.' */
	int		 wire;
	enum word	 w;
	const char	*num1, *num2;	/* the arguments of %1 and %2 */
} evtext_elided[] = {
	{ "smtp.message", 1, W_EL_MESSAGE, "len", "count" },
	{ "smtp.message.", 1, W_EL_MESSAGE, "len", "count" },
	{ "lmtp.message", 1, W_EL_MESSAGE, "len", "count" },
	{ "lmtp.message.", 1, W_EL_MESSAGE, "len", "count" },
	{ "smtp.auth", 3, W_EL_AUTH, NULL, NULL },
	{ "pop3.pass", 2, W_EL_PASSWORD, NULL, NULL },
	{ "pop3.retr_reply", 4, W_EL_MESSAGE_FOLLOWS, "len", NULL },
	{ "imap.login", 4, W_EL_PASSWORD, NULL, NULL },
};

/* The description w in lang's words, %1 and %2 from y's arguments. */
static void
evtext_elision(struct evtext_out *o, const char *lang, enum word w,
    const struct trace_say *y, const char *num1, const char *num2)
{
	for (const char *c = words_get(lang, w); *c; c++) {
		const char *v, *name = c[1] == '1' ? num1 : num2;
		int n;

		if (c[0] == '%' && (c[1] == '1' || c[1] == '2')) {
			if (name != NULL && evtext_arg(y, name, &v, &n))
				evtext_add(o, "%.*s", n, v);
			else
				evtext_add(o, "?");
			c++;
		} else
			evtext_add(o, "%c", *c);
	}
}

/*
 * A mail protocol's line: the wire's own words as the transcript keeps
 * them, with the descriptions of what it leaves out (evtext_elided) in
 * the language's words.
 */
static void
evtext_mail_line(struct evtext_out *o, const char *lang,
    const struct trace_say *y, int have, const char *text)
{
	const char *w;
	int n;

	for (size_t i = 0; have && i < sizeof evtext_elided /
	    sizeof evtext_elided[0]; i++) {
		const char *k = evtext_elided[i].key;
		if (!evtext_key(y, k, k[strlen(k) - 1] == '.'))
			continue;
		if (!evtext_word(text, evtext_elided[i].wire - 1, &w, &n))
			break;		/* not the engine's line: as it is */
		evtext_add(o, "%.*s ", (int)(w + n - text), text);
		evtext_elision(o, lang, evtext_elided[i].w, y,
		    evtext_elided[i].num1, evtext_elided[i].num2);
		return;
	}
	/*
	 * RFC 3501 6.4.5: a FETCH response carries the whole message as a
	 * literal after BODY[] (or RFC822), written "{N}" on the line; the
	 * transcript's description follows it, in parentheses, and the
	 * server counted the octets it sent ({len}).  Other literals (a
	 * header, a part) keep the transcript's words.
	 */
	if (have && evtext_key(y, "imap.fetch_data", 1) &&
	    evtext_arg(y, "len", &w, &n)) {
		char lit[32];
		snprintf(lit, sizeof lit, "{%.*s} (", n < 20 ? n : 20, w);
		const char *at = strstr(text, lit);
		if (at != NULL && at - text >= 7 &&
		    (memcmp(at - 7, "BODY[] ", 7) == 0 ||
		    (at - text >= 7 && memcmp(at - 7, "RFC822 ", 7) == 0))) {
			const char *end = strchr(at + strlen(lit), ')');
			if (end != NULL) {
				evtext_add(o, "%.*s", (int)(at - text +
				    strlen(lit) - 1), text);
				evtext_elision(o, lang, W_EL_MESSAGE_OF, y,
				    "len", NULL);
				evtext_add(o, "%s", end + 1);
				return;
			}
		}
	}
	evtext_add(o, "%s", text);
}

void
evtext_summary(const struct scenario *sc, const struct trace *tr,
    const char *lang, size_t rec, char *buf, size_t n)
{
	struct evtext_out o = { buf, n, 0 };
	struct trace_rec r;
	struct trace_say y;

	(void)sc;
	if (n == 0)
		return;
	buf[0] = '\0';
	if (rec >= trace_count(tr))
		return;
	r = trace_at(tr, rec);
	const struct trace_frame *f = r.frame != TRACE_NONE ?
	    trace_frame(tr, r.frame) : NULL;
	const char *text = r.text ? trace_text_at(tr, r.text) : "";
	unsigned len = f ? f->len : 0;
	int have;

	memset(&y, 0, sizeof y);
	have = r.say != 0 && trace_say_read(tr, r.say, &y);
	unsigned a = r.a;

	switch (r.kind) {
	case TR_FRAME_QUEUED:
		evtext_add(&o, "%s, %u %s", words_get(lang, W_EV_WAITS), len,
		    words_get(lang, W_BYTES));
		break;
	case TR_FRAME_TX:
		evtext_add(&o, "%s, %u %s, TTL %u", words_get(lang, r.a ?
		    W_EV_SENT : W_EV_FORWARDED), len, words_get(lang, W_BYTES),
		    r.ttl);
		break;
	case TR_FRAME_RX:
		evtext_add(&o, "%s, %u %s", words_get(lang, W_EV_ARRIVES), len,
		    words_get(lang, W_BYTES));
		break;
	case TR_FRAME_DROP:
		evtext_add(&o, "✕ %s", words_get(lang, a < DROP_NREASONS ?
		    evtext_drop[a] : W_LOST));
		break;
	case TR_NODE_STATE:
		evtext_add(&o, "%s", words_get(lang, a ? W_EV_POWER_ON :
		    W_EV_POWER_OFF));
		break;
	case TR_LINK_STATE:
		evtext_add(&o, "%s", words_get(lang, a ? W_EV_LINK_UP :
		    W_EV_LINK_DOWN));
		break;
	case TR_TCP_STATE: {
		/* a: old state | new << 8; b: sport << 16 | dport (sim/tcp.c). */
		unsigned s = a >> 8 & 255;
		if (s < EVTEXT_NTCP)
			evtext_add(&o, "%s (%s)", words_get(lang,
			    evtext_tcp_word[s]), evtext_tcp_name[s]);
		evtext_add(&o, " · %u → %u", r.b >> 16, r.b & 0xffff);
		break;
	}
	case TR_TCP_RETX:
		evtext_add(&o, "%s", words_get(lang, W_EV_RETX));
		if (r.b < sizeof evtext_retx / sizeof evtext_retx[0])
			evtext_add(&o, ": %s", words_get(lang, evtext_retx[r.b]));
		break;
	case TR_TCP_ERROR:
		evtext_add(&o, "%s", words_get(lang, W_EV_TCP_ERR));
		if (a < sizeof evtext_tcp_err / sizeof evtext_tcp_err[0])
			evtext_add(&o, ": %s", words_get(lang, evtext_tcp_err[a]));
		break;
	case TR_APP:
		/* DNS speaks in our words; the mail protocols in their own (the wire's lines). */
		if (a == APP_DNS && have)
			evtext_dns(&o, lang, &y, text);
		else
			evtext_mail_line(&o, lang, &y, have, text);
		break;
	case TR_STATE:
		evtext_state(&o, lang, &r, &y, have, text);
		break;
	default:
		evtext_add(&o, "%s", trace_kind_name((enum trace_kind)r.kind));
	}
	/* One line: the trace keeps multi-line replies with their CRLFs. */
	for (char *c = buf; *c; c++)
		if (*c == '\r' || *c == '\n' || *c == '\t')
			*c = ' ';
}
