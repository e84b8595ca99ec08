/*
 * input.c: the only reader of SDL_Event.  Keys and clicks become app
 * commands (app.h); what a click means depends on where it lands in the
 * layout.  The tests push events with SDL_PushEvent and feed them here.
 *
 * Keys: Space play/pause; Right/Left one step of the level of detail;
 * Ctrl+Right/Left one application message; Shift+Right/Left one chapter
 * (both stop at a change of state on the way: app.h); V the next level
 * of detail (story, messages, packets; a click on the timeline's level
 * control chooses one); +/- speed; Home/End;
 * L language; Tab picture/sequence; F (or F11) full screen; D dark theme;
 * Up/Down a field of the inspector; P presentation mode (only the
 * picture, the narration and the timeline); O the lesson chooser
 * (panel_chooser.c: arrows and Enter or a click open a lesson, Esc or O
 * goes back); S or F12 saves a picture of the window in the current
 * folder (surel-NAME-stepN.png, ui_save_png()); Esc leaves full screen,
 * else asks before quitting (a card: Esc again, Q or Enter quits, any
 * other key stays); Q quits at once; 1..6 show or hide the protocol of
 * the legend's first to sixth chip (left to right, as a click on the
 * chip does), except while a question is open.  What if (issue 14):
 * a right click on a node or a cable, or K on the selected node, opens
 * the list of what can change there at the current step
 * (whatif_menu.c: arrows, Enter, Esc; its forms take typed text); W
 * shows the original or the what-if; U or Backspace undoes the last
 * intervention; C shows the comparison in the right panel (or the
 * panel it replaced); Ctrl+S saves the what-if as a scenario file; N
 * and Shift+N select the next or previous node, so that all of it works
 * from the keyboard.  A
 * .json file dropped on the window opens in it (a bad one: the chooser
 * shows why).
 *
 * While a checkpoint's question is open (app.h): A..E or 1..5 answer it,
 * as does a click on a choice; Space or Enter goes on once it is
 * answered; Esc skips it.  L, F, Q, Tab and the moves back still work;
 * the moves on wait for an answer.
 */
#include "ui.h"
#include "whatif.h"

static int
input_do(struct ui *u, enum app_cmd cmd, long arg, long arg2)
{
	struct app_command c = { cmd, arg, arg2 };

	app_do(&u->app, &c);
	return 1;
}

/* Keys of an open question; -1 where the key is not one of them. */
static int
input_quiz_key(struct ui *u, SDL_Keycode sym)
{
	if (sym >= SDLK_a && sym <= SDLK_e)
		return input_do(u, CMD_ANSWER, sym - SDLK_a, 0);
	if (sym >= SDLK_1 && sym <= SDLK_5)
		return input_do(u, CMD_ANSWER, sym - SDLK_1, 0);
	if (sym >= SDLK_KP_1 && sym <= SDLK_KP_5)
		return input_do(u, CMD_ANSWER, sym - SDLK_KP_1, 0);
	switch (sym) {
	case SDLK_SPACE:
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		return input_do(u, CMD_CONTINUE, 0, 0);
	case SDLK_ESCAPE:
		return input_do(u, CMD_SKIP, 0, 0);
	}
	return -1;
}

/* S, F12: a picture of the window in the current folder. */
static int
input_save(struct ui *u)
{
	u->save_pending = 1;	/* ui_draw() saves the next frame */
	u->app.dirty = 1;
	return 1;
}

static int
input_key(struct ui *u, const SDL_KeyboardEvent *k)
{
	int dir = 0;
	Uint16 mod = k->keysym.mod;

	/* "Quit?": Esc again, Q or Enter quits; any other key stays. */
	if (u->app.ask_quit) {
		switch (k->keysym.sym) {
		case SDLK_ESCAPE:
		case SDLK_q:
		case SDLK_RETURN:
		case SDLK_KP_ENTER:
			return input_do(u, CMD_QUIT, 0, 0);
		default:
			return input_do(u, CMD_STAY, 0, 0);
		}
	}
	/* The what-if menu, while it is open, takes every key. */
	if (whatif_menu_key(u, k->keysym.sym, mod))
		return 1;
	if (u->app.chooser) {
		if (k->keysym.sym == SDLK_ESCAPE && u->app.fullscreen)
			return input_do(u, CMD_FULLSCREEN, 0, 0);
		if (panel_chooser_key(u, k->keysym.sym))
			return 1;
		switch (k->keysym.sym) {
		case SDLK_l:
			return input_do(u, CMD_LANG, 0, 0);
		case SDLK_f:
		case SDLK_F11:
			return input_do(u, CMD_FULLSCREEN, 0, 0);
		case SDLK_d:
			return input_do(u, CMD_THEME, 0, 0);
		case SDLK_q:
			return input_do(u, CMD_QUIT, 0, 0);
		case SDLK_s:
		case SDLK_F12:
			return input_save(u);
		}
		return 0;
	}
	if (u->app.quiz >= 0) {
		int done = input_quiz_key(u, k->keysym.sym);
		if (done >= 0)
			return done;
	}
	/* The legend's chips, left to right: the protocol filters. */
	if (u->app.quiz < 0 && ((k->keysym.sym >= SDLK_1 &&
	    k->keysym.sym <= SDLK_6) || (k->keysym.sym >= SDLK_KP_1 &&
	    k->keysym.sym <= SDLK_KP_6))) {
		int p = draw_legend_nth(u, k->keysym.sym >= SDLK_KP_1 ?
		    (int)(k->keysym.sym - SDLK_KP_1) :
		    (int)(k->keysym.sym - SDLK_1));
		return p < 0 ? 0 : input_do(u, CMD_FILTER, p, 0);
	}
	switch (k->keysym.sym) {
	case SDLK_SPACE:
		return input_do(u, CMD_PLAY, 0, 0);
	case SDLK_RIGHT:
		dir = 1;
		break;
	case SDLK_LEFT:
		dir = -1;
		break;
	case SDLK_PLUS:
	case SDLK_EQUALS:
	case SDLK_KP_PLUS:
		return input_do(u, CMD_SPEED, 1, 0);
	case SDLK_MINUS:
	case SDLK_KP_MINUS:
		return input_do(u, CMD_SPEED, -1, 0);
	case SDLK_HOME:
		return input_do(u, CMD_HOME, 0, 0);
	case SDLK_END:
		return input_do(u, CMD_END, 0, 0);
	case SDLK_l:
		return input_do(u, CMD_LANG, 0, 0);
	case SDLK_v:
		return input_do(u, CMD_LEVEL, -1, 0);
	case SDLK_TAB:
		return input_do(u, CMD_TAB, 0, 0);
	case SDLK_f:
	case SDLK_F11:
		return input_do(u, CMD_FULLSCREEN, 0, 0);
	case SDLK_d:
		return input_do(u, CMD_THEME, 0, 0);
	case SDLK_UP:
		return input_do(u, CMD_FIELD_MOVE, -1, 0);
	case SDLK_DOWN:
		return input_do(u, CMD_FIELD_MOVE, 1, 0);
	case SDLK_p:
		return input_do(u, CMD_PRESENT, 0, 0);
	case SDLK_o:
		return input_do(u, CMD_CHOOSER, 0, 0);
	case SDLK_s:
		if (mod & KMOD_CTRL) {
			char out[512];
			whatif_save(u, out, sizeof out);
			return 1;
		}
		return input_save(u);
	case SDLK_F12:
		return input_save(u);
	case SDLK_c:
		whatif_panel_toggle(u);
		return 1;
	case SDLK_ESCAPE:
		if (u->app.fullscreen)
			return input_do(u, CMD_FULLSCREEN, 0, 0);
		return input_do(u, CMD_ASK_QUIT, 0, 0);
	case SDLK_q:
		return input_do(u, CMD_QUIT, 0, 0);
	case SDLK_k:
		whatif_menu_open(u, u->app.sel_node, -1, -1, -1);
		return 1;
	case SDLK_n:
		/* N, Shift+N: the next or previous node, for a teacher without a mouse. */
		if (u->sc->nnodes == 0)
			return 0;
		return input_do(u, CMD_SELECT_NODE, ((u->app.sel_node < 0 ?
		    (mod & KMOD_SHIFT ? 0 : -1) : u->app.sel_node) +
		    (mod & KMOD_SHIFT ? u->sc->nnodes - 1 : 1)) %
		    u->sc->nnodes, 0);
	case SDLK_w:
		whatif_toggle(u);
		return 1;
	case SDLK_u:
	case SDLK_BACKSPACE:
		whatif_undo(u);
		return 1;
	default:
		return 0;
	}
	if (mod & KMOD_CTRL)
		return input_do(u, CMD_MESSAGE, dir, 0);
	if (mod & KMOD_SHIFT)
		return input_do(u, CMD_CHAPTER, dir, 0);
	return input_do(u, CMD_STEP, dir, 0);
}

/*
 * The side panels opened by a click on their folded tabs (layout.c folds
 * them where the picture would have too little room): the event list,
 * the inspector.  Laid out again at once, so the next click lands on
 * the panel as drawn.  Returns 1.
 */
static int
input_tabs(struct ui *u, int events, int right)
{
	if (u->lay.open_events != events || u->tab_right != right) {
		u->lay.open_events = events;
		u->tab_right = right;
		/* As draw_packets_layout() asks for the inspector. */
		u->lay.open_right = u->app.sel_packet ||
		    u->app.right == RIGHT_NODE || right;
		layout_compute(&u->lay, u->lay.w, u->lay.h, u->scale);
		draw_packets_layout(u);
		u->app.dirty = 1;
	}
	return 1;
}

static int
input_click(struct ui *u, int x, int y)
{
	const struct layout *L = &u->lay;
	long step;
	int i;

	if (u->app.ask_quit)
		return input_do(u, CMD_STAY, 0, 0);
	if (whatif_menu_click(u, x, y))
		return 1;
	if (u->app.chooser) {
		if ((i = panel_chooser_hit(u, x, y)) >= 0) {
			ui_open_lesson(u, i);
			return 1;
		}
		return 0;
	}
	/* An open question takes the clicks on its card. */
	if (u->app.quiz >= 0 && panel_quiz_has(u, x, y)) {
		if ((i = panel_quiz_hit(u, x, y)) >= 0)
			return input_do(u, CMD_ANSWER, i, 0);
		return 0;
	}
	if ((i = timeline_level_hit(u, x, y)) >= 0)
		return input_do(u, CMD_LEVEL, i, 0);
	if (timeline_hit(u, x, y)) {
		u->dragging = 1;
		u->app.playing = 0;
		return input_do(u, CMD_SEEK, (long)timeline_step_at(u, x), 0);
	}
	/* A folded panel's tab opens it: the picture gives up the room. */
	if (lrect_has(&L->events, x, y) && L->fold_events)
		return input_tabs(u, 1, u->tab_right);
	if (lrect_has(&L->right, x, y) && L->fold_right)
		return input_tabs(u, L->open_events, 1);
	if (lrect_has(&L->events, x, y)) {
		if ((step = panel_events_hit(u, x, y)) >= 0)
			return input_do(u, CMD_SEEK, step, 0);
		return 0;
	}
	if (lrect_has(&L->right, x, y)) {
		if (u->app.right == RIGHT_INSPECTOR &&
		    (i = panel_inspector_hit(u, x, y)) >= 0)
			return input_do(u, CMD_FIELD, i, 0);
		/* A mail in the node panel opens; its first line goes back. */
		if (u->app.right == RIGHT_NODE &&
		    (step = panel_node_hit(u, x, y)) >= -1)
			return input_do(u, CMD_OPEN_MSG, step, 0);
		return 0;
	}
	if (lrect_has(&L->legend, x, y) && u->app.center == APP_PICTURE) {
		if ((i = draw_legend_hit(u, x, y)) >= 0)
			return input_do(u, CMD_FILTER, i, 0);
		return 0;
	}
	if (lrect_has(&L->picture, x, y) && u->app.center == APP_PICTURE) {
		/* What is chosen on the picture shows in the right panel again. */
		if (u->wi != NULL)
			u->wi->panel = 0;
		/* The packets where they are now, then the nodes. */
		draw_packets_layout(u);
		if ((i = draw_hit_packet(u, x, y)) >= 0)
			return input_do(u, CMD_SELECT_PACKET, u->pk[i].p.frame,
			    (long)u->pk[i].p.tx_step);
		if ((i = draw_hit_node(u, x, y)) >= 0)
			return input_do(u, CMD_SELECT_NODE, i, 0);
		/* Nothing there: the panels opened by their tabs fold again. */
		input_tabs(u, 0, 0);
		return input_do(u, CMD_SELECT_NONE, 0, 0);
	}
	return 0;
}

/*
 * A right click on the picture: the what-if menu of the node there, else
 * of the cable there (whatif_menu.c).  Elsewhere, or during a question
 * or the chooser, nothing.
 */
static int
input_right_click(struct ui *u, int x, int y)
{
	const struct layout *L = &u->lay;
	int i;

	if (u->app.ask_quit || u->app.chooser || u->app.quiz >= 0 ||
	    u->app.center != APP_PICTURE || !lrect_has(&L->picture, x, y))
		return 0;
	if (whatif_menu_is_open(u))
		u->wi->menu.open = 0;
	if ((i = draw_hit_node(u, x, y)) >= 0)
		return whatif_menu_open(u, i, -1, x, y);
	if ((i = draw_hit_link(u, x, y)) >= 0)
		return whatif_menu_open(u, -1, i, x, y);
	return 0;
}

static int
input_wheel(struct ui *u, int x, int y, int dy)
{
	const struct layout *L = &u->lay;

	if (dy == 0)
		return 0;
	if (u->app.chooser) {
		u->chooser_top -= dy;
		u->app.dirty = 1;
		return 1;
	}
	if (lrect_has(&L->events, x, y))
		return input_do(u, CMD_SCROLL, -3L * dy, SCROLL_EVENTS);
	if (lrect_has(&L->right, x, y) && whatif_panel_shown(u)) {
		whatif_panel_scroll(u, -dy);
		return 1;
	}
	if (lrect_has(&L->right, x, y))
		return input_do(u, CMD_SCROLL, -3L * dy,
		    u->app.right == RIGHT_NODE ? SCROLL_NODE : SCROLL_INSPECTOR);
	if (lrect_has(&L->timeline, x, y))
		return input_do(u, CMD_STEP, dy > 0 ? -1 : 1, 0);
	return 0;
}

int
input_event(struct ui *u, const SDL_Event *ev)
{
	int mx, my;

	switch (ev->type) {
	case SDL_QUIT:
		return input_do(u, CMD_QUIT, 0, 0);
	case SDL_KEYDOWN:
		return input_key(u, &ev->key);
	case SDL_TEXTINPUT:
		return whatif_menu_text(u, ev->text.text);
	case SDL_MOUSEBUTTONDOWN:
		if (ev->button.button == SDL_BUTTON_RIGHT)
			return input_right_click(u, (int)(ev->button.x *
			    u->mouse_sx), (int)(ev->button.y * u->mouse_sy));
		if (ev->button.button != SDL_BUTTON_LEFT)
			return 0;
		return input_click(u, (int)(ev->button.x * u->mouse_sx),
		    (int)(ev->button.y * u->mouse_sy));
	case SDL_MOUSEBUTTONUP:
		u->dragging = 0;
		return 0;
	case SDL_MOUSEMOTION:
		if (!u->dragging || !(ev->motion.state & SDL_BUTTON_LMASK))
			return 0;
		return input_do(u, CMD_SEEK, (long)timeline_step_at(u,
		    (int)(ev->motion.x * u->mouse_sx)), 0);
	case SDL_MOUSEWHEEL:
		/* SDL 2.26 says where the mouse was. */
		mx = ev->wheel.mouseX;
		my = ev->wheel.mouseY;
		return input_wheel(u, (int)(mx * u->mouse_sx),
		    (int)(my * u->mouse_sy), ev->wheel.y);
	case SDL_WINDOWEVENT:
		u->app.dirty = 1;
		return 1;
	case SDL_DROPFILE:
		/* A scenario dropped on the window: it opens here (SDL gives the name to free). */
		if (ev->drop.file != NULL) {
			ui_open_file(u, ev->drop.file);
			SDL_free(ev->drop.file);
		}
		return 1;
	}
	return 0;
}
