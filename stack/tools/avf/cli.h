/* SPDX-License-Identifier: Apache-2.0 */
/* avf: the command-line tool (docs/SERVICE.md, "CLI"); shared by its files. */
#ifndef AVF_TOOLS_AVF_CLI_H
#define AVF_TOOLS_AVF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "stack/api/avf.h"

/* Exit statuses besides a VM's own (docs/SERVICE.md lists them). */
enum avf_cli_exit {
	AVF_EXIT_ERROR = 1,		/* the service or the system failed */
	AVF_EXIT_USAGE = 2,		/* bad command line */
	AVF_EXIT_REFUSED = 3,		/* the service refused the request */
};

struct avf_cli {
	const char *socket;		/* --socket, or NULL: the default */
	bool json;
	const char *prog_dir;		/* where avf runs from (for avfd, avf-sign, avf-sim) */
};

/* "avf: " + message on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_connect(const struct avf_cli *cli, struct avf_service **svc);
/* An ID or a NAME: the VM's id. 0 or an exit status (message printed). */
int cli_resolve(struct avf_service *svc, const char *what, uint32_t *id);
void cli_json_string(FILE *f, const char *s);
void cli_print_info(const struct avf_cli *cli, const avf_vm_info_t *i, bool header);
/* The exit status `avf run` gives for how a VM ended. */
int cli_exit_for(enum svc_death death, int exit_code, bool finished);

int cmd_run(struct avf_cli *cli, int argc, char **argv, bool detach);
int cmd_list(struct avf_cli *cli, int argc, char **argv);
int cmd_info(struct avf_cli *cli, int argc, char **argv);
int cmd_stop(struct avf_cli *cli, int argc, char **argv, bool destroy);
int cmd_console(struct avf_cli *cli, int argc, char **argv, bool log);
int cmd_connect(struct avf_cli *cli, int argc, char **argv);

#endif /* AVF_TOOLS_AVF_CLI_H */
