/*
 * smtp_wire.h: the SMTP (RFC 5321) and LMTP (RFC 2033) codec: command
 * lines in, replies out and back, dot-stuffing, mailbox syntax.  Pure
 * functions, no engine: the sessions (smtp_server.c, smtp_client.c)
 * drive it, the tests and the fuzzer call it directly.
 */
#ifndef SUREL_SMTP_WIRE_H
#define SUREL_SMTP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* RFC 5321 4.5.3.1: the limits a server must at least accept. */
#define SMTP_CMD_MAX	512	/* command line, with CRLF */
#define SMTP_TEXT_MAX	1000	/* text line of DATA, with CRLF */
#define SMTP_PATH_MAX	256	/* reverse-path or forward-path, with <> */
#define SMTP_ADDR_MAX	254

enum smtp_verb {
	SMTP_EHLO, SMTP_HELO, SMTP_LHLO, SMTP_MAIL, SMTP_RCPT, SMTP_DATA,
	SMTP_RSET, SMTP_NOOP, SMTP_QUIT, SMTP_VRFY, SMTP_HELP, SMTP_AUTH,
	SMTP_NVERBS,
	SMTP_UNKNOWN = SMTP_NVERBS,
};

/* Why a command line did not parse; each maps to the reply RFC 5321 prescribes. */
enum smtp_parse_err {
	SMTP_PARSE_OK = 0,
	SMTP_PARSE_UNKNOWN = -1,	/* 500 5.5.2: no such command */
	SMTP_PARSE_SYNTAX = -2,		/* 501 5.5.4: bad arguments */
	SMTP_PARSE_ADDRESS = -3,	/* 501 5.1.3 (RCPT) / 5.1.7 (MAIL): bad mailbox */
	SMTP_PARSE_PARAM = -4,		/* 555 5.5.4: unknown MAIL/RCPT parameter */
};

struct smtp_cmd {
	enum smtp_verb	 verb;
	char		 arg[SMTP_CMD_MAX];	/* everything after the verb, trimmed */
	char		 addr[SMTP_ADDR_MAX + 1];	/* MAIL/RCPT: the mailbox, "" for <> */
	int		 has_size;
	uint64_t	 size;			/* MAIL ... SIZE=n (RFC 1870) */
	int		 body_8bit;		/* MAIL ... BODY=8BITMIME (RFC 6152) */
	char		 auth_mech[21];		/* AUTH mechanism, upper case */
	char		 auth_initial[SMTP_CMD_MAX];	/* AUTH initial response, or "" */
};

int	smtp_parse_command(const char *line, size_t n, struct smtp_cmd *c);
const char *smtp_verb_str(enum smtp_verb v);

/*
 * Mailbox syntax (RFC 5321 4.1.2, simplified the way MTAs accept it):
 * local@domain, dot-atoms or a quoted local part, a domain of labels.
 */
int	smtp_valid_mailbox(const char *addr);
/*
 * The same, but the domain may also be an address literal (RFC 5321
 * 4.1.3): "user@[10.2.0.25]", "user@[IPv6:2001:db8::1]", as a MAIL or
 * RCPT path may carry it.
 */
int	smtp_valid_path_mailbox(const char *addr);
/* The domain of addr is an address literal ("[...]"). */
int	smtp_addr_is_literal(const char *addr);
/* The local part of addr (or addr, without '@') is "postmaster", any case (RFC 5321 4.5.1). */
int	smtp_is_postmaster(const char *addr);
/* The domain of an address (after the last '@'), or "". */
const char *smtp_addr_domain(const char *addr);
/* Case-insensitive compare of two domains or addresses. */
int	smtp_same(const char *a, const char *b);
/* The same for the first n characters. */
int	smtp_same_n(const char *a, const char *b, size_t n);

/*
 * Replies.  smtp_reply() writes one reply; text may hold several lines
 * separated by '\n', each sent as "code-..." and the last as "code ...",
 * with the enhanced status code (RFC 2034) after each code when given.
 */
void	smtp_reply(struct buf *out, int code, const char *enhanced,
	    const char *text);

/* Reading replies, line by line (client side). */
struct smtp_reply {
	int	 code;
	int	 complete;
	int	 nlines;
	char	 enhanced[16];		/* from the last line, "" when absent */
	struct buf text;		/* the lines' text, joined by '\n' */
	struct buf last_line;		/* the last line as received */
};

void	smtp_reply_init(struct smtp_reply *r);
/* 1: the reply is complete; 0: more lines to come; -1: not a reply line. */
int	smtp_reply_feed(struct smtp_reply *r, const char *line, size_t n);
void	smtp_reply_free(struct smtp_reply *r);

/*
 * DATA (RFC 5321 4.5.2).  smtp_dot_stuff() turns a message into what is
 * sent after 354: CRLF line ends, a '.' doubled at the start of a line,
 * and the final "." line.  The receiver undoes it line by line with
 * smtp_data_line(): returns 1 for the terminating ".", else appends the
 * unstuffed line and its CRLF to out and returns 0.
 */
void	smtp_dot_stuff(const uint8_t *msg, size_t n, struct buf *out);
int	smtp_data_line(const char *line, size_t n, struct buf *out);

/* Count the Received: header fields of a message (the hop count, RFC 5321 6.3). */
int	smtp_count_received(const uint8_t *msg, size_t n);

#endif
