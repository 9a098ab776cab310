/* SPDX-License-Identifier: MIT */
/*
 * One-line error messages for code that parses untrusted input: a function that fails
 * returns -errno and, when it knows the step and the cause, writes one line into a
 * struct img_error that its caller prints once ("avf-sim: IMAGE: ELF program header 2:
 * ..."). Messages never end with a newline.
 *
 * Part of the leaf library `image` (lib/image/): no dependency on any other part of the
 * tree, so every layer may use it.
 */
#ifndef AVF_LIB_IMAGE_ERROR_H
#define AVF_LIB_IMAGE_ERROR_H

#define IMG_ERROR_MAX 512

struct img_error {
	char msg[IMG_ERROR_MAX];
};

/*
 * Format the message into err (may be NULL) and return -errnum (errnum >= 0; 0 when only
 * the message matters), so that `return img_fail(err, EINVAL, "...")` both reports and
 * fails.
 */
int img_fail(struct img_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* AVF_LIB_IMAGE_ERROR_H */
