/*
 * app.c: playback, stepping and selection (see app.h).  Every move ends
 * in view_seek(), so the counters the picture shows are always rebuilt
 * from the trace for the current step, backwards as well as forwards.
 */
#include "app.h"

#include <string.h>

const double app_speeds[APP_NSPEEDS] = {
	0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 64,
};

void
app_init(struct app *a, struct view *v, int nlangs)
{
	memset(a, 0, sizeof *a);
	a->view = v;
	a->nsteps = view_steps(v);
	a->speed = APP_SPEED_1X;
	a->level = DETAIL_STORY;	/* a class starts with the story */
	a->sel_node = -1;
	a->sel_field = -1;
	a->sel_msg = -1;
	a->nlangs = nlangs > 0 ? nlangs : 1;
	a->dirty = 1;
	a->quiz = -1;
	a->quiz_chosen = -1;
	app_seek(a, 0);
}

void
app_set_checkpoints(struct app *a, const struct sc_checkpoint *cps,
    const size_t *steps, int n)
{
	a->cps = cps;
	a->cp_step = steps;
	a->ncps = n;
	a->quiz = -1;
	a->quiz_chosen = -1;
	memset(a->quiz_got, APP_GOT_NONE, sizeof a->quiz_got);
}

int
app_score(const struct app *a, int *right, int *asked)
{
	int met = 0;

	*right = *asked = 0;
	for (int i = 0; i < a->ncps; i++) {
		if (a->cp_step[i] == 0)
			continue;
		(*asked)++;
		if (i < APP_MAX_SCORED && a->quiz_got[i] == APP_GOT_RIGHT)
			(*right)++;
		met |= i < APP_MAX_SCORED && a->quiz_got[i] != APP_GOT_NONE;
	}
	/* Only after the class answered something: a jump to the end is no test. */
	return *asked > 0 && met && a->quiz < 0 && a->nsteps > 0 &&
	    a->step + 1 >= a->nsteps;
}

/*
 * The checkpoint a forward move from step `from` to step `to` passes:
 * the one with the lowest step in (from, to], the first in the file
 * where several share it; -1 for none.
 */
static int
app_crossed(const struct app *a, size_t from, size_t to)
{
	int best = -1;

	for (int i = 0; i < a->ncps; i++) {
		size_t s = a->cp_step[i];

		if (s == 0 || s <= from || s > to)
			continue;
		if (best < 0 || s < a->cp_step[best])
			best = i;
	}
	return best;
}

static void
app_quiz_open(struct app *a, int cp, int resume)
{
	a->quiz = cp;
	a->quiz_chosen = -1;
	a->quiz_resume = resume;
	a->playing = 0;
}

/*
 * Close the open question.  Another checkpoint at the same step, later
 * in the file, asks next; otherwise playback goes on as it was before
 * the question stopped it (playing only if play_on).
 */
static void
app_quiz_close(struct app *a, int play_on)
{
	int was = a->quiz, resume = a->quiz_resume;

	a->quiz = -1;
	a->quiz_chosen = -1;
	a->quiz_resume = 0;
	for (int i = was + 1; was >= 0 && i < a->ncps; i++) {
		if (a->cp_step[i] == a->cp_step[was] &&
		    a->cp_step[i] == a->step) {
			app_quiz_open(a, i, resume);
			return;
		}
	}
	if (play_on && resume)
		a->playing = 1;
}

/* A forward move to step `to`: it stops at a checkpoint on the way and asks. */
static void
app_forward(struct app *a, size_t to)
{
	if (to >= a->nsteps)
		to = a->nsteps - 1;
	int cp = app_crossed(a, a->step, to);
	if (cp < 0) {
		app_seek(a, to);
		return;
	}
	app_seek(a, a->cp_step[cp]);
	app_quiz_open(a, cp, 0);
}

/*
 * While a question is open: answers, continuing and skipping; a move back
 * (or a jump) closes it unanswered; a move on needs an answer first.
 * Returns 1 when the command was dealt with here, 0 to go on as usual.
 */
static int
app_quiz_do(struct app *a, const struct app_command *c)
{
	const struct sc_checkpoint *cp = &a->cps[a->quiz];
	int answered = a->quiz_chosen >= 0;

	switch (c->cmd) {
	case CMD_ANSWER:
		if (!answered && c->arg >= 0 && c->arg < cp->nchoices) {
			a->quiz_chosen = (int)c->arg;
			if (a->quiz < APP_MAX_SCORED)
				a->quiz_got[a->quiz] = c->arg == cp->answer ?
				    APP_GOT_RIGHT : APP_GOT_WRONG;
		}
		return 1;
	case CMD_PLAY:
	case CMD_CONTINUE:
		if (answered)
			app_quiz_close(a, 1);
		return 1;
	case CMD_SKIP:
		if (a->quiz < APP_MAX_SCORED)
			a->quiz_got[a->quiz] = APP_GOT_SKIPPED;
		app_quiz_close(a, 0);
		return 1;
	case CMD_STEP:
	case CMD_MESSAGE:
	case CMD_CHAPTER:
		if (c->arg > 0) {
			if (!answered)
				return 1;
			/* On from here, unless another question waits here. */
			app_quiz_close(a, 0);
			return a->quiz >= 0;
		}
		a->quiz = -1;
		a->quiz_chosen = -1;
		return 0;
	case CMD_END:
		if (!answered)
			return 1;
		/* FALLTHROUGH */
	case CMD_HOME:
	case CMD_SEEK:
		a->quiz = -1;
		a->quiz_chosen = -1;
		return 0;
	default:
		return 0;
	}
}

void
app_seek(struct app *a, size_t step)
{
	if (step >= a->nsteps)
		step = a->nsteps - 1;
	if (step != a->step)
		a->scroll_events = 0;
	a->step = step;
	a->t = view_step_time(a->view, step);
	a->dwell = 0;
	a->hold = 0;
	view_seek(a->view, step);
	a->dirty = 1;
}

void
app_seek_ask(struct app *a, size_t step)
{
	app_seek(a, step);
	a->quiz = -1;
	a->quiz_chosen = -1;
	for (int i = 0; i < a->ncps; i++)
		if (a->cp_step[i] != 0 && a->cp_step[i] == a->step) {
			app_quiz_open(a, i, 0);
			break;
		}
}

/* Step n steps of the current level away (n may be negative), pausing. */
static void
app_step_by(struct app *a, long n)
{
	size_t s = a->step;
	int dir = n < 0 ? -1 : 1;

	a->playing = 0;
	for (long k = n < 0 ? -n : n; k > 0; k--)
		s = view_next_level(a->view, a->level, s, dir);
	if (dir < 0) {
		app_seek(a, s);
		return;
	}
	app_forward(a, s);
}

/*
 * A jump from the current step to `to` (a message or a chapter away, in
 * direction dir) that would pass a change of state stops there instead:
 * the mail arriving in a mailbox, a server going off, are what the
 * lesson is about (issue 11: lesson 03 jumped over "new mail in the
 * mailbox").  Where there is no message or chapter left that way, the
 * next change of state is still a step worth stopping at.
 */
static size_t
app_no_skip(const struct app *a, size_t to, int dir)
{
	size_t from = a->step;
	size_t st = view_next_state(a->view, from, dir);

	if (dir > 0 && st > from && (to <= from || st < to))
		return st;
	if (dir < 0 && st < from && (to >= from || st > to))
		return st;
	return to;
}

/* A message or a chapter on (dir > 0) or back, to `to`, pausing. */
static void
app_jump(struct app *a, size_t to, int dir)
{
	a->playing = 0;
	to = app_no_skip(a, to, dir);
	if (dir > 0)
		app_forward(a, to);
	else
		app_seek(a, to);
}

double
app_hold_seconds(const struct app *a, size_t step)
{
	size_t n = a->say_len ? a->say_len(a->say_ctx, step) : 0;

	return APP_HOLD_BASE + APP_HOLD_CHAR * (double)n;
}

void
app_do(struct app *a, const struct app_command *c)
{
	a->dirty = 1;
	if (a->quiz >= 0 && app_quiz_do(a, c))
		return;
	switch (c->cmd) {
	case CMD_ANSWER:
	case CMD_CONTINUE:
	case CMD_SKIP:
		break;		/* no question is open */
	case CMD_NONE:
		a->dirty = 0;
		break;
	case CMD_QUIT:
		a->quit = 1;
		break;
	case CMD_PLAY:
		if (!a->playing && a->step + 1 >= a->nsteps)
			app_seek(a, 0);		/* play again from the start */
		a->playing = !a->playing;
		break;
	case CMD_STEP:
		app_step_by(a, c->arg);
		break;
	case CMD_MESSAGE:
		app_jump(a, view_next_app(a->view, a->step, c->arg > 0 ? 1 : -1),
		    c->arg > 0 ? 1 : -1);
		break;
	case CMD_CHAPTER:
		app_jump(a, view_next_chapter(a->view, a->step,
		    c->arg > 0 ? 1 : -1), c->arg > 0 ? 1 : -1);
		break;
	case CMD_LEVEL:
		if (c->arg >= 0 && c->arg < DETAIL_NLEVELS)
			a->level = (enum detail)c->arg;
		else if (c->arg < 0)
			a->level = (enum detail)((a->level + 1) % DETAIL_NLEVELS);
		a->hold = 0;		/* a playing hold starts again at the new level */
		break;
	case CMD_SPEED:
		a->speed += c->arg > 0 ? 1 : -1;
		if (a->speed < 0)
			a->speed = 0;
		if (a->speed >= APP_NSPEEDS)
			a->speed = APP_NSPEEDS - 1;
		break;
	case CMD_HOME:
		a->playing = 0;
		app_seek(a, 0);
		break;
	case CMD_END:
		a->playing = 0;
		app_seek(a, a->nsteps - 1);
		break;
	case CMD_SEEK:
		app_seek(a, c->arg < 0 ? 0 : (size_t)c->arg);
		break;
	case CMD_LANG:
		a->lang = (a->lang + 1) % a->nlangs;
		break;
	case CMD_TAB:
		a->center = a->center == APP_PICTURE ? APP_SEQUENCE : APP_PICTURE;
		break;
	case CMD_FULLSCREEN:
		a->fullscreen = !a->fullscreen;
		break;
	case CMD_THEME:
		a->dark = !a->dark;
		break;
	case CMD_SELECT_PACKET:
		a->sel_packet = 1;
		a->sel_frame = (uint32_t)c->arg;
		a->sel_tx_step = (size_t)c->arg2;
		a->sel_node = -1;
		a->sel_field = -1;
		a->scroll_inspector = 0;
		a->right = RIGHT_INSPECTOR;
		break;
	case CMD_SELECT_NODE:
		a->sel_packet = 0;
		a->sel_node = (int)c->arg;
		a->sel_msg = -1;
		a->scroll_node = 0;
		a->right = RIGHT_NODE;
		break;
	case CMD_SELECT_NONE:
		a->sel_packet = 0;
		a->sel_node = -1;
		a->sel_field = -1;
		a->scroll_inspector = 0;
		a->right = RIGHT_INSPECTOR;
		break;
	case CMD_FIELD:
		a->sel_field = (int)c->arg;
		break;
	case CMD_OPEN_MSG:
		a->sel_msg = c->arg;
		a->scroll_node = 0;
		break;
	case CMD_FIELD_MOVE:
		a->sel_field += c->arg > 0 ? 1 : -1;
		if (a->sel_field < 0)
			a->sel_field = 0;
		break;
	case CMD_PRESENT:
		a->present = !a->present;
		break;
	case CMD_CHOOSER:
		a->chooser = !a->chooser;
		a->playing = 0;
		break;
	case CMD_ASK_QUIT:
		a->ask_quit = 1;
		a->playing = 0;
		break;
	case CMD_STAY:
		a->ask_quit = 0;
		break;
	case CMD_FILTER:
		if (c->arg >= 0 && c->arg < 32) {
			a->hide ^= APP_HIDE(c->arg);
			a->scroll_events = 0;
		}
		break;
	case CMD_SCROLL: {
		int *sc = c->arg2 == SCROLL_EVENTS ? &a->scroll_events :
		    c->arg2 == SCROLL_NODE ? &a->scroll_node :
		    &a->scroll_inspector;
		*sc += (int)c->arg;
		if (c->arg2 != SCROLL_EVENTS && *sc < 0)
			*sc = 0;
		break;
	}
	}
}

/*
 * Where playback got to, step s (from step old): a question on the way
 * stops it there and asks (playing on after the answer); else the view
 * follows, and the end stops playback.  Returns 1 when the step changed.
 */
static int
app_land(struct app *a, size_t s, size_t old)
{
	int cp = app_crossed(a, a->step, s);

	if (cp >= 0) {
		s = a->cp_step[cp];
		a->t = view_step_time(a->view, s);
		if (a->hold > 0 && s >= a->hold_to)
			a->hold = 0;	/* the question is where the hold ended */
		a->step = s;
		view_seek(a->view, s);
		app_quiz_open(a, cp, 1);
		a->dirty = 1;
		return 1;
	}
	if (s != a->step) {
		a->step = s;
		view_seek(a->view, s);
	}
	if (a->step + 1 >= a->nsteps)
		a->playing = 0;
	a->dirty = 1;
	return a->step != old;
}

/*
 * Playing at story or messages: the sentence of the level step at or
 * before the current one stays while the records up to the next level
 * step play through, their simulated time compressed into the hold, and
 * the hold ends exactly on that next level step.  A checkpoint on the
 * way stops playback as at packets; continuing goes on with the same
 * hold.
 */
static int
app_advance_hold(struct app *a, double wall)
{
	size_t old = a->step, s;

	if (a->hold <= 0) {
		size_t to = view_next_level(a->view, a->level, a->step, 1);

		if (to <= a->step)
			to = a->nsteps - 1;	/* no level step on: play to the end */
		a->hold = app_hold_seconds(a, view_level_at(a->view, a->level,
		    a->step));
		a->held = 0;
		a->hold_t0 = a->t;
		a->hold_t1 = view_step_time(a->view, to);
		if (a->hold_t1 < a->hold_t0)
			a->hold_t1 = a->hold_t0;
		a->hold_to = to;
	}
	a->held += wall * app_speeds[a->speed] / a->hold;
	if (a->held >= 1) {
		s = a->hold_to;
		a->t = a->hold_t1;
		a->hold = 0;
	} else {
		a->t = a->hold_t0 + (uint64_t)((double)(a->hold_t1 -
		    a->hold_t0) * a->held);
		/* The records on the way, but never the level step itself early. */
		s = a->step;
		while (s + 1 < a->hold_to &&
		    view_step_time(a->view, s + 1) <= a->t)
			s++;
	}
	return app_land(a, s, old);
}

/*
 * Playing: at story and messages, app_advance_hold().  At packets the
 * clock runs at the speed's rate; where nothing is on the
 * wire (a server thinking, a person waiting 20 s before checking mail)
 * the picture holds still for a moment and then jumps to the next step,
 * so a class never watches an empty screen.
 */
int
app_advance(struct app *a, double wall)
{
	struct view_packet p;
	size_t old = a->step;

	if (!a->playing || wall <= 0)
		return 0;
	if (a->step + 1 >= a->nsteps) {
		a->playing = 0;
		return 0;
	}
	if (a->level < DETAIL_PACKETS)
		return app_advance_hold(a, wall);
	uint64_t next = view_step_time(a->view, a->step + 1);
	uint64_t dt = (uint64_t)(wall * APP_BASE_RATE * app_speeds[a->speed] *
	    1e9);

	if (next > a->t && view_packets(a->view, a->t, &p, 1) == 0) {
		/* Idle: wait a little wall time, then jump. */
		if (a->dwell <= 0)
			a->dwell = 0.4 / (app_speeds[a->speed] < 1 ? 1 :
			    app_speeds[a->speed]);
		a->dwell -= wall;
		if (a->dwell > 0) {
			a->dirty = 1;
			return 0;
		}
		a->dwell = 0;
		a->t = next;
	} else
		a->t += dt;
	size_t s = a->step;
	while (s + 1 < a->nsteps && view_step_time(a->view, s + 1) <= a->t)
		s++;
	return app_land(a, s, old);
}
