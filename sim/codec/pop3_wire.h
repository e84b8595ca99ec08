/*
 * pop3_wire.h: the POP3 codec (RFC 1939, with the CAPA command and the
 * response codes of RFC 2449 and RFC 3206): command lines in, status
 * lines out and back, the byte-stuffing of multi-line replies.  Pure
 * functions, no engine: the sessions (pop3_server.c, pop3_client.c)
 * drive it, the tests and the fuzzer call it directly.
 */
#ifndef SUREL_POP3_WIRE_H
#define SUREL_POP3_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* RFC 2449 4: the limits, each with its CRLF. */
#define POP3_CMD_MAX	255	/* a command line */
#define POP3_RESP_MAX	512	/* the first line of a reply */
/* RFC 1939 3: "arguments may be up to 40 characters long". */
#define POP3_ARG_MAX	40
/* RFC 1939 7 (UIDL): a unique-id is 1 to 70 characters 0x21..0x7E. */
#define POP3_UID_MAX	70
/* RFC 2449 8: longest response code kept, without the brackets. */
#define POP3_CODE_MAX	32

/* The commands of RFC 1939 in its order, CAPA (RFC 2449), and the two we refuse. */
enum pop3_verb {
	POP3_USER, POP3_PASS, POP3_QUIT, POP3_STAT, POP3_LIST, POP3_RETR,
	POP3_DELE, POP3_NOOP, POP3_RSET, POP3_TOP, POP3_UIDL, POP3_CAPA,
	POP3_APOP, POP3_AUTH,
	POP3_NVERBS,
	POP3_UNKNOWN = POP3_NVERBS,
};

/* Why a command line did not parse; each has its own -ERR text on the server. */
enum pop3_parse_err {
	POP3_PARSE_OK = 0,
	POP3_PARSE_UNKNOWN = -1,	/* no such keyword */
	POP3_PARSE_SYNTAX = -2,		/* missing, extra or non-numeric arguments */
	POP3_PARSE_TOO_LONG = -3,	/* the line is over 255 octets */
	POP3_PARSE_ARG_TOO_LONG = -4,	/* an argument is over 40 characters */
	POP3_PARSE_UNSUPPORTED = -5,	/* APOP, AUTH: known, not offered here */
};

struct pop3_cmd {
	enum pop3_verb	 verb;		/* set whenever the keyword is known */
	int		 nnum;		/* numeric arguments given: 0, 1 or 2 */
	uint32_t	 n;		/* the message number */
	uint32_t	 m;		/* TOP: the number of body lines */
	char		 arg[POP3_ARG_MAX + 1];	/* USER, PASS: the argument */
};

int	 pop3_parse_command(const char *line, size_t len, struct pop3_cmd *c);
const char *pop3_verb_str(enum pop3_verb v);

/* Write a status line: "+OK text" or "-ERR text" and CRLF (text may be ""). */
void	 pop3_status(struct buf *out, int ok, const char *text);

/* A status line as read by a client (RFC 1939 3, RFC 2449 8). */
struct pop3_reply {
	int		 ok;		/* 1 for +OK, 0 for -ERR */
	char		 code[POP3_CODE_MAX + 1];	/* "IN-USE", "AUTH", or "" */
	const char	*text;		/* after the indicator and its space: into the line */
	size_t		 textlen;
};

/* 0, or -1 when the line is not a status line. */
int	 pop3_parse_status(const char *line, size_t len, struct pop3_reply *r);
/* STAT's "+OK nn mm" text: 0, or -1 when it is not two numbers. */
int	 pop3_parse_stat(const char *text, size_t len, uint32_t *count,
	    uint64_t *size);
/*
 * One line of a LIST or UIDL listing ("1 1234", "1 1000.7"): the number,
 * and the rest (a size or a unique-id, NUL-terminated in val).
 * 0, or -1 when the line does not have that shape.
 */
int	 pop3_parse_listing(const char *line, size_t len, uint32_t *num,
	    char val[POP3_UID_MAX + 1]);

/*
 * Multi-line replies (RFC 1939 3).  pop3_stuff() writes the lines of p
 * with CRLF ends, a "." doubled where a line starts with ".", and the
 * final ".\r\n".  A client undoes it line by line (as linebuf.h cuts
 * them) with pop3_unstuff_line(): 1 for the final ".", else the line is
 * appended to out, unstuffed, with its CRLF, and 0 is returned.
 */
void	 pop3_stuff(const uint8_t *p, size_t n, struct buf *out);
int	 pop3_unstuff_line(const char *line, size_t len, struct buf *out);
/*
 * TOP msg n (RFC 1939 7): how many leading bytes of the message are
 * sent: the header, the empty line after it, and n lines of the body.
 */
size_t	 pop3_top_len(const uint8_t *msg, size_t len, uint32_t lines);

#endif
