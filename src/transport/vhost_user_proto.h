/*
 * Wire format of the vhost-user protocol (QEMU docs/interop/vhost-user.rst),
 * the split virtqueue (virtio 1.x §2.7) and virtio-vsock (virtio 1.x §5.10),
 * as far as the vhost-user-vsock back-end needs them. Written from the
 * specifications; shared by the back-end and its tests (the mock frontend).
 *
 * vhost-user messages are in the host's byte order; virtio structures in
 * guest memory are little-endian (VIRTIO_F_VERSION_1), which is the host's
 * on every machine this runs on (checked at compile time in virtqueue.c).
 */
#ifndef SGL_TRANSPORT_VHOST_USER_PROTO_H
#define SGL_TRANSPORT_VHOST_USER_PROTO_H

#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* vhost-user */

enum vhost_user_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SET_BACKEND_REQ_FD = 21,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
};

/* Header flags: version in bits 0-1, then reply and need_reply. */
#define VHOST_USER_VERSION 1u
#define VHOST_USER_VERSION_MASK 3u
#define VHOST_USER_REPLY 0x4u
#define VHOST_USER_NEED_REPLY 0x8u

/* Virtio feature bits the back-end offers or understands. */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VIRTIO_F_VERSION_1 32

/* Protocol feature bits. */
#define VHOST_USER_PROTOCOL_F_MQ 0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3
#define VHOST_USER_PROTOCOL_F_CONFIG 9
#define VHOST_USER_PROTOCOL_F_RESET_DEVICE 13
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15

/* At most this many fds travel with one message (SCM_RIGHTS). */
#define VHOST_USER_MAX_FDS 8
/* SET_MEM_TABLE carries at most this many regions. */
#define VHOST_USER_MEM_TABLE_REGIONS 8
/* GET_CONFIG / SET_CONFIG: largest config access. */
#define VHOST_USER_MAX_CONFIG_SIZE 256

/* SET_VRING_KICK/CALL/ERR: u64 with the ring index in bits 0-7; bit 8 says
 * "no fd" (the back-end polls, or the frontend polls). */
#define VHOST_USER_VRING_IDX_MASK 0xffull
#define VHOST_USER_VRING_NOFD_MASK 0x100ull

struct vhost_user_header {
	uint32_t request;
	uint32_t flags;
	uint32_t size;        /* payload bytes after the header */
};

struct vhost_user_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;  /* the frontend's address of the region */
	uint64_t mmap_offset;     /* where the region starts in the fd */
};

/* SET_MEM_TABLE payload: `nregions` entries (the frontend sends only those). */
struct vhost_user_memory {
	uint32_t nregions;
	uint32_t padding;
	struct vhost_user_region regions[VHOST_USER_MEM_TABLE_REGIONS];
};

/* ADD_MEM_REG / REM_MEM_REG payload. */
struct vhost_user_mem_reg {
	uint64_t padding;
	struct vhost_user_region region;
};

struct vhost_user_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vhost_user_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc_user_addr;   /* frontend addresses, not guest physical */
	uint64_t used_user_addr;
	uint64_t avail_user_addr;
	uint64_t log_guest_addr;
};

struct vhost_user_config {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	/* `size` bytes follow */
};

/* ---------------------------------------------------------------------- */
/* Split virtqueue (guest memory, little-endian) */

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_MAX_SIZE 32768u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* avail: { u16 flags, u16 idx, u16 ring[num], u16 used_event }
 * used:  { u16 flags, u16 idx, { u32 id, u32 len } ring[num], u16 avail_event } */
struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

#define VIRTQ_AVAIL_BYTES(num) (4ull + 2ull * (num) + 2ull)
#define VIRTQ_USED_BYTES(num) (4ull + 8ull * (num) + 2ull)
#define VIRTQ_DESC_BYTES(num) (16ull * (num))

/* ---------------------------------------------------------------------- */
/* virtio-vsock */

#define VSOCK_CID_HOST 2u

/* Queues: the device's receive (host -> guest), transmit, event. QEMU hands
 * the back-end only rx and tx; crosvm and cloud-hypervisor all three. */
enum { VSOCK_QUEUE_RX = 0, VSOCK_QUEUE_TX = 1, VSOCK_QUEUE_EVENT = 2 };

enum vsock_op {
	VSOCK_OP_INVALID = 0,
	VSOCK_OP_REQUEST = 1,
	VSOCK_OP_RESPONSE = 2,
	VSOCK_OP_RST = 3,
	VSOCK_OP_SHUTDOWN = 4,
	VSOCK_OP_RW = 5,
	VSOCK_OP_CREDIT_UPDATE = 6,
	VSOCK_OP_CREDIT_REQUEST = 7,
};

#define VSOCK_TYPE_STREAM 1u
#define VSOCK_SHUTDOWN_RCV 1u
#define VSOCK_SHUTDOWN_SEND 2u
/* Largest payload of one packet, as Linux sends and accepts. */
#define VSOCK_MAX_PKT_PAYLOAD (64u * 1024u)

struct vsock_hdr {
	uint64_t src_cid;
	uint64_t dst_cid;
	uint32_t src_port;
	uint32_t dst_port;
	uint32_t len;
	uint16_t type;
	uint16_t op;
	uint32_t flags;
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
} __attribute__((packed));

_Static_assert(sizeof(struct vsock_hdr) == 44, "virtio-vsock header is 44 bytes");
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq descriptor is 16 bytes");
_Static_assert(sizeof(struct vhost_user_header) == 12, "vhost-user header is 12 bytes");
_Static_assert(sizeof(struct vhost_user_mem_reg) == 40, "ADD_MEM_REG payload is 40 bytes");

#endif
