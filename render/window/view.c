/*
 * view.c: the world at any step, rebuilt from the trace alone (see
 * view.h).  id Tech 3's client is the model (shared/STYLE.md, the
 * sim -> render boundary): the trace is the server's stream of
 * snapshots and events, and the view keeps its own derived state, so
 * nothing here includes a protocol header: only sim.h and trace.h.
 *
 * view_new() reads the trace once and keeps a word (view_aux()) for
 * the records that need one:
 *	TR_FRAME_QUEUED	 the record that ends the wait: its TX, or a DROP
 *	TR_FRAME_TX	 the record that ends the hop: the RX of the same
 *			 frame on the same link and direction, or its DROP
 *	TR_STATE mailbox the mailbox slot (server node, address) it counts
 * TRACE_NONE where the trace ends first.  Four bytes for every record
 * were 290 MB of a 100,000-message world's 72 million records (issue
 * 16), most of them unused; so only those records have a word, found
 * by rank (a bit per record, and the count of bits before each 64),
 * and it is 16 bits: the distance to the record that ends it (an end
 * is always later, and nearly always within 65,534 records), or the
 * slot + 1; a value that does not fit is kept in a short sorted list.  Every VIEW_CHECKPOINT records
 * it keeps the counters and the list of frames that are on a link or in
 * a FIFO at that point, so that both view_seek() and view_packets()
 * replay at most VIEW_CHECKPOINT records, whichever way the window
 * moves.  Seeking allocates nothing.
 *
 * The counters of a checkpoint are not copied whole each time (a world
 * of 1,000 servers and 10,000 mailboxes has 58 KB of them, and a large
 * trace tens of thousands of checkpoints: issue 16): one checkpoint in
 * VIEW_CP_FULL is a full copy, the others keep only what changed since
 * the one before (index, value), and view_restore() applies those to the
 * full copy before them.
 *
 * Chapters (the timeline's marks) are inferred from the application
 * messages; see view_chapters_build().
 *
 * Levels of detail (detail.h): the records that are steps at the story
 * and messages levels, and the changes of state, are kept as ascending
 * lists like the application messages, so that a step on at any level
 * is a binary search (O(log n)) however long the trace.
 */
#include "hash.h"
#include "view.h"
#include "wmem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The counters are one block of ints: four arrays of nnodes, then one int per mailbox slot. */
enum {
	VI_MAILBOX,
	VI_QUEUE,
	VI_DEVICE,
	VI_DNS,
	VI_NARRAYS,
};

/* One counter changed since the checkpoint before (view_save). */
struct view_change {
	uint32_t	 idx;
	int32_t		 val;
};

/*
 * One checkpoint in VIEW_CP_FULL keeps every counter.  A full copy of
 * that world's 58 KB every 32 checkpoints was 132 MB of a 100,000-message
 * trace (2,200 copies); every 256 it is 17 MB, and a seek replays at most
 * 255 checkpoints' changes (a few counters each, ~8 on average there).
 */
#define VIEW_CP_FULL	256

/* A record's word that does not fit in 16 bits (view_aux()). */
struct view_far {
	uint32_t	 rec, val;
};

#define AUX_FAR		0xffffu

/* A mailbox: its server and its address (lower case). */
struct view_slot {
	int		 node;
	char		*addr;
};

struct view {
	const struct trace	*tr;
	const struct scenario	*sc;
	size_t			 n;		/* records */
	int			 nnodes, nlinks;

	/* view_aux(): see the top of the file. */
	uint64_t		*aux_has;	/* [n / 64 + 1] a bit per record */
	uint32_t		*aux_rank;	/* [n / 64 + 1] bits set before each word */
	uint16_t		*aux16;		/* [bits set] 0: none, AUX_FAR: in aux_far */
	struct view_far		*aux_far;	/* sorted by rec once built */
	size_t			 naux, nfar, capfar, nfar_sorted;
	/*
	 * [frames] each frame's label and protocol, read from its bytes the
	 * first time it is drawn (0: not yet); a crowded step draws
	 * thousands of frames again at every jump.  Pages never written
	 * cost nothing (calloc).
	 */
	uint8_t			*labmemo;
	size_t			 nlabmemo;

	struct view_slot	*slots;
	int			 nslots;
	size_t			 capslots;
	struct hmap		 slot_by_addr;	/* hash_str(addr) -> slot */

	/* The state at the current step. */
	struct view_state	 st;
	uint8_t			*node_up;	/* [nnodes] */
	uint8_t			*link_up;	/* [nlinks] */
	int			*ints;		/* [nints] */
	size_t			 nints;

	/*
	 * Checkpoint k is the state at step k * VIEW_CHECKPOINT: a full copy
	 * where k % VIEW_CP_FULL == 0 (number k / VIEW_CP_FULL), else the
	 * changes since checkpoint k - 1: cp_delta[cp_doff[k] ..
	 * cp_doff[k + 1]).  A change's index counts ints, then node_up,
	 * then link_up.
	 */
	size_t			 ncp, nfull;
	uint8_t			*cp_node_up;	/* [nfull * nnodes] */
	uint8_t			*cp_link_up;	/* [nfull * nlinks] */
	int			*cp_ints;	/* [nfull * nints] */
	struct view_change	*cp_delta;
	size_t			*cp_doff;	/* [ncp + 1] */
	size_t			 ndelta, capdelta;
	/* While building: what changed since the last checkpoint. */
	uint8_t			*dirty;		/* [nints + nnodes + nlinks] */
	uint32_t		*dlist;
	size_t			 ndlist, capdlist;
	/* Frames open (queued or on a link) at checkpoint k: open[open_off[k] .. open_off[k + 1]), ascending. */
	uint32_t		*open;
	size_t			*open_off;	/* [ncp + 1] */

	uint32_t		*apps;		/* records that are TR_APP, ascending */
	size_t			 napps;
	/* Records that are steps at the story and messages levels, ascending. */
	uint32_t		*lv[DETAIL_PACKETS];
	size_t			 nlv[DETAIL_PACKETS];
	uint32_t		*states;	/* changes of state (view_is_state), ascending */
	size_t			 nstates;

	struct view_chapter	*ch;
	int			 nch;
};

static void	*wmem_alloc(size_t n, size_t size);
static void	*view_grow(void *p, size_t *cap, size_t need, size_t size);
static uint16_t	 view_get16(const uint8_t *p);
static uint32_t	 view_get32(const uint8_t *p);
static int	 view_submission(const struct scenario *, int, int);
static int	 view_slot(struct view *, int, const char *);
static int	 view_aux_wants(const struct view *, const struct trace_rec *);
static long	 view_aux_rank(const struct view *, size_t);
static uint32_t	 view_aux(const struct view *, size_t, int);
static void	 view_aux_set(struct view *, size_t, uint32_t, int);
static void	 view_aux_sort(struct view *);
static void	 view_index(struct view *);
static void	 view_apply(struct view *, size_t);
static void	 view_apply_rec(struct view *, size_t, const struct trace_rec *);
static void	 view_dirty(struct view *, size_t);
static void	 view_save(struct view *, size_t);
static void	 view_restore(struct view *, size_t);
static size_t	 view_cut(const struct view *, uint64_t);
static uint64_t	 view_arrival(const struct view *, const struct trace_rec *);
static const char *view_label(const struct view *, const uint8_t *, uint32_t,
		    enum app_proto *);
static void	 view_chapters_build(struct view *);
static size_t	 view_next_in(const uint32_t *, size_t, size_t, int);
static int	 view_is_state(const struct trace_rec *);
static int	 view_packet_at(const struct view *, uint32_t, size_t, uint64_t,
		    struct view_packet *);

/* ---- small helpers ---------------------------------------------------- */

/* Make room for need elements, doubling. */
static void *
view_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	p = wmem_sure(realloc(p, c * size));
	*cap = c;
	return p;
}

static uint16_t
view_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
view_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Whether node serves message submission (RFC 6409) on port (ports.c). */
static int
view_submission(const struct scenario *sc, int node, int port)
{
	const char *svc;

	sim_port_proto(sc, node, (unsigned)port, &svc);
	return svc != NULL && strcmp(svc, "submission") == 0;
}

/*
 * The slot of the mailbox that a TR_STATE mailbox record counts: the
 * server node and the address, the first word of the record's text.
 * Addresses compare without case, as mail addresses do in practice.
 */
static int
view_slot(struct view *v, int node, const char *text)
{
	char addr[256];
	size_t k = 0;

	while (text[k] && text[k] != ' ' && k < sizeof addr - 1) {
		addr[k] = (char)tolower((unsigned char)text[k]);
		k++;
	}
	addr[k] = '\0';
	/* By hash: a world of 10,000 mailboxes is not walked per record. */
	size_t it = 0;
	for (int i; (i = hmap_next(&v->slot_by_addr, hash_str(addr),
	    &it)) >= 0; )
		if (v->slots[i].node == node &&
		    strcmp(v->slots[i].addr, addr) == 0)
			return i;
	hmap_add(&v->slot_by_addr, hash_str(addr), v->nslots);
	v->slots = view_grow(v->slots, &v->capslots, (size_t)v->nslots + 1,
	    sizeof *v->slots);
	v->slots[v->nslots].node = node;
	v->slots[v->nslots].addr = wmem_alloc(k + 1, 1);
	memcpy(v->slots[v->nslots].addr, addr, k + 1);
	return v->nslots++;
}

/* ---- building ----------------------------------------------------------- */

/* Whether record r has a word (the top of the file). */
static int
view_aux_wants(const struct view *v, const struct trace_rec *r)
{
	return r->kind == TR_FRAME_QUEUED || r->kind == TR_FRAME_TX ||
	    (r->kind == TR_STATE && (r->a == ST_MAILBOX_ADD ||
	    r->a == ST_MAILBOX_DEL) && r->node >= 0 && r->node < v->nnodes);
}

/* Record i's place among those with a word, or -1 if it has none. */
static long
view_aux_rank(const struct view *v, size_t i)
{
	uint64_t w = v->aux_has[i / 64], bit = (uint64_t)1 << (i % 64);

	if (i >= v->n || (w & bit) == 0)
		return -1;
	return (long)v->aux_rank[i / 64] + __builtin_popcountll(w & (bit - 1));
}

static int
view_far_cmp(const void *a, const void *b)
{
	const struct view_far *x = a, *y = b;

	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* Record i's word: TRACE_NONE where it has none (or not yet); rel: see view_aux_set(). */
static uint32_t
view_aux(const struct view *v, size_t i, int rel)
{
	long k = view_aux_rank(v, i);

	if (k < 0 || v->aux16[k] == 0)
		return TRACE_NONE;
	if (v->aux16[k] != AUX_FAR)
		return (rel ? (uint32_t)i : 0) + v->aux16[k] - 1;
	/* Set before the last view_aux_sort(): the sorted part has it. */
	size_t lo = 0, hi = v->nfar_sorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->aux_far[mid].rec < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nfar_sorted && v->aux_far[lo].rec == i ?
	    v->aux_far[lo].val : TRACE_NONE;
}

/*
 * Set record i's word (once), in 16 bits where it fits: the end of a
 * hop (rel = 1) as its distance from i plus one (an end is later than
 * its start), a mailbox slot (rel = 0) as the slot plus one.  Else in
 * the far list.
 */
static void
view_aux_set(struct view *v, size_t i, uint32_t val, int rel)
{
	long k = view_aux_rank(v, i);
	uint64_t d = rel ? (uint64_t)val - i + 1 : (uint64_t)val + 1;

	if (k < 0 || val == TRACE_NONE)
		return;
	if ((!rel || val > i) && d < AUX_FAR) {
		v->aux16[k] = (uint16_t)d;
		return;
	}
	v->aux16[k] = AUX_FAR;
	v->aux_far = view_grow(v->aux_far, &v->capfar, v->nfar + 1,
	    sizeof *v->aux_far);
	v->aux_far[v->nfar++] = (struct view_far){ (uint32_t)i, val };
}

/* Make every word set so far readable (view_aux() searches the sorted part). */
static void
view_aux_sort(struct view *v)
{
	if (v->nfar > v->nfar_sorted)
		qsort(v->aux_far, v->nfar, sizeof *v->aux_far, view_far_cmp);
	v->nfar_sorted = v->nfar;
}

struct view *
view_new(const struct sim *s)
{
	return view_new_trace(sim_scenario(s), sim_trace(s));
}

struct view *
view_new_trace(const struct scenario *sc, const struct trace *tr)
{
	struct view *v = wmem_alloc(1, sizeof *v);

	v->tr = tr;
	v->sc = sc;
	v->n = trace_count(tr);
	v->nnodes = sc->nnodes;
	v->nlinks = sc->nlinks;
	v->aux_has = wmem_alloc(v->n / 64 + 1, sizeof *v->aux_has);
	v->aux_rank = wmem_alloc(v->n / 64 + 1, sizeof *v->aux_rank);
	v->nlabmemo = trace_frame_count(tr);
	v->labmemo = calloc(v->nlabmemo + 1, 1);	/* NULL: read every time */
	v->ncp = v->n / VIEW_CHECKPOINT + 1;
	v->open_off = wmem_alloc(v->ncp + 1, sizeof *v->open_off);
	v->node_up = wmem_alloc((size_t)v->nnodes, 1);
	v->link_up = wmem_alloc((size_t)v->nlinks, 1);

	/*
	 * The mailbox slots are known only after a look at the records, and
	 * they are part of the counters; find them first.
	 */
	uint32_t *mbx = NULL, *slot = NULL;
	size_t nmbx = 0, capmbx = 0, capslot = 0;

	for (size_t i = 0; i < v->n; i++) {
		const struct trace_rec rc = trace_at(tr, i), *r = &rc;

		if (i % 64 == 0)
			v->aux_rank[i / 64] = (uint32_t)v->naux;
		if (!view_aux_wants(v, r))
			continue;
		v->aux_has[i / 64] |= (uint64_t)1 << (i % 64);
		v->naux++;
		if (r->kind != TR_STATE)
			continue;
		mbx = view_grow(mbx, &capmbx, nmbx + 1, sizeof *mbx);
		slot = view_grow(slot, &capslot, nmbx + 1, sizeof *slot);
		mbx[nmbx] = (uint32_t)i;
		slot[nmbx++] = (uint32_t)view_slot(v, r->node,
		    trace_text_at(tr, r->text));
	}
	v->aux16 = wmem_alloc(v->naux, sizeof *v->aux16);
	for (size_t k = 0; k < nmbx; k++)
		view_aux_set(v, mbx[k], slot[k], 0);
	view_aux_sort(v);
	free(mbx);
	free(slot);
	v->nints = (size_t)v->nnodes * VI_NARRAYS + (size_t)v->nslots;
	v->ints = wmem_alloc(v->nints, sizeof *v->ints);
	v->nfull = v->ncp / VIEW_CP_FULL + 1;
	v->cp_node_up = wmem_alloc(v->nfull * (size_t)v->nnodes, 1);
	v->cp_link_up = wmem_alloc(v->nfull * (size_t)v->nlinks, 1);
	v->cp_ints = wmem_alloc(v->nfull * v->nints, sizeof *v->cp_ints);
	v->cp_doff = wmem_alloc(v->ncp + 1, sizeof *v->cp_doff);
	v->cp_doff[0] = 0;
	v->dirty = wmem_alloc(v->nints + (size_t)v->nnodes +
	    (size_t)v->nlinks, 1);
	memset(v->dirty, 0, v->nints + (size_t)v->nnodes + (size_t)v->nlinks);

	view_index(v);
	view_aux_sort(v);
	free(v->dirty);
	free(v->dlist);
	v->dirty = NULL;
	v->dlist = NULL;
	view_chapters_build(v);
	view_seek(v, 0);
	return v;
}

/*
 * One pass over the records: pair each hop's start with its end, keep
 * the list of open hops at every checkpoint, save the counters there,
 * and list the application messages.
 *
 * A frame is in one place at a time (a router forwards it hop by hop,
 * and a retransmission is a new frame), so one pending record per frame
 * is enough: QUEUED until its TX (or a DROP on that link, when the link
 * went down while it waited), then TX until the RX or DROP on the same
 * link and direction.  The pending records form the open set, kept
 * dense (pos[] gives each frame's place) so that removal is O(1).
 */
static void
view_index(struct view *v)
{
	const struct trace *tr = v->tr;
	size_t nf = trace_frame_count(tr);
	uint32_t *pend = wmem_alloc(nf, sizeof *pend);
	uint32_t *pos = wmem_alloc(nf, sizeof *pos);
	uint32_t *set = NULL;		/* the open set: pending record indices */
	uint32_t *setf = NULL;		/* and their frames */
	/* Per frame, what its pending record is: its link << 3 | dir << 2 | kind. */
	uint32_t *pinfo = wmem_alloc(nf, sizeof *pinfo);
	/* The hops opened since the last checkpoint, in order, and their frames. */
	uint32_t *since = NULL, *sincef = NULL;
	size_t nsince = 0, capsince = 0, capsincef = 0, capsetf = 0;
	size_t nset = 0, capset = 0, capopen = 0, nopen = 0, capapps = 0;
	size_t caplv[DETAIL_PACKETS] = { 0 }, capstates = 0;

	for (size_t f = 0; f < nf; f++)
		pend[f] = TRACE_NONE;
	for (int i = 0; i < v->nnodes; i++)
		v->node_up[i] = 1;
	for (int i = 0; i < v->nlinks; i++)
		v->link_up[i] = 1;
	memset(v->ints, 0, v->nints * sizeof *v->ints);

	for (size_t i = 0; i <= v->n; i++) {
		if (i % VIEW_CHECKPOINT == 0) {
			size_t k = i / VIEW_CHECKPOINT;

			view_save(v, k);
			/*
			 * The open hops here, in record order without a sort:
			 * those of the last checkpoint still open, then those
			 * opened since and still open (all later records).
			 */
			v->open = view_grow(v->open, &capopen, nopen + nset + 1,
			    sizeof *v->open);
			size_t o = nopen;
			if (k > 0) {
				for (size_t j = v->open_off[k - 1];
				    j < v->open_off[k]; j++) {
					uint32_t x = v->open[j];
					if (pend[trace_at(tr, x).frame] == x)
						v->open[o++] = x;
				}
				for (size_t j = 0; j < nsince; j++)
					if (pend[sincef[j]] == since[j])
						v->open[o++] = since[j];
			}
			nsince = 0;
			v->open_off[k] = nopen;
			nopen = o;
			v->open_off[k + 1] = nopen;
		}
		if (i == v->n)
			break;

		const struct trace_rec rc = trace_at(tr, i), *r = &rc;
		uint32_t f = r->frame;

		if (r->kind == TR_APP) {
			v->apps = view_grow(v->apps, &capapps, v->napps + 1,
			    sizeof *v->apps);
			v->apps[v->napps++] = (uint32_t)i;
		}
		/* Nested levels: only a messages step can be a story step. */
		for (int d = DETAIL_MESSAGES; d >= 0 &&
		    detail_has_rec(tr, r, (enum detail)d); d--) {
			v->lv[d] = view_grow(v->lv[d], &caplv[d], v->nlv[d] + 1,
			    sizeof *v->lv[d]);
			v->lv[d][v->nlv[d]++] = (uint32_t)i;
		}
		if (view_is_state(r)) {
			v->states = view_grow(v->states, &capstates,
			    v->nstates + 1, sizeof *v->states);
			v->states[v->nstates++] = (uint32_t)i;
		}
		if (r->kind <= TR_FRAME_DROP && f < nf) {
			uint32_t p = pend[f];
			int pr = p != TRACE_NONE;	/* a pending record */
			int same = pr && pinfo[f] >> 2 ==
			    ((uint32_t)r->link << 1 | r->dir);
			int ends = 0, opens = 0;

			switch (r->kind) {
			case TR_FRAME_QUEUED:
				ends = pr;	/* never twice; be safe */
				opens = 1;
				break;
			case TR_FRAME_TX:
				ends = pr;
				opens = 1;
				break;
			case TR_FRAME_RX:
				ends = same && (pinfo[f] & 3) == TR_FRAME_TX;
				break;
			case TR_FRAME_DROP:
				/*
				 * A drop on the hop (loss, link or node down at
				 * arrival, link down while queued) ends it; a drop
				 * after the RX (TTL, not for me) has nothing open.
				 */
				ends = same;
				break;
			}
			if (ends) {
				view_aux_set(v, p, (uint32_t)i, 1);
				pend[f] = TRACE_NONE;
				/* Swap the last of the set into its place. */
				uint32_t last = set[--nset];
				uint32_t lf = setf[nset];
				set[pos[f]] = last;
				setf[pos[f]] = lf;
				pos[lf] = pos[f];
			}
			if (opens) {
				set = view_grow(set, &capset, nset + 1,
				    sizeof *set);
				setf = view_grow(setf, &capsetf, nset + 1,
				    sizeof *setf);
				pend[f] = (uint32_t)i;
				pinfo[f] = (uint32_t)r->link << 3 |
				    (uint32_t)r->dir << 2 | r->kind;
				pos[f] = (uint32_t)nset;
				setf[nset] = f;
				set[nset++] = (uint32_t)i;
				since = view_grow(since, &capsince, nsince + 1,
				    sizeof *since);
				sincef = view_grow(sincef, &capsincef,
				    nsince + 1, sizeof *sincef);
				sincef[nsince] = f;
				since[nsince++] = (uint32_t)i;
			}
		}
		view_apply_rec(v, i, r);
	}
	free(set);
	free(setf);
	free(pinfo);
	free(since);
	free(sincef);
	free(pos);
	free(pend);
}

/*
 * Apply record i to the counters.  The only function that changes them:
 * building and seeking both come here, so a step reached by any path
 * holds the same bytes.
 */
static void
view_apply(struct view *v, size_t i)
{
	const struct trace_rec r = trace_at(v->tr, i);

	view_apply_rec(v, i, &r);
}

/* The same for record i already read as r (a pass over the trace reads each once). */
static void
view_apply_rec(struct view *v, size_t i, const struct trace_rec *r)
{
	int node = r->node;
	size_t nn = (size_t)v->nnodes;
	int *ints;

	switch (r->kind) {
	case TR_NODE_STATE:
		if (node >= 0 && node < v->nnodes) {
			v->node_up[node] = r->a != 0;
			view_dirty(v, v->nints + (size_t)node);
		}
		break;
	case TR_LINK_STATE:
		if (r->link >= 0 && r->link < v->nlinks) {
			v->link_up[r->link] = r->a != 0;
			view_dirty(v, v->nints + (size_t)v->nnodes +
			    (size_t)r->link);
		}
		break;
	case TR_STATE:
		if (node < 0 || node >= v->nnodes)
			break;
		ints = v->ints + node;	/* ints[VI_x * nn]: node's counter x */
		switch (r->a) {
		case ST_MAILBOX_ADD:
		case ST_MAILBOX_DEL: {
			/* b counts one mailbox; the badge is the server's sum. */
			int *slot = v->ints + (size_t)v->nnodes * VI_NARRAYS +
			    view_aux(v, i, 0);

			ints[VI_MAILBOX * nn] += (int)r->b - *slot;
			*slot = (int)r->b;
			view_dirty(v, (size_t)(slot - v->ints));
			view_dirty(v, VI_MAILBOX * nn + (size_t)node);
			break;
		}
		case ST_QUEUE_ADD:
		case ST_QUEUE_DEL:
		case ST_QUEUE_RETRY:
			ints[VI_QUEUE * nn] = (int)r->b;
			view_dirty(v, VI_QUEUE * nn + (size_t)node);
			break;
		case ST_DNS_CACHE_ADD:
		case ST_DNS_CACHE_EXPIRE:
			ints[VI_DNS * nn] = (int)r->b;
			view_dirty(v, VI_DNS * nn + (size_t)node);
			break;
		case ST_CLIENT_STORE:
			ints[VI_DEVICE * nn] = (int)r->b;
			view_dirty(v, VI_DEVICE * nn + (size_t)node);
			break;
		}
		break;
	}
}

/* Counter x (ints, then node_up, then link_up) changed: while building only. */
static void
view_dirty(struct view *v, size_t x)
{
	if (v->dirty == NULL || v->dirty[x])
		return;
	v->dirty[x] = 1;
	v->dlist = view_grow(v->dlist, &v->capdlist, v->ndlist + 1,
	    sizeof *v->dlist);
	v->dlist[v->ndlist++] = (uint32_t)x;
}

/* Counter x's value now. */
static int32_t
view_counter(const struct view *v, size_t x)
{
	if (x < v->nints)
		return v->ints[x];
	x -= v->nints;
	if (x < (size_t)v->nnodes)
		return v->node_up[x];
	return v->link_up[x - (size_t)v->nnodes];
}

static void
view_save(struct view *v, size_t k)
{
	if (k % VIEW_CP_FULL == 0) {
		size_t f = k / VIEW_CP_FULL;

		memcpy(v->cp_node_up + f * (size_t)v->nnodes, v->node_up,
		    (size_t)v->nnodes);
		memcpy(v->cp_link_up + f * (size_t)v->nlinks, v->link_up,
		    (size_t)v->nlinks);
		memcpy(v->cp_ints + f * v->nints, v->ints,
		    v->nints * sizeof *v->ints);
	} else
		for (size_t j = 0; j < v->ndlist; j++) {
			v->cp_delta = view_grow(v->cp_delta, &v->capdelta,
			    v->ndelta + 1, sizeof *v->cp_delta);
			v->cp_delta[v->ndelta++] = (struct view_change){
			    v->dlist[j], view_counter(v, v->dlist[j]) };
		}
	for (size_t j = 0; j < v->ndlist; j++)
		v->dirty[v->dlist[j]] = 0;
	v->ndlist = 0;
	v->cp_doff[k + 1] = v->ndelta;
}

static void
view_restore(struct view *v, size_t k)
{
	size_t f = k / VIEW_CP_FULL;

	memcpy(v->node_up, v->cp_node_up + f * (size_t)v->nnodes,
	    (size_t)v->nnodes);
	memcpy(v->link_up, v->cp_link_up + f * (size_t)v->nlinks,
	    (size_t)v->nlinks);
	memcpy(v->ints, v->cp_ints + f * v->nints, v->nints * sizeof *v->ints);
	/* The changes of the checkpoints after that copy, in order. */
	for (size_t j = v->cp_doff[f * VIEW_CP_FULL + 1]; j < v->cp_doff[k + 1];
	    j++) {
		size_t x = v->cp_delta[j].idx;
		int32_t val = v->cp_delta[j].val;

		if (x < v->nints)
			v->ints[x] = val;
		else if ((x -= v->nints) < (size_t)v->nnodes)
			v->node_up[x] = (uint8_t)val;
		else
			v->link_up[x - (size_t)v->nnodes] = (uint8_t)val;
	}
}

void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < v->nslots; i++)
		free(v->slots[i].addr);
	free(v->slots);
	hmap_free(&v->slot_by_addr);
	free(v->aux_has);
	free(v->aux_rank);
	free(v->aux16);
	free(v->aux_far);
	free(v->labmemo);
	free(v->node_up);
	free(v->link_up);
	free(v->ints);
	free(v->cp_node_up);
	free(v->cp_link_up);
	free(v->cp_ints);
	free(v->cp_delta);
	free(v->cp_doff);
	free(v->open);
	free(v->open_off);
	free(v->apps);
	for (int d = 0; d < DETAIL_PACKETS; d++)
		free(v->lv[d]);
	free(v->states);
	free(v->ch);
	free(v);
}

size_t
view_bytes_used(const struct view *v)
{
	return sizeof *v + (v->n / 64 + 1) * (sizeof *v->aux_has +
	    sizeof *v->aux_rank) + v->naux * sizeof *v->aux16 +
	    v->nfar * sizeof *v->aux_far +
	    v->nfull * ((size_t)v->nnodes + (size_t)v->nlinks +
	    v->nints * sizeof *v->ints) +
	    v->ndelta * sizeof *v->cp_delta +
	    (v->ncp + 1) * sizeof *v->cp_doff +
	    v->open_off[v->ncp] * sizeof *v->open +
	    (v->ncp + 1) * sizeof *v->open_off +
	    v->napps * sizeof *v->apps + (size_t)v->nch * sizeof *v->ch +
	    (v->nlv[DETAIL_STORY] + v->nlv[DETAIL_MESSAGES] + v->nstates) *
	    sizeof *v->states +
	    (size_t)v->nslots * sizeof *v->slots +
	    (size_t)v->nnodes + (size_t)v->nlinks + v->nints * sizeof *v->ints;
}

/* ---- stepping ----------------------------------------------------------- */

const uint32_t *
view_apps(const struct view *v, size_t *n)
{
	*n = v->napps;
	return v->apps;
}

size_t
view_steps(const struct view *v)
{
	return v->n + 1;
}

uint64_t
view_step_time(const struct view *v, size_t step)
{
	if (step > v->n)
		step = v->n;
	return step == 0 ? 0 : trace_at(v->tr, step - 1).t;
}

/*
 * From the current step when it lies between the target's checkpoint
 * and the target (a step forward), else from that checkpoint: at most
 * VIEW_CHECKPOINT records either way.
 */
void
view_seek(struct view *v, size_t step)
{
	if (step > v->n)
		step = v->n;
	size_t k = step / VIEW_CHECKPOINT, base = k * VIEW_CHECKPOINT;
	size_t from = v->st.step;

	if (from < base || from > step || v->st.node_up == NULL) {
		view_restore(v, k);
		from = base;
	}
	for (size_t i = from; i < step; i++)
		view_apply(v, i);
	v->st.step = step;
	v->st.t = view_step_time(v, step);
	v->st.node_up = v->node_up;
	v->st.link_up = v->link_up;
	v->st.mailbox = v->ints + VI_MAILBOX * (size_t)v->nnodes;
	v->st.queue = v->ints + VI_QUEUE * (size_t)v->nnodes;
	v->st.device = v->ints + VI_DEVICE * (size_t)v->nnodes;
	v->st.dns_cache = v->ints + VI_DNS * (size_t)v->nnodes;
}

const struct view_state *
view_state(const struct view *v)
{
	return &v->st;
}

/* ---- packets -------------------------------------------------------------- */

/*
 * The records that have happened by time t: all those at or before t,
 * except at the current step's own time, where the current step decides
 * (records at the same instant are still ordered, and the picture of a
 * step must show exactly what that step has done).
 */
static size_t
view_cut(const struct view *v, uint64_t t)
{
	if (t == v->st.t)
		return v->st.step;
	/* The records up to t: the first one after it (a live trace may be longer than the view). */
	size_t cut = t == UINT64_MAX ? v->n : trace_first_at(v->tr, t + 1);
	return cut < v->n ? cut : v->n;
}

/*
 * When a hop would end if the trace had gone on (it stopped at until_ms
 * with the frame on the wire): serialisation plus latency, as the link
 * model computes them (sim/net.c).
 */
static uint64_t
view_arrival(const struct view *v, const struct trace_rec *r)
{
	const struct trace_frame *fr = trace_frame(v->tr, r->frame);

	if (r->link < 0 || r->link >= v->nlinks || fr == NULL)
		return r->t;
	const struct sc_link *l = &v->sc->links[r->link];
	uint64_t bps = l->bandwidth_bps ? l->bandwidth_bps : 1;
	uint64_t ser = ((uint64_t)fr->len * 8 * 1000000000ULL + bps - 1) / bps;

	return r->t + ser + l->latency_ns;
}

/*
 * A short name for a frame from its bytes (Ethernet, IPv4, then TCP or
 * UDP): TCP flags for a segment that carries nothing, else what it
 * carries by port.  Every read is checked against len.
 */
static const char *
view_label(const struct view *v, const uint8_t *p, uint32_t len,
    enum app_proto *proto)
{
	*proto = APP_NONE;
	if (p == NULL || len < 14 + 20 || view_get16(p + 12) != 0x0800)
		return "?";
	const uint8_t *ip = p + 14;
	uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
	uint32_t tot = view_get16(ip + 2);

	if (tot > len - 14)
		tot = len - 14;		/* what is there */
	if (ihl < 20 || tot < ihl)
		return "IPv4";
	const uint8_t *l4 = ip + ihl;
	uint32_t l4len = tot - ihl;
	int src = sim_node_by_ip(v->sc, view_get32(ip + 12));
	int dst = sim_node_by_ip(v->sc, view_get32(ip + 16));
	int srv;

	if (ip[9] == 6) {
		if (l4len < 20)
			return "TCP";
		uint32_t thl = (uint32_t)(l4[12] >> 4) * 4;
		uint8_t fl = l4[13];
		unsigned sport = view_get16(l4), dport = view_get16(l4 + 2);

		if (thl >= l4len) {
			/* No payload: the flags tell the story. */
			if (fl & 0x04)
				return "RST";
			if ((fl & 0x12) == 0x12)
				return "SYN-ACK";
			if (fl & 0x02)
				return "SYN";
			if (fl & 0x01)
				return "FIN";
			return "ACK";
		}
		/* The scenario's ports, then the well-known ones (ports.c). */
		*proto = sim_conn_proto(v->sc, src, sport, dst, dport, &srv);
		return *proto == APP_NONE ? "TCP" : app_proto_name(*proto);
	}
	if (ip[9] == 17) {
		if (l4len < 8)
			return "UDP";
		unsigned sport = view_get16(l4), dport = view_get16(l4 + 2);

		if (sim_conn_proto(v->sc, src, sport, dst, dport, &srv) !=
		    APP_DNS)
			return "UDP";
		*proto = APP_DNS;
		/* RFC 1035 4.1.1: QR is the top bit of the third byte. */
		if (l4len >= 8 + 3 && (l4[8 + 2] & 0x80))
			return "DNS answer";
		return "DNS query";
	}
	return "IPv4";
}

/* The labels view_label() returns without a protocol's name, for the memo. */
static const char *const view_fixed_labels[] = {
	"", "?", "IPv4", "TCP", "RST", "SYN-ACK", "SYN", "FIN", "ACK", "UDP",
	"DNS answer", "DNS query"
};

/* view_label() of frame f, through the memo: low four bits the label, high the protocol. */
static const char *
view_label_of(const struct view *v, uint32_t f, uint32_t len,
    enum app_proto *proto)
{
	uint8_t m = f < v->nlabmemo && v->labmemo ? v->labmemo[f] : 0;
	const size_t nfixed = sizeof view_fixed_labels /
	    sizeof view_fixed_labels[0];

	if (m != 0) {
		*proto = (enum app_proto)(m >> 4);
		return (m & 15) == 0 ? app_proto_name(*proto) :
		    view_fixed_labels[m & 15];
	}
	const char *l = view_label(v, trace_frame_bytes(v->tr, f), len, proto);
	if (f >= v->nlabmemo || v->labmemo == NULL || *proto > 15)
		return l;
	size_t k = 0;
	if (*proto == APP_NONE || strcmp(l, app_proto_name(*proto)) != 0)
		for (k = 1; k < nfixed && strcmp(l, view_fixed_labels[k]) != 0;
		    k++)
			;
	if (k < nfixed && (k != 0 || *proto != APP_NONE))
		v->labmemo[f] = (uint8_t)((unsigned)*proto << 4 | k);
	return l;
}

/* The packet for open record i (QUEUED or TX) if it is still open at cut; 0 if not. */
static int
view_packet_at(const struct view *v, uint32_t i, size_t cut, uint64_t t,
    struct view_packet *out)
{
	const struct trace_rec rc = trace_at(v->tr, i), *r = &rc;
	const struct trace_frame *fr = trace_frame(v->tr, r->frame);
	uint32_t e = view_aux(v, i, 1);
	struct trace_rec erc;
	const struct trace_rec *er = e != TRACE_NONE ?
	    (erc = trace_at(v->tr, e), &erc) : NULL;

	if ((er != NULL && e < cut) || fr == NULL)
		return 0;
	memset(out, 0, sizeof *out);
	out->frame = r->frame;
	out->link = r->link;
	out->dir = r->dir;
	out->len = fr->len;
	out->label = view_label_of(v, r->frame, fr->len, &out->proto);
	if (r->kind == TR_FRAME_QUEUED) {
		out->queued = 1;
		out->progress = 0;
		out->tx_step = (size_t)i + 1;
		if (er != NULL && er->kind == TR_FRAME_TX) {
			/* Its future TX, and whether that hop ends in a drop. */
			uint32_t e2 = view_aux(v, e, 1);

			out->tx_step = (size_t)e + 1;
			out->lost = e2 != TRACE_NONE &&
			    trace_at(v->tr, e2).kind == TR_FRAME_DROP;
		} else
			out->lost = er != NULL;	/* dropped while it waited */
		return 1;
	}
	uint64_t t0 = r->t, t1 = er != NULL ? er->t : view_arrival(v, r);

	if (er == NULL && t >= t1)
		return 0;		/* it would have arrived by now */
	out->tx_step = (size_t)i + 1;
	out->lost = er != NULL && er->kind == TR_FRAME_DROP;
	if (t <= t0)
		out->progress = 0;
	else if (t >= t1)
		out->progress = 1;
	else
		out->progress = (double)(t - t0) / (double)(t1 - t0);
	return 1;
}

/*
 * The open hops at the checkpoint below the cut, then the hops that
 * opened since, each kept only if it is still open at the cut: at most
 * VIEW_CHECKPOINT records read beyond the frames actually in flight.
 * In the order their records were written.
 */
int
view_packets(const struct view *v, uint64_t t, struct view_packet *out,
    int max)
{
	size_t cut = view_cut(v, t);
	size_t k = cut / VIEW_CHECKPOINT;
	int n = 0;

	for (size_t j = v->open_off[k]; j < v->open_off[k + 1] && n < max; j++)
		n += view_packet_at(v, v->open[j], cut, t, &out[n]);
	for (size_t i = k * VIEW_CHECKPOINT; i < cut && n < max; i++) {
		uint16_t kind = trace_at(v->tr, i).kind;

		if (kind == TR_FRAME_QUEUED || kind == TR_FRAME_TX)
			n += view_packet_at(v, (uint32_t)i, cut, t, &out[n]);
	}
	return n;
}

/* ---- application messages and chapters -------------------------------------- */

/* The next or previous step among steps[k] = recs[k] + 1 (ascending). */
static size_t
view_next_in(const uint32_t *recs, size_t n, size_t step, int dir)
{
	size_t lo = 0, hi = n;

	if (dir == 0 || n == 0)
		return step;
	/* lo: the first k with recs[k] + 1 > step. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((size_t)recs[mid] + 1 <= step)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (dir > 0)
		return lo < n ? (size_t)recs[lo] + 1 : step;
	/* The last k with recs[k] + 1 < step. */
	while (lo > 0 && (size_t)recs[lo - 1] + 1 >= step)
		lo--;
	return lo > 0 ? (size_t)recs[lo - 1] + 1 : step;
}

size_t
view_next_app(const struct view *v, size_t step, int dir)
{
	return view_next_in(v->apps, v->napps, step, dir);
}

size_t
view_next_chapter(const struct view *v, size_t step, int dir)
{
	int i;

	if (dir > 0) {
		for (i = 0; i < v->nch; i++)
			if (v->ch[i].step > step)
				return v->ch[i].step;
	} else if (dir < 0) {
		for (i = v->nch - 1; i >= 0; i--)
			if (v->ch[i].step < step)
				return v->ch[i].step;
	}
	return step;
}

/* ---- levels of detail and changes of state ------------------------------- */

/*
 * A change of state: what the picture's badges and colours count (a
 * mailbox, a queue, a device's mail, a cache), the outcome for a
 * recipient, a server switched off or on, a cable cut or mended.  The
 * moves that jump (a message, a chapter) never pass one: these are the
 * "where is the mail now" moments.  A protocol session's own state
 * (ST_SESSION: "SMTP DATA -> MESSAGE") moves with nearly every message
 * and says nothing of where the mail is, so it is not one of them.
 */
static int
view_is_state(const struct trace_rec *r)
{
	return (r->kind == TR_STATE && r->a != ST_SESSION) ||
	    r->kind == TR_NODE_STATE || r->kind == TR_LINK_STATE;
}

int
view_step_is_state(const struct view *v, size_t step)
{
	struct trace_rec r;

	return step > 0 && step <= v->n &&
	    (r = trace_at(v->tr, step - 1), view_is_state(&r));
}

size_t
view_next_level(const struct view *v, enum detail d, size_t step, int dir)
{
	size_t s;

	if (d >= DETAIL_PACKETS) {
		if (dir > 0)
			return step < v->n ? step + 1 : v->n;
		if (dir < 0)
			return step > 0 ? (step > v->n ? v->n : step - 1) : 0;
		return step;
	}
	s = view_next_in(v->lv[d], v->nlv[d], step, dir);
	/* Step 0, before anything happens, is where every level starts. */
	if (dir < 0 && s == step)
		return 0;
	return s;
}

size_t
view_level_at(const struct view *v, enum detail d, size_t step)
{
	const uint32_t *recs;
	size_t lo = 0, hi;

	if (step > v->n)
		step = v->n;
	if (d >= DETAIL_PACKETS)
		return step;
	recs = v->lv[d];
	hi = v->nlv[d];
	/* The first k whose step recs[k] + 1 is past step; k - 1 is the answer. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((size_t)recs[mid] + 1 <= step)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? (size_t)recs[lo - 1] + 1 : 0;
}

size_t
view_level_count(const struct view *v, enum detail d)
{
	return d >= DETAIL_PACKETS ? v->n : v->nlv[d];
}

const uint32_t *
view_level_list(const struct view *v, enum detail d, size_t *n)
{
	if (d >= DETAIL_PACKETS) {
		*n = 0;
		return NULL;
	}
	*n = v->nlv[d];
	return v->lv[d];
}

size_t
view_next_state(const struct view *v, size_t step, int dir)
{
	return view_next_in(v->states, v->nstates, step, dir);
}

int
view_chapters(const struct view *v, const struct view_chapter **out)
{
	*out = v->ch;
	return v->nch;
}

/*
 * The states of enum tcp_state (sim/tcp.h) as TR_TCP_STATE carries them
 * in its a field (old | new << 8); tcp.h keeps that order fixed.  The
 * view does not include a protocol header, so the numbers are here.
 */
enum {
	VT_CLOSED = 0,
	VT_SYN_SENT = 2,
	VT_SYN_RCVD = 3,
	VT_ESTABLISHED = 4,
	VT_FIN_WAIT_1 = 5,
	VT_CLOSE_WAIT = 7,
	VT_CLOSING = 8,
	VT_LAST_ACK = 9,
	VT_TIME_WAIT = 10,
};

/* What the chapter builder knows of two nodes that talk. */
struct view_pair {
	int		 a, b;		/* a < b; a == -1: a free slot */
	int		 open;		/* a session is under way */
	int		 chapter;	/* raw chapter of the last session, or -1 */
	int		 port;		/* service port of the last connection */
	uint32_t	 syn;		/* record of the last SYN-SENT, or TRACE_NONE */
};

struct view_pairs {
	struct view_pair *p;
	size_t		 cap, n;
};

/* A chapter before merging: from record rec to its last message. */
struct view_raw {
	uint32_t	 rec, last;
	const char	*key;
	int		 node, peer;	/* the side that asks, the side that answers */
};

static struct view_pair *
view_pair(struct view_pairs *ps, int x, int y)
{
	int a = x < y ? x : y, b = x < y ? y : x;

	if (ps->n * 2 >= ps->cap) {
		/* Grow and rehash: open addressing, linear probing. */
		struct view_pairs np = { NULL, ps->cap ? ps->cap * 2 : 64, 0 };

		np.p = wmem_alloc(np.cap, sizeof *np.p);
		for (size_t i = 0; i < np.cap; i++)
			np.p[i].a = -1;
		for (size_t i = 0; i < ps->cap; i++) {
			if (ps->p[i].a < 0)
				continue;
			size_t h = ((size_t)ps->p[i].a * 40503u +
			    (size_t)ps->p[i].b) & (np.cap - 1);
			while (np.p[h].a >= 0)
				h = (h + 1) & (np.cap - 1);
			np.p[h] = ps->p[i];
			np.n++;
		}
		free(ps->p);
		*ps = np;
	}
	size_t h = ((size_t)a * 40503u + (size_t)b) & (ps->cap - 1);
	while (ps->p[h].a >= 0 && (ps->p[h].a != a || ps->p[h].b != b))
		h = (h + 1) & (ps->cap - 1);
	if (ps->p[h].a < 0) {
		ps->p[h] = (struct view_pair){ .a = a, .b = b, .chapter = -1,
		    .syn = TRACE_NONE };
		ps->n++;
	}
	return &ps->p[h];
}

/* Does node hold a mailbox for this address (the scenario's accounts)? */
static int
view_holds(const struct scenario *sc, int node, const char *addr, size_t n)
{
	for (int i = 0; i < sc->naccounts; i++) {
		const char *a = sc->accounts[i].address;

		if (sc->accounts[i].server == node && strlen(a) == n &&
		    strncasecmp(a, addr, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Chapters from the application messages, in one pass:
 *
 * - A session (SMTP, LMTP, POP3, IMAP) starts with the first message
 *   between two nodes that have no session under way, and ends when
 *   either side's TCP begins to close or fails.  Its kind: LMTP "delivery",
 *   POP3 and IMAP "fetch"; SMTP "submission" on the submission port
 *   (587, or the server's own) or from a person's client, else "relay",
 *   which becomes "delivery" at a RCPT TO for an address whose mailbox
 *   the answering server holds (the scenario's accounts), and "bounce"
 *   at MAIL FROM:<>.  Messages of a session under way continue it, so an
 *   SMTP QUIT that comes after the relay's DNS question does not open a
 *   chapter of its own.
 * - A DNS question from a server opens "dns"; an answer never does.  A
 *   person's client asking where its server is (the laptop's A query
 *   before submission) is a prelude: it joins the chapter the client
 *   starts next.
 * - A chapter begins at the SYN of its connection, or at the prelude,
 *   whichever is earlier but after the previous chapter's start.
 * - Then consecutive chapters of the same kind merge when they are
 *   between the same two nodes or overlap in time (parallel sessions),
 *   so the timeline keeps a handful of marks.
 */
static void
view_chapters_build(struct view *v)
{
	const struct scenario *sc = v->sc;
	struct view_pairs ps = { NULL, 0, 0 };
	struct view_raw *raw = NULL;
	size_t nraw = 0, capraw = 0;
	int pend_node = -1;		/* the client whose prelude waits */
	uint32_t pend_rec = TRACE_NONE;

	/* Only TCP states and application messages matter. */
	for (size_t i = 0; i < v->n; i++) {
		const struct trace_rec rc = trace_at(v->tr, i), *r = &rc;

		if (r->node < 0 || r->node >= v->nnodes || r->peer < 0 ||
		    r->peer >= v->nnodes || r->node == r->peer)
			continue;
		if (r->kind == TR_TCP_STATE) {
			struct view_pair *p = view_pair(&ps, r->node, r->peer);
			unsigned st = (r->a >> 8) & 255;
			unsigned lport = r->b >> 16, rport = r->b & 0xffff;
			unsigned svc = lport < rport ? lport : rport;

			switch (st) {
			case VT_SYN_SENT:
				if (!p->open)
					p->syn = (uint32_t)i;
				p->port = (int)svc;
				break;
			case VT_SYN_RCVD:
			case VT_ESTABLISHED:
				p->port = (int)svc;
				break;
			case VT_CLOSED:
			case VT_FIN_WAIT_1:
			case VT_CLOSE_WAIT:
			case VT_CLOSING:
			case VT_LAST_ACK:
			case VT_TIME_WAIT:
				p->open = 0;
				break;
			}
			continue;
		}
		if (r->kind == TR_TCP_ERROR) {
			/* Refused, reset, timed out, powered off: over. */
			view_pair(&ps, r->node, r->peer)->open = 0;
			continue;
		}
		if (r->kind != TR_APP)
			continue;

		const char *text = trace_text_at(v->tr, r->text);
		struct view_pair *p = view_pair(&ps, r->node, r->peer);
		const char *key = NULL;
		int asker = r->node, answerer = r->peer;

		switch (r->a) {
		case APP_DNS:
			if (strncmp(text, "query", 5) != 0) {
				if (p->chapter >= 0)
					raw[p->chapter].last = (uint32_t)i;
				continue;
			}
			if (sc->nodes[r->node].kind == SC_CLIENT) {
				if (pend_node != r->node || pend_rec == TRACE_NONE)
					pend_rec = (uint32_t)i;
				pend_node = r->node;
				continue;
			}
			key = "dns";
			break;
		case APP_SMTP:
		case APP_LMTP:
		case APP_POP3:
		case APP_IMAP:
			if (p->open && p->chapter >= 0) {
				raw[p->chapter].last = (uint32_t)i;
				break;
			}
			p->open = 1;
			/* "S: " is the answering side, "C: " the asking side. */
			if (strncmp(text, "S:", 2) == 0) {
				asker = r->peer;
				answerer = r->node;
			}
			if (r->a == APP_LMTP)
				key = "delivery";
			else if (r->a == APP_POP3 || r->a == APP_IMAP)
				key = "fetch";
			else if (view_submission(sc, answerer, p->port) ||
			    sc->nodes[asker].kind == SC_CLIENT)
				key = "submission";
			else
				key = "relay";
			break;
		default:
			continue;
		}
		if (key != NULL) {
			/* A new raw chapter, at the earliest start that keeps the order. */
			uint32_t prev = nraw ? raw[nraw - 1].rec : 0;
			uint32_t start = (uint32_t)i;

			if (p->syn != TRACE_NONE && p->syn < start &&
			    (nraw == 0 || p->syn > prev))
				start = p->syn;
			if (pend_rec != TRACE_NONE && (pend_node == asker ||
			    pend_node == answerer) && pend_rec < start &&
			    (nraw == 0 || pend_rec > prev)) {
				start = pend_rec;
				pend_rec = TRACE_NONE;
			}
			p->syn = TRACE_NONE;
			raw = view_grow(raw, &capraw, nraw + 1, sizeof *raw);
			raw[nraw] = (struct view_raw){ start, (uint32_t)i, key,
			    asker, answerer };
			p->chapter = (int)nraw++;
		}
		if (r->a != APP_SMTP && r->a != APP_LMTP)
			continue;
		/* What the envelope tells: a bounce, or the last hop. */
		struct view_raw *c = &raw[p->chapter];
		if (strstr(text, "MAIL FROM:<>") != NULL)
			c->key = "bounce";
		for (const char *q = strstr(text, "RCPT TO:<"); q != NULL;
		    q = strstr(q + 1, "RCPT TO:<")) {
			const char *a = q + 9, *e = strchr(a, '>');

			if (e != NULL && strcmp(c->key, "relay") == 0 &&
			    view_holds(sc, c->peer, a, (size_t)(e - a)))
				c->key = "delivery";
		}
	}

	/* Merge what repeats, and make the steps. */
	v->ch = wmem_alloc(nraw, sizeof *v->ch);
	uint32_t last = 0;
	for (size_t k = 0; k < nraw; k++) {
		struct view_chapter *pc = v->nch ? &v->ch[v->nch - 1] : NULL;
		const struct view_raw *c = &raw[k];

		if (pc != NULL && strcmp(pc->key, c->key) == 0 &&
		    ((pc->node == c->node && pc->peer == c->peer) ||
		    (pc->node == c->peer && pc->peer == c->node) ||
		    c->rec <= last)) {
			if (c->last > last)
				last = c->last;
			continue;
		}
		v->ch[v->nch++] = (struct view_chapter){ .step = (size_t)c->rec +
		    1, .key = c->key, .node = c->node, .peer = c->peer };
		last = c->last;
	}
	free(raw);
	free(ps.p);
}
