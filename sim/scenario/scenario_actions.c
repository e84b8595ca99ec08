/*
 * scenario_actions.c: what the people and the world do, in time
 * (SPEC.md section 2, "action"): send a mail, fetch mail, power a
 * machine off or on, take a link down or up; and the extensions a
 * what-if needs (scenarios/README.md, "What-if actions"): a DNS record
 * added or removed, an account's new password, a link's loss.
 *
 * Pass 3 for actions[]: the shape of each action and its values.  Which
 * node may send through which, and whether a packet can get there, needs
 * the resolved node ids and waits for scref_check().
 */
#include "scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void	scact_parse(struct sc_ctx *c, const cJSON *v, int i);
static void	scact_send(struct sc_ctx *c, const cJSON *v,
		    struct sc_action *a);
static int	scact_addresses(struct sc_ctx *c, const cJSON *obj,
		    const char *key, char ***out);
static void	scact_attachment(struct sc_ctx *c, const cJSON *v,
		    struct sc_attachment *at);
static void	scact_fetch(struct sc_ctx *c, const cJSON *v, int i);
static void	scact_link(struct sc_ctx *c, const cJSON *v, int i);
static int	scact_user(struct sc_ctx *c, const cJSON *obj, char **out);

/* In the order of enum sc_action_kind. */
static const char *const scact_kinds[] = { "send", "fetch", "power",
    "link", "dns", "password", NULL };

void
scact_parse_actions(struct sc_ctx *c, const cJSON *arr)
{
	struct scenario *sc = c->sc;
	size_t mark = sc_path_key(c, "actions");
	const cJSON *v;
	int n, i;

	n = cJSON_GetArraySize(arr);
	if (n > SC_MAX_ITEMS) {
		sc_err(c, "at most %d actions, found %d", SC_MAX_ITEMS, n);
		goto out;
	}
	sc->actions = xcalloc((size_t)n, sizeof *sc->actions);
	sc->nactions = n;
	c->act_bad = xcalloc((size_t)n, 1);
	c->act_link_ends = xcalloc((size_t)n, sizeof *c->act_link_ends);
	for (i = 0; i < n; i++) {
		struct sc_action *a = &sc->actions[i];

		a->node = a->via = a->server = SC_REF_NONE;
		a->link = -1;
		a->expect = -1;
		a->account = -1;
		a->subject = xstrdup("");
		a->body = xstrdup("");
		c->act_link_ends[i][0] = c->act_link_ends[i][1] = SC_REF_BAD;
	}
	i = 0;
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i);

		scact_parse(c, v, i++);
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
}

/* Reads actions[i] (the path is already actions[i]). */
static void
scact_parse(struct sc_ctx *c, const cJSON *v, int i)
{
	static const char *const keys[] = { "at_ms", "node", "send", "fetch",
	    "power", "link", "state", "loss", "dns", "record", "password",
	    "account", "expect", NULL };
	static const char *const power[] = { "off", "on", NULL };
	static const char *const dns[] = { "remove", "add", NULL };
	struct sc_action *a = &c->sc->actions[i];
	const char *found[6];
	const cJSON *obj;
	int nfound = 0, k, on;

	if (!sc_want_object(c, v)) {
		c->act_bad[i] = 1;
		return;
	}
	sc_check_keys(c, v, keys);
	sc_get_ms(c, v, "at_ms", 1, 0, 0, SC_MAX_MS, &a->at_ns);

	for (k = 0; scact_kinds[k] != NULL; k++) {
		if (sc_member(v, scact_kinds[k]) != NULL) {
			found[nfound++] = scact_kinds[k];
			a->kind = (enum sc_action_kind)k;
		}
	}
	if (nfound == 0) {
		sc_err(c, "an action needs one of 'send', 'fetch', 'power', "
		    "'link', 'dns' or 'password'");
		c->act_bad[i] = 1;
	} else if (nfound > 1) {
		struct buf b = { 0 };

		for (k = 0; k < nfound; k++)
			buf_printf(&b, "%s'%s'", k == 0 ? "" :
			    k == nfound - 1 ? " and " : ", ", found[k]);
		sc_err(c, "an action has exactly one of 'send', 'fetch', "
		    "'power', 'link', 'dns' or 'password', this one has %s",
		    (char *)b.data);
		buf_free(&b);
		c->act_bad[i] = 1;
	}

	/* The node acts; a link action names its two ends instead. */
	if (!c->act_bad[i] && a->kind == SC_ACT_LINK) {
		if (sc_member(v, "node") != NULL) {
			size_t mark = sc_path_key(c, "node");
			sc_err(c, "a 'link' action has no 'node': 'link' "
			    "names the two ends");
			sc_path_pop(c, mark);
		}
	} else if (!c->act_bad[i] && a->kind == SC_ACT_PASSWORD) {
		if (sc_member(v, "node") != NULL) {
			size_t mark = sc_path_key(c, "node");
			sc_err(c, "a 'password' action has no 'node': "
			    "'account' names the mailbox");
			sc_path_pop(c, mark);
		}
	} else
		sc_get_ref(c, v, "node", !c->act_bad[i], &a->node);
	if (sc_member(v, "state") != NULL && sc_member(v, "link") == NULL) {
		size_t mark = sc_path_key(c, "state");
		sc_err(c, "'state' belongs to a 'link' action (\"link\": "
		    "[A, B], \"state\": \"down\")");
		sc_path_pop(c, mark);
	}
	/* Extension: the warning this action gives on purpose (scenario_warn.c). */
	sc_get_enum(c, v, "expect", 0, sc_warn_kinds, &a->expect);
	if (sc_member(v, "loss") != NULL && sc_member(v, "link") == NULL) {
		size_t mark = sc_path_key(c, "loss");
		sc_err(c, "'loss' belongs to a 'link' action (\"link\": "
		    "[A, B], \"loss\": 0.3)");
		sc_path_pop(c, mark);
	}
	if (sc_member(v, "record") != NULL && sc_member(v, "dns") == NULL) {
		size_t mark = sc_path_key(c, "record");
		sc_err(c, "'record' belongs to a 'dns' action (\"dns\": "
		    "\"remove\", \"node\": ..., \"record\": {...})");
		sc_path_pop(c, mark);
	}
	if (sc_member(v, "account") != NULL &&
	    sc_member(v, "password") == NULL) {
		size_t mark = sc_path_key(c, "account");
		sc_err(c, "'account' belongs to a 'password' action");
		sc_path_pop(c, mark);
	}
	if (c->act_bad[i])
		return;

	switch (a->kind) {
	case SC_ACT_SEND:
		if (sc_get_object(c, v, "send", 1, &obj) == 1) {
			size_t mark = sc_path_key(c, "send");
			scact_send(c, obj, a);
			sc_path_pop(c, mark);
		}
		break;
	case SC_ACT_FETCH:
		if (sc_get_object(c, v, "fetch", 1, &obj) == 1) {
			size_t mark = sc_path_key(c, "fetch");
			scact_fetch(c, obj, i);
			sc_path_pop(c, mark);
		}
		break;
	case SC_ACT_POWER:
		if (sc_get_enum(c, v, "power", 1, power, &on) == 1)
			a->power_on = on;
		break;
	case SC_ACT_LINK:
		scact_link(c, v, i);
		break;
	case SC_ACT_DNS:
		if (sc_get_enum(c, v, "dns", 1, dns, &on) == 1)
			a->dns_add = on;
		if (sc_member(v, "record") == NULL)
			sc_err(c, "a 'dns' action needs 'record': the record "
			    "to %s, written as in a server's records",
			    a->dns_add ? "add" : "remove");
		else {
			size_t mark = sc_path_key(c, "record");

			scnode_record(c, sc_member(v, "record"), &a->record);
			sc_path_pop(c, mark);
		}
		break;
	case SC_ACT_PASSWORD: {
		const char *s;

		if (sc_get_line(c, v, "password", 1, &s) == 1)
			a->new_password = xstrdup(s);
		/* Resolved to an account by scref_check(). */
		if (sc_get_string(c, v, "account", 1, &s) == 1)
			a->account_address = xstrdup(s);
		break;
	}
	}
}

/* The path is actions[i].send. */
static void
scact_send(struct sc_ctx *c, const cJSON *v, struct sc_action *a)
{
	static const char *const keys[] = { "from", "to", "cc", "bcc",
	    "subject", "body", "attachments", "via", "port", "auth", NULL };
	static const char *const auth_keys[] = { "user", "password", NULL };
	const cJSON *arr, *obj, *m;
	const char *s, *why;
	int n, i, rcpt = 0;

	sc_check_keys(c, v, keys);
	if (sc_get_string(c, v, "from", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "from");

		if ((why = scname_why_not_address(s)) != NULL)
			sc_err(c, "'%s' is not an e-mail address: %s", s, why);
		a->from = xstrdup(s);
		sc_path_pop(c, mark);
	}
	/* A missing list is fine; an empty or bad one counts no recipient. */
	a->nto = scact_addresses(c, v, "to", &a->to);
	a->ncc = scact_addresses(c, v, "cc", &a->cc);
	a->nbcc = scact_addresses(c, v, "bcc", &a->bcc);
	/*
	 * Count what was written, good or bad: a bad address or a list of
	 * the wrong type has its own error already.
	 */
	for (i = 0; i < 3; i++) {
		m = sc_member(v, i == 0 ? "to" : i == 1 ? "cc" : "bcc");
		rcpt += m == NULL ? 0 : cJSON_IsArray(m) ?
		    cJSON_GetArraySize(m) : 1;
	}
	if (rcpt == 0)
		sc_err(c, "no recipient: give at least one address in 'to', "
		    "'cc' or 'bcc'");

	if (sc_get_line(c, v, "subject", 0, &s) == 1) {
		free(a->subject);
		a->subject = xstrdup(s);
	}
	if (sc_get_string(c, v, "body", 0, &s) == 1) {
		free(a->body);
		a->body = xstrdup(s);
	}

	if (sc_get_array(c, v, "attachments", 0, &arr) == 1) {
		size_t mark = sc_path_key(c, "attachments");

		n = cJSON_GetArraySize(arr);
		if (n > 1000)
			sc_err(c, "at most 1000 attachments, found %d", n);
		else if (n > 0) {
			a->attachments = xcalloc((size_t)n,
			    sizeof *a->attachments);
			a->nattachments = n;
			i = 0;
			cJSON_ArrayForEach(m, arr) {
				size_t m2 = sc_path_index(c, i);

				scact_attachment(c, m, &a->attachments[i++]);
				sc_path_pop(c, m2);
			}
		}
		sc_path_pop(c, mark);
	}

	sc_get_ref(c, v, "via", 0, &a->via);
	/* 0 until scref_check() picks via's port. */
	sc_get_port(c, v, "port", &a->port);

	if (sc_get_object(c, v, "auth", 0, &obj) == 1) {
		size_t mark = sc_path_key(c, "auth");

		sc_check_keys(c, obj, auth_keys);
		a->has_auth = 1;
		scact_user(c, obj, &a->auth_user);
		if (sc_get_line(c, obj, "password", 1, &s) == 1)
			a->auth_password = xstrdup(s);
		sc_path_pop(c, mark);
	}
}

/*
 * obj.key: an array of e-mail addresses into *out.  Returns how many
 * were good (0 when the key is absent).
 */
static int
scact_addresses(struct sc_ctx *c, const cJSON *obj, const char *key,
    char ***out)
{
	const cJSON *arr, *v;
	const char *s, *why;
	int n, i = 0, good = 0;

	*out = NULL;
	if (sc_get_array(c, obj, key, 0, &arr) != 1)
		return 0;
	size_t mark = sc_path_key(c, key);
	n = cJSON_GetArraySize(arr);
	if (n > 10000) {
		sc_err(c, "at most 10000 recipients, found %d", n);
		goto out;
	}
	*out = xcalloc((size_t)(n ? n : 1), sizeof **out);
	cJSON_ArrayForEach(v, arr) {
		size_t m2 = sc_path_index(c, i++);

		if (sc_want_string(c, v, &s)) {
			if ((why = scname_why_not_address(s)) != NULL)
				sc_err(c, "'%s' is not an e-mail address: %s",
				    s, why);
			else
				(*out)[good++] = xstrdup(s);
		}
		sc_path_pop(c, m2);
	}
out:
	sc_path_pop(c, mark);
	return good;
}

/* {name, content_type, size} or {name, content_type, text}. */
static void
scact_attachment(struct sc_ctx *c, const cJSON *v, struct sc_attachment *at)
{
	static const char *const keys[] = { "name", "content_type", "size",
	    "text", NULL };
	const char *s;
	int64_t i64;

	if (!sc_want_object(c, v))
		return;
	sc_check_keys(c, v, keys);
	if (sc_get_line(c, v, "name", 1, &s) == 1) {
		if (s[0] == '\0') {
			size_t mark = sc_path_key(c, "name");
			sc_err(c, "a file name cannot be empty");
			sc_path_pop(c, mark);
		}
		at->name = xstrdup(s);
	}
	if (sc_get_string(c, v, "content_type", 1, &s) == 1) {
		size_t mark = sc_path_key(c, "content_type");

		if (!scname_is_content_type(s))
			sc_err(c, "'%s' is not a content type (type/subtype, "
			    "like \"application/pdf\")", s);
		at->content_type = xstrdup(s);
		sc_path_pop(c, mark);
	}
	int has_size = sc_member(v, "size") != NULL;
	at->has_text = sc_member(v, "text") != NULL;
	if (has_size && at->has_text)
		sc_err(c, "an attachment has 'size' or 'text', not both");
	else if (!has_size && !at->has_text)
		sc_err(c, "an attachment needs 'size' (bytes of generated "
		    "content) or 'text'");
	else if (has_size) {
		/* 25 MiB, the largest attachment mail services take. */
		if (sc_get_int(c, v, "size", 1, 0, 26214400, &i64) == 1)
			at->size = (uint64_t)i64;
	} else if (sc_get_string(c, v, "text", 1, &s) == 1) {
		at->text = xstrdup(s);
		at->size = strlen(s);
	}
}

/* A required, non-empty, one-line user name at obj.user. */
static int
scact_user(struct sc_ctx *c, const cJSON *obj, char **out)
{
	const char *s;

	if (sc_get_line(c, obj, "user", 1, &s) != 1)
		return 0;
	if (s[0] == '\0') {
		size_t mark = sc_path_key(c, "user");
		sc_err(c, "a user name cannot be empty");
		sc_path_pop(c, mark);
	}
	*out = xstrdup(s);
	return 1;
}

/* The path is actions[i].fetch. */
static void
scact_fetch(struct sc_ctx *c, const cJSON *v, int i)
{
	struct sc_action *a = &c->sc->actions[i];
	static const char *const keys[] = { "protocol", "server", "user",
	    "password", "keep", NULL };
	static const char *const protocols[] = { "pop3", "imap", NULL };
	const char *s;
	int p;

	sc_check_keys(c, v, keys);
	if (sc_get_enum(c, v, "protocol", 1, protocols, &p) == 1)
		a->protocol = p == 0 ? SC_POP3 : SC_IMAP;
	else
		c->act_bad[i] = 2;	/* no protocol to check server against */
	sc_get_ref(c, v, "server", 1, &a->server);
	scact_user(c, v, &a->user);
	if (sc_get_line(c, v, "password", 1, &s) == 1)
		a->password = xstrdup(s);
	sc_get_bool(c, v, "keep", 0, &a->keep);
}

/* "link": [A, B] with "state"; the path is actions[i]. */
static void
scact_link(struct sc_ctx *c, const cJSON *v, int i)
{
	static const char *const states[] = { "down", "up", NULL };
	struct sc_action *a = &c->sc->actions[i];
	const cJSON *arr = sc_member(v, "link");
	size_t mark = sc_path_key(c, "link");
	int st;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != 2 ||
	    !cJSON_IsString(cJSON_GetArrayItem(arr, 0)) ||
	    !cJSON_IsString(cJSON_GetArrayItem(arr, 1)))
		sc_err(c, "expected the two ends of a link, like [\"router-1\", "
		    "\"server-1\"]");
	else {
		for (int k = 0; k < 2; k++) {
			size_t m2 = sc_path_index(c, k);

			sc_add_ref(c, cJSON_GetArrayItem(arr, k)->valuestring,
			    &c->act_link_ends[i][k]);
			sc_path_pop(c, m2);
		}
	}
	sc_path_pop(c, mark);
	/* Extension: "loss" alone changes the loss and leaves the state. */
	a->link_has_loss = sc_member(v, "loss") != NULL;
	a->link_has_state = sc_member(v, "state") != NULL ||
	    !a->link_has_loss;
	if (a->link_has_state &&
	    sc_get_enum(c, v, "state", 1, states, &st) == 1)
		a->link_up = st;
	if (a->link_has_loss)
		sc_get_number(c, v, "loss", 1, 0, 0, 1, &a->link_loss);
}
