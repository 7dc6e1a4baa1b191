# xhgen — see README.md.  `make` builds ./xhgen; `make run` and `make test`
# first install what is missing (tests/setup.sh), so both work on a fresh
# Debian 12 machine.  V=1 shows the commands; DEVELOPER=1 adds -Werror.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/xhgen
MANDIR    ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
CC        ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS    ?= -O2 -g
PKGS      := libxml-2.0 libzip libpcre2-8 xlsxwriter zlib yajl nettle
WARN      := -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wshadow
ifeq ($(DEVELOPER),1)
WARN      += -Werror
endif
XH_CPPFLAGS = -D_GNU_SOURCE -DXH_DATADIR='"$(DATADIR)"' -DXH_LOCALEDIR='"$(LOCALEDIR)"' $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libcsv ships no pkg-config file: it is linked by name.
XH_LIBS     = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lpthread
Q         := $(if $(V),,@)

LIB_SRC   := $(filter-out gen/main.c,$(wildcard gen/*.c))
LIB_OBJ   := $(LIB_SRC:gen/%.c=build/%.o)
ASAN_OBJ  := $(LIB_SRC:gen/%.c=build/asan/%.o)
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=build/%)
UNIT_ASAN := $(UNIT_SRC:tests/unit/%.c=build/asan/%)
# libFuzzer targets: clang, with the library built for coverage.
FUZZ_CC   ?= clang
# Translations: po/LANG.po compiled to build/locale/LANG/LC_MESSAGES/xhgen.mo,
# where ./xhgen finds them (i18n.c); `make pot` refreshes po/xhgen.pot.
LINGUAS   := zh_CN
MO        := $(LINGUAS:%=build/locale/%/LC_MESSAGES/xhgen.mo)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ  := $(LIB_SRC:gen/%.c=build/fuzz/%.o)
FUZZFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined

.PHONY: all pot deps run test test-asan unit fuzz fuzz-build bench valgrind install uninstall clean

all: xhgen $(MO)

build/%.o: gen/%.c gen/*.h | build
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(WARN) $(XH_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/asan/%.o: gen/%.c gen/*.h | build/asan
	$(Q)$(CC) $(WARN) $(XH_CPPFLAGS) $(CPPFLAGS) $(SANFLAGS) -c -o $@ $<

build build/asan build/fuzz:
	$(Q)mkdir -p $@

build/fuzz/%.o: gen/%.c gen/*.h | build/fuzz
	$(Q)$(FUZZ_CC) -std=c11 $(XH_CPPFLAGS) $(FUZZFLAGS) -c -o $@ $<

build/fuzz/libxh.a: $(FUZZ_OBJ)
	$(Q)$(AR) rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libxh.a
	$(Q)$(FUZZ_CC) -std=c11 $(XH_CPPFLAGS) -Igen -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< build/fuzz/libxh.a $(XH_LIBS)

fuzz-build: $(FUZZ_BIN)

# Runs every fuzz target for FUZZ_TIME seconds (default 600) on a scratch
# copy of its corpus; what it finds is left in build/fuzz/work/<target>.
FUZZ_TIME ?= 600
fuzz: deps fuzz-build
	$(Q)sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BIN)

build/libxh.a: $(LIB_OBJ)
	$(Q)$(AR) rcs $@ $^

build/asan/libxh.a: $(ASAN_OBJ)
	$(Q)$(AR) rcs $@ $^

xhgen: build/main.o build/libxh.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(XH_LIBS) $(LDLIBS)

build/asan/xhgen: gen/main.c build/asan/libxh.a
	$(Q)$(CC) $(WARN) $(XH_CPPFLAGS) $(SANFLAGS) -o $@ $^ $(XH_LIBS)

build/test_%: tests/unit/test_%.c tests/unit/harness.h build/libxh.a
	$(Q)$(CC) $(WARN) $(XH_CPPFLAGS) -Igen $(CFLAGS) -o $@ $< build/libxh.a $(XH_LIBS)

build/asan/test_%: tests/unit/test_%.c tests/unit/harness.h build/asan/libxh.a
	$(Q)$(CC) $(WARN) $(XH_CPPFLAGS) -Igen $(SANFLAGS) -o $@ $< build/asan/libxh.a $(XH_LIBS)

build/locale/%/LC_MESSAGES/xhgen.mo: po/%.po
	$(Q)mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

# xh_diag_add, fmt.c's S_fail and the two S_err translate their argument
# (i18n.h); check.c's S_err has it in another place than tmpl.c's.
pot:
	$(Q)xgettext --from-code=UTF-8 --package-name=xhgen --add-comments=TRANSLATORS -k -k_ -kN_ \
		-kngettext:1,2 -kxh_diag_add:3 -kS_fail:2 -kS_fail_usage:1 -kS_err:3 -o po/xhgen.pot \
		$(filter-out gen/check.c,$(wildcard gen/*.c))
	$(Q)xgettext --from-code=UTF-8 -j -k -k_ -kN_ -kxh_diag_add:3 -kS_err:5 -kS_perr:4 -kngettext:1,2 -o po/xhgen.pot gen/check.c
	$(Q)for l in $(LINGUAS); do msgmerge -q --update --backup=none po/$$l.po po/xhgen.pot; done

deps:
	$(Q)sh tests/setup.sh

unit: $(UNIT_BIN) $(UNIT_ASAN)

# The main job on the embedded sample year.
run: deps
	$(Q)$(MAKE) --no-print-directory xhgen $(MO)
	$(Q)./xhgen run input -o output

# Everything: unit, spec, docxtemplater suite, golden, CLI and LibreOffice
# tests, then the ASan+UBSan rerun; ends with "N passed, M failed".
test: deps
	$(Q)$(MAKE) --no-print-directory xhgen $(MO) build/asan/xhgen unit fuzz-build
	$(Q)python3 tests/run.py --xhgen ./xhgen --asan build/asan/xhgen \
		$(addprefix --unit ,$(UNIT_BIN)) $(addprefix --unit-asan ,$(UNIT_ASAN)) \
		$(addprefix --fuzz ,$(FUZZ_BIN))

test-asan: build/asan/xhgen $(UNIT_ASAN)
	$(Q)python3 tests/run.py --only asan --asan build/asan/xhgen $(addprefix --unit-asan ,$(UNIT_ASAN))

bench: deps xhgen
	$(Q)sh tests/bench/run.sh ./xhgen

valgrind: xhgen
	$(Q)sh tests/valgrind.sh ./xhgen

install: xhgen $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(MANDIR)/man1
	install -m 755 xhgen $(DESTDIR)$(BINDIR)/xhgen
	install -m 644 templates/*.docx $(DESTDIR)$(DATADIR)/templates/
	install -m 644 gen/xhgen.1 $(DESTDIR)$(MANDIR)/man1/xhgen.1
	for l in $(LINGUAS); do install -D -m 644 build/locale/$$l/LC_MESSAGES/xhgen.mo \
		$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/xhgen.mo; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xhgen $(DESTDIR)$(MANDIR)/man1/xhgen.1
	rm -f $(LINGUAS:%=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/xhgen.mo)
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build xhgen tests/out
