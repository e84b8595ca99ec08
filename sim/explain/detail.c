/*
 * detail.c: which records are steps at which level of detail (detail.h).
 *
 * The messages level is a matter of kinds: the application messages and
 * the changes of state, which the layers record as TR_APP, TR_STATE,
 * TR_NODE_STATE and TR_LINK_STATE, and TR_TCP_ERROR, a connection that
 * failed.  Frames, TCP's states and its retransmissions are the packets'
 * business.  The story level is a subset of the messages level, chosen by
 * narration key (story_keys below), so the nesting holds by construction.
 */
#include "detail.h"

#include <string.h>

static int	story_key(const char *, size_t);

/*
 * The turning points of the mail's trip, by narration key.  An entry
 * that ends in '.' or '_' is a family: every key that starts with it.
 * Every entry must name keys of assets/lang/en.json (tests/test_detail.c).
 */
static const char *const story_keys[] = {
	/* Off and on: a server switched off or on, a cable cut or mended. */
	"node.",
	"link.",
	/* A connection that failed: nothing gets through to that server. */
	"tcp.error.",
	/*
	 * Composed and submitted: the mail program has a mail ready and
	 * connects to its own server (smtp_client.c, submission only).
	 */
	"smtp.submit",
	"smtp.submit.",
	/*
	 * The recipient is named (the server takes the domain from it),
	 * the server says go ahead, and the message itself crosses, from
	 * the mail program and from each server to the next (SMTP DATA,
	 * then LMTP); one packet or many.
	 */
	"smtp.rcpt_to",
	"smtp.data_go_ahead",
	"smtp.message",
	"smtp.message.",
	"lmtp.message",
	"lmtp.message.",
	/*
	 * A server accepts the mail and decides where it goes from the
	 * recipient's domain: its own (local, LMTP), a relay, or the MX
	 * that DNS names.  (LMTP's 250 and the delivery result "delivered"
	 * say again what state.mailbox_add says at the same instant.)
	 */
	"smtp.queued",
	"smtp.queued_",
	/*
	 * Where the domain is decided (mta.c, one record per recipient):
	 * its own (a mailbox here, or LMTP), a relay, or the MX from DNS,
	 * each with why; and the turn to a backup MX (state.queue_retry.).
	 */
	"state.delivery.queued_",
	/*
	 * DNS asked and answered: where is my server (A), which server
	 * takes mail for this domain (MX), and the answers that end the
	 * search, found or not (NXDOMAIN, no such record, a failure), or
	 * send it on down from the root (a referral).
	 */
	"dns.query.a",
	"dns.query.mx",
	"dns.answer.a",
	"dns.answer.mx",
	"dns.answer.mx.several",
	"dns.answer.cname",
	"dns.referral",
	"dns.nxdomain",
	"dns.nodata",
	"dns.servfail",
	"dns.refused",
	"dns.error",
	/*
	 * Refused: a server says no to a login, a recipient, a stranger's
	 * relaying, a message too big or looping, or answers with an error
	 * code that no key above names.
	 */
	"smtp.auth_failed",
	"smtp.auth_required",
	"smtp.rcpt_unknown_user",
	"smtp.relay_denied",
	"smtp.too_big",
	"smtp.loop",
	"smtp.reply.4xx",
	"smtp.reply.5xx",
	"lmtp.rcpt_unknown_user",
	"lmtp.reply.4xx",
	"lmtp.reply.5xx",
	/*
	 * The outcome for a recipient where it is not simply accepted (the
	 * smtp.queued_* keys said that): stored, bounced, refused, given
	 * up, rejected before it left; a bounce on its way back; a server
	 * that waits and tries again.
	 */
	"state.delivery.bounced",
	"state.delivery.refused",
	"state.delivery.no_domain",
	"state.delivery.no_mx_host",
	"state.delivery.too_big",
	"state.delivery.gave_up",
	"state.delivery.bounce_lost",
	"state.delivery.rejected",
	"state.delivery.rejected_",
	"state.queue_add_bounce",
	"state.queue_retry",
	"state.queue_retry.",	/* .dns, .no_answer: why it waits */
	/* Stored in a mailbox, or taken out of it (deleted). */
	"state.mailbox_",
	/*
	 * Fetched: a device logs in or is refused, learns how much mail
	 * waits for it (none, where another device took it with POP3),
	 * downloads the mail (client_store), marks it for deletion (POP3
	 * DELE), or leaves it on the server (kept).
	 */
	"pop3.user",
	"pop3.pass",
	"pop3.login_failed",
	"pop3.login_in_use",
	"pop3.login_ok",
	"pop3.login_ok.",
	"pop3.uidl",
	"pop3.quit.has_all",
	"imap.login_failed",
	"imap.exists.none",
	/*
	 * How a device knows what it has: the UIDs of the folder, then
	 * only the new ones downloaded, or none; a flag another device
	 * set, seen here because the server keeps it.
	 */
	"imap.search_uids",
	"imap.search_uids.",
	"imap.fetch_uid.new",
	"imap.fetch_data_uid.seen",
	"imap.logout.has_all",
	"state.client_store_",
	"pop3.dele",
	"pop3.dele.had_it",
	"pop3.bye.none_deleted",
	"imap.logout_ok",
	/* The recap at the end: what became of each message ("In short"). */
	"recap.",
};

#define NSTORY (sizeof story_keys / sizeof story_keys[0])

static const char *const detail_names[DETAIL_NLEVELS] = {
	[DETAIL_STORY]		= "story",
	[DETAIL_MESSAGES]	= "messages",
	[DETAIL_PACKETS]	= "packets",
};

/*
 * Is key (len bytes, not NUL-terminated) one of story_keys?  Asked for
 * every application message and change of state, twice per window
 * opening (the view's levels, the event list): 8 million of them in a
 * 100,000-message world.  So the entries' lengths are measured once,
 * and an entry whose first byte or length cannot match costs a compare.
 */
static int
story_key(const char *key, size_t len)
{
	static size_t klen[NSTORY];

	if (klen[0] == 0)
		for (size_t i = 0; i < NSTORY; i++)
			klen[i] = strlen(story_keys[i]);
	if (len == 0)
		return 0;
	for (size_t i = 0; i < NSTORY; i++) {
		const char *k = story_keys[i];
		size_t n = klen[i];
		int family = k[n - 1] == '.' || k[n - 1] == '_';

		if (k[0] != key[0] || (family ? len <= n : len != n))
			continue;
		if (memcmp(key, k, n) == 0)
			return 1;
	}
	return 0;
}

int
detail_has(const struct trace *tr, size_t rec, enum detail d)
{
	const struct trace_rec r = trace_at(tr, rec);

	return detail_has_rec(tr, &r, d);
}

int
detail_has_rec(const struct trace *tr, const struct trace_rec *r,
    enum detail d)
{
	struct trace_say y;

	if (d >= DETAIL_PACKETS)
		return 1;
	switch (r->kind) {
	case TR_APP:
	case TR_STATE:
	case TR_NODE_STATE:
	case TR_LINK_STATE:
	case TR_TCP_ERROR:
		break;
	default:
		return 0;	/* frames, TCP states and retransmissions */
	}
	if (d == DETAIL_MESSAGES)
		return 1;
	return trace_say_read(tr, r->say, &y) && story_key(y.key, y.key_len);
}

size_t
detail_count(const struct trace *tr, enum detail d)
{
	size_t n = 0;

	for (size_t i = 0; i < trace_count(tr); i++)
		n += detail_has(tr, i, d) != 0;
	return n;
}

const char *
detail_name(enum detail d)
{
	return d < DETAIL_NLEVELS ? detail_names[d] : "?";
}

int
detail_parse(const char *name, enum detail *out)
{
	for (int d = 0; d < DETAIL_NLEVELS; d++)
		if (strcmp(name, detail_names[d]) == 0) {
			*out = (enum detail)d;
			return 0;
		}
	return -1;
}

const char *const *
detail_story_keys(size_t *n)
{
	*n = NSTORY;
	return story_keys;
}
