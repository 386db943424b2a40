#!/usr/bin/env python3
"""Tabulates the demo runs of bench/device-job.sh: each run's summary.json (what ran, counts, throughput, latency) and
its compare-results JSON against the CPU run, as a markdown table.

  python3 bench/summarize_job.py RUNS_DIR      # RUNS_DIR/<run>/summary.json, RUNS_DIR/<run>/compare-*.json
"""
import json
import pathlib
import sys


def fmt(v, spec="{:.1f}"):
    return "-" if v is None else spec.format(v)


def main():
    runs = pathlib.Path(sys.argv[1])
    rows, compares = [], []
    for d in sorted(p for p in runs.iterdir() if p.is_dir()):
        f = d / "summary.json"
        if not f.exists():
            rows.append(f"| {d.name} | (no summary: the run failed or timed out; see run.log) |" + " |" * 11)
            continue
        s = json.loads(f.read_text())
        run, counts, time, lat = s["run"], s["counts"], s["time"], s["latencyMs"]
        e2e, op = lat.get("endToEnd", {}), lat.get("operator", {})
        rows.append("| " + " | ".join([
            d.name, run["backend"], run["precision"], ",".join(map(str, run["devices"])), str(run["parallelism"]),
            f'{counts["results"]}/{counts["framesIn"]}', str(counts["deadLetters"]), str(counts["keyframes"]),
            fmt(time.get("wallSeconds")), fmt(time.get("resultsPerSecondSteady")),
            f'{fmt(e2e.get("p50"), "{:.0f}")} / {fmt(e2e.get("p95"), "{:.0f}")} / {fmt(e2e.get("p99"), "{:.0f}")}',
            f'{fmt(op.get("p50"))} / {fmt(op.get("p99"))}', s["ending"]]) + " |")
        for c in sorted(d.glob("compare-*.json")):
            j = json.loads(c.read_text())
            pct = lambda k: "-" if j.get(k) is None else f"{100 * j[k]:.2f}%"
            compares.append("| " + " | ".join([
                f'{d.name} vs {c.stem[len("compare-"):]}', str(j["pairs"]), str(j["onlyInA"] + j["onlyInB"]),
                f'{j["personsMatched"]}/{j["personsUnmatched"]}', pct("samePositionShare"), pct("within1pxShare"),
                pct("withinCellShare"), fmt(j.get("maxScoreDiff"), "{:.2g}"), fmt(j.get("meanScoreDiff"), "{:.2g}"),
                "ok" if j["ok"] else "FAILED: " + "; ".join(j["failures"])]) + " |")
    first = json.loads(next(runs.glob("*/summary.json")).read_text())["run"] if list(runs.glob("*/summary.json")) else {}
    if first:
        print(f'{first["cameras"]} cameras x {first["framesPerCamera"]} frames at {first["width"]}x{first["height"]}, '
              f'fps {first["fps"]}, thresholds {first.get("thresholdsFile", first.get("threshold"))}')
    print("\n| run | backend | precision | devices | parallelism | results/in | dead | keyframes | wall s "
          "| steady frames/s | end-to-end ms p50/p95/p99 | operator ms p50/p99 | ending |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if compares:
        print("\n| comparison | pairs | missing | skeletons matched/unmatched | same position | within 1 px "
              "| within 1 cell | max score diff | mean score diff | verdict |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(compares))
    print("\nsteady frames/s: results per second between the 10% and 90% arrivals; end-to-end: capture (camera replay)"
          " to the result read back from Kafka; operator: stats.latencyMs, the backend's time per frame")


if __name__ == "__main__":
    main()
