#!/usr/bin/env python3
"""Summary table of one device run: peer-NAME.json (bench/peers/pytorch_dense.py) and ours-NAME-PREC.json
(`bin/cbinfer bench --out`) in a folder, per network: the peer's best configurations, our dense, and our
change-based runs against the best peer configuration at the same precision (fp16 against the better of
fp16 and fp16 channels-last).

  python3 bench/summarize.py RESULTS_DIR
"""
import glob
import json
import math
import os
import sys

PEER_PRECISIONS = {"fp32": ["fp32"], "tf32": ["tf32"], "fp16": ["fp16", "fp16cl"]}


def load(path):
    with open(path) as f:
        return json.load(f)


def peer_best(peer, precision):
    """(best batch-1 ms/frame, its config, best frames/s, its config) over the peer's matching precisions."""
    b1, fps = (math.inf, "-"), (0.0, "-")
    for p in PEER_PRECISIONS.get(precision, [precision]):
        best = peer.get("best", {}).get(p)
        if not best:
            continue
        if best.get("batch1_ms", math.inf) < b1[0]:
            b1 = (best["batch1_ms"], f"{p} {best['batch1_mode']}")
        if best.get("frames_per_s", 0) > fps[0]:
            fps = (best["frames_per_s"], f"{p} {best['frames_per_s_config']}")
    return b1, fps


def peer_energy(peer, precision):
    """(lowest joules per frame, its config) over the peer's matching precisions and batches."""
    best = (math.nan, "-")
    for row in peer.get("timings", []):
        j = row.get("joules_per_frame")
        if j is None or row["precision"] not in PEER_PRECISIONS.get(precision, [precision]):
            continue
        if not best[0] <= j:
            best = (j, f"{row['precision']} {row['mode']} batch {row['batch']}")
    return best


def mj(joules):
    return f"{joules * 1000:.2f}" if joules == joules else "-"


def summarize(folder):
    names = sorted({os.path.basename(f)[5:-5] for f in glob.glob(os.path.join(folder, "peer-*.json"))}
                   | {os.path.basename(f)[5:].rsplit("-", 1)[0] for f in glob.glob(os.path.join(folder, "ours-*.json"))})
    for name in names:
        peer_file = os.path.join(folder, f"peer-{name}.json")
        peer = load(peer_file) if os.path.exists(peer_file) else {}
        ours = {os.path.basename(f)[5:-5].rsplit("-", 1)[1]: load(f)
                for f in sorted(glob.glob(os.path.join(folder, f"ours-{name}-*.json")))}
        any_ours = next(iter(ours.values()), {})
        size = "x".join(str(v) for v in any_ours.get("size", peer.get("input", [])[:0]))
        gmac = any_ours.get("gmac_per_frame", peer.get("gmac_per_frame", float("nan")))
        print(f"\n## {name} {size} ({gmac:.2f} GMAC/frame)")
        if peer:
            print(f"peer {peer.get('device')}, torch {peer.get('torch')}, cuDNN {peer.get('cudnn')}; "
                  f"checks vs our CPU (rel L2): " + ", ".join(f"{k} {v['rel_l2']:.2g}" for k, v in peer.get("checks", {}).items()))
            print("| peer precision | batch 1 ms/frame (config) | best frames/s (config) | lowest mJ/frame (config) |"
                  "\n|---|---|---|---|")
            for p, best in peer.get("best", {}).items():
                j, jc = peer_energy(peer, p) if p in PEER_PRECISIONS else (math.nan, "-")
                if p not in PEER_PRECISIONS:
                    rows = [r for r in peer.get("timings", []) if r["precision"] == p and "joules_per_frame" in r]
                    if rows:
                        r = min(rows, key=lambda r: r["joules_per_frame"])
                        j, jc = r["joules_per_frame"], f"{r['mode']} batch {r['batch']}"
                print(f"| {p} | {best.get('batch1_ms', float('nan')):.3f} ({best.get('batch1_mode', '-')}) | "
                      f"{best.get('frames_per_s', 0):.0f} ({best.get('frames_per_s_config', '-')}) | {mj(j)} ({jc}) |")
        if not ours:
            continue
        print("| ours | dense b1 ms/frame | of it on the GPU | dense best frames/s | vs peer b1 | vs peer b1, GPU time "
              "| dense lowest mJ/frame |\n|---|---|---|---|---|---|---|")
        for prec, r in ours.items():
            dense = r.get("dense", [])
            b1 = next((d["ms_per_frame"] for d in dense if d["batch"] == 1), float("nan"))
            dev = next((d.get("device_ms_per_frame", float("nan")) for d in dense if d["batch"] == 1), float("nan"))
            fps = max((d["frames_per_s"] for d in dense), default=float("nan"))
            j = min((d["joules_per_frame"] for d in dense if "joules_per_frame" in d), default=float("nan"))
            (pb1, _), _ = peer_best(peer, prec)
            print(f"| {r.get('backend')} {prec} | {b1:.3f} | {dev:.3f} | {fps:.0f} | {pb1 / b1 if b1 == b1 else float('nan'):.2f}x | "
                  f"{pb1 / dev if dev == dev else float('nan'):.2f}x | {mj(j)} |")
        print("| ours change-based | threshold | fallback | cameras | ms/cam-frame | of it on the GPU | vs our dense b1 "
              "| speedup vs peer b1 | cam-frames/s | x peer frames/s | mJ/cam-frame | peer's lowest mJ/frame over ours "
              "| MAC ratio | task | rel L2 | MiB/camera |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for prec, r in ours.items():
            (pb1, pc1), (pfps, pcf) = peer_best(peer, prec)
            pj, _ = peer_energy(peer, prec)
            ours_b1 = next((d["ms_per_frame"] for d in r.get("dense", []) if d["batch"] == 1), float("nan"))
            for run in r.get("cb", []):
                th = run["thresholds"]["default"] if not run["thresholds"].get("layers") else "file"
                for c in run["runs"]:
                    err = c["error_vs_dense"]
                    task = next((f"{k.split('_pct')[0]} {v:.2f}%" for k, v in err.items() if k.endswith("_pct")), "-")
                    device = c.get("step_device_ms_median", float("nan")) / c["cameras"]
                    print(f"| {r.get('backend')} {prec} | {th} | {run.get('fallback', 'none')} | {c['cameras']} | {c['ms_per_camera_frame']:.4f} | "
                          f"{device:.4f} | {ours_b1 / c['ms_per_camera_frame']:.2f}x | {pb1 / c['ms_per_camera_frame']:.2f}x | {c['camera_frames_per_s']:.0f} | "
                          f"{c['camera_frames_per_s'] / pfps if pfps else float('nan'):.2f}x | {mj(c.get('joules_per_frame', math.nan))} | "
                          f"{pj / c.get('joules_per_frame', math.nan):.2f}x | {c['mac_ratio']:.2f} | {task} | "
                          f"{err.get('rel_l2', float('nan')):.3g} | {c['bytes_per_camera'] / 1048576:.1f} |")
        print(f"(peer reference: batch 1 {pc1 if ours else ''}; frames/s {pcf if ours else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(summarize(sys.argv[1] if len(sys.argv) > 1 else "."))
