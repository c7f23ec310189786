# Keel's top-level Makefile: the commands a user types.
#   make          build (configures build/ on first use)
#   make check    build and run every test suite, in build/ and again under ASan+UBSan
#   make demo     build and boot the default guest
#   make install  install the binaries (PREFIX via ./configure --prefix)
# Each target first makes sure the Debian packages it needs are present.

BUILD ?= build
SAN_BUILD ?= build-san
CONFIGURE_FLAGS ?=
ifeq ($(CI),true)
CONFIGURE_FLAGS += --enable-werror
endif

.PHONY: all deps build check check-unit check-san demo install clean distclean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	./configure --builddir=$(BUILD) $(CONFIGURE_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(SAN_BUILD)/build.ninja: | deps
	./configure --builddir=$(SAN_BUILD) --enable-sanitizers $(CONFIGURE_FLAGS)

check: build $(SAN_BUILD)/build.ninja
	ninja -C $(SAN_BUILD)
	./scripts/run-tests.py $(BUILD):all $(SAN_BUILD):unit $(SAN_BUILD):functional

check-unit: build
	./scripts/run-tests.py $(BUILD):unit

demo: build
	@./scripts/demo.sh $(BUILD)

install: build
	meson install -C $(BUILD)

clean:
	-ninja -C $(BUILD) clean
	-ninja -C $(SAN_BUILD) clean

distclean:
	rm -rf $(BUILD) $(SAN_BUILD)
