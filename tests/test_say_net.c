/*
 * test_say_net.c: narration at the source for the network, TCP and DNS
 * (issue 10): every record net.c, tcp.c, udp.c and the DNS files write
 * in every bundled scenario carries its narration key, a key the
 * narrator knows and both language files hold; the key a transport gave
 * a frame is the one its bytes show; an MX answer names every server.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "run_helpers.h"
#include "narrate.h"
#include "trace.h"
#include "util.h"
#include "world.h"

/* The records whose narration the network, TCP and DNS layers choose. */
static int
is_net_dns(const struct trace_rec *r)
{
	switch (r->kind) {
	case TR_FRAME_QUEUED:
	case TR_FRAME_TX:
	case TR_FRAME_RX:
	case TR_FRAME_DROP:
	case TR_NODE_STATE:
	case TR_LINK_STATE:
	case TR_TCP_STATE:
	case TR_TCP_RETX:
	case TR_TCP_ERROR:
		return 1;
	case TR_APP:
		return r->a == APP_DNS;
	case TR_STATE:
		return r->a == ST_DNS_CACHE_ADD || r->a == ST_DNS_CACHE_EXPIRE;
	default:
		return 0;
	}
}

/* The key of record r, NUL-terminated in key (size n); 0 where it has none. */
static int
say_key(const struct trace *tr, const struct trace_rec *r, char *key,
    size_t n)
{
	struct trace_say y;

	if (!trace_say_read(tr, r->say, &y) || y.key_len >= n)
		return 0;
	memcpy(key, y.key, y.key_len);
	key[y.key_len] = '\0';
	return 1;
}

/* The value of argument name of record r's narration, or NULL. */
static char *
say_arg(const struct trace *tr, const struct trace_rec *r, const char *name)
{
	struct trace_say y;

	if (!trace_say_read(tr, r->say, &y))
		return NULL;
	for (int i = 0; i < y.nargs; i++)
		if (y.arg[i].name_len == strlen(name) &&
		    memcmp(y.arg[i].name, name, y.arg[i].name_len) == 0)
			return xasprintf("%.*s", (int)y.arg[i].value_len,
			    y.arg[i].value);
	return NULL;
}

static int
known_key(const char *key)
{
	size_t n;
	const char *const *keys = narrate_keys(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

/* Every bundled scenario, NULL-terminated; the caller frees. */
static char **
bundled(void)
{
	DIR *d = opendir("scenarios");
	struct dirent *de;
	char **v = xcalloc(1, sizeof *v);
	int k = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			v = xrealloc(v, (size_t)(k + 2) * sizeof *v);
			v[k++] = xasprintf("scenarios/%s", de->d_name);
			v[k] = NULL;
		}
	}
	closedir(d);
	ck_assert_int_gt(k, 5);
	return v;
}

START_TEST(every_net_dns_record_has_a_key)
{
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	char **files = bundled();
	size_t seen[TR_NKINDS] = { 0 }, cache = 0, dns = 0;

	for (char **f = files; *f; f++) {
		struct test_run r = test_run_file(*f);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec rec = trace_at(tr, i);
			char key[128];

			if (!is_net_dns(&rec))
				continue;
			ck_assert_msg(rec.say != 0, "%s: record %zu (%s) has "
			    "no say", *f, i, trace_kind_name(rec.kind));
			ck_assert_msg(say_key(tr, &rec, key, sizeof key),
			    "%s: record %zu: say unreadable", *f, i);
			ck_assert_msg(known_key(key), "%s: record %zu: key %s "
			    "not in narrate_keys()", *f, i, key);
			ck_assert_msg(narr_lang_text(en, key) != NULL,
			    "en.json lacks %s", key);
			ck_assert_msg(narr_lang_text(id, key) != NULL,
			    "id.json lacks %s", key);
			/* The narrator takes the record's key as it is. */
			ck_assert_str_eq(narrate_key(r.sim, i), key);
			seen[rec.kind]++;
			dns += rec.kind == TR_APP;
			cache += rec.kind == TR_STATE;
		}
		test_run_free(&r);
	}
	/* Not vacuous: the lessons show every kind but a cut cable. */
	for (int k = 0; k < TR_APP; k++)
		ck_assert_msg(seen[k] > 0 || k == TR_LINK_STATE,
		    "no %s record in any lesson",
		    trace_kind_name((enum trace_kind)k));
	ck_assert_uint_gt(dns, 0);
	ck_assert_uint_gt(cache, 0);
	for (char **f = files; *f; f++)
		free(*f);
	free(files);
	narr_lang_free(en);
	narr_lang_free(id);
}
END_TEST

/*
 * The key a transport gave each frame it sent is the one a reader of
 * its bytes would give (RFC 793 3.1's flags; UDP by the IPv4 protocol),
 * and net's hop keys match the addresses: a frame arrives where its
 * destination address is, and a router's last hop hands it to that node.
 */
START_TEST(frame_keys_match_the_bytes)
{
	static const char *const files[] = {
		"scenarios/02-packets-and-tcp.json",
		"scenarios/14-lossy-link.json",
		"scenarios/04b-dns-from-the-root.json",
	};
	size_t origin = 0, arrived = 0, last = 0;

	for (size_t fi = 0; fi < sizeof files / sizeof files[0]; fi++) {
		struct test_run r = test_run_file(files[fi]);
		const struct trace *tr = sim_trace(r.sim);

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec rec = trace_at(tr, i);
			const uint8_t *p, *l4;
			const char *want;
			char key[128];
			uint32_t dst;

			if (rec.kind != TR_FRAME_TX && rec.kind != TR_FRAME_RX)
				continue;
			ck_assert(say_key(tr, &rec, key, sizeof key));
			p = trace_frame_bytes(tr, rec.frame);
			dst = get32(p + 14 + 16);
			l4 = p + 14 + (size_t)(p[14] & 15) * 4;
			if (rec.kind == TR_FRAME_RX) {
				int here = r.sc->nodes[rec.node].ip == dst;

				arrived += here;
				ck_assert_str_eq(key, here ? "frame.rx.arrived" :
				    "frame.rx");
				continue;
			}
			if (!rec.a) {
				int to = r.sc->nodes[rec.peer].ip == dst;

				last += to;
				ck_assert_str_eq(key, to ? "frame.tx.forward.last" :
				    "frame.tx.forward");
				continue;
			}
			origin++;
			if (p[14 + 9] == 17)
				want = "frame.tx.origin.udp";
			else if (l4[13] & 0x04)
				want = "frame.tx.origin.tcp_rst";
			else if ((l4[13] & 0x12) == 0x12)
				want = "frame.tx.origin.tcp_syn_ack";
			else if (l4[13] & 0x02)
				want = "frame.tx.origin.tcp_syn";
			else if (l4[13] & 0x01)
				want = "frame.tx.origin.tcp_fin";
			else	/* the IPv4 total length: a bare ACK is padded to 60 */
				want = get16(p + 14 + 2) >
				    20 + (size_t)(l4[12] >> 4) * 4 ?
				    "frame.tx.origin.tcp_data" :
				    "frame.tx.origin.tcp_ack";
			ck_assert_msg(strcmp(key, want) == 0, "%s: record %zu: "
			    "%s, the bytes say %s", files[fi], i, key, want);
		}
		test_run_free(&r);
	}
	ck_assert_uint_gt(origin, 100);
	ck_assert_uint_gt(arrived, 100);
	ck_assert_uint_gt(last, 100);
}
END_TEST

/*
 * Lesson 11: the domain has two MX records, 10 and 20.  The answer now
 * names both servers with their preference, lowest first (RFC 5321
 * section 5.1), where the old guess from the transcript named only the
 * first.
 */
START_TEST(mx_answer_names_both_servers)
{
	struct test_run r = test_run_file("scenarios/11-backup-mx.json");
	const struct trace *tr = sim_trace(r.sim);
	struct narr_lang *en = test_load_lang("assets/lang/en.json");
	struct narr_lang *id = test_load_lang("assets/lang/id.json");
	int found = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		char key[128];

		if (rec.kind != TR_APP || rec.a != APP_DNS ||
		    !say_key(tr, &rec, key, sizeof key) ||
		    strcmp(key, "dns.answer.mx.several") != 0)
			continue;
		char *v = say_arg(tr, &rec, "value");
		char *n = say_arg(tr, &rec, "count");
		char *name = say_arg(tr, &rec, "name");
		struct buf out = { 0 }, out_id = { 0 };

		ck_assert_str_eq(v,
		    "mx.penerimamail.com (10), mx2.penerimamail.com (20)");
		ck_assert_str_eq(n, "2");
		ck_assert_str_eq(name, "penerimamail.com");
		narrate(r.sim, en, NULL, i, &out);
		buf_putc(&out, '\0');
		ck_assert_ptr_nonnull(strstr((char *)out.data,
		    "mx.penerimamail.com (10), mx2.penerimamail.com (20)"));
		ck_assert_ptr_nonnull(strstr((char *)out.data, "2 servers"));
		narrate(r.sim, id, en, i, &out_id);
		buf_putc(&out_id, '\0');
		ck_assert_ptr_nonnull(strstr((char *)out_id.data,
		    "mx2.penerimamail.com (20)"));
		ck_assert_ptr_null(strstr((char *)out_id.data, "servers"));
		buf_free(&out);
		buf_free(&out_id);
		free(v);
		free(n);
		free(name);
		found++;
	}
	ck_assert_int_ge(found, 1);
	/* A domain with one MX keeps the old sentence: one server, no list. */
	narr_lang_free(en);
	narr_lang_free(id);
	test_run_free(&r);

	r = test_run_file("scenarios/04-dns-mx.json");
	tr = sim_trace(r.sim);
	found = 0;
	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		char key[128];

		if (rec.kind != TR_APP || rec.a != APP_DNS ||
		    !say_key(tr, &rec, key, sizeof key))
			continue;
		ck_assert_str_ne(key, "dns.answer.mx.several");
		if (strcmp(key, "dns.answer.mx") == 0) {
			char *v = say_arg(tr, &rec, "value");

			ck_assert_str_eq(v, "mx.penerimamail.com");
			free(v);
			found++;
		}
	}
	ck_assert_int_ge(found, 1);
	test_run_free(&r);
}
END_TEST

/*
 * A recursive server's cache: what it learns and forgets, with the
 * record's name, type, value (an MX: its exchange) and how long.
 */
START_TEST(cache_records_say_what_was_learnt)
{
	struct test_run r = test_run_file("scenarios/04b-dns-from-the-root.json");
	const struct trace *tr = sim_trace(r.sim);
	int add = 0;

	for (size_t i = 0; i < trace_count(tr); i++) {
		const struct trace_rec rec = trace_at(tr, i);
		char key[128];

		if (rec.kind != TR_STATE || rec.a != ST_DNS_CACHE_ADD)
			continue;
		ck_assert(say_key(tr, &rec, key, sizeof key));
		ck_assert_str_eq(key, "state.dns_cache_add");
		char *name = say_arg(tr, &rec, "name");
		char *type = say_arg(tr, &rec, "type");
		char *value = say_arg(tr, &rec, "value");
		char *secs = say_arg(tr, &rec, "seconds");
		const char *text = trace_text_at(tr, rec.text);

		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(type);
		ck_assert_ptr_nonnull(value);
		ck_assert_ptr_nonnull(secs);
		/* The transcript's "name TYPE data ttl=N" says the same. */
		ck_assert_msg(strncmp(text, name, strlen(name)) == 0, "%s", text);
		ck_assert_ptr_nonnull(strstr(text, value));
		ck_assert_ptr_nonnull(strstr(text, secs));
		if (strcmp(type, "MX") == 0)
			ck_assert_ptr_null(strchr(value, ' '));
		free(name);
		free(type);
		free(value);
		free(secs);
		add++;
	}
	ck_assert_int_gt(add, 0);
	test_run_free(&r);
}
END_TEST

/* No lesson cuts a cable: cut one, mend it, and switch a machine off and on. */
START_TEST(link_and_node_records_say_which)
{
	static const char *const want[] = {
		"link.down", "link.up", "node.off", "node.on",
	};
	struct sc_errors errs = { 0 };
	size_t len;
	char *text = test_slurp("scenarios/02-packets-and-tcp.json", &len);
	struct scenario *sc = scenario_load(text, len, "t", &errs);
	struct sim *s;
	const struct trace *tr;
	size_t n0;

	ck_assert_ptr_nonnull(sc);
	free(text);
	s = sim_new(sc, sc->seed);
	tr = sim_trace(s);
	n0 = trace_count(tr);
	net_set_link(s, 0, 0);
	net_set_link(s, 0, 1);
	net_set_node(s, 0, 0);
	net_set_node(s, 0, 1);
	ck_assert_uint_eq(trace_count(tr), n0 + 4);
	for (size_t i = 0; i < 4; i++) {
		char key[64];
		struct trace_rec r = trace_at(tr, n0 + i);

		ck_assert(say_key(tr, &r, key, sizeof key));
		ck_assert_str_eq(key, want[i]);
		ck_assert_str_eq(narrate_key(s, n0 + i), want[i]);
	}
	sim_free(s);
	scenario_free(sc);
}
END_TEST

Suite *
say_net_suite(void)
{
	Suite *s = suite_create("say_net");
	TCase *tc = tcase_create("say_net");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, every_net_dns_record_has_a_key);
	tcase_add_test(tc, frame_keys_match_the_bytes);
	tcase_add_test(tc, mx_answer_names_both_servers);
	tcase_add_test(tc, cache_records_say_what_was_learnt);
	tcase_add_test(tc, link_and_node_records_say_which);
	suite_add_tcase(s, tc);
	return s;
}
