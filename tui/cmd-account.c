/* The account commands: register, login, logout, passwd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natter.h"

/* Refuses a data directory that holds another account's history. */
static int
check_data_dir(struct ctx *c, const char *user, struct err *e)
{
	char *bs, *bu;
	if (history_identity(&c->hist, &bs, &bu, e) < 0)
		return -1;
	int ret = 0;
	if (bs != NULL && bu != NULL && (strcmp(bs, c->server) != 0 || strcmp(bu, user) != 0))
		ret = err_set(e, ERR_USAGE,
		    "the data directory %s holds the history of %s at %s; use -D DIR to log in as "
		    "%s at %s",
		    c->paths.data_dir, bu, bs, user, c->server);
	free(bs);
	free(bu);
	return ret;
}

/* The number of characters (code points) of UTF-8 text. */
static size_t
chars(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * Asks for a password from var or the terminal: once to log in, twice for
 * a new one (reg) unless it comes from the environment.
 */
static char *
ask_password_from(const char *var, const char *prompt, bool reg, struct err *e)
{
	char *pw = prompt_secret(var, prompt, e);
	if (pw == NULL)
		return NULL;
	size_t n = chars(pw);
	if (reg && (n < 8 || n > 256 || strlen(pw) > 1024)) {
		prompt_password_free(pw);
		err_set(e, ERR_USAGE, "a password has 8 to 256 characters");
		return NULL;
	}
	if (reg && getenv(var) == NULL) {
		char *again = prompt_password("Again: ", e);
		bool same = again != NULL && strcmp(again, pw) == 0;
		prompt_password_free(again);
		if (!same) {
			prompt_password_free(pw);
			err_set(e, ERR_USAGE, "the passwords differ");
			return NULL;
		}
	}
	return pw;
}

/* Asks for the password of register (reg) or login. */
static char *
ask_password(bool reg, struct err *e)
{
	return ask_password_from("NATTER_PASSWORD", "Password: ", reg, e);
}

/* register USER / login USER: gets a token for USER and saves it. */
static int
auth(struct cmd *self, struct ctx *c, bool reg, struct err *e)
{
	const char *user = self->argc > 0 ? self->argv[0] : config_get(&c->cfg, "user", NULL);
	if (user == NULL)
		return cmd_usage(self, e);
	if (!proto_valid_user(user))
		return err_set(e, ERR_USAGE,
		    "invalid user name %s: 1 to 32 of a-z 0-9 . _ -, starting with a letter or "
		    "digit",
		    user);
	if (ctx_need_server(c, e) < 0 || check_data_dir(c, user, e) < 0)
		return -1;
	char *pw = ask_password(reg, e);
	if (pw == NULL)
		return -1;
	if (client_open(&c->cl, c->server, NULL, NULL, "natter", e) < 0) {
		prompt_password_free(pw);
		return -1;
	}
	c->cl_open = true;
	if (ctx_tune_http(c, e) < 0) {
		prompt_password_free(pw);
		return -1;
	}
	struct auth_reply a;
	int ret = reg ? client_register(&c->cl, user, pw, self->invite, &a, e)
		      : client_login(&c->cl, user, pw, &a, e);
	prompt_password_free(pw);
	if (ret < 0)
		return -1;
	creds_put(&c->creds, c->server, a.user, a.token);
	auth_reply_free(&a);
	if (creds_save(&c->creds, e) < 0)
		return -1;
	c->cred = creds_find(&c->creds, c->server);
	if (history_bind(&c->hist, c->server, user, c->paths.data_dir, e) < 0)
		return -1;
	printf("%s as %s at %s\n", reg ? "registered and logged in" : "logged in", user, c->server);
	ctx_reached(c);
	return 0;
}

/* register USER: creates the account and logs in. */
static int
cmd_register_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	return auth(self, c, true, e);
}

/* login USER: logs in. */
static int
cmd_login_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	return auth(self, c, false, e);
}

/* logout [--all]: revokes the token (--all: every token of the user) and forgets it. */
static int
cmd_logout_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	if (ctx_open(c, true, e) < 0)
		return -1;
	ctx_reached(c); /* what waits in the outbox still goes out under this login */
	struct err le = {0};
	long long n = 0;
	int rc = self->all ? client_logout_all(&c->cl, &n, &le) : client_logout(&c->cl, &le);
	if (self->all && rc < 0) {
		/* Nothing was revoked: the token stays, to try again. */
		*e = le;
		return -1;
	}
	creds_remove(&c->creds, c->server);
	if (creds_save(&c->creds, e) < 0)
		return -1;
	if (rc < 0 && (le.kind == ERR_OFFLINE || le.kind == ERR_TLS))
		return err_set(
		    e, le.kind, "logged out here, but the token could not be revoked: %s", le.msg);
	if (rc < 0 && le.kind != ERR_AUTH) {
		*e = le;
		return -1;
	}
	if (self->all)
		printf("logged out of %s everywhere (%lld session%s ended)\n", c->server, n,
		    n == 1 ? "" : "s");
	else
		printf("logged out of %s\n", c->server);
	return 0;
}

/* passwd: changes the password; the other devices are logged out, this one stays. */
static int
cmd_passwd_exec(struct cmd *self, struct ctx *c, struct err *e)
{
	(void)self;
	if (ctx_open(c, true, e) < 0)
		return -1;
	char *old = ask_password_from("NATTER_PASSWORD", "Current password: ", false, e);
	if (old == NULL)
		return -1;
	char *pw = ask_password_from("NATTER_NEW_PASSWORD", "New password: ", true, e);
	if (pw == NULL) {
		prompt_password_free(old);
		return -1;
	}
	long long n = 0;
	int rc = client_passwd(&c->cl, old, pw, &n, e);
	prompt_password_free(old);
	prompt_password_free(pw);
	if (rc < 0)
		return -1;
	printf("password changed for %s at %s; %lld other session%s logged out\n", c->cl.user,
	    c->server, n, n == 1 ? "" : "s");
	return 0;
}

const struct cmd_entry cmd_register_entry = {
    .name = "register",
    .usage = "register [--invite CODE] USER",
    .help = "create an account (password from NATTER_PASSWORD or a prompt)",
    .args = {"I:", 0, 1},
    .setup_first = true,
    .exec = cmd_register_exec,
};

const struct cmd_entry cmd_login_entry = {
    .name = "login",
    .usage = "login USER",
    .help = "log in and save the token",
    .args = {"", 0, 1},
    .setup_first = true,
    .exec = cmd_login_exec,
};

const struct cmd_entry cmd_logout_entry = {
    .name = "logout",
    .usage = "logout [--all]",
    .help = "revoke and forget the token (--all: every device's)",
    .args = {"a", 0, 0},
    .exec = cmd_logout_exec,
};

const struct cmd_entry cmd_passwd_entry = {
    .name = "passwd",
    .usage = "passwd",
    .help = "change the password; logs out your other devices",
    .args = {"", 0, 0},
    .exec = cmd_passwd_exec,
};
