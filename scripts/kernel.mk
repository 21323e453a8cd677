# SPDX-License-Identifier: GPL-2.0
# Which kernel a module is built for, and with which compiler; included by
# the top Makefile and by scripts/extmod.mk.
#
#   make                        the running kernel's build tree when there
#                               is one, else the newest installed Debian
#                               headers of the host's architecture
#   make ARCH=arm64             on another machine: cross-built against the
#                               Debian arm64 headers that scripts/deps.sh
#                               unpacks, with aarch64-linux-gnu-gcc-12
#   make KDIR=<build tree>      any kernel's build tree (and ARCH= with it)

scripts-dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
host-arch := $(shell uname -m | sed -e s/x86_64/x86/ -e s/aarch64/arm64/)
karch := $(or $(subst x86_64,x86,$(ARCH)),$(host-arch))
cross := $(filter-out $(host-arch),$(karch))
debian-flavour-x86 := amd64
debian-flavour-arm64 := arm64
cross-compile-arm64 := aarch64-linux-gnu-
ifneq ($(cross),)
CROSS_COMPILE ?= $(cross-compile-$(karch))
endif

KDIR ?= $(firstword $(if $(cross),,$(wildcard /lib/modules/$(shell uname -r)/build)) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-$(debian-flavour-$(karch))))))
# The kernel's compiler, as its headers name it (gcc-12 on Debian 12),
# behind the cross prefix unless a cross-built kernel's name has it.
kconfig := $(KDIR)/include/config/auto.conf
kernel-cc := $(or $(shell sed -n \
	's/^CONFIG_CC_VERSION_TEXT="\?\([^ ]*\) .*/\1/p' $(kconfig) 2>/dev/null),gcc-12)
KCC := $(if $(filter $(CROSS_COMPILE)%,$(kernel-cc)),,$(CROSS_COMPILE))$(kernel-cc)

# Debian's check that the compiler is the kernel's compares the whole
# version text, which for a cross compiler names its triplet and its own
# package revision: compare the GCC release the kernel records instead.
ifneq ($(cross),)
kernel-gcc := $(shell sed -n 's/^CONFIG_GCC_VERSION=//p' $(kconfig) 2>/dev/null)
cross-gcc := $(shell $(KCC) -dumpfullversion 2>/dev/null | \
	awk -F. '{ printf "%d%02d%02d", $$1, $$2, $$3 }')
kbuild-cc-check = test "$(kernel-gcc)" = "$(cross-gcc)" || \
	{ echo "$(KCC) is GCC $(cross-gcc), the kernel's is $(kernel-gcc)" >&2; exit 1; }
endif

# PAHOLE: module BTF of the C only (scripts/pahole.sh).
kbuild-args := $(strip $(if $(ARCH),ARCH=$(ARCH)) PAHOLE=$(scripts-dir)/pahole.sh \
	$(if $(cross),CROSS_COMPILE=$(CROSS_COMPILE) DEBIAN_KERNEL_NO_CC_VERSION_CHECK=1) \
	CC=$(KCC))
