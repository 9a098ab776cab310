/* SPDX-License-Identifier: Apache-2.0 */
/* What hello's two files share. */
#ifndef AVF_HELLO_H
#define AVF_HELLO_H

/* Log @why, report it as error @code, return @code. */
int hello_fail(int code, const char *why);
/* Exercise the virtio devices the VM has; 0 or an exit code. */
int hello_devices(void);
/* Notify ready; with vsock, serve echo on HELLO_RPC_PORT until the host closes. */
int hello_serve(void);

#define HELLO_RPC_PORT		5678u
/* The host port hello connects to, and how much it sends there. */
#define HELLO_HOST_PORT		5679u
#define HELLO_TO_HOST		50000u
/* Ethernet type of hello's frames: IEEE 802 local experimental. */
#define HELLO_ETHERTYPE		0x88b5u

#endif /* AVF_HELLO_H */
