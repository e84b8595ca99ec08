/*
 * whatif_menu.c: what a teacher can change at the current step (issue
 * 14, point 1), as a list of entries, each with the sentence that says
 * what it will do before it is done.
 *
 * On a node: switch it off or on; each of its cables (which opens that
 * cable's entries); on a client that sends mail in the lesson, a new
 * mail (a form: from, to, cc, subject, attachment size); on a DNS
 * server, remove one of the records it has at this step, or add one (a
 * form: name, type, value); on a server that holds mailboxes, change
 * an account's password (a form).  On a cable: cut it, mend it, or set
 * the share of packets it loses.  An entry that would change nothing
 * (cut a cable already cut, switch off a node already off) stays in the
 * list with the sentence that says so, and Enter on it only repeats
 * that sentence: a refusal is said, never silent.
 *
 * Every entry becomes one action in the format of scenarios/README.md,
 * "Actions" (the same text `--add` takes), given to whatif_apply():
 * the file's parser checks it, and where the parser refuses it the form
 * shows why.  The checks here before that (an address has an @, a size
 * is a number) only exist to say it in the window's language.
 */
#include "ui.h"
#include "whatif.h"
#include "scenario.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int wm_losses[] = { 0, 10, 30, 50 };

static struct wi_menu *
wm_get(const struct ui *u)
{
	return u->wi != NULL && u->wi->menu.open ? &u->wi->menu : NULL;
}

int
whatif_menu_is_open(const struct ui *u)
{
	return wm_get(u) != NULL;
}

int
whatif_menu_count(const struct ui *u)
{
	const struct wi_menu *m = wm_get(u);

	return m ? m->n : 0;
}

const char *
whatif_menu_label(const struct ui *u, int i)
{
	const struct wi_menu *m = wm_get(u);

	return m && i >= 0 && i < m->n ? m->items[i].label : "";
}

const char *
whatif_menu_effect(const struct ui *u, int i)
{
	const struct wi_menu *m = wm_get(u);

	return m && i >= 0 && i < m->n ? m->items[i].effect : "";
}

static struct wi_item *
wm_add(struct wi_menu *m, enum wi_kind kind)
{
	if (m->n == WM_ITEMS)
		return NULL;
	struct wi_item *it = &m->items[m->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->node = it->link = it->account = it->peer = -1;
	return it;
}

/* ---- the world at the current step, as the scenario and the view say ---- */

/*
 * Now, for what the scenario's actions have changed: the step's time and
 * the nanosecond after it, where the interventions made at this step
 * act (whatif_at_ms()).
 */
static uint64_t
wm_now(struct ui *u)
{
	return view_step_time(u->view, u->app.step) + 1;
}

/* Whether node n is on: the view says so at the step, unless an intervention just after it changed that. */
static int
wm_node_up(struct ui *u, int n)
{
	uint64_t t = wm_now(u);
	int up = view_state(u->view)->node_up[n];

	for (int i = 0; i < u->sc->nactions; i++) {
		const struct sc_action *a = &u->sc->actions[i];
		if (a->kind == SC_ACT_POWER && a->node == n && a->at_ns == t)
			up = a->power_on;
	}
	return up;
}

static int
wm_link_up(struct ui *u, int l)
{
	uint64_t t = wm_now(u);
	int up = view_state(u->view)->link_up[l];

	for (int i = 0; i < u->sc->nactions; i++) {
		const struct sc_action *a = &u->sc->actions[i];
		if (a->kind == SC_ACT_LINK && a->link == l && a->at_ns == t &&
		    a->link_has_state)
			up = a->link_up;
	}
	return up;
}

/* The share (percent) of packets cable l loses now: the file's, then its "loss" actions so far. */
static int
wm_loss_now(struct ui *u, int l)
{
	const struct scenario *sc = u->sc;
	uint64_t now = wm_now(u), best = 0;
	double loss = sc->links[l].loss;
	int found = 0;

	for (int i = 0; i < sc->nactions; i++) {
		const struct sc_action *a = &sc->actions[i];
		if (a->kind != SC_ACT_LINK || a->link != l || !a->link_has_loss ||
		    a->at_ns > now || (found && a->at_ns < best))
			continue;
		best = a->at_ns;
		loss = a->link_loss;
		found = 1;
	}
	return (int)(loss * 100 + 0.5);
}

/* An account's password now: the file's, then its "password" actions so far. */
static const char *
wm_password_now(struct ui *u, int acct)
{
	const struct scenario *sc = u->sc;
	uint64_t now = wm_now(u), best = 0;
	const char *pw = sc->accounts[acct].password;
	int found = 0;

	for (int i = 0; i < sc->nactions; i++) {
		const struct sc_action *a = &sc->actions[i];
		if (a->kind != SC_ACT_PASSWORD || a->account != acct ||
		    a->at_ns > now || (found && a->at_ns < best))
			continue;
		best = a->at_ns;
		pw = a->new_password;
		found = 1;
	}
	return pw ? pw : "";
}

/*
 * The records DNS server n has now: the file's, with its "dns" actions
 * so far applied in time order (ties in file order).  At most max.
 */
static int
wm_records_now(struct ui *u, int n, const struct sc_record **out, int max)
{
	const struct scenario *sc = u->sc;
	const struct sc_dns *d = &sc->nodes[n].dns;
	uint64_t now = wm_now(u);
	int k = 0;

	for (int i = 0; i < d->nrecords && k < max; i++)
		out[k++] = &d->records[i];
	/* Actions in time order: a small selection sort over the few there are. */
	uint64_t last = 0;
	int last_i = -1;
	for (;;) {
		int pick = -1;
		for (int i = 0; i < sc->nactions; i++) {
			const struct sc_action *a = &sc->actions[i];
			if (a->kind != SC_ACT_DNS || a->node != n || a->at_ns > now)
				continue;
			if (a->at_ns < last || (a->at_ns == last && i <= last_i))
				continue;
			if (pick < 0 || a->at_ns < sc->actions[pick].at_ns)
				pick = i;
		}
		if (pick < 0)
			break;
		const struct sc_action *a = &sc->actions[pick];
		last = a->at_ns;
		last_i = pick;
		if (a->dns_add) {
			if (k < max)
				out[k++] = &a->record;
			continue;
		}
		for (int j = 0; j < k; j++)
			if (sc_record_same(out[j], &a->record)) {
				memmove(&out[j], &out[j + 1], (size_t)(k - j - 1) *
				    sizeof *out);
				k--;
				break;
			}
	}
	return k;
}

/* A record in the format of a scenario's "records" (scenarios/README.md, "dns"). */
static void
wm_record_json(struct buf *b, const struct sc_record *r)
{
	buf_puts(b, "{\"name\": ");
	buf_json_str(b, r->name);
	switch (r->type) {
	case SC_RR_A:
		buf_printf(b, ", \"type\": \"A\", \"address\": \"%u.%u.%u.%u\"",
		    r->address >> 24, (r->address >> 16) & 255,
		    (r->address >> 8) & 255, r->address & 255);
		break;
	case SC_RR_MX:
		buf_printf(b, ", \"type\": \"MX\", \"preference\": %d, "
		    "\"exchange\": ", r->preference);
		buf_json_str(b, r->exchange);
		break;
	case SC_RR_CNAME:
		buf_puts(b, ", \"type\": \"CNAME\", \"target\": ");
		buf_json_str(b, r->target);
		break;
	case SC_RR_TXT:
		buf_puts(b, ", \"type\": \"TXT\", \"text\": ");
		buf_json_str(b, r->text);
		break;
	}
	buf_puts(b, "}");
}

/* The first mail node n sends in the lesson (a client's), or NULL. */
static const struct sc_action *
wm_first_send(struct ui *u, int n)
{
	for (int i = 0; i < u->sc->nactions; i++)
		if (u->sc->actions[i].kind == SC_ACT_SEND &&
		    u->sc->actions[i].node == n && u->sc->actions[i].via >= 0)
			return &u->sc->actions[i];
	return NULL;
}

/* ---- the entries ---- */

static void
wm_power_items(struct ui *u, struct wi_menu *m, int n)
{
	const char *name = ui_node_name(u, n);
	int up = wm_node_up(u, n);
	struct wi_item *it;

	if ((it = wm_add(m, up ? WK_POWER_OFF : WK_POWER_ON)) == NULL)
		return;
	it->node = n;
	snprintf(it->label, sizeof it->label, ui_word(u, up ? W_WI_I_OFF :
	    W_WI_I_ON), name);
	snprintf(it->effect, sizeof it->effect, ui_word(u, up ? W_WI_E_OFF :
	    W_WI_E_ON), name);
	/* The other one, said to be pointless. */
	if ((it = wm_add(m, up ? WK_POWER_ON : WK_POWER_OFF)) == NULL)
		return;
	it->node = n;
	it->refused = 1;
	snprintf(it->label, sizeof it->label, ui_word(u, up ? W_WI_I_ON :
	    W_WI_I_OFF), name);
	snprintf(it->effect, sizeof it->effect, ui_word(u, up ? W_WI_R_ON :
	    W_WI_R_OFF), name);
}

static void
wm_link_items(struct ui *u, struct wi_menu *m, int l)
{
	const struct sc_link *lk = &u->sc->links[l];
	const char *a = ui_node_name(u, lk->a), *b = ui_node_name(u, lk->b);
	int up = wm_link_up(u, l);
	int loss = wm_loss_now(u, l);
	struct wi_item *it;

	for (int k = 0; k < 2; k++) {
		int cut = k == 0;
		if ((it = wm_add(m, cut ? WK_LINK_CUT : WK_LINK_RESTORE)) == NULL)
			return;
		it->link = l;
		snprintf(it->label, sizeof it->label, ui_word(u, cut ?
		    W_WI_I_CUT : W_WI_I_RESTORE), a, b);
		/* Cut what is cut, or mend what works: said, not done. */
		it->refused = cut ? !up : up;
		if (it->refused)
			snprintf(it->effect, sizeof it->effect, "%s", ui_word(u,
			    cut ? W_WI_R_CUT : W_WI_R_RESTORE));
		else
			snprintf(it->effect, sizeof it->effect, ui_word(u, cut ?
			    W_WI_E_CUT : W_WI_E_RESTORE), a, b);
	}
	for (size_t k = 0; k < sizeof wm_losses / sizeof wm_losses[0]; k++) {
		if ((it = wm_add(m, WK_LINK_LOSS)) == NULL)
			return;
		it->link = l;
		it->loss = wm_losses[k];
		snprintf(it->label, sizeof it->label, ui_word(u, W_WI_I_LOSS),
		    it->loss);
		it->refused = it->loss == loss;
		if (it->refused)
			snprintf(it->effect, sizeof it->effect, ui_word(u,
			    W_WI_R_LOSS), loss);
		else
			snprintf(it->effect, sizeof it->effect, ui_word(u,
			    W_WI_E_LOSS), a, b, it->loss);
	}
}

static void
wm_node_items(struct ui *u, struct wi_menu *m, int n)
{
	const struct scenario *sc = u->sc;
	const struct sc_node *nd = &sc->nodes[n];
	struct wi_item *it;
	char rt[256];

	wm_power_items(u, m, n);
	/* A new mail: only where the lesson shows which server this client uses. */
	if (nd->kind == SC_CLIENT && (it = wm_add(m, WK_MAIL)) != NULL) {
		it->node = n;
		snprintf(it->label, sizeof it->label, ui_word(u, W_WI_I_MAIL),
		    ui_node_name(u, n));
		if (wm_first_send(u, n) == NULL) {
			it->refused = 1;
			snprintf(it->effect, sizeof it->effect, "%s",
			    ui_word(u, W_WI_R_NO_SERVER));
		}
	}
	if (nd->dns.present) {
		const struct sc_record *recs[24];
		int nr = wm_records_now(u, n, recs, 24);
		for (int i = 0; i < nr; i++) {
			if ((it = wm_add(m, WK_DNS_REMOVE)) == NULL)
				break;
			it->node = n;
			it->rec = recs[i];
			ui_rr_text(recs[i], 0, rt, sizeof rt);
			snprintf(it->label, sizeof it->label, ui_word(u,
			    W_WI_I_DNS_RM), rt);
			snprintf(it->effect, sizeof it->effect, ui_word(u,
			    W_WI_E_DNS_RM), ui_node_name(u, n), rt);
		}
		if ((it = wm_add(m, WK_DNS_ADD)) != NULL) {
			it->node = n;
			snprintf(it->label, sizeof it->label, "%s", ui_word(u,
			    W_WI_I_DNS_ADD));
		}
	}
	for (int i = 0; i < sc->naccounts; i++) {
		if (sc->accounts[i].server != n ||
		    (it = wm_add(m, WK_PASSWORD)) == NULL)
			continue;
		it->node = n;
		it->account = i;
		snprintf(it->label, sizeof it->label, ui_word(u,
		    W_WI_I_PASSWORD), sc->accounts[i].address);
	}
	/* Each cable of the node: its own entries. */
	for (int l = 0; l < sc->nlinks; l++) {
		if (sc->links[l].a != n && sc->links[l].b != n)
			continue;
		if ((it = wm_add(m, WK_LINK_MENU)) == NULL)
			break;
		it->link = l;
		it->peer = sc->links[l].a == n ? sc->links[l].b : sc->links[l].a;
		snprintf(it->label, sizeof it->label, ui_word(u, W_WI_I_LINK),
		    ui_node_name(u, it->peer));
		snprintf(it->effect, sizeof it->effect, "%s", "");
	}
}

/* ---- forms ---- */

static void
wm_field(struct wi_menu *m, int name, const char *value)
{
	if (m->nf == WM_FIELDS)
		return;
	m->fname[m->nf] = name;
	snprintf(m->field[m->nf], WM_FIELD_LEN, "%s", value ? value : "");
	m->nf++;
}

/* The addresses of a send, "a, b" as one line. */
static void
wm_join(char **v, int n, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", v[i]);
	}
}

static void
wm_form_open(struct ui *u, struct wi_menu *m)
{
	const struct wi_item *it = &m->items[m->sel];
	char to[WM_FIELD_LEN];

	m->nf = m->fsel = 0;
	m->err[0] = '\0';
	switch (it->kind) {
	case WK_MAIL: {
		const struct sc_action *s = wm_first_send(u, it->node);
		wm_join(s->to, s->nto, to, sizeof to);
		wm_field(m, W_WI_F_FROM, s->from);
		wm_field(m, W_WI_F_TO, to);
		wm_field(m, W_WI_F_CC, "");
		wm_field(m, W_WI_F_SUBJECT, ui_word(u, W_WI_SUBJECT));
		wm_field(m, W_WI_F_ATTACH, "0");
		m->fsel = 1;
		break;
	}
	case WK_DNS_ADD:
		wm_field(m, W_WI_F_NAME, "");
		wm_field(m, W_WI_F_TYPE, "A");
		wm_field(m, W_WI_F_VALUE, "");
		break;
	case WK_PASSWORD:
		wm_field(m, W_WI_F_PASSWORD, wm_password_now(u, it->account));
		break;
	default:
		return;
	}
	m->form = 1;
}

static char *
wm_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A plausible address: something@something.something, no spaces. */
static int
wm_address_ok(const char *a)
{
	const char *at = strchr(a, '@');

	return at != NULL && at > a && strchr(at + 1, '.') != NULL &&
	    strchr(at + 1, '@') == NULL && strpbrk(a, " \t\"<>,") == NULL &&
	    at[1] != '.' && a[strlen(a) - 1] != '.';
}

/* "a, b c" -> a JSON array of addresses; 0, or -1 with err naming the bad one. */
static int
wm_addresses(struct ui *u, const char *line, struct buf *b, int *count,
    char *err, size_t errsz)
{
	char tmp[WM_FIELD_LEN], *save = NULL;

	snprintf(tmp, sizeof tmp, "%s", line);
	*count = 0;
	buf_putc(b, '[');
	for (char *p = strtok_r(tmp, ", ;", &save); p != NULL;
	    p = strtok_r(NULL, ", ;", &save)) {
		if (!wm_address_ok(p)) {
			snprintf(err, errsz, ui_word(u, W_WI_R_ADDRESS), p);
			return -1;
		}
		buf_puts(b, *count ? ", " : "");
		buf_json_str(b, p);
		(*count)++;
	}
	buf_putc(b, ']');
	return 0;
}

/* The account with this address, or -1. */
static int
wm_account(struct ui *u, const char *addr)
{
	for (int i = 0; i < u->sc->naccounts; i++)
		if (strcasecmp(u->sc->accounts[i].address, addr) == 0)
			return i;
	return -1;
}

/*
 * The action and the sentence of the form as it is filled now; -1 with
 * m->err saying what is missing or wrong.
 */
static int
wm_form_action(struct ui *u, struct wi_menu *m, struct buf *b, char *said,
    size_t saidsz)
{
	const struct wi_item *it = &m->items[m->sel];
	char f[WM_FIELDS][WM_FIELD_LEN];
	char *v[WM_FIELDS];

	for (int i = 0; i < m->nf; i++) {
		snprintf(f[i], sizeof f[i], "%s", m->field[i]);
		v[i] = wm_trim(f[i]);
	}
	m->err[0] = '\0';
	buf_puts(b, "{\"at_ms\": ");
	whatif_at_ms(u, b);
	switch (it->kind) {
	case WK_MAIL: {
		const struct sc_action *s = wm_first_send(u, it->node);
		struct buf to = { 0 }, cc = { 0 };
		int nto = 0, ncc = 0, rc = 0;
		char *end = NULL;
		long kb = strtol(v[4], &end, 10);

		if (!wm_address_ok(v[0])) {
			snprintf(m->err, sizeof m->err, ui_word(u,
			    W_WI_R_ADDRESS), v[0]);
			return -1;
		}
		if (wm_addresses(u, v[1], &to, &nto, m->err,
		    sizeof m->err) != 0 || wm_addresses(u, v[2], &cc, &ncc,
		    m->err, sizeof m->err) != 0)
			rc = -1;
		else if (nto + ncc == 0) {
			snprintf(m->err, sizeof m->err, "%s", ui_word(u,
			    W_WI_R_NO_RCPT));
			rc = -1;
		} else if (end == v[4] || *end != '\0' || kb < 0 ||
		    kb > 25600) {
			snprintf(m->err, sizeof m->err, "%s", ui_word(u,
			    W_WI_R_KB));
			rc = -1;
		}
		if (rc == 0) {
			buf_puts(b, ", \"node\": ");
			buf_json_str(b, u->sc->nodes[it->node].id);
			buf_puts(b, ", \"send\": {\"from\": ");
			buf_json_str(b, v[0]);
			buf_puts(b, ", \"to\": ");
			buf_append(b, to.data, to.len);
			if (ncc > 0) {
				buf_puts(b, ", \"cc\": ");
				buf_append(b, cc.data, cc.len);
			}
			buf_puts(b, ", \"subject\": ");
			buf_json_str(b, v[3]);
			buf_puts(b, ", \"body\": ");
			buf_json_str(b, ui_word(u, W_WI_BODY));
			buf_puts(b, ", \"via\": ");
			buf_json_str(b, u->sc->nodes[s->via].id);
			/* The login the lesson's own mail uses, or the sender's account's. */
			int acct = wm_account(u, v[0]);
			if (s->has_auth && strcasecmp(s->from, v[0]) == 0) {
				buf_puts(b, ", \"auth\": {\"user\": ");
				buf_json_str(b, s->auth_user);
				buf_puts(b, ", \"password\": ");
				buf_json_str(b, s->auth_password);
				buf_puts(b, "}");
			} else if (s->has_auth && acct >= 0) {
				buf_puts(b, ", \"auth\": {\"user\": ");
				buf_json_str(b, u->sc->accounts[acct].user);
				buf_puts(b, ", \"password\": ");
				buf_json_str(b, wm_password_now(u, acct));
				buf_puts(b, "}");
			}
			if (kb > 0)
				buf_printf(b, ", \"attachments\": [{\"name\": "
				    "\"lampiran.pdf\", \"content_type\": "
				    "\"application/pdf\", \"size\": %ld}]",
				    kb * 1024);
			buf_puts(b, "}}");
			char rcpts[WM_FIELD_LEN * 2];
			snprintf(rcpts, sizeof rcpts, "%s%s%s", v[1],
			    *v[1] && *v[2] ? ", " : "", v[2]);
			snprintf(said, saidsz, ui_word(u, W_WI_E_MAIL), v[0],
			    rcpts, ui_node_name(u, it->node),
			    ui_node_name(u, s->via));
		}
		buf_free(&to);
		buf_free(&cc);
		return rc;
	}
	case WK_DNS_ADD: {
		struct sc_record r = { 0 };
		char name[WM_FIELD_LEN], val[WM_FIELD_LEN], rt[256];
		unsigned q[4];
		char tail;

		snprintf(name, sizeof name, "%s", v[0]);
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r.name = name;
		for (char *p = v[1]; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		snprintf(val, sizeof val, "%s", v[2]);
		if (*name == '\0' || strchr(name, ' ') != NULL) {
			snprintf(m->err, sizeof m->err, "%s", ui_word(u,
			    W_WI_R_NAME));
			return -1;
		}
		if (strcmp(v[1], "A") == 0) {
			r.type = SC_RR_A;
			if (sscanf(val, "%u.%u.%u.%u%c", &q[0], &q[1], &q[2],
			    &q[3], &tail) != 4 || q[0] > 255 || q[1] > 255 ||
			    q[2] > 255 || q[3] > 255) {
				snprintf(m->err, sizeof m->err, "%s",
				    ui_word(u, W_WI_R_VALUE_A));
				return -1;
			}
			r.address = q[0] << 24 | q[1] << 16 | q[2] << 8 | q[3];
		} else if (strcmp(v[1], "MX") == 0) {
			char ex[WM_FIELD_LEN], *end;
			long pref = strtol(val, &end, 10);
			r.type = SC_RR_MX;
			/* A number, a space, then a name (RFC 1035 3.3.9: PREFERENCE, EXCHANGE). */
			if (end == val || !isspace((unsigned char)*end) ||
			    pref < 0 || pref > 65535 || sscanf(end, " %159s %c",
			    ex, &tail) != 1 || !isalpha((unsigned char)ex[0])) {
				snprintf(m->err, sizeof m->err, "%s",
				    ui_word(u, W_WI_R_VALUE_MX));
				return -1;
			}
			r.preference = (int)pref;
			snprintf(val, sizeof val, "%s", ex);
			for (char *p = val; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			r.exchange = val;
		} else if (strcmp(v[1], "CNAME") == 0) {
			r.type = SC_RR_CNAME;
			for (char *p = val; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			r.target = val;
			if (*val == '\0' || strchr(val, ' ') != NULL) {
				snprintf(m->err, sizeof m->err, "%s",
				    ui_word(u, W_WI_R_NAME));
				return -1;
			}
		} else if (strcmp(v[1], "TXT") == 0) {
			r.type = SC_RR_TXT;
			r.text = val;
		} else {
			snprintf(m->err, sizeof m->err, "%s", ui_word(u,
			    W_WI_R_TYPE));
			return -1;
		}
		/* A record already there: the file's parser would refuse it; say why here. */
		const struct sc_record *now[64];
		int nnow = wm_records_now(u, it->node, now, 64);
		for (int i = 0; i < nnow; i++)
			if (sc_record_same(now[i], &r)) {
				snprintf(m->err, sizeof m->err, ui_word(u,
				    W_WI_R_EXISTS), ui_node_name(u, it->node));
				return -1;
			}
		buf_puts(b, ", \"dns\": \"add\", \"node\": ");
		buf_json_str(b, u->sc->nodes[it->node].id);
		buf_puts(b, ", \"record\": ");
		wm_record_json(b, &r);
		buf_puts(b, "}");
		ui_rr_text(&r, 0, rt, sizeof rt);
		snprintf(said, saidsz, ui_word(u, W_WI_E_DNS_ADD),
		    ui_node_name(u, it->node), rt);
		return 0;
	}
	case WK_PASSWORD:
		if (strcmp(m->field[0], wm_password_now(u, it->account)) == 0) {
			snprintf(m->err, sizeof m->err, "%s", ui_word(u,
			    W_WI_R_PASSWORD));
			return -1;
		}
		if (strpbrk(m->field[0], "\r\n") != NULL) {
			snprintf(m->err, sizeof m->err, "%s", ui_word(u,
			    W_WI_R_PASSWORD));
			return -1;
		}
		buf_puts(b, ", \"password\": ");
		buf_json_str(b, m->field[0]);
		buf_puts(b, ", \"account\": ");
		buf_json_str(b, u->sc->accounts[it->account].address);
		buf_puts(b, "}");
		snprintf(said, saidsz, ui_word(u, W_WI_E_PASSWORD),
		    u->sc->accounts[it->account].address, m->field[0]);
		return 0;
	default:
		return -1;
	}
}

/* ---- doing it ---- */

/* The action of a plain entry (no form). */
static void
wm_item_action(struct ui *u, const struct wi_item *it, struct buf *b)
{
	const struct scenario *sc = u->sc;

	buf_puts(b, "{\"at_ms\": ");
	whatif_at_ms(u, b);
	switch (it->kind) {
	case WK_POWER_OFF:
	case WK_POWER_ON:
		/* scenarios/README.md, "power": the node's id, off or on. */
		buf_puts(b, ", \"node\": ");
		buf_json_str(b, sc->nodes[it->node].id);
		buf_printf(b, ", \"power\": \"%s\"}", it->kind == WK_POWER_OFF ?
		    "off" : "on");
		break;
	case WK_LINK_CUT:
	case WK_LINK_RESTORE:
	case WK_LINK_LOSS:
		/* "link": the two ends, and "state" or (an extension) "loss". */
		buf_puts(b, ", \"link\": [");
		buf_json_str(b, sc->nodes[sc->links[it->link].a].id);
		buf_puts(b, ", ");
		buf_json_str(b, sc->nodes[sc->links[it->link].b].id);
		if (it->kind == WK_LINK_LOSS)
			buf_printf(b, "], \"loss\": %d.%02d}", it->loss / 100,
			    it->loss % 100);
		else
			buf_printf(b, "], \"state\": \"%s\"}", it->kind ==
			    WK_LINK_CUT ? "down" : "up");
		break;
	case WK_DNS_REMOVE:
		buf_puts(b, ", \"dns\": \"remove\", \"node\": ");
		buf_json_str(b, sc->nodes[it->node].id);
		buf_puts(b, ", \"record\": ");
		wm_record_json(b, it->rec);
		buf_puts(b, "}");
		break;
	default:
		break;
	}
}

static void
wm_build(struct ui *u, struct wi_menu *m)
{
	m->n = m->sel = m->form = m->nf = 0;
	m->err[0] = '\0';
	if (m->link >= 0)
		wm_link_items(u, m, m->link);
	else
		wm_node_items(u, m, m->node);
}

/* Enter (or a click) on the selected entry. */
static int
wm_choose(struct ui *u, struct wi_menu *m)
{
	struct wi_item *it = &m->items[m->sel];
	struct buf b = { 0 };
	char said[sizeof it->effect];

	if (it->refused) {
		snprintf(u->toast, sizeof u->toast, "%s", it->effect);
		u->toast_at = 0;
		return 1;
	}
	if (it->kind == WK_LINK_MENU) {
		m->link = it->link;
		m->node = -1;
		wm_build(u, m);
		return 1;
	}
	if (it->kind == WK_MAIL || it->kind == WK_DNS_ADD ||
	    it->kind == WK_PASSWORD) {
		if (!m->form) {
			wm_form_open(u, m);
			return 1;
		}
		if (wm_form_action(u, m, &b, said, sizeof said) != 0) {
			buf_free(&b);
			return 1;
		}
	} else {
		wm_item_action(u, it, &b);
		snprintf(said, sizeof said, "%s", it->effect);
	}
	buf_putc(&b, '\0');
	char err[512] = "";
	if (whatif_apply(u, (const char *)b.data, said, err, sizeof err) != 0 &&
	    u->wi != NULL && u->wi->menu.open)
		snprintf(m->err, sizeof m->err, "%s", err);
	buf_free(&b);
	return 1;
}

int
whatif_menu_open(struct ui *u, int node, int link, int x, int y)
{
	if (u->app.quiz >= 0 || u->app.chooser)
		return 0;
	if (node < 0 && link < 0)
		return whatif_refuse(u, W_WI_SELECT), 1;
	if (whatif_can(u) != 0)
		return 1;
	struct wi_menu *m = &u->wi->menu;
	view_seek(u->view, u->app.step);
	memset(m, 0, sizeof *m);
	m->node = link >= 0 ? -1 : node;
	m->link = link;
	m->x = x;
	m->y = y;
	if (node >= 0)
		u->app.sel_node = node;
	wm_build(u, m);
	m->open = 1;
	u->app.playing = 0;
	u->app.dirty = 1;
	return 1;
}

/* Remove the last UTF-8 character of s. */
static void
wm_backspace(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

int
whatif_menu_key(struct ui *u, SDL_Keycode sym, Uint16 mod)
{
	struct wi_menu *m = (struct wi_menu *)wm_get(u);

	if (m == NULL || sym == SDLK_F12)	/* F12: a picture, with the list */
		return 0;
	u->app.dirty = 1;
	if (m->form) {
		switch (sym) {
		case SDLK_ESCAPE:
			m->form = 0;
			return 1;
		case SDLK_TAB:
		case SDLK_DOWN:
			m->fsel = (m->fsel + (mod & KMOD_SHIFT ? m->nf - 1 : 1)) %
			    m->nf;
			return 1;
		case SDLK_UP:
			m->fsel = (m->fsel + m->nf - 1) % m->nf;
			return 1;
		case SDLK_BACKSPACE:
			wm_backspace(m->field[m->fsel]);
			return 1;
		case SDLK_RETURN:
		case SDLK_KP_ENTER:
			return wm_choose(u, m);
		}
		return 1;	/* letters come as text (whatif_menu_text()) */
	}
	switch (sym) {
	case SDLK_ESCAPE:
	case SDLK_k:
		m->open = 0;
		return 1;
	case SDLK_UP:
		m->sel = (m->sel + m->n - 1) % m->n;
		return 1;
	case SDLK_DOWN:
	case SDLK_TAB:
		m->sel = (m->sel + 1) % m->n;
		return 1;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
	case SDLK_SPACE:
		return wm_choose(u, m);
	}
	return 1;
}

int
whatif_menu_text(struct ui *u, const char *utf8)
{
	struct wi_menu *m = (struct wi_menu *)wm_get(u);

	if (m == NULL || !m->form)
		return m != NULL;
	char *f = m->field[m->fsel];
	size_t n = strlen(f), k = strlen(utf8);
	if (n + k < WM_FIELD_LEN) {
		memcpy(f + n, utf8, k + 1);
		m->err[0] = '\0';
	}
	u->app.dirty = 1;
	return 1;
}

int
whatif_menu_click(struct ui *u, int x, int y)
{
	struct wi_menu *m = (struct wi_menu *)wm_get(u);
	SDL_Point pt = { x, y };

	if (m == NULL)
		return 0;
	u->app.dirty = 1;
	if (!SDL_PointInRect(&pt, &m->box)) {
		m->open = 0;
		return 1;
	}
	if (m->form)
		return 1;
	for (int i = 0; i < m->n; i++)
		if (SDL_PointInRect(&pt, &m->rows[i])) {
			m->sel = i;
			return wm_choose(u, m);
		}
	return 1;
}

/* ---- the card ---- */

void
whatif_menu_draw(struct ui *u)
{
	struct wi_menu *m = (struct wi_menu *)wm_get(u);
	const struct layout *L = &u->lay;
	const struct theme *th = u->th;

	if (m == NULL)
		return;
	int px = L->font_small, pad = layout_px(L, 8);
	int lh = text_line_height(u->text, FACE_SANS, px);
	int w = L->w * 2 / 5;
	if (w < layout_px(L, 420))
		w = layout_px(L, 420);
	if (w > L->w - 2 * pad)
		w = L->w - 2 * pad;
	int tw = w - 2 * pad;
	char said[1024] = "";
	struct buf b = { 0 };

	/* The sentence under the list: the entry's, or the form's as typed now. */
	if (m->form) {
		char keep[sizeof m->err];
		snprintf(keep, sizeof keep, "%s", m->err);
		if (wm_form_action(u, m, &b, said, sizeof said) != 0)
			said[0] = '\0';
		/* Only Enter shows a mistake; while typing, the last one stays. */
		snprintf(m->err, sizeof m->err, "%s", keep);
		buf_free(&b);
	} else
		snprintf(said, sizeof said, "%s", m->items[m->sel].effect);
	int rows = m->form ? m->nf : m->n;
	int room = L->h - 2 * pad;
	int said_lines = said[0] ? text_wrap(u->text, FACE_SANS, px, th->text,
	    0, 0, tw, 0, 0, said) : 0;
	int err_lines = m->err[0] ? text_wrap(u->text, FACE_BOLD, px,
	    th->lost, 0, 0, tw, 0, 0, m->err) : 0;
	int h = (rows + 2 + said_lines + err_lines + 1) * lh + 4 * pad;
	/* Too many entries for the window: the list scrolls around the selected one. */
	int first = 0, shown = rows;
	if (h > room) {
		shown = rows - (h - room + lh - 1) / lh;
		if (shown < 3)
			shown = 3;
		h = (shown + 2 + said_lines + err_lines + 1) * lh + 4 * pad;
		int sel = m->form ? m->fsel : m->sel;
		first = sel - shown / 2;
		if (first > rows - shown)
			first = rows - shown;
		if (first < 0)
			first = 0;
	}
	int x = m->x >= 0 ? m->x : L->picture.x + L->picture.w / 2 - w / 2;
	int y = m->y >= 0 ? m->y : L->picture.y + pad;
	if (x + w > L->w - pad)
		x = L->w - pad - w;
	if (x < pad)
		x = pad;
	if (y + h > L->h - pad)
		y = L->h - pad - h;
	if (y < pad)
		y = pad;
	m->box = (SDL_Rect){ x, y, w, h };
	ui_panel_begin_rect(u, "whatif-menu", m->box);
	draw_fill(u->r, m->box, th->panel);
	draw_frame(u->r, m->box, layout_px(L, 3), th->select);
	int cy = y + pad;
	text_draw_fit(u->text, FACE_BOLD, px, th->text, x + pad, cy, tw,
	    ui_word(u, W_WI_MENU_TITLE));
	cy += lh + pad / 2;
	memset(m->rows, 0, sizeof m->rows);
	for (int i = first; i < first + shown && i < rows; i++) {
		SDL_Rect row = { x + pad / 2, cy, w - pad, lh };
		int lit = m->form ? i == m->fsel : i == m->sel;
		if (lit)
			draw_fill(u->r, row, th->select);
		SDL_Color c = lit ? th->select_text : m->form ? th->text :
		    m->items[i].refused ? th->dim : th->text;
		if (m->form) {
			char line[WM_FIELD_LEN + 128];
			snprintf(line, sizeof line, "%s: %s%s",
			    ui_word(u, (enum word)m->fname[i]), m->field[i],
			    lit ? "|" : "");
			text_draw_fit(u->text, FACE_SANS, px, c, x + pad, cy,
			    tw, line);
		} else {
			m->rows[i] = row;
			text_draw_fit(u->text, FACE_SANS, px, c, x + pad, cy,
			    tw, m->items[i].label);
		}
		cy += lh;
	}
	cy += pad;
	if (said[0]) {
		text_wrap(u->text, FACE_SANS, px, th->text, x + pad, cy, tw, 0,
		    TEXT_DRAW, said);
		cy += said_lines * lh;
	}
	if (m->err[0]) {
		text_wrap(u->text, FACE_BOLD, px, th->lost, x + pad, cy, tw, 0,
		    TEXT_DRAW, m->err);
		cy += err_lines * lh;
	}
	cy += pad / 2;
	text_draw_fit(u->text, FACE_SANS, px, th->dim, x + pad, cy, tw,
	    ui_word(u, m->form ? W_WI_FORM_KEYS : W_WI_MENU_KEYS));
}
