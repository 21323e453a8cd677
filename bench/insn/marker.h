/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Markers between the benchmark module (guest, x86_64) and the instruction
 * counting QEMU plugin (host, bench/insn/insn_count.c): each marker is an
 * 8-byte NOP, nopl disp32(%rax,%rax,1), whose displacement carries a 24-bit
 * signature and an 8-bit code.  The guest pays one NOP per marker; the
 * plugin finds them by their bytes when QEMU translates the code, so no
 * address has to cross from guest to host.
 */
#ifndef CXIPI_BENCH_INSN_MARKER_H
#define CXIPI_BENCH_INSN_MARKER_H

/* 0f 1f 84 00: nopl disp32(%rax,%rax,1); then code, then the signature. */
#define INSN_MARKER_SIG0 0xe0
#define INSN_MARKER_SIG1 0xb0
#define INSN_MARKER_SIG2 0xc1

/* The instructions strictly between CHECK_BEGIN and CHECK_END. */
#define INSN_CHECK_BEGIN 0x01
#define INSN_CHECK_END 0x02
/* The sender's path of method M: SEND_BEGIN + M ... SEND_END + M. */
#define INSN_SEND_BEGIN 0x10
#define INSN_SEND_END 0x20
/* In the receiving handler: this wake-up of the target is an IPI's. */
#define INSN_HANDLER 0x30
#define INSN_MAX_METHODS 16

#if defined(__KERNEL__) && defined(CONFIG_X86_64)
#define insn_marker(code)                                                    \
	asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, %c0, %c1, %c2, %c3"      \
		     :                                                       \
		     : "i"(code), "i"(INSN_MARKER_SIG0), "i"(INSN_MARKER_SIG1), \
		       "i"(INSN_MARKER_SIG2)                                 \
		     : "memory")
#elif defined(__KERNEL__)
/* Other architectures have no counting plugin: the markers vanish. */
#define insn_marker(code) barrier()
#endif

#endif
