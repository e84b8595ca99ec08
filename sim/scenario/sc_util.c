/*
 * sc_util.c: what every pass of the scenario loader shares (scenario.c
 * runs them): error messages, the JSON path of the value being read, and
 * typed getters that say what they expected and what they found.  It
 * calls no pass, so the passes and the loader sit above it, not in a
 * cycle with it (tests/layers.py).
 */
#include "scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void	sc_err_push(struct sc_ctx *c, char *msg);
static void	sc_verr(struct sc_ctx *c, const char *path, const char *fmt,
		    va_list ap);
static int	sc_want_number(struct sc_ctx *c, const cJSON *v, double min,
		    int min_open, double max, double *out);
static int	sc_get(struct sc_ctx *c, const cJSON *obj, const char *key,
		    int required, const cJSON **v, size_t *mark);

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
