/* SPDX-License-Identifier: MIT */
/*
 * virtio for the VMM: the virtio-mmio transport (virtio 1.2, section 4.2, register layout
 * version 2, modern only) and its devices: console, blk, rng, vsock, net. docs/VIRTIO.md
 * expands this header and never contradicts it.
 *
 * The device side plugs into the VMM core through three small contracts:
 *
 *   1. Guest memory (struct vmm_guest_mem): the only way a device touches the guest. A
 *      device never holds a pointer into guest memory; it copies through read/write, so a
 *      page the guest takes back (MEM_UNSHARE) between two accesses simply faults.
 *   2. Interrupts (struct vmm_irq): one level-triggered SPI per transport.
 *   3. MMIO: virtio_mmio_read()/virtio_mmio_write(), called by the VMM's MMIO bus on
 *      HYP_EXIT_MMIO with the offset inside the transport's 4 KiB window.
 *
 * Hostile guests. Everything the guest writes (registers, rings, descriptors, buffers,
 * packet headers) is untrusted. A malformed queue or an inaccessible page never crashes
 * or hangs the VMM: the device is marked broken as QEMU's virtio_error does (status gets
 * DEVICE_NEEDS_RESET, a configuration-change interrupt is raised, the device processes
 * nothing more until the driver resets it). Protocol-level mistakes a device can answer
 * (a blk request past the end of the disk, a vsock packet for an unknown connection) are
 * answered in the protocol instead (IOERR, RST) and leave the device working.
 *
 * Threading model. A transport and its device are one unit guarded by one mutex inside
 * the transport. Every entry point below (MMIO read/write, poll/process, the device's own
 * public functions) takes it, so the VMM may call MMIO handlers from any vCPU thread and
 * the I/O entry points from one I/O thread at the same time. Callbacks (guest memory,
 * irq, entropy) are invoked with that mutex held and must not call back into the same
 * transport. Nothing blocks indefinitely with the mutex held: sockets, pipes and TAP fds
 * are non-blocking; blk I/O is pread/pwrite/fsync on a regular file, done synchronously
 * in the notifying vCPU's thread (as crosvm's synchronous disk path does). Work that
 * waits for the host (socket data, room in a socket, RX buffers for received frames) is
 * picked up by virtio_mmio_process_io() on the VMM's I/O loop:
 *
 *	for (;;) {
 *		int n = virtio_mmio_poll_fds(t, fds, VIRTIO_MAX_POLL_FDS);
 *		poll(fds, n, -1);
 *		virtio_mmio_process_io(t, fds, n);
 *	}
 *
 * The poll set changes as the guest works (a new vsock connection, RX buffers arriving):
 * the first descriptor of every poll set is the transport's wake eventfd, which becomes
 * readable whenever an MMIO access may have changed the set, so the loop above re-asks.
 * In the deterministic single-threaded mode the VMM calls the same functions from its one
 * thread, with a zero poll timeout.
 *
 * Signals: the VMM process must ignore SIGPIPE. Sockets are written with
 * MSG_NOSIGNAL, but the console's capture may be a pipe whose reader dies; that must be
 * an EPIPE (output dropped and counted), not the end of the VM.
 *
 * Errors are -errno. Constructors do not log (their caller names the step: "vmm: create
 * virtio-blk: No such file or directory"), except the TAP backend, whose reason says more
 * than an errno. Guest misbehaviour is logged through virtio_mmio_config.log.
 */
#ifndef AVF_VMM_VIRTIO_H
#define AVF_VMM_VIRTIO_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- contracts with the VMM core ------------------------------------------------------- */

/*
 * Guest memory as the VMM may touch it. read/write copy len bytes at guest physical
 * address ipa and return 0, or -EFAULT if any byte of [ipa, ipa + len) is outside guest
 * memory or not accessible to the host. For a protected VM only pages the guest shared
 * (MEM_SHARE) are accessible; the host view of every other page faults. A partial copy
 * may have happened when -EFAULT is returned. Neither callback may be NULL. They may be
 * called with len == 0 (return 0).
 */
struct vmm_guest_mem {
	void *ctx;
	int (*read)(void *ctx, uint64_t ipa, void *dst, size_t len);
	int (*write)(void *ctx, uint64_t ipa, const void *src, size_t len);
};

/*
 * The transport's interrupt line: a level-triggered SPI. set_level(ctx, intid, level)
 * drives it (intid is VMM_VIRTIO_SPI(n) of layout.h). The transport only calls it when
 * the level changes. Must not be NULL.
 */
struct vmm_irq {
	void *ctx;
	uint32_t intid;
	void (*set_level)(void *ctx, uint32_t intid, bool level);
};

/* ---- virtio-mmio register map (virtio 1.2, 4.2.2) -------------------------------------- */

#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION		0x004	/* 2: modern only */
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW	0x090	/* "QueueDriver" in the spec */
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW	0x0a0	/* "QueueDevice" in the spec */
#define VIRTIO_MMIO_QUEUE_USED_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_QUEUE_RESET		0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100
#define VIRTIO_MMIO_SIZE		0x1000

#define VIRTIO_MMIO_MAGIC		0x74726976u	/* "virt", little-endian */
#define VIRTIO_MMIO_VENDOR		0x20465641u	/* "AVF " */

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING		0x1	/* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG		0x2	/* configuration change */

/* Transport feature bits (6). */
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29	/* not offered */
#define VIRTIO_F_VERSION_1		32	/* required: legacy devices are not offered */
#define VIRTIO_F_ACCESS_PLATFORM	33	/* offered for protected VMs (bounce buffers) */

/* Device ids (5). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_VSOCK		19

/* Largest queue any of our devices offers (QueueNumMax). */
#define VIRTIO_QUEUE_MAX	256u
/* Upper bound on the fds one transport puts in its poll set. */
#define VIRTIO_MAX_POLL_FDS	128

/* ---- the transport --------------------------------------------------------------------- */

struct virtio_mmio;
struct virtio_device;	/* a device model; made by the constructors below */

struct virtio_mmio_config {
	const struct vmm_guest_mem *mem;	/* must outlive the transport */
	struct vmm_irq irq;
	/* Offer VIRTIO_F_ACCESS_PLATFORM: the guest must use its DMA API, i.e. bounce through
	 * pages it shared. The VMM sets it for protected VMs (AVF does the same). */
	bool access_platform;
	/* Where errors about the guest's driver go (device broken, ...). NULL: stderr. At
	 * most VIRTIO_LOG_LIMIT lines per transport, so a hostile guest cannot flood it. */
	void (*log)(void *log_ctx, const char *line);
	void *log_ctx;
};

#define VIRTIO_LOG_LIMIT 16

/*
 * Wrap dev (which the transport now owns, also on failure) in a virtio-mmio transport.
 * Returns 0 or -EINVAL (missing callbacks), -ENOMEM, or -errno from eventfd().
 */
int virtio_mmio_create(const struct virtio_mmio_config *cfg, struct virtio_device *dev,
		       struct virtio_mmio **out);
/* Lower the interrupt line if raised, destroy the device, free everything. NULL is fine. */
void virtio_mmio_destroy(struct virtio_mmio *t);

/*
 * MMIO from the guest, offset relative to the transport's base. size is 1, 2, 4 or 8.
 * Registers below 0x100 answer only aligned 32-bit accesses; the configuration space
 * (0x100 up) answers 1-, 2-, 4- and 8-byte accesses inside its size. Other accesses read
 * 0 and writes are ignored (counted in virtio_mmio_stats). These functions never fail
 * for a guest reason; they return -EINVAL only if offset >= VIRTIO_MMIO_SIZE or the size
 * is not 1, 2, 4 or 8 (the VMM's MMIO bus should not route such an access here).
 */
int virtio_mmio_read(struct virtio_mmio *t, uint64_t offset, unsigned size, uint64_t *val);
int virtio_mmio_write(struct virtio_mmio *t, uint64_t offset, unsigned size, uint64_t val);

/*
 * I/O loop. poll_fds fills at most max entries (max >= 1) and returns how many: entry 0
 * is always the wake eventfd (see the threading model), the rest are the device's
 * non-blocking fds with the events it waits for. process_io takes the same array back
 * after poll() (or with revents all zero: it then retries whatever work is pending) and
 * returns 0, or -EINVAL if fds is NULL with n > 0. The set may be stale by the time
 * process_io runs (an MMIO access in between closed a connection); devices cope.
 */
int virtio_mmio_poll_fds(struct virtio_mmio *t, struct pollfd *fds, int max);
int virtio_mmio_process_io(struct virtio_mmio *t, const struct pollfd *fds, int n);

struct virtio_mmio_stats {
	uint32_t status;		/* the status register */
	uint32_t interrupt_status;
	bool irq_level;
	bool broken;			/* NEEDS_RESET set */
	const char *broken_reason;	/* why, or NULL; static string */
	uint32_t config_generation;
	uint64_t driver_features;	/* negotiated (valid once FEATURES_OK) */
	uint64_t bad_accesses;		/* MMIO accesses ignored as malformed */
	uint64_t resets;
	uint64_t notifies;
};

void virtio_mmio_get_stats(struct virtio_mmio *t, struct virtio_mmio_stats *st);

/* ---- devices --------------------------------------------------------------------------- */

/*
 * virtio-console (device id 3): one port, receiveq0 + transmitq0, emergency write.
 * out_fd receives everything the guest transmits (the capture); in_fd, if >= 0, feeds
 * receiveq0. Both are made non-blocking (O_NONBLOCK belongs to the open file description:
 * give the device an fd nobody else writes with blocking expectations, e.g. not a shared
 * terminal); the device does not close them. If out_fd is a
 * pipe or socket that is full, output is held in a 64 KiB buffer and written when the fd
 * is writable again; beyond that it is dropped and counted.
 */
struct virtio_console_config {
	int out_fd;
	int in_fd;
};

int virtio_console_create(const struct virtio_console_config *cfg, struct virtio_device **out);
/* Bytes captured, bytes dropped because out_fd stayed full. */
void virtio_console_counters(struct virtio_device *dev, uint64_t *out_bytes, uint64_t *dropped);

/*
 * virtio-blk (device id 2) on a raw image file: 512-byte sectors, capacity = file size /
 * 512 (a partial last sector is not exposed). Offers VIRTIO_BLK_F_SEG_MAX, BLK_SIZE, FLUSH,
 * GET_ID, and RO (read_only) or DISCARD + WRITE_ZEROES (writable). Writes reach the file
 * (pwrite) before the request is completed in the used ring, so a VMM crash after
 * completion loses nothing the kernel accepted; FLUSH is fsync(). If the driver does not
 * negotiate FLUSH the device writes through (fdatasync after each write), as the spec asks.
 */
struct virtio_blk_config {
	const char *path;
	bool read_only;
	const char *serial;	/* GET_ID answer, at most 20 bytes; NULL: "avf-blk" */
	const char *vm_name;	/* for fault rules with vm= (lib/fault); NULL: none */
};

int virtio_blk_create(const struct virtio_blk_config *cfg, struct virtio_device **out);

/*
 * virtio-rng (device id 4): one request queue, filled from entropy(ctx, buf, len), which
 * returns 0 or -errno. On the sim the VMM passes the machine's seeded source
 * (hal_entropy), so guest randomness is deterministic per seed. An entropy failure breaks
 * the device (it cannot answer without lying) and is logged.
 */
struct virtio_rng_config {
	int (*entropy)(void *ctx, void *buf, size_t len);
	void *ctx;
};

int virtio_rng_create(const struct virtio_rng_config *cfg, struct virtio_device **out);

/*
 * virtio-vsock (device id 19) bridged to Unix sockets, Firecracker style (docs/VIRTIO.md):
 *   - host to guest: the device listens on uds_path; a host client connects, writes
 *     "CONNECT <port>\n", and gets "OK <hostport>\n" once the guest accepted (or the
 *     socket is closed if it refused), then a byte stream;
 *   - guest to host: a guest connection to host CID 2 port P is connected to the Unix
 *     socket "<uds_path>_P"; if nobody listens there the guest gets RST.
 * Credit-based flow control per the spec in both directions; RST on every error.
 * uds_path must not exist, or be a stale socket (it is then replaced).
 */
struct virtio_vsock_config {
	uint64_t guest_cid;	/* >= 3 */
	const char *uds_path;
	const char *vm_name;	/* for fault rules with vm= (lib/fault); NULL: none */
};

#define VSOCK_HOST_CID 2u

int virtio_vsock_create(const struct virtio_vsock_config *cfg, struct virtio_device **out);

/*
 * virtio-net (device id 1): one RX/TX queue pair, VIRTIO_NET_F_MAC and F_STATUS (link
 * up), no offloads, frames up to 1514 bytes (plus the 12-byte virtio header) in either
 * direction. Backends:
 *   - switch_path: the user-space L2 switch (net_switch_* below), over Unix datagrams;
 *   - tap: a TAP interface (needs /dev/net/tun and CAP_NET_ADMIN; net_tap_probe() says
 *     whether this host allows it and why not).
 * Exactly one of them must be set. pcap_path, if set, gets every frame the device sends
 * or receives, in pcap format (tshark/wireshark read it).
 */
struct virtio_net_config {
	uint8_t mac[6];
	const char *switch_path;
	const char *tap;
	const char *pcap_path;
	const char *vm_name;	/* for fault rules with vm= (lib/fault); NULL: none */
};

#define VIRTIO_NET_MAX_FRAME 1514u

int virtio_net_create(const struct virtio_net_config *cfg, struct virtio_device **out);
/* 0 if a TAP device can be created here; else -errno with a reason in why. */
int net_tap_probe(char *why, size_t why_len);

/* ---- the user-space L2 switch ---------------------------------------------------------- */

/*
 * A learning Ethernet switch over Unix datagram sockets. It binds path; each port is a
 * client socket (net_switch_port_open) that sends one Ethernet frame per datagram. The
 * switch learns source MACs per port and forwards unicast frames to the learned port,
 * floods broadcast, multicast and unknown unicast to every other port, and drops frames
 * shorter than an Ethernet header or with a multicast source. An empty datagram
 * registers a port without sending a frame. A port that stops existing is forgotten.
 * Single-threaded: the owner polls net_switch_fd() and calls net_switch_process().
 * pcap_path, if set, captures every frame the switch accepts.
 */
struct net_switch;

int net_switch_create(const char *path, const char *pcap_path, struct net_switch **out);
void net_switch_destroy(struct net_switch *sw);
int net_switch_fd(const struct net_switch *sw);
/* Handle the datagrams waiting (non-blocking, at most 256 per call). Returns how many
 * were valid frames (switched, whether or not a port could take them), or -errno. */
int net_switch_process(struct net_switch *sw);

struct net_switch_stats {
	uint64_t frames, forwarded, flooded, dropped;
	unsigned ports, macs;
};

void net_switch_get_stats(const struct net_switch *sw, struct net_switch_stats *st);

/* A port on the switch at path, for a VM backend or a host-side endpoint: a non-blocking
 * datagram socket connected to the switch, already registered. Returns the fd or -errno. */
int net_switch_port_open(const char *path);

/* ---- pcap capture ---------------------------------------------------------------------- */

/*
 * A pcap file (LINKTYPE_ETHERNET, microsecond timestamps). Timestamps are not the host
 * clock (determinism): record k is stamped k microseconds after the epoch, so the order
 * is kept and captures of the same run are identical byte for byte.
 */
struct pcap_writer;

int pcap_open(const char *path, struct pcap_writer **out);
int pcap_write_frame(struct pcap_writer *p, const void *frame, size_t len);
void pcap_close(struct pcap_writer *p);

#endif /* AVF_VMM_VIRTIO_H */
