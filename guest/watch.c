/*
 * Write-watched memory (watch.h). The fault handler finds the watch of a
 * faulting address in a table sorted by address that readers take under a
 * sequence count: the handler never blocks, and map/unmap (rare) take a
 * mutex between themselves. A fault that is not ours goes to the handler
 * the application had (or, if it had none, the default action runs as it
 * would have without us).
 */
#include "watch.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct entry {
	uintptr_t start, end;
	struct sgl_watch *w;
};

/* Tables replaced by a larger one stay allocated (a reader may still be
 * looking at one): each is twice its predecessor, so they cost at most as
 * much as the live one. */
struct table {
	struct table *retired;
	size_t cap;
	struct entry e[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct table *) table;
static _Atomic size_t count;
static atomic_uint seq;
static struct sigaction previous;
static size_t page;
static int state;     /* 0 unknown, 1 on, -1 off */

static struct sgl_watch *lookup(uintptr_t a, uintptr_t *page_start)
{
	for (;;) {
		unsigned s = atomic_load_explicit(&seq, memory_order_acquire);
		if (s & 1)
			continue;
		struct table *t = atomic_load_explicit(&table, memory_order_acquire);
		size_t lo = 0, hi = atomic_load_explicit(&count, memory_order_acquire);
		struct entry hit = { 0, 0, NULL };
		while (t && lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			struct entry m = t->e[mid];
			if (a < m.start) {
				hi = mid;
			} else if (a >= m.end) {
				lo = mid + 1;
			} else {
				hit = m;
				break;
			}
		}
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&seq, memory_order_relaxed) != s)
			continue;
		*page_start = a & ~(uintptr_t)(page - 1);
		return hit.w;
	}
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t p;
	struct sgl_watch *w = si->si_code == SEGV_ACCERR ? lookup((uintptr_t)si->si_addr, &p) : NULL;
	if (w) {
		/* Unprotect first, then mark: a collect running on another
		 * thread either sees the bit or protects the page again and
		 * the write faults once more. */
		int saved = errno;
		mprotect((void *)p, page, PROT_READ | PROT_WRITE);
		errno = saved;
		size_t i = (p - (uintptr_t)w->app) / page;
		atomic_fetch_or(&w->bits[i / 64], (uint64_t)1 << (i % 64));
		if (!atomic_exchange(&w->dirty, true))
			atomic_fetch_add(w->pending, 1);
		return;
	}
	if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
		previous.sa_sigaction(sig, si, uc);
	} else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
	} else {
		/* Returning runs the faulting instruction again under the
		 * application's own disposition. */
		sigaction(SIGSEGV, &previous, NULL);
	}
}

/* Ours stays installed: an application that set its own SIGSEGV handler
 * after our first watch gets it called for the faults that are not ours. */
static bool install(void)
{
	struct sigaction now;
	if (sigaction(SIGSEGV, NULL, &now))
		return false;
	if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == on_fault)
		return true;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	previous = now;
	return sigaction(SIGSEGV, &sa, NULL) == 0;
}

bool sgl_watch_enabled(void)
{
	pthread_mutex_lock(&lock);
	if (!state) {
		const char *env = getenv("SGL_MAP_WATCH");
		long ps = sysconf(_SC_PAGESIZE);
		page = ps > 0 ? (size_t)ps : 4096;
		state = env && !strcmp(env, "0") ? -1 : 1;
	}
	bool on = state > 0 && install();
	pthread_mutex_unlock(&lock);
	return on;
}

/* Under `lock`. */
static int insert(struct sgl_watch *w)
{
	struct table *t = atomic_load(&table);
	size_t n = atomic_load(&count);
	if (!t || n == t->cap) {
		size_t cap = t ? t->cap * 2 : 64;
		struct table *nt = malloc(sizeof(*nt) + cap * sizeof(nt->e[0]));
		if (!nt)
			return -ENOMEM;
		nt->cap = cap;
		nt->retired = t;
		if (n)
			memcpy(nt->e, t->e, n * sizeof(nt->e[0]));
		atomic_store(&table, nt);
		t = nt;
	}
	size_t at = 0;
	while (at < n && t->e[at].start < (uintptr_t)w->app)
		at++;
	atomic_fetch_add(&seq, 1);
	memmove(&t->e[at + 1], &t->e[at], (n - at) * sizeof(t->e[0]));
	t->e[at] = (struct entry){ (uintptr_t)w->app, (uintptr_t)w->app + w->size, w };
	atomic_store(&count, n + 1);
	atomic_fetch_add(&seq, 1);
	return 0;
}

static void remove_entry(struct sgl_watch *w)
{
	struct table *t = atomic_load(&table);
	size_t n = atomic_load(&count);
	for (size_t i = 0; t && i < n; i++) {
		if (t->e[i].w != w)
			continue;
		atomic_fetch_add(&seq, 1);
		memmove(&t->e[i], &t->e[i + 1], (n - i - 1) * sizeof(t->e[0]));
		atomic_store(&count, n - 1);
		atomic_fetch_add(&seq, 1);
		return;
	}
}

struct sgl_watch *sgl_watch_create(size_t size, _Atomic uint32_t *pending)
{
	if (!sgl_watch_enabled() || !size)
		return NULL;
	struct sgl_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->size = (size + page - 1) & ~(page - 1);
	w->npages = w->size / page;
	w->pending = pending;
	w->bits = calloc((w->npages + 63) / 64, sizeof(w->bits[0]));
	/* Two views of the same shared pages: mremap with an old size of 0
	 * maps a shared mapping again. */
	w->app = mmap(NULL, w->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w->app == MAP_FAILED) {
		w->app = NULL;
		goto fail;
	}
	w->alias = mremap(w->app, 0, w->size, MREMAP_MAYMOVE);
	if (w->alias == MAP_FAILED) {
		w->alias = NULL;
		goto fail;
	}
	if (!w->bits || mprotect(w->app, w->size, PROT_READ))
		goto fail;
	pthread_mutex_lock(&lock);
	int r = insert(w);
	pthread_mutex_unlock(&lock);
	if (r)
		goto fail;
	return w;
fail:
	if (w->alias)
		munmap(w->alias, w->size);
	if (w->app)
		munmap(w->app, w->size);
	free(w->bits);
	free(w);
	return NULL;
}

void sgl_watch_destroy(struct sgl_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&lock);
	remove_entry(w);
	pthread_mutex_unlock(&lock);
	munmap(w->alias, w->size);
	munmap(w->app, w->size);
	free(w->bits);
	free(w);
}

void sgl_watch_collect(struct sgl_watch *w, sgl_watch_fn fn, void *user)
{
	if (!atomic_exchange(&w->dirty, false))
		return;
	size_t words = (w->npages + 63) / 64;
	for (size_t k = 0; k < words; k++) {
		uint64_t b = atomic_exchange(&w->bits[k], 0);
		while (b) {
			/* A run of set bits: one protect and one range. */
			int first = __builtin_ctzll(b);
			uint64_t from = b >> first;
			int len = ~from ? __builtin_ctzll(~from) : 64 - first;
			size_t off = (k * 64 + (size_t)first) * page;
			size_t bytes = (size_t)len * page;
			mprotect(w->app + off, bytes, PROT_READ);
			fn(user, off, bytes);
			b &= ~(len == 64 ? ~(uint64_t)0 : (((uint64_t)1 << len) - 1) << first);
		}
	}
}
