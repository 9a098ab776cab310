/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The errno numbers the runtime's freestanding code returns (negated), which has no
 * <errno.h>. They are Linux's values, so host code sharing rtlib (the RPC client, tests)
 * compares them with its own errno constants; rtlib_errno_test.c checks they agree.
 */
#ifndef AVF_GUEST_RT_ERRNO_H
#define AVF_GUEST_RT_ERRNO_H

#define RT_EIO		5
#define RT_EAGAIN	11
#define RT_ENOMEM	12
#define RT_EBUSY	16
#define RT_ENODEV	19
#define RT_EINVAL	22
#define RT_ENOSPC	28
#define RT_EPIPE	32
#define RT_ENOSYS	38
#define RT_EPROTO	71
#define RT_EMSGSIZE	90
#define RT_EADDRINUSE	98
#define RT_ECONNRESET	104
#define RT_ENOTCONN	107
#define RT_ETIMEDOUT	110
#define RT_ECONNREFUSED	111

#endif /* AVF_GUEST_RT_ERRNO_H */
