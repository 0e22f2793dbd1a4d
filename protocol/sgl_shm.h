/*
 * The shared-memory transport: the layout of the file both sides map, and
 * the ring engine both sides run over it (sgl_shm.c). docs/shm-layout.md
 * describes the same layout byte by byte.
 *
 * The file will later be an ivshmem BAR2 that a VM maps, so the layout
 * holds offsets and counters only, never a pointer, and every value one
 * side reads from it was written by a peer it does not trust.
 *
 *   0                      struct sgl_shm_header (one page)
 *   SGL_SHM_SLOTS_OFFSET   slot 0: struct sgl_shm_slot, then at
 *                          SGL_SHM_SLOT_DATA the command ring's data and
 *                          the reply ring's data (ring_size bytes each)
 *   + slot_stride          slot 1 ...
 *
 * Little-endian, as the session protocol.
 */
#ifndef SGL_SHM_H
#define SGL_SHM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SGL_SHM_MAGIC 0x4d4c4753u        /* "SGLM" */
#define SGL_SHM_VERSION 2u         /* 2: heartbeats for hosts and guests in two kernels */

#define SGL_SHM_DEFAULT_PATH "/dev/shm/sgl"
#define SGL_SHM_DEFAULT_SLOTS 16u
#define SGL_SHM_DEFAULT_RING (1u << 20)

#define SGL_SHM_MAX_SLOTS 1024u
#define SGL_SHM_MIN_RING 4096u
#define SGL_SHM_MAX_RING (1u << 30)

#define SGL_SHM_PAGE 4096u
#define SGL_SHM_SLOTS_OFFSET SGL_SHM_PAGE /* slot 0, after the header page */
#define SGL_SHM_SLOT_DATA SGL_SHM_PAGE    /* ring data, from the slot start */

/* A ring may be waited on for this long before the waiter looks whether its
 * peer is still there (and wakes up anyway, so nothing hangs forever). */
#define SGL_SHM_WAIT_MS 100
/* How long a waiter spins (pause) before it sleeps: a round trip to a
 * peer that answers within it costs no system call. */
#define SGL_SHM_SPIN_NS 50000
/* A side that cannot be woken (polling: ivshmem without a doorbell) sleeps
 * between looks, from the first to the last, doubling: an idle side costs
 * about a thousand short sleeps a second, a busy one microseconds. */
#define SGL_SHM_POLL_MIN_NS 1000
#define SGL_SHM_POLL_MAX_NS 1000000
/* Where the two sides run in two kernels (host_pid 0: ivshmem), neither can
 * ask the kernel about the other's process. Each bumps a heartbeat every
 * SGL_SHM_WAIT_MS instead (the host in the header, a guest in its slot);
 * one whose heartbeat stood still this long is gone. */
#define SGL_SHM_HEARTBEAT_MS 5000

/*
 * Every field that changes while both sides run is atomic. Lock-free atomics
 * work across two mappings of one file, by C11 7.17.5: "Operations that are
 * lock-free should also be address-free. [...] This restriction enables
 * communication by memory that is mapped into a process more than once and
 * by memory that is shared between two processes."
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LLONG_LOCK_FREE == 2 &&
	       ATOMIC_LONG_LOCK_FREE == 2, "shared counters need address-free atomics");
_Static_assert(sizeof(_Atomic uint64_t) == 8 && _Alignof(_Atomic uint64_t) == 8,
	       "a 64-bit counter is 8 bytes, 8-aligned");
_Static_assert(sizeof(_Atomic uint32_t) == 4 && _Alignof(_Atomic uint32_t) == 4,
	       "a futex word is 4 bytes, 4-aligned");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the layout is little-endian");

/* Written once by the host before it sets host_alive; a guest copies it
 * (pread) and checks it before mapping anything. */
struct sgl_shm_info {
	uint32_t magic;          /* SGL_SHM_MAGIC */
	uint32_t version;        /* SGL_SHM_VERSION */
	uint32_t slot_count;     /* 1 .. SGL_SHM_MAX_SLOTS */
	uint32_t ring_size;      /* bytes of data per ring, a power of two */
	uint64_t slots_offset;   /* SGL_SHM_SLOTS_OFFSET */
	uint64_t slot_stride;    /* sgl_shm_slot_stride(ring_size) */
	uint64_t file_size;      /* sgl_shm_file_size(slot_count, ring_size) */
	uint8_t reserved[24];
};

struct sgl_shm_header {
	struct sgl_shm_info info;                 /* 0: constants */
	/* 64: the host's state. host_alive is 1 while a host serves the file
	 * (stored last at start, cleared first at exit); host_generation is new
	 * at every start, so a guest notices a host that restarted under it;
	 * host_pid is the host's pid where guests share its pid namespace
	 * (a /dev/shm file), 0 where they cannot use it (ivshmem). */
	_Atomic uint64_t host_generation;
	_Atomic uint32_t host_alive;
	_Atomic uint32_t host_pid;
	/* 80: bumped about every SGL_SHM_WAIT_MS while the host serves the
	 * memory; guests of a host_pid 0 host watch it. */
	_Atomic uint32_t host_heartbeat;
	uint8_t pad1[44];
	/* 128: futex word a guest bumps (and wakes) after it connected a slot. */
	_Atomic uint32_t doorbell;
	uint8_t pad2[SGL_SHM_PAGE - 132];
};

/*
 * A slot's claim word: the state in bits 0-7 and the claim generation in
 * bits 8-63. One compare-and-swap moves both, so a side that acts on "slot
 * 3 of generation 7" can never act on the next guest's session in slot 3.
 * A guest increments the generation when it claims; nobody else changes it.
 */
enum sgl_shm_state {
	SGL_SHM_FREE = 0,        /* nobody; a guest may claim it */
	SGL_SHM_CLAIMED = 1,     /* a guest is setting it up */
	SGL_SHM_CONNECTED = 2,   /* set up; the host may accept it */
	SGL_SHM_CLOSED = 3,      /* one side left; the second to leave frees it */
};
#define SGL_SHM_CLAIM(state, gen) (((uint64_t)(gen) << 8) | (uint64_t)(state))
#define SGL_SHM_CLAIM_STATE(w) ((uint32_t)((w) & 0xffu))
#define SGL_SHM_CLAIM_GEN(w) ((uint64_t)(w) >> 8)

/*
 * One direction of a slot: a single-producer single-consumer byte stream.
 * head and tail count bytes since the slot was claimed (they never wrap in
 * practice: 2^64 bytes); byte k lives at data[k % ring_size]. The producer
 * owns head and its line, the consumer owns tail and its line.
 *
 * A side waits on the separate 32-bit futex word next to its peer's
 * counter, not on the counter itself: the futex word is bumped only when
 * the waiter says it sleeps, and a side can bump it to wake its own waiter
 * at shutdown (the counter is the peer's to write). See sgl_shm.c.
 */
struct sgl_shm_ring {
	/* 0: the producer's line */
	_Atomic uint64_t head;            /* bytes written */
	_Atomic uint32_t head_futex;      /* bumped to wake a consumer */
	_Atomic uint32_t writer_sleeping; /* the producer waits for space */
	_Atomic uint32_t writer_cpu;      /* 16: the CPU the producer last ran on + 1 */
	uint8_t pad0[44];
	/* 64: the consumer's line */
	_Atomic uint64_t tail;            /* bytes read */
	_Atomic uint32_t tail_futex;      /* bumped to wake a producer */
	_Atomic uint32_t reader_sleeping; /* the consumer waits for data */
	_Atomic uint32_t reader_cpu;      /* 80: the CPU the consumer last ran on + 1 */
	uint8_t pad1[44];
};

struct sgl_shm_slot {
	_Atomic uint64_t claim;           /* 0: SGL_SHM_CLAIM(state, gen) */
	_Atomic uint32_t guest_pid;       /* 8: for logs, and to notice a dead guest */
	/* 12: bumped about every SGL_SHM_WAIT_MS by a guest of a host_pid 0
	 * host, for as long as its process lives. */
	_Atomic uint32_t guest_heartbeat;
	uint8_t pad0[48];
	struct sgl_shm_ring cmd;          /* 64: guest -> host */
	struct sgl_shm_ring reply;        /* 192: host -> guest */
	/* 320 .. SGL_SHM_SLOT_DATA: zero. Then cmd's data, then reply's. */
};

_Static_assert(sizeof(struct sgl_shm_info) == 64, "info is one line");
_Static_assert(offsetof(struct sgl_shm_header, host_generation) == 64, "layout");
_Static_assert(offsetof(struct sgl_shm_header, host_alive) == 72, "layout");
_Static_assert(offsetof(struct sgl_shm_header, host_pid) == 76, "layout");
_Static_assert(offsetof(struct sgl_shm_header, host_heartbeat) == 80, "layout");
_Static_assert(offsetof(struct sgl_shm_header, doorbell) == 128, "layout");
_Static_assert(sizeof(struct sgl_shm_header) == SGL_SHM_SLOTS_OFFSET, "the header is a page");
_Static_assert(offsetof(struct sgl_shm_ring, head) == 0, "layout");
_Static_assert(offsetof(struct sgl_shm_ring, head_futex) == 8, "layout");
_Static_assert(offsetof(struct sgl_shm_ring, writer_sleeping) == 12, "layout");
_Static_assert(offsetof(struct sgl_shm_ring, tail) == 64, "tail on its own line");
_Static_assert(offsetof(struct sgl_shm_ring, tail_futex) == 72, "layout");
_Static_assert(offsetof(struct sgl_shm_ring, reader_sleeping) == 76, "layout");
_Static_assert(sizeof(struct sgl_shm_ring) == 128, "a ring's control is two lines");
_Static_assert(offsetof(struct sgl_shm_slot, guest_pid) == 8, "layout");
_Static_assert(offsetof(struct sgl_shm_slot, guest_heartbeat) == 12, "layout");
_Static_assert(offsetof(struct sgl_shm_slot, cmd) == 64, "layout");
_Static_assert(offsetof(struct sgl_shm_slot, reply) == 192, "layout");
_Static_assert(sizeof(struct sgl_shm_slot) == 320, "layout");
_Static_assert(sizeof(struct sgl_shm_slot) <= SGL_SHM_SLOT_DATA, "data after the control");

static inline bool sgl_shm_ring_size_ok(uint32_t ring_size)
{
	return ring_size >= SGL_SHM_MIN_RING && ring_size <= SGL_SHM_MAX_RING &&
	       (ring_size & (ring_size - 1)) == 0;
}

static inline uint64_t sgl_shm_slot_stride(uint32_t ring_size)
{
	return SGL_SHM_SLOT_DATA + 2 * (uint64_t)ring_size;
}

/* At most 2^10 slots of 2^12 + 2^31 bytes: no overflow in 64 bits. */
static inline uint64_t sgl_shm_file_size(uint32_t slot_count, uint32_t ring_size)
{
	return SGL_SHM_SLOTS_OFFSET + slot_count * sgl_shm_slot_stride(ring_size);
}

static inline uint64_t sgl_shm_slot_offset(uint32_t ring_size, uint32_t slot)
{
	return SGL_SHM_SLOTS_OFFSET + slot * sgl_shm_slot_stride(ring_size);
}

/* The smallest power of two that holds the layout: an ivshmem BAR's size. */
static inline uint64_t sgl_shm_bar_size(uint64_t file_size)
{
	uint64_t size = SGL_SHM_PAGE;
	while (size < file_size)
		size <<= 1;
	return size;
}

/* Data of the command ring, then of the reply ring, from the slot start. */
static inline uint64_t sgl_shm_cmd_data(void)
{
	return SGL_SHM_SLOT_DATA;
}

static inline uint64_t sgl_shm_reply_data(uint32_t ring_size)
{
	return SGL_SHM_SLOT_DATA + (uint64_t)ring_size;
}

/* Formats a message into `err` (when there is one), keeping errno: both
 * sides' connect and listen paths return -errno after it. */
__attribute__((format(printf, 3, 4)))
void sgl_shm_fail(char *err, size_t err_size, const char *fmt, ...);

/* Checks a header copy against the geometry its own counts imply; 0 or a
 * reason. Both sides call it: a guest on the host's header, tests on both. */
const char *sgl_shm_info_check(const struct sgl_shm_info *info);

/* ------------------------------------------------------------------------
 * The ring engine (sgl_shm.c). Everything below lives in a process's own
 * memory; only `ring` and `data` point into the mapping.
 */

/*
 * How a side sleeps and how it wakes its peer, chosen by the transport:
 *
 *   /dev/shm file       futexes both ways (sgl_shm_futex_notify)
 *   ivshmem-plain       nothing crosses: both sides poll (sgl_shm_poll_notify)
 *   ivshmem-doorbell    the host wakes a guest through its MSI-X eventfd, a
 *                       guest the host through the BAR0 doorbell register
 *
 * The protocol is the same for all (sleeping flags, re-check, timeouts):
 * a waker bumps the futex word, then calls wake() only when the peer said it
 * sleeps. Every call receives `user`.
 */
struct sgl_shm_notify {
	/* Wakes the peer asleep on `word`, just bumped. NULL: the peer polls. */
	void (*wake)(void *user, _Atomic uint32_t *word);
	/* Sleeps until `word` differs from `seen`, a wake or interrupt comes,
	 * or `ms` pass. NULL: poll, sleeping SGL_SHM_POLL_MIN_NS, doubling up
	 * to SGL_SHM_POLL_MAX_NS. */
	void (*wait)(void *user, _Atomic uint32_t *word, uint32_t seen, int ms);
	/* Wakes our own waiter (a shutdown from another thread) asleep on
	 * `word`, just bumped. NULL: it polls, nothing to do. */
	void (*interrupt)(void *user, _Atomic uint32_t *word);
	void *user;
	/* The peer runs on our kernel: the CPU it publishes means something
	 * (spin only when it runs on another one). */
	bool local;
};
extern const struct sgl_shm_notify sgl_shm_futex_notify;
extern const struct sgl_shm_notify sgl_shm_poll_notify;

/* Bumps `word` and wakes the peer asleep on it, whatever it says. */
void sgl_shm_wake_peer(const struct sgl_shm_notify *n, _Atomic uint32_t *word);
/* Bumps `word` and wakes our own waiter on it (shutdown). */
void sgl_shm_wake_self(const struct sgl_shm_notify *n, _Atomic uint32_t *word);

/* One side's end of one ring. `pos` is this side's own counter (head for
 * the producer, tail for the consumer): the copy in the mapping is only
 * ever written, never read back, so a peer cannot move it for us. */
struct sgl_shm_end {
	struct sgl_shm_ring *ring;
	uint8_t *data;
	uint32_t size;
	uint64_t pos;
	/* -EPROTO once a counter was impossible; shared by a channel's ends. */
	_Atomic int *broken;
	const struct sgl_shm_notify *notify;
};

/* What a blocked side asks its owner on every round (cheap) and, about
 * every SGL_SHM_WAIT_MS of waiting, with `slow` set (may ask the kernel
 * whether the peer's process lives). Returns 0 while the session goes on,
 * SGL_SHM_GONE once the peer has left (reads return 0 once the data it
 * sent is drained, writes -EPIPE), or -errno to return at once. */
#define SGL_SHM_GONE 1
struct sgl_shm_peer {
	int (*check)(void *user, bool slow);
	void *user;
};

void sgl_shm_end_init(struct sgl_shm_end *e, struct sgl_shm_ring *ring, uint8_t *data,
		      uint32_t size, _Atomic int *broken, const struct sgl_shm_notify *notify);
/* Channel read/write semantics (transport/channel.h): -EPROTO when the
 * peer's counter is impossible (the channel is then broken for good). */
ssize_t sgl_shm_read(struct sgl_shm_end *e, void *buf, size_t n, const struct sgl_shm_peer *p);
int sgl_shm_write(struct sgl_shm_end *e, const void *buf, size_t n, const struct sgl_shm_peer *p);
/* Zeroes a ring's control words: the claiming guest, before CONNECTED. */
void sgl_shm_ring_reset(struct sgl_shm_ring *ring);
/* Bumps a futex word and wakes every waiter on it: after a state change
 * (shutdown, close) that a waiter checks on its way to sleep. */
void sgl_shm_kick(_Atomic uint32_t *word);
/* FUTEX_WAIT for at most `ms`; 0, or -errno (-ETIMEDOUT, -EAGAIN, -EINTR). */
int sgl_shm_futex_wait(_Atomic uint32_t *word, uint32_t seen, int ms);

/* The CPU this thread last ran on, plus one (0: unknown): a waiter whose
 * peer last ran on its own CPU sleeps at once (sgl_shm.c). */
uint32_t sgl_shm_cpu(void);

/* Sleeps about `ns` (under a millisecond while polling): nanosleep on
 * Linux. Windows has no such call (Sleep and mingw's nanosleep take whole
 * milliseconds), so its guest has its own (guest/windows/shm_wait.c). */
void sgl_shm_poll_sleep(uint32_t ns);

#endif
