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
 * What every pass shares (error messages, the JSON path of the value
 * being read, typed getters) is in sc_util.c, below every pass.
 */
#include "scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SC_DEFAULT_EPOCH	"2026-01-05T08:00:00+07:00"

static void	sc_parse_top(struct sc_ctx *c, const cJSON *root);
static void	sc_node_free(struct sc_node *n);
static void	sc_action_free(struct sc_action *a);
static void	sc_strv_free(char **v, int n);
static void	sc_checkpoint_free(struct sc_checkpoint *cp);

/* ---- the whole file ---------------------------------------------------- */

static void
sc_parse_top(struct sc_ctx *c, const cJSON *root)
{
	static const char *const keys[] = { "surel", "title", "description",
	    "summary", "seed", "epoch", "until_ms", "mss", "nodes", "links", "accounts",
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
	/* One line for the lesson chooser and `surel lessons`. */
	sc_get_text(c, root, "summary", 0, &sc->summary);
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
	hmap_free(&c.acc_addr);
	free(c.act_bad);
	free(c.act_link_ends);
	buf_free(&c.path);
	if (errs->n > 0) {
		scenario_free(sc);
		return NULL;
	}
	/* The text itself, for a what-if made later from it (the window's interventions). */
	sc->src = xmalloc(len + 1);
	memcpy(sc->src, text, len);
	sc->src[len] = '\0';
	sc->srclen = len;
	sc->srcname = xstrdup(c.file);
	for (int i = 0; i < sc->nnodes; i++)
		hmap_add(&sc->node_by_ip, hash_mix(sc->nodes[i].ip), i);
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
	free(n->smtp.postmaster);
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
	free(a->record.name);
	free(a->record.exchange);
	free(a->record.target);
	free(a->record.text);
	free(a->new_password);
	free(a->account_address);
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
	hmap_free(&sc->node_by_ip);
	sc_text_free(&sc->title);
	sc_text_free(&sc->description);
	sc_text_free(&sc->summary);
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
	free(sc->src);
	free(sc->srcname);
	free(sc);
}
