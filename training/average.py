#!/usr/bin/env python3
"""Average the weights of several checkpoints of one run (stochastic weight averaging).

    /usr/bin/python3 training/average.py --out training/runs/main/averaged.pt CKPT [CKPT ...]
    /usr/bin/python3 training/average.py --out OUT --run main --from-step 12000

Checkpoints taken along the low-learning-rate tail of a run lie in one basin; their mean
usually generalises better than any one of them (Izmailov et al. 2018, "Averaging Weights
Leads to Wider Optima"). The model has no BatchNorm, so no statistics need recomputing.
train.py keeps only its newest two checkpoints: `--keep-from STEP` makes it keep every
checkpoint from STEP on under <run>/snapshots/, which `--from-step` reads.

The output has the checkpoint format measure.py and export.py read (optimizer state and
RNG state of the newest input, so it is not meant for resuming) and records the steps
averaged under "averaged_steps".
"""

from __future__ import annotations

import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from vlm.common import RUNS  # noqa: E402


def average_states(states: list[dict]) -> dict:
    """Element-wise mean of the float tensors of several model state dicts (others from the last)."""
    keys = states[-1].keys()
    for s in states:
        if s.keys() != keys:
            raise SystemExit("checkpoints have different parameters: not from one model")
    out = {}
    for k in keys:
        t = states[-1][k]
        if t.is_floating_point():
            acc = torch.zeros_like(t, dtype=torch.float64)
            for s in states:
                acc += s[k].to(torch.float64)
            out[k] = (acc / len(states)).to(t.dtype)
        else:
            out[k] = t.clone()
    return out


def snapshot_paths(runs_dir: str, run: str, from_step: int, to_step: int | None) -> list[str]:
    def step_of(p):
        return int(os.path.basename(p)[5:13])

    run_dir = os.path.join(runs_dir, run)
    ps = glob.glob(os.path.join(run_dir, "snapshots", "ckpt-*.pt")) + glob.glob(os.path.join(run_dir, "ckpt-*.pt"))
    # a checkpoint may exist both as a snapshot and in the run dir: keep one per step
    by_step = {step_of(p): p for p in ps}
    return [by_step[s] for s in sorted(by_step) if s >= from_step and (to_step is None or s <= to_step)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ckpts", nargs="*")
    ap.add_argument("--run", help="take the checkpoints from this run's snapshots/ (with --from-step)")
    ap.add_argument("--from-step", type=int, default=0)
    ap.add_argument("--to-step", type=int)
    ap.add_argument("--runs-dir", default=RUNS)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    paths = list(a.ckpts) or (snapshot_paths(a.runs_dir, a.run, a.from_step, a.to_step) if a.run else [])
    if len(paths) < 2:
        raise SystemExit(f"need at least two checkpoints to average, got {len(paths)}")
    sts = [torch.load(p, map_location="cpu") for p in paths]
    runs = {s.get("run") for s in sts}
    if len(runs) > 1:
        raise SystemExit(f"checkpoints come from different runs: {sorted(map(str, runs))}")
    sts.sort(key=lambda s: s["step"])
    out = dict(sts[-1])
    out["model"] = average_states([s["model"] for s in sts])
    out["averaged_steps"] = [s["step"] for s in sts]
    torch.save(out, a.out + ".tmp")
    os.replace(a.out + ".tmp", a.out)
    print(f"averaged {len(sts)} checkpoints (steps {sts[0]['step']}-{sts[-1]['step']}) -> {a.out}")


if __name__ == "__main__":
    main()
