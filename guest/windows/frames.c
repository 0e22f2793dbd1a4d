/* frames.h on Windows: no System V segments (sgl_sysv_frames_possible is
 * false, so the session never asks for one); frames come in messages. */
#include "session.h"

#include <errno.h>

#include "sgl_session.h"

void sgl_frame_view_release(struct sgl_frame_view *v)
{
	*v = (struct sgl_frame_view)SGL_FRAME_VIEW_INIT;
}

int sgl_frame_view_get(struct sgl_frame_view *v, const struct sgl_msg_frame_shared *m,
		       struct sgl_frame *out)
{
	(void)v, (void)m, (void)out;
	return -ENOTSUP;
}
