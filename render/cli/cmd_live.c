/*
 * cmd_live.c: `surel live FILE [options]`: the scenario's world runs in
 * real time (times --speed) and every service of every server listens
 * on a real port, so that a class's own mail programs (Thunderbird,
 * swaks, curl, Python) send and fetch mail through the simulated
 * network.  Each real connection enters the world at a client node
 * (--as) and crosses it as simulated packets (bridge.h); the scenario's
 * own actions run too.  The window (window_live(), live.c) follows the
 * world as it goes, unless --headless.  Closing it, or SIGINT (or
 * SIGTERM) without it, ends the run and writes
 * --pcap, --summary, --trace and --transcript as `surel run` does; a
 * message still in a queue is in the summary's "queues".
 *
 * Sockets and the wall clock stay here and in bridge.c: sim/ never
 * sees them, and runs the same engines as every scripted run.
 */
#include "bridge.h"
#include "cli.h"
#include "export.h"
#include "sim.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIVE_PORT_BASE	20000
#define LIVE_PORT_TRIES	100	/* "the next free one": at most this far above */
#define LIVE_MAX_AS	16

/* A service of a server node: what listens, and where it is inside. */
struct live_svc {
	const char	*name;		/* as the scenario names it */
	int		 node;
	uint16_t	 port;		/* its port in the scenario */
	int		 udp;
};

struct live_as {
	const char	*service;	/* NULL: every service */
	const char	*node;
};

struct live_opts {
	const char	*file;
	double		 speed;
	long		 port_base;
	const char	*listen;
	struct live_as	 as[LIVE_MAX_AS];
	int		 nas;
	int		 headless;
	int		 no_story;	/* --no-story: the scenario's actions do not run */
	const char	*lang;		/* the window's */
	double		 scale;
	const char	*pcap;
	const char	*summary;
	const char	*trace;
	int		 transcript;
};

static int
live_done(void *u)
{
	(void)u;
	return bridge_stopped();
}

static int
live_usage(const char *fmt, const char *arg)
{
	fputs("surel live: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see surel --help)\n", stderr);
	return EXIT_USAGE;
}

static int
live_parse(int argc, char **argv, struct live_opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (strcmp(a, "--headless") == 0) {
			o->headless = 1;
			continue;
		}
		if (strcmp(a, "--transcript") == 0) {
			o->transcript = 1;
			continue;
		}
		if (strcmp(a, "--no-story") == 0) {
			o->no_story = 1;
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			if (v == NULL)
				return live_usage("%s needs a value", a);
			i++;
			if (strcmp(a, "--speed") == 0) {
				o->speed = strtod(v, &end);
				if (*end || end == v || !isfinite(o->speed) ||
				    o->speed <= 0 || o->speed > 1e6)
					return live_usage("--speed takes a number "
					    "above 0 (1 is real time, 10 ten times "
					    "faster), not '%s'", v);
			} else if (strcmp(a, "--port-base") == 0) {
				errno = 0;
				o->port_base = strtol(v, &end, 10);
				if (*end || end == v || errno || o->port_base < 1 ||
				    o->port_base > 65535)
					return live_usage("--port-base takes a port "
					    "number from 1 to 65535, not '%s'", v);
			} else if (strcmp(a, "--listen") == 0)
				o->listen = v;
			else if (strcmp(a, "--lang") == 0)
				o->lang = v;
			else if (strcmp(a, "--scale") == 0) {
				o->scale = strtod(v, &end);
				if (*end || end == v || !(o->scale >= 0.5 &&
				    o->scale <= 4))
					return live_usage("--scale takes a number "
					    "from 0.5 to 4, not '%s'", v);
			}
			else if (strcmp(a, "--as") == 0) {
				if (o->nas == LIVE_MAX_AS)
					return live_usage("%s",
					    "too many --as options");
				const char *eq = strchr(v, '=');
				o->as[o->nas].service = eq ? strndup(v,
				    (size_t)(eq - v)) : NULL;
				o->as[o->nas++].node = eq ? eq + 1 : v;
			} else if (strcmp(a, "--pcap") == 0)
				o->pcap = v;
			else if (strcmp(a, "--summary") == 0)
				o->summary = v;
			else if (strcmp(a, "--trace") == 0)
				o->trace = v;
			else
				return live_usage("unknown option '%s'", a);
			continue;
		}
		if (a[0] == '-' && a[1] != '\0')
			return live_usage("unknown option '%s'", a);
		if (o->file != NULL)
			return live_usage("more than one scenario ('%s')", a);
		o->file = a;
	}
	return 0;
}

/*
 * The scenario loaded as surel run loads it; with no_story, again from
 * its text without its actions and checkpoints (their steps are the
 * story's): a world to play in, where only the real clients act.
 */
static struct scenario *
live_load(const char *file, int no_story)
{
	struct scenario *sc = cli_load(file);

	if (sc == NULL || !no_story)
		return sc;
	cJSON *root = cJSON_ParseWithLength(sc->src, sc->srclen);
	if (root == NULL)
		return sc;	/* cannot be: it loaded; keep the story then */
	cJSON_ReplaceItemInObjectCaseSensitive(root, "actions",
	    cJSON_CreateArray());
	cJSON_DeleteItemFromObjectCaseSensitive(root, "checkpoints");
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	struct sc_errors errs = { 0 };
	struct scenario *quiet = text ? scenario_load(text, strlen(text),
	    sc->srcname, &errs) : NULL;
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	sc_errors_free(&errs);
	free(text);
	if (quiet == NULL)
		return sc;
	scenario_free(sc);
	return quiet;
}

/* Every service of every server, in node order, then as SPEC lists a node's services. */
static int
live_services(const struct scenario *sc, struct live_svc *v)
{
	int n = 0;

	for (int i = 0; i < sc->nnodes; i++) {
		const struct sc_node *nd = &sc->nodes[i];

		if (nd->submission.present)
			v[n++] = (struct live_svc){ "submission", i,
			    (uint16_t)nd->submission.port, 0 };
		if (nd->smtp.present)
			v[n++] = (struct live_svc){ "smtp", i,
			    (uint16_t)nd->smtp.port, 0 };
		if (nd->lmtp.present)
			v[n++] = (struct live_svc){ "lmtp", i,
			    (uint16_t)nd->lmtp.port, 0 };
		if (nd->pop3.present)
			v[n++] = (struct live_svc){ "pop3", i,
			    (uint16_t)nd->pop3.port, 0 };
		if (nd->imap.present)
			v[n++] = (struct live_svc){ "imap", i,
			    (uint16_t)nd->imap.port, 0 };
		if (nd->dns.present)
			v[n++] = (struct live_svc){ "dns", i,
			    (uint16_t)nd->dns.port, 1 };
	}
	return n;
}

static int
live_known_service(const char *name)
{
	static const char *const names[] = { "submission", "smtp", "lmtp",
	    "pop3", "imap", "dns" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * The node a real connection to service enters at: the last --as that
 * names the service, else the last plain --as, else the first client.
 */
static int
live_client(const struct scenario *sc, const struct live_opts *o,
    const char *service)
{
	const char *node = NULL;

	for (int i = 0; i < o->nas; i++)
		if (o->as[i].service == NULL && node == NULL)
			node = o->as[i].node;
	for (int i = 0; i < o->nas; i++)
		if (o->as[i].service && strcmp(o->as[i].service, service) == 0)
			node = o->as[i].node;
	if (node != NULL)
		return scenario_node_index(sc, node);
	for (int i = 0; i < sc->nnodes; i++)
		if (sc->nodes[i].kind == SC_CLIENT)
			return i;
	return -1;
}

/* Check every --as before any port opens: a typo ends the run at once. */
static int
live_check_as(const struct scenario *sc, const struct live_opts *o)
{
	for (int i = 0; i < o->nas; i++) {
		const struct live_as *a = &o->as[i];

		if (a->service && !live_known_service(a->service)) {
			fprintf(stderr, "surel live: --as %s=%s: there is no "
			    "service '%s'; services are submission, smtp, lmtp, "
			    "pop3, imap and dns\n", a->service, a->node,
			    a->service);
			return -1;
		}
		if (scenario_node_index(sc, a->node) < 0) {
			fprintf(stderr, "surel live: --as: the scenario has no "
			    "node '%s'; real connections must enter at one of "
			    "its nodes\n", a->node);
			return -1;
		}
	}
	return 0;
}

static int
live_write(const char *path, struct buf *b)
{
	int rc = cli_write_file(path, b->data ? (const void *)b->data : "",
	    b->len);

	buf_free(b);
	return rc;
}

/* The files asked for, live traffic included, as `surel run` writes them. */
static int
live_outputs(const struct live_opts *o, const struct sim *s)
{
	struct buf b = { 0 };
	int rc = 0;

	if (o->transcript) {
		export_transcript(s, &b);
		rc |= live_write("-", &b);
	}
	if (o->pcap) {
		export_pcap(s, -1, &b);
		rc |= live_write(o->pcap, &b);
	}
	if (o->trace) {
		export_trace_jsonl(s, &b);
		rc |= live_write(o->trace, &b);
	}
	if (o->summary) {
		export_summary(s, &b);
		rc |= live_write(o->summary, &b);
	}
	return rc;
}

static void
live_free_opts(struct live_opts *o)
{
	for (int i = 0; i < o->nas; i++)
		free((char *)o->as[i].service);
}

/* Open every port; exit status 2 (after a sentence) when one cannot be. */
static int
live_listen(struct bridge *b, const struct scenario *sc,
    const struct live_opts *o, const struct live_svc *v, int nv)
{
	for (int i = 0; i < nv; i++) {
		long want = o->port_base + v[i].port;
		int client = live_client(sc, o, v[i].name), err = 0;
		const char *who = sc->nodes[v[i].node].id;

		if (client < 0) {
			fprintf(stderr, "surel live: the scenario has no client "
			    "node for real connections to enter at; name one "
			    "with --as NODE\n");
			return -1;
		}
		if (want > 65535) {
			fprintf(stderr, "surel live: --port-base %ld plus %s's "
			    "port %u is above 65535; choose a smaller base\n",
			    o->port_base, v[i].name, (unsigned)v[i].port);
			return -1;
		}
		uint16_t got = bridge_listen_at(b, o->listen, (uint16_t)want,
		    LIVE_PORT_TRIES, client, v[i].node, v[i].port, v[i].udp,
		    &err);
		if (got != 0) {
			printf("listen %s %s %s:%u\n", v[i].name, who, o->listen,
			    (unsigned)got);
			continue;
		}
		if (err == EINVAL)
			fprintf(stderr, "surel live: --listen takes an IPv4 "
			    "address of this machine (like 127.0.0.1), not "
			    "'%s'\n", o->listen);
		else if (err == EADDRNOTAVAIL)
			fprintf(stderr, "surel live: --listen %s: that address "
			    "is not one of this machine's\n", o->listen);
		else if (err == EADDRINUSE || err == EACCES)
			fprintf(stderr, "surel live: no free port from %ld to "
			    "%ld for %s on %s; choose another --port-base\n",
			    want, want + LIVE_PORT_TRIES - 1, v[i].name, who);
		else
			fprintf(stderr, "surel live: cannot listen for %s on "
			    "%s: %s\n", v[i].name, who, strerror(err));
		return -1;
	}
	fflush(stdout);
	return 0;
}

/* A real program connected (headless): one line for whoever runs the class. */
static void
live_connected(void *u, const char *peer, int client, int server,
    uint16_t port)
{
	const struct scenario *sc = u;

	fprintf(stderr, "surel live: a mail program on %s enters at %s, to "
	    "%s port %u\n", peer, sc->nodes[client].id, sc->nodes[server].id,
	    (unsigned)port);
}

int
cmd_live(int argc, char **argv, cli_live_window window)
{
	struct live_opts o = { .speed = 1, .port_base = LIVE_PORT_BASE,
	    .listen = "127.0.0.1" };
	int rc = live_parse(argc, argv, &o);

	if (rc != 0) {
		live_free_opts(&o);
		return rc;
	}
	struct scenario *sc = live_load(o.file, o.no_story);
	if (sc == NULL) {
		live_free_opts(&o);
		return EXIT_USAGE;
	}
	struct live_svc *v = xcalloc((size_t)sc->nnodes * 6 + 1, sizeof *v);
	int nv = live_services(sc, v);
	if (nv == 0) {
		fprintf(stderr, "surel live: %s has no server: nothing for a "
		    "real mail program to talk to\n", o.file ? o.file :
		    "the default scenario");
		free(v);
		scenario_free(sc);
		live_free_opts(&o);
		return EXIT_USAGE;
	}
	if (live_check_as(sc, &o) != 0) {
		free(v);
		scenario_free(sc);
		live_free_opts(&o);
		return EXIT_USAGE;
	}
	/* A live world has no end of its own: it runs until the teacher stops it. */
	sc->until_ns = 0;
	struct bridge *b = bridge_new_scenario(sc, sc->seed);
	if (live_listen(b, sc, &o, v, nv) != 0) {
		free(v);
		bridge_free(b);
		live_free_opts(&o);
		return EXIT_USAGE;
	}
	free(v);
	bridge_set_speed(b, o.speed);
	bridge_on_connect(b, live_connected, sc);
	/* Before the window: SDL then leaves SIGINT to us (it takes only a default handler). */
	bridge_catch_signals();
	/* The window: it runs the world until it closes (its Q, Esc, Ctrl+C). */
	int shown = -1;
	struct scenario *wsc = NULL;
	if (!o.headless && window != NULL &&
	    (wsc = live_load(o.file, o.no_story)) != NULL &&
	    (shown = window(b, wsc, o.lang, o.scale)) < 0)
		scenario_free(wsc);	/* no window in this build: not taken */
	if (shown == 0)
		goto end;
	if (shown > 0)
		fprintf(stderr, "surel live: running as with --headless "
		    "(Ctrl+C ends it)\n");

	bridge_run(b, live_done, NULL, -1);
end:;
	struct sim *s = bridge_sim(b);
	fprintf(stderr, "surel live: stopped at %.3f s of simulated time after "
	    "%d real connections\n", (double)sim_now(s) / 1e9,
	    bridge_accepted(b));
	rc = live_outputs(&o, s);
	bridge_free(b);
	live_free_opts(&o);
	return rc ? 1 : 0;
}
