# SPDX-License-Identifier: GPL-2.0
# Entry points of cxipi.  The module itself is described in Kbuild.
#
#   make           build cxipi.ko against KDIR
#   make run       boot a VM, load cxipi, show IPIs reaching their handlers
#   make check     dependencies, build, host tests, VM selftests; on x86
#                  also the debug kernels' and the arm64 board's
#   make stress    the stress selftest in a VM for STRESS_SECONDS, with its books
#   make check-debug  the VM selftests and stress on two debug kernels:
#                  KASAN+UBSAN and KCSAN, both with lockdep and kmemleak
#   make clean
#
# ARCH=arm64 with any of them cross-builds for Debian's arm64 kernel and
# runs the VMs on an emulated GICv3 board (scripts/kernel.mk, scripts/vm/).

SHELL := /bin/bash
top := $(CURDIR)
out := $(top)/build

# KDIR, KCC and the arguments of a cross build (make ARCH=arm64).
include $(top)/scripts/kernel.mk
KMAKE = $(MAKE) -C $(KDIR) M=$(top) $(kbuild-args)

.PHONY: all module modules_install clean-module deps dkms check run bench stress check-debug \
	debug-test arm64-test lint host-test fuzz vm-test clean

all: module

module:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || \
		{ echo "no kernel build tree: run scripts/deps.sh or set KDIR=" >&2; exit 1; }
	@$(kbuild-cc-check)
	$(KMAKE) modules
	scripts/check-core-objects.sh $(KDIR) cxipi.ko $(patsubst %.cpp,%.o,$(wildcard cxx_core/*.cpp))

# Installs into /lib/modules/<kernel>/updates (INSTALL_MOD_PATH= for a root).
modules_install: module
	$(KMAKE) INSTALL_MOD_DIR=updates modules_install

clean-module:
	-$(KMAKE) clean

deps:
	scripts/deps.sh

host-test:
	@set -o pipefail; $(MAKE) --no-print-directory -s -C cxx_core/tests run | scripts/gtest-tap.sh

# DKMS builds cxipi from its tracked sources against the installed headers.
dkms:
	@scripts/dkms-check.sh

# The core's fuzz target against its reference model: the checked-in
# corpus once as a regression test, then fuzzing for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz:
	@mkdir -p $(out); \
	if $(MAKE) --no-print-directory -s -C cxx_core/tests/fuzz regress >$(out)/fuzz-regress.log 2>&1; then \
		echo "ok 1 host: fuzz_ops, $$(tail -n1 $(out)/fuzz-regress.log)"; \
	else \
		tail -n 40 $(out)/fuzz-regress.log | sed 's/^/# /'; \
		echo "not ok 1 host: fuzz_ops corpus regression (log: $(out)/fuzz-regress.log)"; exit 1; \
	fi; \
	if $(MAKE) --no-print-directory -s -C cxx_core/tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS) \
		>$(out)/fuzz.log 2>&1; then \
		grep -E '^Done|DONE' $(out)/fuzz.log | tail -n1 | sed 's/^/# /'; \
		echo "ok 2 host: fuzz_ops, $(FUZZ_SECONDS) s against the reference model"; \
	else \
		tail -n 40 $(out)/fuzz.log | sed 's/^/# /'; \
		echo "not ok 2 host: fuzz_ops (log: $(out)/fuzz.log)"; exit 1; \
	fi

lint: module
	scripts/lint.sh $(KDIR) $(kbuild-args)

vm-test: module
	scripts/vm/check.sh

# Every step runs, so that one failure does not hide another; the summary
# counts every TAP line of the log and fails the target on any failure.
# Without ARCH=, make check goes on with the debug kernels' suites (a short
# stress) and the arm64 board's; with ARCH=, it runs that architecture's
# steps only.  CHECK_MORE= (empty) leaves the two out.
CHECK_MORE ?= $(if $(ARCH),,$(if $(filter x86,$(host-arch)),debug-test arm64-test))
check: deps
	@mkdir -p $(out); set -o pipefail; rc=0; \
	for step in module lint dkms host-test fuzz vm-test $(CHECK_MORE); do \
		echo "# make $$step"; \
		$(MAKE) --no-print-directory $$step || { rc=1; echo "not ok - make $$step failed"; }; \
	done 2>&1 | tee $(out)/check.log || rc=1; \
	scripts/tap-count.sh $(out)/check.log || rc=1; exit $$rc

# The arm64 board's steps of make check, after the host's.  The module is
# built in place, so the tree's cxipi.ko is arm64's afterwards.
arm64-test:
	@rc=0; for step in deps module lint dkms vm-test; do \
		echo "# make ARCH=arm64 $$step"; \
		$(MAKE) --no-print-directory ARCH=arm64 $$step || \
			{ rc=1; echo "not ok - make ARCH=arm64 $$step failed"; }; \
	done; exit $$rc

# A sub-make, so that KDIR is found after deps has installed the headers.
run: deps
	@$(MAKE) --no-print-directory module
	scripts/vm/run.sh

# Every CPU at once for STRESS_SECONDS in a VM (make check runs 5 s of it):
# reserve, destroy, send, raise, ack and read; then the per-CPU books of
# both domains, which must balance.  CXIPI_STRESS_SMP= picks the VMs.
STRESS_SECONDS ?= 60
stress: deps
	@$(MAKE) --no-print-directory module
	STRESS_SECONDS=$(STRESS_SECONDS) scripts/vm/stress.sh

# The selftests and STRESS_SECONDS of stress (and of the hotplug loop) on
# each debug kernel built from linux-source (scripts/debug/*.config):
# kasan (KASAN, UBSAN, failslab) and kcsan (KCSAN), both with lockdep,
# atomic-sleep checks, kmemleak and debugobjects; each cached in
# /var/cache/cxipi/debug and reused while its config is unchanged.  The
# first builds take long: see README.
check-debug: deps
	@mkdir -p $(out); set -o pipefail; \
	$(MAKE) --no-print-directory debug-test CHECK_STRESS_SECONDS=$(STRESS_SECONDS) 2>&1 | \
		tee $(out)/check-debug.log; \
	rc=$$?; scripts/tap-count.sh $(out)/check-debug.log || rc=1; exit $$rc

# The debug kernels' suites, one after the other (a failure in the first
# does not skip the second); make check runs them with CHECK_STRESS_SECONDS.
CHECK_STRESS_SECONDS ?= 10
DEBUG_KERNELS ?= kasan kcsan
debug-test:
	@rc=0; for kernel in $(DEBUG_KERNELS); do \
		echo "# debug kernel $$kernel"; \
		STRESS_SECONDS=$(CHECK_STRESS_SECONDS) scripts/debug/check.sh $$kernel || \
			{ rc=1; echo "not ok - debug kernel $$kernel failed"; }; \
	done; exit $$rc

# Benchmarks: cxipi against the kernel's own cross-CPU calls in the VM
# (-smp 4 and -smp 8), then the core's costs on the host.  Numbers, never
# a verdict: a benchmark does not fail the build.
bench: deps
	@$(MAKE) --no-print-directory module
	scripts/vm/bench.sh
	/usr/bin/python3 bench/report.py
	$(MAKE) --no-print-directory -C cxx_core/tests/bench report

clean:
	-$(KMAKE) clean
	$(MAKE) -C cxx_core/tests clean
	$(MAKE) -C cxx_core/tests/fuzz clean
	-$(MAKE) -C cxx_core/tests/bench clean
	-$(MAKE) -C bench clean
	-$(MAKE) -C selftests/client clean
	$(MAKE) -C selftests clean
	rm -rf $(out)
