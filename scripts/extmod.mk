# SPDX-License-Identifier: GPL-2.0
# Shared by the modules built against cxipi.ko's exports (selftests/client,
# samples, bench).  The including Makefile sets `top` to the repository's
# root, then includes this file:
#
#   make [ARCH=arm64] [KDIR=<kernel build tree>] [CXIPI_SYMVERS=<cxipi's Module.symvers>]
#   make clean

# The same kernel as the top Makefile (ARCH=arm64 cross-builds too).
include $(top)/scripts/kernel.mk
CXIPI_SYMVERS ?= $(top)/Module.symvers

# cxipi's Module.symvers resolves its exports (ipi_send_single(), ...).
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) $(kbuild-args) \
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
