/*
 * imap_wire.h: the IMAP4rev1 codec (RFC 3501): cutting a byte stream
 * into commands or responses (with their literals), reading commands
 * for the server, reading responses for the client, sequence sets, and
 * writing strings in the form the grammar allows.  Pure functions over
 * bytes, no engine: the sessions (imap_server.c, imap_client.c) drive
 * it, the tests and the fuzzer call it directly.
 *
 * IMAP is not line-based the way SMTP is: a command is one line, except
 * that a string may be sent as a literal, {N} CRLF and then N octets of
 * anything (RFC 3501 4.3).  The reader below (imap_in) puts a command
 * (or a response) together from the lines a linebuf cuts and the
 * literals' octets, and tells the server when the client waits for the
 * "+" continuation before sending a literal (RFC 3501 7.5).
 */
#ifndef SUREL_IMAP_WIRE_H
#define SUREL_IMAP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "linebuf.h"
#include "util.h"

/* Our limits, for commands from a client. */
#define IMAP_LINE_MAX		8192	/* octets of a command, literals not counted */
#define IMAP_LITERAL_MAX	(10u * 1024 * 1024)	/* all the literals of a command */
#define IMAP_DEPTH_MAX		8	/* parenthesised lists inside each other */
#define IMAP_TAG_MAX		64
/* For responses from a server: a message is one literal, SEARCH one long line. */
#define IMAP_RESP_LINE_MAX	(1024u * 1024)
#define IMAP_RESP_LITERAL_MAX	(64u * 1024 * 1024)
/* A BODYSTRUCTURE nests a list per MIME level: responses may go deeper. */
#define IMAP_RESP_DEPTH_MAX	32

/* The flags of RFC 3501 2.3.2, the same bits as mail.h's MSGF_*. */
enum {
	IMAP_FL_SEEN = 1 << 0,
	IMAP_FL_ANSWERED = 1 << 1,
	IMAP_FL_FLAGGED = 1 << 2,
	IMAP_FL_DELETED = 1 << 3,
	IMAP_FL_DRAFT = 1 << 4,
	IMAP_FL_RECENT = 1 << 5,	/* session flag: never stored by STORE */
};

/* ---- reading: lines and literals ---------------------------------- */

enum imap_frame {
	IMAP_FRAME_MORE,	/* a literal that needs no "+": its octets come next */
	IMAP_FRAME_LITERAL,	/* a synchronizing literal of *literal octets */
	IMAP_FRAME_DONE,	/* in->unit is one whole command or response */
	IMAP_FRAME_TOO_LONG,	/* over a limit (*literal: the size asked, or 0) */
};

/*
 * IMAP is lines and counted octets (RFC 3501 4.3): a line that ends in
 * "{N}" announces N octets of anything, and the command (or response)
 * goes on with a line after them.  A linebuf cuts the lines; imap_in
 * puts a unit back together, as sent, and takes a literal's octets as
 * they are: from the linebuf where they are already there, or from the
 * caller (imap_in_octets) as they come.  The way to drive it (what the
 * IMAP server and client do, with their session's linebuf):
 *
 *	k = imap_in_octets(&in, p, n);		first the literal under way
 *	linebuf_feed(&lb, p + k, n - k);	the rest is lines
 *	while ((st = linebuf_next(&lb, &line, &len)) != LINE_NONE)
 *		switch (imap_in_line(&lb, &in, st, line, len, &lit)) ...
 *
 * The unit's limit on octets (line ends and literals not counted) is
 * kept through lb->max, which imap_in lowers as the unit grows: the lb
 * is made with linebuf_init(&lb, max_line).
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
 * One line from linebuf_next() on lb.  Returns IMAP_FRAME_DONE (in->unit
 * is one whole unit), IMAP_FRAME_LITERAL (a synchronizing literal of
 * *literal octets was announced: a server answers "+"), IMAP_FRAME_MORE
 * (a literal that needs no "+"), or IMAP_FRAME_TOO_LONG (over a limit;
 * in->unit holds what came of it, for its tag; *literal: the size asked,
 * or 0 for a line).  The literal's octets already in lb are taken.
 */
enum imap_frame imap_in_line(struct linebuf *lb, struct imap_in *in,
	    enum line_status st, const char *line, size_t n, uint64_t *literal);
/* Octets of a literal under way from p[0..n); returns how many. */
size_t	 imap_in_octets(struct imap_in *in, const uint8_t *p, size_t n);
/*
 * Does the line s[0..n) (without its CRLF) end with a literal's
 * announcement, "{N}", or the non-synchronizing "{N+}" of RFC 7888?
 * *len: N; *sync: whether the sender waits for "+" (RFC 3501 7.5).
 */
int	 imap_literal_marker(const uint8_t *s, size_t n, uint64_t *len,
	    int *sync);

/* ---- values -------------------------------------------------------- */

enum imap_val_type {
	IMAP_V_ATOM,		/* includes NIL, numbers, BODY[...]<...> */
	IMAP_V_QUOTED,
	IMAP_V_LITERAL,
	IMAP_V_LIST,
};

/* One value as read: its bytes (a NUL is added after them) or its items. */
struct imap_val {
	enum imap_val_type type;
	char		*s;
	size_t		 len;
	struct imap_val	*v;
	int		 n;
};

void	 imap_val_free(struct imap_val *v);
/* An atom, quoted string or literal (the astring/string of RFC 3501 9). */
int	 imap_val_is_string(const struct imap_val *v);
/* The atom NIL (case-insensitive). */
int	 imap_val_is_nil(const struct imap_val *v);
/* An atom of digits that fits 32 bits: *out. */
int	 imap_val_number(const struct imap_val *v, uint32_t *out);
/* In a list of name/value pairs (FETCH data): the value after name, or NULL. */
const struct imap_val *imap_val_get(const struct imap_val *list,
	    const char *name);

/* ---- sequence sets (RFC 3501 9, sequence-set) ---------------------- */

/* A range lo:hi; 0 stands for "*", the highest number in use. */
struct imap_range {
	uint32_t lo, hi;
};

struct imap_seqset {
	struct imap_range *r;
	int		 n;
};

/* 0, or -1 when s[0..n) is not a sequence set (set is then empty). */
int	 imap_seqset_parse(const char *s, size_t n, struct imap_seqset *set);
/* Is x in the set, "*" being max?  A range is taken in either order. */
int	 imap_seqset_has(const struct imap_seqset *set, uint32_t x,
	    uint32_t max);
/* The highest number the set names explicitly ("*" not counted). */
uint32_t imap_seqset_top(const struct imap_seqset *set);
void	 imap_seqset_free(struct imap_seqset *set);

/* ---- commands ------------------------------------------------------ */

enum imap_verb {
	IMAP_CAPABILITY, IMAP_NOOP, IMAP_LOGOUT,		/* any state */
	IMAP_STARTTLS, IMAP_AUTHENTICATE, IMAP_LOGIN,		/* not authenticated */
	IMAP_SELECT, IMAP_EXAMINE, IMAP_CREATE, IMAP_DELETE, IMAP_RENAME,
	IMAP_SUBSCRIBE, IMAP_UNSUBSCRIBE, IMAP_LIST, IMAP_LSUB, IMAP_STATUS,
	IMAP_APPEND,						/* authenticated */
	IMAP_CHECK, IMAP_CLOSE, IMAP_EXPUNGE, IMAP_SEARCH, IMAP_FETCH,
	IMAP_STORE, IMAP_COPY,					/* selected */
	IMAP_NVERBS,
};

/* Why a command did not parse; the server answers each as RFC 3501 7.1 says. */
enum imap_parse_err {
	IMAP_PARSE_OK = 0,
	IMAP_PARSE_NOTAG = -1,		/* no tag: "* BAD" */
	IMAP_PARSE_UNKNOWN = -2,	/* tag BAD: no such command */
	IMAP_PARSE_SYNTAX = -3,		/* tag BAD: cmd->error says what */
};

/* FETCH items without a section (RFC 3501 6.4.5). */
enum {
	IMAP_FA_FLAGS = 1 << 0,
	IMAP_FA_UID = 1 << 1,
	IMAP_FA_SIZE = 1 << 2,		/* RFC822.SIZE */
	IMAP_FA_ENVELOPE = 1 << 3,
	IMAP_FA_BODYSTRUCTURE = 1 << 4,
	IMAP_FA_BODY = 1 << 5,		/* BODY: the structure without extensions */
	IMAP_FA_INTERNALDATE = 1 << 6,
	IMAP_FA_RFC822 = 1 << 7,	/* = BODY[], sets \Seen */
	IMAP_FA_RFC822_HEADER = 1 << 8,	/* = BODY.PEEK[HEADER] */
	IMAP_FA_RFC822_TEXT = 1 << 9,	/* = BODY[TEXT], sets \Seen */
};

enum imap_sect_kind {
	IMAP_SECT_ALL,		/* BODY[] or BODY[1.2]: the whole entity */
	IMAP_SECT_HEADER,
	IMAP_SECT_FIELDS,	/* HEADER.FIELDS (...) */
	IMAP_SECT_FIELDS_NOT,	/* HEADER.FIELDS.NOT (...) */
	IMAP_SECT_TEXT,
	IMAP_SECT_MIME,		/* only after a part number */
};

/* One BODY[section]<partial> item. */
struct imap_section {
	int		 peek;		/* BODY.PEEK: \Seen is not set */
	uint32_t	 part[IMAP_DEPTH_MAX];	/* 1.2.3 */
	int		 npart;
	enum imap_sect_kind kind;
	char		**fields;	/* header field names, as written */
	int		 nfields;
	int		 partial;	/* <origin.count> given */
	uint32_t	 origin, count;
};

struct imap_fetch_req {
	int		 items;		/* IMAP_FA_* */
	struct imap_section *sect;
	int		 nsect;
};

enum imap_store_op {
	IMAP_STORE_SET,		/* FLAGS */
	IMAP_STORE_ADD,		/* +FLAGS */
	IMAP_STORE_REMOVE,	/* -FLAGS */
};

struct imap_store_req {
	enum imap_store_op op;
	int		 silent;	/* .SILENT: no FETCH responses */
	int		 flags;		/* IMAP_FL_*; keywords are ignored */
};

enum imap_skey_kind {
	IMAP_SK_ALL,
	IMAP_SK_FLAG,		/* flag set (or, with neg, not set) */
	IMAP_SK_NEW,		/* RECENT and UNSEEN */
	IMAP_SK_OLD,		/* not RECENT */
	IMAP_SK_SEQ,		/* a sequence set */
	IMAP_SK_UID,
	IMAP_SK_LARGER,
	IMAP_SK_SMALLER,
	IMAP_SK_HEADER,		/* field contains text (FROM, TO, CC, BCC, SUBJECT, HEADER) */
	IMAP_SK_BODY,
	IMAP_SK_TEXT,
	IMAP_SK_NOT,		/* sub[0] */
	IMAP_SK_OR,		/* sub[0], sub[1] */
	IMAP_SK_AND,		/* every sub: a list, or the keys of the command */
	IMAP_SK_DATE,		/* SINCE, BEFORE, ON and SENTSINCE, SENTBEFORE, SENTON */
};

struct imap_skey {
	enum imap_skey_kind kind;
	int		 flag;		/* IMAP_FL_* */
	int		 neg;		/* UNSEEN, UNDELETED... */
	uint32_t	 n;		/* LARGER, SMALLER */
	struct imap_seqset set;		/* SEQ, UID */
	char		*field;		/* HEADER: the field name */
	char		*text;		/* HEADER, BODY, TEXT */
	size_t		 textlen;
	int64_t		 day;		/* DATE: days since 1970-01-01 */
	int		 cmp;		/* DATE: -1 BEFORE, 0 ON, 1 SINCE */
	int		 sent;		/* DATE: the Date: field, not the internal date */
	struct imap_skey *sub;
	int		 nsub;
};

/* STATUS items (RFC 3501 6.3.10). */
enum {
	IMAP_STATUS_MESSAGES = 1 << 0,
	IMAP_STATUS_RECENT = 1 << 1,
	IMAP_STATUS_UIDNEXT = 1 << 2,
	IMAP_STATUS_UIDVALIDITY = 1 << 3,
	IMAP_STATUS_UNSEEN = 1 << 4,
};

struct imap_cmd {
	char		 tag[IMAP_TAG_MAX + 1];
	enum imap_verb	 verb;
	int		 uid;		/* "UID FETCH", "UID STORE"... */
	const char	*error;		/* why it did not parse (static text) */
	struct imap_val	 args;		/* the arguments as read, a list */
	/* What they mean; pointers into args. */
	const struct imap_val *user, *pass;	/* LOGIN */
	const struct imap_val *mailbox;		/* SELECT ... STATUS, APPEND, COPY */
	const struct imap_val *mailbox2;	/* RENAME: the new name; LIST: the pattern */
	const struct imap_val *mech, *initial;	/* AUTHENTICATE */
	struct imap_seqset set;			/* FETCH, STORE, COPY */
	struct imap_fetch_req fetch;
	struct imap_store_req store;
	struct imap_skey search;		/* SEARCH: an AND of its keys */
	int		 badcharset;		/* SEARCH: a CHARSET we do not know (NO, not BAD) */
	int		 status;		/* STATUS: IMAP_STATUS_* */
};

/*
 * Read one whole command, p[0..n) as imap_in put it together (the
 * final CRLF may be missing).  c is overwritten; free it with
 * imap_cmd_free() whatever the result.  The tag is filled whenever one
 * could be read.
 */
int	 imap_parse_command(const uint8_t *p, size_t n, struct imap_cmd *c);
void	 imap_cmd_free(struct imap_cmd *c);
const char *imap_verb_str(enum imap_verb v);
/* The tag at the start of p[0..n), or "*" when there is none, into out. */
void	 imap_peek_tag(const uint8_t *p, size_t n, char out[IMAP_TAG_MAX + 1]);
/* Flag name to IMAP_FL_* (case-insensitive), 0 if not a system flag. */
int	 imap_flag_parse(const char *s);
/* "(\Seen \Deleted)" for IMAP_FL_* bits. */
void	 imap_put_flags(struct buf *out, int flags);

/* ---- responses (client side) --------------------------------------- */

enum imap_resp_kind {
	IMAP_RESP_TAGGED,
	IMAP_RESP_UNTAGGED,
	IMAP_RESP_CONT,		/* "+ text": go on with the literal */
};

enum imap_status {
	IMAP_ST_NONE,		/* data: "* 3 EXISTS", "* SEARCH 1 2" */
	IMAP_ST_OK,
	IMAP_ST_NO,
	IMAP_ST_BAD,
	IMAP_ST_PREAUTH,
	IMAP_ST_BYE,
};

struct imap_resp {
	enum imap_resp_kind kind;
	char		 tag[IMAP_TAG_MAX + 1];
	enum imap_status status;
	char		*code;		/* inside [...]: "UIDVALIDITY 1000", or NULL */
	char		*text;		/* the human text, "" when none */
	int		 has_num;
	uint32_t	 num;		/* "* 3 EXISTS", "* 1 FETCH" */
	char		 name[32];	/* upper case: EXISTS, FETCH, SEARCH, CAPABILITY... */
	struct imap_val	 data;		/* the values after name, a list */
};

/*
 * Read one whole response, p[0..n) as imap_in put it together.
 * Returns 0, or -1 when it is not a response.  Free r with
 * imap_resp_free() always.
 */
int	 imap_parse_response(const uint8_t *p, size_t n, struct imap_resp *r);
void	 imap_resp_free(struct imap_resp *r);
/* The number after name in the response code ("UIDVALIDITY 1000"). */
int	 imap_resp_code_num(const struct imap_resp *r, const char *name,
	    uint32_t *out);

/* ---- writing strings ---------------------------------------------- */

enum imap_quote {
	IMAP_Q_ATOM,
	IMAP_Q_QUOTED,
	IMAP_Q_LITERAL,
};

/* The quoted form is used up to this length, longer strings are literals. */
#define IMAP_QUOTED_MAX	1000

/* The simplest form that carries p[0..n) exactly; atom only where atom_ok. */
enum imap_quote imap_quote_kind(const void *p, size_t n, int atom_ok);
/* Appends p[0..n) in that form ("{N}\r\n" and the octets for a literal). */
void	 imap_put_string(struct buf *out, const void *p, size_t n,
	    int atom_ok);
/* A C string as quoted or literal, or NIL for NULL (RFC 3501 nstring). */
void	 imap_put_nstring(struct buf *out, const char *s);

/*
 * One command or response as a person reads it, on one line: the final
 * CRLF removed, each literal replaced by "{N}" and a summary such as
 * "(message of N bytes)", anything unprintable as '?'.
 */
void	 imap_shown(const uint8_t *p, size_t n, struct buf *out);

#endif
