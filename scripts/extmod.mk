# SPDX-License-Identifier: GPL-2.0
# Shared by the modules built against cxipi.ko's exports (selftests/client,
# samples, bench).  The including Makefile sets `top` to the repository's
# root, then includes this file:
#
#   make [KDIR=<kernel build tree>] [CXIPI_SYMVERS=<cxipi's Module.symvers>]
#   make clean

# The same kernel as the top Makefile: the running kernel's build tree when
# there is one, else the newest installed Debian headers of the amd64 flavour.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
# The kernel's compiler, as its headers name it (gcc-12 on Debian 12).
KCC := $(or $(shell sed -n 's/^CONFIG_CC_VERSION_TEXT="\?\([^ ]*\) .*/\1/p' \
	$(KDIR)/include/config/auto.conf 2>/dev/null),gcc-12)
CXIPI_SYMVERS ?= $(top)/Module.symvers

# cxipi's Module.symvers resolves its exports (ipi_send_single(), ...).
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) CC=$(KCC) \
	KBUILD_EXTRA_SYMBOLS=$(abspath $(CXIPI_SYMVERS))

.PHONY: all modules clean

all: modules

modules:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || \
		{ echo "no kernel build tree: set KDIR=" >&2; exit 1; }
	@test -f "$(CXIPI_SYMVERS)" || \
		{ echo "no $(CXIPI_SYMVERS): build cxipi first (make -C $(top) module)" >&2; exit 1; }
	$(KMAKE) modules

clean:
	$(KMAKE) clean
