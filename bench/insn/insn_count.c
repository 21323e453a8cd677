// SPDX-License-Identifier: GPL-2.0
/*
 * insn_count: a QEMU TCG plugin (QEMU 7.2, plugin API version 1) that
 * counts the guest instructions of the paths the benchmark module marks
 * (marker.h).  Counts do not depend on host load or vCPU scheduling,
 * unlike times under TCG, so they can compare methods to the instruction.
 *
 * Every translated block adds its length to its vCPU's counter when it
 * starts, and an instruction callback on a marker, a hlt or an iretq reads
 * the counter as it stands before that instruction (the block's start plus
 * the instruction's index).  What it writes, one sample a line, to the
 * file named by out=PATH:
 *
 *   side=check  insns between CHECK_BEGIN and CHECK_END (a known count)
 *   side=send   vcpu=V method=M insns between SEND_BEGIN+M and SEND_END+M
 *   side=recv   vcpu=V method=M insns from the instruction after a hlt to
 *               the next hlt (wake, interrupt, handler, idle loop back to
 *               hlt), and irq=N from that first instruction to the first
 *               iretq included (interrupt entry to return), for the
 *               wake-ups in which the HANDLER marker ran; M is the method
 *               whose SEND_BEGIN ran last on any vCPU when it did
 *   side=idle   vcpu=V wakeups=N: wake-ups without the HANDLER marker
 *               (timer ticks and other noise), counted only
 *
 * A block that an exception leaves early counts whole: such a sample is
 * an outlier, which the report's mode and median look past.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "marker.h"
#include "qemu_plugin_api.h"

/* QEMU refuses a plugin without this symbol, or with a newer version. */
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define MAX_VCPUS 64
/* The callbacks read no guest register: QEMU need not sync them. */
#define NO_REGS QEMU_PLUGIN_CB_NO_REGS

/* What an instruction callback is about, packed into its udata. */
enum insn_kind { KIND_MARKER = 1, KIND_HLT, KIND_IRET };

struct vcpu {
	u64 count; /* instructions of the blocks started */
	bool halted; /* the last counted instruction was a hlt */
	bool woke; /* a segment since a hlt is open */
	bool handler; /* ... and the HANDLER marker ran in it */
	int method; /* the method current at that HANDLER marker */
	u64 wake; /* count at the segment's first instruction */
	u64 irq; /* length to the first iretq, 0 before it */
	u64 send_begin;
	int send_method; /* -1: no SEND_BEGIN open */
	u64 check_begin;
	bool check_open;
	u64 idle_wakeups;
} __aligned(64);

static struct vcpu vcpus[MAX_VCPUS];
static int current_method = -1;
static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* vCPU threads run in parallel (multi-threaded TCG): one line at a time. */
static __printf(1, 2) void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pthread_mutex_lock(&out_lock);
	vfprintf(out, fmt, ap);
	pthread_mutex_unlock(&out_lock);
	va_end(ap);
}

static void tb_exec(unsigned int vcpu, void *udata)
{
	struct vcpu *v = &vcpus[vcpu % MAX_VCPUS];

	if (v->halted) {
		v->halted = false;
		v->woke = true;
		v->handler = false;
		v->method = -1;
		v->irq = 0;
		v->wake = v->count;
	}
	v->count += (uintptr_t)udata;
}

static void marker(struct vcpu *v, unsigned int vcpu, unsigned int code, u64 at)
{
	int m;

	if (code == INSN_CHECK_BEGIN) {
		v->check_begin = at;
		v->check_open = true;
	} else if (code == INSN_CHECK_END && v->check_open) {
		v->check_open = false;
		emit("side=check vcpu=%u insns=%llu\n", vcpu,
		     (unsigned long long)(at - v->check_begin - 1));
	} else if (code >= INSN_SEND_BEGIN &&
		   code < INSN_SEND_BEGIN + INSN_MAX_METHODS) {
		m = code - INSN_SEND_BEGIN;
		v->send_begin = at;
		v->send_method = m;
		__atomic_store_n(&current_method, m, __ATOMIC_RELEASE);
	} else if (code >= INSN_SEND_END &&
		   code < INSN_SEND_END + INSN_MAX_METHODS) {
		m = code - INSN_SEND_END;
		if (v->send_method == m)
			emit("side=send vcpu=%u method=%d insns=%llu\n", vcpu,
			     m, (unsigned long long)(at - v->send_begin - 1));
		v->send_method = -1;
	} else if (code == INSN_HANDLER && v->woke && !v->handler) {
		v->handler = true;
		v->method = __atomic_load_n(&current_method, __ATOMIC_ACQUIRE);
	}
}

static void insn_exec(unsigned int vcpu, void *udata)
{
	struct vcpu *v = &vcpus[vcpu % MAX_VCPUS];
	u64 packed = (uintptr_t)udata;
	unsigned int kind = packed >> 48, code = (packed >> 32) & 0xff;
	unsigned int idx = (packed >> 16) & 0xffff, n = packed & 0xffff;
	/* Instructions this vCPU ran before this one. */
	u64 at = v->count - n + idx;

	switch (kind) {
	case KIND_MARKER:
		marker(v, vcpu, code, at);
		break;
	case KIND_IRET:
		if (v->woke && !v->irq)
			v->irq = at + 1 - v->wake;
		break;
	case KIND_HLT:
		if (v->woke && v->handler)
			emit("side=recv vcpu=%u method=%d insns=%llu irq=%llu\n",
			     vcpu, v->method,
			     (unsigned long long)(at - v->wake),
			     (unsigned long long)v->irq);
		else if (v->woke)
			v->idle_wakeups++;
		v->woke = false;
		v->halted = true;
		break;
	}
}

static unsigned int classify(const u8 *b, size_t size, unsigned int *code)
{
	if (size == 8 && b[0] == 0x0f && b[1] == 0x1f && b[2] == 0x84 &&
	    b[3] == 0x00 && b[5] == INSN_MARKER_SIG0 &&
	    b[6] == INSN_MARKER_SIG1 && b[7] == INSN_MARKER_SIG2) {
		*code = b[4];
		return KIND_MARKER;
	}
	if (size == 1 && b[0] == 0xf4)
		return KIND_HLT;
	if (size == 2 && b[0] == 0x48 && b[1] == 0xcf)
		return KIND_IRET;
	return 0;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct qemu_plugin_insn *insn;
	unsigned int kind, code;
	void *udata = (void *)(uintptr_t)n;
	u64 packed;

	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, NO_REGS, udata);
	for (i = 0; i < n && n <= 0xffff; i++) {
		insn = qemu_plugin_tb_get_insn(tb, i);
		code = 0;
		kind = classify(qemu_plugin_insn_data(insn),
				qemu_plugin_insn_size(insn), &code);
		if (!kind)
			continue;
		packed = (u64)kind << 48 | (u64)code << 32 | (u64)i << 16 | n;
		udata = (void *)(uintptr_t)packed;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec, NO_REGS,
						       udata);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	unsigned int i;

	for (i = 0; i < MAX_VCPUS; i++)
		if (vcpus[i].idle_wakeups)
			emit("side=idle vcpu=%u wakeups=%llu\n", i,
			     (unsigned long long)vcpus[i].idle_wakeups);
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *path = NULL;
	unsigned int i;
	int a;

	for (a = 0; a < argc; a++)
		if (!strncmp(argv[a], "out=", 4))
			path = argv[a] + 4;
	if (!path || strcmp(info->target_name, "x86_64")) {
		qemu_plugin_outs("insn_count: needs out=PATH, x86_64 guests\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out)
		return -1;
	for (i = 0; i < MAX_VCPUS; i++)
		vcpus[i].send_method = -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
