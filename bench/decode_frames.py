#!/usr/bin/env python3
"""Decodes a video into raw RGB24 frames at one size, back to back from frame 0, for `bin/cbinfer bench --video
FILE.rgb` where the JVM has no FFmpeg (the GPU machine: its Python has OpenCV).

  python3 bench/decode_frames.py --video vtest.avi --size 1040x776 [--frames N] --out /tmp/vtest_1040x776.rgb
"""
import argparse
import sys

import cv2


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--video", required=True)
    p.add_argument("--size", required=True, help="WIDTHxHEIGHT")
    p.add_argument("--frames", type=int, default=0, help="at most this many frames (0: all)")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    w, h = (int(v) for v in a.size.lower().split("x"))
    cap = cv2.VideoCapture(a.video)
    if not cap.isOpened():
        sys.exit(f"cannot open {a.video}")
    n = 0
    with open(a.out, "wb") as f:
        while a.frames <= 0 or n < a.frames:
            ok, bgr = cap.read()
            if not ok:
                break
            if bgr.shape[1] != w or bgr.shape[0] != h:
                bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_LINEAR)
            f.write(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).tobytes())
            n += 1
    print(f"{a.video}: {n} frames at {w}x{h} to {a.out}")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())
