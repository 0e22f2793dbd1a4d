/* Test helper: a child process of this one, found by its name in /proc. */
#ifndef SGL_TEST_CHILDREN_H
#define SGL_TEST_CHILDREN_H

#include <sys/types.h>

/* The pid of a child of this process whose command name is `comm`
 * (e.g. "sglhost-render"), or -1. */
pid_t child_named(const char *comm);

#endif
