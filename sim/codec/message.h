/*
 * message.h: e-mail messages as bytes.  Composing the messages a person
 * sends (RFC 5322 with RFC 2045-2049 MIME: text/plain or multipart/mixed
 * with base64 attachments) and the delivery status notifications a
 * server sends back (RFC 3464), and reading any message back for the
 * summary.  Pure code: no engine, no clock, no I/O.
 */
#ifndef SUREL_MESSAGE_H
#define SUREL_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* ---- composing ------------------------------------------------------ */

struct msg_att {
	const char	*name, *content_type;
	const uint8_t	*data;
	size_t		 len;
};

struct msg_compose {
	const char		*from;
	const char *const	*to;
	int			 nto;
	const char *const	*cc;
	int			 ncc;
	const char		*subject;
	const char		*body;
	int64_t			 date_unix;
	int			 tz_offset_min;
	const char		*message_id;	/* with the <> */
	const char		*boundary;
	const struct msg_att	*att;
	int			 natt;
	const char		*user_agent;	/* may be NULL */
};

/*
 * Appends the whole message, CRLF line endings: Date, From, To, Cc (when
 * there is any; there is never a Bcc), Subject, Message-ID, User-Agent,
 * MIME-Version, then a text/plain; charset=UTF-8 body, or with
 * attachments a multipart/mixed of the text and each attachment in
 * base64.  With neither To nor Cc, To is "undisclosed-recipients:;".
 * The message ends with CRLF; dot-stuffing is SMTP's business.
 */
void	 msg_compose(const struct msg_compose *c, struct buf *out);

/*
 * Appends size bytes of deterministic content for attachment index of
 * a scenario with this seed: the same (seed, index, size) always gives
 * the same bytes, and a shorter size gives a prefix of a longer one.
 */
void	 msg_attachment_bytes(uint64_t seed, uint32_t index, uint64_t size,
	    struct buf *out);

struct dsn_rcpt {
	const char	*address;
	const char	*status;	/* "5.1.1" */
	const char	*action;	/* "failed" */
	const char	*diagnostic;	/* "smtp; 550 5.1.1 <x>: no such user" */
	const char	*remote_mta;	/* may be NULL */
};

struct dsn_compose {
	const char		*reporting_mta;	/* hostname */
	const char		*to;		/* the envelope sender it goes back to */
	const char		*postmaster;	/* From: e.g. MAILER-DAEMON@host */
	int64_t			 date_unix;
	int64_t			 arrival_unix;	/* the original's; 0: date_unix */
	int			 tz_offset_min;
	const char		*message_id;
	const char		*boundary;
	const char		*orig_envelope_id;	/* may be NULL */
	const struct dsn_rcpt	*rcpt;
	int			 nrcpt;
	const uint8_t		*orig;	/* the original message; only its */
	size_t			 orig_len; /* header is attached */
};

/*
 * Appends an RFC 3464 delivery status notification: multipart/report;
 * report-type=delivery-status with (1) an explanation in English and
 * Indonesian, (2) message/delivery-status, (3) text/rfc822-headers with
 * the original's header section.  date_unix is used for Date:,
 * arrival_unix (when the original arrived; date_unix where 0) for
 * Arrival-Date.  A diagnostic without a "type;" gets "smtp; ".
 */
void	 msg_compose_dsn(const struct dsn_compose *d, struct buf *out);

/* ---- reading -------------------------------------------------------- */

struct msg_info_att {
	char		*name;		/* UTF-8; "" when the part has none */
	char		*content_type;	/* lower case "type/subtype" */
	uint64_t	 size;		/* decoded bytes */
	uint8_t		 sha256[32];	/* of the decoded bytes */
};

/* One per-recipient block of a message/delivery-status part. */
struct msg_report_rcpt {
	char	*final_recipient;	/* the address; "rfc822;" removed */
	char	*action;		/* lower case: "failed", "delayed" */
	char	*status;		/* "5.1.1" */
	char	*diagnostic;		/* as written: "smtp; 550 ..." */
	char	*remote_mta;		/* host; "dns;" removed; "" if absent */
};

struct msg_report {
	char			*report_type;	/* lower case: "delivery-status" */
	char			**parts;	/* content type of each part */
	int			 nparts;
	char			*reporting_mta;	/* "dns;" removed */
	char			*orig_message_id; /* of the returned header */
	struct msg_report_rcpt	*rcpt;
	int			 nrcpt;
};

/* One field of the message's own header, in order (the viewer lists them). */
struct msg_field {
	char	*name;		/* as written */
	char	*value;		/* unfolded, encoded words decoded */
};

/*
 * What the summary shows of a message.  After msg_parse() every string
 * is non-NULL ("" when absent) and valid UTF-8 without NUL.
 */
struct msg_info {
	char			*message_id;	/* as written, with the <> */
	char			*from;		/* the first address */
	char			**to;		/* addresses only */
	int			 nto;
	char			**cc;
	int			 ncc;
	char			*subject;	/* encoded words decoded */
	int			 hops;		/* Received: fields */
	size_t			 size;		/* n */
	struct msg_info_att	*att;
	int			 natt;
	struct msg_report	*report;	/* NULL unless multipart/report */
	/*
	 * For a reader (the window's message viewer): the top header in
	 * order, top to bottom (Received: as the last server wrote it
	 * first), and the text a person reads: the first text/plain part
	 * that is no attachment, decoded ("" where there is none; a bounce's
	 * explanation, RFC 3464 2.1).
	 */
	struct msg_field	*fields;
	int			 nfields;
	char			*text;
};

/*
 * Reads the message p[0..n) into out (which it overwrites; free it with
 * msg_info_free() whatever the result).  Tolerant as mail readers are:
 * LF-only lines, folded fields, a missing boundary or header end, bad
 * base64 all give what can be read.  Attachments are the leaf parts
 * that are marked "attachment" or have a file name; nested multiparts
 * are walked to depth 8.  Returns 0, or -1 when p does not start with a
 * header field at all (out is then empty but valid).
 */
int	 msg_parse(const uint8_t *p, size_t n, struct msg_info *out);
void	 msg_info_free(struct msg_info *info);
/*
 * Appends the octets a body p[0..n) stands for under the
 * Content-Transfer-Encoding value cte (RFC 2045 6): base64 and
 * quoted-printable are decoded as forgivingly as msg_parse() does,
 * anything else (7bit, 8bit, binary, NULL for none) is copied.
 */
void	 msg_decode_body(const char *cte, const uint8_t *p, size_t n,
	    struct buf *out);

#endif
