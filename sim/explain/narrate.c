/*
 * narrate.c: what each step of the trace means, as a key and as a
 * sentence in the student's language (narrate.h).
 *
 * A record says what happened in the simulator's own terms: a frame
 * with its bytes, a TCP state number, an application message as the
 * transcript shows it ("C: RCPT TO:<penerima@penerimamail.com>",
 * "S: 550 5.1.1 ...", "query MX penerimamail.com?").  The narrator reads
 * those terms back, the way a person reading the transcript would:
 *
 *   - frames: the Ethernet/IPv4/TCP/UDP headers of the frame's bytes
 *     (RFC 791, RFC 793, RFC 768), for their lengths, addresses and
 *     which application's port they belong to (net.c and tcp.c name
 *     what each frame is: a SYN, a piece of data, a hop of a router);
 *   - POP3 (RFC 1939) and IMAP (RFC 3501): a reply means something only
 *     next to the command it answers ("+OK" to PASS is a login, to DELE
 *     a deletion), so the narrator looks back through the trace for the
 *     last command of the same session;
 *   - changes of state: the texts sim_state() wrote.
 *
 * SMTP and LMTP, the mailboxes, the queues and the delivery outcomes
 * are not read back: the mail layer writes their key and arguments into
 * the record (from_say()), since only it knows whether a message went
 * into a mailbox here, to LMTP, to a relay or to a domain's MX.
 *
 * Nothing here changes the trace or the sim; everything is computed
 * again for each record, so the window can narrate any step in any
 * order, backwards included.
 */
#include "narrate.h"

#include <cjson/cJSON.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tcp.h"

/* ---------------------------------------------------------------- */
/* The keys */

/*
 * Every key, once: the enum and the strings come from this one list,
 * so narrate_key() cannot return a key that narrate_keys() lacks.
 */
#define NARR_KEYS(X) \
	X(K_FRAME_QUEUED,		"frame.queued") \
	X(K_FRAME_TX_ORIGIN,		"frame.tx.origin") \
	X(K_FRAME_TX_SYN,		"frame.tx.origin.tcp_syn") \
	X(K_FRAME_TX_SYN_ACK,		"frame.tx.origin.tcp_syn_ack") \
	X(K_FRAME_TX_ACK,		"frame.tx.origin.tcp_ack") \
	X(K_FRAME_TX_DATA,		"frame.tx.origin.tcp_data") \
	X(K_FRAME_TX_FIN,		"frame.tx.origin.tcp_fin") \
	X(K_FRAME_TX_RST,		"frame.tx.origin.tcp_rst") \
	X(K_FRAME_TX_UDP,		"frame.tx.origin.udp") \
	X(K_FRAME_TX_FORWARD,		"frame.tx.forward") \
	X(K_FRAME_TX_FORWARD_LAST,	"frame.tx.forward.last") \
	X(K_FRAME_RX,			"frame.rx") \
	X(K_FRAME_RX_ARRIVED,		"frame.rx.arrived") \
	X(K_DROP_LOSS,			"frame.drop.loss") \
	X(K_DROP_LINK_DOWN,		"frame.drop.link_down") \
	X(K_DROP_NODE_DOWN,		"frame.drop.node_down") \
	X(K_DROP_QUEUE_FULL,		"frame.drop.queue_full") \
	X(K_DROP_TTL,			"frame.drop.ttl") \
	X(K_DROP_NO_ROUTE,		"frame.drop.no_route") \
	X(K_DROP_NOT_FOR_ME,		"frame.drop.not_for_me") \
	X(K_DROP_NO_LISTENER,		"frame.drop.no_listener") \
	X(K_DROP_BAD_PACKET,		"frame.drop.bad_packet") \
	X(K_DROP_TOO_BIG,		"frame.drop.too_big") \
	X(K_DROP_OTHER,			"frame.drop.other") \
	X(K_NODE_OFF,			"node.off") \
	X(K_NODE_ON,			"node.on") \
	X(K_LINK_DOWN,			"link.down") \
	X(K_LINK_UP,			"link.up") \
	X(K_TCP_CLOSED,			"tcp.state.closed") \
	X(K_TCP_LISTEN,			"tcp.state.listen") \
	X(K_TCP_SYN_SENT,		"tcp.state.syn_sent") \
	X(K_TCP_SYN_RECEIVED,		"tcp.state.syn_received") \
	X(K_TCP_ESTABLISHED,		"tcp.state.established") \
	X(K_TCP_FIN_WAIT_1,		"tcp.state.fin_wait_1") \
	X(K_TCP_FIN_WAIT_2,		"tcp.state.fin_wait_2") \
	X(K_TCP_CLOSE_WAIT,		"tcp.state.close_wait") \
	X(K_TCP_CLOSING,		"tcp.state.closing") \
	X(K_TCP_LAST_ACK,		"tcp.state.last_ack") \
	X(K_TCP_TIME_WAIT,		"tcp.state.time_wait") \
	X(K_TCP_STATE_OTHER,		"tcp.state.other") \
	X(K_RETX_TIMEOUT,		"tcp.retx.timeout") \
	X(K_RETX_FAST,			"tcp.retx.fast") \
	X(K_RETX_PARTIAL,		"tcp.retx.partial_ack") \
	X(K_TCPERR_REFUSED,		"tcp.error.refused") \
	X(K_TCPERR_TIMEOUT,		"tcp.error.timeout") \
	X(K_TCPERR_RESET,		"tcp.error.reset") \
	X(K_TCPERR_HOST_DOWN,		"tcp.error.host_down") \
	X(K_TCPERR_OTHER,		"tcp.error.other") \
	X(K_SMTP_GREETING,		"smtp.greeting") \
	X(K_SMTP_EHLO,			"smtp.ehlo") \
	X(K_SMTP_HELO,			"smtp.helo") \
	X(K_SMTP_EHLO_REPLY,		"smtp.ehlo_reply") \
	X(K_SMTP_HELO_REPLY,		"smtp.helo_reply") \
	X(K_SMTP_AUTH,			"smtp.auth") \
	X(K_SMTP_AUTH_LOGIN,		"smtp.auth_login") \
	X(K_SMTP_AUTH_CHALLENGE,	"smtp.auth_challenge") \
	X(K_SMTP_AUTH_OK,		"smtp.auth_ok") \
	X(K_SMTP_AUTH_FAILED,		"smtp.auth_failed") \
	X(K_SMTP_AUTH_REQUIRED,		"smtp.auth_required") \
	X(K_SMTP_MAIL_FROM,		"smtp.mail_from") \
	X(K_SMTP_MAIL_FROM_NULL,	"smtp.mail_from_null") \
	X(K_SMTP_MAIL_OK,		"smtp.mail_ok") \
	X(K_SMTP_MAIL_OK_NULL,		"smtp.mail_ok_null") \
	X(K_SMTP_RCPT_TO,		"smtp.rcpt_to") \
	X(K_SMTP_RCPT_OK,		"smtp.rcpt_ok") \
	X(K_SMTP_RCPT_UNKNOWN,		"smtp.rcpt_unknown_user") \
	X(K_SMTP_RELAY_DENIED,		"smtp.relay_denied") \
	X(K_SMTP_DATA,			"smtp.data") \
	X(K_SMTP_DATA_GO,		"smtp.data_go_ahead") \
	X(K_SMTP_MESSAGE,		"smtp.message") \
	X(K_SMTP_QUEUED,		"smtp.queued") \
	X(K_SMTP_QUEUED_LOCAL,		"smtp.queued_local") \
	X(K_SMTP_QUEUED_LMTP,		"smtp.queued_lmtp") \
	X(K_SMTP_QUEUED_RELAY,		"smtp.queued_relay") \
	X(K_SMTP_QUEUED_MX,		"smtp.queued_mx") \
	X(K_SMTP_TOO_BIG,		"smtp.too_big") \
	X(K_SMTP_LOOP,			"smtp.loop") \
	X(K_SMTP_QUIT,			"smtp.quit") \
	X(K_SMTP_BYE,			"smtp.bye") \
	X(K_SMTP_REPLY_2,		"smtp.reply.2xx") \
	X(K_SMTP_REPLY_4,		"smtp.reply.4xx") \
	X(K_SMTP_REPLY_5,		"smtp.reply.5xx") \
	X(K_LMTP_GREETING,		"lmtp.greeting") \
	X(K_LMTP_LHLO,			"lmtp.lhlo") \
	X(K_LMTP_LHLO_REPLY,		"lmtp.lhlo_reply") \
	X(K_LMTP_MAIL_FROM,		"lmtp.mail_from") \
	X(K_LMTP_MAIL_FROM_NULL,	"lmtp.mail_from_null") \
	X(K_LMTP_MAIL_OK,		"lmtp.mail_ok") \
	X(K_LMTP_MAIL_OK_NULL,		"lmtp.mail_ok_null") \
	X(K_LMTP_RCPT_TO,		"lmtp.rcpt_to") \
	X(K_LMTP_RCPT_OK,		"lmtp.rcpt_ok") \
	X(K_LMTP_RCPT_UNKNOWN,		"lmtp.rcpt_unknown_user") \
	X(K_LMTP_DATA,			"lmtp.data") \
	X(K_LMTP_DATA_GO,		"lmtp.data_go_ahead") \
	X(K_LMTP_MESSAGE,		"lmtp.message") \
	X(K_LMTP_DELIVERED,		"lmtp.delivered") \
	X(K_LMTP_QUIT,			"lmtp.quit") \
	X(K_LMTP_BYE,			"lmtp.bye") \
	X(K_LMTP_REPLY_2,		"lmtp.reply.2xx") \
	X(K_LMTP_REPLY_4,		"lmtp.reply.4xx") \
	X(K_LMTP_REPLY_5,		"lmtp.reply.5xx") \
	X(K_DNS_QUERY_A,		"dns.query.a") \
	X(K_DNS_QUERY_MX,		"dns.query.mx") \
	X(K_DNS_QUERY_CNAME,		"dns.query.cname") \
	X(K_DNS_QUERY_TXT,		"dns.query.txt") \
	X(K_DNS_QUERY_NS,		"dns.query.ns") \
	X(K_DNS_QUERY_OTHER,		"dns.query.other") \
	X(K_DNS_ANSWER_A,		"dns.answer.a") \
	X(K_DNS_ANSWER_MX,		"dns.answer.mx") \
	X(K_DNS_ANSWER_MX_SEVERAL,	"dns.answer.mx.several") \
	X(K_DNS_ANSWER_CNAME,		"dns.answer.cname") \
	X(K_DNS_ANSWER_TXT,		"dns.answer.txt") \
	X(K_DNS_ANSWER_NS,		"dns.answer.ns") \
	X(K_DNS_ANSWER_OTHER,		"dns.answer.other") \
	X(K_DNS_NXDOMAIN,		"dns.nxdomain") \
	X(K_DNS_NODATA,			"dns.nodata") \
	X(K_DNS_REFERRAL,		"dns.referral") \
	X(K_DNS_SERVFAIL,		"dns.servfail") \
	X(K_DNS_REFUSED,		"dns.refused") \
	X(K_DNS_TRUNCATED,		"dns.truncated") \
	X(K_DNS_ERROR,			"dns.error") \
	X(K_POP3_GREETING,		"pop3.greeting") \
	X(K_POP3_USER,			"pop3.user") \
	X(K_POP3_USER_OK,		"pop3.user_ok") \
	X(K_POP3_PASS,			"pop3.pass") \
	X(K_POP3_LOGIN_OK,		"pop3.login_ok") \
	X(K_POP3_LOGIN_FAILED,		"pop3.login_failed") \
	X(K_POP3_STAT,			"pop3.stat") \
	X(K_POP3_STAT_REPLY,		"pop3.stat_reply") \
	X(K_POP3_LIST,			"pop3.list") \
	X(K_POP3_LIST_REPLY,		"pop3.list_reply") \
	X(K_POP3_UIDL,			"pop3.uidl") \
	X(K_POP3_UIDL_REPLY,		"pop3.uidl_reply") \
	X(K_POP3_RETR,			"pop3.retr") \
	X(K_POP3_RETR_REPLY,		"pop3.retr_reply") \
	X(K_POP3_DELE,			"pop3.dele") \
	X(K_POP3_DELE_REPLY,		"pop3.dele_reply") \
	X(K_POP3_QUIT,			"pop3.quit") \
	X(K_POP3_BYE,			"pop3.bye") \
	X(K_POP3_COMMAND,		"pop3.command") \
	X(K_POP3_OK,			"pop3.ok") \
	X(K_POP3_ERR,			"pop3.err") \
	X(K_IMAP_GREETING,		"imap.greeting") \
	X(K_IMAP_LOGIN,			"imap.login") \
	X(K_IMAP_LOGIN_OK,		"imap.login_ok") \
	X(K_IMAP_LOGIN_FAILED,		"imap.login_failed") \
	X(K_IMAP_SELECT,		"imap.select") \
	X(K_IMAP_SELECT_OK,		"imap.select_ok") \
	X(K_IMAP_FLAGS,			"imap.flags") \
	X(K_IMAP_EXISTS,		"imap.exists") \
	X(K_IMAP_RECENT,		"imap.recent") \
	X(K_IMAP_UNSEEN,		"imap.unseen") \
	X(K_IMAP_UIDVALIDITY,		"imap.uidvalidity") \
	X(K_IMAP_UIDNEXT,		"imap.uidnext") \
	X(K_IMAP_PERMANENTFLAGS,	"imap.permanentflags") \
	X(K_IMAP_SEARCH,		"imap.search") \
	X(K_IMAP_SEARCH_RESULT,		"imap.search_result") \
	X(K_IMAP_SEARCH_OK,		"imap.search_ok") \
	X(K_IMAP_FETCH,			"imap.fetch") \
	X(K_IMAP_FETCH_DATA,		"imap.fetch_data") \
	X(K_IMAP_FETCH_FLAGS,		"imap.fetch_flags") \
	X(K_IMAP_FETCH_OK,		"imap.fetch_ok") \
	X(K_IMAP_STORE,			"imap.store") \
	X(K_IMAP_STORE_OK,		"imap.store_ok") \
	X(K_IMAP_EXPUNGE,		"imap.expunge") \
	X(K_IMAP_EXPUNGED,		"imap.expunged") \
	X(K_IMAP_EXPUNGE_OK,		"imap.expunge_ok") \
	X(K_IMAP_LOGOUT,		"imap.logout") \
	X(K_IMAP_LOGOUT_OK,		"imap.logout_ok") \
	X(K_IMAP_BYE,			"imap.bye") \
	X(K_IMAP_COMMAND,		"imap.command") \
	X(K_IMAP_UNTAGGED,		"imap.untagged") \
	X(K_IMAP_OK,			"imap.ok") \
	X(K_IMAP_NO,			"imap.no") \
	X(K_IMAP_BAD,			"imap.bad") \
	X(K_ST_MAILBOX_ADD,		"state.mailbox_add") \
	X(K_ST_MAILBOX_ADD_BOUNCE,	"state.mailbox_add_bounce") \
	X(K_ST_MAILBOX_DEL,		"state.mailbox_del") \
	X(K_ST_MAILBOX_DEL_POP3,	"state.mailbox_del_pop3") \
	X(K_ST_MAILBOX_DEL_IMAP,	"state.mailbox_del_imap") \
	X(K_ST_QUEUE_ADD,		"state.queue_add") \
	X(K_ST_QUEUE_ADD_LOCAL,		"state.queue_add_local") \
	X(K_ST_QUEUE_ADD_LMTP,		"state.queue_add_lmtp") \
	X(K_ST_QUEUE_ADD_BOUNCE,	"state.queue_add_bounce") \
	X(K_ST_QUEUE_DEL,		"state.queue_del") \
	X(K_ST_QUEUE_RETRY,		"state.queue_retry") \
	X(K_ST_DNS_CACHE_ADD,		"state.dns_cache_add") \
	X(K_ST_DNS_CACHE_EXPIRE,	"state.dns_cache_expire") \
	X(K_ST_CLIENT_STORE,		"state.client_store") \
	X(K_ST_CLIENT_STORE_POP3,	"state.client_store_pop3") \
	X(K_ST_CLIENT_STORE_IMAP,	"state.client_store_imap") \
	X(K_ST_DELIVERED,		"state.delivery.delivered") \
	X(K_ST_BOUNCED,			"state.delivery.bounced") \
	X(K_ST_REFUSED,			"state.delivery.refused") \
	X(K_ST_NO_DOMAIN,		"state.delivery.no_domain") \
	X(K_ST_GAVE_UP,			"state.delivery.gave_up") \
	X(K_ST_BOUNCE_LOST,		"state.delivery.bounce_lost") \
	X(K_ST_QUEUED,			"state.delivery.queued") \
	X(K_ST_QUEUED_LOCAL,		"state.delivery.queued_local") \
	X(K_ST_QUEUED_LMTP,		"state.delivery.queued_lmtp") \
	X(K_ST_REJECTED,		"state.delivery.rejected") \
	X(K_ST_REJECTED_UNSENT,		"state.delivery.rejected_unsent") \
	X(K_ST_REJECTED_NO_DNS,		"state.delivery.rejected_no_dns") \
	X(K_ST_REJECTED_OFF,		"state.delivery.rejected_off") \
	X(K_ST_OTHER,			"state.other") \
	X(K_APP_OTHER,			"app.other") \
	X(K_UNKNOWN,			"unknown")

#define NARR_ENUM(e, s)	e,
#define NARR_STR(e, s)	s,
enum narr_key { NARR_KEYS(NARR_ENUM) K_N };
static const char *const narr_key_str[K_N] = { NARR_KEYS(NARR_STR) };

/* The placeholders, in the order of enum narr_ph. */
#define NARR_PHS(X) \
	X(PH_NODE, "node") X(PH_PEER, "peer") X(PH_HOST, "host") \
	X(PH_PEER_HOST, "peer_host") X(PH_IP, "ip") X(PH_PEER_IP, "peer_ip") \
	X(PH_PROTO, "proto") X(PH_TIME, "time") X(PH_LEN, "len") \
	X(PH_TTL, "ttl") X(PH_REASON, "reason") X(PH_FROM, "from") \
	X(PH_TO, "to") X(PH_DOMAIN, "domain") X(PH_CODE, "code") \
	X(PH_REPLY, "reply") X(PH_NAME, "name") X(PH_TYPE, "type") \
	X(PH_VALUE, "value") X(PH_USER, "user") X(PH_COUNT, "count") \
	X(PH_SUBJECT, "subject") X(PH_PORT, "port") X(PH_STATE, "state") \
	X(PH_SRC, "src") X(PH_DST, "dst") X(PH_FLAGS, "flags") \
	X(PH_SECONDS, "seconds") \
	X(PH_NEXT, "next") X(PH_BY, "by")

enum narr_ph { NARR_PHS(NARR_ENUM) PH_N };
static const char *const narr_ph_str[PH_N] = { NARR_PHS(NARR_STR) };

/* A placeholder name is at most this long: "{...}" beyond it is just text. */
#define PH_NAME_MAX	32
/* How far back a reply looks for the command it answers. */
#define SESS_LOOKBACK	200000
/* A sentence in a language file: one line, at most this many bytes. */
#define NARR_TEXT_MAX	2000

/* ---------------------------------------------------------------- */
/* The values of one step */

/*
 * The values of the placeholders for one record: off[ph] is 1 + the
 * offset of a NUL-terminated string in arena, 0 where unknown.
 */
struct narr_args {
	size_t		 off[PH_N];
	struct buf	 arena;
};

/* Everything a classifier needs about the record in hand. */
struct narr_ctx {
	const struct sim	*s;
	const struct trace	*tr;
	const struct scenario	*sc;
	const struct trace_rec	*r;
	size_t			 rec;
	const char		*lang;		/* for node labels */
	const char		*lang_fb;	/* and where they lack it, or NULL */
	struct narr_args	 a;
};

/* What narrate_pkt() finds in a frame's headers. */
struct narr_pkt {
	int		 ip;		/* an IPv4 packet */
	int		 proto;		/* 6 TCP, 17 UDP, other */
	int		 l4;		/* the TCP or UDP header is there */
	uint32_t	 src, dst;
	uint16_t	 sport, dport;
	uint8_t		 flags;		/* TCP */
	size_t		 payload;	/* TCP or UDP payload bytes */
};

#define TCPF_FIN	0x01
#define TCPF_SYN	0x02
#define TCPF_RST	0x04
#define TCPF_PSH	0x08
#define TCPF_ACK	0x10
#define TCPF_URG	0x20

static void	arg_setn(struct narr_ctx *, enum narr_ph, const char *, size_t);
static void	arg_set(struct narr_ctx *, enum narr_ph, const char *);
static void	arg_printf(struct narr_ctx *, enum narr_ph, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static const char *arg_get(const struct narr_ctx *, enum narr_ph);
static int	node_ok(const struct scenario *, int);
static const char *node_label(const struct narr_ctx *, int);
static int	node_by_ip(const struct scenario *, uint32_t);
static void	set_common(struct narr_ctx *);
static void	narrate_pkt(const uint8_t *, size_t, struct narr_pkt *);
static void	set_pkt(struct narr_ctx *, const struct narr_pkt *);
static enum narr_key classify(struct narr_ctx *);
static enum narr_key from_say(struct narr_ctx *);
static int	key_index(const char *);
static int	ph_index(const char *, size_t);
static void	set_net(struct narr_ctx *);
static enum narr_key cl_app(struct narr_ctx *);
static enum narr_key cl_pop3(struct narr_ctx *, const char *);
static enum narr_key cl_imap(struct narr_ctx *, const char *);
static enum narr_key cl_state(struct narr_ctx *);
static const char *sess_find(const struct narr_ctx *, const char *);
static const char *mid_subject(const struct scenario *, const char *,
		    size_t);
static void	ctx_init(struct narr_ctx *, const struct sim *, size_t,
		    const char *);
static void	ctx_free(struct narr_ctx *);

/* ---------------------------------------------------------------- */
/* Small text helpers */

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
starts_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The length of s's first line. */
static size_t
line_len(const char *s)
{
	return strcspn(s, "\r\n");
}

/* The word at s (up to a space or the end of the line) and its length. */
static size_t
word_len(const char *s)
{
	return strcspn(s, " \t\r\n");
}

static const char *
skip_sp(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The next word after the one at s, or "" at the end of the line. */
static const char *
next_word(const char *s)
{
	return skip_sp(s + word_len(s));
}

/* A whole number at s (digits only); -1 where there is none. */
static long long
num_at(const char *s)
{
	long long v = 0;
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 18) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	return n > 0 ? v : -1;
}

/* ---------------------------------------------------------------- */
/* Placeholder values */

static void
arg_setn(struct narr_ctx *c, enum narr_ph ph, const char *s, size_t n)
{
	c->a.off[ph] = c->a.arena.len + 1;
	buf_append(&c->a.arena, s, n);
	buf_putc(&c->a.arena, '\0');
}

static void
arg_set(struct narr_ctx *c, enum narr_ph ph, const char *s)
{
	if (s != NULL)
		arg_setn(c, ph, s, strlen(s));
}

static void
arg_printf(struct narr_ctx *c, enum narr_ph ph, const char *fmt, ...)
{
	va_list ap;

	c->a.off[ph] = c->a.arena.len + 1;
	va_start(ap, fmt);
	buf_vprintf(&c->a.arena, fmt, ap);
	va_end(ap);
	buf_putc(&c->a.arena, '\0');
}

static const char *
arg_get(const struct narr_ctx *c, enum narr_ph ph)
{
	return c->a.off[ph] ? (const char *)c->a.arena.data + c->a.off[ph] - 1 :
	    NULL;
}

/* ---------------------------------------------------------------- */
/* Nodes */

/* Whether text t is written in lang (or its base language: "jv" for "jv-ID"). */
static int
text_has(const struct sc_text *t, const char *lang)
{
	size_t base = strcspn(lang, "-_");

	for (int i = 0; i < t->n; i++)
		if (strcmp(t->lang[i], lang) == 0 ||
		    (strlen(t->lang[i]) == base &&
		    strncmp(t->lang[i], lang, base) == 0))
			return 1;
	return 0;
}

static int
node_ok(const struct scenario *sc, int n)
{
	return n >= 0 && n < sc->nnodes;
}

/*
 * What a student sees under the icon: the label in the narration's
 * language, else (SPEC section 2) a server's hostname, else the id.
 */
static const char *
node_label(const struct narr_ctx *c, int n)
{
	const struct sc_node *nd = &c->sc->nodes[n];
	const char *l = NULL;

	/* The language's own, else its fallback's, else English (sc_text_get). */
	if (c->lang_fb != NULL && !text_has(&nd->label, c->lang))
		l = text_has(&nd->label, c->lang_fb) ?
		    sc_text_get(&nd->label, c->lang_fb) : NULL;
	if (l == NULL)
		l = sc_text_get(&nd->label, c->lang);
	if (l[0] != '\0')
		return l;
	if (nd->kind == SC_SERVER && nd->hostname != NULL)
		return nd->hostname;
	return nd->id;
}

static int
node_by_ip(const struct scenario *sc, uint32_t ip)
{
	for (int i = 0; i < sc->nnodes; i++)
		if (sc->nodes[i].ip == ip)
			return i;
	return -1;
}

static void
set_node(struct narr_ctx *c, int n, enum narr_ph label, enum narr_ph host,
    enum narr_ph ip)
{
	char a[16];

	if (!node_ok(c->sc, n))
		return;
	arg_set(c, label, node_label(c, n));
	arg_set(c, host, c->sc->nodes[n].hostname ? c->sc->nodes[n].hostname :
	    c->sc->nodes[n].id);
	ip_format(c->sc->nodes[n].ip, a);
	arg_set(c, ip, a);
}

/* The values every record has: when, where, and with whom. */
static void
set_common(struct narr_ctx *c)
{
	arg_printf(c, PH_TIME, "%.3f ms", (double)c->r->t / 1e6);
	set_node(c, c->r->node, PH_NODE, PH_HOST, PH_IP);
	set_node(c, c->r->peer, PH_PEER, PH_PEER_HOST, PH_PEER_IP);
}

/* ---------------------------------------------------------------- */
/* Frames */

/*
 * The headers of a frame as its creator built it: Ethernet II, IPv4
 * (RFC 791 section 3.1), then TCP (RFC 793 section 3.1) or UDP (RFC
 * 768).  Whatever is cut short is left unset; nothing is trusted.
 */
static void
narrate_pkt(const uint8_t *p, size_t n, struct narr_pkt *k)
{
	memset(k, 0, sizeof *k);
	if (p == NULL || n < 14 + 20 || get16(p + 12) != 0x0800)
		return;
	const uint8_t *ip = p + 14;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	size_t total = get16(ip + 2);

	if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || total > n - 14)
		return;
	k->ip = 1;
	k->proto = ip[9];
	k->src = get32(ip + 12);
	k->dst = get32(ip + 16);
	const uint8_t *l4 = ip + ihl;
	size_t l4len = total - ihl;

	if (k->proto == 6 && l4len >= 20) {
		size_t doff = (size_t)(l4[12] >> 4) * 4;

		k->l4 = 1;
		k->sport = get16(l4);
		k->dport = get16(l4 + 2);
		k->flags = l4[13];
		k->payload = doff >= 20 && doff <= l4len ? l4len - doff : 0;
	} else if (k->proto == 17 && l4len >= 8) {
		k->l4 = 1;
		k->sport = get16(l4);
		k->dport = get16(l4 + 2);
		k->payload = l4len - 8;
	}
}

/* {proto}, {port}, {flags}, {src}, {dst}, {len} of a frame. */
static void
set_pkt(struct narr_ctx *c, const struct narr_pkt *k)
{
	const char *app = NULL;
	uint16_t port = 0;

	if (c->r->frame != TRACE_NONE &&
	    c->r->frame < trace_frame_count(c->tr))
		arg_printf(c, PH_LEN, "%u",
		    trace_frame(c->tr, c->r->frame)->len);
	arg_printf(c, PH_TTL, "%u", c->r->ttl);
	if (!k->ip)
		return;
	int src = node_by_ip(c->sc, k->src), dst = node_by_ip(c->sc, k->dst);
	char a[16];

	if (node_ok(c->sc, src))
		arg_set(c, PH_SRC, node_label(c, src));
	else {
		ip_format(k->src, a);
		arg_set(c, PH_SRC, a);
	}
	if (node_ok(c->sc, dst))
		arg_set(c, PH_DST, node_label(c, dst));
	else {
		ip_format(k->dst, a);
		arg_set(c, PH_DST, a);
	}
	if (k->l4) {
		/* The server's side of the conversation names it (ports.c). */
		int srv;
		enum app_proto ap = sim_conn_proto(c->sc, src, k->sport, dst,
		    k->dport, &srv);

		port = srv == 1 ? k->dport : srv == 0 ? k->sport :
		    k->sport < k->dport ? k->sport : k->dport;
		if (ap != APP_NONE)
			app = app_proto_name(ap);
		arg_printf(c, PH_PORT, "%u", port);
	}
	if (app == NULL)
		app = k->proto == 6 ? "TCP" : k->proto == 17 ? "UDP" : "IP";
	arg_set(c, PH_PROTO, app);
	if (k->proto == 6 && k->l4) {
		/* In Wireshark's order, so the words match what it shows. */
		static const struct { uint8_t bit; const char *name; } fl[] = {
			{ TCPF_FIN, "FIN" }, { TCPF_SYN, "SYN" },
			{ TCPF_RST, "RST" }, { TCPF_PSH, "PSH" },
			{ TCPF_ACK, "ACK" }, { TCPF_URG, "URG" },
		};
		struct buf b = { 0 };

		for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
			if (k->flags & fl[i].bit)
				buf_printf(&b, "%s%s", b.len ? ", " : "",
				    fl[i].name);
		if (b.len)
			arg_setn(c, PH_FLAGS, (char *)b.data, b.len);
		buf_free(&b);
	}
}

/* ---------------------------------------------------------------- */
/* TCP */

/*
 * {port} and {proto} of a connection: the port of its server side (a
 * well-known or configured port, where the other side's is ephemeral).
 */
static void
set_conn_port(struct narr_ctx *c, uint16_t lport, uint16_t rport)
{
	int srv;
	/* This node's configured side first, then the peer's (ports.c). */
	enum app_proto ap = sim_conn_proto(c->sc, c->r->peer, rport,
	    c->r->node, lport, &srv);
	uint16_t port = srv == 1 ? lport : srv == 0 ? rport :
	    lport < rport ? lport : rport;

	arg_printf(c, PH_PORT, "%u", port);
	arg_set(c, PH_PROTO, ap != APP_NONE ? app_proto_name(ap) : "TCP");
}

/*
 * The values a record of the network or of TCP carries in its own
 * fields and its frame's headers: net.c and tcp.c write their keys
 * without arguments, on the hot path, and these fill {len} {ttl} {src}
 * {dst} {port} {proto} {flags} {reason} {state}.
 */
static void
set_net(struct narr_ctx *c)
{
	const struct trace_rec *r = c->r;
	struct narr_pkt k;
	const uint8_t *bytes = NULL;
	size_t n = 0;

	switch (r->kind) {
	case TR_FRAME_QUEUED:
	case TR_FRAME_TX:
	case TR_FRAME_RX:
	case TR_FRAME_DROP:
	case TR_TCP_RETX:
		if (r->frame != TRACE_NONE &&
		    r->frame < trace_frame_count(c->tr)) {
			bytes = trace_frame_bytes(c->tr, r->frame);
			n = trace_frame(c->tr, r->frame)->len;
		}
		narrate_pkt(bytes, n, &k);
		set_pkt(c, &k);
		break;
	case TR_TCP_STATE:
	case TR_TCP_ERROR:
		/* tcp.c: b = lport << 16 | rport. */
		set_conn_port(c, (uint16_t)(r->b >> 16), (uint16_t)r->b);
		break;
	default:
		return;
	}
	switch (r->kind) {
	case TR_FRAME_DROP:
		/*
		 * A drop on a link (net.c): the record names no node where the
		 * frame was lost in the wire itself, so {node} is the end it
		 * left and {peer} the end it never reached (dir 0: a to b).
		 */
		if (r->peer < 0 && r->link >= 0 && r->link < c->sc->nlinks) {
			const struct sc_link *l = &c->sc->links[r->link];
			int from = r->dir ? l->b : l->a;
			int to = r->dir ? l->a : l->b;

			if (!node_ok(c->sc, r->node))
				set_node(c, from, PH_NODE, PH_HOST, PH_IP);
			set_node(c, r->node == to ? from : to, PH_PEER,
			    PH_PEER_HOST, PH_PEER_IP);
		}
		arg_set(c, PH_REASON, drop_reason_name((enum drop_reason)r->a));
		break;
	case TR_TCP_RETX:
		arg_set(c, PH_REASON, retx_kind_name((enum tcp_retx_kind)r->b));
		break;
	case TR_TCP_STATE:
		/* tcp.c: a = old | new << 8. */
		if (((r->a >> 8) & 255) <= TCP_TIME_WAIT)
			arg_set(c, PH_STATE,
			    tcp_state_str((enum tcp_state)((r->a >> 8) & 255)));
		break;
	case TR_TCP_ERROR:
		arg_set(c, PH_REASON, r->a <= TCP_ERR_HOST_DOWN ?
		    tcp_err_str((enum tcp_err)r->a) : NULL);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- */
/* Sessions: the command a reply answers */

/*
 * The newest command line of the client of this record's session (the
 * text after "C: ") that starts with prefix (any where prefix is NULL),
 * or NULL.  The record is a server's reply (node: server, peer: client)
 * or a client's command (node: client, peer: server); the search looks
 * back through the trace and stops where the session began: where the
 * server's side of the connection became ESTABLISHED.
 */
static const char *
sess_find(const struct narr_ctx *c, const char *prefix)
{
	const struct trace_rec *r = c->r;
	int is_server = starts(trace_text_at(c->tr, r->text), "S: ");
	int server = is_server ? r->node : r->peer;
	int client = is_server ? r->peer : r->node;
	size_t stop = c->rec > SESS_LOOKBACK ? c->rec - SESS_LOOKBACK : 0;

	if (server < 0 || client < 0)
		return NULL;
	for (size_t i = c->rec; i-- > stop;) {
		const struct trace_rec *q = trace_get(c->tr, i);

		if (q->kind == TR_TCP_STATE && q->node == server &&
		    q->peer == client && ((q->a >> 8) & 255) == TCP_ESTABLISHED)
			return NULL;
		if (q->kind != TR_APP || q->a != r->a || q->node != client ||
		    q->peer != server)
			continue;
		const char *t = trace_text_at(c->tr, q->text);

		if (!starts(t, "C: "))
			continue;
		if (prefix == NULL || starts_ci(t + 3, prefix))
			return t + 3;
	}
	return NULL;
}

/* ---------------------------------------------------------------- */
/* POP3 (RFC 1939) */

/* How many lines a multi-line listing holds, without the final ".". */
static int
listing_lines(const char *t)
{
	int n = 0;

	for (const char *p = strchr(t, '\n'); p != NULL; p = strchr(p, '\n')) {
		p++;
		if (*p != '.' && *p != '(' && *p != '\0')
			n++;
	}
	return n;
}

static enum narr_key
cl_pop3(struct narr_ctx *c, const char *t)
{
	if (starts(t, "C: ")) {
		const char *cmd = t + 3;
		const char *arg = next_word(cmd);

		if (starts_ci(cmd, "USER")) {
			arg_setn(c, PH_USER, arg, line_len(arg));
			return K_POP3_USER;
		}
		if (starts_ci(cmd, "PASS")) {
			const char *u = sess_find(c, "USER");
			if (u != NULL)
				arg_setn(c, PH_USER, next_word(u),
				    line_len(next_word(u)));
			return K_POP3_PASS;
		}
		arg_setn(c, PH_VALUE, arg, line_len(arg));
		if (starts_ci(cmd, "STAT"))
			return K_POP3_STAT;
		if (starts_ci(cmd, "LIST"))
			return K_POP3_LIST;
		if (starts_ci(cmd, "UIDL"))
			return K_POP3_UIDL;
		if (starts_ci(cmd, "RETR"))
			return K_POP3_RETR;
		if (starts_ci(cmd, "DELE"))
			return K_POP3_DELE;
		if (starts_ci(cmd, "QUIT"))
			return K_POP3_QUIT;
		arg_setn(c, PH_VALUE, cmd, line_len(cmd));
		return K_POP3_COMMAND;
	}
	if (!starts(t, "S: "))
		return K_APP_OTHER;

	const char *line = t + 3;
	int ok = starts(line, "+OK");
	const char *text = skip_sp(line + (ok ? 3 : starts(line, "-ERR") ? 4 :
	    0));
	const char *cmd = sess_find(c, NULL);
	const char *p;

	arg_setn(c, PH_REPLY, line, line_len(line));
	if (cmd == NULL)
		return ok ? K_POP3_GREETING : K_POP3_ERR;
	const char *carg = next_word(cmd);
	if (starts_ci(cmd, "USER") || starts_ci(cmd, "PASS")) {
		const char *u = starts_ci(cmd, "USER") ? cmd :
		    sess_find(c, "USER");
		if (u != NULL)
			arg_setn(c, PH_USER, next_word(u),
			    line_len(next_word(u)));
	} else if (ok)
		arg_setn(c, PH_VALUE, carg, line_len(carg));
	if (!ok)
		return starts_ci(cmd, "USER") || starts_ci(cmd, "PASS") ?
		    K_POP3_LOGIN_FAILED : K_POP3_ERR;
	if (starts_ci(cmd, "USER"))
		return K_POP3_USER_OK;
	if (starts_ci(cmd, "PASS")) {
		/* "+OK penerima's maildrop has 1 message (12390 octets)" */
		if ((p = strstr(text, " has ")) != NULL && num_at(p + 5) >= 0)
			arg_printf(c, PH_COUNT, "%lld", num_at(p + 5));
		if ((p = strchr(text, '(')) != NULL && num_at(p + 1) >= 0)
			arg_printf(c, PH_LEN, "%lld", num_at(p + 1));
		return K_POP3_LOGIN_OK;
	}
	if (starts_ci(cmd, "STAT")) {
		/* RFC 1939 5: "+OK nn mm", messages and octets. */
		if (num_at(text) >= 0)
			arg_printf(c, PH_COUNT, "%lld", num_at(text));
		if (num_at(next_word(text)) >= 0)
			arg_printf(c, PH_LEN, "%lld", num_at(next_word(text)));
		return K_POP3_STAT_REPLY;
	}
	if (starts_ci(cmd, "LIST")) {
		if (strchr(t, '\n') != NULL)
			arg_printf(c, PH_COUNT, "%d", listing_lines(t));
		else if (num_at(text) >= 0)
			arg_printf(c, PH_COUNT, "%lld", num_at(text));
		return K_POP3_LIST_REPLY;
	}
	if (starts_ci(cmd, "UIDL")) {
		arg_printf(c, PH_COUNT, "%d", strchr(t, '\n') ?
		    listing_lines(t) : 1);
		return K_POP3_UIDL_REPLY;
	}
	if (starts_ci(cmd, "RETR")) {
		if (num_at(text) >= 0)
			arg_printf(c, PH_LEN, "%lld", num_at(text));
		return K_POP3_RETR_REPLY;
	}
	if (starts_ci(cmd, "DELE"))
		return K_POP3_DELE_REPLY;
	if (starts_ci(cmd, "QUIT"))
		return K_POP3_BYE;
	return K_POP3_OK;
}

/* ---------------------------------------------------------------- */
/* IMAP (RFC 3501) */

/* The command verb after the tag, past a "UID" prefix (RFC 3501 6.4.8). */
static const char *
imap_verb(const char *cmd)
{
	const char *v = next_word(cmd);

	if (starts_ci(v, "UID "))
		v = next_word(v);
	return v;
}

static int
verb_is(const char *v, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(v, name, n) == 0 && word_len(v) == n;
}

/* A LOGIN's user name, without the quotes a client may put around it. */
static void
set_imap_user(struct narr_ctx *c, const char *login)
{
	const char *u = next_word(imap_verb(login));
	size_t n = word_len(u);

	if (n >= 2 && u[0] == '"' && u[n - 1] == '"') {
		u++;
		n -= 2;
	}
	if (n > 0)
		arg_setn(c, PH_USER, u, n);
}

static enum narr_key
cl_imap(struct narr_ctx *c, const char *t)
{
	if (starts(t, "C: ")) {
		const char *cmd = t + 3;
		const char *v = imap_verb(cmd);
		const char *arg = next_word(v);

		if (verb_is(v, "LOGIN")) {
			set_imap_user(c, cmd);
			return K_IMAP_LOGIN;
		}
		/* FETCH and STORE: the message numbers, not the item list. */
		arg_setn(c, PH_VALUE, arg, verb_is(v, "FETCH") ||
		    verb_is(v, "STORE") ? word_len(arg) : line_len(arg));
		if (verb_is(v, "SELECT") || verb_is(v, "EXAMINE"))
			return K_IMAP_SELECT;
		if (verb_is(v, "SEARCH"))
			return K_IMAP_SEARCH;
		if (verb_is(v, "FETCH"))
			return K_IMAP_FETCH;
		if (verb_is(v, "STORE"))
			return K_IMAP_STORE;
		if (verb_is(v, "EXPUNGE") || verb_is(v, "CLOSE"))
			return K_IMAP_EXPUNGE;
		if (verb_is(v, "LOGOUT"))
			return K_IMAP_LOGOUT;
		arg_setn(c, PH_VALUE, v, line_len(v));
		return K_IMAP_COMMAND;
	}
	if (!starts(t, "S: "))
		return K_APP_OTHER;

	/*
	 * A server record may hold several response lines: untagged data
	 * ("* 1 EXISTS", "* SEARCH 1 2", "* 1 FETCH ...") and the tagged
	 * status that completes a command ("a3 OK FETCH completed").  What
	 * the untagged lines say is kept by kind; the first kind found
	 * names the record.
	 */
	const char *tagged = NULL, *first = t + 3;
	enum narr_key untagged = K_N;

	for (const char *p = first; *p != '\0';) {
		size_t n = line_len(p);

		if (starts(p, "* ")) {
			const char *w = p + 2;
			const char *w2 = next_word(w);
			long long num = num_at(w);
			enum narr_key k = K_N;

			if (starts_ci(w, "BYE"))
				k = K_IMAP_BYE;
			else if (starts_ci(w, "SEARCH")) {
				int found = 0;
				for (const char *q = w2; q < p + n && *q;
				    q = next_word(q))
					found += num_at(q) >= 0;
				arg_printf(c, PH_COUNT, "%d", found);
				k = K_IMAP_SEARCH_RESULT;
			} else if (starts_ci(w, "FLAGS ")) {
				arg_setn(c, PH_VALUE, w2, n - (size_t)(w2 - p));
				k = K_IMAP_FLAGS;
			} else if (starts_ci(w, "OK [")) {
				/* RFC 3501 7.1: a response code in brackets. */
				const char *code = w + 4;
				const char *arg = next_word(code);
				static const struct {
					const char *name;
					enum narr_key key;
				} codes[] = {
					{ "UIDVALIDITY", K_IMAP_UIDVALIDITY },
					{ "UIDNEXT", K_IMAP_UIDNEXT },
					{ "UNSEEN", K_IMAP_UNSEEN },
					{ "PERMANENTFLAGS", K_IMAP_PERMANENTFLAGS },
				};
				for (size_t i = 0; i < sizeof codes /
				    sizeof codes[0]; i++)
					if (starts_ci(code, codes[i].name) &&
					    code[strlen(codes[i].name)] == ' ')
						k = codes[i].key;
				if (k != K_N)
					arg_setn(c, PH_VALUE, arg,
					    strcspn(arg, "]\r\n"));
			} else if (num >= 0 && verb_is(w2, "EXISTS")) {
				arg_printf(c, PH_COUNT, "%lld", num);
				k = K_IMAP_EXISTS;
			} else if (num >= 0 && verb_is(w2, "RECENT")) {
				arg_printf(c, PH_COUNT, "%lld", num);
				k = K_IMAP_RECENT;
			} else if (num >= 0 && verb_is(w2, "FETCH")) {
				/* The message comes as a literal: {SIZE}. */
				const char *lit = memchr(p, '{', n);
				arg_printf(c, PH_VALUE, "%lld", num);
				if (lit != NULL && num_at(lit + 1) >= 0) {
					arg_printf(c, PH_LEN, "%lld",
					    num_at(lit + 1));
					k = K_IMAP_FETCH_DATA;
				} else	/* no message: flags, after a STORE */
					k = K_IMAP_FETCH_FLAGS;
			} else if (num >= 0 && verb_is(w2, "EXPUNGE")) {
				arg_printf(c, PH_VALUE, "%lld", num);
				k = K_IMAP_EXPUNGED;
			}
			if (k == K_IMAP_BYE || (untagged == K_N && k != K_N))
				untagged = k;
		} else if (!starts(p, "+") && tagged == NULL && n > 0 &&
		    p[0] != '(' && p[0] != ')')
			tagged = p;
		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
	}

	const char *cmd = NULL;
	if (tagged != NULL) {
		/* The command with the same tag, else the newest. */
		char tag[72];
		size_t tl = word_len(tagged);

		if (tl < sizeof tag - 1) {
			memcpy(tag, tagged, tl);
			tag[tl] = ' ';
			tag[tl + 1] = '\0';
			cmd = sess_find(c, tag);
		}
		arg_setn(c, PH_REPLY, tagged, line_len(tagged));
	} else
		arg_setn(c, PH_REPLY, first, line_len(first));
	if (cmd == NULL)
		cmd = sess_find(c, NULL);
	if (cmd != NULL && verb_is(imap_verb(cmd), "LOGIN"))
		set_imap_user(c, cmd);

	if (cmd == NULL && tagged == NULL && starts_ci(first, "* OK"))
		return K_IMAP_GREETING;
	if (untagged == K_IMAP_BYE)
		return K_IMAP_BYE;
	if (tagged == NULL)
		return untagged != K_N ? untagged : K_IMAP_UNTAGGED;
	const char *st = next_word(tagged);
	const char *v = cmd ? imap_verb(cmd) : "";

	if (verb_is(st, "NO") || verb_is(st, "BAD")) {
		if (verb_is(v, "LOGIN"))
			return K_IMAP_LOGIN_FAILED;
		return verb_is(st, "NO") ? K_IMAP_NO : K_IMAP_BAD;
	}
	if (!verb_is(st, "OK"))
		return K_IMAP_UNTAGGED;
	if (verb_is(v, "LOGIN"))
		return K_IMAP_LOGIN_OK;
	if (verb_is(v, "SELECT") || verb_is(v, "EXAMINE"))
		return K_IMAP_SELECT_OK;
	if (verb_is(v, "SEARCH"))
		return K_IMAP_SEARCH_OK;
	if (verb_is(v, "FETCH"))
		return K_IMAP_FETCH_OK;
	if (verb_is(v, "STORE"))
		return K_IMAP_STORE_OK;
	if (verb_is(v, "EXPUNGE") || verb_is(v, "CLOSE"))
		return K_IMAP_EXPUNGE_OK;
	if (verb_is(v, "LOGOUT"))
		return K_IMAP_LOGOUT_OK;
	return K_IMAP_OK;
}

static enum narr_key
cl_app(struct narr_ctx *c)
{
	const char *t = trace_text_at(c->tr, c->r->text);

	arg_set(c, PH_PROTO, app_proto_name((enum app_proto)c->r->a));
	switch (c->r->a) {
	case APP_POP3:
		return cl_pop3(c, t);
	case APP_IMAP:
		return cl_imap(c, t);
	default:
		arg_setn(c, PH_VALUE, t, line_len(t));
		return K_APP_OTHER;
	}
}

/* ---------------------------------------------------------------- */
/* Changes of state: the texts of sim_state() */

/*
 * The subject of a message, from its Message-ID as mua.c makes it
 * ("<SECONDS.ACTION.SEED@HOST>"): the send action it names, where that
 * action was indeed done by the host named.
 */
static const char *
mid_subject(const struct scenario *sc, const char *mid, size_t n)
{
	if (n < 8 || mid[0] != '<')
		return NULL;
	const char *p = mid + 1, *end = mid + n;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p >= end || *p != '.')
		return NULL;
	long long ai = num_at(++p);
	if (ai < 0 || ai >= sc->nactions)
		return NULL;
	const char *at = memchr(p, '@', (size_t)(end - p));
	const char *gt = at ? memchr(at, '>', (size_t)(end - at)) : NULL;
	const struct sc_action *a = &sc->actions[ai];

	if (gt == NULL || a->kind != SC_ACT_SEND || !node_ok(sc, a->node))
		return NULL;
	const char *host = sc->nodes[a->node].hostname;
	if (host == NULL || strlen(host) != (size_t)(gt - at - 1) ||
	    strncasecmp(host, at + 1, (size_t)(gt - at - 1)) != 0)
		return NULL;
	return a->subject[0] ? a->subject : NULL;
}

/* A message-id at s: {subject}; returns whether it is a bounce's. */
static int
set_mid(struct narr_ctx *c, const char *s)
{
	size_t n = word_len(s);

	arg_set(c, PH_SUBJECT, mid_subject(c->sc, s, n));
	for (size_t i = 0; i + 8 <= n; i++)
		if (memcmp(s + i, ".bounce@", 8) == 0)
			return 1;
	return 0;
}

static enum narr_key
cl_state(struct narr_ctx *c)
{
	const char *t = trace_text_at(c->tr, c->r->text);
	const char *w2 = next_word(t);

	if (c->r->a != ST_DELIVERY)
		arg_printf(c, PH_COUNT, "%u", c->r->b);
	switch (c->r->a) {
	case ST_CLIENT_STORE:
		/* device.c: "POP3 user uidl"; trace.h: "message-id". */
		if (starts(t, "<")) {
			set_mid(c, t);
			return K_ST_CLIENT_STORE;
		}
		arg_setn(c, PH_PROTO, t, word_len(t));
		arg_setn(c, PH_USER, w2, word_len(w2));
		arg_setn(c, PH_VALUE, next_word(w2),
		    word_len(next_word(w2)));
		if (starts(t, "POP3 "))
			return K_ST_CLIENT_STORE_POP3;
		if (starts(t, "IMAP "))
			return K_ST_CLIENT_STORE_IMAP;
		return K_ST_CLIENT_STORE;
	default:
		arg_setn(c, PH_VALUE, t, line_len(t));
		return K_ST_OTHER;
	}
}

/* ---------------------------------------------------------------- */
/* Classifying a record */

/*
 * The key and arguments the acting layer wrote into the record: the
 * narration only looks them up.  A node argument becomes that node's
 * label in the narration's language (and {NAME_host}, {NAME_ip}).
 */
static enum narr_key
from_say(struct narr_ctx *c)
{
	struct trace_say y;
	char key[128];
	int k;

	if (!trace_say_read(c->tr, c->r->say, &y) || y.key_len >= sizeof key)
		return K_UNKNOWN;
	memcpy(key, y.key, y.key_len);
	key[y.key_len] = '\0';
	for (int i = 0; i < y.nargs; i++) {
		const struct trace_say_arg *a = &y.arg[i];
		int ph = ph_index(a->name, a->name_len);

		if (ph < 0)
			continue;
		if (a->node >= 0) {
			if (node_ok(c->sc, a->node))
				arg_set(c, (enum narr_ph)ph, node_label(c, a->node));
		} else
			arg_setn(c, (enum narr_ph)ph, a->value, a->value_len);
	}
	k = key_index(key);
	return k < 0 ? K_UNKNOWN : (enum narr_key)k;
}

static enum narr_key
classify(struct narr_ctx *c)
{
	const struct trace_rec *r = c->r;

	if (r == NULL)
		return K_UNKNOWN;
	set_common(c);
	set_net(c);
	if (r->say != 0)
		return from_say(c);
	switch (r->kind) {
	case TR_APP:
		return cl_app(c);
	case TR_STATE:
		return cl_state(c);
	default:
		return K_UNKNOWN;
	}
}

static void
ctx_init(struct narr_ctx *c, const struct sim *s, size_t rec,
    const char *lang)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->tr = sim_trace(s);
	c->sc = sim_scenario(s);
	c->rec = rec;
	c->lang = lang;
	c->r = rec < trace_count(c->tr) ? trace_get(c->tr, rec) : NULL;
}

static void
ctx_free(struct narr_ctx *c)
{
	buf_free(&c->a.arena);
}

const char *
narrate_key(const struct sim *s, size_t rec)
{
	struct narr_ctx c;
	enum narr_key k;

	ctx_init(&c, s, rec, "en");
	k = classify(&c);
	ctx_free(&c);
	return narr_key_str[k];
}

const char *const *
narrate_keys(size_t *n)
{
	*n = K_N;
	return narr_key_str;
}

const char *const *
narrate_placeholders(size_t *n)
{
	*n = PH_N;
	return narr_ph_str;
}

/* ---------------------------------------------------------------- */
/* Sentences */

struct narr_lang {
	char	*code;
	char	*name;
	char	*fallback;	/* "fallback": the language for what this one lacks */
	char	*text[K_N];	/* by enum narr_key; NULL where the file has none */
	char	**extra;	/* keys of the file this program does not know */
	int	 nextra;
};

static int
key_index(const char *key)
{
	for (int i = 0; i < K_N; i++)
		if (strcmp(narr_key_str[i], key) == 0)
			return i;
	return -1;
}

static int
ph_index(const char *name, size_t n)
{
	for (int i = 0; i < PH_N; i++)
		if (strlen(narr_ph_str[i]) == n &&
		    memcmp(narr_ph_str[i], name, n) == 0)
			return i;
	return -1;
}

/*
 * The length of a placeholder's name at s (just after a '{'), if what
 * follows looks like one: [a-z_]+ and '}'; else 0.
 */
static size_t
ph_at(const char *s)
{
	size_t n = 0;

	while (n <= PH_NAME_MAX && ((s[n] >= 'a' && s[n] <= 'z') ||
	    s[n] == '_'))
		n++;
	return n > 0 && n <= PH_NAME_MAX && s[n] == '}' ? n : 0;
}

/* Append s, with any control character (a reply's line break) as a space. */
static void
put_clean(struct buf *out, const char *s, size_t n)
{
	buf_reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		out->data[out->len++] = ch < 0x20 || ch == 0x7f ? ' ' : ch;
	}
	out->data[out->len] = '\0';
}

static void
expand(struct buf *out, const char *t, const struct narr_ctx *c)
{
	while (*t != '\0') {
		const char *brace = strchr(t, '{');
		size_t n;
		int ph;

		if (brace == NULL) {
			put_clean(out, t, strlen(t));
			return;
		}
		put_clean(out, t, (size_t)(brace - t));
		t = brace + 1;
		if ((n = ph_at(t)) == 0 || (ph = ph_index(t, n)) < 0) {
			/* Not ours: keep it as written. */
			buf_putc(out, '{');
			continue;
		}
		const char *v = arg_get(c, (enum narr_ph)ph);

		if (v != NULL && v[0] != '\0')
			put_clean(out, v, strlen(v));
		else
			buf_putc(out, '?');
		t += n + 1;
	}
}

void
narrate(const struct sim *s, const struct narr_lang *L,
    const struct narr_lang *fallback, size_t rec, struct buf *out)
{
	struct narr_ctx c;
	const char *lang = L ? L->code : fallback ? fallback->code : "en";
	enum narr_key k;
	const char *t;

	ctx_init(&c, s, rec, lang);
	c.lang_fb = L ? L->fallback : NULL;
	k = classify(&c);
	t = L && L->text[k] ? L->text[k] :
	    fallback && fallback->text[k] ? fallback->text[k] : NULL;
	if (t != NULL)
		expand(out, t, &c);
	else
		buf_printf(out, "[%s]", narr_key_str[k]);
	ctx_free(&c);
}

/* ---------------------------------------------------------------- */
/* Language files */

/* 1-based line and column (in characters) of byte off. */
static void
text_pos(const char *s, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n') {
			(*line)++;
			*col = 1;
		} else if ((ch & 0xc0) != 0x80)
			(*col)++;
	}
}

/* The offset of the first byte that is not valid UTF-8 (RFC 3629), or len. */
static size_t
utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char ch = s[i];
		size_t n;
		uint32_t cp, min;

		if (ch < 0x80) {
			if (ch == 0)
				return i;
			i++;
			continue;
		}
		if ((ch & 0xe0) == 0xc0) {
			n = 1; cp = ch & 0x1f; min = 0x80;
		} else if ((ch & 0xf0) == 0xe0) {
			n = 2; cp = ch & 0x0f; min = 0x800;
		} else if ((ch & 0xf8) == 0xf0) {
			n = 3; cp = ch & 0x07; min = 0x10000;
		} else
			return i;
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static void
err_add(struct buf *e, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
err_at(struct buf *e, const char *name, const char *json, size_t off,
    const char *msg);

static void
err_add(struct buf *e, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (e->len)
		buf_putc(e, '\n');
	buf_printf(e, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(e, fmt, ap);
	va_end(ap);
}

/* "NAME:LINE:COL: msg", as the scenario loader writes JSON errors. */
static void
err_at(struct buf *e, const char *name, const char *json, size_t off,
    const char *msg)
{
	int line, col;

	text_pos(json, off, &line, &col);
	if (e->len)
		buf_putc(e, '\n');
	buf_printf(e, "%s:%d:%d: %s", name, line, col, msg);
}

/* A code a file may be named after: a letter, then letters, digits, '-', '_'. */
int
narr_lang_code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* Whether obj has a member named key before member m. */
static int
seen_before(const cJSON *obj, const cJSON *m)
{
	for (const cJSON *q = obj->child; q != NULL && q != m; q = q->next)
		if (q->string && m->string && strcmp(q->string, m->string) == 0)
			return 1;
	return 0;
}

static void
lang_texts(struct narr_lang *L, const cJSON *texts, const char *name,
    struct buf *e)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, texts) {
		const char *key = m->string ? m->string : "";
		int k;

		if (seen_before(texts, m)) {
			err_add(e, name, "texts.%s: written twice (each key "
			    "once)", key);
			continue;
		}
		if (!cJSON_IsString(m) || m->valuestring == NULL) {
			err_add(e, name, "texts.%s: must be a sentence in "
			    "quotes \"...\"", key);
			continue;
		}
		const char *v = m->valuestring;
		size_t n = strlen(v);

		if (n == 0 || v[strspn(v, " ")] == '\0') {
			err_add(e, name, "texts.%s: is empty (write a "
			    "sentence, or remove the key to use English)", key);
			continue;
		}
		if (n > NARR_TEXT_MAX) {
			err_add(e, name, "texts.%s: is %zu bytes long (at most "
			    "%d)", key, n, NARR_TEXT_MAX);
			continue;
		}
		int ctl = 0;
		for (size_t i = 0; i < n; i++)
			ctl |= (unsigned char)v[i] < 0x20;
		if (ctl) {
			err_add(e, name, "texts.%s: must be one line (no line "
			    "breaks or tabs)", key);
			continue;
		}
		if ((k = key_index(key)) >= 0) {
			L->text[k] = xstrdup(v);
			continue;
		}
		L->extra = xrealloc(L->extra, (size_t)(L->nextra + 1) *
		    sizeof *L->extra);
		L->extra[L->nextra++] = xstrdup(key);
	}
}

struct narr_lang *
narr_lang_parse(const char *json, size_t len, const char *name, char **err)
{
	struct narr_lang *L = NULL;
	struct buf e = { 0 };
	const char *end = NULL;
	cJSON *root = NULL;
	char *copy = NULL;
	size_t bad, bom = 0;

	if (name == NULL)
		name = "(language)";
	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
		bom = 3;
	/* Only white space (or nothing) after an optional byte order mark. */
	size_t k = bom;
	while (k < len && (json[k] == ' ' || json[k] == '\t' ||
	    json[k] == '\r' || json[k] == '\n'))
		k++;
	if (k >= len) {
		err_add(&e, name, "the file is empty (a language file is a "
		    "JSON object {\"language\": ..., \"name\": ..., "
		    "\"texts\": {...}})");
		goto out;
	}
	if ((bad = utf8_bad((const unsigned char *)json + bom, len - bom)) <
	    len - bom) {
		err_at(&e, name, json, bom + bad, json[bom + bad] ?
		    "not valid UTF-8 (save the file as UTF-8)" :
		    "a NUL byte (this is not a text file)");
		goto out;
	}
	copy = xmalloc(len - bom + 1);
	memcpy(copy, json + bom, len - bom);
	copy[len - bom] = '\0';
	root = cJSON_ParseWithLengthOpts(copy, len - bom + 1, &end, 1);
	if (root == NULL) {
		size_t off = end != NULL && end >= copy ? (size_t)(end - copy) :
		    0;
		if (off > len - bom)
			off = len - bom;
		err_at(&e, name, copy, off, "this is not valid JSON here (a "
		    "missing comma or quote, or a comma too many?)");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		err_add(&e, name, "a language file is a JSON object "
		    "{\"language\": ..., \"name\": ..., \"texts\": {...}}");
		goto out;
	}

	L = xcalloc(1, sizeof *L);
	const cJSON *m, *texts = NULL;

	cJSON_ArrayForEach(m, root) {
		const char *key = m->string ? m->string : "";

		if (seen_before(root, m)) {
			err_add(&e, name, "%s: written twice (each key once)",
			    key);
			continue;
		}
		if (strcmp(key, "language") == 0) {
			if (!cJSON_IsString(m) || !narr_lang_code_ok(m->valuestring))
				err_add(&e, name, "language: must be the "
				    "language's code in quotes, like \"id\" or "
				    "\"jv\" (letters, digits, '-')");
			else
				L->code = xstrdup(m->valuestring);
		} else if (strcmp(key, "name") == 0) {
			if (!cJSON_IsString(m) || m->valuestring[0] == '\0')
				err_add(&e, name, "name: must be the "
				    "language's name in quotes, like "
				    "\"Bahasa Jawa\"");
			else
				L->name = xstrdup(m->valuestring);
		} else if (strcmp(key, "fallback") == 0) {
			if (!cJSON_IsString(m) ||
			    !narr_lang_code_ok(m->valuestring))
				err_add(&e, name, "fallback: must be the code "
				    "of another language in quotes, like "
				    "\"id\"");
			else
				L->fallback = xstrdup(m->valuestring);
		} else if (strcmp(key, "texts") == 0) {
			if (!cJSON_IsObject(m))
				err_add(&e, name, "texts: must be an object "
				    "{\"key\": \"sentence\", ...}");
			else
				texts = m;
		} else if (key[0] != '_')
			err_add(&e, name, "%s: unknown key (a language file "
			    "has \"language\", \"name\", \"texts\" and "
			    "maybe \"fallback\"; keys starting with '_' are "
			    "comments)", key);
	}
	if (!cJSON_GetObjectItemCaseSensitive(root, "language"))
		err_add(&e, name, "language: missing (the language's code, "
		    "like \"id\")");
	if (!cJSON_GetObjectItemCaseSensitive(root, "name"))
		err_add(&e, name, "name: missing (the language's name, like "
		    "\"Bahasa Indonesia\")");
	if (!cJSON_GetObjectItemCaseSensitive(root, "texts"))
		err_add(&e, name, "texts: missing (the sentences, "
		    "{\"key\": \"sentence\", ...})");
	if (texts != NULL)
		lang_texts(L, texts, name, &e);
out:
	cJSON_Delete(root);
	free(copy);
	if (e.len > 0) {
		narr_lang_free(L);
		if (err != NULL)
			*err = (char *)e.data;
		else
			buf_free(&e);
		return NULL;
	}
	if (err != NULL)
		*err = NULL;
	return L;
}

void
narr_lang_free(struct narr_lang *L)
{
	if (L == NULL)
		return;
	free(L->code);
	free(L->name);
	free(L->fallback);
	for (int i = 0; i < K_N; i++)
		free(L->text[i]);
	for (int i = 0; i < L->nextra; i++)
		free(L->extra[i]);
	free(L->extra);
	free(L);
}

const char *
narr_lang_code(const struct narr_lang *L)
{
	return L->code;
}

const char *
narr_lang_name(const struct narr_lang *L)
{
	return L->name;
}

const char *
narr_lang_fallback(const struct narr_lang *L)
{
	return L->fallback;
}

void
narr_lang_merge(struct narr_lang *L, const struct narr_lang *from)
{
	for (int k = 0; k < K_N; k++)
		if (L->text[k] == NULL && from->text[k] != NULL)
			L->text[k] = xstrdup(from->text[k]);
}

const char *
narr_lang_text(const struct narr_lang *L, const char *key)
{
	int k = key_index(key);

	return k >= 0 ? L->text[k] : NULL;
}

int
narr_lang_lint(const struct narr_lang *L, const char *name, struct buf *out)
{
	int n = 0;

	if (name == NULL)
		name = L->code;
	for (int i = 0; i < L->nextra; i++, n++)
		buf_printf(out, "%s: texts.%s: not a key this program "
		    "narrates (a typo?); it is ignored\n", name, L->extra[i]);
	for (int k = 0; k < K_N; k++) {
		const char *t = L->text[k];

		for (const char *p = t ? strchr(t, '{') : NULL; p != NULL;
		    p = strchr(p + 1, '{')) {
			size_t len = ph_at(p + 1);

			if (len > 0 && ph_index(p + 1, len) < 0) {
				buf_printf(out, "%s: texts.%s: {%.*s} is not a "
				    "value the narrator knows; it is shown "
				    "as written\n", name, narr_key_str[k],
				    (int)len, p + 1);
				n++;
			}
		}
	}
	return n;
}
