/*
 * narrate.c: what each step of the trace means, as a key and as a
 * sentence in the student's language (narrate.h).
 *
 * The meaning is not found here: the layer that acted wrote it into the
 * record (trace.h, "Narration at the source"): the network which frame
 * it sent, forwarded or lost, TCP which state it entered, the DNS
 * server what its answer holds, the mail server whether a message went
 * into a mailbox here, to LMTP, to a relay or to a domain's MX, the POP3
 * server what UPDATE really removed.  This file only
 *
 *   - takes the record's key and arguments (from_say());
 *   - adds the values every record has: when, where, with whom, and for
 *     a frame its length, addresses and ports from its headers (RFC 791,
 *     RFC 793, RFC 768), the port named by the scenario (ports.c);
 *   - looks the key up in a language file and fills the placeholders.
 *
 * It never reads a record's transcript text back (tests/layers.py checks
 * that this object does not use trace_text_at()).  Nothing here changes
 * the trace or the sim, so the window can narrate any step in any order,
 * backwards included.
 */
#include "narrate.h"

#include <cjson/cJSON.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "tcp.h"

/* ---------------------------------------------------------------- */
/* The keys */

/*
 * Every key, once: the enum and the strings come from this one list,
 * so narrate_key() cannot return a key that narrate_keys() lacks.
 */
#define NARR_KEYS(X) \
	X(K_FRAME_QUEUED,		"frame.queued") \
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
	X(K_LINK_LOSS_CHANGED,		"link.loss_changed") \
	X(K_DNS_RECORD_ADDED,		"dns.record_added") \
	X(K_DNS_RECORD_REMOVED,		"dns.record_removed") \
	X(K_MAIL_PASSWORD_CHANGED,	"mail.password_changed") \
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
	X(K_SMTP_RCPT_POSTMASTER,	"smtp.rcpt_postmaster") \
	X(K_SMTP_RCPT_UNKNOWN,		"smtp.rcpt_unknown_user") \
	X(K_SMTP_RELAY_DENIED,		"smtp.relay_denied") \
	X(K_SMTP_DATA,			"smtp.data") \
	X(K_SMTP_DATA_GO,		"smtp.data_go_ahead") \
	X(K_SMTP_MESSAGE,		"smtp.message") \
	X(K_SMTP_MESSAGE_ONE_PACKET,	"smtp.message.one_packet") \
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
	X(K_LMTP_RCPT_POSTMASTER,	"lmtp.rcpt_postmaster") \
	X(K_LMTP_RCPT_UNKNOWN,		"lmtp.rcpt_unknown_user") \
	X(K_LMTP_DATA,			"lmtp.data") \
	X(K_LMTP_DATA_GO,		"lmtp.data_go_ahead") \
	X(K_LMTP_MESSAGE,		"lmtp.message") \
	X(K_LMTP_MESSAGE_ONE_PACKET,	"lmtp.message.one_packet") \
	X(K_LMTP_DELIVERED,		"lmtp.delivered") \
	X(K_LMTP_QUIT,			"lmtp.quit") \
	X(K_LMTP_BYE,			"lmtp.bye") \
	X(K_LMTP_REPLY_2,		"lmtp.reply.2xx") \
	X(K_LMTP_REPLY_4,		"lmtp.reply.4xx") \
	X(K_LMTP_REPLY_5,		"lmtp.reply.5xx") \
	X(K_SESS_SMTP_SRV_CONNECTED,	"session.smtp_server.connected") \
	X(K_SESS_LMTP_SRV_CONNECTED,	"session.lmtp_server.connected") \
	X(K_SESS_SMTP_SRV_READY,	"session.smtp_server.ready") \
	X(K_SESS_SMTP_SRV_MAIL,		"session.smtp_server.mail") \
	X(K_SESS_SMTP_SRV_RCPT,		"session.smtp_server.rcpt") \
	X(K_SESS_SMTP_SRV_DATA,		"session.smtp_server.data") \
	X(K_SESS_SMTP_SRV_AUTH_PLAIN,	"session.smtp_server.auth_plain") \
	X(K_SESS_SMTP_SRV_AUTH_USER,	"session.smtp_server.auth_user") \
	X(K_SESS_SMTP_SRV_AUTH_PASS,	"session.smtp_server.auth_pass") \
	X(K_SESS_SMTP_SRV_CLOSED,	"session.smtp_server.closed") \
	X(K_SESS_SMTP_CLI_CONNECTING,	"session.smtp_client.connecting") \
	X(K_SESS_SMTP_CLI_GREETING,	"session.smtp_client.greeting") \
	X(K_SMTP_SUBMIT,	"smtp.submit") \
	X(K_SMTP_SUBMIT_SEVERAL, "smtp.submit.several") \
	X(K_SMTP_SUBMIT_DIRECT, "smtp.submit.direct") \
	X(K_SESS_SMTP_CLI_EHLO,		"session.smtp_client.ehlo") \
	X(K_SESS_LMTP_CLI_LHLO,		"session.lmtp_client.lhlo") \
	X(K_SESS_SMTP_CLI_HELO,		"session.smtp_client.helo") \
	X(K_SESS_SMTP_CLI_AUTH,		"session.smtp_client.auth") \
	X(K_SESS_SMTP_CLI_MAIL,		"session.smtp_client.mail") \
	X(K_SESS_SMTP_CLI_RCPT,		"session.smtp_client.rcpt") \
	X(K_SESS_SMTP_CLI_DATA,		"session.smtp_client.data") \
	X(K_SESS_SMTP_CLI_MESSAGE,	"session.smtp_client.message") \
	X(K_SESS_SMTP_CLI_QUIT,		"session.smtp_client.quit") \
	X(K_SESS_SMTP_CLI_CLOSED,	"session.smtp_client.closed") \
	X(K_DNS_QUERY_A,		"dns.query.a") \
	X(K_DNS_QUERY_MX,		"dns.query.mx") \
	X(K_DNS_QUERY_CNAME,		"dns.query.cname") \
	X(K_DNS_QUERY_TXT,		"dns.query.txt") \
	X(K_DNS_QUERY_NS,		"dns.query.ns") \
	X(K_DNS_QUERY_OTHER,		"dns.query.other") \
	X(K_DNS_QUERY_TCP,		"dns.query.tcp") \
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
	X(K_POP3_LOGIN_OK_ONE,		"pop3.login_ok.one") \
	X(K_POP3_LOGIN_OK_NONE,		"pop3.login_ok.none") \
	X(K_POP3_LOGIN_OK_NONE_DELETED,	"pop3.login_ok.none.deleted") \
	X(K_POP3_LOGIN_FAILED,		"pop3.login_failed") \
	X(K_POP3_LOGIN_IN_USE,		"pop3.login_in_use") \
	X(K_POP3_STAT,			"pop3.stat") \
	X(K_POP3_STAT_REPLY,		"pop3.stat_reply") \
	X(K_POP3_STAT_REPLY_ONE,	"pop3.stat_reply.one") \
	X(K_POP3_STAT_REPLY_NONE,	"pop3.stat_reply.none") \
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
	X(K_POP3_QUIT_HAS_ALL,		"pop3.quit.has_all") \
	X(K_POP3_QUIT_NOT_IN,		"pop3.quit.not_in") \
	X(K_POP3_BYE,			"pop3.bye") \
	X(K_POP3_BYE_ONE,		"pop3.bye.one") \
	X(K_POP3_BYE_NONE_DELETED,	"pop3.bye.none_deleted") \
	X(K_POP3_BYE_EMPTY,		"pop3.bye.none_deleted.empty") \
	X(K_POP3_BYE_NOT_LOGGED_IN,	"pop3.bye.not_logged_in") \
	X(K_POP3_OK,			"pop3.ok") \
	X(K_POP3_ERR,			"pop3.err") \
	X(K_SESS_POP3S_AUTHORIZATION,	"session.pop3_server.authorization") \
	X(K_SESS_POP3S_TRANSACTION,	"session.pop3_server.transaction") \
	X(K_SESS_POP3S_UPDATE,	"session.pop3_server.update") \
	X(K_SESS_POP3S_DONE,	"session.pop3_server.done") \
	X(K_SESS_POP3C_CONNECTING,	"session.pop3_client.connecting") \
	X(K_SESS_POP3C_AUTHORIZATION,	"session.pop3_client.authorization") \
	X(K_SESS_POP3C_TRANSACTION,	"session.pop3_client.transaction") \
	X(K_SESS_POP3C_UPDATE,	"session.pop3_client.update") \
	X(K_SESS_POP3C_DONE,	"session.pop3_client.done") \
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
	X(K_IMAP_SEARCH_UIDS,		"imap.search_uids") \
	X(K_IMAP_SEARCH_UIDS_ONE,	"imap.search_uids.one") \
	X(K_IMAP_SEARCH_OK,		"imap.search_ok") \
	X(K_IMAP_FETCH_UID,		"imap.fetch_uid") \
	X(K_IMAP_FETCH_UID_NEW,		"imap.fetch_uid.new") \
	X(K_IMAP_FETCH_DATA,		"imap.fetch_data") \
	X(K_IMAP_FETCH_DATA_UID,	"imap.fetch_data_uid") \
	X(K_IMAP_FETCH_DATA_UID_SEEN,	"imap.fetch_data_uid.seen") \
	X(K_IMAP_FETCH_FLAGS,		"imap.fetch_flags") \
	X(K_IMAP_FETCH_INFO,		"imap.fetch_info") \
	X(K_IMAP_FETCH_OK,		"imap.fetch_ok") \
	X(K_IMAP_FETCH_OK_PEEK,		"imap.fetch_ok.peek") \
	X(K_IMAP_STORE_OK,		"imap.store_ok") \
	X(K_IMAP_EXPUNGED,		"imap.expunged") \
	X(K_IMAP_EXPUNGE_OK,		"imap.expunge_ok") \
	X(K_IMAP_EXPUNGE_OK_NONE,	"imap.expunge_ok.none") \
	X(K_IMAP_LOGOUT,		"imap.logout") \
	X(K_IMAP_LOGOUT_HAS_ALL,	"imap.logout.has_all") \
	X(K_IMAP_LOGOUT_OK,		"imap.logout_ok") \
	X(K_IMAP_BYE,			"imap.bye") \
	X(K_IMAP_BYE_AUTOLOGOUT,	"imap.bye.autologout") \
	X(K_IMAP_BYE_TOO_MANY_BAD,	"imap.bye.too_many_bad") \
	X(K_IMAP_UNTAGGED,		"imap.untagged") \
	X(K_IMAP_CONTINUE,		"imap.continue") \
	X(K_IMAP_LITERAL,		"imap.literal") \
	X(K_IMAP_OK,			"imap.ok") \
	X(K_IMAP_NO,			"imap.no") \
	X(K_IMAP_BAD,			"imap.bad") \
	X(K_IMAP_BAD_REPLY,		"imap.bad_reply") \
	X(K_SESSION_IMAP_SERVER_NOT_AUTHENTICATED, "session.imap_server.not_authenticated") \
	X(K_SESSION_IMAP_SERVER_AUTHENTICATED, "session.imap_server.authenticated") \
	X(K_SESSION_IMAP_SERVER_SELECTED, "session.imap_server.selected") \
	X(K_SESSION_IMAP_SERVER_LOGOUT,	"session.imap_server.logout") \
	X(K_SESSION_IMAP_CLIENT_NOT_AUTHENTICATED, "session.imap_client.not_authenticated") \
	X(K_SESSION_IMAP_CLIENT_AUTHENTICATED, "session.imap_client.authenticated") \
	X(K_SESSION_IMAP_CLIENT_SELECTED, "session.imap_client.selected") \
	X(K_SESSION_IMAP_CLIENT_LOGOUT,	"session.imap_client.logout") \
	X(K_ST_MAILBOX_ADD,		"state.mailbox_add") \
	X(K_ST_MAILBOX_ADD_BOUNCE,	"state.mailbox_add_bounce") \
	X(K_ST_MAILBOX_DEL,		"state.mailbox_del") \
	X(K_ST_MAILBOX_DEL_POP3,	"state.mailbox_del_pop3") \
	X(K_ST_MAILBOX_DEL_IMAP,	"state.mailbox_del_imap") \
	X(K_ST_FLAGS,			"state.flags") \
	X(K_ST_FLAGS_DELETED,		"state.flags_deleted") \
	X(K_ST_FLAGS_NONE,		"state.flags_none") \
	X(K_ST_QUEUE_ADD,		"state.queue_add") \
	X(K_ST_QUEUE_ADD_LOCAL,		"state.queue_add_local") \
	X(K_ST_QUEUE_ADD_LMTP,		"state.queue_add_lmtp") \
	X(K_ST_QUEUE_ADD_BOUNCE,	"state.queue_add_bounce") \
	X(K_ST_QUEUE_DEL,		"state.queue_del") \
	X(K_ST_QUEUE_RETRY,		"state.queue_retry") \
	X(K_ST_QUEUE_RETRY_DNS,		"state.queue_retry.dns") \
	X(K_ST_QUEUE_RETRY_NO_ANSWER,	"state.queue_retry.no_answer") \
	X(K_ST_QUEUE_NEXT_MX,		"state.queue_retry.next_mx") \
	X(K_ST_QUEUE_NEXT_MX_NO_ADDR,	"state.queue_retry.next_mx_no_address") \
	X(K_ST_DNS_CACHE_ADD,		"state.dns_cache_add") \
	X(K_ST_DNS_CACHE_EXPIRE,	"state.dns_cache_expire") \
	X(K_ST_CLIENT_STORE_POP3,	"state.client_store_pop3") \
	X(K_ST_CLIENT_STORE_POP3_KEEP,	"state.client_store_pop3_keep") \
	X(K_ST_CLIENT_STORE_IMAP,	"state.client_store_imap") \
	X(K_ST_DELIVERED,		"state.delivery.delivered") \
	X(K_ST_BOUNCED,			"state.delivery.bounced") \
	X(K_ST_REFUSED,			"state.delivery.refused") \
	X(K_ST_NO_DOMAIN,		"state.delivery.no_domain") \
	X(K_ST_NO_MX_HOST,		"state.delivery.no_mx_host") \
	X(K_ST_TOO_BIG,			"state.delivery.too_big") \
	X(K_ST_GAVE_UP,			"state.delivery.gave_up") \
	X(K_ST_BOUNCE_LOST,		"state.delivery.bounce_lost") \
	X(K_ST_QUEUED,			"state.delivery.queued") \
	X(K_ST_QUEUED_LOCAL,		"state.delivery.queued_local") \
	X(K_ST_QUEUED_LMTP,		"state.delivery.queued_lmtp") \
	X(K_ST_QUEUED_RELAY,		"state.delivery.queued_relay") \
	X(K_ST_QUEUED_MX,		"state.delivery.queued_mx") \
	X(K_ST_REJECTED,		"state.delivery.rejected") \
	X(K_ST_REJECTED_UNSENT,		"state.delivery.rejected_unsent") \
	X(K_ST_REJECTED_NO_DNS,		"state.delivery.rejected_no_dns") \
	X(K_ST_REJECTED_OFF,		"state.delivery.rejected_off") \
	/* The recap at the end of a run (sim/world/recap.c). */ \
	X(K_RECAP_DELIVERED,		"recap.delivered") \
	X(K_RECAP_FETCHED,		"recap.delivered_fetched") \
	X(K_RECAP_FETCHED_DELETED,	"recap.delivered_fetched_deleted") \
	X(K_RECAP_GONE,			"recap.delivered_gone") \
	X(K_RECAP_BOUNCED,		"recap.bounced") \
	X(K_RECAP_REFUSED,		"recap.refused") \
	X(K_RECAP_REFUSED_UNSENT,	"recap.refused_unsent") \
	X(K_RECAP_QUEUED,		"recap.queued") \
	X(K_RECAP_UNSENT,		"recap.unsent") \
	X(K_RECAP_NOTICE,		"recap.notice") \
	X(K_RECAP_NOTICE_QUEUED,	"recap.notice_queued") \
	X(K_RECAP_LOST,			"recap.lost") \
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
	X(PH_SECONDS, "seconds") X(PH_UID, "uid") \
	X(PH_NEXT, "next") X(PH_BY, "by") X(PH_MSS, "mss") \
	X(PH_SEGMENTS, "segments") X(PH_VIA, "via")

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
	const struct trace_rec	*r;	/* &copy, or NULL */
	struct trace_rec	 copy;
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
static void	ctx_init(struct narr_ctx *, const struct sim *, size_t,
		    const char *);
static void	ctx_free(struct narr_ctx *);

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
		if (a->node >= 0 && node_ok(c->sc, a->node) &&
		    arg_get(c, (enum narr_ph)ph) != NULL &&
		    (ph == PH_VIA || ph == PH_BY)) {
			/*
			 * A node named again is a list (the recap): joined by
			 * a mark that list_finish() makes "A, B and C".
			 */
			struct buf l = { 0 };
			buf_printf(&l, "%s\x1f%s", arg_get(c, (enum narr_ph)ph),
			    node_label(c, a->node));
			arg_set(c, (enum narr_ph)ph, (const char *)l.data);
			buf_free(&l);
		} else if (a->node >= 0) {
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
	/* Every layer writes its key (trace.h); a record without one is a bug. */
	return r->say != 0 ? from_say(c) : K_UNKNOWN;
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
	c->r = rec < trace_count(c->tr) ?
	    (c->copy = trace_at(c->tr, rec), &c->copy) : NULL;
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
	/* "fields" and "values": the inspector's words (decode.h), key -> text. */
	struct narr_words {
		char	**key, **text;
		int	  n;
	} words[3];
};

/*
 * "words": the narration's own small words, such as "list.and", the last
 * joint of a list ("A, B and C").
 */
static const char *const narr_word_sections[3] = { "fields", "values",
	"words" };
/* "cmp.*": the comparison of two runs (compare.c). */
static const char *const narr_words_known[] = { "list.and",
    "cmp.title", "cmp.absent", "cmp.queued",
    "cmp.retried", "cmp.seconds", "cmp.delivered",
    "cmp.bounced", "cmp.rejected", "cmp.still_queued",
    "cmp.on_the_way", "cmp.same", "cmp.bounce_of",
    "cmp.at_end", "cmp.no_holder", "cmp.mailbox",
    "cmp.device", "cmp.messages", "cmp.retried_n", "cmp.hours",
    "cmp.bounced_gave_up" };

static int
narr_word_known(const char *k)
{
	for (size_t i = 0; i < sizeof narr_words_known /
	    sizeof narr_words_known[0]; i++)
		if (strcmp(narr_words_known[i], k) == 0)
			return 1;
	return 0;
}

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

/*
 * The lists of {via} and {by} in the language's words: ", " between
 * the items and the language's "list.and" before the last.
 */
static void
list_finish(struct narr_ctx *c, const struct narr_lang *L,
    const struct narr_lang *fallback)
{
	static const enum narr_ph lists[] = { PH_VIA, PH_BY };
	const char *and = narr_lang_word(L, "words", "list.and");

	if (and == NULL)
		and = narr_lang_word(fallback, "words", "list.and");
	if (and == NULL)
		and = ", ";
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		const char *v = arg_get(c, lists[i]), *last;
		struct buf l = { 0 };

		if (v == NULL || (last = strrchr(v, '\x1f')) == NULL)
			continue;
		for (const char *p = v; *p; p++) {
			if (*p != '\x1f')
				buf_putc(&l, *p);
			else if (p == last)
				buf_printf(&l, "%s", and);
			else
				buf_printf(&l, ", ");
		}
		buf_putc(&l, '\0');
		arg_set(c, lists[i], (const char *)l.data);
		buf_free(&l);
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
	list_finish(&c, L, fallback);
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

static void
words_add(struct narr_words *W, const char *key, const char *text)
{
	W->key = xrealloc(W->key, (size_t)(W->n + 1) * sizeof *W->key);
	W->text = xrealloc(W->text, (size_t)(W->n + 1) * sizeof *W->text);
	W->key[W->n] = xstrdup(key);
	W->text[W->n++] = xstrdup(text);
}

/*
 * A section of the inspector's words ("fields": a field's name,
 * "values": the words of its value, decode.h) or of the narration's own
 * ("words"): short texts, one line each.  Keys are not checked here;
 * narr_lang_lint() names the unknown.
 */
static void
lang_words(struct narr_lang *L, const cJSON *obj, const char *sect,
    const char *name, struct buf *e)
{
	struct narr_words *W = &L->words[strcmp(sect, "fields") == 0 ? 0 :
	    strcmp(sect, "values") == 0 ? 1 : 2];
	const cJSON *m;

	cJSON_ArrayForEach(m, obj) {
		const char *key = m->string ? m->string : "";

		if (key[0] == '_')
			continue;
		if (seen_before(obj, m)) {
			err_add(e, name, "%s.%s: written twice (each key "
			    "once)", sect, key);
			continue;
		}
		if (!cJSON_IsString(m) || m->valuestring == NULL ||
		    m->valuestring[strspn(m->valuestring, " ")] == '\0') {
			err_add(e, name, "%s.%s: must be words in quotes "
			    "\"...\"", sect, key);
			continue;
		}
		const char *v = m->valuestring;
		size_t n = strlen(v);
		int ctl = 0;

		for (size_t i = 0; i < n; i++)
			ctl |= (unsigned char)v[i] < 0x20;
		if (n > NARR_TEXT_MAX || ctl) {
			err_add(e, name, "%s.%s: must be one line of at most "
			    "%d bytes", sect, key, NARR_TEXT_MAX);
			continue;
		}
		words_add(W, key, v);
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
		} else if (strcmp(key, "fields") == 0 ||
		    strcmp(key, "values") == 0 || strcmp(key, "words") == 0) {
			if (!cJSON_IsObject(m))
				err_add(&e, name, "%s: must be an object "
				    "{\"key\": \"words\", ...}", key);
			else
				lang_words(L, m, key, name, &e);
		} else if (key[0] != '_')
			err_add(&e, name, "%s: unknown key (a language file "
			    "has \"language\", \"name\", \"texts\" and "
			    "maybe \"fallback\", \"fields\", \"values\" and "
			    "\"words\"; "
			    "keys starting with '_' are comments)", key);
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
	for (int w = 0; w < 3; w++) {
		for (int i = 0; i < L->words[w].n; i++) {
			free(L->words[w].key[i]);
			free(L->words[w].text[i]);
		}
		free(L->words[w].key);
		free(L->words[w].text);
	}
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
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < from->words[w].n; i++)
			if (narr_lang_word(L, narr_word_sections[w],
			    from->words[w].key[i]) == NULL)
				words_add(&L->words[w], from->words[w].key[i],
				    from->words[w].text[i]);
}

const char *
narr_lang_text(const struct narr_lang *L, const char *key)
{
	int k = key_index(key);

	return k >= 0 ? L->text[k] : NULL;
}

const char *
narr_lang_word(const struct narr_lang *L, const char *section,
    const char *key)
{
	if (L == NULL || section == NULL || key == NULL)
		return NULL;
	for (int w = 0; w < 3; w++) {
		if (strcmp(narr_word_sections[w], section) != 0)
			continue;
		for (int i = 0; i < L->words[w].n; i++)
			if (strcmp(L->words[w].key[i], key) == 0)
				return L->words[w].text[i];
	}
	return NULL;
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
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < L->words[w].n; i++) {
			const char *k = L->words[w].key[i];

			if (w == 2 ? narr_word_known(k) : (w == 0 ?
			    decode_field_en(k) : decode_value_en(k)) != NULL)
				continue;
			buf_printf(out, "%s: %s.%s: not a key the inspector "
			    "shows (a typo?); it is ignored\n", name,
			    narr_word_sections[w], k);
			n++;
		}
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
