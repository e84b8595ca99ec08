/*
 * scenario_add.c: a what-if (scenarios/README.md, "What-if actions"):
 * a scenario file with more actions given apart from it, on the command
 * line (`--add 'ACTION'`) or, later, by the window.
 *
 * The added actions go after the file's own, in the actions[] array of
 * the file's JSON, and the whole is loaded by scenario_load(): they are
 * checked by the same parser as the file's, and the file's actions keep
 * their indices (and so their events' order: the run before the first
 * added action is the same run).  An error in an added action is told
 * as "--add[K].PATH: message".
 */
#include "scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void	scadd_err(struct sc_errors *errs, char *msg);
static char	*scadd_rename(const char *msg, const char *file, int nfile,
		    int nadds);

struct scenario *
scenario_load_adds(const char *text, size_t len, const char *filename,
    const char *const *adds, int nadds, char **merged,
    struct sc_errors *errs)
{
	struct sc_errors e2 = { 0 };
	struct scenario *sc;
	cJSON *root, *arr, **items;
	char *out;
	int nfile, k, bad = 0;

	errs->n = 0;
	errs->msg = NULL;
	if (merged != NULL)
		*merged = NULL;
	/* The file first: its own errors are told as they always are. */
	sc = scenario_load(text, len, filename, errs);
	if (sc == NULL)
		return NULL;
	scenario_free(sc);

	items = xcalloc((size_t)nadds + 1, sizeof *items);
	for (k = 0; k < nadds; k++) {
		struct sc_ctx c = { 0 };
		char name[32];

		snprintf(name, sizeof name, "--add[%d]", k);
		c.file = name;
		c.errs = errs;
		items[k] = json_check_parse(&c, adds[k], strlen(adds[k]));
		if (items[k] == NULL) {
			buf_free(&c.path);
			bad = 1;
			continue;
		}
		json_check_duplicates(&c, items[k]);
		if (!cJSON_IsObject(items[k]))
			sc_err(&c, "an action is a JSON object {\"at_ms\": ..., "
			    "...}, this is %s", sc_type_name(items[k]));
		if (errs->n > 0)
			bad = 1;
		buf_free(&c.path);
	}
	if (bad) {
		for (k = 0; k < nadds; k++)
			cJSON_Delete(items[k]);
		free(items);
		return NULL;
	}

	/* The file parsed above, so it parses again. */
	root = cJSON_ParseWithLength(text, len);
	if (root == NULL)
		fatalx("scenario_load_adds: a valid file does not parse");
	arr = cJSON_GetObjectItemCaseSensitive(root, "actions");
	nfile = cJSON_GetArraySize(arr);
	for (k = 0; k < nadds; k++)
		cJSON_AddItemToArray(arr, items[k]);
	free(items);
	out = cJSON_Print(root);
	cJSON_Delete(root);
	if (out == NULL)
		fatalx("scenario_load_adds: out of memory");

	sc = scenario_load(out, strlen(out), filename, &e2);
	for (k = 0; k < e2.n; k++)
		scadd_err(errs, scadd_rename(e2.msg[k], filename, nfile,
		    nadds));
	sc_errors_free(&e2);
	if (sc != NULL && merged != NULL)
		*merged = out;
	else
		free(out);
	return sc;
}

static void
scadd_err(struct sc_errors *errs, char *msg)
{
	errs->msg = xrealloc(errs->msg, sizeof *errs->msg *
	    (size_t)(errs->n + 1));
	errs->msg[errs->n++] = msg;
}

/*
 * "FILE: actions[M].x: message" with M >= nfile becomes
 * "--add[M - nfile].x: message"; any other error stays as it is.
 */
static char *
scadd_rename(const char *msg, const char *file, int nfile, int nadds)
{
	size_t fl = strlen(file);
	const char *p = msg + fl;
	char *end;
	long m;

	if (strncmp(msg, file, fl) != 0 || strncmp(p, ": actions[", 10) != 0)
		return xstrdup(msg);
	m = strtol(p + 10, &end, 10);
	if (*end != ']' || m < nfile || m >= nfile + nadds)
		return xstrdup(msg);
	struct buf b = { 0 };
	buf_printf(&b, "--add[%ld]%s", m - nfile, end + 1);
	return (char *)b.data;
}
