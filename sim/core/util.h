/*
 * util.h: small helpers every part of sim/ uses: allocation that aborts
 * on failure (OpenSMTPD's xmalloc), a growable byte buffer, and the
 * seeded random generator with independent streams.
 *
 * Nothing here reads the wall clock or prints: sim/ stays deterministic.
 */
#ifndef SUREL_UTIL_H
#define SUREL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t size);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char	*xasprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* Aborts with a message: only for broken invariants, never for input. */
_Noreturn void fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * A growable byte buffer.  Owned by whoever declared it; buf_free()
 * releases the bytes.  len bytes are valid; data is NUL-terminated
 * after every append so text users can treat it as a C string.
 */
struct buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_reserve(struct buf *b, size_t extra);
void	 buf_append(struct buf *b, const void *p, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void	 buf_putc(struct buf *b, int c);
/* JSON string literal with quotes, escaping what RFC 8259 requires. */
void	 buf_json_str(struct buf *b, const char *s);
void	 buf_json_strn(struct buf *b, const char *s, size_t n);
void	 buf_free(struct buf *b);

/*
 * The seeded generator: xoshiro256** seeded through splitmix64.  One
 * root stream per scenario; rng_derive() gives an independent stream
 * per use (per link, per host), so that adding a link does not change
 * the loss pattern of the others.
 */
struct rng {
	uint64_t s[4];
};

void	 rng_seed(struct rng *r, uint64_t seed);
/* A stream for (seed, purpose, index), independent of every other. */
void	 rng_derive(struct rng *r, uint64_t seed, uint32_t purpose,
	    uint32_t index);
uint64_t rng_next(struct rng *r);
/* Uniform double in [0, 1). */
double	 rng_unit(struct rng *r);
/* Uniform integer in [0, n]; n < 2^63. */
uint64_t rng_upto(struct rng *r, uint64_t n);

/* Stream purposes for rng_derive(). */
enum rng_purpose {
	RNG_LINK_LOSS = 1,
	RNG_TCP_ISN,
	RNG_CONTENT,
	RNG_IP_ID,
	RNG_MX_ORDER,	/* equal-preference MX, per mail server (RFC 5321 5.1) */
	RNG_DNS_PORT,	/* a host's DNS source ports (RFC 5452 section 9.2) */
};

/* Internet checksum (RFC 1071) helpers. */
uint32_t cksum_add(uint32_t sum, const uint8_t *p, size_t n);
uint16_t cksum_fold(uint32_t sum);

/* Big-endian stores and loads for building wire bytes explicitly. */
static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

/* "10.0.0.1" <-> host-order address.  ip_parse returns 0 or -1. */
int	 ip_parse(const char *s, uint32_t *out);
void	 ip_format(uint32_t ip, char out[16]);
/* The value of a hexadecimal digit (either case), or -1. */
int	 hex_digit(int c);

#endif
