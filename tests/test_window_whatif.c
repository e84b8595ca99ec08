/*
 * test_window_whatif.c: interventions in the window (issue 14, points
 * 1-3): K switches the selected node off at the current step and the
 * window runs the rest again, keeping the past record for record; W
 * shows the original or the what-if; U undoes; the comparison and the
 * sentences; and the real window under Xvfb, driven by xdotool.
 */
#include <SDL2/SDL_image.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "compare.h"
#include "window_helpers.h"

#define LESSON	"scenarios/11-backup-mx.json"

static struct wh w;

static void
setup(void)
{
	ck_assert_int_eq(SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
	ck_assert_int_eq(wh_open(&w, LESSON, 1280, 720, "en"), 0);
	wh_draw(&w);
}

static void
teardown(void)
{
	wh_close(&w);
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
}

static void
key(SDL_Keycode sym)
{
	SDL_Event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = SDL_KEYDOWN;
	ev.key.state = SDL_PRESSED;
	ev.key.keysym.sym = sym;
	ev.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
	ck_assert_int_eq(SDL_PushEvent(&ev), 1);
	while (SDL_PollEvent(&ev))
		input_event(w.u, &ev);
	wh_draw(&w);
}

static int
node_of(const char *id)
{
	for (int i = 0; i < w.u->sc->nnodes; i++)
		if (strcmp(w.u->sc->nodes[i].id, id) == 0)
			return i;
	ck_abort_msg("no node %s", id);
	return -1;
}

/* A record as plain values, its text and its frame's bytes (offsets into arenas differ not). */
struct rec_copy {
	struct trace_rec r;
	char		 text[256];
	uint8_t		 bytes[64];
	uint32_t	 len;
};

static struct rec_copy *
copy_records(size_t n)
{
	const struct trace *tr = w.u->tr;
	struct rec_copy *c = calloc(n, sizeof *c);

	ck_assert_uint_ge(trace_count(tr), n);
	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *r = trace_get(tr, i);
		c[i].r.t = r->t;
		c[i].r.kind = r->kind;
		c[i].r.dir = r->dir;
		c[i].r.node = r->node;
		c[i].r.peer = r->peer;
		c[i].r.link = r->link;
		c[i].r.frame = r->frame;
		c[i].r.a = r->a;
		c[i].r.b = r->b;
		c[i].r.say = r->say;
		if (r->text)
			snprintf(c[i].text, sizeof c[i].text, "%s",
			    trace_text_at(tr, r->text));
		if (r->frame != TRACE_NONE) {
			c[i].len = trace_frame(tr, r->frame)->len;
			memcpy(c[i].bytes, trace_frame_bytes(tr, r->frame),
			    c[i].len < 64 ? c[i].len : 64);
		}
	}
	return c;
}

static void
same_records(const struct rec_copy *a, size_t n)
{
	struct rec_copy *b = copy_records(n);

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(memcmp(&a[i].r, &b[i].r, sizeof a[i].r) == 0 &&
		    strcmp(a[i].text, b[i].text) == 0 && a[i].len == b[i].len &&
		    memcmp(a[i].bytes, b[i].bytes, sizeof a[i].bytes) == 0,
		    "record %zu (step %zu) differs in the what-if", i, i + 1);
	free(b);
}

/* The row of the lesson's mail to penerima in the comparison. */
static const struct cmp_row *
mail_row(void)
{
	const struct compare *c = whatif_comparison(w.u);

	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < c->nrows; i++)
		if (!c->rows[i].bounce && strstr(c->rows[i].rcpt, "penerima@"))
			return &c->rows[i];
	ck_abort_msg("no row for the mail to penerima");
	return NULL;
}

/* The mailbox server's messages at the last step. */
static int
mailbox_at_end(void)
{
	int mb = node_of("mailbox-penerima");

	view_seek(w.u->view, view_steps(w.u->view) - 1);
	int n = view_state(w.u->view)->mailbox[mb];
	view_seek(w.u->view, w.u->app.step);
	return n;
}

/*
 * Lesson 11: mx2 switched off at step 100, before the sending server
 * reaches it: the past up to step 100 is the same record for record, the
 * window stays at step 100, the mail is not delivered (retried, then
 * bounced), W shows the original again (delivered) and U undoes.
 */
START_TEST(test_whatif_power_fork)
{
	const size_t N = 100;
	int mx2 = node_of("mx2-penerima");

	ck_assert_int_eq(mailbox_at_end(), 1);
	app_seek(&w.u->app, N);
	struct rec_copy *past = copy_records(N);
	struct app_command sel = { CMD_SELECT_NODE, mx2, 0 };
	app_do(&w.u->app, &sel);
	wh_draw(&w);
	view_seek(w.u->view, N);
	ck_assert_int_eq(view_state(w.u->view)->node_up[mx2], 1);

	key(SDLK_k);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_int_eq(whatif_showing(w.u), 1);
	ck_assert_uint_eq(w.u->app.step, N);
	ck_assert_int_eq(w.u->app.sel_node, mx2);
	ck_assert_uint_eq(whatif_fork_step(w.u, 0), N);
	ck_assert_msg(strstr(w.u->toast, "What if") && strstr(w.u->toast,
	    "switched off now"), "%s", w.u->toast);
	same_records(past, N);
	/* Just after the fork, mx2 is off; the mail never reaches the mailbox. */
	view_seek(w.u->view, N + 1 < view_steps(w.u->view) ? N + 1 : N);
	ck_assert_int_eq(view_state(w.u->view)->node_up[mx2], 0);
	ck_assert_int_eq(mailbox_at_end(), 0);
	const struct cmp_row *r = mail_row();
	ck_assert_int_eq(r->a.status, CMP_DELIVERED);
	ck_assert_int_ne(r->b.status, CMP_DELIVERED);
	ck_assert_int_gt(r->b.nretries, 0);
	ck_assert_int_gt(w.u->wi ? whatif_comparison(w.u)->ndiffer : 0, 0);

	/* W: the original again, at the same step; W again: the what-if. */
	key(SDLK_w);
	ck_assert_int_eq(whatif_showing(w.u), 0);
	ck_assert_uint_eq(w.u->app.step, N);
	ck_assert_int_eq(mailbox_at_end(), 1);
	same_records(past, N);
	ck_assert_ptr_nonnull(whatif_comparison(w.u));
	/* No change on the original: the sentence says so. */
	key(SDLK_k);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->toast, "original run"), "%s", w.u->toast);
	key(SDLK_w);
	ck_assert_int_eq(whatif_showing(w.u), 1);
	ck_assert_int_eq(mailbox_at_end(), 0);

	/* Stacked: K again on mx2, off now, switches it on at a later step. */
	app_seek(&w.u->app, N + 20);
	key(SDLK_k);
	ck_assert_int_eq(whatif_count(w.u), 2);
	ck_assert_msg(strstr(w.u->toast, "switched on again"), "%s",
	    w.u->toast);
	ck_assert_int_eq(mailbox_at_end(), 1);

	/* U undoes the last, then the first: the original, and no box. */
	key(SDLK_u);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_int_eq(mailbox_at_end(), 0);
	key(SDLK_BACKSPACE);
	ck_assert_int_eq(whatif_count(w.u), 0);
	ck_assert_ptr_null(whatif_comparison(w.u));
	ck_assert_int_eq(mailbox_at_end(), 1);
	same_records(past, N);
	/* Nothing left to undo, and no what-if to switch to: sentences. */
	key(SDLK_u);
	ck_assert_msg(strstr(w.u->toast, "Nothing to undo"), "%s", w.u->toast);
	key(SDLK_w);
	ck_assert_msg(strstr(w.u->toast, "No what-if yet"), "%s", w.u->toast);
	free(past);
}
END_TEST

/* K with no node chosen is refused with a sentence, in Indonesian too. */
START_TEST(test_whatif_refused)
{
	app_seek(&w.u->app, 50);
	key(SDLK_k);
	ck_assert_int_eq(whatif_count(w.u), 0);
	ck_assert_msg(strstr(w.u->toast, "Click a node first"), "%s",
	    w.u->toast);
	key(SDLK_l);
	ck_assert_str_eq(ui_lang(w.u), "id");
	key(SDLK_k);
	ck_assert_msg(strstr(w.u->toast, "Klik sebuah simpul"), "%s",
	    w.u->toast);
	struct app_command sel = { CMD_SELECT_NODE, node_of("mx2-penerima"),
	    0 };
	app_do(&w.u->app, &sel);
	key(SDLK_k);
	ck_assert_msg(strstr(w.u->toast, "Bagaimana jika") &&
	    strstr(w.u->toast, "dimatikan"), "%s", w.u->toast);
	/* The comparison's box is drawn on the picture. */
	cJSON *j = ui_draw_boxes(w.u);
	char *s = cJSON_PrintUnformatted(j);
	ck_assert_msg(strstr(s, "\"panel\":\"whatif\""), "no what-if box");
	free(s);
	cJSON_Delete(j);
}
END_TEST

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 1 << 20);

	if (f == NULL) {
		free(s);
		return NULL;
	}
	size_t n = fread(s, 1, (1 << 20) - 1, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

/*
 * The real window under Xvfb, as a teacher would: lesson 11 at step 100,
 * a click on the backup MX's icon (found through --boxes: just above its
 * name), K, S saves the picture; the state file says a what-if is shown
 * whose outcome differs, with the sentence that announced it.
 */
START_TEST(test_xvfb_whatif)
{
	if (system("command -v xvfb-run >/dev/null && command -v xdotool "
	    ">/dev/null") != 0) {
		fprintf(stderr, "test_xvfb_whatif: SKIPPED: xvfb-run or xdotool "
		    "is missing\n");
		return;
	}
	char bin[8192], cwd[4096], cmd[9000];
	const char *b = getenv("SUREL_BIN") ? getenv("SUREL_BIN") : "./surel";
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(bin, sizeof bin, "%s%s%s", b[0] == '/' ? "" : cwd,
	    b[0] == '/' ? "" : "/", b);
	mkdir("build/xvfb-whatif", 0755);
	system("rm -f build/xvfb-whatif/*");
	/* Where the backup MX is drawn in a 1440x810 window at step 100. */
	snprintf(cmd, sizeof cmd, "%s view 11-backup-mx --step 100 --lang en "
	    "--size 1440x810 --screenshot build/xvfb-whatif/at100.png --boxes "
	    "build/xvfb-whatif/boxes.json", bin);
	ck_assert_int_eq(system(cmd), 0);
	char *js = slurp("build/xvfb-whatif/boxes.json");
	cJSON *root = cJSON_Parse(js), *bx;
	int cx = -1, cy = -1;
	cJSON_ArrayForEach(bx, cJSON_GetObjectItem(root, "boxes"))
		if (strcmp(cJSON_GetObjectItem(bx, "text")->valuestring,
		    "Backup mail server") == 0) {
			cx = cJSON_GetObjectItem(bx, "x")->valueint +
			    cJSON_GetObjectItem(bx, "w")->valueint / 2;
			cy = cJSON_GetObjectItem(bx, "y")->valueint - 20;
		}
	cJSON_Delete(root);
	free(js);
	ck_assert_int_gt(cx, 0);
	FILE *f = fopen("build/xvfb-whatif/run.sh", "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "set -e\n"
	    "cd build/xvfb-whatif\n"
	    "SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software SUREL_ASSETS=%s/assets "
	    "ASAN_OPTIONS=detect_leaks=0 SUREL_STATE_OUT=state.txt "
	    "%s 11-backup-mx --step 100 --lang en & pid=$!\n"
	    "wid=$(timeout 20 xdotool search --sync --name '^surel' | head -1)\n"
	    "xdotool windowfocus --sync \"$wid\" 2>/dev/null || true\n"
	    "sleep 1\n"
	    "xdotool mousemove --window \"$wid\" %d %d click 1; sleep 0.5\n"
	    "xdotool key k; sleep 1\n"
	    "if command -v import >/dev/null; then import -window root "
	    "whatif.png || true; fi\n"
	    "xdotool key s; sleep 0.5\n"
	    "xdotool key q\n"
	    "wait $pid\n", cwd, bin, cx, cy);
	fclose(f);
	/* A 1920x1080 screen: the window opens at 3/4 of it, 1440x810. */
	int st = system("timeout 90 xvfb-run -a -s '-screen 0 1920x1080x24' "
	    "bash build/xvfb-whatif/run.sh");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the window under Xvfb: status %d", st);
	char *s = slurp("build/xvfb-whatif/state.txt");
	ck_assert_msg(s != NULL, "the window wrote no state");
	ck_assert_msg(strstr(s, "step=100 ") && strstr(s, "whatif=1 showing=1 "
	    "differ=") && !strstr(s, "differ=0") && !strstr(s, "differ=-1"),
	    "%s", s);
	free(s);
	SDL_Surface *p = IMG_Load(
	    "build/xvfb-whatif/surel-11-backup-mx-step100.png");
	ck_assert_msg(p != NULL, "S saved no picture");
	SDL_FreeSurface(p);
}
END_TEST

Suite *
window_whatif_suite(void)
{
	Suite *s = suite_create("window_whatif");
	TCase *tc = tcase_create("whatif");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_whatif_power_fork);
	tcase_add_test(tc, test_whatif_refused);
	tcase_add_test(tc, test_xvfb_whatif);
	suite_add_tcase(s, tc);
	return s;
}
