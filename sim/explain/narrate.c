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
 *     (RFC 791, RFC 793, RFC 768), to tell a SYN from a piece of data
 *     and to know which application's port it belongs to;
 *   - SMTP and LMTP (RFC 5321, RFC 2033): the command verb, or the reply
 *     code with its enhanced status code (RFC 3463: 5.1.1 is "bad
 *     destination mailbox address", 5.7.1 "delivery not authorized");
 *   - DNS: the words of dns_describe() (dns_wire.c), which classify a
 *     response the way RFC 2308 section 2 does;
 *   - changes of state: the texts sim_state() wrote.
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
	X(K_SMTP_AUTH,			"smtp.auth") \
	X(K_SMTP_AUTH_LOGIN,		"smtp.auth_login") \
	X(K_SMTP_AUTH_CHALLENGE,	"smtp.auth_challenge") \
	X(K_SMTP_AUTH_OK,		"smtp.auth_ok") \
	X(K_SMTP_AUTH_FAILED,		"smtp.auth_failed") \
	X(K_SMTP_AUTH_REQUIRED,		"smtp.auth_required") \
	X(K_SMTP_MAIL_FROM,		"smtp.mail_from") \
	X(K_SMTP_MAIL_FROM_NULL,	"smtp.mail_from_null") \
	X(K_SMTP_MAIL_OK,		"smtp.mail_ok") \
	X(K_SMTP_RCPT_TO,		"smtp.rcpt_to") \
	X(K_SMTP_RCPT_OK,		"smtp.rcpt_ok") \
	X(K_SMTP_RCPT_UNKNOWN,		"smtp.rcpt_unknown_user") \
	X(K_SMTP_RELAY_DENIED,		"smtp.relay_denied") \
	X(K_SMTP_DATA,			"smtp.data") \
	X(K_SMTP_DATA_GO,		"smtp.data_go_ahead") \
	X(K_SMTP_MESSAGE,		"smtp.message") \
	X(K_SMTP_QUEUED,		"smtp.queued") \
	X(K_SMTP_TOO_BIG,		"smtp.too_big") \
	X(K_SMTP_LOOP,			"smtp.loop") \
	X(K_SMTP_QUIT,			"smtp.quit") \
	X(K_SMTP_BYE,			"smtp.bye") \
	X(K_SMTP_COMMAND,		"smtp.command") \
	X(K_SMTP_REPLY_2,		"smtp.reply.2xx") \
	X(K_SMTP_REPLY_4,		"smtp.reply.4xx") \
	X(K_SMTP_REPLY_5,		"smtp.reply.5xx") \
	X(K_LMTP_GREETING,		"lmtp.greeting") \
	X(K_LMTP_LHLO,			"lmtp.lhlo") \
	X(K_LMTP_LHLO_REPLY,		"lmtp.lhlo_reply") \
	X(K_LMTP_MAIL_FROM,		"lmtp.mail_from") \
	X(K_LMTP_MAIL_FROM_NULL,	"lmtp.mail_from_null") \
	X(K_LMTP_MAIL_OK,		"lmtp.mail_ok") \
	X(K_LMTP_RCPT_TO,		"lmtp.rcpt_to") \
	X(K_LMTP_RCPT_OK,		"lmtp.rcpt_ok") \
	X(K_LMTP_RCPT_UNKNOWN,		"lmtp.rcpt_unknown_user") \
	X(K_LMTP_DATA,			"lmtp.data") \
	X(K_LMTP_DATA_GO,		"lmtp.data_go_ahead") \
	X(K_LMTP_MESSAGE,		"lmtp.message") \
	X(K_LMTP_DELIVERED,		"lmtp.delivered") \
	X(K_LMTP_QUIT,			"lmtp.quit") \
	X(K_LMTP_BYE,			"lmtp.bye") \
	X(K_LMTP_COMMAND,		"lmtp.command") \
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
	X(K_POP3_LOGIN_OK_ONE,		"pop3.login_ok.one") \
	X(K_POP3_LOGIN_OK_NONE,		"pop3.login_ok.none") \
	X(K_POP3_LOGIN_FAILED,		"pop3.login_failed") \
	X(K_POP3_LOGIN_IN_USE,		"pop3.login_in_use") \
	X(K_POP3_STAT,			"pop3.stat") \
	X(K_POP3_STAT_REPLY,		"pop3.stat_reply") \
	X(K_POP3_STAT_REPLY_ONE,	"pop3.stat_reply.one") \
	X(K_POP3_STAT_REPLY_NONE,	"pop3.stat_reply.none") \
	X(K_POP3_LIST,			"pop3.list") \
	X(K_POP3_LIST_REPLY,		"pop3.list_reply") \
	X(K_POP3_LIST_REPLY_ONE,	"pop3.list_reply.one") \
	X(K_POP3_LIST_REPLY_NONE,	"pop3.list_reply.none") \
	X(K_POP3_LIST_ONE,		"pop3.list_one") \
	X(K_POP3_UIDL,			"pop3.uidl") \
	X(K_POP3_UIDL_REPLY,		"pop3.uidl_reply") \
	X(K_POP3_UIDL_REPLY_ONE,	"pop3.uidl_reply.one") \
	X(K_POP3_UIDL_REPLY_NONE,	"pop3.uidl_reply.none") \
	X(K_POP3_UIDL_ONE,		"pop3.uidl_one") \
	X(K_POP3_RETR,			"pop3.retr") \
	X(K_POP3_RETR_REPLY,		"pop3.retr_reply") \
	X(K_POP3_TOP_REPLY,		"pop3.top_reply") \
	X(K_POP3_DELE,			"pop3.dele") \
	X(K_POP3_DELE_HAD_IT,		"pop3.dele.had_it") \
	X(K_POP3_DELE_REPLY,		"pop3.dele_reply") \
	X(K_POP3_QUIT,			"pop3.quit") \
	X(K_POP3_QUIT_NOTHING,		"pop3.quit.nothing") \
	X(K_POP3_QUIT_NOT_IN,		"pop3.quit.not_in") \
	X(K_POP3_BYE,			"pop3.bye") \
	X(K_POP3_BYE_ONE,		"pop3.bye.one") \
	X(K_POP3_BYE_NONE_DELETED,	"pop3.bye.none_deleted") \
	X(K_POP3_BYE_NOT_LOGGED_IN,	"pop3.bye.not_logged_in") \
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
	X(K_IMAP_EXISTS_ONE,		"imap.exists.one") \
	X(K_IMAP_EXISTS_NONE,		"imap.exists.none") \
	X(K_IMAP_RECENT,		"imap.recent") \
	X(K_IMAP_RECENT_ONE,		"imap.recent.one") \
	X(K_IMAP_RECENT_NONE,		"imap.recent.none") \
	X(K_IMAP_UNSEEN,		"imap.unseen") \
	X(K_IMAP_UIDVALIDITY,		"imap.uidvalidity") \
	X(K_IMAP_UIDNEXT,		"imap.uidnext") \
	X(K_IMAP_PERMANENTFLAGS,	"imap.permanentflags") \
	X(K_IMAP_SEARCH,		"imap.search") \
	X(K_IMAP_SEARCH_RESULT,		"imap.search_result") \
	X(K_IMAP_SEARCH_RESULT_ONE,	"imap.search_result.one") \
	X(K_IMAP_SEARCH_RESULT_NONE,	"imap.search_result.none") \
	X(K_IMAP_SEARCH_OK,		"imap.search_ok") \
	X(K_IMAP_FETCH,			"imap.fetch") \
	X(K_IMAP_FETCH_UID,		"imap.fetch_uid") \
	X(K_IMAP_FETCH_DATA,		"imap.fetch_data") \
	X(K_IMAP_FETCH_DATA_UID,	"imap.fetch_data_uid") \
	X(K_IMAP_FETCH_FLAGS,		"imap.fetch_flags") \
	X(K_IMAP_FETCH_INFO,		"imap.fetch_info") \
	X(K_IMAP_FETCH_OK,		"imap.fetch_ok") \
	X(K_IMAP_FETCH_OK_PEEK,		"imap.fetch_ok.peek") \
	X(K_IMAP_STORE,			"imap.store") \
	X(K_IMAP_STORE_OK,		"imap.store_ok") \
	X(K_IMAP_EXPUNGE,		"imap.expunge") \
	X(K_IMAP_EXPUNGED,		"imap.expunged") \
	X(K_IMAP_EXPUNGE_OK,		"imap.expunge_ok") \
	X(K_IMAP_EXPUNGE_OK_NONE,	"imap.expunge_ok.none") \
	X(K_IMAP_LOGOUT,		"imap.logout") \
	X(K_IMAP_LOGOUT_OK,		"imap.logout_ok") \
	X(K_IMAP_BYE,			"imap.bye") \
	X(K_IMAP_BYE_AUTOLOGOUT,	"imap.bye.autologout") \
	X(K_IMAP_COMMAND,		"imap.command") \
	X(K_IMAP_UNTAGGED,		"imap.untagged") \
	X(K_IMAP_CONTINUE,		"imap.continue") \
	X(K_IMAP_LITERAL,		"imap.literal") \
	X(K_IMAP_OK,			"imap.ok") \
	X(K_IMAP_NO,			"imap.no") \
	X(K_IMAP_BAD,			"imap.bad") \
	X(K_IMAP_BAD_REPLY,		"imap.bad_reply") \
	X(K_ST_MAILBOX_ADD,		"state.mailbox_add") \
	X(K_ST_MAILBOX_ADD_BOUNCE,	"state.mailbox_add_bounce") \
	X(K_ST_MAILBOX_DEL,		"state.mailbox_del") \
	X(K_ST_QUEUE_ADD,		"state.queue_add") \
	X(K_ST_QUEUE_ADD_BOUNCE,	"state.queue_add_bounce") \
	X(K_ST_QUEUE_DEL,		"state.queue_del") \
	X(K_ST_QUEUE_RETRY,		"state.queue_retry") \
	X(K_ST_DNS_CACHE_ADD,		"state.dns_cache_add") \
	X(K_ST_DNS_CACHE_EXPIRE,	"state.dns_cache_expire") \
	X(K_ST_CLIENT_STORE,		"state.client_store") \
	X(K_ST_CLIENT_STORE_POP3,	"state.client_store_pop3") \
	X(K_ST_CLIENT_STORE_POP3_KEEP,	"state.client_store_pop3_keep") \
	X(K_ST_CLIENT_STORE_IMAP,	"state.client_store_imap") \
	X(K_ST_DELIVERED,		"state.delivery.delivered") \
	X(K_ST_BOUNCED,			"state.delivery.bounced") \
	X(K_ST_QUEUED,			"state.delivery.queued") \
	X(K_ST_REJECTED,		"state.delivery.rejected") \
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
	X(PH_SECONDS, "seconds") X(PH_UID, "uid")

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
static const char *port_service(const struct scenario *, int, uint16_t);
static const char *port_well_known(uint16_t);
static void	set_pkt(struct narr_ctx *, const struct narr_pkt *);
static void	set_addr(struct narr_ctx *, enum narr_ph, const char *, size_t);
static enum narr_key classify(struct narr_ctx *);
static enum narr_key from_say(struct narr_ctx *);
static int	key_index(const char *);
static int	ph_index(const char *, size_t);
static enum narr_key cl_frame(struct narr_ctx *);
static enum narr_key cl_tcp_state(struct narr_ctx *);
static enum narr_key cl_app(struct narr_ctx *);
static enum narr_key cl_smtp(struct narr_ctx *, const char *, int);
static enum narr_key cl_dns(struct narr_ctx *, const char *);
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

/* An address written as <...> (or bare), and its domain for {domain}. */
static void
set_addr(struct narr_ctx *c, enum narr_ph ph, const char *s, size_t n)
{
	const char *lt = memchr(s, '<', n);

	if (lt != NULL) {
		const char *gt = memchr(lt, '>', n - (size_t)(lt - s));

		if (gt == NULL)
			return;
		s = lt + 1;
		n = (size_t)(gt - s);
	}
	if (n == 0)
		return;
	arg_setn(c, ph, s, n);
	/* S6 of the story: the domain is what follows the '@'. */
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '@') {
			if (i < n)
				arg_setn(c, PH_DOMAIN, s + i, n - i);
			break;
		}
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

/* The application a node serves on port, from its scenario services. */
static const char *
port_service(const struct scenario *sc, int node, uint16_t port)
{
	if (!node_ok(sc, node))
		return NULL;
	const struct sc_node *n = &sc->nodes[node];

	if (n->dns.present && n->dns.port == port)
		return "DNS";
	if ((n->smtp.present && n->smtp.port == port) ||
	    (n->submission.present && n->submission.port == port))
		return "SMTP";
	if (n->lmtp.present && n->lmtp.port == port)
		return "LMTP";
	if (n->pop3.present && n->pop3.port == port)
		return "POP3";
	if (n->imap.present && n->imap.port == port)
		return "IMAP";
	return NULL;
}

/* The IANA ports, for a server the scenario does not describe. */
static const char *
port_well_known(uint16_t port)
{
	switch (port) {
	case 25: case 465: case 587: return "SMTP";
	case 53: return "DNS";
	case 24: return "LMTP";
	case 110: return "POP3";
	case 143: return "IMAP";
	default: return NULL;
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
		/* The server's side of the conversation names it. */
		if ((app = port_service(c->sc, dst, k->dport)) != NULL)
			port = k->dport;
		else if ((app = port_service(c->sc, src, k->sport)) != NULL)
			port = k->sport;
		else if ((app = port_well_known(k->dport)) != NULL)
			port = k->dport;
		else if ((app = port_well_known(k->sport)) != NULL)
			port = k->sport;
		else
			port = k->sport < k->dport ? k->sport : k->dport;
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

static enum narr_key
cl_frame(struct narr_ctx *c)
{
	const struct trace_rec *r = c->r;
	struct narr_pkt k;
	const uint8_t *bytes = NULL;
	size_t n = 0;

	if (r->frame != TRACE_NONE && r->frame < trace_frame_count(c->tr)) {
		bytes = trace_frame_bytes(c->tr, r->frame);
		n = trace_frame(c->tr, r->frame)->len;
	}
	narrate_pkt(bytes, n, &k);
	set_pkt(c, &k);

	switch (r->kind) {
	case TR_FRAME_QUEUED:
		return K_FRAME_QUEUED;
	case TR_FRAME_TX:
		if (!r->a)
			/* The last hop: the next node is the destination itself. */
			return k.ip && node_ok(c->sc, r->peer) &&
			    c->sc->nodes[r->peer].ip == k.dst ?
			    K_FRAME_TX_FORWARD_LAST : K_FRAME_TX_FORWARD;
		if (k.ip && k.proto == 17 && k.l4)
			return K_FRAME_TX_UDP;
		if (!k.ip || k.proto != 6 || !k.l4)
			return K_FRAME_TX_ORIGIN;
		if (k.flags & TCPF_RST)
			return K_FRAME_TX_RST;
		if ((k.flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK))
			return K_FRAME_TX_SYN_ACK;
		if (k.flags & TCPF_SYN)
			return K_FRAME_TX_SYN;
		if (k.flags & TCPF_FIN)
			return K_FRAME_TX_FIN;
		return k.payload > 0 ? K_FRAME_TX_DATA : K_FRAME_TX_ACK;
	case TR_FRAME_RX:
		if (k.ip && node_ok(c->sc, r->node) &&
		    c->sc->nodes[r->node].ip == k.dst)
			return K_FRAME_RX_ARRIVED;
		return K_FRAME_RX;
	default:
		break;
	}
	/*
	 * A drop on a link (net.c): the record names no node where the
	 * frame was lost in the wire itself, so {node} is the end it left
	 * and {peer} the end it never reached (dir 0: from a to b).
	 */
	if (r->peer < 0 && r->link >= 0 && r->link < c->sc->nlinks) {
		const struct sc_link *l = &c->sc->links[r->link];
		int from = r->dir ? l->b : l->a, to = r->dir ? l->a : l->b;

		if (!node_ok(c->sc, r->node))
			set_node(c, from, PH_NODE, PH_HOST, PH_IP);
		set_node(c, r->node == to ? from : to, PH_PEER, PH_PEER_HOST,
		    PH_PEER_IP);
	}
	arg_set(c, PH_REASON, drop_reason_name((enum drop_reason)r->a));
	switch (r->a) {
	case DROP_LOSS: return K_DROP_LOSS;
	case DROP_LINK_DOWN: return K_DROP_LINK_DOWN;
	case DROP_NODE_DOWN: return K_DROP_NODE_DOWN;
	case DROP_QUEUE_FULL: return K_DROP_QUEUE_FULL;
	case DROP_TTL: return K_DROP_TTL;
	case DROP_NO_ROUTE: return K_DROP_NO_ROUTE;
	case DROP_NOT_FOR_ME: return K_DROP_NOT_FOR_ME;
	case DROP_NO_LISTENER: return K_DROP_NO_LISTENER;
	case DROP_BAD_PACKET: return K_DROP_BAD_PACKET;
	case DROP_TOO_BIG: return K_DROP_TOO_BIG;
	default: return K_DROP_OTHER;
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
	const char *app;
	uint16_t port;

	if ((app = port_service(c->sc, c->r->node, lport)) != NULL)
		port = lport;
	else if ((app = port_service(c->sc, c->r->peer, rport)) != NULL)
		port = rport;
	else if ((app = port_well_known(lport)) != NULL)
		port = lport;
	else if ((app = port_well_known(rport)) != NULL)
		port = rport;
	else
		port = lport < rport ? lport : rport;
	arg_printf(c, PH_PORT, "%u", port);
	arg_set(c, PH_PROTO, app ? app : "TCP");
}

static enum narr_key
cl_tcp_state(struct narr_ctx *c)
{
	static const enum narr_key by_state[] = {
		[TCP_CLOSED] = K_TCP_CLOSED,
		[TCP_LISTEN] = K_TCP_LISTEN,
		[TCP_SYN_SENT] = K_TCP_SYN_SENT,
		[TCP_SYN_RCVD] = K_TCP_SYN_RECEIVED,
		[TCP_ESTABLISHED] = K_TCP_ESTABLISHED,
		[TCP_FIN_WAIT_1] = K_TCP_FIN_WAIT_1,
		[TCP_FIN_WAIT_2] = K_TCP_FIN_WAIT_2,
		[TCP_CLOSE_WAIT] = K_TCP_CLOSE_WAIT,
		[TCP_CLOSING] = K_TCP_CLOSING,
		[TCP_LAST_ACK] = K_TCP_LAST_ACK,
		[TCP_TIME_WAIT] = K_TCP_TIME_WAIT,
	};
	/* tcp_enter_state(): a = old | new << 8, b = lport << 16 | rport. */
	unsigned st = (c->r->a >> 8) & 255;

	set_conn_port(c, (uint16_t)(c->r->b >> 16), (uint16_t)c->r->b);
	if (st >= sizeof by_state / sizeof by_state[0])
		return K_TCP_STATE_OTHER;
	arg_set(c, PH_STATE, tcp_state_str((enum tcp_state)st));
	return by_state[st];
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
/* SMTP and LMTP (RFC 5321, RFC 2033) */

/* The client who submits: the latest send action of node at or before now. */
static const struct sc_action *
send_action(const struct narr_ctx *c, int node)
{
	const struct sc_action *best = NULL;

	for (int i = 0; i < c->sc->nactions; i++) {
		const struct sc_action *a = &c->sc->actions[i];

		if (a->kind == SC_ACT_SEND && a->node == node &&
		    a->at_ns <= c->r->t && (best == NULL ||
		    a->at_ns >= best->at_ns))
			best = a;
	}
	return best;
}

/* "(the message: 28053 bytes in 378 lines, ...)": {len} and {count}. */
static void
set_body_size(struct narr_ctx *c, const char *s)
{
	const char *p = strchr(s, ':');
	long long v;

	if (p == NULL || (v = num_at(skip_sp(p + 1))) < 0)
		return;
	arg_printf(c, PH_LEN, "%lld", v);
	p = strstr(p, " in ");
	if (p != NULL && (v = num_at(p + 4)) >= 0)
		arg_printf(c, PH_COUNT, "%lld", v);
}

static enum narr_key
cl_smtp(struct narr_ctx *c, const char *text, int lmtp)
{
#define SL(smtp_key, lmtp_key) (lmtp ? (lmtp_key) : (smtp_key))
	if (starts(text, "C: ")) {
		const char *cmd = text + 3;
		const char *arg = next_word(cmd);

		if (starts_ci(cmd, "EHLO") || starts_ci(cmd, "HELO") ||
		    starts_ci(cmd, "LHLO")) {
			arg_setn(c, PH_VALUE, arg, line_len(arg));
			if (lmtp)
				return starts_ci(cmd, "LHLO") ? K_LMTP_LHLO :
				    K_LMTP_COMMAND;
			return starts_ci(cmd, "EHLO") ? K_SMTP_EHLO :
			    starts_ci(cmd, "HELO") ? K_SMTP_HELO :
			    K_SMTP_COMMAND;
		}
		if (starts_ci(cmd, "AUTH")) {
			const struct sc_action *a = send_action(c, c->r->node);

			if (a != NULL && a->has_auth)
				arg_set(c, PH_USER, a->auth_user);
			arg_setn(c, PH_VALUE, arg, word_len(arg));
			if (lmtp)
				return K_LMTP_COMMAND;
			return starts_ci(arg, "LOGIN") ? K_SMTP_AUTH_LOGIN :
			    K_SMTP_AUTH;
		}
		if (starts_ci(cmd, "MAIL FROM:")) {
			const char *p = cmd + 10;
			size_t n = line_len(p);
			const char *sz = strstr(p, "SIZE=");

			set_addr(c, PH_FROM, p, n);
			if (sz != NULL && num_at(sz + 5) >= 0)
				arg_printf(c, PH_LEN, "%lld", num_at(sz + 5));
			/* RFC 5321 4.5.5: a bounce has the null reverse-path. */
			if (starts(skip_sp(p), "<>"))
				return SL(K_SMTP_MAIL_FROM_NULL,
				    K_LMTP_MAIL_FROM_NULL);
			return SL(K_SMTP_MAIL_FROM, K_LMTP_MAIL_FROM);
		}
		if (starts_ci(cmd, "RCPT TO:")) {
			set_addr(c, PH_TO, cmd + 8, line_len(cmd + 8));
			return SL(K_SMTP_RCPT_TO, K_LMTP_RCPT_TO);
		}
		if (starts_ci(cmd, "DATA") && word_len(cmd) == 4)
			return SL(K_SMTP_DATA, K_LMTP_DATA);
		if (starts(cmd, "(")) {
			set_body_size(c, cmd);
			return SL(K_SMTP_MESSAGE, K_LMTP_MESSAGE);
		}
		if (starts_ci(cmd, "QUIT"))
			return SL(K_SMTP_QUIT, K_LMTP_QUIT);
		arg_setn(c, PH_VALUE, cmd, line_len(cmd));
		return SL(K_SMTP_COMMAND, K_LMTP_COMMAND);
	}
	if (!starts(text, "S: "))
		return K_APP_OTHER;

	/* A reply: "S: 550 5.1.1 <x>: ..." and more lines for EHLO. */
	const char *line = text + 3;
	size_t ll = line_len(line);
	long long code = ll >= 3 ? num_at(line) : -1;
	const char *rest = ll > 4 ? line + 4 : "";
	char enh[16] = "";
	size_t el = word_len(rest);

	if (code < 100 || code > 599 || (ll > 3 && line[3] != ' ' &&
	    line[3] != '-')) {
		arg_setn(c, PH_REPLY, line, ll);
		return SL(K_SMTP_REPLY_5, K_LMTP_REPLY_5);
	}
	/* RFC 3463: class.subject.detail, right after the code. */
	if (el > 4 && el < sizeof enh && rest[0] >= '2' && rest[0] <= '5' &&
	    rest[1] == '.' && memchr(rest + 2, '.', el - 2) != NULL)
		memcpy(enh, rest, el);
	arg_printf(c, PH_CODE, "%lld", code);
	arg_printf(c, PH_REPLY, "%.3s %.*s", line, (int)(ll > 4 ? ll - 4 : 0),
	    rest);

	/* The recipient or sender this reply is about. */
	if (memchr(line, '<', ll) != NULL && memchr(line, '@', ll) != NULL)
		set_addr(c, PH_TO, line, ll);
	else if (strcmp(enh, "2.1.5") == 0) {
		const char *rc = sess_find(c, "RCPT TO:");
		if (rc != NULL)
			set_addr(c, PH_TO, rc + 8, line_len(rc + 8));
	}
	if (strcmp(enh, "2.1.0") == 0) {
		const char *mf = sess_find(c, "MAIL FROM:");
		if (mf != NULL)
			set_addr(c, PH_FROM, mf + 10, line_len(mf + 10));
	}

	switch (code) {
	case 220:
		return SL(K_SMTP_GREETING, K_LMTP_GREETING);
	case 221:
		return SL(K_SMTP_BYE, K_LMTP_BYE);
	case 235:
		if (!lmtp) {
			const char *lp = memchr(line, '(', ll);
			const char *rp = lp ? memchr(lp, ')', ll -
			    (size_t)(lp - line)) : NULL;
			if (rp != NULL && rp > lp + 1)
				arg_setn(c, PH_USER, lp + 1,
				    (size_t)(rp - lp - 1));
			return K_SMTP_AUTH_OK;
		}
		break;
	case 334:
		if (!lmtp)
			return K_SMTP_AUTH_CHALLENGE;
		break;
	case 354:
		return SL(K_SMTP_DATA_GO, K_LMTP_DATA_GO);
	case 530:
		if (!lmtp)
			return K_SMTP_AUTH_REQUIRED;
		break;
	case 535:
		if (!lmtp)
			return K_SMTP_AUTH_FAILED;
		break;
	case 550:
		if (strcmp(enh, "5.1.1") == 0)
			return SL(K_SMTP_RCPT_UNKNOWN, K_LMTP_RCPT_UNKNOWN);
		break;
	case 552:
		if (!lmtp)
			return K_SMTP_TOO_BIG;
		break;
	case 554:
		if (!lmtp && strcmp(enh, "5.7.1") == 0)
			return K_SMTP_RELAY_DENIED;
		if (!lmtp && strcmp(enh, "5.4.6") == 0)
			return K_SMTP_LOOP;
		break;
	case 250: {
		const char *hello = sess_find(c, NULL);

		if (strcmp(enh, "2.1.0") == 0)
			return SL(K_SMTP_MAIL_OK, K_LMTP_MAIL_OK);
		if (strcmp(enh, "2.1.5") == 0 && strstr(line, "delivered")) {
			if (lmtp)
				return K_LMTP_DELIVERED;
			break;
		}
		if (strcmp(enh, "2.1.5") == 0)
			return SL(K_SMTP_RCPT_OK, K_LMTP_RCPT_OK);
		if (!lmtp && strstr(line, "queued as") != NULL)
			return K_SMTP_QUEUED;
		if ((hello != NULL && (starts_ci(hello, "EHLO") ||
		    starts_ci(hello, "HELO") || starts_ci(hello, "LHLO"))) ||
		    (hello == NULL && enh[0] == '\0')) {
			/* The extensions, one a line after the first. */
			struct buf ext = { 0 };
			const char *p = line + ll;

			while (*p == '\r' || *p == '\n') {
				while (*p == '\r' || *p == '\n')
					p++;
				size_t n = line_len(p);
				if (n > 4) {
					buf_printf(&ext, "%s%.*s",
					    ext.len ? ", " : "", (int)(n - 4),
					    p + 4);
				}
				p += n;
			}
			if (ext.len)
				arg_setn(c, PH_VALUE, (char *)ext.data,
				    ext.len);
			buf_free(&ext);
			return SL(K_SMTP_EHLO_REPLY, K_LMTP_LHLO_REPLY);
		}
		break;
	}
	default:
		break;
	}
	if (code >= 500)
		return SL(K_SMTP_REPLY_5, K_LMTP_REPLY_5);
	if (code >= 400)
		return SL(K_SMTP_REPLY_4, K_LMTP_REPLY_4);
	return SL(K_SMTP_REPLY_2, K_LMTP_REPLY_2);
#undef SL
}

/* ---------------------------------------------------------------- */
/* DNS: the words of dns_describe() */

/* One resource record "NAME TYPE DATA": {name}, {type}, {value}. */
static void
set_rr(struct narr_ctx *c, const char *p, size_t n)
{
	size_t a = strcspn(p, " ");

	if (a > n)
		a = n;
	arg_setn(c, PH_NAME, p, a);
	arg_setn(c, PH_DOMAIN, p, a);
	if (a >= n)
		return;
	const char *t = p + a + 1;
	size_t tl = strcspn(t, " ");

	if (tl > n - a - 1)
		tl = n - a - 1;
	arg_setn(c, PH_TYPE, t, tl);
	if (a + 1 + tl >= n)
		return;
	const char *v = t + tl + 1;
	size_t vl = n - a - 2 - tl;

	/* MX data is "PREFERENCE EXCHANGE": the student wants the server. */
	if (tl == 2 && strncmp(t, "MX", 2) == 0 && num_at(v) >= 0) {
		size_t pl = strcspn(v, " ");
		if (pl < vl) {
			v += pl + 1;
			vl -= pl + 1;
		}
	}
	arg_setn(c, PH_VALUE, v, vl);
}

static enum narr_key
cl_dns(struct narr_ctx *c, const char *t)
{
	if (starts(t, "query ")) {
		const char *type = t + 6;
		size_t tl = word_len(type);
		const char *name = next_word(type);
		size_t nl = line_len(name);

		if (nl > 0 && name[nl - 1] == '?')
			nl--;
		arg_setn(c, PH_TYPE, type, tl);
		arg_setn(c, PH_NAME, name, nl);
		arg_setn(c, PH_DOMAIN, name, nl);
		if (tl == 1 && type[0] == 'A')
			return K_DNS_QUERY_A;
		if (tl == 2 && strncmp(type, "MX", 2) == 0)
			return K_DNS_QUERY_MX;
		if (tl == 5 && strncmp(type, "CNAME", 5) == 0)
			return K_DNS_QUERY_CNAME;
		if (tl == 3 && strncmp(type, "TXT", 3) == 0)
			return K_DNS_QUERY_TXT;
		if (tl == 2 && strncmp(type, "NS", 2) == 0)
			return K_DNS_QUERY_NS;
		return K_DNS_QUERY_OTHER;
	}
	/* RFC 2181 section 9: TC; what follows is classified as usual. */
	if (starts(t, "truncated (TC) ")) {
		const char *rest = t + 15;

		if (!starts(rest, "answer ") && !starts(rest, "NXDOMAIN ") &&
		    !starts(rest, "NODATA ") && !starts(rest, "referral ") &&
		    !starts(rest, "SERVFAIL ") && !starts(rest, "REFUSED ")) {
			set_rr(c, rest, strcspn(rest, "("));
			return K_DNS_TRUNCATED;
		}
		t = rest;
	}
	if (starts(t, "answer ")) {
		const char *p = t + 7;
		const char *add = strstr(p, " (additional:");
		size_t all = add ? (size_t)(add - p) : line_len(p);
		size_t first = strcspn(p, ";");
		int n = 1;

		if (first > all)
			first = all;
		for (size_t i = 0; i < all; i++)
			n += p[i] == ';';
		arg_printf(c, PH_COUNT, "%d", n);
		set_rr(c, p, first);
		const char *type = arg_get(c, PH_TYPE);

		if (type == NULL)
			return K_DNS_ANSWER_OTHER;
		if (strcmp(type, "A") == 0)
			return K_DNS_ANSWER_A;
		if (strcmp(type, "MX") == 0)
			return K_DNS_ANSWER_MX;
		if (strcmp(type, "CNAME") == 0)
			return K_DNS_ANSWER_CNAME;
		if (strcmp(type, "TXT") == 0)
			return K_DNS_ANSWER_TXT;
		if (strcmp(type, "NS") == 0)
			return K_DNS_ANSWER_NS;
		return K_DNS_ANSWER_OTHER;
	}
	if (starts(t, "NXDOMAIN ")) {
		set_rr(c, t + 9, word_len(t + 9));
		return K_DNS_NXDOMAIN;
	}
	if (starts(t, "NODATA ")) {
		set_rr(c, t + 7, strcspn(t + 7, "("));
		/* set_rr() took the trailing space into the type: redo it. */
		const char *type = next_word(t + 7);
		arg_setn(c, PH_TYPE, type, word_len(type));
		return K_DNS_NODATA;
	}
	if (starts(t, "referral to ")) {
		const char *z = t + 12;
		size_t zl = strcspn(z, ":");
		const char *ns = z[zl] == ':' ? skip_sp(z + zl + 1) : "";

		arg_setn(c, PH_NAME, z, zl);
		arg_setn(c, PH_DOMAIN, z, zl);
		arg_setn(c, PH_VALUE, ns, line_len(ns));
		return K_DNS_REFERRAL;
	}
	if (starts(t, "SERVFAIL ")) {
		set_rr(c, t + 9, word_len(t + 9));
		return K_DNS_SERVFAIL;
	}
	if (starts(t, "REFUSED ")) {
		set_rr(c, t + 8, word_len(t + 8));
		return K_DNS_REFUSED;
	}
	arg_setn(c, PH_REPLY, t, line_len(t));
	return K_DNS_ERROR;
}

static enum narr_key
cl_app(struct narr_ctx *c)
{
	const char *t = trace_text_at(c->tr, c->r->text);

	arg_set(c, PH_PROTO, app_proto_name((enum app_proto)c->r->a));
	switch (c->r->a) {
	case APP_DNS:
		return cl_dns(c, t);
	case APP_SMTP:
		return cl_smtp(c, t, 0);
	case APP_LMTP:
		return cl_smtp(c, t, 1);
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
	int bounce;

	if (c->r->a != ST_DELIVERY)
		arg_printf(c, PH_COUNT, "%u", c->r->b);
	switch (c->r->a) {
	case ST_MAILBOX_ADD:
	case ST_MAILBOX_DEL:
		/* "address message-id" */
		set_addr(c, PH_TO, t, word_len(t));
		bounce = set_mid(c, w2);
		if (c->r->a == ST_MAILBOX_DEL)
			return K_ST_MAILBOX_DEL;
		return bounce ? K_ST_MAILBOX_ADD_BOUNCE : K_ST_MAILBOX_ADD;
	case ST_QUEUE_ADD:
		/* "message-id recipient" */
		bounce = set_mid(c, t);
		set_addr(c, PH_TO, w2, word_len(w2));
		return bounce ? K_ST_QUEUE_ADD_BOUNCE : K_ST_QUEUE_ADD;
	case ST_QUEUE_DEL:
		set_mid(c, t);
		return K_ST_QUEUE_DEL;
	case ST_QUEUE_RETRY: {
		/* "message-id recipient retry in N s: reason" */
		const char *in = strstr(t, " retry in ");
		const char *colon = in ? strstr(in, ": ") : NULL;

		set_mid(c, t);
		set_addr(c, PH_TO, w2, word_len(w2));
		if (in != NULL && num_at(in + 10) >= 0)
			arg_printf(c, PH_SECONDS, "%lld", num_at(in + 10));
		if (colon != NULL)
			arg_setn(c, PH_REASON, colon + 2, line_len(colon + 2));
		return K_ST_QUEUE_RETRY;
	}
	case ST_DNS_CACHE_ADD:
	case ST_DNS_CACHE_EXPIRE: {
		/* "name TYPE value[ ttl=N]" */
		const char *ttl = strstr(t, " ttl=");
		size_t n = ttl ? (size_t)(ttl - t) : line_len(t);

		set_rr(c, t, n);
		if (ttl != NULL && num_at(ttl + 5) >= 0)
			arg_printf(c, PH_SECONDS, "%lld", num_at(ttl + 5));
		return c->r->a == ST_DNS_CACHE_ADD ? K_ST_DNS_CACHE_ADD :
		    K_ST_DNS_CACHE_EXPIRE;
	}
	case ST_DELIVERY: {
		/* "status message-id recipient reply" */
		const char *rc = next_word(w2);
		const char *reply = next_word(rc);

		set_mid(c, w2);
		set_addr(c, PH_TO, rc, word_len(rc));
		arg_setn(c, PH_REPLY, reply, line_len(reply));
		if (num_at(reply) >= 0)
			arg_printf(c, PH_CODE, "%lld", num_at(reply));
		arg_setn(c, PH_STATE, t, word_len(t));
		if (starts(t, "delivered "))
			return K_ST_DELIVERED;
		if (starts(t, "bounced "))
			return K_ST_BOUNCED;
		if (starts(t, "queued "))
			return K_ST_QUEUED;
		if (starts(t, "rejected "))
			return K_ST_REJECTED;
		return K_ST_OTHER;
	}
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
	const struct narr_pkt none = { 0 };
	struct narr_pkt k;

	if (r == NULL)
		return K_UNKNOWN;
	set_common(c);
	if (r->say != 0)
		return from_say(c);
	switch (r->kind) {
	case TR_FRAME_QUEUED:
	case TR_FRAME_TX:
	case TR_FRAME_RX:
	case TR_FRAME_DROP:
		return cl_frame(c);
	case TR_NODE_STATE:
		return r->a ? K_NODE_ON : K_NODE_OFF;
	case TR_LINK_STATE:
		return r->a ? K_LINK_UP : K_LINK_DOWN;
	case TR_TCP_STATE:
		return cl_tcp_state(c);
	case TR_TCP_RETX:
		if (r->frame != TRACE_NONE &&
		    r->frame < trace_frame_count(c->tr))
			narrate_pkt(trace_frame_bytes(c->tr, r->frame),
			    trace_frame(c->tr, r->frame)->len, &k);
		else
			k = none;
		set_pkt(c, &k);
		arg_set(c, PH_REASON, retx_kind_name((enum tcp_retx_kind)r->b));
		switch (r->b) {
		case RETX_TIMEOUT: return K_RETX_TIMEOUT;
		case RETX_FAST: return K_RETX_FAST;
		default: return K_RETX_PARTIAL;
		}
	case TR_TCP_ERROR:
		set_conn_port(c, (uint16_t)(r->b >> 16), (uint16_t)r->b);
		arg_set(c, PH_REASON, r->a <= TCP_ERR_HOST_DOWN ?
		    tcp_err_str((enum tcp_err)r->a) : NULL);
		switch (r->a) {
		case TCP_ERR_REFUSED: return K_TCPERR_REFUSED;
		case TCP_ERR_TIMEOUT: return K_TCPERR_TIMEOUT;
		case TCP_ERR_RESET: return K_TCPERR_RESET;
		case TCP_ERR_HOST_DOWN: return K_TCPERR_HOST_DOWN;
		default: return K_TCPERR_OTHER;
		}
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
