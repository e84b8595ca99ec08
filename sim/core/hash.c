/*
 * hash.c: see hash.h.  Linear probing over a power-of-two table kept at
 * most half full; a removed pair leaves a marker (-2) so that the keys
 * placed after it are still found, and the table is rebuilt when live
 * and removed slots reach half of it.
 */
#include "hash.h"
#include "util.h"

#include <stdlib.h>

uint64_t
hash_mix(uint64_t x)
{
	/* splitmix64's finaliser: every input bit moves every output bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t
hash_str(const char *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return hash_mix(h);
}

uint64_t
hash_bytes(const void *v, size_t n)
{
	const unsigned char *p = v;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return hash_mix(h);
}

uint64_t
hash_lower(const char *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *p; p++) {
		unsigned c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return hash_mix(h);
}

static void
hmap_grow(struct hmap *h)
{
	struct hmap old = *h;
	size_t cap = h->cap ? h->cap : 16;

	/* Room for the live pairs at most a quarter full after the rebuild. */
	size_t live = 0;
	for (size_t i = 0; i < old.cap; i++)
		live += old.vals[i] >= 0;
	while (cap < 4 * (live + 1))
		cap *= 2;
	h->cap = cap;
	h->used = 0;
	h->keys = xmalloc(cap * sizeof *h->keys);
	h->vals = xmalloc(cap * sizeof *h->vals);
	for (size_t i = 0; i < cap; i++)
		h->vals[i] = -1;
	for (size_t i = 0; i < old.cap; i++)
		if (old.vals[i] >= 0)
			hmap_add(h, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

void
hmap_add(struct hmap *h, uint64_t key, int val)
{
	if (2 * (h->used + 1) > h->cap)
		hmap_grow(h);
	size_t m = h->cap - 1, i = key & m;

	while (h->vals[i] >= 0)
		i = (i + 1) & m;
	if (h->vals[i] == -1)
		h->used++;
	h->keys[i] = key;
	h->vals[i] = val;
}

int
hmap_next(const struct hmap *h, uint64_t key, size_t *it)
{
	if (h->cap == 0)
		return -1;
	size_t m = h->cap - 1;
	/* *it is one past the slot last returned, or 0 to start. */
	size_t i = *it ? *it & m : key & m;

	for (; h->vals[i] != -1; i = (i + 1) & m)
		if (h->vals[i] >= 0 && h->keys[i] == key) {
			*it = ((i + 1) & m) | (h->cap << 1);
			return h->vals[i];
		}
	return -1;
}

int
hmap_del(struct hmap *h, uint64_t key, int val)
{
	size_t it = 0;

	if (h->cap == 0)
		return -1;
	for (int v; (v = hmap_next(h, key, &it)) >= 0; )
		if (v == val) {
			h->vals[((it & (h->cap - 1)) + h->cap - 1) &
			    (h->cap - 1)] = -2;
			return 0;
		}
	return -1;
}

void
hmap_free(struct hmap *h)
{
	free(h->keys);
	free(h->vals);
	h->keys = NULL;
	h->vals = NULL;
	h->cap = h->used = 0;
}
