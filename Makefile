# creneau: a small booking daemon. See README.md.
#
#   make            build build/creneau
#   make run        install what is missing, build, start the demo daemon
#   make check      install what is missing, then every test
#   make bench      the benchmarks (bench/)
#   make fuzz       the fuzz targets, longer than make check runs them
#   make install    PREFIX=/usr/local DESTDIR=

VERSION		= 0.1.0
BUILD		?= build
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
DATADIR		?= $(PREFIX)/share/creneau
SYSCONFDIR	?= /etc
UNITDIR		?= /lib/systemd/system

CC		?= cc
CFLAGS		?= -O2 -g
PKGS		= libmicrohttpd sqlite3 libical jansson libsodium libcurl uuid
WARN		= -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
		  -Wshadow -Wpointer-arith -Wno-unused-parameter
PKG_CFLAGS	= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	= $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude $(PKG_CFLAGS) \
		  -DCRENEAU_VERSION='"$(VERSION)"' \
		  -DCRENEAU_DATADIR='"$(DATADIR)"' -MMD -MP
LIBS		= $(PKG_LIBS) -lpthread -lm

SANITIZE	?= address,undefined
SAN_FLAGS	= -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) \
		  -fno-sanitize-recover=all

SRCS		= $(wildcard daemon/*.c)
OBJS		= $(SRCS:daemon/%.c=$(BUILD)/obj/%.o)
SAN_OBJS	= $(SRCS:daemon/%.c=$(BUILD)/san/%.o)
FUZZ_OBJS	= $(SRCS:daemon/%.c=$(BUILD)/fuzz/%.o)
LIB_SAN_OBJS	= $(filter-out $(BUILD)/san/main.o,$(SAN_OBJS))
LIB_FUZZ_OBJS	= $(filter-out $(BUILD)/fuzz/main.o,$(FUZZ_OBJS))

UNIT_SRCS	= $(wildcard tests/unit/test_*.c)
UNIT_BINS	= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/san/%)
FUZZ_SRCS	= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS	= $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS	?= 15

all: $(BUILD)/creneau

$(BUILD)/creneau: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $(OBJS) $(LIBS)

$(BUILD)/obj/%.o: daemon/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: daemon/%.c
	@mkdir -p $(@D)
	@echo "  CC san  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(BUILD)/san/test_%: tests/unit/test_%.c tests/unit/unit.h $(LIB_SAN_OBJS)
	@echo "  LD san  $@"
	@$(CC) $(ALL_CFLAGS) -Itests/unit $(SAN_FLAGS) -o $@ $< \
	    $(LIB_SAN_OBJS) $(LIBS) -lcmocka

$(BUILD)/fuzz/%.o: daemon/%.c
	@mkdir -p $(@D)
	@echo "  CC fuzz $<"
	@clang $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	    -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_FUZZ_OBJS)
	@echo "  LD fuzz $@"
	@clang $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -o $@ $< $(LIB_FUZZ_OBJS) $(LIBS)

# Installs the Debian and npm packages that are missing (as root), or says
# which command to run.
deps:
	@sh .ci/install-deps build
test-deps:
	@sh .ci/install-deps test

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/creneau serve --demo --db ./creneau.db --web-dir ./web

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do \
	    echo "== $$t"; \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $$t; \
	done

fuzz-build: $(FUZZ_BINS)

fuzz-short: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
	    n=$$(basename $$f); mkdir -p $(BUILD)/corpus/$$n; \
	    echo "== $$n ($(FUZZ_SECONDS) s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
	        -artifact_prefix=$(BUILD)/corpus/$$n- \
	        $(BUILD)/corpus/$$n tests/fuzz/corpus/$$n 2>$(BUILD)/corpus/$$n.log \
	        || { tail -50 $(BUILD)/corpus/$$n.log; exit 1; }; \
	done

fuzz:
	@$(MAKE) --no-print-directory fuzz-short FUZZ_SECONDS=300

integration: $(BUILD)/creneau
	cd tests && node --test --test-concurrency=2 integration/*.test.mjs

e2e: $(BUILD)/creneau
	cd tests && node --test --test-concurrency=1 e2e/*.test.mjs

check: test-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	sh tests/ics/run-samples.sh $(BUILD)/san/test_ics
	@$(MAKE) --no-print-directory fuzz-short
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory e2e

bench: test-deps
	@$(MAKE) --no-print-directory all
	@sh bench/run

valgrind: $(BUILD)/creneau
	valgrind --leak-check=full --error-exitcode=1 $(BUILD)/creneau --help

install: $(BUILD)/creneau
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/web \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/creneau
	install -m 0755 $(BUILD)/creneau $(DESTDIR)$(BINDIR)/creneau
	cp -R web/. $(DESTDIR)$(DATADIR)/web/
	install -m 0644 systemd/creneau.service systemd/creneau.socket \
	    $(DESTDIR)$(UNITDIR)/
	install -m 0644 systemd/creneau.conf.example \
	    $(DESTDIR)$(SYSCONFDIR)/creneau/creneau.conf.example
	test -e $(DESTDIR)$(SYSCONFDIR)/creneau/creneau.conf || \
	    install -m 0644 systemd/creneau.conf.example \
	    $(DESTDIR)$(SYSCONFDIR)/creneau/creneau.conf

clean:
	rm -rf build

.SECONDARY:

.PHONY: all deps test-deps run unit fuzz fuzz-build fuzz-short integration \
	e2e check bench valgrind install clean

-include $(OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
