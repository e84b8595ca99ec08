/*
 * dns_wire.h: DNS messages as bytes and back (RFC 1035 section 4), pure
 * functions with no engine behind them, so that the tests and the fuzzer
 * drive them alone.
 *
 * A message is a fixed-size value (no pointers inside): a header, at most
 * one question, and three sections of at most DNS_MAX_RR records each.
 * Copying a struct dns_msg or a struct dns_rr copies everything.
 * DNS_MAX_RR is more than a 512-octet message can carry (at most 45
 * records of 11 octets), so a UDP answer never loses a record to it; a
 * server that has more than that for one section answers with TC set,
 * never by dropping records silently (RFC 2181 section 9).
 *
 * Names are dotted text without the trailing dot; "" is the root.  Case
 * is kept as it came.  A label byte that is not a printable ASCII
 * character other than '.' and '\' is written in the master-file escapes
 * of RFC 1035 section 5.1 ("\." and "\\" and "\DDD"), so that any name
 * decoded from the wire encodes back to the same bytes.
 */
#ifndef SUREL_DNS_WIRE_H
#define SUREL_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define DNS_MAX_RR	64	/* records per section that we keep */
#define DNS_NAME_MAX	255	/* characters of a name's text, without the NUL */
#define DNS_TXT_MAX	1024	/* bytes of TXT text (or other record data) kept */
#define DNS_HLEN	12	/* the fixed header, RFC 1035 section 4.1.1 */
#define DNS_UDP_MAX	512	/* RFC 1035 section 2.3.4: UDP messages */
/*
 * The largest UDP payload our servers announce in EDNS(0) (RFC 6891
 * section 6.2.5) and send: 1232 octets fit in any path of MTU 1280 without
 * fragments, the value DNS Flag Day 2020 chose.
 */
#define DNS_EDNS_MAX	1232
#define DNS_TCP_MAX	65535	/* RFC 1035 4.2.2: a two-octet length prefix */

/* RR TYPE values, RFC 1035 section 3.2.2 (AAAA: RFC 3596, OPT: RFC 6891). */
enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_OPT = 41,
	DNS_T_ANY = 255,
};

#define DNS_C_IN	1	/* the Internet class, RFC 1035 section 3.2.4 */

/* RCODE values, RFC 1035 section 4.1.1. */
enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_BADVERS = 16,	/* RFC 6891 section 9: needs the OPT's upper bits */
};

/* Why dns_decode() refused the bytes (0 is success). */
enum dns_wire_err {
	DNS_WERR_TRUNCATED = -1,	/* the message ends inside a field */
	DNS_WERR_LABEL_TOO_LONG = -2,	/* a length byte of 64..191 (RFC 1035 2.3.4: at most 63) */
	DNS_WERR_NAME_TOO_LONG = -3,	/* more than 255 octets, or more than DNS_NAME_MAX characters of text */
	DNS_WERR_PTR_LOOP = -4,		/* a compression pointer that leads back into its own name */
	DNS_WERR_PTR_FORWARD = -5,	/* a compression pointer to a later offset (4.1.4: "prior occurrence") */
	DNS_WERR_RDATA_LEN = -6,	/* RDLENGTH disagrees with what the record's type holds */
	DNS_WERR_TOO_MANY = -7,		/* more than one question or DNS_MAX_RR records in a section */
	DNS_WERR_TOO_BIG = -8,		/* record data longer than DNS_TXT_MAX, which we do not keep */
};

/* SOA RDATA, RFC 1035 section 3.3.13. */
struct dns_soa {
	char		 mname[DNS_NAME_MAX + 1];	/* the primary server */
	char		 rname[DNS_NAME_MAX + 1];	/* the responsible mailbox, as a name */
	uint32_t	 serial, refresh, retry, expire;
	uint32_t	 minimum;	/* RFC 2308: the TTL of negative answers */
};

/* Bytes: TXT text (its character-strings joined) or an unknown type's RDATA. */
struct dns_bytes {
	uint16_t	 len;
	char		 data[DNS_TXT_MAX + 1];	/* NUL after len bytes; may hold NULs itself */
};

/*
 * One resource record (RFC 1035 section 4.1.3).  rd holds the decoded
 * RDATA of the member that type names; any type not listed keeps its
 * RDATA as raw bytes (RFC 3597), so it survives a decode and encode.
 */
struct dns_rr {
	char		 name[DNS_NAME_MAX + 1];
	uint16_t	 type;
	uint16_t	 class;
	uint32_t	 ttl;
	union {
		uint32_t	 a;		/* A: host order */
		struct {
			uint16_t preference;
			char	 exchange[DNS_NAME_MAX + 1];
		}		 mx;		/* MX */
		char		 target[DNS_NAME_MAX + 1]; /* CNAME, NS */
		struct dns_soa	 soa;		/* SOA */
		struct dns_bytes txt;		/* TXT */
		struct dns_bytes raw;		/* any other type */
	} rd;
};

struct dns_msg {
	uint16_t	 id;
	uint8_t		 qr;		/* 1: a response */
	uint8_t		 opcode;	/* 0: a standard query */
	uint8_t		 aa, tc, rd, ra;
	uint8_t		 rcode;		/* enum dns_rcode */
	int		 qdcount;	/* 0 or 1 */
	char		 qname[DNS_NAME_MAX + 1];
	uint16_t	 qtype, qclass;
	int		 nan, nns, nar;
	struct dns_rr	 an[DNS_MAX_RR];	/* answer */
	struct dns_rr	 ns[DNS_MAX_RR];	/* authority */
	struct dns_rr	 ar[DNS_MAX_RR];	/* additional */
};

/*
 * A message with no question and no records, its fields zero.  The
 * records are not: a message is about 150 KB, and zeroing two per query
 * was the largest cost of a world's DNS (issue 16).  Records are whole
 * once counted: dns_decode() and the servers clear each one they add.
 */
struct dns_msg *dns_msg_new(void);

/*
 * The message as bytes, names compressed (RFC 1035 section 4.1.4).
 * Returns the length, or -1 when it does not fit in cap (at most 65535)
 * or a field cannot be encoded (a bad name, a count over DNS_MAX_RR).
 */
int	 dns_encode(const struct dns_msg *m, uint8_t *out, size_t cap);
/*
 * Parse n bytes into m.  Returns 0 or an enum dns_wire_err; never reads
 * outside p[0..n), whatever the bytes.  Bytes after the last record are
 * ignored.  m is undefined after an error.
 */
int	 dns_decode(const uint8_t *p, size_t n, struct dns_msg *m);

/*
 * EDNS(0), RFC 6891 section 6.1: what the OPT pseudo-record of a message
 * says.  Its CLASS is the sender's UDP payload size, its TTL the upper
 * bits of the RCODE, the version and the DO flag.
 */
struct dns_edns {
	int		 present;
	uint16_t	 udp_size;	/* as sent; below 512 means 512 (6.2.5) */
	uint8_t		 ext_rcode;	/* RCODE bits 11..4 */
	uint8_t		 version;
	uint8_t		 dnssec_ok;
};

/*
 * m's OPT into e (e->present 0 when there is none).  Returns 0, or -1
 * when the OPT is malformed: outside the additional section, more than
 * one, an owner other than the root, or options that overrun its RDATA
 * (RFC 6891 sections 6.1.1 and 6.1.2).
 */
int	 dns_edns_get(const struct dns_msg *m, struct dns_edns *e);
/*
 * Append an OPT to m's additional section announcing udp_size, with the
 * upper RCODE bits ext_rcode and version 0.  Returns -1 when it is full.
 */
int	 dns_edns_put(struct dns_msg *m, uint16_t udp_size, uint8_t ext_rcode);
/* The whole RCODE: the header's 4 bits and the OPT's 8 (RFC 6891 6.1.3). */
int	 dns_rcode_full(const struct dns_msg *m);

/* "A", "MX", ... or "TYPE" for a type without a mnemonic here. */
const char *dns_type_str(int type);
/* "NOERROR", "NXDOMAIN", ... or "RCODE" for one without a mnemonic. */
const char *dns_rcode_str(int rcode);
const char *dns_wire_err_str(int err);
/* The type for a mnemonic ("MX" -> 15), case-insensitive; -1 if unknown. */
int	 dns_type_from_str(const char *s);

/*
 * One line in dig-like words for the transcript, appended to out:
 *	query MX penerimamail.com?
 *	answer penerimamail.com MX 10 mx.penerimamail.com
 *	NXDOMAIN nope.example (no such domain)
 *	referral to com: a.gtld.example (10.9.0.1)
 */
void	 dns_describe(const struct dns_msg *m, struct buf *out);
/* A record's data as text: "10.0.0.1", "10 mx.example.com", "\"v=spf1\"". */
void	 dns_rr_data_str(const struct dns_rr *rr, struct buf *out);

/* Names compare without regard to ASCII case (RFC 4343). */
int	 dns_name_eq(const char *a, const char *b);
/*
 * Append " (ADDRESS)" to out where m's additional section holds an A
 * record for name (a referral's glue, RFC 1034 4.2.1); nothing where not.
 */
void	 dns_put_glue(struct buf *out, const struct dns_msg *m,
	    const char *name);
/* Whether name is zone or below it ("" is above everything). */
int	 dns_name_under(const char *name, const char *zone);
/* The parent of name ("a.b" -> "b", "b" -> ""); name itself when it is the root. */
const char *dns_name_parent(const char *name);
/* Whether text is a name dns_encode() accepts. */
int	 dns_name_valid(const char *name);

#endif
