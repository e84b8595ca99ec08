/*
 * scenario_checkpoints.c: "predict, then observe" (scenarios/README.md,
 * "Checkpoints"): questions the window asks when playback reaches a
 * step, before the student sees what happens next.
 *
 * Pass 3 for checkpoints[]: the shape of each checkpoint, its texts, its
 * choices and the answer.  The step itself is only named here ("the 2nd
 * application message containing RCPT TO"); which step that is can only
 * be known from a trace, so checkpoint.c finds it after the simulation,
 * and `surel check` reports a checkpoint that names no step.
 */
#include "scenario_priv.h"
#include "trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Far above what a lesson needs; keeps the window's tables small. */
#define SCCP_MAX	1000
#define SCCP_MAX_NTH	100000

static void	sccp_parse(struct sc_ctx *c, const cJSON *v,
		    struct sc_checkpoint *cp);
static void	sccp_at(struct sc_ctx *c, const cJSON *v, struct sc_at *at);
static int	sccp_names(struct sc_ctx *c, const cJSON *obj, const char *key,
		    const char *(*name)(int), int n, int *out);
static const char *sccp_kind_name(int k);
static const char *sccp_state_name(int w);
static int	sccp_text_ok(struct sc_ctx *c, const struct sc_text *t);
static void	sccp_text(struct sc_ctx *c, const cJSON *obj, const char *key,
		    struct sc_text *out);
static void	sccp_choices(struct sc_ctx *c, const cJSON *obj,
		    struct sc_checkpoint *cp);

void
sccp_parse_checkpoints(struct sc_ctx *c, const cJSON *arr)
{
	struct scenario *sc = c->sc;
	size_t mark = sc_path_key(c, "checkpoints");
	const cJSON *v;
	int n, i = 0;

	n = cJSON_GetArraySize(arr);
	if (n > SCCP_MAX) {
		sc_err(c, "at most %d checkpoints, found %d", SCCP_MAX, n);
		goto out;
	}
	/*
	 * Allocated once, whole: node references point into it (struct
	 * sc_ref), so it never moves.
	 */
	sc->checkpoints = xcalloc((size_t)(n > 0 ? n : 1),
	    sizeof *sc->checkpoints);
	sc->ncheckpoints = n;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		sccp_parse(c, v, &sc->checkpoints[i++]);
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
}

/* Reads checkpoints[i] (the path is already checkpoints[i]). */
static void
sccp_parse(struct sc_ctx *c, const cJSON *v, struct sc_checkpoint *cp)
{
	static const char *const keys[] = { "at", "question", "choices",
	    "answer", "explain", NULL };
	const cJSON *at;
	int64_t ans;

	cp->at.node = SC_REF_NONE;
	cp->at.nth = 1;
	if (!sc_want_object(c, v))
		return;
	sc_check_keys(c, v, keys);
	if (sc_get_object(c, v, "at", 1, &at) == 1) {
		size_t mark = sc_path_key(c, "at");

		sccp_at(c, at, &cp->at);
		sc_path_pop(c, mark);
	}
	sccp_text(c, v, "question", &cp->question);
	sccp_choices(c, v, cp);
	/* The answer counts from 0, as the paths of errors do. */
	int max = cp->nchoices >= 2 ? cp->nchoices - 1 : SC_MAX_CHOICES - 1;
	const cJSON *a = sc_member(v, "answer");
	if (a == NULL)
		sc_err(c, "missing required key 'answer' (the index of the "
		    "right choice: 0 for the first)");
	else if (cJSON_IsNumber(a) && isfinite(a->valuedouble) &&
	    a->valuedouble == floor(a->valuedouble) &&
	    (a->valuedouble < 0 || a->valuedouble > max)) {
		size_t mark = sc_path_key(c, "answer");
		char num[32];

		sc_fmt_num(num, a->valuedouble);
		sc_err(c, "must be between 0 and %d, got %s (the answer is "
		    "the index of the right choice: 0 for the first)", max,
		    num);
		sc_path_pop(c, mark);
	} else if (sc_get_int(c, v, "answer", 1, 0, max, &ans) == 1)
		cp->answer = (int)ans;
	sccp_text(c, v, "explain", &cp->explain);
}

/*
 * "at": exactly one way of naming the step, with nth and node where they
 * make sense.  The path is already ...at.
 */
static void
sccp_at(struct sc_ctx *c, const cJSON *v, struct sc_at *at)
{
	static const char *const keys[] = { "app", "kind", "state", "ms",
	    "nth", "node", NULL };
	static const char *const ways[] = { "app", "kind", "state", "ms" };
	const char *found[4];
	int nfound = 0, k;
	int64_t nth;
	const char *s;

	sc_check_keys(c, v, keys);
	for (k = 0; k < 4; k++) {
		if (sc_member(v, ways[k]) != NULL) {
			found[nfound++] = ways[k];
			at->kind = (enum sc_at_kind)k;
		}
	}
	if (nfound == 0) {
		sc_err(c, "'at' needs one of 'app', 'kind', 'state' or 'ms' "
		    "(for example {\"app\": \"RCPT TO\", \"nth\": 1})");
		return;
	}
	if (nfound > 1) {
		struct buf b = { 0 };

		for (k = 0; k < nfound; k++)
			buf_printf(&b, "%s'%s'", k == 0 ? "" :
			    k == nfound - 1 ? " and " : ", ", found[k]);
		sc_err(c, "'at' has exactly one of 'app', 'kind', 'state' or "
		    "'ms', this one has %s", (char *)b.data);
		buf_free(&b);
		return;
	}
	switch (at->kind) {
	case SC_AT_APP:
		if (sc_get_line(c, v, "app", 1, &s) == 1) {
			if (s[0] == '\0') {
				size_t mark = sc_path_key(c, "app");
				sc_err(c, "must not be empty: write a piece of "
				    "the message, like \"RCPT TO\" or \"550\"");
				sc_path_pop(c, mark);
			} else
				at->text = xstrdup(s);
		}
		break;
	case SC_AT_KIND:
		sccp_names(c, v, "kind", sccp_kind_name, TR_NKINDS, &at->what);
		break;
	case SC_AT_STATE:
		sccp_names(c, v, "state", sccp_state_name, ST_NWHATS,
		    &at->what);
		break;
	case SC_AT_MS:
		sc_get_ms(c, v, "ms", 1, 0, 0, SC_MAX_MS, &at->ns);
		/* A time names one step: nth and node would mean nothing. */
		for (k = 0; k < 2; k++) {
			const char *key = k == 0 ? "nth" : "node";

			if (sc_member(v, key) == NULL)
				continue;
			size_t mark = sc_path_key(c, key);
			sc_err(c, "'%s' does not go with 'ms' (which names the "
			    "first step at or after that time)", key);
			sc_path_pop(c, mark);
		}
		return;
	}
	if (sc_get_int(c, v, "nth", 0, 1, SCCP_MAX_NTH, &nth) == 1)
		at->nth = (int)nth;
	sc_get_ref(c, v, "node", 0, &at->node);
}

/* One of the names of the trace's kinds (as `surel run --trace` writes them). */
static int
sccp_names(struct sc_ctx *c, const cJSON *obj, const char *key,
    const char *(*name)(int), int n, int *out)
{
	const char *names[32];

	if (n >= 32)
		fatalx("sccp_names: %d names", n);
	for (int i = 0; i < n; i++)
		names[i] = name(i);
	names[n] = NULL;
	return sc_get_enum(c, obj, key, 1, names, out);
}

static const char *
sccp_kind_name(int k)
{
	return trace_kind_name((enum trace_kind)k);
}

static const char *
sccp_state_name(int w)
{
	return state_what_name((enum state_what)w);
}

/*
 * What the window shows must say something: no empty text, and no line
 * breaks or other control characters (the window wraps long lines
 * itself).  Reported at the text's own path (question.id).
 */
static int
sccp_text_ok(struct sc_ctx *c, const struct sc_text *t)
{
	int ok = 1;

	for (int i = 0; i < t->n; i++) {
		const unsigned char *p = (const unsigned char *)t->str[i];
		size_t mark = t->lang[i][0] ? sc_path_key(c, t->lang[i]) :
		    c->path.len;
		int blank = 1;

		for (; *p; p++) {
			if (*p < 0x20 || *p == 0x7f) {
				sc_err(c, "must be one line without control "
				    "characters (found U+%04X); the window "
				    "wraps long lines itself", *p);
				ok = 0;
				break;
			}
			if (*p != ' ')
				blank = 0;
		}
		if (*p == '\0' && blank) {
			sc_err(c, "must not be empty");
			ok = 0;
		}
		sc_path_pop(c, mark);
	}
	return ok;
}

static void
sccp_text(struct sc_ctx *c, const cJSON *obj, const char *key,
    struct sc_text *out)
{
	if (sc_get_text(c, obj, key, 1, out) != 1)
		return;
	size_t mark = sc_path_key(c, key);
	sccp_text_ok(c, out);
	sc_path_pop(c, mark);
}

static void
sccp_choices(struct sc_ctx *c, const cJSON *obj, struct sc_checkpoint *cp)
{
	const cJSON *arr, *v;
	int n, i = 0;

	if (sc_get_array(c, obj, "choices", 1, &arr) != 1)
		return;
	size_t mark = sc_path_key(c, "choices");
	n = cJSON_GetArraySize(arr);
	if (n < 2 || n > SC_MAX_CHOICES) {
		sc_err(c, "a question has 2 to %d choices, this one has %d",
		    SC_MAX_CHOICES, n);
		goto out;
	}
	cp->nchoices = n;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		if (sc_want_text(c, v, &cp->choices[i]))
			sccp_text_ok(c, &cp->choices[i]);
		i++;
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
}
