#!/usr/bin/env python3
"""Where a frame's GPU time goes: reads Nsight Compute's raw CSV of a `bin/cbinfer bench` run (one metric,
gpu__time_duration.sum, every kernel profiled as its own node of the replayed CUDA graphs) and prints
  1. time per kernel name, per frame, over the frames after the warm-up;
  2. the frame's launch sequence (launch i of every frame averaged), the slowest launches first.
A frame starts at each launch of a kernel whose name starts with --frame-start (default load_: load_input or
load_rgb8), so the run must time one kind of frame (one --mode, one threshold, one camera count).

  ncu --graph-profiling node --metrics gpu__time_duration.sum -o /tmp/r java ... bench ...
  ncu -i /tmp/r.ncu-rep --csv --page raw > r.csv
  python3 bench/kernel_breakdown.py r.csv [--skip 3] [--top 25]
"""
import argparse
import csv
import statistics
import sys
from collections import defaultdict


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    name = header.index("Kernel Name")
    grid = header.index("Grid Size")
    block = header.index("Block Size")
    dur = header.index("gpu__time_duration.sum")
    unit = rows[1][dur]  # the second row holds units
    scale = {"ns": 1e-3, "nsecond": 1e-3, "us": 1.0, "usecond": 1.0, "ms": 1e3, "msecond": 1e3, "s": 1e6}[unit]
    out = []
    for r in rows[2:]:
        if len(r) <= dur or not r[dur]:
            continue
        out.append((r[name].split("(")[0], r[grid], r[block], float(r[dur].replace(",", "")) * scale))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("csv")
    p.add_argument("--frame-start", default="load_")
    p.add_argument("--skip", type=int, default=3, help="frames to leave out at the start (keyframe, warm-up)")
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args()
    launches = read(a.csv)
    frames, cur = [], None
    for k in launches:
        if k[0].startswith(a.frame_start):
            cur = []
            frames.append(cur)
        if cur is not None:
            cur.append(k)
    # the frame's launch sequence is fixed; frames of another length (a dense check pass) are left out
    lengths = defaultdict(int)
    for f in frames[a.skip:]:
        lengths[len(f)] += 1
    if not lengths:
        sys.exit(f"no frames after the first {a.skip} ({len(frames)} found, {len(launches)} launches)")
    length = max(lengths, key=lengths.get)
    kept = [f for f in frames[a.skip:] if len(f) == length]
    total = statistics.mean(sum(k[3] for k in f) for f in kept)
    print(f"{len(launches)} launches, {len(frames)} frames; {len(kept)} frames of {length} launches kept; "
          f"GPU time per frame {total:.1f} us (kernels only, serialised by the profiler)")
    by_name = defaultdict(float)
    for f in kept:
        for k in f:
            by_name[k[0]] += k[3] / len(kept)
    print("\nper kernel, per frame:")
    print(f"{'kernel':32} {'us':>10} {'share':>7}")
    for n, t in sorted(by_name.items(), key=lambda kv: -kv[1]):
        print(f"{n:32} {t:10.1f} {100 * t / total:6.1f}%")
    print(f"\nslowest launches of the frame (launch index, kernel, grid, block, mean us), top {a.top}:")
    means = [(i, kept[0][i][0], kept[0][i][1], kept[0][i][2], statistics.mean(f[i][3] for f in kept))
             for i in range(length)]
    for i, n, g, b, t in sorted(means, key=lambda m: -m[4])[:a.top]:
        print(f"{i:5d} {n:28} {g:>16} {b:>12} {t:10.1f}")
    print("\nthe whole sequence:")
    for i, n, g, b, t in means:
        print(f"{i:5d} {n:28} {g:>16} {b:>12} {t:10.1f}")


if __name__ == "__main__":
    main()
