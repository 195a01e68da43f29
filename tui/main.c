/* natter: global flags, then a scriptable command or the interactive interface. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"
#include "text.h"

/* Prints the synopsis and the commands. */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: natter [-v] [-s URL] [-D DIR] [--cacert FILE] [--insecure-http]\n"
	    "              [--open CONV | COMMAND [ARGS...]]\n"
	    "       natter --help | --version\n");
	cli_usage(f);
}

/* Prints "natter: " and msg on stderr, made safe: an error may repeat what was typed or sent. */
static void
say(const char *what, const char *msg)
{
	char *safe = text_sanitize(msg, strlen(msg), TEXT_KEEP_NEWLINE);
	fprintf(stderr, "natter: %s%s\n", what, safe);
	free(safe);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"server", required_argument, NULL, 's'},
	    {"data-dir", required_argument, NULL, 'D'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"open", required_argument, NULL, 'o'},
	    {"cacert", required_argument, NULL, OPT_CACERT},
	    {"insecure-http", no_argument, NULL, OPT_INSECURE_HTTP},
	    {NULL, 0, NULL, 0},
	};
	struct ctx c = {0};
	int ch;
	while ((ch = getopt_long(argc, argv, "+hVs:D:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts(NATTER_NAME_VERSION("natter"));
			return 0;
		case 's':
			c.server_flag = optarg;
			break;
		case 'D':
			c.data_flag = optarg;
			break;
		case 'v':
			c.verbose = true;
			break;
		case 'o':
			c.open_flag = optarg;
			break;
		case OPT_CACERT:
			c.cacert_flag = optarg;
			break;
		case OPT_INSECURE_HTTP:
			c.insecure_flag = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	struct err e = {0};
	if (c.open_flag && optind < argc) {
		fprintf(stderr, "natter: --open opens the interface; it takes no command\n");
		usage(stderr);
		return 2;
	}
	if (optind >= argc) {
		int rc = ui_run(&c, &e);
		ctx_free(&c);
		if (rc < 0) {
			say("", e.msg[0] ? e.msg : "failed");
			return e.kind == ERR_NONE ? 1 : err_exit_status(&e);
		}
		return 0;
	}
	bool found = false;
	int rc = cli_run(&c, argv[optind], argc - optind, argv + optind, &found, &e);
	ctx_free(&c);
	if (!found) {
		say("unknown command ", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (rc < 0) {
		say("", e.msg[0] ? e.msg : "failed");
		return e.kind == ERR_NONE ? 1 : err_exit_status(&e);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "natter: cannot write the output\n");
		return 1;
	}
	return 0;
}
