/*
 * window_opts.c: which options belong to the window (window.h).  Here in
 * the command line, not in render/window/, so that a build without the
 * window (make NO_WINDOW=1) still knows a window's command when it sees
 * one and can say that it has no window rather than "unknown option".
 */
#include "window.h"

#include <string.h>

static const char *const window_options[] = {
	"--lang", "--fullscreen", "--scale", "--screenshot", "--step",
	"--size", "--dark", "--detail", "--hide", "--field", "--select",
	"--boxes", "--present", "--chooser", "--add", NULL,
};

int
window_is_option(const char *arg)
{
	for (int i = 0; window_options[i]; i++)
		if (strcmp(arg, window_options[i]) == 0)
			return 1;
	return 0;
}
