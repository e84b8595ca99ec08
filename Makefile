# surel: build, run, test, benchmark.
#
#   make run     install what is missing, build, run the default scenario
#   make test    install what is missing, build, run every test
#   make bench   the benchmarks, as "name value" lines
#   make asan    the whole test suite under AddressSanitizer + UBSan
#   make deps    install missing Debian packages (nothing when all is there)

SHELL	= /bin/bash
CC	?= cc
# make NO_WINDOW=1: a surel without the window, linking no SDL, built in
# its own folder so that it never mixes with the normal objects.
ifeq ($(NO_WINDOW),1)
O	?= build/nowindow
endif
O	?= build
CFLAGS	?= -O2 -g
WARN	= -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
# Warnings are errors in CI (CI=true) and whenever WERROR=1.
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN	+= -Werror
endif
DEFS	= -D_POSIX_C_SOURCE=200809L
PKG_CFLAGS := $(shell pkg-config --cflags libcjson nettle 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs libcjson nettle 2>/dev/null || echo -lcjson -lnettle)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread -lm)

# Debian packages the project needs to build and test.
DEB_PKGS = gcc make pkg-config libcjson-dev check libsubunit-dev nettle-dev tshark \
	python3 clang swaks curl \
	libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libfontconfig-dev fonts-dejavu-core \
	xvfb xdotool xauth \
	librsvg2-bin groff-base desktop-file-utils appstream
# What make deb needs besides them.
DEB_BUILD_PKGS = debhelper dpkg-dev fakeroot lintian

# sim/: the simulation library; never includes SDL.  One folder a layer,
# lowest first; a layer calls only the layers before it (tests/layers.py).
SIM_LAYERS = core codec scenario net dns mail world explain export
# sim/core/
SIM_SRCS += sim/core/util.c
SIM_SRCS += sim/core/event.c
SIM_SRCS += sim/core/trace.c
SIM_SRCS += sim/core/record.c
SIM_SRCS += sim/core/hash.c
# sim/codec/
SIM_SRCS += sim/codec/dns_wire.c
SIM_SRCS += sim/codec/base64.c
SIM_SRCS += sim/codec/mime.c
SIM_SRCS += sim/codec/message.c
SIM_SRCS += sim/codec/linebuf.c
SIM_SRCS += sim/codec/smtp_wire.c
SIM_SRCS += sim/codec/pop3_wire.c
SIM_SRCS += sim/codec/imap_wire.c
# sim/scenario/
SIM_SRCS += sim/scenario/sc_util.c
SIM_SRCS += sim/scenario/json_check.c
SIM_SRCS += sim/scenario/scenario.c
SIM_SRCS += sim/scenario/scenario_names.c
SIM_SRCS += sim/scenario/scenario_nodes.c
SIM_SRCS += sim/scenario/scenario_actions.c
SIM_SRCS += sim/scenario/scenario_checkpoints.c
SIM_SRCS += sim/scenario/scenario_refs.c
SIM_SRCS += sim/scenario/scenario_warn.c
SIM_SRCS += sim/scenario/scenario_add.c
# sim/net/
SIM_SRCS += sim/net/net.c
SIM_SRCS += sim/net/udp.c
SIM_SRCS += sim/net/tcp.c
# sim/dns/
SIM_SRCS += sim/dns/dns_server.c
SIM_SRCS += sim/dns/dns_resolver.c
# sim/mail/
SIM_SRCS += sim/mail/keep.c
SIM_SRCS += sim/mail/session.c
SIM_SRCS += sim/mail/mailstore.c
SIM_SRCS += sim/mail/smtp_server.c
SIM_SRCS += sim/mail/smtp_client.c
SIM_SRCS += sim/mail/mta.c
SIM_SRCS += sim/mail/mua.c
SIM_SRCS += sim/mail/mail.c
SIM_SRCS += sim/mail/device.c
SIM_SRCS += sim/mail/pop3_world.c
SIM_SRCS += sim/mail/pop3_server.c
SIM_SRCS += sim/mail/pop3_client.c
SIM_SRCS += sim/mail/imap_world.c
SIM_SRCS += sim/mail/imap_server.c
SIM_SRCS += sim/mail/imap_fetch.c
SIM_SRCS += sim/mail/imap_client.c
# sim/world/
SIM_SRCS += sim/world/sim.c
SIM_SRCS += sim/world/recap.c
# sim/explain/
SIM_SRCS += sim/explain/narrate.c
SIM_SRCS += sim/explain/checkpoint.c
SIM_SRCS += sim/explain/ports.c
SIM_SRCS += sim/explain/decode.c
SIM_SRCS += sim/explain/detail.c
SIM_SRCS += sim/explain/whereis.c
SIM_SRCS += sim/explain/compare.c
# sim/export/
SIM_SRCS += sim/export/pcap.c
SIM_SRCS += sim/export/trace_jsonl.c
SIM_SRCS += sim/export/summary.c

# The program: command line now, the window later.
APP_SRCS += render/main.c
APP_SRCS += render/cli/cmd_run.c
APP_SRCS += render/cli/cmd_check.c
APP_SRCS += render/cli/files.c
APP_SRCS += render/cli/datadir.c
APP_SRCS += render/cli/lang.c
APP_SRCS += render/cli/lessons.c
APP_SRCS += render/cli/window_opts.c
APP_SRCS += render/cli/bridge.c
APP_SRCS += render/cli/cmd_live.c
# The window (render/, the only place that includes SDL).
WIN_SRCS += render/window/ui.c
WIN_SRCS += render/window/window.c
WIN_SRCS += render/window/session.c
WIN_SRCS += render/window/whatif.c
WIN_SRCS += render/window/whatif_menu.c
WIN_SRCS += render/window/live.c
WIN_SRCS += render/window/input.c
WIN_SRCS += render/window/app.c
WIN_SRCS += render/window/layout.c
WIN_SRCS += render/window/draw.c
WIN_SRCS += render/window/place.c
WIN_SRCS += render/window/text.c
WIN_SRCS += render/window/words.c
WIN_SRCS += render/window/whereis_line.c
WIN_SRCS += render/window/panel_events.c
WIN_SRCS += render/window/evtext.c
WIN_SRCS += render/window/evlist.c
WIN_SRCS += render/window/panel_inspector.c
WIN_SRCS += render/window/panel_narration.c
WIN_SRCS += render/window/panel_whereis.c
WIN_SRCS += render/window/panel_quiz.c
WIN_SRCS += render/window/panel_sequence.c
WIN_SRCS += render/window/panel_node.c
WIN_SRCS += render/window/holdings.c
WIN_SRCS += render/window/panel_chooser.c
WIN_SRCS += render/window/timeline.c
WIN_SRCS += render/window/view.c
ifeq ($(NO_WINDOW),1)
# Instead of the window: its commands say that this build has none.
APP_SRCS += render/cli/nowindow.c
else
APP_SRCS += $(WIN_SRCS)
APP_EXTRA = $(O)/icons_data.o
endif
SDL_CFLAGS := $(shell pkg-config --cflags sdl2 SDL2_ttf SDL2_image fontconfig 2>/dev/null)
SDL_LIBS   := $(shell pkg-config --libs sdl2 SDL2_ttf SDL2_image fontconfig 2>/dev/null || \
		echo -lSDL2_ttf -lSDL2_image -lSDL2 -lfontconfig)
ifeq ($(NO_WINDOW),1)
APP_LIBS =
else
APP_LIBS = $(SDL_LIBS)
endif
# The icons (assets/icons/*.svg) are compiled in, like the default scenario.
ICONS = $(sort $(wildcard assets/icons/*.svg))

# The window's tests: their own binary, so build/test_surel never links SDL.
WTEST_SRCS += tests/window_main.c
WTEST_SRCS += tests/test_window.c
WTEST_SRCS += tests/test_window_input.c
WTEST_SRCS += tests/test_window_quiz.c
WTEST_SRCS += tests/test_window_levels.c
WTEST_SRCS += tests/test_window_filter.c
WTEST_SRCS += tests/test_window_inspector.c
WTEST_SRCS += tests/test_window_questions.c
WTEST_SRCS += tests/test_window_boxes.c
WTEST_SRCS += tests/test_window_class.c
WTEST_SRCS += tests/test_window_whatif.c
WTEST_SRCS += tests/test_window_crowd.c
WTEST_SRCS += tests/stress.c
WTEST_SRCS += tests/english_words.c
WTEST_SRCS += tests/window_helpers.c
WBENCH_SRCS += tests/bench_window.c
WBENCH_SRCS += tests/window_helpers.c
WBENCH_SRCS += tests/stress.c

# Narration languages compiled in (assets/lang/CODE.json).
LANG_BUILTIN = en id

TEST_SRCS += tests/test_main.c
TEST_SRCS += tests/helpers.c
TEST_SRCS += tests/run_helpers.c
TEST_SRCS += tests/test_engine.c
TEST_SRCS += tests/test_tcp.c
TEST_SRCS += tests/test_scenario.c
TEST_SRCS += tests/test_cli.c
TEST_SRCS += tests/test_check.c
TEST_SRCS += tests/test_pcap_tshark.c
TEST_SRCS += tests/test_dns.c
TEST_SRCS += tests/test_dnsserver.c
TEST_SRCS += tests/test_message.c
TEST_SRCS += tests/test_smtp_wire.c
TEST_SRCS += tests/test_mail.c
TEST_SRCS += tests/test_mta.c
TEST_SRCS += tests/test_view.c
TEST_SRCS += tests/test_holdings.c
TEST_SRCS += tests/stress.c
TEST_SRCS += tests/test_decode.c
TEST_SRCS += tests/test_lean.c
TEST_SRCS += tests/test_trace_store.c
# render/window/view.c has no SDL: the tests link it.
TEST_SRCS += render/window/view.c
# render/window/holdings.c neither (what a node holds, from the trace).
TEST_SRCS += render/window/holdings.c
TEST_SRCS += tests/test_narrate.c
TEST_SRCS += tests/test_indonesian.c
TEST_SRCS += tests/english_words.c
# render/window/words.c has no SDL either: the Indonesian test reads it.
TEST_SRCS += render/window/words.c
# render/window/evtext.c neither: the event list's rows in Indonesian.
TEST_SRCS += render/window/evtext.c
# render/window/whereis_line.c neither: the where-is line in both languages.
TEST_SRCS += render/window/whereis_line.c
TEST_SRCS += tests/test_trace_say.c
TEST_SRCS += tests/test_mail_say.c
TEST_SRCS += tests/test_why.c
TEST_SRCS += tests/test_say_net.c
TEST_SRCS += tests/test_pop3.c
TEST_SRCS += tests/test_imap.c
TEST_SRCS += render/cli/bridge.c
TEST_SRCS += tests/test_real_clients.c
TEST_SRCS += tests/test_live.c
TEST_SRCS += tests/test_story.c
TEST_SRCS += tests/test_lessons.c
TEST_SRCS += tests/test_hostile.c
TEST_SRCS += tests/test_smtp_server.c
TEST_SRCS += tests/gen_scenario.c
TEST_SRCS += tests/gen_world.c
TEST_SRCS += tests/tshark_util.c
TEST_SRCS += tests/test_conservation.c
TEST_SRCS += tests/test_bad_keys.c
TEST_SRCS += tests/test_detail.c
TEST_SRCS += tests/test_whereis.c
TEST_SRCS += tests/whereis_oracle.c
TEST_SRCS += tests/test_whatif.c

BENCH_SRCS += tests/bench.c
BENCH_SRCS += tests/bench_heap.c
BENCH_SRCS += tests/helpers.c
BENCH_SRCS += tests/stress.c
BENCH_SRCS += render/window/view.c

# The scale ladder (issue 16): its own program, running ./surel per size.
SBENCH_SRCS += tests/bench_scale.c
SBENCH_SRCS += tests/gen_world.c

SIM_OBJS   = $(SIM_SRCS:%.c=$(O)/%.o)
APP_OBJS   = $(APP_SRCS:%.c=$(O)/%.o) $(O)/default_scenario.o \
	     $(LANG_BUILTIN:%=$(O)/lang_%.o)
TEST_OBJS  = $(TEST_SRCS:%.c=$(O)/%.o)
# Everything of the program but main.c, for the window's tests and benchmark.
WIN_LIB_OBJS = $(filter-out $(O)/render/main.o,$(APP_OBJS)) $(O)/icons_data.o
WTEST_OBJS = $(WTEST_SRCS:%.c=$(O)/%.o)
WBENCH_OBJS = $(WBENCH_SRCS:%.c=$(O)/%.o)
BENCH_OBJS = $(BENCH_SRCS:%.c=$(O)/%.o)
SBENCH_OBJS = $(SBENCH_SRCS:%.c=$(O)/%.o)

SIM_INC = $(SIM_LAYERS:%=-Isim/%)
APP_INC = -Irender/cli -Irender/window
ALL_CFLAGS = $(WARN) $(DEFS) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(SIM_INC) -MMD -MP

.PHONY: all run test bench asan deps clean fuzz fuzz-build golden conservation \
	install uninstall deb

all: surel

surel: $(O)/surel
	cp $(O)/surel surel

$(O)/surel: $(APP_OBJS) $(APP_EXTRA) $(O)/libsurel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(APP_OBJS) $(APP_EXTRA) $(O)/libsurel.a \
	  $(APP_LIBS) $(PKG_LIBS) -lm

$(O)/libsurel.a: $(SIM_OBJS)
	rm -f $@
	ar rcs $@ $(SIM_OBJS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(O)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(APP_INC) -c $< -o $@

# The command line (render/cli/, render/main.c) has no SDL.
$(O)/render/%.o: render/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(APP_INC) -c $< -o $@

# SDL's flags apply to render/window/ only (and to the window's tests below).
$(O)/render/window/%.o: render/window/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SDL_CFLAGS) $(APP_INC) -c $< -o $@

$(O)/tests/window_%.o: tests/window_%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SDL_CFLAGS) $(CHECK_CFLAGS) $(APP_INC) -c $< -o $@

$(O)/tests/test_win%.o: tests/test_win%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SDL_CFLAGS) $(CHECK_CFLAGS) $(APP_INC) -c $< -o $@

$(O)/tests/bench_window.o: tests/bench_window.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SDL_CFLAGS) $(APP_INC) -c $< -o $@

$(O)/icons_data.c: $(ICONS) Makefile
	@mkdir -p $(O)
	{ echo '/* generated from assets/icons/ by the Makefile */'; \
	  i=0; for f in $(ICONS); do \
	    echo "static const unsigned char icon_$$i[] = {"; \
	    od -An -v -tx1 $$f | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0 };'; i=$$((i+1)); \
	  done; \
	  echo 'struct surel_icon_data { const char *name; const unsigned char *data; unsigned long len; };'; \
	  echo 'extern const struct surel_icon_data surel_icons[];'; \
	  echo 'extern const int surel_nicons;'; \
	  echo 'const struct surel_icon_data surel_icons[] = {'; \
	  i=0; for f in $(ICONS); do \
	    echo "{ \"$$(basename $$f)\", icon_$$i, sizeof icon_$$i - 1 },"; i=$$((i+1)); \
	  done; \
	  echo '{ 0, 0, 0 } };'; \
	  echo 'const int surel_nicons = sizeof surel_icons / sizeof surel_icons[0] - 1;'; \
	} > $@

$(O)/icons_data.o: $(O)/icons_data.c
	$(CC) $(WARN) $(CFLAGS) -c $< -o $@

# The default scenario is compiled into the program, so `surel` works from any folder.
$(O)/default_scenario.c: scenarios/default.json
	@mkdir -p $(O)
	{ echo '/* generated from scenarios/default.json by the Makefile */'; \
	  echo 'const char surel_default_scenario[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; \
	  echo 'const unsigned long surel_default_scenario_len = sizeof surel_default_scenario - 1;'; \
	} > $@

$(O)/default_scenario.o: $(O)/default_scenario.c
	$(CC) $(WARN) $(CFLAGS) -c $< -o $@

# The narration languages too (render/cli/lang.c); files in assets/lang/ override them at run time.
$(O)/lang_%.c: assets/lang/%.json
	@mkdir -p $(O)
	{ echo '/* generated from $< by the Makefile */'; \
	  echo 'const char surel_lang_$*[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; \
	  echo 'const unsigned long surel_lang_$*_len = sizeof surel_lang_$* - 1;'; \
	} > $@

$(O)/lang_%.o: $(O)/lang_%.c
	$(CC) $(WARN) $(CFLAGS) -c $< -o $@

$(O)/test_surel: $(TEST_OBJS) $(O)/libsurel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJS) $(O)/libsurel.a $(PKG_LIBS) $(CHECK_LIBS) -lm

$(O)/test_window: $(WTEST_OBJS) $(WIN_LIB_OBJS) $(O)/libsurel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(WTEST_OBJS) $(WIN_LIB_OBJS) $(O)/libsurel.a \
	  $(SDL_LIBS) $(PKG_LIBS) $(CHECK_LIBS) -lm

$(O)/bench_window: $(WBENCH_OBJS) $(WIN_LIB_OBJS) $(O)/libsurel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(WBENCH_OBJS) $(WIN_LIB_OBJS) $(O)/libsurel.a \
	  $(SDL_LIBS) $(PKG_LIBS) -lm

$(O)/bench_surel: $(BENCH_OBJS) $(O)/libsurel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	  -o $@ $(BENCH_OBJS) $(O)/libsurel.a $(PKG_LIBS) -lm

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: the program finds
# its data in ../share/surel beside itself (render/cli/datadir.h), so a
# copy staged under DESTDIR runs as well as the installed one.
PREFIX	?= /usr/local
BINDIR	= $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share
APP_ID	= org.surel.Surel
APP_ICON = assets/icons/app/$(APP_ID).svg
APP_ICON_SIZES = 48 64 128 256
APP_PNGS = $(APP_ICON_SIZES:%=$(O)/appicon/%/$(APP_ID).png)
INSTALL	?= install

$(O)/appicon/%/$(APP_ID).png: $(APP_ICON)
	@mkdir -p $(dir $@)
	rsvg-convert -w $* -h $* $< -o $@

# -n: no name or time in the header, so the package builds the same twice.
$(O)/surel.1.gz: assets/man/surel.1
	@mkdir -p $(O)
	gzip -9n -c $< > $@

install: $(O)/surel $(APP_PNGS) $(O)/surel.1.gz
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/surel/scenarios \
	  $(DESTDIR)$(SHAREDIR)/surel/lang $(DESTDIR)$(SHAREDIR)/surel/icons \
	  $(DESTDIR)$(SHAREDIR)/man/man1 $(DESTDIR)$(SHAREDIR)/applications \
	  $(DESTDIR)$(SHAREDIR)/metainfo \
	  $(DESTDIR)$(SHAREDIR)/icons/hicolor/scalable/apps
	$(INSTALL) -m 755 $(O)/surel $(DESTDIR)$(BINDIR)/surel
	$(INSTALL) -m 644 scenarios/*.json $(DESTDIR)$(SHAREDIR)/surel/scenarios/
	$(INSTALL) -m 644 assets/lang/*.json $(DESTDIR)$(SHAREDIR)/surel/lang/
	$(INSTALL) -m 644 assets/icons/*.svg $(APP_ICON) $(DESTDIR)$(SHAREDIR)/surel/icons/
	$(INSTALL) -m 644 $(O)/surel.1.gz $(DESTDIR)$(SHAREDIR)/man/man1/surel.1.gz
	$(INSTALL) -m 644 assets/desktop/$(APP_ID).desktop $(DESTDIR)$(SHAREDIR)/applications/
	$(INSTALL) -m 644 assets/desktop/$(APP_ID).metainfo.xml $(DESTDIR)$(SHAREDIR)/metainfo/
	$(INSTALL) -m 644 $(APP_ICON) $(DESTDIR)$(SHAREDIR)/icons/hicolor/scalable/apps/
	for n in $(APP_ICON_SIZES); do \
	  $(INSTALL) -d $(DESTDIR)$(SHAREDIR)/icons/hicolor/$${n}x$${n}/apps && \
	  $(INSTALL) -m 644 $(O)/appicon/$$n/$(APP_ID).png \
	    $(DESTDIR)$(SHAREDIR)/icons/hicolor/$${n}x$${n}/apps/ || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/surel $(DESTDIR)$(SHAREDIR)/man/man1/surel.1.gz \
	  $(DESTDIR)$(SHAREDIR)/applications/$(APP_ID).desktop \
	  $(DESTDIR)$(SHAREDIR)/metainfo/$(APP_ID).metainfo.xml \
	  $(DESTDIR)$(SHAREDIR)/icons/hicolor/scalable/apps/$(APP_ID).svg \
	  $(foreach n,$(APP_ICON_SIZES),$(DESTDIR)$(SHAREDIR)/icons/hicolor/$(n)x$(n)/apps/$(APP_ID).png)
	rm -rf $(DESTDIR)$(SHAREDIR)/surel

# make deb: the Debian package (debian/, debhelper), unsigned, built in a
# copy of the tree under build/deb/ so that dpkg-buildpackage leaves the
# .deb in build/deb/ and never in the folder above the repository; then
# lintian, which must report no error.
DEB_DIR	= build/deb
deb:
	$(MAKE) deps DEB_PKGS="$(DEB_PKGS) $(DEB_BUILD_PKGS)"
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/surel
	tar -c --exclude=./build --exclude=./.git --exclude=./surel -f - . | \
	  tar -x -C $(DEB_DIR)/surel
	cd $(DEB_DIR)/surel && dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_DIR)/surel
	@ls $(DEB_DIR)/*.deb
	if command -v lintian >/dev/null; then \
	  lintian --fail-on error $(DEB_DIR)/surel_*.changes; fi

$(O)/bench_scale: $(SBENCH_OBJS) $(O)/libsurel.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SBENCH_OBJS) $(O)/libsurel.a $(PKG_LIBS) -lm

# The window on the built-in story; with no display (a server, CI), its
# transcript instead, so that the command still shows something.
run: deps
	$(MAKE) surel
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./surel; else \
	  echo "make run: no display here, so the default scenario's transcript instead of the window"; \
	  ./surel run --transcript; fi

# The window's tests draw with the software renderer; SDL's dummy video
# driver takes the pushed events; one smoke test opens a real window
# under Xvfb.
WINDOW_ENV = SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
# make test has tshark read the pcap of every one of the 1000 generated
# scenarios (make asan, slower, every 10th).
test: deps
	$(MAKE) surel $(O)/test_surel $(O)/test_window
	$(MAKE) NO_WINDOW=1 O=build/nowindow build/nowindow/surel
	python3 tests/layers.py $(O)
	python3 tests/say_keys.py
	python3 tests/install_check.py $(O)
	SUREL_CONSERVATION_TSHARK_EVERY=1 SUREL_BIN=./surel \
	  SUREL_NOWINDOW_BIN=build/nowindow/surel $(O)/test_surel
	$(WINDOW_ENV) SUREL_BIN=./surel $(O)/test_window

# The conservation test (tests/test_conservation.c) on more generated
# scenarios than the 1000 of make test: make conservation SEEDS=10000.
SEEDS ?= 1000
conservation: deps
	$(MAKE) surel $(O)/test_surel
	CK_RUN_SUITE=conservation SUREL_CONSERVATION_SEEDS=$(SEEDS) SUREL_BIN=./surel \
	  $(O)/test_surel

# Regenerate the expected pictures of the picture tests (tests/golden/,
# listed in tests/golden/list.txt) after a deliberate change of the look.
golden: deps
	$(MAKE) surel $(O)/test_window
	$(WINDOW_ENV) $(O)/test_window --update-golden

bench: deps
	$(MAKE) surel $(O)/bench_surel $(O)/bench_window $(O)/bench_scale
	$(O)/bench_surel
	SUREL_BIN=./surel $(O)/bench_scale
	$(WINDOW_ENV) $(O)/bench_window

# The sanitizer build lives in its own folder so it never mixes with the normal one.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: deps
	$(MAKE) O=build/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" build/asan/surel \
	  build/asan/test_surel build/asan/test_window
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  SUREL_BIN=build/asan/surel CK_FORK=no build/asan/test_surel
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(WINDOW_ENV) SUREL_BIN=build/asan/surel CK_FORK=no build/asan/test_window

# Fuzzing: each target in tests/fuzz/ runs FUZZ_SECONDS against its seed
# corpus (read only: what the fuzzer finds goes to build/fuzz/work/).
FUZZ_TARGETS = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 20
FUZZ_FLAGS = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
fuzz-build: deps
	$(MAKE) CC=clang O=build/fuzz CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build/fuzz/libsurel.a
	@for t in $(FUZZ_TARGETS); do \
	  echo "building fuzz_$$t"; \
	  clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(DEFS) $(PKG_CFLAGS) $(SIM_INC) tests/fuzz/fuzz_$$t.c \
	    build/fuzz/libsurel.a $(PKG_LIBS) -lm -o build/fuzz/fuzz_$$t || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/work/$$t tests/fuzz/corpus/$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/work/$$t tests/fuzz/corpus/$$t 2>&1 | \
	    grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-|Done" ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" | $$SUDO debconf-set-selections; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf build surel

-include $(SIM_OBJS:.o=.d) $(APP_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BENCH_OBJS:.o=.d) \
	$(WTEST_OBJS:.o=.d) $(WBENCH_OBJS:.o=.d)
