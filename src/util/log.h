/* Logging through the embedder's handler; the library never prints. */
#ifndef SGL_UTIL_LOG_H
#define SGL_UTIL_LOG_H

#include "sglhost.h"

struct sgl_log {
	sglhost_log_fn fn;
	void *user;
	enum sglhost_log_level level;
};

void sgl_log_write(const struct sgl_log *log, enum sglhost_log_level level, const char *file,
		   int line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define sgl_log(log, lvl, ...)                                                   \
	do {                                                                     \
		const struct sgl_log *sgl_log_ = (log);                          \
		if (sgl_log_ && sgl_log_->fn && (lvl) <= sgl_log_->level)         \
			sgl_log_write(sgl_log_, (lvl), __FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define sgl_log_error(log, ...) sgl_log(log, SGLHOST_LOG_ERROR, __VA_ARGS__)
#define sgl_log_warn(log, ...) sgl_log(log, SGLHOST_LOG_WARN, __VA_ARGS__)
#define sgl_log_info(log, ...) sgl_log(log, SGLHOST_LOG_INFO, __VA_ARGS__)
#define sgl_log_debug(log, ...) sgl_log(log, SGLHOST_LOG_DEBUG, __VA_ARGS__)

#endif
