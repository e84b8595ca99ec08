/*
 * test_window_inspector.c: the packet inspector in the window's
 * language (issue 11, point 7).  Every frame of the bundled lessons
 * (DNS, SMTP, LMTP, POP3, IMAP, TCP's handshake and retransmissions) is
 * decoded and put in Indonesian as panel_inspector.c does: every field
 * has its Indonesian name, every word of a value its Indonesian words,
 * and none of them is a common English word (english_words.c); in
 * English the window says exactly what decode.c says.  Every key
 * decode.c can write has both translations, and the names fit the
 * inspector's column at 1024x768.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "english_words.h"
#include "lang.h"
#include "narrate.h"
#include "window_helpers.h"

static const char *const lessons[] = {
	"scenarios/default.json",		/* all of them */
	"scenarios/02-packets-and-tcp.json",	/* the handshake */
	"scenarios/04b-dns-from-the-root.json",	/* referrals */
	"scenarios/07-no-such-domain.json",	/* NXDOMAIN */
	"scenarios/08-pop3-then-phone.json",	/* POP3, LMTP */
	"scenarios/08b-imap-two-devices.json",	/* IMAP */
	"scenarios/14-lossy-link.json",		/* retransmissions */
};

/* Row r's name and value in L and in English, checked. */
static void
check_row(const struct decode_row *r, const struct narr_lang *id,
    const struct narr_lang *en, const char *where)
{
	char buf[512], want[512], w[64];

	/* English: the window writes the row as decode.c does. */
	panel_inspector_row_words(en, r, buf, sizeof buf);
	snprintf(want, sizeof want, "%s: %s", r->field, r->value);
	ck_assert_msg(strcmp(buf, want) == 0, "%s: en \"%s\", decode \"%s\"",
	    where, buf, want);

	ck_assert_msg(r->key != NULL, "%s: row %s has no key", where,
	    r->field);
	if (strcmp(r->key, "imf.field") != 0) {
		const char *name = narr_lang_word(id, "fields", r->key);

		ck_assert_msg(name != NULL, "%s: id.json lacks fields.%s",
		    where, r->key);
		ck_assert_msg(first_english(name, w, sizeof w) == NULL,
		    "%s: fields.%s: English \"%s\" in \"%s\"", where, r->key,
		    w, name);
	}
	if (r->vkey == NULL)
		return;
	ck_assert_msg(narr_lang_word(id, "values", r->vkey) != NULL,
	    "%s: id.json lacks values.%s", where, r->vkey);
	for (int i = 0; i < DECODE_NARGS; i++)
		for (const char *a = strstr(r->arg[i], "{w."); a != NULL;
		    a = strstr(a + 1, "{w.")) {
			char key[64];

			snprintf(key, sizeof key, "%.*s",
			    (int)strcspn(a + 1, "}"), a + 1);
			ck_assert_msg(narr_lang_word(id, "values", key) != NULL,
			    "%s: id.json lacks values.%s", where, key);
		}
	/* The value as the student reads it: its words Indonesian. */
	panel_inspector_row_words(id, r, buf, sizeof buf);
	ck_assert_msg(first_english(buf, w, sizeof w) == NULL,
	    "%s: English \"%s\" in \"%s\"", where, w, buf);
	ck_assert_msg(strstr(buf, "{") == NULL, "%s: \"%s\"", where, buf);
}

/* Every frame of every lesson, and every DNS message, in Indonesian. */
START_TEST(test_inspector_every_frame_in_indonesian)
{
	const struct narr_lang *id = lang_get("id"), *en = lang_get("en");
	static struct decode_row rows[DECODE_MAX_ROWS];
	char where[256], buf[512], w[64];
	int vkeys = 0, frames = 0, dns = 0, elided = 0;

	ck_assert_ptr_nonnull(id);
	ck_assert_ptr_nonnull(en);
	for (size_t f = 0; f < sizeof lessons / sizeof lessons[0]; f++) {
		struct wh wh;

		ck_assert_int_eq(wh_open(&wh, lessons[f], 1024, 768, "id"), 0);
		const struct trace *tr = wh.u->tr;
		uint32_t next = 0;	/* frames are numbered as made */

		for (size_t i = 0; i < trace_count(tr); i++) {
			const struct trace_rec r = trace_at(tr, i);

			if (r.kind == TR_APP && r.a == APP_DNS && r.text) {
				/* The sequence diagram's words of a DNS message. */
				words_dns_text("id", trace_text_at(tr, r.text),
				    buf, sizeof buf);
				ck_assert_msg(first_english(buf, w, sizeof w) ==
				    NULL, "%s step %zu: English \"%s\" in "
				    "\"%s\"", lessons[f], i + 1, w, buf);
				dns++;
			}
			/*
			 * A mail line's description of the bytes it leaves out
			 * (the message, a password) is in Indonesian there too.
			 */
			if (r.kind == TR_APP && r.a != APP_DNS) {
				panel_sequence_label(wh.u, i, buf, sizeof buf);
				ck_assert_msg(strstr(buf, "(the message") == NULL &&
				    strstr(buf, "(password") == NULL,
				    "%s step %zu: \"%s\"", lessons[f], i + 1, buf);
				elided += strstr(buf, "(isi surat: ") != NULL;
			}
			/* Each frame once, where it is made. */
			if (r.kind != TR_FRAME_TX || r.frame == TRACE_NONE ||
			    r.frame < next)
				continue;
			next = r.frame + 1;
			frames++;
			int n = sim_decode_in(wh.u->sc, tr, &r, rows,
			    DECODE_MAX_ROWS);
			ck_assert_int_gt(n, 0);
			for (int k = 0; k < n; k++) {
				snprintf(where, sizeof where, "%s step %zu row "
				    "%d (%s)", lessons[f], i + 1, k,
				    rows[k].field);
				check_row(&rows[k], id, en, where);
				vkeys += rows[k].vkey != NULL;
			}
		}
		wh_close(&wh);
	}
	ck_assert_int_gt(frames, 1000);
	ck_assert_int_gt(vkeys, frames);
	ck_assert_int_gt(dns, 20);
	ck_assert_int_gt(elided, 0);
	/* The packets' labels in the picture. */
	ck_assert_str_eq(words_packet_label("id", "DNS answer"), "Jawab DNS");
	ck_assert_str_eq(words_packet_label("en", "DNS answer"), "DNS answer");
	ck_assert_str_eq(words_packet_label("id", "SYN"), "SYN");
}
END_TEST

/*
 * Every key decode.c can write is listed (read from its source: a key
 * it writes but does not list would show as a key), and every listed
 * key has its words in en.json and id.json: the English exactly
 * decode.c's, the Indonesian with no English word.
 */
START_TEST(test_inspector_keys_translated)
{
	/* As the window loads them: assets/lang/ first, then the copy built in. */
	const struct narr_lang *id = lang_get("id"), *en = lang_get("en");
	size_t nf, nv, len;
	const char *const *fk = decode_field_keys(&nf);
	const char *const *vk = decode_value_keys(&nv);
	char w[64];

	ck_assert_ptr_nonnull(id);
	ck_assert_ptr_nonnull(en);
	ck_assert_uint_gt(nf, 50);
	ck_assert_uint_gt(nv, 40);
	for (int s = 0; s < 2; s++) {
		const char *const *k = s == 0 ? fk : vk;
		const char *sect = s == 0 ? "fields" : "values";

		for (size_t i = 0; i < (s == 0 ? nf : nv); i++) {
			const char *e = narr_lang_word(en, sect, k[i]);
			const char *t = narr_lang_word(id, sect, k[i]);
			const char *d = s == 0 ? decode_field_en(k[i]) :
			    decode_value_en(k[i]);

			ck_assert_msg(e != NULL, "en.json lacks %s.%s", sect,
			    k[i]);
			ck_assert_msg(t != NULL, "id.json lacks %s.%s", sect,
			    k[i]);
			ck_assert_msg(strcmp(e, d) == 0, "en.json %s.%s is "
			    "\"%s\", decode.c says \"%s\"", sect, k[i], e, d);
			ck_assert_msg(first_english(t, w, sizeof w) == NULL,
			    "id.json %s.%s: English \"%s\" in \"%s\"", sect,
			    k[i], w, t);
			/* The same numbers in both: {1} in one is {1} in the other. */
			for (int a = 1; a <= DECODE_NARGS; a++) {
				char ph[4] = { '{', (char)('0' + a), '}', 0 };

				ck_assert_msg(!strstr(d, ph) == !strstr(t, ph),
				    "id.json %s.%s: %s", sect, k[i], ph);
			}
		}
	}
	/* Nothing in the files that the inspector does not show. */
	struct buf lint = { 0 };
	narr_lang_lint(id, "id.json", &lint);
	narr_lang_lint(en, "en.json", &lint);
	ck_assert_msg(lint.data == NULL || strstr((char *)lint.data,
	    "inspector") == NULL, "%s", (char *)lint.data);
	buf_free(&lint);

	/* Every key written in decode.c's source is one it lists. */
	FILE *fp = fopen("sim/explain/decode.c", "r");
	ck_assert_ptr_nonnull(fp);
	char *src = calloc(1, 1 << 20);
	len = fread(src, 1, (1 << 20) - 1, fp);
	fclose(fp);
	ck_assert_uint_gt(len, 1000);
	int seen = 0;
	for (char *q = strchr(src, '"'); q != NULL; q = strchr(q + 1, '"')) {
		static const char *const fam[] = { "eth.", "ip.", "tcp.",
		    "udp.", "dns.", "app.", "imf.", "v.", "w." };
		size_t n = strcspn(q + 1, "\"");
		char key[64];

		if (n == 0 || n >= sizeof key || q[1 + n] != '"')
			continue;
		snprintf(key, sizeof key, "%.*s", (int)n, q + 1);
		/* A header's name ("eth.h") is not a key. */
		int is_key = strspn(key, "abcdefghijklmnopqrstuvwxyz_.0123456789")
		    == n && !(n > 2 && strcmp(key + n - 2, ".h") == 0);
		for (size_t j = 0; is_key && j < sizeof fam / sizeof fam[0];
		    j++) {
			if (strncmp(key, fam[j], strlen(fam[j])) != 0 ||
			    n == strlen(fam[j]))
				continue;
			ck_assert_msg(strcmp(key, "imf.field") == 0 ||
			    decode_field_en(key) != NULL ||
			    decode_value_en(key) != NULL,
			    "decode.c writes key %s, which it does not list",
			    key);
			seen++;
		}
		q += n + 1;
	}
	ck_assert_int_gt(seen, 150);
	free(src);
}
END_TEST

/*
 * At 1024x768 in Indonesian: a TCP segment's fields are in Indonesian,
 * and every field's name, with its colon and a digit, fits the row.
 */
START_TEST(test_inspector_names_fit_1024)
{
	struct wh wh;
	size_t nf;
	const char *const *fk = decode_field_keys(&nf);

	ck_assert_int_eq(wh_open(&wh, "scenarios/02-packets-and-tcp.json",
	    1024, 768, "id"), 0);
	struct ui *u = wh.u;
	long step = wh_apply(u, "frame:EHLO");
	ck_assert_int_gt(step, 0);
	wh_draw(&wh);
	int rows = panel_inspector_rows(u), seq = 0, english = 0;
	for (int i = 0; i < rows; i++) {
		const char *t = panel_inspector_row_text(u, i);
		seq += strncmp(t, "Nomor urut: ", 12) == 0;
		english += strncmp(t, "Sequence number", 15) == 0;
	}
	ck_assert_int_eq(seq, 1);
	ck_assert_int_eq(english, 0);

	const struct narr_lang *id = u->lang[u->app.lang];
	int pad = layout_px(&u->lay, 8);
	int room = u->lay.right.w - 3 * pad;	/* panel_inspector_draw's field rows */
	for (size_t i = 0; i < nf; i++) {
		char buf[128];

		snprintf(buf, sizeof buf, "%s: 0", narr_lang_word(id, "fields",
		    fk[i]));
		int tw = text_width(u->text, FACE_SANS, u->lay.font_small, buf);
		ck_assert_msg(tw <= room, "\"%s\" is %d px, the row %d", buf,
		    tw, room);
	}
	/* And in English the same frame says what it always did. */
	u->app.lang = 0;
	ck_assert_str_eq(ui_lang(u), "en");
	wh_draw(&wh);
	seq = 0;
	for (int i = 0; i < panel_inspector_rows(u); i++)
		seq += strncmp(panel_inspector_row_text(u, i),
		    "Sequence number: ", 17) == 0;
	ck_assert_int_eq(seq, 1);
	wh_close(&wh);
}
END_TEST

/*
 * The hex dump fits the panel with its printable column: 6 bytes a line
 * at 1024x768, 1280x720 and 1920x1080, where 8 and their column do not
 * fit (the panel and the font grow together).
 */
START_TEST(test_inspector_hex_fits)
{
	static const struct {
		int w, h, per;
	} z[] = { { 1280, 720, 6 }, { 1024, 768, 6 }, { 1920, 1080, 6 } };

	for (size_t k = 0; k < sizeof z / sizeof z[0]; k++) {
		struct wh wh;
		int per, ascii, right;

		ck_assert_int_eq(wh_open(&wh, "scenarios/02-packets-and-tcp.json",
		    z[k].w, z[k].h, "en"), 0);
		ck_assert_int_gt(wh_apply(wh.u, "frame:EHLO"), 0);
		wh_draw(&wh);
		panel_inspector_hex(wh.u, &per, &ascii, &right);
		ck_assert_int_eq(per, z[k].per);
		ck_assert_int_eq(ascii, 1);
		ck_assert_int_le(right, wh.u->lay.right.x + wh.u->lay.right.w);
		wh_close(&wh);
	}
}
END_TEST

Suite *
window_inspector_suite(void)
{
	Suite *s = suite_create("window_inspector");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_inspector_every_frame_in_indonesian);
	tcase_add_test(tc, test_inspector_keys_translated);
	tcase_add_test(tc, test_inspector_names_fit_1024);
	tcase_add_test(tc, test_inspector_hex_fits);
	suite_add_tcase(s, tc);
	return s;
}
