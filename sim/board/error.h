/* SPDX-License-Identifier: MIT */
/*
 * Error reporting inside the board runner: a function that fails returns -errno and,
 * when it knows the step and the cause, writes one line into a struct board_error that
 * its caller prints once ("avf-sim: IMAGE: ELF program header 2: ..."). Messages never
 * end with a newline.
 */
#ifndef AVF_SIM_BOARD_ERROR_H
#define AVF_SIM_BOARD_ERROR_H

#define BOARD_ERROR_MAX 512

struct board_error {
	char msg[BOARD_ERROR_MAX];
};

/*
 * Format the message into err (may be NULL) and return -errnum (errnum >= 0; 0 when only the message matters), so that
 * `return board_fail(err, EINVAL, "...")` both reports and fails.
 */
int board_fail(struct board_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* AVF_SIM_BOARD_ERROR_H */
