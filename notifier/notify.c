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

/* The icon name every note carries (freedesktop icon naming). */
#define NOTE_ICON "mail-message-new"

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

static const char *const urgency_names[] = {"low", "normal", "critical"};

/* The variables the exec program gets, in the order of exec_env's values. */
static const char *const exec_vars[] = {"NATTER_SUMMARY", "NATTER_BODY", "NATTER_BODY_MARKUP",
    "NATTER_SENDER", "NATTER_CONV", "NATTER_TITLE", "NATTER_COUNT", "NATTER_URGENCY",
    "NATTER_QUIET"};
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
	    note->title ? note->title : "", count, urgency_names[note->urgency],
	    note->quiet ? "1" : "0"};
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

/* Asks the notification server whether it renders body markup and shows actions. */
static void
server_caps(struct notifier *n)
{
	n->markup = n->can_act = false;
	GList *caps = notify_get_server_caps();
	for (GList *l = caps; l; l = l->next) {
		if (l->data && strcmp(l->data, "body-markup") == 0)
			n->markup = true;
		if (l->data && strcmp(l->data, "actions") == 0)
			n->can_act = true;
	}
	g_list_free_full(caps, g_free);
}

/* libnotify's own callback for the action: the work is done in actions.c. */
static void
on_open(NotifyNotification *nn, char *action, gpointer data)
{
	(void)nn;
	(void)action;
	(void)data;
}

/* The desktop closed a note (expired, dismissed or replaced by us closing it). */
static void
on_closed(NotifyNotification *nn, gpointer data)
{
	(void)nn;
	struct shown *sh = data;
	sh->closed = true;
}

/* The note on screen for what note stands for, or NULL. */
static struct shown *
shown_find(struct notifier *n, const struct note *note)
{
	for (size_t i = 0; i < n->nshown; i++) {
		struct shown *sh = n->shown[i];
		if (sh->kind == note->kind && !sh->closed &&
		    (note->kind != NOTE_CONV || strcmp(sh->conv, note->conv) == 0))
			return sh;
	}
	return NULL;
}

/* Forgets a note on screen: its object and its entry. */
static void
shown_drop(struct notifier *n, size_t i)
{
	struct shown *sh = n->shown[i];
	g_signal_handler_disconnect(sh->obj, sh->handler);
	g_object_unref(G_OBJECT(sh->obj));
	free(sh->conv);
	free(sh);
	n->shown[i] = n->shown[--n->nshown];
}

/* A new object for note, remembered until the desktop closes it. */
static struct shown *
shown_new(struct notifier *n, const struct note *note, const char *body)
{
	struct shown *sh = xcalloc(1, sizeof(*sh));
	sh->kind = note->kind;
	sh->conv = note->conv ? xstrdup(note->conv) : NULL;
	sh->obj = notify_notification_new(note->summary, body, NOTE_ICON);
	sh->handler = g_signal_connect(sh->obj, "closed", G_CALLBACK(on_closed), sh);
	/* "default": also what a click on the note does, where the server has actions. */
	if (n->actions && note->kind == NOTE_CONV) {
		notify_notification_add_action(sh->obj, "default", "Open", on_open, NULL, NULL);
		notify_notification_add_action(sh->obj, "read", "Mark read", on_open, NULL, NULL);
	}
	n->shown = xreallocarray(n->shown, n->nshown + 1, sizeof(*n->shown));
	n->shown[n->nshown++] = sh;
	return sh;
}

/* Sets what the desktop is told besides the text: expiry, urgency, hints. */
static void
set_hints(struct notifier *n, NotifyNotification *nn, const struct note *note)
{
	static const NotifyUrgency urg[] = {
	    [URGENCY_LOW] = NOTIFY_URGENCY_LOW,
	    [URGENCY_NORMAL] = NOTIFY_URGENCY_NORMAL,
	    [URGENCY_CRITICAL] = NOTIFY_URGENCY_CRITICAL,
	};
	if (n->timeout_ms >= 0)
		notify_notification_set_timeout(nn, (gint)n->timeout_ms);
	notify_notification_set_urgency(nn, urg[note->urgency]);
	notify_notification_set_category(nn, "im.received");
	notify_notification_set_hint_string(nn, "desktop-entry", "natter");
	notify_notification_set_hint(nn, "suppress-sound", g_variant_new_boolean(note->quiet));
}

/*
 * Shows a note through the notification server, replacing the conversation's
 * note when one is on screen; false when no server answered.
 */
static bool
show_libnotify(struct notifier *n, const struct note *note)
{
	if (!n->inited) {
		if (!notify_init("natter-notifyd"))
			return false;
		n->inited = true;
		server_caps(n);
	}
	if (n->can_act && !n->actions)
		n->actions = actions_start(n->open_argv, n->read_argv);
	/*
	 * The Desktop Notifications spec makes the summary plain text, and
	 * servers escape it themselves (dunst wraps it in its own markup
	 * escaped): escaping it here would show "&lt;" to the user. The body
	 * is markup when the server says so, so it is escaped then.
	 */
	char *body = n->markup ? text_markup_escape(note->body) : xstrdup(note->body);
	struct shown *sh = shown_find(n, note);
	bool replace = sh != NULL;
	if (replace)
		notify_notification_update(sh->obj, note->summary, body, NOTE_ICON);
	else
		sh = shown_new(n, note, body);
	set_hints(n, sh->obj, note);
	GError *gerr = NULL;
	gboolean ok = notify_notification_show(sh->obj, &gerr);
	if (!ok && !n->failing) {
		fprintf(stderr,
		    "natter-notifyd: no notification service answered (%s); "
		    "showing notifications on stdout\n",
		    gerr && gerr->message ? gerr->message : "unknown error");
	}
	if (ok && n->failing) {
		fprintf(stderr, "natter-notifyd: the notification service answers again\n");
		server_caps(n);
	}
	n->failing = !ok;
	if (!ok)
		sh->closed = true;
	else if (replace)
		n->replaced++;
	else
		n->created++;
	if (ok && n->actions && note->kind == NOTE_CONV) {
		guint id = 0;
		g_object_get(sh->obj, "id", &id, NULL);
		actions_bind(n->actions, id, note->conv);
	}
	g_clear_error(&gerr);
	free(body);
	return ok;
}
#endif

void
notify_drain(struct notifier *n, struct coalescer *c)
{
#ifdef HAVE_LIBNOTIFY
	/* Signals from the bus wait in GLib's main context until we run it. */
	while (n->inited && g_main_context_iteration(NULL, FALSE))
		;
	for (size_t i = n->nshown; i-- > 0;) {
		struct shown *sh = n->shown[i];
		if (!sh->closed)
			continue;
		n->closed++;
		coalesce_closed(c, sh->kind == NOTE_CONV ? sh->conv : NULL);
		shown_drop(n, i);
	}
#else
	(void)n;
	(void)c;
#endif
}

void
notify_withdraw(struct notifier *n, const char *conv)
{
#ifdef HAVE_LIBNOTIFY
	for (size_t i = 0; i < n->nshown; i++) {
		struct shown *sh = n->shown[i];
		if (sh->kind != NOTE_CONV || strcmp(sh->conv, conv) != 0)
			continue;
		GError *err = NULL;
		if (!sh->closed && !notify_notification_close(sh->obj, &err)) {
			g_clear_error(&err); /* gone already: nothing to take back */
		}
		n->closed++;
		shown_drop(n, i);
		return;
	}
#else
	(void)n;
	(void)conv;
#endif
}

bool
notify_hears_closed(const struct notifier *n)
{
	return n->kind == BACKEND_LIBNOTIFY;
}

void
notify_adopt(struct notifier *fresh, struct notifier *old)
{
	if (fresh->kind != BACKEND_LIBNOTIFY || old->kind != BACKEND_LIBNOTIFY)
		return;
	fresh->shown = old->shown;
	fresh->nshown = old->nshown;
	fresh->inited = old->inited;
	fresh->markup = old->markup;
	fresh->can_act = old->can_act;
	old->shown = NULL;
	old->nshown = 0;
	old->inited = false;
}

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
	actions_stop(n->actions);
	while (n->nshown)
		shown_drop(n, n->nshown - 1);
	if (n->inited)
		notify_uninit();
#endif
	free(n->shown);
	for (char **p = n->open_argv; p && *p; p++)
		free(*p);
	free(n->open_argv);
	for (char **p = n->read_argv; p && *p; p++)
		free(*p);
	free(n->read_argv);
	free(n->exec);
	memset(n, 0, sizeof(*n));
}
