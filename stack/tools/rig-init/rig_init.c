/*
 * rig-init: the /init of the KVM test rig's initramfs (see docs/RIG.md).
 *
 * The rig boots Debian's arm64 kernel in qemu-system-aarch64 with this program as PID 1.
 * It prepares the few file systems a test needs, runs one command, and tells the host what
 * happened through the serial console, then powers the machine off.
 *
 * Inputs (placed in the initramfs by scripts/rig/run):
 *   /rig/argv    the command: arguments separated and terminated by NUL bytes (required)
 *   /rig/env     extra environment, KEY=VALUE entries terminated by NUL bytes (optional)
 *   /rig/nonce   a token unique to this run, so that command output can never forge a
 *                marker line (required)
 *   /rig/kmsg    "all" to replay the whole kernel log after the command, otherwise only
 *                the records logged while the command ran are replayed (optional)
 *
 * Console protocol (each marker is a line of its own; N is the nonce):
 *   @@RIG:N:BEGIN@@          the command starts; its stdout and stderr follow, byte-exact
 *                            (the console's output post-processing is switched off)
 *   \n@@RIG:N:END status=S@@ the command ended; the newline before the marker is the
 *                            rig's, not the command's. S is its exit code, or 128+signal
 *   @@RIG:N:KMSG@@           kernel log records, one per line: "<level>[seconds] text"
 *   @@RIG:N:DONE@@           nothing more follows; the machine powers off
 *   @@RIG:N:ERROR text@@     the rig itself failed (bad input, fork failure, ...)
 * Kernel console messages are muted (console log level 1: emergencies only) while the
 * command runs, so they cannot interleave with its output; they are replayed after END.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define RIG_MAX_INPUT   (64 * 1024) /* bound on /rig/argv and /rig/env */
#define RIG_MAX_ARGS    256
#define RIG_MAX_ENV     64
#define SYSLOG_ACTION_CONSOLE_LEVEL 8 /* klogctl(2) */

static char nonce[64] = "-";

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the console is gone: nobody left to tell */
		buf += n;
		len -= (size_t)n;
	}
}

static void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void console_printf(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	write_all(STDOUT_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static __attribute__((noreturn)) void power_off(void)
{
	tcdrain(STDOUT_FILENO); /* let the UART send everything before the machine stops */
	sync();
	reboot(RB_POWER_OFF);
	/* reboot() only returns on failure; PID 1 must not exit (that panics the kernel). */
	for (;;)
		pause();
}

static __attribute__((noreturn)) void fail(const char *what, int err)
{
	console_printf("\n@@RIG:%s:ERROR %s: %s@@\n", nonce, what, strerror(err));
	power_off();
}

static void mount_one(const char *source, const char *target, const char *type)
{
	if (mkdir(target, 0755) != 0 && errno != EEXIST)
		fail(target, errno);
	if (mount(source, target, type, MS_NOSUID | MS_NOEXEC, NULL) != 0 && errno != EBUSY)
		fail(target, errno);
}

/* Reads a whole small file into a NUL-terminated heap buffer; *len excludes that NUL. */
static char *read_file(const char *path, size_t *len, int required)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!required && errno == ENOENT)
			return NULL;
		fail(path, errno);
	}
	char *buf = malloc(RIG_MAX_INPUT + 1);
	if (!buf)
		fail(path, ENOMEM);
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, RIG_MAX_INPUT - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail(path, errno);
		if (n == 0)
			break;
		used += (size_t)n;
		if (used == RIG_MAX_INPUT)
			fail(path, E2BIG);
	}
	close(fd);
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* Splits NUL-terminated entries into vec (NULL-terminated); returns the entry count. */
static size_t split_entries(char *buf, size_t len, char **vec, size_t max, const char *what)
{
	size_t count = 0;
	for (size_t at = 0; at < len; at += strlen(buf + at) + 1) {
		if (count == max)
			fail(what, E2BIG);
		vec[count++] = buf + at;
	}
	vec[count] = NULL;
	return count;
}

static void load_nonce(void)
{
	size_t len;
	char *text = read_file("/rig/nonce", &len, 1);
	text[strcspn(text, "\r\n")] = '\0';
	if (text[0] == '\0' || strlen(text) >= sizeof(nonce))
		fail("/rig/nonce", EINVAL);
	strcpy(nonce, text);
	free(text);
	unlink("/rig/nonce"); /* the command cannot learn it, so cannot forge a marker */
}

/* The kernel opens /dev/console for PID 1 when the initramfs has it; make sure. */
static void ensure_console(void)
{
	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return; /* no way to report anything; the host's timeout will say it */
	for (int i = 0; i <= 2; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Byte-exact output: no "\n" -> "\r\n" translation on the console. */
static void console_raw_output(void)
{
	struct termios tio;
	if (tcgetattr(STDOUT_FILENO, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(STDOUT_FILENO, TCSANOW, &tio);
	}
}

static void build_environment(char **envp)
{
	static char *const base[] = { "PATH=/bin:/sbin:/usr/bin:/", "HOME=/", "TERM=dumb" };
	size_t n = 0;
	for (; n < sizeof(base) / sizeof(base[0]); n++)
		envp[n] = base[n];
	size_t len;
	char *extra = read_file("/rig/env", &len, 0);
	if (extra)
		split_entries(extra, len, envp + n, RIG_MAX_ENV, "/rig/env");
	else
		envp[n] = NULL;
}

static __attribute__((noreturn)) void exec_command(char **argv, char **envp)
{
	int null_fd = open("/dev/null", O_RDONLY);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		close(null_fd);
	}
	/* PID 1 ignores some signals; the command gets default dispositions back. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	environ = envp;
	execvp(argv[0], argv);
	fprintf(stderr, "rig-init: cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Waits for the command while reaping every other child PID 1 inherits. */
static int wait_command(pid_t child)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			fail("waitpid", errno);
		if (pid != child)
			continue;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		if (WIFSIGNALED(st))
			return 128 + WTERMSIG(st);
	}
}

/*
 * /dev/kmsg records look like "prio,seq,usec,flags;text\n" followed by continuation lines
 * that start with a space. They are replayed as "<level>[seconds] text".
 */
static void replay_kmsg(int fd)
{
	char rec[8192];
	console_printf("@@RIG:%s:KMSG@@\n", nonce);
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten before we read them */
		if (n <= 0)
			break;
		rec[n] = '\0';
		unsigned prio = 0;
		unsigned long long seq = 0, usec = 0;
		char *text = strchr(rec, ';');
		if (!text || sscanf(rec, "%u,%llu,%llu", &prio, &seq, &usec) != 3)
			continue;
		text++;
		text[strcspn(text, "\n")] = '\0';
		console_printf("<%u>[%llu.%06llu] %s\n", prio & 7, usec / 1000000, usec % 1000000,
			       text);
	}
	console_printf("@@RIG:%s:DONE@@\n", nonce);
}

static int open_kmsg(void)
{
	size_t len;
	char *mode = read_file("/rig/kmsg", &len, 0);
	int all = mode && strncmp(mode, "all", 3) == 0;
	free(mode);
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && !all)
		lseek(fd, 0, SEEK_END); /* only what the command causes */
	return fd;
}

int main(void)
{
	if (getpid() != 1) {
		fprintf(stderr, "rig-init: this is the KVM rig's /init; it only runs as PID 1\n");
		return 2;
	}
	mount_one("devtmpfs", "/dev", "devtmpfs");
	ensure_console();
	mount_one("proc", "/proc", "proc");
	mount_one("sysfs", "/sys", "sysfs");
	if (mkdir("/tmp", 01777) != 0 && errno != EEXIST)
		fail("/tmp", errno);
	load_nonce();

	size_t len;
	char *args = read_file("/rig/argv", &len, 1);
	static char *argv[RIG_MAX_ARGS + 1];
	static char *envp[RIG_MAX_ENV + 4];
	if (split_entries(args, len, argv, RIG_MAX_ARGS, "/rig/argv") == 0)
		fail("/rig/argv", EINVAL);
	build_environment(envp);

	int kmsg = open_kmsg();
	klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 1);
	console_raw_output();
	if (chdir("/") != 0)
		fail("chdir /", errno);
	console_printf("\n@@RIG:%s:BEGIN@@\n", nonce);

	pid_t child = fork();
	if (child < 0)
		fail("fork", errno);
	if (child == 0)
		exec_command(argv, envp);
	int status = wait_command(child);
	/* Nothing the command left behind may write after the END marker. */
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	console_printf("\n@@RIG:%s:END status=%d@@\n", nonce, status);
	if (kmsg >= 0)
		replay_kmsg(kmsg);
	else
		console_printf("@@RIG:%s:DONE@@\n", nonce);
	power_off();
}
