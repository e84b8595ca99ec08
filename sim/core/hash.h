/*
 * hash.h: a small open-addressing multimap from a 64-bit key to an int
 * (an index into the caller's array), for the look-ups that must not
 * walk every node, mailbox, delivery or record of a large world (issue
 * 16).  The caller hashes its own key (hash_str, hash_lower, hash_mix)
 * and compares the real key itself: two keys may share a hash, and one
 * key may be added more than once.  Values come back in no fixed order;
 * a caller that needs the first of several takes the smallest.
 */
#ifndef SUREL_HASH_H
#define SUREL_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hmap {
	uint64_t	*keys;
	int		*vals;		/* -1 empty, -2 removed */
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 used;		/* live and removed slots */
};

void		hmap_free(struct hmap *);
void		hmap_add(struct hmap *, uint64_t key, int val);
/*
 * The values under key, one per call: start with *it = 0; -1 when there
 * are no more.
 */
int		hmap_next(const struct hmap *, uint64_t key, size_t *it);
/* Remove the pair key/val (one of them); 0 if it was there, -1 if not. */
int		hmap_del(struct hmap *, uint64_t key, int val);

uint64_t	hash_mix(uint64_t);
uint64_t	hash_str(const char *);
/* The same as hash_str() of those n bytes (no NUL needed). */
uint64_t	hash_bytes(const void *, size_t);
/* Case-insensitive (ASCII), as smtp_same() and DNS names compare. */
uint64_t	hash_lower(const char *);

#endif
