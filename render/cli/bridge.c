/*
 * bridge.c: real loopback sockets into simulated servers.  See bridge.h.
 *
 * One loop does everything, single-threaded: poll() the listening and
 * accepted sockets for a few milliseconds, accept and read what is
 * there (bytes go into the simulated connections with tcp_send()),
 * advance the simulation by BRIDGE_STEP_NS, and write out what the
 * simulated servers sent meanwhile.  A round trip inside takes tens of
 * simulated milliseconds, so one step answers any command; when the real
 * program is idle the simulation still moves, so that mail travels
 * between servers while the program waits.
 *
 * Closing is passed on both ways: the real program's EOF becomes
 * tcp_close(); the simulated server's FIN becomes shutdown(SHUT_WR) once
 * every byte before it has been written.
 *
 * In live mode (bridge_set_speed() > 0) a turn of the loop moves the
 * simulation to where the wall clock says it should be, so that a real
 * program waits as long (times the speed) as it would on the network
 * the scenario draws.
 */
#include "bridge.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"
#include "sim.h"
#include "tcp.h"
#include "udp.h"
#include "util.h"

#define BRIDGE_STEP_NS		(2 * SIM_SEC)	/* simulated time per loop */
#define BRIDGE_POLL_MS		5		/* wall time a loop waits at most */
#define BRIDGE_MAX_LISTEN	64
#define BRIDGE_MAX_PEERS	64		/* real UDP peers remembered at once */
#define BRIDGE_UDP_FIRST	40000		/* their ports on the client node, below DNS's ephemeral range */

/* One real connection and its simulated twin. */
struct bconn {
	struct bconn	*next;
	int		 fd;		/* the real socket; -1 once closed */
	struct tcp_conn	*c;		/* the simulated one; NULL once gone */
	struct buf	 out;		/* from the simulated server, to write */
	size_t		 out_off;	/* how much of it is written */
	int		 real_eof;	/* the real program closed its side */
	int		 sim_eof;	/* the simulated server closed (or failed) */
	int		 shut;		/* sim_eof passed on with shutdown() */
};

struct blisten {
	int		 fd;
	int		 client, server;	/* node indices */
	uint16_t	 port;			/* the server's port inside */
	int		 udp;
};

/* A real UDP peer (a resolver, dig) and the simulated port that speaks for it. */
struct bpeer {
	struct sockaddr_in sa;		/* where answers go */
	int		 lfd;		/* the UDP socket it wrote to; -1: slot unused */
	int		 client;	/* node of its simulated port */
	uint16_t	 sport;		/* that port; 0 until bound */
};

struct bridge {
	struct scenario	*sc;
	struct sim	*s;
	struct blisten	 ls[BRIDGE_MAX_LISTEN];
	int		 nls;
	struct bconn	*conns;
	int		 accepted;
	struct bpeer	 peers[BRIDGE_MAX_PEERS];
	int		 npeers;	/* slots used; the oldest is reused after */
	uint16_t	 next_sport;
	double		 speed;		/* 0: steps; else simulated s per wall s */
	bridge_connect_fn on_connect;
	void		*on_connect_u;
	struct pollfd	*pf;		/* bridge_pump()'s, kept between turns */
	struct bconn	**who;
	size_t		 cap;
	int		 started;
	uint64_t	 wall0_ms, sim0_ns;	/* where real time was tied to simulated time */
};

static uint64_t
bridge_now_ms(void)
{
	struct timespec ts;

	/* Wall-clock time, for the time limit only: this is tests/, not sim/. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Non-blocking, and not inherited by the programs the tests start. */
static void
bridge_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL, 0);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* ---- the simulated side ------------------------------------------------ */

static void
bridge_sim_data(struct tcp_conn *c, void *u, const uint8_t *p, size_t n)
{
	struct bconn *bc = u;

	(void)c;
	buf_append(&bc->out, p, n);
}

static void
bridge_sim_peer_closed(struct tcp_conn *c, void *u)
{
	(void)c;
	((struct bconn *)u)->sim_eof = 1;
}

static void
bridge_sim_closed(struct tcp_conn *c, void *u)
{
	struct bconn *bc = u;

	(void)c;
	bc->c = NULL;
	bc->sim_eof = 1;
}

static void
bridge_sim_error(struct tcp_conn *c, void *u, enum tcp_err e)
{
	struct bconn *bc = u;

	(void)c;
	(void)e;
	bc->c = NULL;
	bc->sim_eof = 1;
}

static const struct tcp_ops bridge_ops = {
	.data = bridge_sim_data,
	.peer_closed = bridge_sim_peer_closed,
	.closed = bridge_sim_closed,
	.error = bridge_sim_error,
};

/* Close the simulated side; a connection not yet set up goes at once, without a callback. */
static void
bridge_sim_close(struct bconn *bc)
{
	if (bc->c == NULL)
		return;
	tcp_close(bc->c);
	if (tcp_conn_state(bc->c) == TCP_CLOSED) {
		bc->c = NULL;
		bc->sim_eof = 1;
	}
}

/* ---- the real side ------------------------------------------------------ */

static void
bridge_close_fd(struct bconn *bc)
{
	if (bc->fd >= 0)
		close(bc->fd);
	bc->fd = -1;
	bc->real_eof = 1;
}

/* Write what the simulated server sent; pass its FIN on once all is out. */
static void
bridge_flush(struct bconn *bc)
{
	while (bc->fd >= 0 && bc->out_off < bc->out.len) {
		ssize_t w = send(bc->fd, bc->out.data + bc->out_off,
		    bc->out.len - bc->out_off, MSG_NOSIGNAL);

		if (w > 0) {
			bc->out_off += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		/* The real program is gone: nobody is left to read. */
		bridge_close_fd(bc);
		bridge_sim_close(bc);
	}
	if (bc->out_off == bc->out.len) {
		bc->out.len = 0;
		bc->out_off = 0;
	}
	if (bc->fd >= 0 && bc->sim_eof && bc->out.len == 0 && !bc->shut) {
		shutdown(bc->fd, SHUT_WR);
		bc->shut = 1;
	}
}

static void
bridge_read(struct bconn *bc)
{
	char tmp[16384];
	ssize_t r = recv(bc->fd, tmp, sizeof tmp, 0);

	if (r > 0) {
		/* A closed simulated side takes nothing more: the bytes are dropped. */
		if (bc->c)
			tcp_send(bc->c, tmp, (size_t)r);
		return;
	}
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	/* EOF (or an error): the real program is done sending. */
	bc->real_eof = 1;
	bridge_sim_close(bc);
}

static int
bridge_accept1(struct bridge *b, struct blisten *l)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof peer;
	int fd = accept(l->fd, (struct sockaddr *)&peer, &plen);

	if (fd < 0)
		return 0;
	if (b->on_connect != NULL && peer.sin_family == AF_INET) {
		char addr[INET_ADDRSTRLEN], name[INET_ADDRSTRLEN + 8];

		inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof addr);
		snprintf(name, sizeof name, "%s:%u", addr,
		    (unsigned)ntohs(peer.sin_port));
		b->on_connect(b->on_connect_u, name, l->client, l->server,
		    l->port);
	}
	bridge_nonblock(fd);
	struct bconn *bc = xcalloc(1, sizeof *bc);
	bc->fd = fd;
	bc->next = b->conns;
	b->conns = bc;
	b->accepted++;
	bc->c = tcp_connect(b->s, l->client, b->sc->nodes[l->server].ip,
	    l->port, &bridge_ops, bc);
	if (bc->c == NULL) {
		/* The outside host is switched off in the scenario: no connection. */
		bc->sim_eof = 1;
		bridge_close_fd(bc);
	}
	return 1;
}

/* Take every connection waiting (a class connects at once). */
static void
bridge_accept(struct bridge *b, struct blisten *l)
{
	for (int k = 0; k < 64 && bridge_accept1(b, l); k++)
		continue;
}

/* Forget connections finished on both sides. */
static void
bridge_reap(struct bridge *b)
{
	struct bconn **pp = &b->conns;

	while (*pp) {
		struct bconn *bc = *pp;

		/* The real side closes when both are done and every byte is out. */
		if (bc->fd >= 0 && bc->real_eof && bc->sim_eof && bc->out.len == 0)
			bridge_close_fd(bc);
		if (bc->fd < 0 && bc->c == NULL) {
			*pp = bc->next;
			buf_free(&bc->out);
			free(bc);
			continue;
		}
		pp = &bc->next;
	}
}

/* ---- datagrams (DNS) ------------------------------------------------------ */

/* A simulated answer to a real peer's datagram goes out as it came in. */
static void
bridge_udp_answer(struct sim *s, int node, void *u, uint32_t src,
    uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	struct bpeer *pe = u;

	(void)s;
	(void)node;
	(void)src;
	(void)sport;
	(void)dport;
	if (pe->lfd >= 0)
		sendto(pe->lfd, p, n, MSG_DONTWAIT, (struct sockaddr *)&pe->sa,
		    sizeof pe->sa);
}

static struct bpeer *
bridge_peer(struct bridge *b, struct blisten *l, const struct sockaddr_in *sa)
{
	for (int i = 0; i < b->npeers; i++) {
		struct bpeer *pe = &b->peers[i];

		if (pe->lfd == l->fd && pe->client == l->client &&
		    pe->sa.sin_addr.s_addr == sa->sin_addr.s_addr &&
		    pe->sa.sin_port == sa->sin_port)
			return pe;
	}
	/* A new peer: a fresh slot, or the oldest one's port taken over. */
	struct bpeer *pe = &b->peers[b->accepted % BRIDGE_MAX_PEERS];
	if (b->npeers < BRIDGE_MAX_PEERS)
		pe = &b->peers[b->npeers++];
	b->accepted++;
	if (pe->sport != 0 && pe->client != l->client)
		pe->sport = 0;	/* bound on another node: bind anew */
	pe->sa = *sa;
	pe->lfd = l->fd;
	pe->client = l->client;
	while (pe->sport == 0 && b->next_sport < 49152) {
		uint16_t p = b->next_sport++;

		if (udp_bind(b->s, l->client, p, bridge_udp_answer, pe) == 0)
			pe->sport = p;
	}
	return pe->sport ? pe : NULL;
}

static void
bridge_udp_read(struct bridge *b, struct blisten *l)
{
	uint8_t tmp[65536];
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	ssize_t r = recvfrom(l->fd, tmp, sizeof tmp, 0, (struct sockaddr *)&sa,
	    &salen);

	if (r < 0 || salen != sizeof sa || sa.sin_family != AF_INET)
		return;
	struct bpeer *pe = bridge_peer(b, l, &sa);
	if (pe != NULL)
		udp_send(b->s, l->client, pe->sport, b->sc->nodes[l->server].ip,
		    l->port, tmp, (size_t)r);
}

/* ---- the API ------------------------------------------------------------ */

struct bridge *
bridge_new(const char *text, size_t len, const char *name)
{
	struct sc_errors errs = { 0 };
	struct scenario *sc = scenario_load(text, len, name, &errs);

	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	sc_errors_free(&errs);
	if (sc == NULL)
		return NULL;
	return bridge_new_scenario(sc, sc->seed);
}

struct bridge *
bridge_new_scenario(struct scenario *sc, uint64_t seed)
{
	struct bridge *b = xcalloc(1, sizeof *b);

	b->sc = sc;
	b->s = sim_new(sc, seed);
	b->next_sport = BRIDGE_UDP_FIRST;
	return b;
}

struct bridge *
bridge_new_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf t = { 0 };
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&t, chunk, n);
	fclose(f);
	struct bridge *b = bridge_new(t.data ? (char *)t.data : "", t.len, path);
	buf_free(&t);
	return b;
}

uint16_t
bridge_listen(struct bridge *b, const char *client, const char *server,
    uint16_t port)
{
	int cn = scenario_node_index(b->sc, client);
	int sn = scenario_node_index(b->sc, server);
	int err;

	if (cn < 0 || sn < 0)
		return 0;
	/* Port 0: the kernel picks a free one. */
	return bridge_listen_at(b, "127.0.0.1", 0, 1, cn, sn, port, 0, &err);
}

uint16_t
bridge_listen_at(struct bridge *b, const char *addr, uint16_t want,
    int tries, int client, int server, uint16_t port, int udp, int *err)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int one = 1;

	*err = EINVAL;
	if (client < 0 || client >= b->sc->nnodes || server < 0 ||
	    server >= b->sc->nnodes || b->nls == BRIDGE_MAX_LISTEN)
		return 0;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return 0;
	for (int k = 0; k < tries && (int)want + k <= 65535; k++) {
		int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);

		if (fd < 0) {
			*err = errno;
			return 0;
		}
		/* A port left in TIME_WAIT by the last lesson is free again. */
		if (!udp)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		a.sin_port = htons((uint16_t)(want + k));
		if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
			*err = errno;
			close(fd);
			if (*err != EADDRINUSE && *err != EACCES)
				return 0;	/* no other port does better */
			continue;
		}
		if ((!udp && listen(fd, 128) != 0) ||
		    getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
			*err = errno;
			close(fd);
			return 0;
		}
		bridge_nonblock(fd);
		b->ls[b->nls++] = (struct blisten){ fd, client, server, port,
		    udp };
		return ntohs(a.sin_port);
	}
	return 0;
}

void
bridge_set_speed(struct bridge *b, double speed)
{
	b->speed = speed > 0 ? speed : 0;
	b->started = 0;
}

/* Where the simulation should be now: the step mode's next step, or the wall clock's time. */
static uint64_t
bridge_target(struct bridge *b)
{
	uint64_t now = sim_now(b->s), t;

	if (b->speed <= 0)
		return now + BRIDGE_STEP_NS;
	if (!b->started) {
		b->started = 1;
		b->wall0_ms = bridge_now_ms();
		b->sim0_ns = now;
	}
	t = b->sim0_ns + (uint64_t)((double)(bridge_now_ms() - b->wall0_ms) *
	    1e6 * b->speed);
	if (t > SIM_MAX_NS)
		t = SIM_MAX_NS;
	return t > now ? t : now;
}

void
bridge_pump(struct bridge *b, int wait_ms)
{
	size_t n = (size_t)b->nls;

	for (struct bconn *bc = b->conns; bc; bc = bc->next)
		n++;
	if (n > b->cap) {
		b->cap = n * 2;
		b->pf = xrealloc(b->pf, b->cap * sizeof *b->pf);
		b->who = xrealloc(b->who, b->cap * sizeof *b->who);
	}
	struct pollfd *pf = b->pf;
	struct bconn **who = b->who;
	n = 0;
	for (int i = 0; i < b->nls; i++) {
		pf[n] = (struct pollfd){ .fd = b->ls[i].fd, .events = POLLIN };
		who[n++] = NULL;
	}
	for (struct bconn *bc = b->conns; bc; bc = bc->next) {
		short ev = 0;

		if (bc->fd < 0)
			continue;
		if (!bc->real_eof)
			ev |= POLLIN;
		if (bc->out_off < bc->out.len)
			ev |= POLLOUT;
		pf[n] = (struct pollfd){ .fd = bc->fd, .events = ev };
		who[n++] = bc;
	}
	if (poll(pf, (nfds_t)n, wait_ms) < 0)
		n = 0;		/* EINTR (a signal): nothing read this turn */
	/* Real bytes first: they go in before the simulation moves on. */
	for (size_t i = 0; i < n; i++) {
		if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (who[i] == NULL && b->ls[i].udp)
			bridge_udp_read(b, &b->ls[i]);
		else if (who[i] == NULL)
			bridge_accept(b, &b->ls[i]);
		else if (who[i]->fd >= 0 && !who[i]->real_eof)
			bridge_read(who[i]);
	}
	sim_run_until(b->s, bridge_target(b));
	for (struct bconn *bc = b->conns; bc; bc = bc->next)
		bridge_flush(bc);
	bridge_reap(b);
}

int
bridge_run(struct bridge *b, int (*done)(void *u), void *u, int max_wall_ms)
{
	uint64_t deadline = max_wall_ms < 0 ? UINT64_MAX :
	    bridge_now_ms() + (uint64_t)max_wall_ms;

	for (;;) {
		if (done && done(u))
			return 0;
		if (bridge_now_ms() >= deadline)
			return -1;
		bridge_pump(b, BRIDGE_POLL_MS);
	}
}

static volatile sig_atomic_t bridge_stop;

static void
bridge_on_signal(int sig)
{
	(void)sig;
	bridge_stop = 1;
}

void
bridge_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = bridge_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
bridge_stopped(void)
{
	return bridge_stop;
}

void
bridge_on_connect(struct bridge *b, bridge_connect_fn fn, void *u)
{
	b->on_connect = fn;
	b->on_connect_u = u;
}

struct sim *
bridge_sim(struct bridge *b)
{
	return b->s;
}

int
bridge_accepted(const struct bridge *b)
{
	return b->accepted;
}

int
bridge_open(const struct bridge *b)
{
	int n = 0;

	for (const struct bconn *bc = b->conns; bc; bc = bc->next)
		n++;
	return n;
}

void
bridge_free(struct bridge *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < b->nls; i++)
		close(b->ls[i].fd);
	while (b->conns) {
		struct bconn *bc = b->conns;

		b->conns = bc->next;
		if (bc->fd >= 0)
			close(bc->fd);
		/* The simulation frees its connections: they must not call us back. */
		if (bc->c)
			tcp_set_ops(bc->c, NULL, NULL);
		buf_free(&bc->out);
		free(bc);
	}
	free(b->pf);
	free(b->who);
	sim_free(b->s);
	scenario_free(b->sc);
	free(b);
}
