#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: build/bench/ (bench/run.sh's results) into tables
with the targets beside the measurements, vm.md and vm.json, and, when
matplotlib is there, PNG plots.

BENCH_BEFORE=DIR (a copy of an earlier build/bench) adds that run's
figures beside these, before | after.  A benchmark never fails: exit 0
unless there are no results at all."""
import collections
import glob
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "build", "bench")

# Issue 15's targets.
MIN_RT_RATIO = 1.3       # minimum single round trip / raw async call
FANOUT_RATIO = 1.1       # fan-out median / smp_call_function_many
ADDED_INSNS = 150        # cxipi's guest instructions per round trip
RESERVE_DESTROY_MS = 2.0  # reserve + destroy per operation

SINGLE = ("single_cxipi", "single_smp_call_async", "single_smp_call_sync",
          "single_smp_call_async_irq_flow")
FANOUT = ("fanout_cxipi", "fanout_smp_call_many", "fanout_on_each_cpu_mask")
LINK = ("link_round_trip", "link_same_kernel")


def parse(path):
    rows = []
    for line in open(path):
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        if "test" in fields:
            rows.append({k: (int(v) if v.isdigit() else v)
                         for k, v in fields.items()})
    return rows


def by_test(rows, test, **match):
    for r in rows:
        if r["test"] == test and all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def smp_of(path):
    return int(re.search(r"smp(\d+)", path).group(1))


def stats(values):
    """n, min, median, mode (the most frequent exact value; the smaller on
    a tie) and the share of samples at the mode."""
    if not values:
        return None
    v = sorted(values)
    count = collections.Counter(v)
    mode = min(count, key=lambda x: (-count[x], x))
    return {"n": len(v), "min": v[0], "median": v[len(v) // 2],
            "mode": mode, "mode_share": round(count[mode] / len(v), 3)}


def load_insn(txt, raw):
    """One counting VM: the module's names and expectations, the plugin's
    samples."""
    rows = parse(txt) if os.path.exists(txt) else []
    names = {r["id"]: r["name"] for r in rows if r["test"] == "insn_method"}
    res = {"send": {}, "recv": {}, "recv_irq": {}, "recv_cpus": {},
           "idle_wakeups": 0, "check": [], "check_expect": None}
    chk = by_test(rows, "insn_check")
    if chk:
        res["check_expect"] = ([int(x) for x in str(chk["expect"]).split(",")]
                               * chk["times"])
    if not os.path.exists(raw):
        return None
    for line in open(raw):
        f = dict(re.findall(r"(\w+)=(-?\d+)", line))
        side = re.match(r"side=(\w+)", line).group(1)
        if side == "check":
            res["check"].append(int(f["insns"]))
        elif side == "idle":
            res["idle_wakeups"] += int(f["wakeups"])
        elif side in ("send", "recv"):
            name = names.get(int(f["method"]))
            if name is None:
                continue
            res[side].setdefault(name, []).append(int(f["insns"]))
            if side == "recv":
                res["recv_irq"].setdefault(name, []).append(int(f["irq"]))
                res["recv_cpus"].setdefault(name, set()).add(int(f["vcpu"]))
    return res


def load(d):
    """Everything of one result set (a build/bench directory)."""
    res = {"timing": {}, "machine": {}, "insn": {}, "link": {}}
    for path in sorted(glob.glob(os.path.join(d, "vm-smp*.txt"))):
        res["timing"][smp_of(path)] = parse(path)
    for path in sorted(glob.glob(os.path.join(d, "link-smp*.txt"))):
        res["link"][smp_of(path)] = parse(path)
    for path in glob.glob(os.path.join(d, "machine-*-smp*.txt")):
        job = re.search(r"machine-(.*)-smp", path).group(1)
        kv = dict(line.rstrip("\n").split("=", 1)
                  for line in open(path) if "=" in line)
        res["machine"][(job, smp_of(path))] = kv
    for path in sorted(glob.glob(os.path.join(d, "insn-smp*.raw"))):
        smp = smp_of(path)
        r = load_insn(path[:-4] + ".txt", path)
        if r:
            res["insn"][smp] = r
    return res


def per_round_trip(insn, ours, raw):
    """Added instructions of @ours over @raw, per target CPU: the sender's
    mode plus each target's receiving mode, counted once per target."""
    def total(name):
        send = stats(insn["send"].get(name, []))
        recv = stats(insn["recv"].get(name, []))
        if not send or not recv:
            return None, 0
        targets = len(insn["recv_cpus"][name])
        return send["mode"] + targets * recv["mode"], targets
    a, n = total(ours)
    b, m = total(raw)
    if a is None or b is None or n != m:
        return None
    return {"ours": a, "raw": b, "targets": n,
            "added_per_target": round((a - b) / n, 1)}


def targets(res):
    """The targets' rows: (measurement, value, ratio or None, target text,
    met, where)."""
    out = []
    t = res["timing"]
    if 2 in t or t:
        smp = 2 if 2 in t else min(t)
        ours = by_test(t[smp], "single_cxipi")
        raw = by_test(t[smp], "single_smp_call_async")
        if ours and raw:
            r = ours["min_ns"] / raw["min_ns"]
            out.append(("min single round trip, cxipi / raw async",
                        f"{ours['min_ns']} / {raw['min_ns']} ns", r,
                        f"<= {MIN_RT_RATIO}x", r <= MIN_RT_RATIO,
                        f"timing VM -smp {smp}"))
    for smp in sorted(t):
        ours = by_test(t[smp], "fanout_cxipi")
        raw = by_test(t[smp], "fanout_smp_call_many")
        if ours and raw:
            r = ours["median_ns"] / raw["median_ns"]
            n = ours["cpus"] - 1
            out.append((f"fan-out median to {n} CPU{'s' if n > 1 else ''}, "
                        "cxipi / "
                        "smp_call_function_many",
                        f"{ours['median_ns']} / {raw['median_ns']} ns", r,
                        f"<= {FANOUT_RATIO}x", r <= FANOUT_RATIO,
                        f"timing VM -smp {smp}"
                        + (" (oversubscribed)" if oversubscribed(res, "bench", smp)
                           else "")))
    for smp, insn in sorted(res["insn"].items()):
        for ours, raw, what in (("single_cxipi", "single_smp_call_async",
                                 "single round trip"),
                                ("fanout_cxipi", "fanout_smp_call_many",
                                 "fan-out, per target CPU")):
            a = per_round_trip(insn, ours, raw)
            if a:
                out.append((f"added guest instructions, {what} "
                            f"({a['targets']} target{'s' if a['targets'] > 1 else ''})",
                            f"{a['ours']} - {a['raw']}"
                            + (f" over {a['targets']}" if a['targets'] > 1 else "")
                            + f" = {a['added_per_target']:g}", None,
                            f"<= {ADDED_INSNS}",
                            a["added_per_target"] <= ADDED_INSNS,
                            f"counting VM -smp {smp}"))
            flow = per_round_trip(insn, "single_smp_call_async_irq_flow",
                                  raw) if ours == "single_cxipi" else None
            if a and flow:
                own = a["added_per_target"] - flow["added_per_target"]
                out.append(("  of which the kernel's irq flow for a "
                            "request_irq() handler (raw call + flow, "
                            "- raw call)",
                            f"{flow['added_per_target']:g}", None, "-", None,
                            f"counting VM -smp {smp}"))
                out.append(("  of which cxipi's own (cxipi - raw call + "
                            "flow)", f"{own:g}", None, "-", None,
                            f"counting VM -smp {smp}"))
    worst = None
    for smp, rows in t.items():
        for r in rows:
            if r["test"] == "reserve_destroy" and r["n"]:
                if not worst or r["per_op_ns"] > worst[0]["per_op_ns"]:
                    worst = (r, smp)
    if worst:
        r, smp = worst
        ms = r["per_op_ns"] / 1e6
        out.append(("reserve + destroy per operation, worst",
                    f"{ms:.2f} ms ({r['domain']}, {r['cpus']} CPUs)", None,
                    f"<= {RESERVE_DESTROY_MS} ms", ms <= RESERVE_DESTROY_MS,
                    f"timing VM -smp {smp}"))
    return out


def verdict(met):
    return "" if met is None else "meets" if met else "misses"


def oversubscribed(res, job, smp):
    m = res["machine"].get((job, smp))
    return bool(m) and smp > int(m.get("host_cores", smp))


def fmt_target(row):
    name, value, ratio, target, met, where = row
    return value + (f" ({ratio:.2f}x)" if ratio is not None else "")


def link_section(after, before):
    """The pair-bench VMs' round trips through the doorbell link, beside
    the same-kernel doorbell: Markdown lines and the JSON."""
    L, out = [], {}
    for smp, rows in sorted(after["link"].items()):
        brows = before["link"].get(smp) if before else None
        m = after["machine"].get(("pair-bench", smp), {})
        e = by_test(rows, "link") or {}
        cpu, to = e.get("link_cpu", "?"), e.get("target", "?")
        L.append("## Round trips through the doorbell link (two VMs, "
                 "ivshmem-doorbell)\n")
        L.append(f"The main VM (-smp {m.get('vcpus', smp)}) and a peer VM "
                 f"({m.get('peer_vcpus', '?')} vCPUs), cxipi in the "
                 "endpoint role, behind one ivshmem-doorbell device, on "
                 f"one {m.get('host_cores', '?')}-core host.  CPU "
                 f"{e.get('sender', '?')} sends on one cxipi-single "
                 f"reservation: link_round_trip to coprocessor CPU {cpu}, "
                 f"whose peer rings the same hwirq back at CPU {to} (its "
                 f"echo rule), link_same_kernel to CPU {to} itself.  "
                 "Methods in a new random order every round; a round trip "
                 f"ends when the handler has run on CPU {to}.")
        L.append("")
        head = "| method | min ns | median ns | p99 ns |"
        sep = "| --- | ---: | ---: | ---: |"
        if brows:
            head += " before: min | before: median |"
            sep += " ---: | ---: |"
        L.append(head)
        L.append(sep)
        res = {}
        for name in LINK:
            r = by_test(rows, name)
            if not r:
                continue
            res[name] = r
            line = (f"| {name} | {r['min_ns']} | {r['median_ns']} | "
                    f"{r['p99_ns']} |")
            if brows:
                b = by_test(brows, name)
                line += f" {b['min_ns']} | {b['median_ns']} |" if b else " | |"
            L.append(line)
        if len(res) == 2:
            a, b = (res[n] for n in LINK)
            ratio = {k: round(a[k] / b[k], 1) for k in
                     ("min_ns", "median_ns", "p99_ns")}
            res["ratio"] = ratio
            L.append(f"| link / same kernel | {ratio['min_ns']:g}x | "
                     f"{ratio['median_ns']:g}x | {ratio['p99_ns']:g}x |"
                     + (" | |" if brows else ""))
        if e:
            res["errors"] = e
            L.append("")
            L.append(f"Timed out (1 s): {e['timeouts_round_trip']} through "
                     f"the link, {e['timeouts_same_kernel']} in the same "
                     f"kernel; handler runs on a CPU other than {to}: "
                     f"{e['misplaced']}.")
        elif not res:
            L.append("")
            L.append("No results: the pair-bench VM failed (see its "
                     "console log).")
        L.append("")
        out[smp] = res
    return L, out


def main():
    after = load(OUT)
    if not after["timing"] and not after["insn"] and not after["link"]:
        sys.exit("no benchmark results in " + OUT)
    before_dir = os.environ.get("BENCH_BEFORE")
    before = load(before_dir) if before_dir else None
    if (before is not None and not before["timing"] and not before["insn"]
            and not before["link"]):
        print(f"# BENCH_BEFORE={before_dir}: no results there, ignored")
        before = None

    L = []
    L.append("## Targets\n")
    L.append("Issue 15's targets beside the measurements; a benchmark "
             "never fails the build.")
    if before:
        L.append(f"Before: `{before_dir}`; after: this run.")
    L.append("")
    rows = targets(after)
    if before:
        brows = {r[0]: r for r in targets(before)}
        L.append("| measurement | before | after | target | after meets? "
                 "| where |")
        L.append("| --- | --- | --- | --- | --- | --- |")
        for row in rows:
            b = brows.get(row[0])
            L.append(f"| {row[0]} | {fmt_target(b) if b else ''} | "
                     f"{fmt_target(row)} | {row[3]} | "
                     f"{verdict(row[4])} | {row[5]} |")
    else:
        L.append("| measurement | value | target | verdict | where |")
        L.append("| --- | --- | --- | --- | --- |")
        for row in rows:
            L.append(f"| {row[0]} | {fmt_target(row)} | {row[3]} | "
                     f"{verdict(row[4])} | {row[5]} |")
    L.append("")

    L.append("## The machine\n")
    L.append("| VM | vCPUs | host cores | oversubscribed | host load "
             "(1, 5, 15 min) start -> end | TCG threads | guest kernel | "
             "QEMU |")
    L.append("| --- | ---: | ---: | --- | --- | --- | --- | --- |")
    for (job, smp), m in sorted(after["machine"].items()):
        L.append(f"| {job} | {smp} | {m.get('host_cores')} | "
                 f"{'yes' if oversubscribed(after, job, smp) else 'no'} | "
                 f"{m.get('load_start')} -> {m.get('load_end')} | "
                 f"{m.get('tcg_threads')} | {m.get('guest_kernel')} | "
                 f"{m.get('qemu')} |")
    L.append("")
    L.append("Timing under TCG moves with host load and vCPU scheduling "
             "(medians are mostly vCPU wake-up time); the instruction "
             "counts do not.  VMs with more vCPUs than host cores time "
             "fan-out only coarsely.")
    L.append("")

    out = {"targets": [dict(zip(("measurement", "value", "ratio", "target",
                                 "met", "where"), r)) for r in rows],
           "machine": {f"{j}-smp{s}": m
                       for (j, s), m in after["machine"].items()},
           "runs": {}, "insn": {}}
    for smp, trows in sorted(after["timing"].items()):
        res = {}
        brows = before["timing"].get(smp) if before else None
        over = " (oversubscribed)" if oversubscribed(after, "bench", smp) else ""
        L.append(f"## Timing, VM with {smp} vCPUs{over}\n")
        L.append("Methods in a new random order every round.")
        L.append("")
        head = "| method | min ns | median ns | p99 ns | min / raw | median / raw |"
        sep = "| --- | ---: | ---: | ---: | ---: | ---: |"
        if brows:
            head += " before: min | before: median |"
            sep += " ---: | ---: |"
        L.append(head)
        L.append(sep)
        for group in (SINGLE, FANOUT):
            raw = by_test(trows, group[1])
            for name in group:
                r = by_test(trows, name)
                if not r:
                    continue
                res[name] = r
                line = (f"| {name} | {r['min_ns']} | {r['median_ns']} | "
                        f"{r['p99_ns']} | ")
                if raw and name != group[1]:
                    line += (f"{r['min_ns'] / raw['min_ns']:.2f} | "
                             f"{r['median_ns'] / raw['median_ns']:.2f} |")
                else:
                    line += " | |"
                if brows:
                    b = by_test(brows, name)
                    line += (f" {b['min_ns']} | {b['median_ns']} |" if b
                             else " | |")
                L.append(line)
        L.append("")
        L.append("| reserve + destroy | CPUs | per operation |"
                 + (" before |" if brows else ""))
        L.append("| --- | ---: | ---: |" + (" ---: |" if brows else ""))
        for r in trows:
            if r["test"] == "reserve_destroy":
                line = (f"| {r['domain']} | {r['cpus']} | "
                        f"{r['per_op_ns'] / 1e6:.2f} ms |")
                if brows:
                    b = by_test(brows, "reserve_destroy", domain=r["domain"],
                                cpus=r["cpus"])
                    line += f" {b['per_op_ns'] / 1e6:.2f} ms |" if b else " |"
                L.append(line)
                res.setdefault("reserve_destroy", []).append(r)
        c = by_test(trows, "coalescing")
        if c:
            L.append("")
            L.append(f"Coalescing: {c['raises']} raises to a masked "
                     f"doorbell gave {c['deliveries']} delivery "
                     f"(target 1: "
                     f"{'meets' if c['deliveries'] == 1 else 'misses'}).")
            res["coalescing"] = c
        mem = [r for r in trows if r["test"] == "memory"]
        if mem:
            L.append("")
            L.append("| targets | cxipi bytes per reservation | "
                     "kernel bytes for its virqs |")
            L.append("| ---: | ---: | ---: |")
            for r in mem:
                L.append(f"| {r['cpus']} | {r['cxipi_bytes']} | "
                         f"{r['kernel_bytes']} |")
            res["memory"] = mem
        L.append("")
        out["runs"][smp] = res

    for smp, insn in sorted(after["insn"].items()):
        binsn = before["insn"].get(smp) if before else None
        L.append(f"## Guest instructions, VM with {smp} vCPUs "
                 "(QEMU plugin bench/insn/insn_count.c)\n")
        exp, got = insn["check_expect"], insn["check"]
        ok = exp is not None and got == exp
        L.append(f"Planted check (a mov and 1000 dec/jnz; 1000 nops): "
                 f"expected {sorted(set(exp or []))} x{len(exp or []) // 2}, "
                 f"counted {sorted(collections.Counter(got).items())}: "
                 f"{'exact' if ok else 'WRONG: the counts below are not trustworthy'}.")
        nrecv = sum(len(v) for v in insn["recv"].values())
        L.append(f"Receiver: {nrecv} wake-ups from hlt in which the "
                 f"benchmark's handler ran (counted); "
                 f"{insn['idle_wakeups']} without it (ticks and other "
                 "noise, left out).")
        L.append("")
        L.append("send: from before the send call to after it returns, on "
                 "the sender.  receive: on a target, from its first "
                 "instruction out of hlt to its next hlt (interrupt entry, "
                 "handler, exit, idle loop); irq: the same from the wake "
                 "to the interrupt's iretq.  Mode is the exact count most "
                 "samples share (its share in brackets); outliers are "
                 "samples a timer tick or a reschedule joined.")
        L.append("")
        head = "| method | side | samples | min | median | mode |"
        sep = "| --- | --- | ---: | ---: | ---: | ---: |"
        if binsn:
            head += " before: mode |"
            sep += " ---: |"
        L.append(head)
        L.append(sep)
        res = {"check_expected": exp, "check_counted": got, "check_exact": ok,
               "idle_wakeups": insn["idle_wakeups"]}
        for name in SINGLE + FANOUT:
            for side, key in (("send", "send"), ("receive", "recv"),
                              ("receive irq", "recv_irq")):
                s = stats(insn[key].get(name, []))
                if not s:
                    continue
                res.setdefault(name, {})[key] = s
                line = (f"| {name} | {side} | {s['n']} | {s['min']} | "
                        f"{s['median']} | {s['mode']} "
                        f"({s['mode_share'] * 100:.0f}%) |")
                if binsn:
                    b = stats(binsn[key].get(name, []))
                    line += f" {b['mode']} |" if b else " |"
                L.append(line)
        for ours, raw in (SINGLE[:2], FANOUT[:2]):
            a = per_round_trip(insn, ours, raw)
            if a:
                res[ours + "_added"] = a
        L.append("")
        out["insn"][smp] = res

    lines, out["link"] = link_section(after, before)
    L += lines

    text = "\n".join(L)
    print(text)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "vm.json"), "w") as f:
        json.dump(out, f, indent=1)
    with open(os.path.join(OUT, "vm.md"), "w") as f:
        f.write(text + "\n")
    plot(after["timing"])
    plot_insn(after["insn"], before["insn"] if before else {})


def plot(runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("# no matplotlib: no plots")
        return
    if not runs:
        return
    first = min(runs)
    names = [n for n in SINGLE if by_test(runs[first], n)]
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, stat in enumerate(["min_ns", "median_ns", "p99_ns"]):
        vals = [by_test(runs[first], n)[stat] / 1000 for n in names]
        ax.bar([x + i * 0.27 for x in range(len(names))], vals, 0.27,
               label=stat.replace("_ns", ""))
    ax.set_xticks([x + 0.27 for x in range(len(names))])
    ax.set_xticklabels(names)
    ax.set_ylabel("round trip, µs")
    ax.set_yscale("log")
    ax.set_title(f"Single-CPU IPI round trip, VM with {first} vCPUs")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "latency.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for name in FANOUT:
        xs = [c for c in sorted(runs) if by_test(runs[c], name)]
        ys = [by_test(runs[c], name)["median_ns"] / 1000 for c in xs]
        ax.plot(xs, ys, marker="o", label=name)
    ax.set_xlabel("vCPUs in the VM")
    ax.set_ylabel("median fan-out to all others, µs")
    ax.set_title("Fan-out against vCPU count")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "fanout.png"))
    print(f"# plots: {OUT}/latency.png, {OUT}/fanout.png")


def plot_insn(after, before):
    """Guest instructions per single round trip, sender and receiver, for
    each method, after beside before (the smallest counting VM)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    if not after:
        return
    smp = min(after)
    sets = [("after", after[smp])]
    if smp in before:
        sets.insert(0, ("before", before[smp]))
    names = [n for n in SINGLE if stats(after[smp]["send"].get(n, []))]
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(sets)
    for i, (label, insn) in enumerate(sets):
        xs = [x + i * width for x in range(len(names))]
        send = [(stats(insn["send"].get(n, [])) or {"mode": 0})["mode"]
                for n in names]
        recv = [(stats(insn["recv_irq"].get(n, [])) or {"mode": 0})["mode"]
                for n in names]
        ax.bar(xs, send, width, label=f"{label}: sender")
        ax.bar(xs, recv, width, bottom=send,
               label=f"{label}: receiver (wake-up to iretq)")
    ax.set_xticks([x + width * (len(sets) - 1) / 2 for x in range(len(names))])
    ax.set_xticklabels([n.replace("single_", "") for n in names],
                       fontsize=8)
    ax.set_ylabel("guest instructions per round trip")
    ax.set_title(f"Single round trip, exact counts, VM with {smp} vCPUs")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "instructions.png"))
    print(f"# plot: {OUT}/instructions.png")


if __name__ == "__main__":
    main()
