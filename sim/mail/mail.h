/*
 * mail.h: the mail layers of the world, shared by the files that model
 * them: the mailstore (mailstore.c), the mail servers and their queues
 * (mta.c), the SMTP/LMTP sessions (smtp_server.c, smtp_client.c), the
 * person's mail program (mua.c), and the summary that reports on them.
 */
#ifndef SUREL_MAIL_H
#define SUREL_MAIL_H

#include <stdint.h>

#include "event.h"
#include "hash.h"
#include "util.h"

struct sim;
struct msess;

/* ---- the mailstore ---------------------------------------------- */

enum {
	MSGF_SEEN = 1 << 0,
	MSGF_ANSWERED = 1 << 1,
	MSGF_FLAGGED = 1 << 2,
	MSGF_DELETED = 1 << 3,
	MSGF_DRAFT = 1 << 4,
};

struct mbox_msg {
	uint32_t	 uid;		/* RFC 3501 2.3.1.1: strictly ascending */
	int		 flags;
	struct buf	 data;		/* the message as stored, CRLF lines */
	char		*message_id;
	uint64_t	 arrived_ns;
};

/* One account of the scenario: a user, a password, a mailbox. */
struct mailbox {
	int		 account;	/* index in the scenario's accounts */
	int		 node;		/* the server holding it */
	const char	*address, *user, *password;
	struct mbox_msg	*msgs;
	int		 nmsgs, capmsgs;
	uint32_t	 uidnext;
	uint32_t	 uidvalidity;
	int		 locked;	/* a POP3 session holds it (RFC 1939 4) */
	/*
	 * The last POP3 session that removed mail (DELE, then QUIT): which
	 * device and when, so the next login that finds the box empty can
	 * say where the mail went.  del_by < 0 (or ndel 0): none yet.
	 */
	int		 ndel, del_by;
	uint64_t	 del_ns;
};

struct mailbox *mailstore_by_address(struct sim *s, int node, const char *addr);
struct mailbox *mailstore_by_user(struct sim *s, int node, const char *user);
/* Does any mailbox on node have this address? */
int	 mailstore_has(struct sim *s, int node, const char *addr);
/* Store a copy of the message; records the state change. */
void	 mailstore_deliver(struct sim *s, struct mailbox *mb, const uint8_t *p,
	    size_t n, const char *message_id);
/*
 * The same, with the envelope's sender: the null reverse-path "" marks
 * a bounce (RFC 5321 4.5.5), and the narration says it is one.
 */
void	 mailstore_deliver_from(struct sim *s, struct mailbox *mb,
	    const uint8_t *p, size_t n, const char *message_id,
	    const char *sender);
/* Why a message leaves its mailbox: the narration says it. */
enum mbox_del_why {
	MBOX_DEL_OTHER,
	MBOX_DEL_POP3,		/* POP3 UPDATE after QUIT (RFC 1939 6) */
	MBOX_DEL_IMAP,		/* IMAP EXPUNGE (RFC 3501 6.4.3) */
};
/* Remove message i (POP3 at UPDATE, IMAP EXPUNGE). */
void	 mailstore_remove(struct sim *s, struct mailbox *mb, int i);
void	 mailstore_remove_why(struct sim *s, struct mailbox *mb, int i,
	    enum mbox_del_why why);
/*
 * Record that message i's flags went from old to flags (MSGF_*): by the
 * session of device by (-1: none) speaking proto ("IMAP", "POP3").
 */
void	 mailstore_flags(struct sim *s, struct mailbox *mb, int i, int old,
	    int flags, int by, const char *proto);
/* The decoded Subject: of a message, or NULL; the caller frees it. */
char	*mail_subject(const uint8_t *p, size_t n);
/* Its From:, encoded words decoded, or NULL; the caller frees it. */
char	*mail_from(const uint8_t *p, size_t n);
/* Its Message-ID: with the <>, or NULL; the caller frees it. */
char	*mail_message_id(const uint8_t *p, size_t n);

/* ---- devices: the mail a person's device downloaded ---------------- */

enum fetch_proto {
	FETCH_POP3,
	FETCH_IMAP,
};

/* One message as a device keeps it after downloading. */
struct dev_msg {
	int		 server;	/* node it came from */
	char		*user;		/* the account it was fetched for */
	enum fetch_proto proto;
	char		*uidl;		/* POP3 unique-id (RFC 1939 7), or NULL */
	uint32_t	 uidvalidity, uid;	/* IMAP (RFC 3501 2.3.1.1), or 0 */
	struct buf	 data;
	int		 flags;		/* as the server reported them (IMAP) */
	char		*message_id;	/* its Message-ID:, "" where none (the recap) */
};

struct device {
	struct dev_msg	*msgs;
	int		 nmsgs, capmsgs;
	int		 fetched;	/* it ran at least one fetch */
};

/*
 * Keep a downloaded message on node; records ST_CLIENT_STORE with the
 * narration key the mail program chose (it knows whether the server
 * keeps its copy).
 */
void	 device_store(struct sim *s, int node, int server, const char *user,
	    enum fetch_proto proto, const char *uidl, uint32_t uidvalidity,
	    uint32_t uid, const uint8_t *p, size_t n, int flags,
	    const char *key);
/* Has node already downloaded this message (POP3 by UIDL, IMAP by UID)? */
int	 device_has_uidl(struct sim *s, int node, int server, const char *user,
	    const char *uidl);
int	 device_has_uid(struct sim *s, int node, int server, const char *user,
	    uint32_t uidvalidity, uint32_t uid);
/* A fetch ran on node (even if it found nothing): the summary lists the device. */
void	 device_mark_fetched(struct sim *s, int node);

/* ---- deliveries: the outcome for each message and recipient ------- */

enum delivery_status {
	DLV_QUEUED,
	DLV_DELIVERED,
	DLV_BOUNCED,
	DLV_REJECTED,
};

struct delivery {
	char			*message_id;
	char			*rcpt;
	enum delivery_status	 status;
	int			 server;	/* node */
	char			*reply;
};

struct say;
void	 delivery_set(struct sim *s, const char *message_id, const char *rcpt,
	    enum delivery_status st, int server, const char *reply,
	    struct say *y);
const char *delivery_status_str(enum delivery_status st);

/* ---- origins: where each message was written (the recap) ----------- */

struct mail_origin {
	char		*message_id;
	int		 action;	/* the scenario's send, or -1 for a bounce */
	int		 node;		/* where it was written */
	char		*subject;	/* "" where none */
	char		*sender;	/* the envelope's, "" for a bounce */
	char		*about;		/* a bounce: the Message-ID it reports on, else NULL */
};

/* A message was written at node (a person's send, or a bounce). */
void	 mail_origin_add(struct sim *s, const char *message_id, int action,
	    int node, const char *subject, const char *sender,
	    const char *about);

/* ---- mail servers --------------------------------------------------- */

struct qrcpt {
	char		*addr;
	int		 done;		/* delivered, relayed or bounced */
	int		 in_flight;	/* a session is delivering it now */
	int		 attempts;
	char		*last_error;	/* the last reply or failure */
	int		 last_server;	/* node whose reply it was, or -1 */
};

/* A message in a mail server's queue, with its envelope. */
struct qitem {
	struct mta	*mta;
	struct qitem	*next;
	char		 qid[16];
	char		*sender;	/* "" is the null reverse-path <> */
	struct qrcpt	*rcpt;
	int		 nrcpt;
	struct buf	 data;		/* with our Received: header on top */
	char		*message_id;
	uint64_t	 arrived_ns;
	uint64_t	 next_try_ns;
	ev_id		 timer;
	int		 attempts;	/* delivery runs so far */
	int		 running;	/* sessions under way */
};

struct mta {
	int		 node;
	struct qitem	*queue;
	int		 nqueue;
	uint32_t	 qseq;		/* for queue ids */
	struct rng	 mx_rng;	/* shuffles MX of equal preference */
};

struct mail_world {
	struct mailbox	*boxes;		/* one per scenario account */
	int		 nboxes;
	struct mta	**mta;		/* per node; NULL where no mail server */
	struct delivery	*dlv;
	int		 ndlv, capdlv;
	/* Look-ups that must not walk every box or delivery (issue 16). */
	struct hmap	 box_by_addr;	/* hash_lower(address) -> box */
	struct hmap	 box_by_user;	/* hash_str(user) -> box */
	struct hmap	 dlv_by_key;	/* message-id and recipient -> dlv */
	uint32_t	 msgseq;	/* Message-ID counter */
	struct mua_send	*sends;		/* sends under way */
	struct msess	*sessions;	/* SMTP/LMTP server sessions (session.h) */
	struct msess	*outgoing;	/* SMTP/LMTP client sessions (session.h) */
	struct attempt	*attempts;	/* mta.c's delivery attempts under way */
	void		**keep;		/* allocations freed with the world */
	int		 nkeep;
	struct device	*devices;	/* per node */
	struct mail_origin *origins;	/* every message written, in order */
	int		 norigins, caporigins;
	struct pop3_world *pop3;	/* pop3_*.c: sessions under way */
	struct imap_world *imap;	/* imap_*.c: sessions under way */
	int		 bodies_gone;	/* mail_forget_bodies() */
};

/* Free p when the mail world goes. */
void	 mail_keep(struct sim *s, void *p);

void	 mail_start(struct sim *s);
void	 mail_free(struct sim *s);
/*
 * The run is over and only what the explain layer reads of the mail
 * world will be read (origins, deliveries, message ids and counts of
 * the mailboxes and devices): let the stored messages' bytes go.  The
 * window does, after its run (410 MB of a 100,000-message world: issue
 * 16); the summary writes those bytes and refuses afterwards.
 */
void	 mail_forget_bodies(struct sim *s);
void	 mail_power(struct sim *s, int node, int up);
void	 mail_send_action(struct sim *s, int action);
void	 mail_fetch_action(struct sim *s, int action);
/* A "password" action: the account's new password, from now on. */
void	 mail_set_password(struct sim *s, int account, const char *password);

/* pop3_server.c / pop3_client.c (RFC 1939) */
void	 pop3_server_start(struct sim *s, int node);
void	 pop3_fetch(struct sim *s, int action);
void	 pop3_free_all(struct sim *s);
/* imap_server.c / imap_client.c (RFC 3501) */
void	 imap_server_start(struct sim *s, int node);
void	 imap_fetch(struct sim *s, int action);
void	 imap_free_all(struct sim *s);

/* mta.c: a server accepted a message (from SMTP, LMTP or a local send). */
/* A fresh queue id for node, for a Received: line written before mta_enqueue(). */
void	 mta_new_qid(struct sim *s, int node, char out[16]);
/* qid: from mta_new_qid(), or NULL for a new one. */
struct qitem *mta_enqueue(struct sim *s, int node, const char *qid,
	    const char *sender,
	    const char *const *rcpts, int nrcpt, const uint8_t *data, size_t n,
	    const char *message_id);
void	 mta_power(struct sim *s, int node, int up);
void	 mta_free_all(struct sim *s);
/* Is addr's domain one of node's own (smtp.domains)? */
int	 mta_is_local_domain(struct sim *s, int node, const char *addr);
/* The node whose mailboxes receive mail for node's own domains. */
int	 mta_mailbox_node(struct sim *s, int node);
/* Where node's queue sends a recipient next (S6-S8 of the story). */
enum mta_route {
	ROUTE_LOCAL,		/* a mailbox on node itself: the last step */
	ROUTE_LMTP,		/* by LMTP to the mailbox server (*next) */
	ROUTE_RELAY,		/* to the relay_via smarthost (*next) */
	ROUTE_MX,		/* to the MX of the recipient's domain */
};
enum mta_route mta_route(struct sim *s, int node, const char *addr,
	    int *next);

/* smtp_server.c */
void	 smtp_server_start(struct sim *s, int node);
void	 smtp_server_free_all(struct sim *s);
/* Prepend our Received: header (RFC 5321 4.4). */
void	 smtp_received(struct sim *s, int node, const char *helo,
	    int peer_node, uint32_t peer_ip, const char *proto, const char *qid,
	    const char *rcpt, struct buf *out);

/* smtp_client.c: deliver one message to one server, for some recipients. */
enum smtp_out_mode {
	OUT_SMTP,		/* MTA to MTA, port 25 */
	OUT_SUBMIT,		/* a person's client to its provider (RFC 6409) */
	OUT_LMTP,		/* to the mailbox server (RFC 2033) */
};

/* Result for one recipient: code 0 means the connection failed before a reply. */
typedef void (*smtp_out_rcpt_fn)(struct sim *s, void *u, int idx, int code,
	    const char *reply, int server_node);
/* Called last, once: the session is over. */
typedef void (*smtp_out_done_fn)(struct sim *s, void *u);

struct smtp_out_req {
	enum smtp_out_mode mode;
	int		 node;		/* who connects */
	uint32_t	 ip;		/* to whom */
	uint16_t	 port;
	const char	*helo;		/* our hostname */
	const char	*sender;
	const char *const *rcpt;
	int		 nrcpt;
	const uint8_t	*data;		/* the message, CRLF lines, not stuffed */
	size_t		 len;
	const char	*auth_user, *auth_password;	/* NULL: no AUTH */
	smtp_out_rcpt_fn on_rcpt;
	smtp_out_done_fn on_done;
	void		*u;
};

struct smtp_out *smtp_out_start(struct sim *s, const struct smtp_out_req *r);
void	 smtp_out_free_all(struct sim *s);

#endif
