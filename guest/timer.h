/* The flush timer (timer.c): batches left waiting go out after a tick. */
#ifndef SGL_GUEST_TIMER_H
#define SGL_GUEST_TIMER_H

#include "encoder.h"

/* Watches `e` (a context's encoder) until sgl_timer_remove; after remove
 * returns the timer no longer touches it. No-op where the timer is off. */
void sgl_timer_add(struct sgl_enc *e);
void sgl_timer_remove(struct sgl_enc *e);

#endif
