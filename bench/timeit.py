#!/usr/bin/env python3
"""Median wall time of a shell command: timeit.py REPS CMD [WARMUP=1|0] (one warm-up run first unless 0).
Prints `median min max` in seconds. Used when hyperfine is not installed."""
import statistics, subprocess, sys, time
reps, cmd = int(sys.argv[1]), sys.argv[2]
if len(sys.argv) < 4 or sys.argv[3] != "0":
    subprocess.run(cmd, shell=True, executable="/bin/bash", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(reps):
    t = time.perf_counter()
    subprocess.run(cmd, shell=True, executable="/bin/bash", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
print(f"{statistics.median(times):.4f} {min(times):.4f} {max(times):.4f}")
