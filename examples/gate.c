/*
 * Shares per source (gate.h): a short list of the sources seen lately,
 * each with its clients and its bucket. Sources with no client and a full
 * bucket are forgotten when the list grows.
 */
#include "gate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A refused source is said in the log at most this often. */
#define LOG_EVERY_S 5.0
#define FORGET_ABOVE 256

struct source {
	char name[GATE_SOURCE_SIZE];
	unsigned clients;
	double tokens, at;        /* the bucket, as of `at` */
	unsigned long refused;    /* since it was last said */
	double said;
	struct source *next;
};

struct gate {
	unsigned max_clients;
	double rate, burst;
	void (*log)(void *user, enum sglhost_log_level level, const char *msg);
	void *log_user;
	pthread_mutex_t lock;
	struct source *sources;
	unsigned n;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct gate *gate_create(unsigned max_clients, double rate, double burst,
			 void (*log)(void *user, enum sglhost_log_level level, const char *msg),
			 void *log_user)
{
	struct gate *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	*g = (struct gate){ .max_clients = max_clients, .rate = rate, .burst = burst < 1 ? 1 : burst,
			    .log = log, .log_user = log_user };
	pthread_mutex_init(&g->lock, NULL);
	return g;
}

void gate_source(const char *peer, char source[GATE_SOURCE_SIZE])
{
	/* tcp and vsock peers end in ":port"; a slot's peer is
	 * "FILE slot N (pid P)": the file is the source. */
	const char *slot = strstr(peer, " slot ");
	size_t n = strlen(peer);
	if (slot)
		n = (size_t)(slot - peer);
	else if (!strncmp(peer, "tcp ", 4) || !strncmp(peer, "vsock ", 6)) {
		const char *colon = strrchr(peer, ':');
		if (colon)
			n = (size_t)(colon - peer);
	}
	snprintf(source, GATE_SOURCE_SIZE, "%.*s", (int)n, peer);
}

static void forget_idle(struct gate *g, double t)
{
	for (struct source **pp = &g->sources, *s; (s = *pp);) {
		double tokens = s->tokens + (t - s->at) * g->rate;
		if (!s->clients && (!g->rate || tokens >= g->burst) && !s->refused) {
			*pp = s->next;
			free(s);
			g->n--;
		} else {
			pp = &s->next;
		}
	}
}

static struct source *find(struct gate *g, const char *name, double t)
{
	for (struct source *s = g->sources; s; s = s->next)
		if (!strcmp(s->name, name))
			return s;
	if (g->n >= FORGET_ABOVE)
		forget_idle(g, t);
	struct source *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->tokens = g->burst;
	s->at = t;
	s->said = t - LOG_EVERY_S;
	s->next = g->sources;
	g->sources = s;
	g->n++;
	return s;
}

bool gate_enter(struct gate *g, const char *source)
{
	if (!g)
		return true;
	double t = now();
	char msg[256] = "";
	pthread_mutex_lock(&g->lock);
	struct source *s = find(g, source, t);
	bool ok = s != NULL;
	if (s && g->rate) {
		s->tokens += (t - s->at) * g->rate;
		s->tokens = s->tokens > g->burst ? g->burst : s->tokens;
		s->at = t;
	}
	if (s && g->max_clients && s->clients >= g->max_clients)
		ok = false;
	if (s && g->rate && s->tokens < 1)
		ok = false;
	if (ok) {
		s->clients++;
		if (g->rate)
			s->tokens -= 1;
	} else if (s && ++s->refused && t - s->said >= LOG_EVERY_S) {
		snprintf(msg, sizeof(msg), "%s: connections turned away, over its share (%u "
			 "clients at once, %.0f new per second): %lu since this was last said",
			 s->name, g->max_clients, g->rate, s->refused);
		s->refused = 0;
		s->said = t;
	}
	pthread_mutex_unlock(&g->lock);
	if (msg[0] && g->log)
		g->log(g->log_user, SGLHOST_LOG_WARN, msg);
	return ok;
}

void gate_leave(struct gate *g, const char *source)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	for (struct source *s = g->sources; s; s = s->next) {
		if (!strcmp(s->name, source)) {
			s->clients -= s->clients > 0;
			break;
		}
	}
	pthread_mutex_unlock(&g->lock);
}

void gate_destroy(struct gate *g)
{
	if (!g)
		return;
	while (g->sources) {
		struct source *s = g->sources;
		g->sources = s->next;
		free(s);
	}
	pthread_mutex_destroy(&g->lock);
	free(g);
}
