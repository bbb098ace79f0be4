# careshift: the two commands a new user needs are `make demo` and `make check`.
# Everything else is Meson/Ninja underneath (build/ for normal, build-asan/ for sanitizers).

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
DEMO_OUT   ?= out/zuid-limburg

.PHONY: all setup build demo check test asan fuzz bench clean format

all: build

setup:
	@bash scripts/setup

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized >/dev/null

build: setup $(BUILD)/build.ninja
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

demo: build
	@bash scripts/demo $(BUILD)/careshift $(DEMO_OUT)

test: build
	meson test -C $(BUILD) --print-errorlogs

check: setup
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/check

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

bench: build
	@bash bench/run.sh $(BUILD)/careshift

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) out
