"""Where a checkpoint names the main object wrongly: object accuracy (and the vision stage's
category head, aux_cat) on a split, broken down by what each scene's record says about it
(object scale, rotation, background kind, number of distractors, style). Finds which scene
factors cap accuracy, to choose what the next training spends its time on.

    /usr/bin/python3 training/error_factors.py --ckpt training/runs/v2/ckpt-XXXXXXXX.pt \
        [--split heldout-dr] [--n 1000] [--out FILE]

Prints one JSON object (and with --out writes it). fp32 checkpoint, no export.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from export import load_model  # noqa: E402
from vlm.common import DATA_OUT, RUNS, set_threads, write_json  # noqa: E402
from vlm.data import Encoded, Split  # noqa: E402
from vlm.evaluate import evaluate  # noqa: E402

SCALE_BINS = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01]


def scene_factors(record: dict) -> dict:
    scale = record.get("scale")
    bins = SCALE_BINS
    at = next((i for i in range(len(bins) - 1) if scale is not None and bins[i] <= scale < bins[i + 1]), None)
    return {
        "scale": f"{bins[at]:.1f}-{min(bins[at + 1], 1.0):.1f}" if at is not None else "unknown",
        "rotation": "none" if abs(record.get("rotation", 0)) < 1 else "< 15 deg" if abs(record["rotation"]) < 15 else ">= 15 deg",
        "background": record.get("background", {}).get("kind", "unknown"),
        "distractors": str(len(record.get("distractors", []))),
        "style": record.get("style", "unknown"),
    }


def breakdown(rows: list[dict], correct: np.ndarray | None, aux_ok: np.ndarray | None) -> dict:
    out: dict = {}
    for factor in rows[0]:
        groups: dict = {}
        for i, row in enumerate(rows):
            groups.setdefault(row[factor], []).append(i)
        out[factor] = {
            value: {
                "n": len(ix),
                **({"object": round(float(correct[ix].mean()), 3)} if correct is not None else {}),
                **({"aux_cat": round(float(aux_ok[ix].mean()), 3)} if aux_ok is not None else {}),
            }
            for value, ix in sorted(groups.items())
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--split", default="heldout-dr")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--out")
    ap.add_argument("--vision-only", action="store_true", help="only the category head (for a run stopped after its vision stage, whose answers mean nothing yet)")
    a = ap.parse_args()
    set_threads()
    model, spec, tok, _ = load_model(a.ckpt, "base", None)
    split = Split(os.path.join(DATA_OUT, a.split), spec, os.path.join(RUNS, "cache"))
    enc = Encoded(split, tok, model.cfg.n_img)
    n = min(a.n, split.n)
    jo = enc.qtypes.index("object")
    if a.vision_only:
        pred, correct = None, None
    else:
        _, pred = evaluate(model, split, enc, tok, n=n)
        correct = pred[:, jo] == enc.answer[:n, jo]
    aux_ok = None
    if hasattr(model, "aux_cat"):
        with torch.no_grad():
            aux = [model.aux_cat(model.vision(torch.from_numpy(split.pixels(np.arange(s, min(s + 64, n))))).mean(1)).argmax(-1).numpy() for s in range(0, n, 64)]
        aux_ok = np.concatenate(aux) == split.category[:n]
    with open(os.path.join(DATA_OUT, a.split, "scenes.jsonl")) as f:
        records = [json.loads(line) for _, line in zip(range(n), f)]
    wrong = [] if correct is None else [i for i in range(n) if not correct[i]]
    names_distractor = [int(pred[i, jo]) in {tok.ids.get(d["category"]) for d in records[i].get("distractors", [])} for i in wrong]
    result = {
        "command": " ".join(["/usr/bin/python3", "training/error_factors.py", *sys.argv[1:]]),
        "checkpoint": a.ckpt,
        "split": a.split,
        "n": n,
        "object": None if correct is None else round(float(correct.mean()), 3),
        "aux_cat": None if aux_ok is None else round(float(aux_ok.mean()), 3),
        "category_head_right_answer_wrong": None if aux_ok is None or correct is None else round(float((aux_ok & ~correct).mean()), 3),
        # Of the wrong object answers, the share naming one of the scene's distractors.
        "wrong_naming_a_distractor": round(float(np.mean(names_distractor)), 3) if wrong else None,
        "by": breakdown([scene_factors(r) for r in records], correct, aux_ok),
    }
    print(json.dumps(result, indent=1))
    if a.out:
        write_json(a.out, result)


if __name__ == "__main__":
    main()
