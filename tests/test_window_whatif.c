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
#include "whatif.h"
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
	wh_key(&w, sym, 0);
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
		const struct trace_rec r = trace_at(tr, i);
		c[i].r.t = r.t;
		c[i].r.kind = r.kind;
		c[i].r.dir = r.dir;
		c[i].r.node = r.node;
		c[i].r.peer = r.peer;
		c[i].r.link = r.link;
		c[i].r.frame = r.frame;
		c[i].r.a = r.a;
		c[i].r.b = r.b;
		c[i].r.say = r.say;
		if (r.text)
			snprintf(c[i].text, sizeof c[i].text, "%s",
			    trace_text_at(tr, r.text));
		if (r.frame != TRACE_NONE) {
			c[i].len = trace_frame(tr, r.frame)->len;
			memcpy(c[i].bytes, trace_frame_bytes(tr, r.frame),
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

	/* K: the list of what can change on mx2, the sentence before it is done. */
	key(SDLK_k);
	ck_assert_int_eq(whatif_menu_is_open(w.u), 1);
	ck_assert_str_eq(whatif_menu_label(w.u, 0), "Switch Backup mail server "
	    "off");
	ck_assert_msg(strstr(whatif_menu_effect(w.u, 0), "Backup mail server is "
	    "switched off just after this step"), "%s",
	    whatif_menu_effect(w.u, 0));
	ck_assert_int_eq(whatif_count(w.u), 0);
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_menu_is_open(w.u), 0);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_int_eq(whatif_showing(w.u), 1);
	ck_assert_uint_eq(w.u->app.step, N);
	ck_assert_int_eq(w.u->app.sel_node, mx2);
	ck_assert_uint_eq(whatif_fork_step(w.u, 0), N);
	ck_assert_msg(strstr(w.u->toast, "switched off just after this step"),
	    "%s", w.u->toast);
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
	ck_assert_str_eq(whatif_menu_label(w.u, 0), "Switch Backup mail server "
	    "on again");
	/* Switching off what is off is refused, in a sentence, not done. */
	key(SDLK_DOWN);
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->toast, "is already off"), "%s", w.u->toast);
	key(SDLK_UP);
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 2);
	ck_assert_msg(strstr(w.u->toast, "switched on again just after"), "%s",
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
	/* N and Shift+N choose nodes without a mouse. */
	key(SDLK_n);
	ck_assert_int_eq(w.u->app.sel_node, 0);
	key(SDLK_n);
	ck_assert_int_eq(w.u->app.sel_node, 1);
	wh_key(&w, SDLK_n, KMOD_LSHIFT);
	wh_key(&w, SDLK_n, KMOD_LSHIFT);
	ck_assert_int_eq(w.u->app.sel_node, w.u->sc->nnodes - 1);
	struct app_command none = { CMD_SELECT_NONE, 0, 0 };
	app_do(&w.u->app, &none);
	app_seek(&w.u->app, 50);
	key(SDLK_k);
	ck_assert_int_eq(whatif_count(w.u), 0);
	ck_assert_msg(strstr(w.u->toast, "Right-click a node or a cable first"),
	    "%s", w.u->toast);
	key(SDLK_l);
	ck_assert_str_eq(ui_lang(w.u), "id");
	key(SDLK_k);
	ck_assert_msg(strstr(w.u->toast, "Klik kanan sebuah simpul"), "%s",
	    w.u->toast);
	struct app_command sel = { CMD_SELECT_NODE, node_of("mx2-penerima"),
	    0 };
	app_do(&w.u->app, &sel);
	key(SDLK_k);
	ck_assert_msg(strstr(whatif_menu_effect(w.u, 0), "dimatikan tepat "
	    "setelah langkah ini"), "%s", whatif_menu_effect(w.u, 0));
	/* A live world (surel live) has no what-if: said, in Indonesian here. */
	key(SDLK_ESCAPE);
	w.u->live = (struct bridge *)&w;	/* only compared with NULL here */
	key(SDLK_k);
	ck_assert_int_eq(whatif_menu_is_open(w.u), 0);
	ck_assert_msg(strstr(w.u->toast, "Dunia ini sedang hidup"), "%s",
	    w.u->toast);
	w.u->live = NULL;
	key(SDLK_k);
	/* Esc closes the list: nothing is done. */
	key(SDLK_ESCAPE);
	ck_assert_int_eq(whatif_menu_is_open(w.u), 0);
	ck_assert_int_eq(whatif_count(w.u), 0);
	key(SDLK_k);
	key(SDLK_RETURN);
	ck_assert_msg(strstr(w.u->toast, "dimatikan tepat setelah"), "%s",
	    w.u->toast);
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
 * a right click on the backup MX's icon (found through --boxes: just above
 * its name) opens the list, Enter switches it off, S saves the picture; the state file says a what-if is shown
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
	    "xdotool mousemove --window \"$wid\" %d %d click 3; sleep 0.5\n"
	    "xdotool key F12; sleep 0.5\n"
	    "mv surel-11-backup-mx-step100.png menu.png\n"
	    "xdotool key Return; sleep 1\n"
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
	/* F12 with the list open: the list is in the picture (its lit row's blue). */
	p = IMG_Load("build/xvfb-whatif/menu.png");
	ck_assert_msg(p != NULL, "F12 saved no picture of the list");
	SDL_FreeSurface(p);
}
END_TEST

/* The entry of the open list whose label starts with words, selected with the arrows. */
static void
choose(const char *words)
{
	int n = whatif_menu_count(w.u), i;

	for (i = 0; i < n; i++)
		if (strncmp(whatif_menu_label(w.u, i), words, strlen(words)) == 0)
			break;
	if (i == n)
		for (int k = 0; k < n; k++)
			fprintf(stderr, "entry %d: %s\n", k,
			    whatif_menu_label(w.u, k));
	ck_assert_msg(i < n, "no entry \"%s\" (%d entries)", words, n);
	while (w.u->wi->menu.sel != i)
		key(SDLK_DOWN);
}

/* Empty line k of the open form and type text in it. */
static void
retype(int k, const char *text)
{
	struct wi_menu *m = &w.u->wi->menu;

	ck_assert_int_eq(m->form, 1);
	while (m->fsel != k)
		key(SDLK_TAB);
	while (m->field[k][0])
		key(SDLK_BACKSPACE);
	wh_text(&w, text);
	ck_assert_str_eq(m->field[k], text);
}

/* A point on the cable between two nodes, off their icons and names. */
static void
cable_middle(const char *a, const char *b, int *x, int *y)
{
	int na = node_of(a), nb = node_of(b);

	for (int k = 50; k >= 10; k -= 5) {
		for (int s = -1; s <= 1; s += 2) {
			double t = 0.5 + s * (50 - k) / 100.0;
			*x = (int)(w.u->lay.nx[na] + t * (w.u->lay.nx[nb] -
			    w.u->lay.nx[na]));
			*y = (int)(w.u->lay.ny[na] + t * (w.u->lay.ny[nb] -
			    w.u->lay.ny[na]));
			if (draw_hit_node(w.u, *x, *y) < 0)
				return;
		}
	}
	ck_abort_msg("no point of the cable %s-%s is off the icons", a, b);
}

static void
save_picture(const char *name)
{
	char path[256];

	mkdir("build/whatif-pictures", 0755);
	snprintf(path, sizeof path, "build/whatif-pictures/%s.png", name);
	IMG_SavePNG(w.sf, path);
}

/*
 * A right click on the cable between the backup MX and its router: the
 * cable's list (cut, mend, losses); cutting it at step 100 keeps the mail
 * from the mailbox; cutting it again later is refused with a sentence;
 * mending it lets the retry through.
 */
START_TEST(test_whatif_cable_cut)
{
	const size_t N = 100;
	int x, y, l;

	app_seek(&w.u->app, N);
	wh_draw(&w);
	struct rec_copy *past = copy_records(N);
	cable_middle("mx2-penerima", "isp-penerima", &x, &y);
	l = draw_hit_link(w.u, x, y);
	ck_assert_int_ge(l, 0);
	wh_click(&w, x, y, SDL_BUTTON_RIGHT);
	ck_assert_int_eq(whatif_menu_is_open(w.u), 1);
	save_picture("cable-menu");
	ck_assert_str_eq(whatif_menu_label(w.u, 0), "Cut the cable between "
	    "Backup mail server and Recipient's ISP");
	ck_assert_msg(strstr(whatif_menu_effect(w.u, 0), "is cut just after "
	    "this step: nothing crosses it until it is mended"), "%s",
	    whatif_menu_effect(w.u, 0));
	ck_assert_msg(strstr(whatif_menu_effect(w.u, 1), "already works"),
	    "%s", whatif_menu_effect(w.u, 1));
	ck_assert_int_eq(whatif_menu_count(w.u), 6);
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	same_records(past, N);
	view_seek(w.u->view, N + 1);
	ck_assert_int_eq(view_state(w.u->view)->link_up[l], 0);
	ck_assert_int_eq(mailbox_at_end(), 0);
	ck_assert_int_ne(mail_row()->b.status, CMP_DELIVERED);
	save_picture("cable-cut");

	/* Later, the same cable: cutting it again changes nothing, and says so. */
	app_seek(&w.u->app, N + 40);
	wh_draw(&w);
	cable_middle("mx2-penerima", "isp-penerima", &x, &y);
	wh_click(&w, x, y, SDL_BUTTON_RIGHT);
	ck_assert_msg(strstr(whatif_menu_effect(w.u, 0), "already cut"), "%s",
	    whatif_menu_effect(w.u, 0));
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->toast, "This cable is already cut"), "%s",
	    w.u->toast);
	choose("Mend");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 2);
	ck_assert_int_eq(mailbox_at_end(), 1);
	ck_assert_int_eq(mail_row()->b.status, CMP_DELIVERED);

	/* A loss instead: 50 % on the cable, from the same step. */
	key(SDLK_u);
	key(SDLK_u);
	app_seek(&w.u->app, N);
	wh_draw(&w);
	cable_middle("mx2-penerima", "isp-penerima", &x, &y);
	wh_click(&w, x, y, SDL_BUTTON_RIGHT);
	choose("Make the cable lose 0%");
	ck_assert_msg(strstr(whatif_menu_effect(w.u, w.u->wi->menu.sel),
	    "already loses 0%"), "%s", whatif_menu_effect(w.u,
	    w.u->wi->menu.sel));
	choose("Make the cable lose 50%");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->toast, "loses 50% of the packets"), "%s",
	    w.u->toast);
	same_records(past, N);
	/* The next frames on that cable: some of them are lost now. */
	int lost = 0;
	for (size_t i = N; i < trace_count(w.u->tr); i++) {
		const struct trace_rec r = trace_at(w.u->tr, i);
		if (r.kind == TR_FRAME_DROP && r.link == l &&
		    r.a == DROP_LOSS)
			lost++;
	}
	ck_assert_int_gt(lost, 0);
	free(past);
}
END_TEST

/*
 * A new mail from the sender's laptop, written in the form: a wrong
 * address is refused in a sentence; the mail only the what-if sends is
 * delivered there and "not sent" in the original.
 */
START_TEST(test_whatif_new_mail)
{
	const size_t N = 150;

	app_seek(&w.u->app, N);
	struct rec_copy *past = copy_records(N);
	struct app_command sel = { CMD_SELECT_NODE,
	    node_of("laptop-pengirim"), 0 };
	app_do(&w.u->app, &sel);
	key(SDLK_k);
	choose("Write a new mail");
	key(SDLK_RETURN);
	struct wi_menu *m = &w.u->wi->menu;
	ck_assert_int_eq(m->form, 1);
	ck_assert_int_eq(m->nf, 5);
	ck_assert_str_eq(m->field[0], "pengirim@pengirimmail.com");
	ck_assert_str_eq(m->field[1], "penerima@penerimamail.com");
	retype(1, "penerima-at-penerimamail");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 0);
	ck_assert_msg(strstr(m->err, "is not an e-mail address"), "%s", m->err);
	save_picture("mail-form-error");
	retype(1, "penerima@penerimamail.com");
	retype(3, "Surat kedua");
	retype(4, "20");
	wh_draw(&w);
	save_picture("mail-form");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->toast, "pengirim@pengirimmail.com writes a "
	    "new mail to penerima@penerimamail.com just after this step"),
	    "%s", w.u->toast);
	same_records(past, N);
	const struct compare *c = whatif_comparison(w.u);
	int found = 0;
	for (int i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].subject, "Surat kedua") == 0) {
			found = 1;
			ck_assert_int_eq(c->rows[i].a.status, CMP_ABSENT);
			ck_assert_int_eq(c->rows[i].b.status, CMP_DELIVERED);
		}
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(mailbox_at_end(), 2);
	free(past);
}
END_TEST

/*
 * The DNS server's list has its records at this step; removing the
 * backup's MX record before the sending server asks leaves it nowhere
 * to go (the main MX is off): the mail waits.  Adding a record goes
 * through a form whose mistakes are said in the window's language.
 */
START_TEST(test_whatif_dns_records)
{
	const size_t N = 5;

	app_seek(&w.u->app, N);
	struct rec_copy *past = copy_records(N);
	struct app_command sel = { CMD_SELECT_NODE, node_of("dns"), 0 };
	app_do(&w.u->app, &sel);
	key(SDLK_k);
	choose("Remove the record penerimamail.com MX 20 mx2.penerimamail.com");
	ck_assert_msg(strstr(whatif_menu_effect(w.u, w.u->wi->menu.sel),
	    "DNS server forgets the record penerimamail.com MX 20 "
	    "mx2.penerimamail.com just after this step"), "%s",
	    whatif_menu_effect(w.u, w.u->wi->menu.sel));
	save_picture("dns-menu");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	same_records(past, N);
	ck_assert_int_eq(mailbox_at_end(), 0);
	ck_assert_int_ne(mail_row()->b.status, CMP_DELIVERED);
	/* The list now leaves the removed record out. */
	key(SDLK_k);
	for (int i = 0; i < whatif_menu_count(w.u); i++)
		ck_assert_msg(strstr(whatif_menu_label(w.u, i), "MX 20") == NULL,
		    "%s", whatif_menu_label(w.u, i));
	/* A record added: the form says what is wrong, in Indonesian too. */
	key(SDLK_ESCAPE);
	key(SDLK_l);
	key(SDLK_k);
	choose("Tambah catatan");
	key(SDLK_RETURN);
	key(SDLK_RETURN);
	ck_assert_msg(strstr(w.u->wi->menu.err, "Catatan perlu nama"), "%s",
	    w.u->wi->menu.err);
	retype(0, "www.penerimamail.com");
	retype(2, "300.1.1.1");
	key(SDLK_RETURN);
	ck_assert_msg(strstr(w.u->wi->menu.err, "Isi catatan A"), "%s",
	    w.u->wi->menu.err);
	retype(1, "mx");
	retype(2, "10.2.0.80");
	key(SDLK_RETURN);
	ck_assert_msg(strstr(w.u->wi->menu.err, "Isi catatan MX"), "%s",
	    w.u->wi->menu.err);
	/* A record the server already has: refused in a sentence. */
	retype(0, "mx2.penerimamail.com");
	retype(1, "A");
	retype(2, "10.2.0.26");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->wi->menu.err, "Server DNS sudah punya catatan "
	    "ini"), "%s", w.u->wi->menu.err);
	retype(0, "www.penerimamail.com");
	retype(2, "10.2.0.80");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 2);
	ck_assert_msg(strstr(w.u->toast, "mendapat catatan www.penerimamail.com "
	    "A 10.2.0.80"), "%s", w.u->toast);
	free(past);
}
END_TEST

/*
 * C shows the comparison in the right panel and back; Ctrl+S writes the
 * what-if as a scenario file that runs to the same end.
 */
START_TEST(test_whatif_panel_and_save)
{
	char cwd[4096], name[512];

	app_seek(&w.u->app, 100);
	struct app_command sel = { CMD_SELECT_NODE, node_of("mx2-penerima"),
	    0 };
	app_do(&w.u->app, &sel);
	key(SDLK_k);
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_panel_shown(w.u), 1);
	cJSON *j = ui_draw_boxes(w.u);
	char *s = cJSON_PrintUnformatted(j);
	ck_assert_msg(strstr(s, "The original and the what-if"), "no panel");
	ck_assert_msg(strstr(s, "Original: delivered at"), "no original fate");
	ck_assert_msg(strstr(s, "What-if: queued"), "no what-if fate");
	free(s);
	cJSON_Delete(j);
	save_picture("compare-panel");
	key(SDLK_c);
	ck_assert_int_eq(whatif_panel_shown(w.u), 0);
	key(SDLK_c);
	ck_assert_int_eq(whatif_panel_shown(w.u), 1);

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	mkdir("build/whatif-save", 0755);
	ck_assert_int_eq(system("rm -f build/whatif-save/*.json"), 0);
	ck_assert_int_eq(chdir("build/whatif-save"), 0);
	wh_key(&w, SDLK_s, KMOD_LCTRL);
	ck_assert_msg(strstr(w.u->toast, "What-if saved as a scenario: surel-"),
	    "%s", w.u->toast);
	snprintf(name, sizeof name, "%s", strchr(w.u->toast, ':') + 2);
	char *text = slurp(name);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_ptr_nonnull(text);
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, strlen(text), name, &errs);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(sc->nactions, 3);
	ck_assert_int_eq(sc->actions[2].kind, SC_ACT_POWER);
	struct sim *sim = sim_new(sc, sc->seed);
	sim_run(sim);
	ck_assert_uint_eq(trace_count(sim_trace(sim)), trace_count(w.u->tr));
	sim_free(sim);
	scenario_free(sc);
	free(text);
}
END_TEST

/*
 * Lesson 08: the recipient's password changed before the laptop logs in:
 * the form shows the old one, refuses it unchanged, and the laptop then
 * downloads nothing (the comparison's devices differ).
 */
START_TEST(test_whatif_password)
{
	wh_close(&w);
	ck_assert_int_eq(wh_open(&w, "scenarios/08-pop3-then-phone.json", 1280,
	    720, "en"), 0);
	size_t n = 1;
	while (n + 1 < view_steps(w.u->view) &&
	    view_step_time(w.u->view, n + 1) < 19000000000ULL)
		n++;
	app_seek(&w.u->app, n);
	struct app_command sel = { CMD_SELECT_NODE,
	    node_of("mailbox-penerima"), 0 };
	app_do(&w.u->app, &sel);
	key(SDLK_k);
	choose("Change the password of penerima@penerimamail.com");
	key(SDLK_RETURN);
	ck_assert_str_eq(w.u->wi->menu.field[0], "rahasia");
	key(SDLK_RETURN);
	ck_assert_msg(strstr(w.u->wi->menu.err, "already the password"), "%s",
	    w.u->wi->menu.err);
	retype(0, "baru");
	save_picture("password-form");
	key(SDLK_RETURN);
	ck_assert_int_eq(whatif_count(w.u), 1);
	ck_assert_msg(strstr(w.u->toast, "becomes \"baru\""), "%s", w.u->toast);
	const struct compare *c = whatif_comparison(w.u);
	int dev = 0;
	for (int i = 0; i < c->nholders; i++)
		if (c->holders[i].device && strcmp(c->holders[i].name,
		    "laptop-penerima") == 0) {
			dev = 1;
			ck_assert_int_eq(c->holders[i].na, 1);
			ck_assert_int_eq(c->holders[i].nb, 0);
		}
	ck_assert_int_eq(dev, 1);
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
	tcase_add_test(tc, test_whatif_cable_cut);
	tcase_add_test(tc, test_whatif_new_mail);
	tcase_add_test(tc, test_whatif_dns_records);
	tcase_add_test(tc, test_whatif_panel_and_save);
	tcase_add_test(tc, test_whatif_password);
	tcase_add_test(tc, test_xvfb_whatif);
	suite_add_tcase(s, tc);
	return s;
}
