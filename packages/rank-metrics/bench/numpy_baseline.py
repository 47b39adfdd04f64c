"""numpy baseline for bench/run.mjs: the same algorithm as @verl-ts/rank-metrics
(float64, mean-shifted rows, incremental window Gram matrices, LAPACK eigvalsh).
Usage: numpy_baseline.py <float32 file> T D <task> <stride> <maxTokens> <reps>
task: dynamics | er. Prints one JSON line {"ms": [...], "cpu": [...], "value": ...}
(wall and process CPU milliseconds per run)."""
import json
import sys
import time

import numpy as np

EPS = 1e-8


def er_from_eig(eig):
    s = np.sqrt(np.maximum(eig, 0.0))
    p = s / (s.sum() + EPS)
    return float(np.exp(-(p * np.log(p + EPS)).sum()))


def rank_dynamics(h, stride, max_tokens):
    x = h[-max_tokens:].astype(np.float64)
    T, D = x.shape
    x = x - x.mean(axis=0, keepdims=True)
    if T < 2 * stride:
        return 0.0, 0.0
    U = np.zeros((0, 0))
    cov = None
    done = 0
    ranks, vel, acc = [], [], []
    for t in range(stride, T, stride):
        k = t + 1
        if k <= D:
            new = x[done:k]
            c12 = x[:done] @ new.T
            U = np.block([[U, c12], [c12.T, new @ new.T]])
            done = k
            r = U.sum(axis=1) / k
            G = U - r[:, None] - r[None, :] + r.sum() / k
        else:
            w = x[:k]
            s = w.sum(axis=0)
            G = w.T @ w - np.outer(s, s) / k
        m = er_from_eig(np.linalg.eigvalsh(G))
        if ranks:
            d = m - sum(ranks) / len(ranks)
            if vel:
                acc.append(d - vel[-1])
            vel.append(d)
        ranks.append(m)
    return float(np.mean(vel)) if vel else 0.0, float(np.mean(acc)) if acc else 0.0


def effective_rank(h):
    x = h.astype(np.float64)
    x = x - x.mean(axis=0, keepdims=True)
    G = x @ x.T if x.shape[0] <= x.shape[1] else x.T @ x
    return er_from_eig(np.linalg.eigvalsh(G))


def main():
    path, T, D, task, stride, max_tokens, reps = sys.argv[1:8]
    T, D, stride, max_tokens, reps = int(T), int(D), int(stride), int(max_tokens), int(reps)
    h = np.fromfile(path, dtype=np.float32).reshape(T, D)
    run = (lambda: rank_dynamics(h, stride, max_tokens)) if task == "dynamics" else (lambda: effective_rank(h))
    value = run()  # warm-up
    ms, cpu = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        value = run()
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    print(json.dumps({"ms": ms, "cpu": cpu, "value": value, "numpy": np.__version__}))


main()
