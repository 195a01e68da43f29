# natter: a terminal chat client, its desktop notifier and a mock server.
# `make` builds build/natter, build/natter-notifyd and build/natter-server-mock.
# Dependencies are found with pkg-config by scripts/configure, which runs
# scripts/install-deps when one is missing.

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSTEMUNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/natter
APPDIR ?= $(PREFIX)/share/applications
NOTIFY ?= auto
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD ?= build/sanitize
else ifeq ($(NOTIFY),none)
BUILD ?= build/nonotify
else
BUILD ?= build
endif

CFLAGS ?= -O2 -g
CFLAGS += -pthread -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -fno-common
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
LDFLAGS += -pthread
CPPFLAGS += -DNATTER_VERSION='"$(VERSION)"' -Icore

NOCONFIG_GOALS = clean distclean help format run-stop
ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(BUILD)/config.mk
endif

CORE_SRC = $(wildcard core/*.c)
TUI_SRC = $(wildcard tui/*.c)
NOTIFIER_SRC = $(wildcard notifier/*.c)
# The PostgreSQL backend is built only with libpq (PQ_LIBS from configure).
SERVER_SRC = $(filter-out $(if $(PQ_LIBS),,server-mock/store-pg%),$(wildcard server-mock/*.c))
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ = $(TUI_SRC:%.c=$(BUILD)/%.o)
NOTIFIER_OBJ = $(NOTIFIER_SRC:%.c=$(BUILD)/%.o)
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o)
LIB = $(BUILD)/libnatter.a

PROGS = $(BUILD)/natter $(BUILD)/natter-notifyd $(BUILD)/natter-server-mock
MANS = $(wildcard man/*.1)

# Unit tests: tests/AREA/test_NAME.c is one cmocka runner, linked with the
# library and with AREA's objects except its main.o.
UNIT_SRC = $(wildcard tests/core/test_*.c tests/tui/test_*.c \
	tests/notifier/test_*.c tests/server/test_*.c)
UNIT_BIN = $(UNIT_SRC:%.c=$(BUILD)/%)
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BIN = $(BENCH_SRC:%.c=$(BUILD)/%)
HOSTILE_BIN = $(BUILD)/tests/hostile/hostile
# fuzz/fuzz_TARGET.c: a libFuzzer target; markup checks the escaper with GLib's
# parser, so it is built only where GLib is installed.
GLIB_CFLAGS := $(shell pkg-config --cflags glib-2.0 2>/dev/null)
GLIB_LIBS := $(shell pkg-config --libs glib-2.0 2>/dev/null)
FUZZ_TARGETS = $(filter-out $(if $(GLIB_LIBS),,markup), \
	$(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
REPLAY_BIN = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

CORE_LIBS = $(SQLITE_LIBS) $(JANSSON_LIBS) $(CURL_LIBS) $(SODIUM_LIBS) $(ZLIB_LIBS)
CORE_CFLAGS = $(SQLITE_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) $(SODIUM_CFLAGS)
TUI_LIBS = $(CURSES_LIBS)
NOTIFIER_LIBS = $(NOTIFY_LIBS)
SERVER_LIBS = $(MHD_LIBS) $(PQ_LIBS) $(ZLIB_LIBS)

all: $(PROGS)

$(BUILD)/config.mk: scripts/configure scripts/install-deps
	@mkdir -p $(@D)
	NOTIFY=$(NOTIFY) scripts/configure > $@.tmp && mv $@.tmp $@

$(LIB): $(CORE_OBJ)
	$(AR) rcs $@ $(CORE_OBJ)

$(CORE_OBJ): EXTRA_CFLAGS = $(CORE_CFLAGS)
$(TUI_OBJ): EXTRA_CFLAGS = $(CORE_CFLAGS) $(CURSES_CFLAGS) -Itui
$(NOTIFIER_OBJ): EXTRA_CFLAGS = $(CORE_CFLAGS) $(NOTIFY_CFLAGS) -Inotifier
$(SERVER_OBJ): EXTRA_CFLAGS = $(CORE_CFLAGS) $(MHD_CFLAGS) $(PQ_CFLAGS) -Iserver-mock

$(BUILD)/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/natter: $(TUI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(TUI_OBJ) $(LIB) $(TUI_LIBS) $(CORE_LIBS)
$(BUILD)/natter-notifyd: $(NOTIFIER_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(NOTIFIER_OBJ) $(LIB) $(NOTIFIER_LIBS) $(CORE_LIBS)
$(BUILD)/natter-server-mock: $(SERVER_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(SERVER_OBJ) $(LIB) $(SERVER_LIBS) $(CORE_LIBS)

TEST_CFLAGS = $(CORE_CFLAGS) $(CMOCKA_CFLAGS) -Itests
$(BUILD)/tests/core/%: tests/core/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) -o $@ $< $(LIB) \
		$(CMOCKA_LIBS) $(CORE_LIBS) $(LDFLAGS)
$(BUILD)/tests/tui/%: tests/tui/%.c $(filter-out %/main.o,$(TUI_OBJ)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(CURSES_CFLAGS) -Itui -o $@ $< \
		$(filter-out %/main.o,$(TUI_OBJ)) $(LIB) $(CMOCKA_LIBS) \
		$(TUI_LIBS) $(CORE_LIBS) $(LDFLAGS)
$(BUILD)/tests/notifier/%: tests/notifier/%.c $(filter-out %/main.o,$(NOTIFIER_OBJ)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(NOTIFY_CFLAGS) -Inotifier -o $@ $< \
		$(filter-out %/main.o,$(NOTIFIER_OBJ)) $(LIB) $(CMOCKA_LIBS) \
		$(NOTIFIER_LIBS) $(CORE_LIBS) $(LDFLAGS)
$(BUILD)/tests/server/%: tests/server/%.c $(filter-out %/main.o,$(SERVER_OBJ)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(MHD_CFLAGS) $(PQ_CFLAGS) -Iserver-mock -o $@ $< \
		$(filter-out %/main.o,$(SERVER_OBJ)) $(LIB) $(CMOCKA_LIBS) \
		$(SERVER_LIBS) $(CORE_LIBS) $(LDFLAGS)
$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CORE_CFLAGS) -o $@ $< $(LIB) $(CORE_LIBS) $(LDFLAGS)

# bench/window drives the message window's model, so it links those tui objects too.
WINDOW_OBJ = $(addprefix $(BUILD)/tui/,timeline.o view.o wrap.o width.o)
$(BUILD)/bench/window: bench/window.c $(WINDOW_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CORE_CFLAGS) -Itui -o $@ $< $(WINDOW_OBJ) $(LIB) \
		$(CORE_LIBS) $(LDFLAGS)

# What `make test` builds: the programs, the unit runners, the replay driver
# of each fuzz target (fuzz_replay.t) and the misbehaving server
# (hostile_server.t). `make unit` runs only the unit runners and the replays.
test: $(PROGS) $(UNIT_BIN) $(REPLAY_BIN) $(HOSTILE_BIN)
	BUILD=$(BUILD) tests/run

# Only the unit runners: quick, no processes started.
unit: $(UNIT_BIN) $(REPLAY_BIN)
	BUILD=$(BUILD) tests/run --unit

bench: $(PROGS) $(BENCH_BIN)
	BUILD=$(BUILD) bench/run

# The benchmarks are built too, so an interface change cannot leave them behind.
check: test $(BENCH_BIN)
	scripts/lint

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

run: $(PROGS)
	BUILD=$(BUILD) scripts/run-local

# `make run` leaves the demo server and notifier running after natter quits.
run-stop:
	BUILD=$(BUILD) scripts/run-local --stop

install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(USERUNITDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MANS) $(DESTDIR)$(MANDIR)/man1
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/natter-notifyd.service > \
		$(DESTDIR)$(USERUNITDIR)/natter-notifyd.service
	chmod 644 $(DESTDIR)$(USERUNITDIR)/natter-notifyd.service
	install -d $(DESTDIR)$(SYSTEMUNITDIR) $(DESTDIR)$(DOCDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/natter-server.service > \
		$(DESTDIR)$(SYSTEMUNITDIR)/natter-server.service
	chmod 644 $(DESTDIR)$(SYSTEMUNITDIR)/natter-server.service
	install -m 644 contrib/natter-server.conf docs/deploy.md docs/protocol.md \
		$(DESTDIR)$(DOCDIR)
	install -d $(DESTDIR)$(APPDIR)
	install -m 644 contrib/natter.desktop $(DESTDIR)$(APPDIR)/natter.desktop

uninstall:
	rm -f $(PROGS:$(BUILD)/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MANS:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(DESTDIR)$(USERUNITDIR)/natter-notifyd.service
	rm -f $(DESTDIR)$(SYSTEMUNITDIR)/natter-server.service
	rm -f $(DESTDIR)$(DOCDIR)/natter-server.conf $(DESTDIR)$(DOCDIR)/deploy.md \
		$(DESTDIR)$(DOCDIR)/protocol.md
	rm -f $(DESTDIR)$(APPDIR)/natter.desktop

clean:
	rm -rf build

.PHONY: all test unit bench check format run run-stop install uninstall clean
.SECONDARY:

-include $(wildcard $(BUILD)/core/*.d $(BUILD)/tui/*.d $(BUILD)/notifier/*.d \
	$(BUILD)/server-mock/*.d)

# Fuzzing and the hostile server.
# fuzz/fuzz_TARGET.c defines LLVMFuzzerTestOneInput. `make fuzz` builds each
# with clang -fsanitize=fuzzer,address,undefined in $(FUZZ_BUILD) and runs it
# for FUZZ_SECONDS, seeded by fuzz/corpus/TARGET; crashes land in fuzz/out/.
# Every build also links $(BUILD)/fuzz/replay_TARGET (fuzz/replay.c as main),
# which tests/integration/fuzz_replay.t runs over the stored corpus.
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build/fuzz
FUZZ_BIN = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
ifeq ($(FUZZ),1)
CFLAGS += -fsanitize=fuzzer-no-link
endif
# What each target links besides its own file: the server's objects for
# server_request, GLib for markup, the core library for all.
FUZZ_CFLAGS = $(CORE_CFLAGS) $(MHD_CFLAGS) $(GLIB_CFLAGS) -Iserver-mock
fuzz_objs = $(if $(filter server_request,$(1)),$(filter-out %/main.o,$(SERVER_OBJ))) $(LIB)
fuzz_libs = $(if $(filter server_request,$(1)),$(SERVER_LIBS)) \
	$(if $(filter markup,$(1)),$(GLIB_LIBS)) $(CORE_LIBS)

.SECONDEXPANSION:
$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $$(call fuzz_objs,$$*)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/replay.c \
		$(call fuzz_objs,$*) $(call fuzz_libs,$*) $(LDFLAGS)
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $$(call fuzz_objs,$$*)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ fuzz/fuzz_$*.c \
		$(call fuzz_objs,$*) $(call fuzz_libs,$*) $(LDFLAGS) -fsanitize=fuzzer

fuzz:
	$(MAKE) CC=clang SANITIZE=1 FUZZ=1 BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		fuzz-run

# Runs every target in turn; fails at the end when any of them crashed.
fuzz-run: $(FUZZ_BIN)
	@failed=; for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/out/$$t fuzz/out/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=fuzz/out/$$t/ \
			fuzz/out/corpus/$$t fuzz/corpus/$$t \
			> fuzz/out/$$t.log 2>&1 || failed="$$failed $$t"; \
		grep -E 'stat::number_of_executed_units|^(==|SUMMARY)' fuzz/out/$$t.log | \
			sed "s/^/  $$t: /" | head -5; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed (see fuzz/out/)"; exit 1; fi

.PHONY: fuzz fuzz-run
# tests/hostile/hostile.c: a fault-injecting server for hostile_server.t.
$(HOSTILE_BIN): tests/hostile/hostile.c $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(ZLIB_LIBS) $(LDFLAGS)
# Every unit runner under valgrind: a leak or a memory error fails the target.
memcheck: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do \
		valgrind -q --leak-check=full --error-exitcode=1 $$t >$$t.memcheck 2>&1 || \
			{ cat $$t.memcheck; echo "memcheck: $$t failed"; exit 1; }; \
		echo "memcheck: $$t clean"; \
	done
.PHONY: memcheck
