# SPDX-License-Identifier: GPL-2.0
# Entry points of cxipi.  The module itself is described in Kbuild.
#
#   make           build cxipi.ko against KDIR
#   make run       boot a VM, load cxipi, show IPIs reaching their handlers
#   make check     dependencies, build, host tests, VM selftests; on x86
#                  also the pair job's two VMs (make vm-pair), and the
#                  debug kernels' and the other kernels' VM selftests
#                  (6.1 arm64; 6.12 generic, rt and arm64)
#   make stress    the stress selftest in a VM for STRESS_SECONDS, with its books
#   make check-debug  the VM selftests and stress on two debug kernels:
#                  KASAN+UBSAN and KCSAN, both with lockdep and kmemleak
#   make dist      build/cxipi-<version>.tar.xz, the release tarball
#   make deb       build/cxipi-dkms_<version>_all.deb, built from that tarball
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
	debug-test kernels-test lint host-test fuzz test-modules vm-root vm-test vm-stress \
	vm-failslab vm-pair clean

all: module

# STRICT=1 (make check sets it, for every kernel and DKMS build it makes):
# a warning of the compiler, objtool, modpost or the linker (not make's
# own, such as a jobserver it cannot reach under DKMS) fails the build,
# and cleans it, so that the next build warns again.  Not by
# default: Debian's headers warn when the installed gcc-12 is a newer
# point release than the kernel's, which must not fail a user's DKMS build.
module:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || \
		{ echo "no kernel build tree: run scripts/deps.sh or set KDIR=" >&2; exit 1; }
	@$(kbuild-cc-check)
	@mkdir -p $(out)
	set -o pipefail; $(KMAKE) modules 2>&1 | tee $(out)/module.log
	@$(if $(STRICT),! grep -vE '^make(\[[0-9]+\])?: ' $(out)/module.log | \
		grep -E '[Ww]arning:|WARNING:' >/dev/null || \
		{ $(KMAKE) clean >/dev/null; echo "module: the build warned (above)" >&2; exit 1; })
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

# Releases: build/cxipi-<version>.tar.xz, the source files
# (scripts/source-files.sh) and their MANIFEST; and from that tarball the
# Debian package build/cxipi-dkms_<version>_all.deb (debian/).
.PHONY: dist deb
cxipi-version := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(top)/dkms.conf)
dist:
	@scripts/dist.sh $(out) $(cxipi-version)
deb: dist
	@scripts/deb.sh $(out)/cxipi-$(cxipi-version).tar.xz $(out)

# DKMS builds cxipi from the source list and from the package, for KDIR
# (by default the newest installed Debian headers of ARCH).
dkms: deb
	@scripts/dkms-check.sh $(out)/cxipi-dkms_$(cxipi-version)_all.deb $(cxipi-version)

# The core's fuzz target against its reference model: the checked-in
# corpus once as a regression test, then fuzzing for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz:
	@scripts/fuzz-check.sh $(FUZZ_SECONDS)

lint: module
	scripts/lint.sh $(KDIR) $(kbuild-args)

# The modules the tests load, built against cxipi.ko's exports: the
# in-kernel clients of the selftests, the sample and the benchmark.
test-modules: module
	$(MAKE) --no-print-directory -C selftests/client
	$(MAKE) --no-print-directory -C samples
	$(MAKE) --no-print-directory -C bench

# What the VM runner packs (scripts/vm/vm.sh): the modules in cxipi/, and
# in cxipi/ksft/ the selftests as kselftest installs them, with its stock
# runner and the list of what it runs.
ksft-dir := $(or $(CXIPI_CACHE),/var/cache/cxipi)/ksft
vm-root := $(out)/vm-root-$(karch)/cxipi
vm-root: test-modules
	@$(MAKE) --no-print-directory -C selftests KSFT_DIR=$(ksft-dir)
	@rm -rf $(vm-root)
	@mkdir -p $(vm-root)/ksft
	@for dir in . selftests/client samples bench; do \
		sed 's/\.o$$/.ko/' $$dir/modules.order | while read -r ko; do \
			case $$ko in /*) ;; *) ko=$$dir/$$ko ;; esac; \
			cp $$ko $(vm-root)/ || exit 1; \
		done || exit 1; \
	done
	@$(MAKE) --no-print-directory -s -C selftests KSFT_DIR=$(ksft-dir) \
		install INSTALL_PATH=$(vm-root)/ksft/cxipi
	@$(MAKE) --no-print-directory -s -C selftests KSFT_DIR=$(ksft-dir) \
		emit_tests COLLECTION=cxipi >$(vm-root)/ksft/kselftest-list.txt
	@$(MAKE) --no-print-directory -s -C selftests KSFT_DIR=$(ksft-dir) \
		emit_pair_tests >$(vm-root)/ksft/pair-tests.txt
	@cp -r $(ksft-dir)/run_kselftest.sh $(ksft-dir)/kselftest $(vm-root)/ksft/

# The VM jobs (scripts/vm/guest/jobs/) through the one runner; VM_SMP,
# VM_KERNEL, VM_MEM, VM_TIMEOUT, STRESS_SECONDS and PAIR_HUBTEST reach it
# from make's command line (see scripts/vm/vm.sh).  vm-pair boots two VMs
# that share an ivshmem device, the second driven by the first's tests
# (selftests/Makefile's PAIR_TESTS) through scripts/vm/pair.py.
vm-test: vm-root
	scripts/vm/vm.sh check
vm-stress: vm-root
	scripts/vm/vm.sh stress
vm-failslab: vm-root
	scripts/vm/vm.sh failslab
vm-pair: vm-root
	scripts/vm/vm.sh pair

# Every step runs, so that one failure does not hide another; then one
# more TAP stream says which steps exited 0, and the closing count reads
# every stream of the log against its plan.  Without ARCH=, make check
# goes on with the debug kernels' suites (with STRESS_SECONDS of stress)
# and the other kernels'; with ARCH=, it runs that architecture's steps
# only.  CHECK_MORE= (empty) leaves both out.  Every build is STRICT.
# The pair job's two VMs run on the host's x86 6.1 kernel only, after
# vm-test.
CHECK_MORE ?= $(if $(ARCH),,$(if $(filter x86,$(host-arch)),debug-test kernels-test))
check-pair := $(if $(ARCH),,$(if $(filter x86,$(host-arch)),vm-pair))
check-steps := module lint dkms host-test fuzz vm-test $(check-pair) $(CHECK_MORE)
check: deps
	@mkdir -p $(out); . selftests/tap.sh; \
	{ failed=; \
	for step in $(check-steps); do \
		echo "# make $$step"; \
		$(MAKE) --no-print-directory STRICT=1 $$step || failed="$$failed $$step"; \
	done; \
	tap_plan $(words $(check-steps)); \
	for step in $(check-steps); do \
		case " $$failed " in *" $$step "*) false ;; esac; \
		tap_result $$? "make $$step exited 0"; \
	done; } 2>&1 | tee $(out)/check.log; \
	scripts/tap-summary.py $(out)/check.log

# The other kernels of make check, each through the same steps as the
# host's (scripts/deps-kernel.sh readies them): Debian 12's arm64 board,
# and Debian's 6.12 LTS from bookworm-backports, generic, PREEMPT_RT and
# arm64.  The first runs both VMs of vm-test; the 6.12 kernels the one
# with CPUs possible and offline, to keep make check within its hour.
# The 6.12 x86 kernels run on single-threaded TCG: under QEMU 7.2's
# multi-threaded TCG, generic crashed now and then in the slab allocator (a
# double fault) or at boot (int3), and -rt with int3 Oopses in patched
# kernel text before any module was loaded; never on one thread (README,
# "Kernels").
# The module is built in place, so the tree's cxipi.ko is the last
# kernel's afterwards.
KERNELS ?= 6.1-arm64 6.12-amd64 6.12-rt-amd64 6.12-arm64
kernels-test:
	@rc=0; for kernel in $(KERNELS); do \
		echo "# kernel $$kernel"; \
		start=$$(date +%s); \
		case $$kernel in *-arm64) arch=arm64 ;; *) arch= ;; esac; \
		ready=$$($(MAKE) --no-print-directory ARCH=$$arch deps >&2 && \
			scripts/deps-kernel.sh $$kernel) || { rc=1; continue; }; \
		set -- $$ready; \
		$(MAKE) --no-print-directory ARCH=$$arch KDIR=$$1 VM_KERNEL=$$2 \
			$$(case $$kernel in 6.1-*) ;; *) echo VM_SMP=4,maxcpus=8 ;; esac) \
			$$(case $$kernel in 6.12-*amd64) echo VM_TCG=single ;; esac) \
			-k module lint dkms vm-test || rc=1; \
		echo "# kernel $$kernel: its steps took $$(($$(date +%s) - start)) s"; \
	done; exit $$rc

# A sub-make, so that KDIR is found after deps has installed the headers.
run: deps
	@$(MAKE) --no-print-directory vm-root
	scripts/vm/vm.sh run

# Every CPU at once for STRESS_SECONDS in a VM (make check's debug kernels
# run 10 s of it, plain make stress 60): reserve, destroy, send, raise, ack
# and read; then the per-CPU books of both domains, which must balance;
# then the hotplug loop for as long.
STRESS_SECONDS ?= $(if $(filter check,$(MAKECMDGOALS)),10,60)
export STRESS_SECONDS
stress: deps
	@mkdir -p $(out); set -o pipefail; \
	$(MAKE) --no-print-directory vm-stress 2>&1 | tee $(out)/stress.log; \
	scripts/tap-summary.py $(out)/stress.log

# The selftests, the failslab job and STRESS_SECONDS of stress on each
# debug kernel built from linux-source (scripts/debug/*.config): kasan
# (KASAN, UBSAN, failslab, KUnit) and kcsan (KCSAN), both with lockdep,
# atomic-sleep checks, kmemleak and debugobjects; each cached in
# /var/cache/cxipi/debug and reused while its config is unchanged.  The
# first builds take long: see README.  cxipi and its test modules are
# built in place against each kernel, so the tree's cxipi.ko is the last
# one's afterwards.
check-debug: deps
	@mkdir -p $(out); set -o pipefail; \
	$(MAKE) --no-print-directory debug-test 2>&1 | tee $(out)/check-debug.log; \
	scripts/tap-summary.py $(out)/check-debug.log

# The debug kernels' suites, one after the other (a failure in the first
# does not skip the second).
DEBUG_KERNELS ?= kasan kcsan
debug-test:
	@rc=0; for kernel in $(DEBUG_KERNELS); do \
		echo "# debug kernel $$kernel"; \
		start=$$(date +%s); \
		kdir=$$(scripts/debug/kernel.sh $$kernel) || { rc=1; continue; }; \
		jobs="vm-test $$(grep -q '^CONFIG_FAILSLAB=y' $$kdir/include/config/auto.conf && \
			echo vm-failslab) vm-stress"; \
		$(MAKE) --no-print-directory KDIR=$$kdir VM_KERNEL=$$kdir/arch/x86/boot/bzImage \
			VM_MEM=2048 VM_TIMEOUT=2400 VM_SMP=4,maxcpus=8 -k $$jobs || rc=1; \
		echo "# debug kernel $$kernel: its suite took $$(($$(date +%s) - start)) s"; \
	done; exit $$rc

# Benchmarks: cxipi against the kernel's own cross-CPU calls in the VM,
# timed (-smp 2, 4 and 8) and counted in guest instructions by a QEMU
# plugin (-smp 2 and 4, VMs of their own: bench/run.sh), round trips
# through the doorbell link to a peer VM beside the same-kernel doorbell
# (job pair-bench, x86), then the core's costs on the host.  Numbers and targets, never a verdict on the build:
# a benchmark does not fail it.  BENCH_BEFORE=DIR (an earlier
# build/bench, copied away) puts those results beside these.
bench: deps
	@$(MAKE) --no-print-directory vm-root
	@$(MAKE) --no-print-directory -C bench insn-plugin
	bench/run.sh
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
