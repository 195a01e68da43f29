/*
 * natter-server-mock admin [-d TARGET] VERB ...: accounts and invitations,
 * straight on the server's database (the server may be running: SQLite
 * takes turns, and every process reads the same rows).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "server.h"

/* Prints the admin usage. */
static void
admin_usage(FILE *f)
{
	fprintf(f,
	    "usage: natter-server-mock admin -d target create-user name\n"
	    "       natter-server-mock admin -d target reset-password name\n"
	    "       natter-server-mock admin -d target disable|enable name\n"
	    "       natter-server-mock admin -d target invite\n");
}

/* n random characters of an unambiguous alphabet (no 0 O 1 l I) into out. */
static void
random_text(char *out, size_t n)
{
	static const char abc[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i < n; i++)
		out[i] = abc[randombytes_uniform(sizeof(abc) - 1)];
	out[n] = '\0';
}

/*
 * The new password of name: the first line of stdin when it is not a
 * terminal and the line is not empty, else a generated one (*generated).
 * NULL (said why) when the one given breaks the rules.
 */
static char *
new_password(const char *name, bool *generated)
{
	char line[1100];
	*generated = false;
	if (!isatty(STDIN_FILENO) && fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0') {
			size_t n = rules_chars(line);
			const char *why = n < RULES_PASSWORD_MIN || n > RULES_PASSWORD_MAX
			    ? "a password has 8 to 256 characters"
			    : rules_password_problem(name, line);
			if (why != NULL) {
				fprintf(stderr, "natter-server-mock: admin: %s\n", why);
				sodium_memzero(line, sizeof(line));
				return NULL;
			}
			char *pw = xstrdup(line);
			sodium_memzero(line, sizeof(line));
			return pw;
		}
	}
	char *pw = xmalloc(21);
	random_text(pw, 20);
	*generated = true;
	return pw;
}

/* create-user NAME and reset-password NAME. */
static int
set_password(struct store *s, const char *name, bool create)
{
	struct err e = {0};
	int64_t uid;
	int rc = store_user_find(s, name, &uid, NULL, &e);
	if (rc < 0)
		goto fail;
	if (create && rc == 0) {
		fprintf(stderr, "natter-server-mock: admin: the name %s is taken\n", name);
		return 1;
	}
	if (!create && rc == 1) {
		fprintf(stderr, "natter-server-mock: admin: no user is called %s\n", name);
		return 1;
	}
	bool generated;
	char *pw = new_password(name, &generated);
	if (pw == NULL)
		return 1;
	char *hash = auth_hash_password(pw);
	if (hash == NULL) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
		fprintf(stderr, "natter-server-mock: admin: out of memory hashing the password\n");
		return 1;
	}
	int64_t n = 0;
	if (create) {
		char *skel = rules_skeleton(name), *clash = NULL;
		rc = store_register(s, name, skel, hash, NULL, &uid, &clash, &e);
		free(skel);
		if (rc == REGISTER_TAKEN || rc == REGISTER_LOOKALIKE) {
			fprintf(stderr, "natter-server-mock: admin: the name %s is %s%s\n", name,
			    rc == REGISTER_TAKEN ? "taken" : "too like the existing name ",
			    rc == REGISTER_TAKEN ? "" : clash);
			rc = 1;
		}
		free(clash);
	} else {
		rc = store_user_set_password(s, uid, hash, &e);
		if (rc == 0)
			rc = store_token_revoke_user(s, uid, NULL, &n, &e);
	}
	free(hash);
	if (rc == 0) {
		if (create)
			printf("created %s\n", name);
		else
			printf("password of %s reset; %lld session%s ended\n", name, (long long)n,
			    n == 1 ? "" : "s");
		if (generated)
			printf("password: %s\n", pw);
	}
	sodium_memzero(pw, strlen(pw));
	free(pw);
	if (rc < 0)
		goto fail;
	return rc;
fail:
	fprintf(stderr, "natter-server-mock: admin: %s\n", e.msg);
	return 1;
}

/* disable NAME and enable NAME. */
static int
set_disabled(struct store *s, const char *name, bool disabled)
{
	struct err e = {0};
	int64_t uid;
	int rc = store_user_find(s, name, &uid, NULL, &e);
	if (rc == 1) {
		fprintf(stderr, "natter-server-mock: admin: no user is called %s\n", name);
		return 1;
	}
	if (rc == 0)
		rc = store_user_set_disabled(s, uid, disabled, &e);
	if (rc < 0) {
		fprintf(stderr, "natter-server-mock: admin: %s\n", e.msg);
		return 1;
	}
	printf(
	    disabled ? "%s disabled: logins and tokens are refused until enable\n" : "%s enabled\n",
	    name);
	return 0;
}

/* invite: a new single-use invitation code, printed. */
static int
invite(struct store *s)
{
	struct err e = {0};
	char code[25];
	random_text(code, 24);
	if (store_invite_add(s, code, &e) < 0) {
		fprintf(stderr, "natter-server-mock: admin: %s\n", e.msg);
		return 1;
	}
	printf("%s\n", code);
	return 0;
}

/* Runs an admin verb on the database of -d; the exit status. */
int
admin_main(int argc, char *argv[])
{
	const char *target = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt(argc, argv, "+hd:")) != -1) {
		switch (ch) {
		case 'd':
			target = optarg;
			break;
		case 'h':
			admin_usage(stdout);
			return 0;
		default:
			admin_usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		admin_usage(stderr);
		return 2;
	}
	const char *verb = argv[0], *name = argc > 1 ? argv[1] : NULL;
	bool named = strcmp(verb, "create-user") == 0 || strcmp(verb, "reset-password") == 0 ||
	    strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0;
	if (!named && strcmp(verb, "invite") != 0) {
		fprintf(stderr, "natter-server-mock: admin: no verb %s\n", verb);
		admin_usage(stderr);
		return 2;
	}
	if (argc != (named ? 2 : 1)) {
		admin_usage(stderr);
		return 2;
	}
	if (name != NULL && !auth_name_valid(name)) {
		fprintf(stderr,
		    "natter-server-mock: admin: %s is no user name (1 to 32 of a-z 0-9 . _ -, "
		    "starting with a letter or digit)\n",
		    name);
		return 2;
	}
	if (target == NULL) {
		fprintf(stderr, "natter-server-mock: admin: -d names the server's database\n");
		return 2;
	}
	struct err e = {0};
	struct store *s;
	if (sodium_init() < 0) {
		fprintf(stderr, "natter-server-mock: admin: cannot initialise libsodium\n");
		return 1;
	}
	if (store_open(&s, target, 1000, &e) < 0) {
		fprintf(stderr, "natter-server-mock: admin: %s\n", e.msg);
		return 1;
	}
	if (store_fill_skeletons(s, rules_skeleton, &e) < 0) {
		fprintf(stderr, "natter-server-mock: admin: %s\n", e.msg);
		store_close(s);
		return 1;
	}
	int rc;
	if (strcmp(verb, "create-user") == 0 || strcmp(verb, "reset-password") == 0)
		rc = set_password(s, name, strcmp(verb, "create-user") == 0);
	else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0)
		rc = set_disabled(s, name, strcmp(verb, "disable") == 0);
	else
		rc = invite(s);
	store_close(s);
	return rc;
}
