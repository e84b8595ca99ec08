/*
 * scenario.c: the scenario loader's entry point (shared/SPEC.md section 2).
 *
 * scenario_load() runs these passes over one struct sc_ctx:
 *	1. json_check_parse(): the bytes are UTF-8, one JSON value, nested
 *	   at most SC_MAX_DEPTH deep; then cJSON builds the tree.
 *	2. json_check_duplicates(): cJSON keeps both members of {"a":1,"a":2}
 *	   and reads the first, so a duplicate would hide a typo.
 *	3. Every key of every object, in a fixed order (top level, nodes,
 *	   links, accounts, actions): types, ranges, syntax of names, and the
 *	   defaults of SPEC.md.  Node ids are only queued (struct sc_ref).
 *	4. scref_resolve(): node ids to indices, with a did-you-mean.
 *	5. scref_check(): what needs the whole world (reachability, the
 *	   services a reference must offer, uniqueness across nodes).
 * Each pass reports every error it finds and carries on with what it
 * could read, so one run lists all the mistakes of a file.
 *
 * This file also holds what every pass shares: error messages, the JSON
 * path of the value being read, and typed getters that say what they
 * expected and what they found.
 */
#include "scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SC_DEFAULT_EPOCH	"2026-01-05T08:00:00+07:00"

static void	sc_err_push(struct sc_ctx *c, char *msg);
static void	sc_verr(struct sc_ctx *c, const char *path, const char *fmt,
		    va_list ap);
static int	sc_want_number(struct sc_ctx *c, const cJSON *v, double min,
		    int min_open, double max, double *out);
static int	sc_get(struct sc_ctx *c, const cJSON *obj, const char *key,
		    int required, const cJSON **v, size_t *mark);
static void	sc_parse_top(struct sc_ctx *c, const cJSON *root);
static void	sc_node_free(struct sc_node *n);
static void	sc_action_free(struct sc_action *a);
static void	sc_strv_free(char **v, int n);
static void	sc_checkpoint_free(struct sc_checkpoint *cp);

/* ---- errors and paths ------------------------------------------------ */

static void
sc_err_push(struct sc_ctx *c, char *msg)
{
	struct sc_errors *e = c->errs;

	e->msg = xrealloc(e->msg, sizeof *e->msg * (size_t)(e->n + 1));
	e->msg[e->n++] = msg;
}

static void
sc_verr(struct sc_ctx *c, const char *path, const char *fmt, va_list ap)
{
	struct buf b = { 0 };

	buf_puts(&b, c->file);
	buf_puts(&b, ": ");
	/* An error about the whole file (an empty one) has no path. */
	if (path != NULL && path[0] != '\0') {
		buf_puts(&b, path);
		buf_puts(&b, ": ");
	}
	buf_vprintf(&b, fmt, ap);
	sc_err_push(c, (char *)b.data);
}

/* An error about the value at the current path. */
void
sc_err(struct sc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_verr(c, sc_path(c), fmt, ap);
	va_end(ap);
}

/* An error about the value at path (later passes rebuild paths). */
void
sc_err_at(struct sc_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_verr(c, path, fmt, ap);
	va_end(ap);
}

/* A JSON syntax error: FILE:LINE:COL: message. */
void
sc_err_pos(struct sc_ctx *c, int line, int col, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	buf_printf(&b, "%s:%d:%d: ", c->file, line, col);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sc_err_push(c, (char *)b.data);
}

/*
 * The path grows while the loader descends and shrinks back on the way
 * up: push returns the length to pop back to.
 */
size_t
sc_path_key(struct sc_ctx *c, const char *key)
{
	size_t mark = c->path.len;

	if (c->path.len > 0)
		buf_putc(&c->path, '.');
	buf_puts(&c->path, key);
	return mark;
}

size_t
sc_path_index(struct sc_ctx *c, int i)
{
	size_t mark = c->path.len;

	buf_printf(&c->path, "[%d]", i);
	return mark;
}

void
sc_path_pop(struct sc_ctx *c, size_t mark)
{
	if (c->path.data == NULL)
		return;
	c->path.len = mark;
	c->path.data[mark] = '\0';
}

const char *
sc_path(struct sc_ctx *c)
{
	return c->path.data ? (const char *)c->path.data : "";
}

/* What a value is, for "expected ..., got <this>". */
const char *
sc_type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsTrue(v))
		return "true";
	if (cJSON_IsFalse(v))
		return "false";
	return "null";
}

/* The shortest of %.15g and %.17g that reads back as d: 2.5, not 2.50000. */
void
sc_fmt_num(char out[32], double d)
{
	snprintf(out, 32, "%.15g", d);
	if (strtod(out, NULL) != d)
		snprintf(out, 32, "%.17g", d);
}

/* ---- typed getters ---------------------------------------------------- */

/* The first member named key (cJSON_GetObjectItemCaseSensitive). */
const cJSON *
sc_member(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/*
 * Unknown keys are errors: a teacher's "latency" for "latency_ms" must not
 * silently fall back to the default.  allowed ends with NULL.
 */
void
sc_check_keys(struct sc_ctx *c, const cJSON *obj, const char *const *allowed)
{
	const cJSON *m;
	int n = 0;

	while (allowed[n] != NULL)
		n++;
	cJSON_ArrayForEach(m, obj) {
		int i;

		for (i = 0; i < n; i++)
			if (strcmp(m->string, allowed[i]) == 0)
				break;
		if (i < n)
			continue;

		const char *s = scname_suggest(m->string, allowed, n);
		if (s != NULL) {
			sc_err(c, "unknown key '%s' (did you mean '%s'?)",
			    m->string, s);
			continue;
		}
		struct buf b = { 0 };
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s'%s'", i ? ", " : "", allowed[i]);
		sc_err(c, "unknown key '%s' (the keys here are %s)",
		    m->string, (char *)b.data);
		buf_free(&b);
	}
}

int
sc_want_object(struct sc_ctx *c, const cJSON *v)
{
	if (cJSON_IsObject(v))
		return 1;
	sc_err(c, "expected an object, got %s", sc_type_name(v));
	return 0;
}

int
sc_want_string(struct sc_ctx *c, const cJSON *v, const char **out)
{
	if (!cJSON_IsString(v)) {
		sc_err(c, "expected a string, got %s", sc_type_name(v));
		return 0;
	}
	*out = v->valuestring;
	return 1;
}

/*
 * A string that ends up on one protocol line (a subject, a user name): a
 * line break in it would forge a header or a command.
 */
int
sc_want_line(struct sc_ctx *c, const cJSON *v, const char **out)
{
	if (!sc_want_string(c, v, out))
		return 0;
	for (const unsigned char *p = (const unsigned char *)*out; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			sc_err(c, "must be one line without control "
			    "characters (found U+%04X)", *p);
			return 0;
		}
	}
	return 1;
}

/*
 * Integers come as JSON numbers (doubles in cJSON): whole and within
 * range, where every bound we use is below 2^53 and so exact.
 */
int
sc_want_int(struct sc_ctx *c, const cJSON *v, int64_t min, int64_t max,
    int64_t *out)
{
	char num[32];

	if (!cJSON_IsNumber(v)) {
		sc_err(c, "expected an integer, got %s", sc_type_name(v));
		return 0;
	}
	double d = v->valuedouble;
	sc_fmt_num(num, d);
	if (!isfinite(d) || d != floor(d)) {
		sc_err(c, "expected an integer, got %s", num);
		return 0;
	}
	if (d < (double)min || d > (double)max) {
		if (min == max)
			sc_err(c, "must be %lld, got %s", (long long)min, num);
		else
			sc_err(c, "must be between %lld and %lld, got %s",
			    (long long)min, (long long)max, num);
		return 0;
	}
	*out = (int64_t)d;
	return 1;
}

static int
sc_want_number(struct sc_ctx *c, const cJSON *v, double min, int min_open,
    double max, double *out)
{
	char lo[32], hi[32], num[32];

	if (!cJSON_IsNumber(v)) {
		sc_err(c, "expected a number, got %s", sc_type_name(v));
		return 0;
	}
	double d = v->valuedouble;
	sc_fmt_num(lo, min);
	sc_fmt_num(hi, max);
	sc_fmt_num(num, d);
	if (!isfinite(d) || d > max || (min_open ? d <= min : d < min)) {
		if (min_open)
			sc_err(c, "must be greater than %s and at most %s, "
			    "got %s", lo, hi, num);
		else
			sc_err(c, "must be between %s and %s, got %s",
			    lo, hi, num);
		return 0;
	}
	*out = d;
	return 1;
}

/* Milliseconds as written, nanoseconds as stored (llround(ms * 1e6)). */
int
sc_want_ms(struct sc_ctx *c, const cJSON *v, double min, int min_open,
    double max, uint64_t *out_ns)
{
	double ms;

	if (!sc_want_number(c, v, min, min_open, max, &ms))
		return 0;
	*out_ns = (uint64_t)llround(ms * 1e6);
	return 1;
}

int
sc_want_port(struct sc_ctx *c, const cJSON *v, int *out)
{
	int64_t p;

	if (!sc_want_int(c, v, 1, 65535, &p))
		return 0;
	*out = (int)p;
	return 1;
}

/*
 * The common start of every sc_get_*: push the key, report a missing
 * required one at the parent's path.  Returns 1 with *v set and the path
 * pushed, or 0 (nothing pushed) when the key is absent.
 */
static int
sc_get(struct sc_ctx *c, const cJSON *obj, const char *key, int required,
    const cJSON **v, size_t *mark)
{
	*v = sc_member(obj, key);
	if (*v == NULL) {
		if (required)
			sc_err(c, "missing required key '%s'", key);
		return 0;
	}
	*mark = sc_path_key(c, key);
	return 1;
}

int
sc_get_object(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, const cJSON **out)
{
	const cJSON *v;
	size_t mark;

	*out = NULL;
	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_object(c, v);
	sc_path_pop(c, mark);
	if (ok)
		*out = v;
	return ok ? 1 : -1;
}

int
sc_get_array(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, const cJSON **out)
{
	const cJSON *v;
	size_t mark;

	*out = NULL;
	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = cJSON_IsArray(v);
	if (!ok)
		sc_err(c, "expected an array, got %s", sc_type_name(v));
	sc_path_pop(c, mark);
	if (ok)
		*out = v;
	return ok ? 1 : -1;
}

int
sc_get_string(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, const char **out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_string(c, v, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

int
sc_get_line(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, const char **out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_line(c, v, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

int
sc_get_bool(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, int *out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = cJSON_IsBool(v);
	if (ok)
		*out = cJSON_IsTrue(v);
	else
		sc_err(c, "expected true or false, got %s", sc_type_name(v));
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

int
sc_get_int(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, int64_t min, int64_t max, int64_t *out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_int(c, v, min, max, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

int
sc_get_number(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, double min, int min_open, double max, double *out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_number(c, v, min, min_open, max, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

int
sc_get_ms(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, double min, int min_open, double max, uint64_t *out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_ms(c, v, min, min_open, max, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

int
sc_get_port(struct sc_ctx *c, const cJSON *obj, const char *key, int *out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, 0, &v, &mark))
		return 0;
	int ok = sc_want_port(c, v, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

/* One of a few fixed strings; *out is its index in choices (NULL-ended). */
int
sc_get_enum(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, const char *const *choices, int *out)
{
	const cJSON *v;
	struct buf list = { 0 };
	size_t mark;
	int n = 0, i, ok = 0;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	while (choices[n] != NULL)
		n++;
	for (i = 0; i < n; i++)
		buf_printf(&list, "%s'%s'", i == 0 ? "" :
		    i == n - 1 ? " or " : ", ", choices[i]);
	if (!cJSON_IsString(v)) {
		sc_err(c, "expected %s, got %s", (char *)list.data,
		    sc_type_name(v));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(v->valuestring, choices[i]) == 0) {
			*out = i;
			ok = 1;
			goto out;
		}
	}
	const char *s = scname_suggest(v->valuestring, choices, n);
	if (s != NULL)
		sc_err(c, "expected %s, got '%s' (did you mean '%s'?)",
		    (char *)list.data, v->valuestring, s);
	else
		sc_err(c, "expected %s, got '%s'", (char *)list.data,
		    v->valuestring);
out:
	buf_free(&list);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

/*
 * A text: "plain" or {"en": "...", "id": "..."}.  A plain string is stored
 * under the language "".  sc_want_text() reads the value at the current
 * path (an element of an array); sc_get_text() reads obj.key.
 */
int
sc_want_text(struct sc_ctx *c, const cJSON *v, struct sc_text *out)
{
	const cJSON *m;

	if (cJSON_IsString(v)) {
		out->n = 1;
		out->lang = xmalloc(sizeof *out->lang);
		out->str = xmalloc(sizeof *out->str);
		out->lang[0] = xstrdup("");
		out->str[0] = xstrdup(v->valuestring);
		return 1;
	}
	if (!cJSON_IsObject(v)) {
		sc_err(c, "expected a text (a string, or an object like "
		    "{\"en\": \"...\", \"id\": \"...\"}), got %s",
		    sc_type_name(v));
		return 0;
	}
	int n = cJSON_GetArraySize(v), ok = 1;
	if (n == 0) {
		sc_err(c, "a text object needs at least one language, "
		    "like {\"en\": \"...\"}");
		return 0;
	}
	out->lang = xcalloc((size_t)n, sizeof *out->lang);
	out->str = xcalloc((size_t)n, sizeof *out->str);
	cJSON_ArrayForEach(m, v) {
		if (!scname_is_lang(m->string)) {
			sc_err(c, "'%s' is not a language code (write it "
			    "like 'en', 'id' or 'pt-BR')", m->string);
			ok = 0;
			continue;
		}
		size_t m2 = sc_path_key(c, m->string);
		const char *s;
		if (sc_want_string(c, m, &s)) {
			out->lang[out->n] = xstrdup(m->string);
			out->str[out->n] = xstrdup(s);
			out->n++;
		} else
			ok = 0;
		sc_path_pop(c, m2);
	}
	return ok;
}

int
sc_get_text(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, struct sc_text *out)
{
	const cJSON *v;
	size_t mark;

	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = sc_want_text(c, v, out);
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

void
sc_text_free(struct sc_text *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->lang[i]);
		free(t->str[i]);
	}
	free(t->lang);
	free(t->str);
	t->lang = t->str = NULL;
	t->n = 0;
}

/* Queues a node id for scref_resolve(), remembering where it was. */
void
sc_add_ref(struct sc_ctx *c, const char *id, int *dst)
{
	if (c->nrefs == c->caprefs) {
		c->caprefs = c->caprefs ? c->caprefs * 2 : 32;
		c->refs = xrealloc(c->refs,
		    sizeof *c->refs * (size_t)c->caprefs);
	}
	struct sc_ref *r = &c->refs[c->nrefs++];
	r->path = xstrdup(sc_path(c));
	r->id = xstrdup(id);
	r->dst = dst;
	*dst = SC_REF_BAD;	/* until resolved */
}

int
sc_get_ref(struct sc_ctx *c, const cJSON *obj, const char *key,
    int required, int *dst)
{
	const cJSON *v;
	size_t mark;

	*dst = SC_REF_NONE;
	if (!sc_get(c, obj, key, required, &v, &mark))
		return 0;
	int ok = cJSON_IsString(v);
	if (ok)
		sc_add_ref(c, v->valuestring, dst);
	else {
		sc_err(c, "expected a node id (a string), got %s",
		    sc_type_name(v));
		*dst = SC_REF_BAD;
	}
	sc_path_pop(c, mark);
	return ok ? 1 : -1;
}

/* ---- the whole file ---------------------------------------------------- */

static void
sc_parse_top(struct sc_ctx *c, const cJSON *root)
{
	static const char *const keys[] = { "surel", "title", "description",
	    "seed", "epoch", "until_ms", "mss", "nodes", "links", "accounts",
	    "actions", "checkpoints", NULL };
	struct scenario *sc = c->sc;
	const cJSON *v, *arr;
	const char *s;
	int64_t i64;

	sc_check_keys(c, root, keys);

	/* The version first: a file for another version is read no further. */
	v = sc_member(root, "surel");
	if (v == NULL)
		sc_err(c, "missing required key 'surel' (write \"surel\": 1, "
		    "the format version)");
	else if (cJSON_IsNumber(v) && v->valuedouble != 1.0) {
		char num[32];

		sc_fmt_num(num, v->valuedouble);
		sc_err_at(c, "surel", "this file is format version %s; this "
		    "surel reads version 1", num);
		return;
	} else if (sc_get_int(c, root, "surel", 1, 1, 1, &i64) == 1)
		sc->version = 1;

	sc_get_text(c, root, "title", 1, &sc->title);
	sc_get_text(c, root, "description", 0, &sc->description);
	/* Up to 2^53 - 1: a JSON number is a double, and exact only that far. */
	if (sc_get_int(c, root, "seed", 0, 0, 9007199254740991LL, &i64) == 1)
		sc->seed = (uint64_t)i64;

	if (sc_get_string(c, root, "epoch", 0, &s) == 1) {
		char why[96];

		if (scname_parse_epoch(s, &sc->epoch_unix,
		    &sc->epoch_offset_min, why) < 0)
			sc_err_at(c, "epoch", "'%s' is not an RFC 3339 time "
			    "like \"%s\": %s", s, SC_DEFAULT_EPOCH, why);
		free(sc->epoch);
		sc->epoch = xstrdup(s);
	}
	sc_get_ms(c, root, "until_ms", 0, 0, 1, SC_MAX_MS, &sc->until_ns);
	switch (sc_get_int(c, root, "mss", 0, 64, 1460, &i64)) {
	case 1:
		sc->mss = (int)i64;
		/* FALLTHROUGH */
	case 0:
		c->mss_ok = 1;	/* the links can check their mtu against it */
		break;
	}

	/* Nodes before everything that names them. */
	if (sc_get_array(c, root, "nodes", 1, &arr) == 1)
		scnode_parse_nodes(c, arr);
	if (sc_get_array(c, root, "links", 1, &arr) == 1)
		scnode_parse_links(c, arr);
	if (sc_get_array(c, root, "accounts", 0, &arr) == 1)
		scnode_parse_accounts(c, arr);
	if (sc_get_array(c, root, "actions", 1, &arr) == 1)
		scact_parse_actions(c, arr);
	if (sc_get_array(c, root, "checkpoints", 0, &arr) == 1)
		sccp_parse_checkpoints(c, arr);
}

struct scenario *
scenario_load(const char *text, size_t len, const char *filename,
    struct sc_errors *errs)
{
	struct sc_ctx c = { 0 };
	struct scenario *sc = NULL;
	cJSON *root;

	errs->n = 0;
	errs->msg = NULL;
	c.file = filename != NULL ? filename : "-";
	c.errs = errs;

	root = json_check_parse(&c, text, len);
	if (root == NULL)
		goto out;
	if (!cJSON_IsObject(root)) {
		sc_err(&c, "a scenario is a JSON object {...}, this file "
		    "holds %s", sc_type_name(root));
		goto out;
	}
	json_check_duplicates(&c, root);

	sc = xcalloc(1, sizeof *sc);
	c.sc = sc;
	sc->seed = 1;
	sc->epoch = xstrdup(SC_DEFAULT_EPOCH);
	char why[96];
	if (scname_parse_epoch(sc->epoch, &sc->epoch_unix,
	    &sc->epoch_offset_min, why) < 0)
		fatalx("default epoch does not parse");
	sc->mss = 536;

	sc_parse_top(&c, root);
	scref_resolve(&c);
	scref_check(&c);
out:
	cJSON_Delete(root);
	for (int i = 0; i < c.nrefs; i++) {
		free(c.refs[i].path);
		free(c.refs[i].id);
	}
	free(c.refs);
	free(c.node_bad);
	free(c.act_bad);
	free(c.act_link_ends);
	buf_free(&c.path);
	if (errs->n > 0) {
		scenario_free(sc);
		return NULL;
	}
	return sc;
}

void
sc_errors_free(struct sc_errors *errs)
{
	if (errs == NULL)
		return;
	for (int i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

/*
 * The text in lang, else in lang's base language ("pt" for "pt-BR"),
 * else English, else the plain string, else the first one.
 */
const char *
sc_text_get(const struct sc_text *t, const char *lang)
{
	int i;

	if (t == NULL || t->n == 0)
		return "";
	if (lang != NULL) {
		size_t base = strcspn(lang, "-_");

		for (i = 0; i < t->n; i++)
			if (strcmp(t->lang[i], lang) == 0)
				return t->str[i];
		for (i = 0; i < t->n; i++)
			if (base > 0 && strlen(t->lang[i]) == base &&
			    strncmp(t->lang[i], lang, base) == 0)
				return t->str[i];
	}
	for (i = 0; i < t->n; i++)
		if (strcmp(t->lang[i], "en") == 0)
			return t->str[i];
	for (i = 0; i < t->n; i++)
		if (t->lang[i][0] == '\0')
			return t->str[i];
	return t->str[0];
}

/* ---- freeing ------------------------------------------------------------ */

static void
sc_strv_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
sc_node_free(struct sc_node *n)
{
	free(n->id);
	sc_text_free(&n->label);
	free(n->hostname);
	for (int i = 0; i < n->dns.nrecords; i++) {
		struct sc_record *r = &n->dns.records[i];

		free(r->name);
		free(r->exchange);
		free(r->target);
		free(r->text);
	}
	free(n->dns.records);
	for (int i = 0; i < n->dns.ndelegates; i++) {
		free(n->dns.delegates[i].zone);
		free(n->dns.delegates[i].ns);
	}
	free(n->dns.delegates);
	sc_strv_free(n->smtp.domains, n->smtp.ndomains);
	free(n->smtp.retry_ns);
}

static void
sc_action_free(struct sc_action *a)
{
	free(a->from);
	sc_strv_free(a->to, a->nto);
	sc_strv_free(a->cc, a->ncc);
	sc_strv_free(a->bcc, a->nbcc);
	free(a->subject);
	free(a->body);
	for (int i = 0; i < a->nattachments; i++) {
		free(a->attachments[i].name);
		free(a->attachments[i].content_type);
		free(a->attachments[i].text);
	}
	free(a->attachments);
	free(a->auth_user);
	free(a->auth_password);
	free(a->user);
	free(a->password);
}

static void
sc_checkpoint_free(struct sc_checkpoint *cp)
{
	free(cp->at.text);
	sc_text_free(&cp->question);
	for (int i = 0; i < SC_MAX_CHOICES; i++)
		sc_text_free(&cp->choices[i]);
	sc_text_free(&cp->explain);
}

/* Also frees a scenario the loader gave up on half way. */
void
scenario_free(struct scenario *sc)
{
	if (sc == NULL)
		return;
	sc_text_free(&sc->title);
	sc_text_free(&sc->description);
	free(sc->epoch);
	for (int i = 0; i < sc->nnodes; i++)
		sc_node_free(&sc->nodes[i]);
	free(sc->nodes);
	free(sc->links);
	for (int i = 0; i < sc->naccounts; i++) {
		free(sc->accounts[i].address);
		free(sc->accounts[i].user);
		free(sc->accounts[i].password);
	}
	free(sc->accounts);
	for (int i = 0; i < sc->nactions; i++)
		sc_action_free(&sc->actions[i]);
	free(sc->actions);
	for (int i = 0; i < sc->ncheckpoints; i++)
		sc_checkpoint_free(&sc->checkpoints[i]);
	free(sc->checkpoints);
	free(sc);
}
