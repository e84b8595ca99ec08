/*
 * words.h: the window's own short words (buttons, headings, badges) in
 * English and Indonesian.  The narration, which is most of what a
 * student reads, comes from the files in assets/lang/; these few words are
 * built in so the window never shows a key instead of a word.  A
 * language with no table here gets the English words.
 */
#ifndef SUREL_WORDS_H
#define SUREL_WORDS_H

#include <stddef.h>

enum word {
	W_STEP,
	W_OF,
	W_PLAYING,
	W_PAUSED,
	W_SPEED,
	W_EVENTS,
	W_INSPECTOR,
	W_NARRATION,
	W_NODE,
	W_SEQUENCE,
	W_PICTURE,
	W_MAILBOX,
	W_QUEUE,
	W_CACHE,
	W_DOWNLOADED,
	W_OFF,
	W_LINK_DOWN,
	W_LOST,
	W_WAITING,
	W_LEGEND_TCP,
	W_KEYS,
	W_NO_PACKET,
	W_BYTES,
	W_PACKET,
	W_FROM_TO,
	W_LAYERS,
	W_HEX,
	W_CLICK_FIELD,
	W_ADDRESS,
	W_HOSTNAME,
	W_SERVICES,
	W_NOTHING,
	W_DNS_CACHE,
	W_MAIL_QUEUE,
	W_MAILBOXES,
	W_DEVICE_MAIL,
	W_CLIENT,
	W_ROUTER,
	W_SERVER,
	W_NO_MESSAGES,
	W_BEFORE,
	W_CH_SUBMISSION,
	W_CH_DNS,
	W_CH_RELAY,
	W_CH_DELIVERY,
	W_CH_FETCH,
	W_CH_BOUNCE,
	W_NO_DECODE,
	W_PK_DNS_QUERY,
	W_PK_DNS_ANSWER,
	W_SUBMISSION,
	W_LATENCY,
	W_EV_SENT,
	W_EV_FORWARDED,
	W_EV_ARRIVES,
	W_EV_WAITS,
	W_EV_POWER_ON,
	W_EV_POWER_OFF,
	W_EV_LINK_UP,
	W_EV_LINK_DOWN,
	W_EV_RETX,
	W_EV_TCP_ERR,
	W_ST_MAILBOX_ADD,
	W_ST_MAILBOX_DEL,
	W_ST_QUEUE_ADD,
	W_ST_QUEUE_DEL,
	W_ST_QUEUE_RETRY,
	W_ST_DNS_ADD,
	W_ST_DNS_EXPIRE,
	W_ST_CLIENT_STORE,
	W_ST_DELIVERY,
	W_ST_SESSION,
	W_START,
	W_START_HINT,
	W_Q_QUESTION,
	W_Q_PREDICT,
	W_Q_HINT,
	W_Q_SKIP,
	W_Q_RIGHT,
	W_Q_WRONG,
	W_Q_ANSWER_IS,
	W_Q_CONTINUE,
	W_NWORDS
};

/* lang: "en", "id", ...; never NULL. */
const char *words_get(const char *lang, enum word w);
/* A chapter key of view.h ("dns", "relay") in a language. */
const char *words_chapter(const char *lang, const char *key);
/*
 * A DNS message as the transcript writes it (dns_wire.h, dns_describe:
 * "answer x MX 10 y (additional: ...)") in lang, into out (cap bytes);
 * names, types and addresses stay.  Returns out.
 */
char	*words_dns_text(const char *lang, const char *text, char *out,
	    size_t cap);
/* A packet's label in the picture (view.h: "DNS query") in lang. */
const char *words_packet_label(const char *lang, const char *label);

#endif
