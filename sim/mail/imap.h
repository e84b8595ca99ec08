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

/*
 * ---- imap_world.c: reading commands and responses -----------------
 *
 * IMAP is lines and counted octets (RFC 3501 4.3): a line that ends in
 * "{N}" announces N octets of anything, and the command (or response)
 * goes on with a line after them.  The skeleton's line buffer cuts the
 * lines (msess_lines); imap_in puts a unit back together, as sent, and
 * takes a literal's octets as they are, from the line buffer where they
 * are already there, or from ops->data (imap_in_octets) as they come.
 */
struct imap_in {
	struct buf	 unit;		/* the command or response so far, as sent */
	size_t		 max_line;	/* its octets, line ends and literals not counted */
	uint64_t	 max_literal;	/* all its literals */
	size_t		 octets;
	uint64_t	 lit_total;
	uint64_t	 lit;		/* literal octets still to come */
	int		 whole;		/* unit is finished: the next line starts afresh */
};

void	 imap_in_init(struct imap_in *in, size_t max_line, uint64_t max_literal);
void	 imap_in_free(struct imap_in *in);
/*
 * One line from msess_lines (ops->line).  Returns IMAP_FRAME_DONE (in->unit
 * is one whole unit), IMAP_FRAME_LITERAL (a synchronizing literal of
 * *literal octets was announced: a server answers "+"), IMAP_FRAME_MORE
 * (a literal that needs no "+"), or IMAP_FRAME_TOO_LONG (over a limit;
 * in->unit holds what came of it, for its tag; *literal: the size asked,
 * or 0 for a line).
 */
enum imap_frame imap_in_line(struct msess *m, struct imap_in *in,
	    enum line_status st, const char *line, size_t n, uint64_t *literal);
/* Octets of a literal under way from p[0..n) (ops->data); returns how many. */
size_t	 imap_in_octets(struct imap_in *in, const uint8_t *p, size_t n);

/* ---- imap_fetch.c: the message side of FETCH and SEARCH ------------ */

/* One message as a session sees it. */
struct imap_msgref {
	const struct mbox_msg *m;
	uint32_t	 seq;		/* its message sequence number */
	int		 flags;		/* IMAP_FL_*, \Recent included */
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

#endif
