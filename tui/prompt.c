/* The password prompt of register and login: no echo, and ^C restores the terminal. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "natter.h"

static volatile sig_atomic_t prompt_interrupted;

/* Notes a ^C at the password prompt, so echo is restored before leaving. */
static void
on_prompt_signal(int sig)
{
	(void)sig;
	prompt_interrupted = 1;
}

/* Reads a password from NATTER_PASSWORD or from the terminal without echo. */
char *
prompt_password(const char *prompt, struct err *e)
{
	return prompt_secret("NATTER_PASSWORD", prompt, e);
}

/* Reads a password from the environment variable var or from the terminal without echo. */
char *
prompt_secret(const char *var, const char *prompt, struct err *e)
{
	const char *env = getenv(var);
	if (env != NULL)
		return xstrdup(env);
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, ERR_USAGE, "no password: set %s or run natter in a terminal", var);
		return NULL;
	}
	/* No SA_RESTART: a ^C ends the read() below with EINTR. */
	struct sigaction sa = {0}, oint, oterm;
	sa.sa_handler = on_prompt_signal;
	prompt_interrupted = 0;
	sigaction(SIGINT, &sa, &oint);
	sigaction(SIGTERM, &sa, &oterm);
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* the prompt is a courtesy; reading still works */
	}
	struct buf b = {0};
	char ch;
	ssize_t n = 0;
	while (!prompt_interrupted && (n = read(fd, &ch, 1)) == 1 && ch != '\n' && b.len < 4096)
		buf_append(&b, &ch, 1);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGTERM, &oterm, NULL);
	close(fd);
	if (prompt_interrupted) {
		if (b.data != NULL)
			explicit_bzero(b.data, b.len);
		buf_free(&b);
		err_set(e, ERR_USAGE, "interrupted");
		return NULL;
	}
	if (n < 0 || b.data == NULL) {
		if (b.data != NULL)
			explicit_bzero(b.data, b.len);
		buf_free(&b);
		err_set(e, ERR_USAGE, "no password given");
		return NULL;
	}
	if (b.len > 0 && b.data[b.len - 1] == '\r')
		b.data[--b.len] = '\0';
	return b.data;
}

/* Wipes and frees a password. */
void
prompt_password_free(char *p)
{
	if (p != NULL) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}
