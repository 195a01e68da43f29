/*
 * Where natter keeps things: the data directory (history.db, sync.db,
 * credentials) and the config file, following the XDG base directories.
 */
#ifndef NATTER_PATHS_H
#define NATTER_PATHS_H

#include <stdbool.h>

#include "util.h"

struct paths {
	char *data_dir; /* -D DIR, $XDG_DATA_HOME/natter or ~/.local/share/natter */
	char *config_path; /* $XDG_CONFIG_HOME/natter/config or ~/.config/natter/config */
	char *history_db; /* DATA/history.db */
	char *sync_db; /* DATA/sync.db */
	char *creds_path; /* DATA/credentials */
};

/*
 * Resolves the paths; data_dir (from -D) may be NULL. With create, the data
 * directory is created with mode 0700 (its parents too). A relative -D is
 * made absolute.
 */
int paths_init(struct paths *p, const char *data_dir, bool create, struct err *e);
void paths_free(struct paths *p);
/* The config path alone (for programs without a data directory). */
char *paths_config(struct err *e);

#endif
