"""Paths and small helpers shared by train.py / export.py / evaluate.py."""

from __future__ import annotations

import glob
import json
import os

import torch

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TRAINING)
DATA_OUT = os.path.join(TRAINING, "data", "out")
RUNS = os.path.join(TRAINING, "runs")
BUNDLE = os.path.join(REPO, "public", "models", "emoji-vlm")
CATEGORIES_TS = os.path.join(TRAINING, "data", "categories.ts")


def split_dir(name: str, data_root: str | None = None) -> str:
    return os.path.join(data_root or DATA_OUT, name)


def split_ready(d: str) -> bool:
    return os.path.exists(os.path.join(d, "DONE")) and os.path.exists(os.path.join(d, "info.json"))


def set_threads(n: int | None = None):
    n = n or int(os.environ.get("HEADFLOW_THREADS", "2"))
    torch.set_num_threads(n)


def latest_checkpoint(run_dir: str) -> str | None:
    c = sorted(glob.glob(os.path.join(run_dir, "ckpt-*.pt")))
    return c[-1] if c else None


def latest_run(root: str = RUNS, prefix: str = "") -> str | None:
    runs = [d for d in glob.glob(os.path.join(root, prefix + "*")) if os.path.exists(os.path.join(d, "run.json"))]
    if not runs:
        return None
    return max(runs, key=lambda d: os.path.getmtime(os.path.join(d, "run.json")))


def write_json(path, obj, indent=1):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")
    os.replace(tmp, path)
