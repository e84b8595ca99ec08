/*
 * imap.h: inside the IMAP files only (imap_server.c, imap_fetch.c,
 * imap_client.c, imap_world.c).  The rest of the world calls what mail.h declares:
 * imap_server_start(), imap_fetch() and imap_free_all().
 */
#ifndef SUREL_IMAP_H
#define SUREL_IMAP_H

#include <stdint.h>

#include "imap_wire.h"
#include "mail.h"
#include "session.h"

/* s->mail->imap: what the IMAP layer keeps while the world runs. */
struct imap_world {
	struct msess	*sessions;	/* server sessions (imap_server.c) */
	struct msess	*clients;	/* devices fetching (imap_client.c) */
	/*
	 * Per mailbox (indexed like s->mail->boxes): UIDs from here on are
	 * \Recent, not yet seen by any read-write session (RFC 3501 2.3.2).
	 */
	uint32_t	*recent_floor;
};

/* The world's IMAP part, made on first use (imap_world.c). */
struct imap_world *imap_world(struct sim *s);

/* ---- imap_fetch.c: the message side of FETCH and SEARCH ------------ */

/* One message as a session sees it. */
struct imap_msgref {
	const struct mbox_msg *m;
	uint32_t	 seq;		/* its message sequence number */
	int		 flags;		/* IMAP_FL_*, \Recent included */
	int64_t		 day;		/* of its internal date: imap_internal_day() */
};

/*
 * Appends the data items of one FETCH response for ref, without the
 * "* n FETCH (" around them: "UID 4 FLAGS (\Seen) BODY[] {N}..."
 * items are IMAP_FA_* (the request's, plus UID and FLAGS where the
 * server adds them); the sections come from req.  Returns the octets
 * of the message it carries (BODY[...], RFC822*), for the narration.
 */
size_t	 imap_fetch_data(struct sim *s, const struct imap_msgref *ref,
	    int items, const struct imap_fetch_req *req, struct buf *out);
/* Does this FETCH set \Seen (RFC 3501 6.4.5: BODY[...] and RFC822, not .PEEK)? */
int	 imap_fetch_marks_seen(const struct imap_fetch_req *req);
/* Does the message match the search key?  max_seq, max_uid stand for "*". */
int	 imap_search_match(const struct imap_skey *k,
	    const struct imap_msgref *ref, uint32_t max_seq, uint32_t max_uid);
/* "05-Jan-2026 08:00:20 +0700" (RFC 3501 date-time), when m arrived. */
void	 imap_internal_date(struct sim *s, const struct mbox_msg *m,
	    struct buf *out);
/* The calendar day of that date, in days since 1970-01-01 (for SINCE, ON...). */
int64_t	 imap_internal_day(struct sim *s, const struct mbox_msg *m);

#endif
