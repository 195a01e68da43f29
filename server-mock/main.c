/* natter-server-mock: entry point (placeholder until its issue lands). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: natter-server-mock [-h] [--version]\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts(NATTER_NAME_VERSION("natter-server-mock"));
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	return 0;
}
