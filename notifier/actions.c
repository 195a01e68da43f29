/*
 * The "Open" and "Mark read" actions of desktop notes. The notification server sends
 * ActionInvoked over the session bus when the user clicks a note; GLib hands
 * it to the main context current where it was subscribed, and the main
 * thread spends its life in the long-poll, so this file subscribes from a
 * thread of its own that runs its own main context and only waits for that
 * signal: it maps the note's id to its conversation and runs the command
 * of the action (natter --open, natter read).
 */
#ifdef HAVE_LIBNOTIFY
#include <gio/gio.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "notifyd.h"

struct binding {
	unsigned id;
	char *conv;
};

struct actions {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool ready; /* subscribed (or failed); loop set when it runs */
	bool joinable; /* the thread was started */
	GMainContext *ctx;
	GMainLoop *loop;
	char **argv[2]; /* the commands of Open and Mark read; the conversation is appended */
	size_t argc[2];
	struct binding *v;
	size_t n;
	pid_t *kids; /* commands run, reaped without waiting */
	size_t nkids;
};

/* Reaps the commands that have ended. */
static void
reap(struct actions *a)
{
	for (size_t i = a->nkids; i-- > 0;) {
		if (waitpid(a->kids[i], NULL, WNOHANG) != 0)
			a->kids[i] = a->kids[--a->nkids];
	}
}

/* Runs command k for conv, without a shell, with default signal handling. */
static void
run_command(struct actions *a, int k, const char *conv)
{
	if (a->argc[k] == 0)
		return;
	char **argv = xcalloc(a->argc[k] + 2, sizeof(*argv));
	memcpy(argv, a->argv[k], a->argc[k] * sizeof(*argv));
	argv[a->argc[k]] = (char *)conv;
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t none, def;
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	extern char **environ;
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		fprintf(stderr, "natter-notifyd: cannot run %s: %s\n", argv[0], strerror(rc));
	else {
		a->kids = xreallocarray(a->kids, a->nkids + 1, sizeof(*a->kids));
		a->kids[a->nkids++] = pid;
	}
	free(argv);
}

/*
 * ActionInvoked (id, key): on one of our notes, the default action opens its
 * conversation and "read" marks it read (on every device, so the note goes).
 */
static void
on_action(GDBusConnection *c, const char *sender, const char *path, const char *iface,
    const char *signal, GVariant *params, gpointer data)
{
	(void)c;
	(void)sender;
	(void)path;
	(void)iface;
	(void)signal;
	struct actions *a = data;
	guint32 id;
	const char *key;
	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(us)")))
		return;
	g_variant_get(params, "(u&s)", &id, &key);
	char *conv = NULL;
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < a->n && !conv; i++)
		if (a->v[i].id == id)
			conv = xstrdup(a->v[i].conv);
	pthread_mutex_unlock(&a->mu);
	reap(a);
	if (conv && strcmp(key, "default") == 0)
		run_command(a, 0, conv);
	else if (conv && strcmp(key, "read") == 0)
		run_command(a, 1, conv);
	free(conv);
}

/* The thread: subscribes on the shared session connection, then runs its context. */
static void *
watch(void *arg)
{
	struct actions *a = arg;
	g_main_context_push_thread_default(a->ctx);
	GDBusConnection *c = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	guint sub = 0;
	if (c)
		sub = g_dbus_connection_signal_subscribe(c, NULL, "org.freedesktop.Notifications",
		    "ActionInvoked", "/org/freedesktop/Notifications", NULL,
		    G_DBUS_SIGNAL_FLAGS_NONE, on_action, a, NULL);
	pthread_mutex_lock(&a->mu);
	a->loop = sub ? g_main_loop_new(a->ctx, FALSE) : NULL;
	a->ready = true;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	if (a->loop)
		g_main_loop_run(a->loop);
	if (sub)
		g_dbus_connection_signal_unsubscribe(c, sub);
	if (c)
		g_object_unref(c);
	g_main_context_pop_thread_default(a->ctx);
	return NULL;
}

/* Ends the thread's loop, on the thread. */
static gboolean
quit_loop(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

struct actions *
actions_start(char *const *open, char *const *read)
{
	if ((!open || !open[0]) && (!read || !read[0]))
		return NULL;
	struct actions *a = xcalloc(1, sizeof(*a));
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->ctx = g_main_context_new();
	char *const *cmds[2] = {open, read};
	for (int k = 0; k < 2; k++) {
		while (cmds[k] && cmds[k][a->argc[k]])
			a->argc[k]++;
		a->argv[k] = xcalloc(a->argc[k] + 1, sizeof(*a->argv[k]));
		for (size_t i = 0; i < a->argc[k]; i++)
			a->argv[k][i] = xstrdup(cmds[k][i]);
	}
	/* Signals stay with the main thread, whose waits they must interrupt. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&a->thread, NULL, watch, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		actions_stop(a);
		return NULL;
	}
	a->joinable = true;
	pthread_mutex_lock(&a->mu);
	while (!a->ready)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	return a;
}

void
actions_bind(struct actions *a, unsigned id, const char *conv)
{
	pthread_mutex_lock(&a->mu);
	size_t i;
	for (i = 0; i < a->n; i++)
		if (a->v[i].id == id || strcmp(a->v[i].conv, conv) == 0)
			break;
	if (i == a->n) {
		a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
		a->v[a->n++].conv = NULL;
	}
	free(a->v[i].conv);
	a->v[i].id = id;
	a->v[i].conv = xstrdup(conv);
	pthread_mutex_unlock(&a->mu);
}

void
actions_stop(struct actions *a)
{
	if (!a)
		return;
	if (a->joinable) {
		/* Queued on its context, so it also ends a loop that has not started yet. */
		if (a->loop)
			g_main_context_invoke(a->ctx, quit_loop, a->loop);
		pthread_join(a->thread, NULL);
	}
	if (a->loop)
		g_main_loop_unref(a->loop);
	g_main_context_unref(a->ctx);
	reap(a);
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].conv);
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < a->argc[k]; i++)
			free(a->argv[k][i]);
		free(a->argv[k]);
	}
	free(a->v);
	free(a->kids);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
#else
/* Without libnotify there are no desktop notes and no actions. */
typedef int actions_unused;
#endif
