/* Saved logins per server URL, in a 0600 JSON file. */
#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A credentials file larger than this is not ours. */
#define CREDS_MAX (1 << 20)

/* Wipes and frees a secret string. */
static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Frees every saved login. */
void
creds_free(struct creds *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].server);
		free(c->v[i].user);
		free_secret(c->v[i].token);
	}
	free(c->v);
	free(c->dflt);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

/* Finds the login of a server. */
const struct cred *
creds_find(const struct creds *c, const char *server)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].server, server) == 0)
			return &c->v[i];
	return NULL;
}

/* Adds or replaces a login and makes its server the default. */
void
creds_put(struct creds *c, const char *server, const char *user, const char *token)
{
	struct cred *cr = (struct cred *)creds_find(c, server);
	if (cr == NULL) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 4;
			c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
		}
		cr = &c->v[c->n++];
		cr->server = xstrdup(server);
	} else {
		free(cr->user);
		free_secret(cr->token);
	}
	cr->user = xstrdup(user);
	cr->token = xstrdup(token);
	free(c->dflt);
	c->dflt = xstrdup(server);
}

/* Forgets a login. */
int
creds_remove(struct creds *c, const char *server)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].server, server) != 0)
			continue;
		free(c->v[i].server);
		free(c->v[i].user);
		free_secret(c->v[i].token);
		memmove(&c->v[i], &c->v[i + 1], (c->n - i - 1) * sizeof(*c->v));
		c->n--;
		if (c->dflt != NULL && strcmp(c->dflt, server) == 0) {
			free(c->dflt);
			c->dflt = NULL;
		}
		return 0;
	}
	return -1;
}

/* Returns the default server. */
const char *
creds_default_server(const struct creds *c)
{
	if (c->dflt != NULL && creds_find(c, c->dflt) != NULL)
		return c->dflt;
	return c->n == 1 ? c->v[0].server : NULL;
}

/* Reads the credentials file. */
int
creds_load(struct creds *c, const char *path, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, ERR_SYSTEM, "cannot read %s: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0)
		fchmod(fd, 0600);
	/* One read, not jansson's read per byte: this is on the first-paint path. */
	struct buf b = {0};
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b.len < CREDS_MAX)
		buf_append(&b, chunk, (size_t)n);
	close(fd);
	json_error_t je;
	json_t *j = n < 0 || b.len >= CREDS_MAX ? NULL : json_loadb(b.data, b.len, 0, &je);
	buf_free(&b);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return err_set(e, ERR_SYSTEM, "%s is damaged; remove it and log in again", path);
	}
	const char *dflt = json_string_value(json_object_get(j, "default"));
	json_t *arr = json_object_get(j, "servers");
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it)
	{
		const char *s = json_string_value(json_object_get(it, "server"));
		const char *u = json_string_value(json_object_get(it, "user"));
		const char *t = json_string_value(json_object_get(it, "token"));
		if (s != NULL && u != NULL && t != NULL)
			creds_put(c, s, u, t);
	}
	free(c->dflt);
	c->dflt = dflt ? xstrdup(dflt) : NULL;
	json_decref(j);
	return 0;
}

/* Writes the credentials (0600) through a synced temporary file renamed in place. */
int
creds_save(const struct creds *c, struct err *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:s, s:s}", "server", c->v[i].server, "user", c->v[i].user,
			"token", c->v[i].token));
	json_t *j = json_object();
	if (c->dflt != NULL)
		json_object_set_new(j, "default", json_string(c->dflt));
	json_object_set_new(j, "servers", arr);
	char *text = json_dumps(j, JSON_INDENT(1));
	json_decref(j);
	if (text == NULL)
		return err_set(e, ERR_SYSTEM, "cannot encode credentials");
	int ret = write_file_atomic(c->path, text, strlen(text), 0600, e);
	explicit_bzero(text, strlen(text));
	free(text);
	return ret;
}
