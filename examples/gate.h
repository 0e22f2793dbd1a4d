/*
 * sgl-host's share per source: how many clients one source (a TCP address,
 * a vsock CID, an ivshmem file) may have at once, and how many new ones per second (a bucket of `burst` refilled at
 * `rate` per second). A connection over its source's share is closed at
 * once, before any process or thread is spent on it: a flood from one
 * source costs an accept and a close, and everyone else is still served.
 */
#ifndef SGL_HOST_GATE_H
#define SGL_HOST_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "sglhost.h"

#define GATE_SOURCE_SIZE 96

struct gate;

/* 0 for `max_clients` or `rate`: no such limit. */
struct gate *gate_create(unsigned max_clients, double rate, double burst,
			 void (*log)(void *user, enum sglhost_log_level level, const char *msg),
			 void *log_user);
/* The source of a channel's peer ("tcp 127.0.0.2:41234" -> "tcp
 * 127.0.0.2"), into `source`. */
void gate_source(const char *peer, char source[GATE_SOURCE_SIZE]);
/* A new client of `source`: true when within its share (counted until
 * gate_leave), false when it must be turned away (said in the log, at
 * most every few seconds per source). */
bool gate_enter(struct gate *g, const char *source);
void gate_leave(struct gate *g, const char *source);
void gate_destroy(struct gate *g);

#endif
