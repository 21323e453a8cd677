#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the VM benchmark lines (build/bench/vm-smp<N>.txt) into a table
with the targets beside the measurements, a JSON file, and, when
matplotlib is there, PNG plots.  A benchmark never fails: exit 0 unless
the input is missing."""
import glob
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "build", "bench")
TARGET_RATIO = 1.10


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


def verdict(ratio):
    return "meets" if ratio <= TARGET_RATIO else "misses"


def main():
    runs = {}
    for path in sorted(glob.glob(os.path.join(OUT, "vm-smp*.txt"))):
        cpus = int(re.search(r"smp(\d+)", path).group(1))
        runs[cpus] = parse(path)
    if not runs:
        sys.exit("no benchmark results in " + OUT)

    lines = []
    out = {"runs": {}}
    for cpus, rows in sorted(runs.items()):
        res = {}
        lines.append(f"## VM with {cpus} CPUs (QEMU TCG)\n")
        lines.append("| measurement | min ns | median ns | p99 ns | "
                     "median / raw | target | verdict |")
        lines.append("| --- | ---: | ---: | ---: | ---: | --- | --- |")
        pairs = [("single_cxipi", "single_smp_call_async",
                  "single_smp_call_sync"),
                 ("fanout_cxipi", "fanout_smp_call_many",
                  "fanout_on_each_cpu_mask")]
        for ours, *raws in pairs:
            mine = by_test(rows, ours)
            if not mine:
                continue
            for name in [ours] + raws:
                r = by_test(rows, name)
                ratio = mine["median_ns"] / r["median_ns"]
                res[name] = r
                if name == ours:
                    lines.append(f"| {name} | {r['min_ns']} | "
                                 f"{r['median_ns']} | {r['p99_ns']} | | | |")
                else:
                    lines.append(
                        f"| {name} | {r['min_ns']} | {r['median_ns']} | "
                        f"{r['p99_ns']} | {ratio:.2f} | <= {TARGET_RATIO} "
                        f"| {verdict(ratio)} |")
                    res[ours + "_vs_" + name] = round(ratio, 3)
        lines.append("")
        lines.append("| reserve + destroy | CPUs | per operation |")
        lines.append("| --- | ---: | ---: |")
        for r in rows:
            if r["test"] == "reserve_destroy":
                lines.append(f"| {r['domain']} | {r['cpus']} | "
                             f"{r['per_op_ns'] / 1e6:.2f} ms |")
                res.setdefault("reserve_destroy", []).append(r)
        c = by_test(rows, "coalescing")
        if c:
            lines.append("")
            lines.append(f"Coalescing: {c['raises']} raises to a masked "
                         f"doorbell gave {c['deliveries']} delivery "
                         f"(target 1: "
                         f"{'meets' if c['deliveries'] == 1 else 'misses'}).")
            res["coalescing"] = c
        mem = [r for r in rows if r["test"] == "memory"]
        if mem:
            lines.append("")
            lines.append("| targets | cxipi bytes per reservation | "
                         "kernel bytes for its virqs |")
            lines.append("| ---: | ---: | ---: |")
            for r in mem:
                lines.append(f"| {r['cpus']} | {r['cxipi_bytes']} | "
                             f"{r['kernel_bytes']} |")
            res["memory"] = mem
        lines.append("")
        out["runs"][cpus] = res

    text = "\n".join(lines)
    print(text)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "vm.json"), "w") as f:
        json.dump(out, f, indent=1)
    with open(os.path.join(OUT, "vm.md"), "w") as f:
        f.write(text + "\n")
    plot(runs)


def plot(runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("# no matplotlib: no plots")
        return
    last = max(runs)
    names = ["single_cxipi", "single_smp_call_async", "single_smp_call_sync"]
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, stat in enumerate(["min_ns", "median_ns", "p99_ns"]):
        vals = [by_test(runs[last], n)[stat] / 1000 for n in names]
        ax.bar([x + i * 0.27 for x in range(len(names))], vals, 0.27,
               label=stat.replace("_ns", ""))
    ax.set_xticks([x + 0.27 for x in range(len(names))])
    ax.set_xticklabels(["cxipi ipi_send_single", "smp_call async",
                        "smp_call sync"])
    ax.set_ylabel("round trip, µs")
    ax.set_yscale("log")
    ax.set_title(f"Single-CPU IPI round trip, VM with {last} CPUs")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "latency.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, label in [("fanout_cxipi", "cxipi ipi_send_mask"),
                        ("fanout_smp_call_many", "smp_call_function_many"),
                        ("fanout_on_each_cpu_mask", "on_each_cpu_mask")]:
        xs = sorted(runs)
        ys = [by_test(runs[c], name)["median_ns"] / 1000 for c in xs]
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_xlabel("CPUs in the VM")
    ax.set_ylabel("median fan-out to all others, µs")
    ax.set_title("Fan-out against CPU count")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "fanout.png"))
    print(f"# plots: {OUT}/latency.png, {OUT}/fanout.png")


if __name__ == "__main__":
    main()
