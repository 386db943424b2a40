#!/usr/bin/env python3
"""The PyTorch/cuDNN peer of `bin/cbinfer bench`: the same network, the same weights, timed dense.

Reads a graph exported by `bin/cbinfer bench --export DIR` (graph.json, weights.f32 and reference.json with
an input and the outputs our CPU backend computed for it), rebuilds it with torch.nn.functional ops, checks
its outputs against the reference, then times dense inference the way docs/anchors.md did: fp32 (TF32 off),
TF32, fp16 and fp16 channels-last; eager and captured in a CUDA graph; batch 1, 8 and 32; CUDA events,
median after warm-up, cudnn.benchmark on; joules per frame from the GPU's energy counter (NVML) over a window
of repeated calls in the last mode. Prints a table and writes the figures as JSON.

With --labels, each timed call also makes every output's label map on the GPU (argmax over channels, uint8) and
downloads it (.cpu(), after the graph's replay: no graph holds a copy to pageable memory), as `bin/cbinfer bench
--outputs labels` does: our figures include our transfers, so the peer's then include its download too. (Unlike
our LabelRule, torch.argmax lets NaN win; the peer's scores hold none.)

  python3 bench/peers/pytorch_dense.py --export DIR [--out peer.json] [--batches 1,8,32]
          [--precisions fp32,tf32,fp16,fp16cl] [--modes eager,graph] [--warmup 10] [--iters 50]
          [--energy-seconds 2] [--labels]
  python3 bench/peers/pytorch_dense.py --export DIR --numpy-check

The graph interpreter is shared by two backends: torch (the peer) and numpy in float64 (`--numpy-check`),
which needs no torch and no GPU, so the interpreter is tested where there is neither (the project's tests
run it against our CPU backend). Semantics mirror the Java ops: padding modes are resolved against the
actual input size as Padding.resolve does, pooling and resize index maps as AxisMap builds them.
"""
import argparse
import json
import math
import os
import statistics
import sys

import numpy as np


# ---------------------------------------------------------------- the export


class Export:
    """graph.json + weights.f32 (+ reference.json) of one exported graph."""

    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "graph.json")) as f:
            self.graph = json.load(f)
        if self.graph.get("format") != "cbinfer-graph" or self.graph.get("version") != 1:
            raise ValueError(f"{folder}/graph.json is not a version-1 cbinfer-graph export")
        self.weights = np.fromfile(os.path.join(folder, self.graph["weights"]), dtype="<f4")
        if self.weights.size != self.graph["weights_floats"]:
            raise ValueError(f"weights file holds {self.weights.size} floats, graph.json says {self.graph['weights_floats']}")
        self.nodes = self.graph["nodes"]
        self.inputs = [i["name"] for i in self.graph["inputs"]]
        self.outputs = self.graph["outputs"]

    def array(self, ref):
        n = int(np.prod(ref["shape"])) if ref["shape"] else 1
        return self.weights[ref["offset"]:ref["offset"] + n].reshape(ref["shape"])

    def constants(self):
        return {c["name"]: self.array(c) for c in self.graph["constants"]}

    def reference(self):
        """({input name: array}, {output name: array}) from reference.json."""
        with open(os.path.join(self.folder, "reference.json")) as f:
            ref = json.load(f)

        def load(entries):
            return {e["name"]: np.fromfile(os.path.join(self.folder, e["file"]), dtype="<f4").reshape(e["shape"])
                    for e in entries}

        return load(ref["inputs"]), load(ref["outputs"])


# ---------------------------------------------------------------- geometry (mirrors Window, Padding, Resize, AxisMap)


def resolve_pads(padding, axis, n, k, s, d):
    """Padding.resolve: (before, after) along axis 0 (height) or 1 (width)."""
    mode = padding["mode"]
    top, left, bottom, right = padding["pads"]
    if mode == "explicit":
        return (top, bottom) if axis == 0 else (left, right)
    if mode == "valid":
        return 0, 0
    effective = (k - 1) * d + 1
    out = (n + s - 1) // s
    total = max((out - 1) * s + effective - n, 0)
    small = total // 2
    return (small, total - small) if mode == "same_upper" else (total - small, small)


def window_axis(window, axis, n, ceil=False):
    """(out length, pads, kernel, stride, dilation) of a window along one axis (Window.outputLength)."""
    k, s, d = window["kernel"][axis], window["stride"][axis], window["dilation"][axis]
    pads = resolve_pads(window["padding"], axis, n, k, s, d)
    span = n + pads[0] + pads[1] - ((k - 1) * d + 1)
    if span < 0:
        raise ValueError(f"window {k} (dilation {d}) larger than padded input {n + pads[0] + pads[1]}")
    out = (span + s - 1) // s + 1 if ceil else span // s + 1
    if ceil and (out - 1) * s >= n + pads[0]:
        out -= 1
    return out, pads, k, s, d


def window_sources(window, axis, n, ceil=False):
    """AxisMap.window: [out, k] input indices, n where the tap lies in the padding; and the out length."""
    out, pads, k, s, d = window_axis(window, axis, n, ceil)
    i = np.arange(out)[:, None] * s - pads[0] + np.arange(k)[None, :] * d
    return np.where((i >= 0) & (i < n), i, n), out


def pool_divisors(node, axis, n):
    """PoolKernel.divisors: per output position, how many taps an average divides by."""
    window = node["window"]
    src, out = window_sources(window, axis, n, node["ceil_mode"])
    if not node["count_include_pad"]:
        return (src < n).sum(axis=1)
    _, pads, k, s, d = window_axis(window, axis, n, node["ceil_mode"])
    i = np.arange(out)[:, None] * s - pads[0] + np.arange(k)[None, :] * d
    return ((i >= -pads[0]) & (i < n + pads[1])).sum(axis=1)


def resize_length(node, axis, n):
    size, scale = node["size"][axis], node["scale"][axis]
    return size if size > 0 else int(math.floor(n * scale))


def resize_taps(node, axis, n):
    """AxisMap.resize: ([out, taps] source indices, [out, taps] weights) along one axis."""
    out = resize_length(node, axis, n)
    size, given = node["size"][axis], node["scale"][axis]
    s = out / n if size > 0 or given <= 0 else given
    o = np.arange(out, dtype=np.float64)
    mode = node["coordinates"]
    if mode == "half_pixel":
        x = (o + 0.5) / s - 0.5
    elif mode == "pytorch_half_pixel":
        x = (o + 0.5) / s - 0.5 if out > 1 else np.zeros(out)
    elif mode == "align_corners":
        resized = out if size > 0 else n * s
        x = np.zeros(out) if resized == 1 else o * (n - 1) / (resized - 1)
    elif mode == "asymmetric":
        x = o / s
    elif mode == "tf_half_pixel_for_nn":
        x = (o + 0.5) / s
    else:
        raise ValueError(f"resize coordinate mode {mode}")
    if node["mode"] == "nearest":
        rule = node["nearest"]
        if rule == "round_prefer_floor":
            i = np.where(x - np.floor(x) == 0.5, np.floor(x), np.floor(x + 0.5))
        elif rule == "round_prefer_ceil":
            i = np.floor(x + 0.5)
        elif rule == "floor":
            i = np.floor(x)
        else:
            i = np.ceil(x)
        i = np.clip(i, 0, n - 1).astype(np.int64)
        return i[:, None], np.ones((out, 1))
    x = np.clip(x, 0.0, n - 1)
    i0 = np.floor(x).astype(np.int64)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = (x - i0).astype(np.float32).astype(np.float64)  # the Java kernel keeps the weight in float
    return np.stack([i0, i1], axis=1), np.stack([1.0 - lam, lam], axis=1)


# ---------------------------------------------------------------- the interpreter


def run_graph(export, ops, inputs, params):
    """Evaluates the graph with an op backend; returns {output name: tensor}."""
    values = dict(params["constants"])
    values.update(inputs)
    for node in export.nodes:
        args = [values[i] for i in node["inputs"]]
        values[node["name"]] = ops.apply(node, args, params)
    return {o: values[o] for o in export.outputs}


def activation(act, x, lib):
    """A fused or standalone activation; lib is numpy or torch (same function names used)."""
    kind, a, b = act["kind"], act["alpha"], act["beta"]
    if kind == "identity":
        return x
    if kind == "relu":
        return lib.maximum(x, lib.zeros_like(x)) if lib is np else lib.relu(x)
    if kind == "clip":
        return lib.clip(x, a, b) if lib is np else lib.clamp(x, a, b)
    if kind == "leaky_relu":
        return lib.where(x >= 0, x, a * x)
    if kind == "sigmoid":
        return 1.0 / (1.0 + lib.exp(-x))
    if kind == "hard_sigmoid":
        y = a * x + b
        return lib.clip(y, 0.0, 1.0) if lib is np else lib.clamp(y, 0.0, 1.0)
    if kind == "tanh":
        return lib.tanh(x)
    raise ValueError(f"activation {kind}")


def binary(kind, a, b, lib):
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        return a / b
    if kind == "prelu":
        return lib.where(a >= 0, a, a * b)
    raise ValueError(f"binary op {kind}")


class NumpyOps:
    """float64 numpy: slow, exact enough to check our fp32 CPU backend and the interpreter itself."""

    def params(self, export):
        p = {"constants": {k: v.astype(np.float64) for k, v in export.constants().items()}}
        for node in export.nodes:
            for key in ("weight", "bias", "mul", "add"):
                if key in node:
                    p[(node["name"], key)] = export.array(node[key]).astype(np.float64)
        return p

    def apply(self, node, args, params):
        op, x = node["op"], args[0]
        if op == "conv":
            return self.conv(node, x, params)
        if op == "pool":
            return self.pool(node, x)
        if op == "global_average_pool":
            return x.mean(axis=(2, 3), keepdims=True)
        if op == "batch_norm":
            c = x.shape[1]
            return x * params[(node["name"], "mul")].reshape(1, c, 1, 1) + params[(node["name"], "add")].reshape(1, c, 1, 1)
        if op == "unary":
            return activation(node["activation"], x, np)
        if op == "binary":
            return binary(node["kind"], args[0], args[1], np)
        if op == "concat":
            return np.concatenate(args, axis=node["axis"])
        if op == "softmax":
            e = np.exp(x - x.max(axis=node["axis"], keepdims=True))
            return e / e.sum(axis=node["axis"], keepdims=True)
        if op == "resize":
            (ys, wy), (xs, wx) = resize_taps(node, 0, x.shape[2]), resize_taps(node, 1, x.shape[3])
            g = x[:, :, ys[:, :, None, None], xs[None, None, :, :]]  # N, C, Ho, ty, Wo, tx
            return np.einsum("ncyjxi,yj,xi->ncyx", g, wy, wx)
        if op == "pad":
            r = x.ndim
            pads = node["pads"]
            width = [(pads[a], pads[a + r]) for a in range(r)]
            if node["mode"] == "constant":
                return np.pad(x, width, mode="constant", constant_values=node["value"])
            return np.pad(x, width, mode="reflect" if node["mode"] == "reflect" else "edge")
        raise ValueError(f"node {node['name']}: op {op}")

    @staticmethod
    def gather_windows(x, window, fill, ceil=False):
        """[N, C, Ho, ky, Wo, kx] taps of every window; taps in the padding read `fill`."""
        n, c, h, w = x.shape
        ys, _ = window_sources(window, 0, h, ceil)
        xs, _ = window_sources(window, 1, w, ceil)
        padded = np.full((n, c, h + 1, w + 1), fill, dtype=x.dtype)
        padded[:, :, :h, :w] = x
        return padded[:, :, ys[:, :, None, None], xs[None, None, :, :]]

    def conv(self, node, x, params):
        weight = params[(node["name"], "weight")]
        g = node["groups"]
        cout, cin_g, kh, kw = weight.shape
        taps = self.gather_windows(x, node["window"], 0.0)  # N, C, Ho, ky, Wo, kx
        n, c, ho, _, wo, _ = taps.shape
        taps = taps.reshape(n, g, cin_g, ho, kh, wo, kw)
        w = weight.reshape(g, cout // g, cin_g, kh, kw)
        y = np.einsum("ngcyjxi,gocji->ngoyx", taps, w, optimize=True).reshape(n, cout, ho, wo)
        if (node["name"], "bias") in params:
            y = y + params[(node["name"], "bias")].reshape(1, cout, 1, 1)
        return activation(node["activation"], y, np)

    def pool(self, node, x):
        mx = node["kind"] == "max"
        taps = self.gather_windows(x, node["window"], -np.inf if mx else 0.0, node["ceil_mode"])
        if mx:
            return taps.max(axis=(3, 5))
        dy = pool_divisors(node, 0, x.shape[2])
        dx = pool_divisors(node, 1, x.shape[3])
        return taps.sum(axis=(3, 5)) / (dy[:, None] * dx[None, :])


class TorchOps:
    """torch.nn.functional on the GPU, in a given dtype and memory format; cuDNN picks the algorithms."""

    def __init__(self, torch, device, dtype, channels_last):
        self.torch, self.F = torch, torch.nn.functional
        self.device, self.dtype, self.channels_last = device, dtype, channels_last
        self.cache = {}

    def tensor(self, a):
        t = self.torch.from_numpy(np.ascontiguousarray(a)).to(self.device, self.dtype)
        if self.channels_last and t.dim() == 4:
            t = t.contiguous(memory_format=self.torch.channels_last)
        return t

    def params(self, export):
        p = {"constants": {k: self.tensor(v) for k, v in export.constants().items()}}
        for node in export.nodes:
            for key in ("weight", "bias", "mul", "add"):
                if key in node:
                    a = export.array(node[key])
                    if key in ("mul", "add"):
                        a = a.reshape(1, -1, 1, 1)
                    p[(node["name"], key)] = self.tensor(a)
        return p

    def apply(self, node, args, params):
        torch, F = self.torch, self.F
        op, x = node["op"], args[0]
        if op == "conv":
            return self.conv(node, x, params)
        if op == "pool":
            return self.pool(node, x)
        if op == "global_average_pool":
            return x.mean(dim=(2, 3), keepdim=True)
        if op == "batch_norm":
            return x * params[(node["name"], "mul")] + params[(node["name"], "add")]
        if op == "unary":
            return activation(node["activation"], x, torch)
        if op == "binary":
            return binary(node["kind"], args[0], args[1], torch)
        if op == "concat":
            return torch.cat(args, dim=node["axis"])
        if op == "softmax":
            return torch.softmax(x, dim=node["axis"])
        if op == "resize":
            return self.resize(node, x)
        if op == "pad":
            pads = node["pads"]
            r = x.dim()
            if pads[0] or pads[r]:
                raise ValueError(f"node {node['name']}: padding the batch axis")
            flat = []
            for a in reversed(range(1, r)):
                flat += [pads[a], pads[a + r]]
            mode = {"constant": "constant", "reflect": "reflect", "edge": "replicate"}[node["mode"]]
            if mode == "constant":
                return F.pad(x, flat, mode="constant", value=node["value"])
            if pads[1] or pads[1 + r]:
                raise ValueError(f"node {node['name']}: {mode} padding of the channel axis")
            return F.pad(x, flat[:4], mode=mode)
        raise ValueError(f"node {node['name']}: op {op}")

    def conv(self, node, x, params):
        w = params[(node["name"], "weight")]
        b = params.get((node["name"], "bias"))
        win = node["window"]
        k, s, d = win["kernel"], win["stride"], win["dilation"]
        py = resolve_pads(win["padding"], 0, x.shape[2], k[0], s[0], d[0])
        px = resolve_pads(win["padding"], 1, x.shape[3], k[1], s[1], d[1])
        if py[0] == py[1] and px[0] == px[1]:
            y = self.F.conv2d(x, w, b, tuple(s), (py[0], px[0]), tuple(d), node["groups"])
        else:  # asymmetric (SAME with stride 2): pad first, as a PyTorch port of a TF model does
            y = self.F.conv2d(self.F.pad(x, (px[0], px[1], py[0], py[1])), w, b, tuple(s), 0, tuple(d), node["groups"])
        return activation(node["activation"], y, self.torch)

    def pool(self, node, x):
        win = node["window"]
        k, s, d = win["kernel"], win["stride"], win["dilation"]
        py = resolve_pads(win["padding"], 0, x.shape[2], k[0], s[0], d[0])
        px = resolve_pads(win["padding"], 1, x.shape[3], k[1], s[1], d[1])
        simple = py[0] == py[1] and px[0] == px[1] and 2 * py[0] <= k[0] and 2 * px[0] <= k[1]
        if node["kind"] == "max" and simple:
            return self.F.max_pool2d(x, tuple(k), tuple(s), (py[0], px[0]), tuple(d), node["ceil_mode"])
        if node["kind"] == "avg" and simple and d == [1, 1]:
            return self.F.avg_pool2d(x, tuple(k), tuple(s), (py[0], px[0]), node["ceil_mode"], node["count_include_pad"])
        raise ValueError(f"node {node['name']}: pooling with asymmetric or large padding is not in the peer yet")

    def resize(self, node, x):
        key = (node["name"], x.shape[2], x.shape[3])
        if key not in self.cache:
            (ys, wy), (xs, wx) = resize_taps(node, 0, x.shape[2]), resize_taps(node, 1, x.shape[3])
            t = self.torch
            self.cache[key] = [t.from_numpy(a).to(self.device) for a in (ys, xs)] + \
                              [t.from_numpy(a).to(self.device, self.dtype) for a in (wy, wx)]
        ys, xs, wy, wx = self.cache[key]
        out = 0
        for j in range(ys.shape[1]):
            rows = x.index_select(2, ys[:, j])
            acc = 0
            for i in range(xs.shape[1]):
                acc = acc + rows.index_select(3, xs[:, i]) * wx[:, i].view(1, 1, 1, -1)
            out = out + acc * wy[:, j].view(1, 1, -1, 1)
        return out


# ---------------------------------------------------------------- checks


def compare(expected, actual):
    """max abs error, relative L2 error over all outputs, and per output."""
    per, num, den, worst = {}, 0.0, 0.0, 0.0
    for name, e in expected.items():
        a = np.asarray(actual[name], dtype=np.float64).reshape(e.shape)
        diff = a - e
        m = float(np.abs(diff).max()) if diff.size else 0.0
        n2, d2 = float((diff ** 2).sum()), float((e.astype(np.float64) ** 2).sum())
        per[name] = {"max_abs": m, "rel_l2": math.sqrt(n2 / d2) if d2 > 0 else math.sqrt(n2)}
        worst, num, den = max(worst, m), num + n2, den + d2
    return {"max_abs": worst, "rel_l2": math.sqrt(num / den) if den > 0 else math.sqrt(num), "outputs": per}


def conv_macs(export, input_shapes):
    """Dense multiply-accumulates of the convolutions for the given input shapes (as Conv2d.macs counts)."""
    shapes = {k: list(v) for k, v in input_shapes.items()}
    shapes.update({c["name"]: c["shape"] for c in export.graph["constants"]})
    total = 0
    for node in export.nodes:
        x = shapes[node["inputs"][0]]
        op = node["op"]
        if op == "conv":
            cout, cin_g, kh, kw = node["weight"]["shape"]
            ho = window_axis(node["window"], 0, x[2])[0]
            wo = window_axis(node["window"], 1, x[3])[0]
            total += x[0] * cout * ho * wo * cin_g * kh * kw
            shapes[node["name"]] = [x[0], cout, ho, wo]
        elif op == "pool":
            shapes[node["name"]] = [x[0], x[1], window_axis(node["window"], 0, x[2], node["ceil_mode"])[0],
                                    window_axis(node["window"], 1, x[3], node["ceil_mode"])[0]]
        elif op == "global_average_pool":
            shapes[node["name"]] = [x[0], x[1], 1, 1]
        elif op == "concat":
            ins = [shapes[i] for i in node["inputs"]]
            axis = node["axis"] % len(x)
            shapes[node["name"]] = [sum(s[axis] for s in ins) if a == axis else x[a] for a in range(len(x))]
        elif op == "resize":
            shapes[node["name"]] = [x[0], x[1], resize_length(node, 0, x[2]), resize_length(node, 1, x[3])]
        elif op == "pad":
            r = len(x)
            shapes[node["name"]] = [x[a] + node["pads"][a] + node["pads"][a + r] for a in range(r)]
        elif op == "binary":
            shapes[node["name"]] = list(np.broadcast_shapes(tuple(x), tuple(shapes[node["inputs"][1]])))
        else:
            shapes[node["name"]] = x
    return total


def numpy_check(export, tolerance):
    inputs, expected = export.reference()
    ops = NumpyOps()
    got = run_graph(export, ops, {k: v.astype(np.float64) for k, v in inputs.items()}, ops.params(export))
    err = compare(expected, got)
    shape = next(iter(inputs.values())).shape
    print(f"numpy float64 interpreter vs our CPU backend, input {list(shape)}, "
          f"{conv_macs(export, {k: v.shape for k, v in inputs.items()}) / 1e9:.3f} GMAC: "
          f"max abs {err['max_abs']:.3g}, rel L2 {err['rel_l2']:.3g}")
    for name, e in err["outputs"].items():
        print(f"  {name}: max abs {e['max_abs']:.3g}, rel L2 {e['rel_l2']:.3g}")
    ok = err["rel_l2"] <= tolerance
    print("numpy check " + ("PASSED" if ok else f"FAILED (rel L2 above {tolerance})"))
    return ok


# ---------------------------------------------------------------- the torch peer


PRECISIONS = {  # name: (dtype, channels_last, tf32)
    "fp32": ("float32", False, False),
    "tf32": ("float32", False, True),
    "fp16": ("float16", False, False),
    "fp16cl": ("float16", True, False),
}


def set_tf32(torch, on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on
    conv = getattr(torch.backends.cudnn, "conv", None)
    if conv is not None and hasattr(conv, "fp32_precision"):  # PyTorch >= 2.9 API
        conv.fp32_precision = "tf32" if on else "ieee"
        torch.backends.cuda.matmul.fp32_precision = "tf32" if on else "ieee"


def timed(torch, fn, warmup, iters):
    """Median and 90th percentile of one call, in ms, from CUDA events, after warm-up."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(math.ceil(0.9 * len(times))) - 1)]


class Nvml:
    """The GPU's energy counter (millijoules since the driver loaded) through the driver's libnvidia-ml."""

    def __init__(self, index=0):
        import ctypes
        self.ctypes = ctypes
        self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        self._check(self.lib.nvmlInit_v2(), "nvmlInit")
        self.handle = ctypes.c_void_p()
        self._check(self.lib.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(self.handle)), "nvmlDeviceGetHandleByIndex")
        self.millijoules()

    def _check(self, status, what):
        if status != 0:
            raise RuntimeError(f"{what} failed: NVML {status}")

    def millijoules(self):
        v = self.ctypes.c_ulonglong()
        self._check(self.lib.nvmlDeviceGetTotalEnergyConsumption(self.handle, self.ctypes.byref(v)),
                    "nvmlDeviceGetTotalEnergyConsumption")
        return v.value


def energy(torch, fn, batch, nvml, seconds):
    """Joules per frame, mean watts and the window's seconds: fn repeated for `seconds`, the board's counter read
    around it (the same way `bin/cbinfer bench` measures ours)."""
    import time
    torch.cuda.synchronize()
    e0, t0, calls = nvml.millijoules(), time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        for _ in range(10):
            fn()
        calls += 10
        torch.cuda.synchronize()
    mj, s = nvml.millijoules() - e0, time.perf_counter() - t0
    return mj / 1000.0 / (calls * batch), mj / 1000.0 / s, s


def peer(export, args):
    import torch
    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    inputs, expected = export.reference()
    if len(inputs) != 1:
        raise ValueError("the peer times single-input graphs")
    name, x0 = next(iter(inputs.items()))
    result = {
        "device": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(), "export": os.path.abspath(export.folder),
        "input": list(x0.shape), "gmac_per_frame": conv_macs(export, {name: x0.shape}) / 1e9,
        "warmup": args.warmup, "iters": args.iters, "labels": args.labels, "checks": {}, "timings": [],
    }
    print(f"{result['device']}, torch {result['torch']}, CUDA {result['cuda']}, cuDNN {result['cudnn']}; "
          f"input {list(x0.shape)}, {result['gmac_per_frame']:.2f} GMAC/frame")
    failed = False
    nvml = None
    if args.energy_seconds > 0:
        try:
            nvml = Nvml()
        except (OSError, RuntimeError) as e:
            print(f"no energy figures: {e}")
    with torch.no_grad():
        for prec in args.precisions:
            dtype_name, cl, tf32 = PRECISIONS[prec]
            set_tf32(torch, tf32)
            ops = TorchOps(torch, device, getattr(torch, dtype_name), cl)
            params = ops.params(export)

            def scores(x):
                return run_graph(export, ops, {name: x}, params)

            def labels(x):
                return {k: v.argmax(dim=1).to(torch.uint8) for k, v in scores(x).items()}

            forward = labels if args.labels else scores
            got = scores(ops.tensor(x0))
            err = compare(expected, {k: v.float().cpu().numpy() for k, v in got.items()})
            result["checks"][prec] = {"max_abs": err["max_abs"], "rel_l2": err["rel_l2"]}
            limit = {"fp32": 1e-4, "tf32": 1e-2, "fp16": 5e-2, "fp16cl": 5e-2}[prec]
            bad = not err["rel_l2"] <= limit
            failed |= bad
            mismatch = ""
            if args.labels:
                got_labels = {k: v.cpu().numpy() for k, v in labels(ops.tensor(x0)).items()}
                pct = label_mismatch_pct(expected, got_labels)
                result["checks"][prec]["label_mismatch_pct"] = pct
                mismatch = f", labels {pct:.3g}% off our CPU's"
            print(f"check {prec:6s}: max abs {err['max_abs']:.3g}, rel L2 {err['rel_l2']:.3g}{mismatch}"
                  + (f"  FAILED (limit {limit})" if bad else ""))
            for batch in args.batches:
                xb = ops.tensor(np.repeat(x0, batch, axis=0))
                for mode in args.modes:
                    try:
                        fn = forward_fn(torch, forward, xb, mode, args.labels)
                        med, p90 = timed(torch, fn, args.warmup, args.iters)
                    except RuntimeError as e:  # e.g. out of memory at a large batch: report, go on
                        print(f"  {prec} {mode} batch {batch}: {e}".splitlines()[0])
                        torch.cuda.empty_cache()
                        continue
                    row = {"precision": prec, "mode": mode, "batch": batch, "ms_median": med, "ms_p90": p90,
                           "ms_per_frame": med / batch, "frames_per_s": 1000.0 * batch / med}
                    joules = ""
                    if nvml is not None and mode == args.modes[-1]:
                        jpf, watts, window = energy(torch, fn, batch, nvml, args.energy_seconds)
                        row.update({"joules_per_frame": jpf, "mean_watts": watts, "energy_window_s": window})
                        joules = f", {jpf * 1000:.2f} mJ/frame ({watts:.0f} W over {window:.2f} s)"
                    result["timings"].append(row)
                    print(f"  {prec:6s} {mode:5s} batch {batch:3d}: {med:8.3f} ms (p90 {p90:.3f}), "
                          f"{med / batch:.4f} ms/frame, {row['frames_per_s']:.0f} frames/s{joules}")
                    del fn
                del xb
                torch.cuda.empty_cache()
    result["best"] = best_configs(result["timings"])
    print_table(result)
    return result, failed


def forward_fn(torch, forward, x, mode, download):
    """A call of forward on x, eager or a CUDA graph's replay; with download, its results then go to the host."""
    if mode == "eager":
        run = lambda: forward(x)
    else:
        static = x.clone()
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(3):  # cudnn.benchmark picks its algorithms before capture
                forward(static)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            out = forward(static)

        def run():
            graph.replay()
            return out
    if not download:
        return run
    return lambda: {k: v.cpu() for k, v in run().items()}


def label_mismatch_pct(expected, labels):
    """Percent of pixels whose label differs from the argmax of our CPU's scores (ties: the lower channel, as ours)."""
    differ = total = 0
    for k, e in expected.items():
        want = np.argmax(e, axis=1)
        differ += int((want != labels[k].reshape(want.shape)).sum())
        total += want.size
    return 100.0 * differ / total if total else 0.0


def best_configs(timings):
    """Per precision: the fastest batch-1 configuration (ms/frame) and the highest frames/s at any batch."""
    best = {}
    for row in timings:
        b = best.setdefault(row["precision"], {})
        if row["batch"] == 1 and ("batch1_ms" not in b or row["ms_per_frame"] < b["batch1_ms"]):
            b["batch1_ms"], b["batch1_mode"] = row["ms_per_frame"], row["mode"]
        if "frames_per_s" not in b or row["frames_per_s"] > b["frames_per_s"]:
            b["frames_per_s"], b["frames_per_s_config"] = row["frames_per_s"], f"{row['mode']} batch {row['batch']}"
    return best


def print_table(result):
    cols = sorted({(r["batch"], r["mode"]) for r in result["timings"]})
    print("\nms per frame (frames/s) | " + " | ".join(f"b{b} {m}" for b, m in cols))
    for prec in dict.fromkeys(r["precision"] for r in result["timings"]):
        cells = []
        for b, m in cols:
            row = next((r for r in result["timings"] if r["precision"] == prec and r["batch"] == b and r["mode"] == m), None)
            cells.append("-" if row is None else f"{row['ms_per_frame']:.3f} ({row['frames_per_s']:.0f})")
        print(f"{prec:23s} | " + " | ".join(cells))


def csv_list(kind):
    return lambda s: [kind(v) for v in s.split(",") if v]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--export", required=True, help="folder written by bin/cbinfer bench --export")
    p.add_argument("--numpy-check", action="store_true", help="run the numpy float64 interpreter against the reference and exit")
    p.add_argument("--tolerance", type=float, default=1e-4, help="relative L2 error the numpy check allows")
    p.add_argument("--out", help="write the figures here as JSON")
    p.add_argument("--batches", type=csv_list(int), default=[1, 8, 32])
    p.add_argument("--precisions", type=csv_list(str), default=list(PRECISIONS))
    p.add_argument("--modes", type=csv_list(str), default=["eager", "graph"])
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--iters", type=int, default=50)
    p.add_argument("--labels", action="store_true",
                   help="time each output's label map (argmax, uint8) and its download to the host with the network")
    p.add_argument("--energy-seconds", type=float, default=2.0,
                   help="joules per frame over this long a window of the last --modes mode (0: none; NVML)")
    args = p.parse_args(argv)
    for prec in args.precisions:
        if prec not in PRECISIONS:
            p.error(f"unknown precision {prec} (known: {', '.join(PRECISIONS)})")
    for mode in args.modes:
        if mode not in ("eager", "graph"):
            p.error(f"unknown mode {mode} (eager, graph)")
    export = Export(args.export)
    if args.numpy_check:
        return 0 if numpy_check(export, args.tolerance) else 1
    result, failed = peer(export, args)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
