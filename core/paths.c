/* Data directory and config file locations (XDG base directories). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

/* Returns $name when it is set to an absolute path, else NULL. */
static const char *
xdg_env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] == '/' ? v : NULL;
}

/* Returns $HOME, or NULL with e set. */
static const char *
home(struct err *e)
{
	const char *h = getenv("HOME");
	if (h == NULL || h[0] == '\0') {
		err_set(e, ERR_SYSTEM, "HOME is not set; use -D DIR");
		return NULL;
	}
	return h;
}

/* Returns the config file path. */
char *
paths_config(struct err *e)
{
	const char *x = xdg_env("XDG_CONFIG_HOME");
	if (x != NULL)
		return xasprintf("%s/natter/config", x);
	const char *h = home(e);
	return h ? xasprintf("%s/.config/natter/config", h) : NULL;
}

/* Resolves (and optionally creates) the data directory and the files in it. */
int
paths_init(struct paths *p, const char *data_dir, bool create, struct err *e)
{
	memset(p, 0, sizeof(*p));
	if (data_dir != NULL) {
		if (*data_dir == '\0')
			return err_set(e, ERR_USAGE, "empty data directory given with -D");
		if (data_dir[0] == '/')
			p->data_dir = xstrdup(data_dir);
		else {
			char cwd[PATH_MAX];
			if (getcwd(cwd, sizeof(cwd)) == NULL)
				return err_set(e, ERR_SYSTEM,
				    "cannot find the current directory: %s", strerror(errno));
			p->data_dir = xasprintf("%s/%s", cwd, data_dir);
		}
	} else {
		const char *x = xdg_env("XDG_DATA_HOME");
		if (x != NULL)
			p->data_dir = xasprintf("%s/natter", x);
		else {
			const char *h = home(e);
			if (h == NULL)
				return -1;
			p->data_dir = xasprintf("%s/.local/share/natter", h);
		}
	}
	size_t n = strlen(p->data_dir);
	while (n > 1 && p->data_dir[n - 1] == '/')
		p->data_dir[--n] = '\0';
	p->config_path = paths_config(e);
	if (p->config_path == NULL) {
		paths_free(p);
		return -1;
	}
	p->history_db = xasprintf("%s/history.db", p->data_dir);
	p->sync_db = xasprintf("%s/sync.db", p->data_dir);
	p->creds_path = xasprintf("%s/credentials", p->data_dir);
	if (create) {
		if (mkdir_p(p->data_dir, 0700, e) < 0) {
			paths_free(p);
			return -1;
		}
		struct stat st;
		if (stat(p->data_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			err_set(e, ERR_SYSTEM, "data directory %s is not a directory", p->data_dir);
			paths_free(p);
			return -1;
		}
	}
	return 0;
}

/* Frees the paths. */
void
paths_free(struct paths *p)
{
	free(p->data_dir);
	free(p->config_path);
	free(p->history_db);
	free(p->sync_db);
	free(p->creds_path);
	memset(p, 0, sizeof(*p));
}
