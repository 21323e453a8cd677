# SPDX-License-Identifier: GPL-2.0
# Entry points of cxipi.  The module itself is described in Kbuild.
#
#   make           build cxipi.ko against KDIR
#   make run       boot a VM, load cxipi, show IPIs reaching their handlers
#   make check     dependencies, build, host tests, VM selftests
#   make stress    the stress selftest in a VM for STRESS_SECONDS, with its books
#   make clean

SHELL := /bin/bash
top := $(CURDIR)
out := $(top)/build

# The running kernel's build tree when there is one, else the newest
# installed Debian headers of the amd64 flavour.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
# The kernel's compiler: the headers say which (gcc-12 on Debian 12).
KCC := $(shell sed -n 's/^CONFIG_CC_VERSION_TEXT="\?\([^ ]*\) .*/\1/p' \
	$(KDIR)/include/config/auto.conf 2>/dev/null)
KMAKE = $(MAKE) -C $(KDIR) M=$(top) $(if $(KCC),CC=$(KCC))

.PHONY: all module modules_install clean-module deps dkms check run bench stress lint host-test fuzz vm-test clean

all: module

module:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || \
		{ echo "no kernel build tree: run scripts/deps.sh or set KDIR=" >&2; exit 1; }
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

# The core's fuzz target against its reference model, for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz:
	@mkdir -p $(out); \
	if $(MAKE) --no-print-directory -s -C cxx_core/tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS) \
		>$(out)/fuzz.log 2>&1; then \
		grep -E '^Done|DONE' $(out)/fuzz.log | tail -n1 | sed 's/^/# /'; \
		echo "ok 1 host: fuzz_ops, $(FUZZ_SECONDS) s against the reference model"; \
	else \
		tail -n 40 $(out)/fuzz.log | sed 's/^/# /'; \
		echo "not ok 1 host: fuzz_ops (log: $(out)/fuzz.log)"; exit 1; \
	fi

lint: module
	scripts/lint.sh $(KDIR) $(KCC)

vm-test: module
	scripts/vm/check.sh

# Every step runs, so that one failure does not hide another; the summary
# counts every TAP line of the log and fails the target on any failure.
check: deps
	@mkdir -p $(out); set -o pipefail; rc=0; \
	for step in module lint dkms host-test fuzz vm-test; do \
		echo "# make $$step"; \
		$(MAKE) --no-print-directory $$step || { rc=1; echo "not ok - make $$step failed"; }; \
	done 2>&1 | tee $(out)/check.log || rc=1; \
	scripts/tap-count.sh $(out)/check.log || rc=1; exit $$rc

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
