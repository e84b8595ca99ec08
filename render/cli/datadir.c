/*
 * datadir.c: where the program's data is (datadir.h).
 */
#include "datadir.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of the running program, or NULL; the caller frees it. */
static char *
exe_dir(void)
{
	char exe[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(exe);
}

int
datadir_list(const char *sub, char *dirs[DATADIR_MAX])
{
	const char *env = getenv("SUREL_ASSETS");
	/* Only the lessons sit at the top of the source tree. */
	int top = strcmp(sub, "scenarios") == 0;
	char *exe = exe_dir();
	int nd = 0;

	if (env != NULL && env[0] != '\0') {
		dirs[nd++] = xasprintf("%s/%s", env, sub);
		if (top)
			dirs[nd++] = xasprintf("%s/../%s", env, sub);
	}
	if (exe != NULL)
		dirs[nd++] = xasprintf("%s/../share/surel/%s", exe, sub);
	dirs[nd++] = xasprintf("assets/%s", sub);
	if (top)
		dirs[nd++] = xstrdup(sub);
	if (exe != NULL) {
		dirs[nd++] = xasprintf("%s/assets/%s", exe, sub);
		if (top)
			dirs[nd++] = xasprintf("%s/%s", exe, sub);
	}
	free(exe);
	return nd;
}

char *
datadir_find(const char *sub)
{
	char *dirs[DATADIR_MAX], *found = NULL;
	int nd = datadir_list(sub, dirs);

	for (int i = 0; i < nd; i++) {
		if (found == NULL && is_dir(dirs[i]))
			found = dirs[i];
		else
			free(dirs[i]);
	}
	return found;
}
