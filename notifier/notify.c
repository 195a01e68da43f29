/* Notification backends: libnotify (D-Bus), stdout, none, and exec. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_LIBNOTIFY
#include <gio/gio.h>
#include <libnotify/notify.h>
#endif

#include "notifyd.h"
#include "text.h"

static const char *const names[] = {
    [BACKEND_AUTO] = "auto",
    [BACKEND_LIBNOTIFY] = "libnotify",
    [BACKEND_STDOUT] = "stdout",
    [BACKEND_NONE] = "none",
    [BACKEND_EXEC] = "exec",
};

int
backend_parse(const char *name, enum backend *out, struct err *e)
{
	for (size_t i = 0; i < nitems(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum backend)i;
			return 0;
		}
	}
	return err_set(
	    e, ERR_USAGE, "unknown backend '%s' (auto, libnotify, stdout, none, exec)", name);
}

const char *
backend_name(enum backend b)
{
	return names[b];
}

char *
notify_line(const struct note *note)
{
	/* One line per note: newlines in the body become visible symbols. */
	char *body = text_sanitize(note->body, strlen(note->body), 0);
	char *line = xasprintf("%s: %s", note->summary, body);
	free(body);
	return line;
}

/* Prints a note on stdout. */
static void
show_stdout(const struct note *note)
{
	char *line = notify_line(note);
	printf("%s\n", line);
	fflush(stdout);
	free(line);
}

/* The variables the exec program gets, in the order of exec_env's values. */
static const char *const exec_vars[] = {"NATTER_SUMMARY", "NATTER_BODY", "NATTER_BODY_MARKUP",
    "NATTER_SENDER", "NATTER_CONV", "NATTER_TITLE", "NATTER_COUNT"};
#define NEXEC_VARS (sizeof(exec_vars) / sizeof(exec_vars[0]))

/* True when the environment entry kv sets one of exec_vars. */
static bool
is_exec_var(const char *kv)
{
	for (size_t i = 0; i < NEXEC_VARS; i++) {
		size_t len = strlen(exec_vars[i]);
		if (strncmp(kv, exec_vars[i], len) == 0 && kv[len] == '=')
			return true;
	}
	return false;
}

/* The environment of the exec program: ours, with the note's NATTER_* set. */
static char **
exec_env(const struct note *note, const char *markup)
{
	extern char **environ;
	char count[24];
	snprintf(count, sizeof(count), "%zu", note->count);
	const char *values[NEXEC_VARS] = {note->summary, note->body, markup,
	    note->sender ? note->sender : "", note->conv ? note->conv : "",
	    note->title ? note->title : "", count};
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xreallocarray(NULL, n + NEXEC_VARS + 1, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!is_exec_var(environ[i]))
			env[k++] = xstrdup(environ[i]);
	for (size_t i = 0; i < NEXEC_VARS; i++)
		env[k++] = xasprintf("%s=%s", exec_vars[i], values[i]);
	env[k] = NULL;
	return env;
}

/*
 * Runs the exec program as `CMD -- SUMMARY BODY`, the body escaped for the
 * notification markup, as notify-send expects: the "--" keeps a text that
 * starts with "-" from being read as an option. Everything is also in
 * NATTER_* variables. No shell is involved; standard input is /dev/null.
 * posix_spawn, not fork: after a fork, a process with threads (GLib's) may
 * only call async-signal-safe functions.
 */
static void
show_exec(struct notifier *n, const struct note *note)
{
	notify_reap(n);
	char *markup = text_markup_escape(note->body);
	char **env = exec_env(note, markup);
	char *argv[] = {n->exec, "--", note->summary, markup, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, n->exec, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		fprintf(stderr, "natter-notifyd: cannot run %s: %s\n", n->exec, strerror(rc));
	else
		n->children++;
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
	free(markup);
}

void
notify_reap(struct notifier *n)
{
	int st;
	pid_t pid;
	while (n->children > 0 && (pid = waitpid(-1, &st, WNOHANG)) > 0) {
		n->children--;
		if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 127)
			fprintf(stderr, "natter-notifyd: %s exited with status %d\n", n->exec,
			    WEXITSTATUS(st));
	}
}

#ifdef HAVE_LIBNOTIFY
/* True when the session bus can be reached without starting one. */
static bool
session_bus_configured(void)
{
	if (getenv("DBUS_SESSION_BUS_ADDRESS"))
		return true;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (!rt)
		return false;
	char *p = xasprintf("%s/bus", rt);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISSOCK(st.st_mode);
	free(p);
	return ok;
}

/* True when a notification service owns, or can be started for, its bus name. */
static bool
service_on_bus(void)
{
	static const char name[] = "org.freedesktop.Notifications";
	if (!session_bus_configured())
		return false;
	GError *gerr = NULL;
	GDBusConnection *c = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &gerr);
	if (!c) {
		g_clear_error(&gerr);
		return false;
	}
	gboolean found = FALSE;
	GVariant *r =
	    g_dbus_connection_call_sync(c, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "NameHasOwner", g_variant_new("(s)", name),
		G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &gerr);
	if (r) {
		g_variant_get(r, "(b)", &found);
		g_variant_unref(r);
	}
	g_clear_error(&gerr);
	if (!found) {
		r = g_dbus_connection_call_sync(c, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		    "org.freedesktop.DBus", "ListActivatableNames", NULL, G_VARIANT_TYPE("(as)"),
		    G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &gerr);
		if (r) {
			GVariantIter *it;
			const char *s;
			g_variant_get(r, "(as)", &it);
			while (!found && g_variant_iter_next(it, "&s", &s))
				found = strcmp(s, name) == 0;
			g_variant_iter_free(it);
			g_variant_unref(r);
		}
		g_clear_error(&gerr);
	}
	g_object_unref(c);
	return found;
}

/* Asks the notification server whether it renders body markup. */
static bool
server_markup(void)
{
	bool markup = false;
	GList *caps = notify_get_server_caps();
	for (GList *l = caps; l; l = l->next)
		if (l->data && strcmp(l->data, "body-markup") == 0)
			markup = true;
	g_list_free_full(caps, g_free);
	return markup;
}

/* Shows a note through the notification server; false when none answered. */
static bool
show_libnotify(struct notifier *n, const struct note *note)
{
	if (!n->inited) {
		if (!notify_init("natter-notifyd"))
			return false;
		n->inited = true;
		n->markup = server_markup();
	}
	/*
	 * The Desktop Notifications spec makes the summary plain text, and
	 * servers escape it themselves (dunst wraps it in its own markup
	 * escaped): escaping it here would show "&lt;" to the user. The body
	 * is markup when the server says so, so it is escaped then.
	 */
	char *body = n->markup ? text_markup_escape(note->body) : xstrdup(note->body);
	NotifyNotification *nn = notify_notification_new(note->summary, body, NULL);
	if (n->timeout_ms >= 0)
		notify_notification_set_timeout(nn, (gint)n->timeout_ms);
	notify_notification_set_hint_string(nn, "desktop-entry", "natter");
	GError *gerr = NULL;
	gboolean ok = notify_notification_show(nn, &gerr);
	if (!ok && !n->failing) {
		fprintf(stderr,
		    "natter-notifyd: no notification service answered (%s); "
		    "showing notifications on stdout\n",
		    gerr && gerr->message ? gerr->message : "unknown error");
	}
	if (ok && n->failing) {
		fprintf(stderr, "natter-notifyd: the notification service answers again\n");
		n->markup = server_markup();
	}
	n->failing = !ok;
	g_clear_error(&gerr);
	g_object_unref(G_OBJECT(nn));
	free(body);
	return ok;
}
#endif

int
notify_open(struct notifier *n, enum backend want, const char *exec, struct err *e)
{
	memset(n, 0, sizeof(*n));
	n->timeout_ms = -1;
	if (want == BACKEND_EXEC || exec) {
		if (!exec || !*exec)
			return err_set(e, ERR_USAGE, "the exec backend needs --exec CMD");
		n->kind = BACKEND_EXEC;
		n->exec = xstrdup(exec);
		return 0;
	}
#ifdef HAVE_LIBNOTIFY
	if (want == BACKEND_AUTO)
		want = service_on_bus() ? BACKEND_LIBNOTIFY : BACKEND_STDOUT;
#else
	if (want == BACKEND_AUTO)
		want = BACKEND_STDOUT;
	if (want == BACKEND_LIBNOTIFY)
		return err_set(e, ERR_USAGE,
		    "this natter-notifyd was built without libnotify; use --backend stdout "
		    "or --exec CMD");
#endif
	n->kind = want;
	return 0;
}

void
notify_show(struct notifier *n, const struct note *note)
{
	switch (n->kind) {
	case BACKEND_LIBNOTIFY:
#ifdef HAVE_LIBNOTIFY
		if (show_libnotify(n, note))
			break;
#endif
		show_stdout(note);
		break;
	case BACKEND_STDOUT:
	case BACKEND_AUTO:
		show_stdout(note);
		break;
	case BACKEND_EXEC:
		show_exec(n, note);
		break;
	case BACKEND_NONE:
		break;
	}
}

void
notify_close(struct notifier *n)
{
	notify_reap(n);
#ifdef HAVE_LIBNOTIFY
	if (n->inited)
		notify_uninit();
#endif
	free(n->exec);
	memset(n, 0, sizeof(*n));
}
