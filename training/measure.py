#!/usr/bin/env python3
"""Measure a checkpoint the way the model card reports it, and (optionally) write the card.

    /usr/bin/python3 training/measure.py [--ckpt PATH] [--n 2000] [--card]

- accuracy per question type and, for the main-object question, per style, on the first
  --n held-out scenes (seed 2), for the fp32 model and for the int8-weight model that is
  shipped (PyTorch module with exactly the dequantised weights; parity.json ties it to the
  ONNX graphs);
- quantised vs fp32: top-1 agreement of the answer token and the largest absolute
  difference of any answer-position logit;
- the out-of-style splits (ood-*), the robustness set (training/robust/) and heldout-dr
  (its scenes 0-1999: 2000-2499 chose the recipe's checkpoints) if they exist;
- --card: runs `node training/parity_check.mjs` on the bundle and renders
  public/models/emoji-vlm/README.md from these numbers (training/card.py).
Writes the numbers to training/runs/<run>/measure-<step>.json.
"""

from __future__ import annotations

import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Passive OpenMP waiting: on this shared 2-core machine, spinning threads burnt ~4x the CPU
# time per step (measured 7.3 vs 1.7 CPU-s). Must be set before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from card import EXISTS_SUBJECTS, load_lineage, render_card  # noqa: E402
from export import best_checkpoint, load_model  # noqa: E402
from vlm.common import BUNDLE, DATA_OUT, REPO, RUNS, latest_run, set_threads, split_ready, write_json  # noqa: E402
from vlm.data import Encoded, Split  # noqa: E402
from vlm.evaluate import lm_shared_prefix, prefix_and_suffixes  # noqa: E402
from vlm.model import count_params  # noqa: E402


@torch.no_grad()
def answer_logits(model, split, enc, tok, idx, batch=50):
    Q = len(enc.qtypes)
    out = np.zeros((len(idx), Q, model.cfg.vocab_size), dtype=np.float32)
    for b0 in range(0, len(idx), batch):
        ii = idx[b0 : b0 + batch]
        feats = model.image_features(torch.from_numpy(split.pixels(ii)))
        prefix, sids, _, apos = prefix_and_suffixes(tok, enc, ii, [range(Q)] * len(ii), model.cfg.n_img, with_answer=False)
        lg = lm_shared_prefix(model, prefix, feats, sids, Q)
        out[b0 : b0 + len(ii)] = lg[torch.arange(len(apos)), torch.from_numpy(apos)].numpy().reshape(len(ii), Q, -1)
    return out


def exists_subjects(split, idx):
    """What each yes/no question asks about: "main" (the main object), "distractor" (a smaller
    object in the scene) or "absent" (a category not in the scene)."""
    je = list(split.q_type).index("exists")
    tmpl = next(q["template"] for q in split.spec.questions if q["id"] == "exists")
    head, tail = tmpl.split("{category}")
    cat_ix = {c: i for i, c in enumerate(split.spec.categories)}
    out = []
    for i in idx:
        q = split.q_text[i, je]
        c = cat_ix[q[len(head) : len(q) - len(tail)]]
        out.append("main" if c == split.category[i] else "distractor" if split.present[i, c] else "absent")
    return np.asarray(out)


def accuracy_table(pred, enc, split, idx):
    correct = pred == enc.answer[idx]
    res = {"n": int(len(idx)), "by_type": {t: float(correct[:, j].mean()) for j, t in enumerate(enc.qtypes)}, "by_style": {}}
    if "exists" in enc.qtypes:
        subj, ok = exists_subjects(split, idx), correct[:, enc.qtypes.index("exists")]
        res["exists_by_subject"] = {k: {"n": int((subj == k).sum()), "acc": float(ok[subj == k].mean())} for k in EXISTS_SUBJECTS if (subj == k).any()}
    for si, s in enumerate(split.spec.styles):
        m = split.style[idx] == si
        if m.any():
            res["by_style"][s] = {"n": int(m.sum()), **{t: float(correct[m, j].mean()) for j, t in enumerate(enc.qtypes)}}
    return res


def by_background(split, pred, enc, idx):
    """Accuracy per background kind (from scenes.jsonl), e.g. for the robustness set."""
    kinds = []
    with open(os.path.join(split.dir, "scenes.jsonl")) as f:
        for i, line in enumerate(f):
            if i >= len(idx):
                break
            kinds.append(json.loads(line)["background"]["kind"])
    kinds = np.asarray(kinds)
    correct = pred == enc.answer[idx]
    return {k: {"n": int((kinds == k).sum()), **{t: float(correct[kinds == k, j].mean()) for j, t in enumerate(enc.qtypes)}} for k in sorted(set(kinds))}


ROBUST = "robust"  # training/robust/render.ts: the second renderer's set (never trained on or used to choose)
HELDOUT_DR_CHOICE = 2000  # heldout-dr scenes from here on chose recipe.py's checkpoints (its eval_offset)


def measure_split(m32, mq, split, tok, n):
    enc = Encoded(split, tok, m32.cfg.n_img)
    idx = np.arange(min(n, split.n))
    t0 = time.time()
    l32 = answer_logits(m32, split, enc, tok, idx)
    t32 = time.time() - t0
    lq = answer_logits(mq, split, enc, tok, idx)
    p32, pq = l32.argmax(-1), lq.argmax(-1)
    res = {
        "fp32": accuracy_table(p32, enc, split, idx),
        "int8": accuracy_table(pq, enc, split, idx),
        "agreement": {t: float((p32[:, j] == pq[:, j]).mean()) for j, t in enumerate(enc.qtypes)},
        "agreement_all": float((p32 == pq).mean()),
        "max_logit_diff": float(np.abs(l32 - lq).max()),
        "eval_seconds_fp32": round(t32, 1),
    }
    if os.path.basename(split.dir.rstrip("/")) in (ROBUST, "heldout-dr"):
        res["int8_by_background"] = by_background(split, pq, enc, idx)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt")
    ap.add_argument("--run")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--ood-n", type=int, default=500)
    ap.add_argument("--robust-n", type=int, default=2000, help="scenes of the robustness set (training/robust/render.ts) to measure")
    ap.add_argument("--splits", help="comma-separated split names to measure (default: heldout, ood-*, robust, heldout-dr)")
    ap.add_argument("--bundle", default=BUNDLE)
    ap.add_argument("--card", action="store_true")
    ap.add_argument("--status", default="", help="status line for the card")
    ap.add_argument("--holdout", default="", help="sentence on the held-out-style variant for the card")
    ap.add_argument("--fp32-parity", help="parity_check.mjs --json output for an fp32 export (--fp32-out) of the same checkpoint")
    a = ap.parse_args()
    set_threads()
    ckpt = a.ckpt or best_checkpoint(a.run or os.path.join(RUNS, "main"))
    m, spec, tok, meta = load_model(ckpt, "base", None)
    st = torch.load(ckpt, map_location="cpu")
    m.fold_bn_()
    m.drop_aux_()
    mq = copy.deepcopy(m)
    mq.quantize_()
    mq.dequantize_()
    M = {
        "checkpoint": os.path.relpath(ckpt, REPO),
        "config": m.cfg.to_dict(),
        "spec": spec.to_json(),
        "params": count_params(m),
        "params_vision": count_params(m.vision) + count_params(m.projector),
        "params_lm": count_params(m.lm),
        "training": {
            "step": st["step"],
            "samples": st["samples"],
            "time_s": st["time_s"],
            "args": st["args"],
            "averaged_steps": st.get("averaged_steps"),
            **{k: st[k] for k in ("run", "stage", "stage_step") if k in st},
        },
        "ood_n": a.ood_n,
        "robust_n": a.robust_n,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "splits": {},
    }
    names = ["heldout"] + sorted(os.path.basename(d) for d in glob.glob(os.path.join(DATA_OUT, "ood-*"))) + [ROBUST, "heldout-dr"]
    if a.splits:
        names = a.splits.split(",")
    for name in names:
        d = os.path.join(DATA_OUT, name)
        if not split_ready(d):
            continue
        t0 = time.time()
        sp = Split(d, spec, os.path.join(RUNS, "cache"))
        n = min(a.n, HELDOUT_DR_CHOICE) if name == "heldout-dr" else a.n if name == "heldout" else a.robust_n if name == ROBUST else a.ood_n
        M["splits"][name] = measure_split(m, mq, sp, tok, n)
        print(name, json.dumps({k: v for k, v in M["splits"][name].items() if k in ("agreement_all", "max_logit_diff")}), json.dumps(M["splits"][name]["int8"]["by_type"]), f"{time.time() - t0:.0f}s", flush=True)
    files = [p for p in glob.glob(os.path.join(a.bundle, "**"), recursive=True) if os.path.isfile(p)]
    M["bundle_mb"] = sum(os.path.getsize(p) for p in files) / 1e6
    run_dir = os.path.dirname(ckpt)
    avg = M["training"]["averaged_steps"]
    out = os.path.join(run_dir, f"measure-{st['step']:08d}" + (f"-avg{len(avg)}" if avg else "") + (f"-{a.splits.replace(',', '+')}" if a.splits else "") + ".json")
    write_json(out, M)
    print("->", out)
    if a.card:
        pj = os.path.join(run_dir, "parity-result.json")
        subprocess.run(["node", os.path.join(REPO, "training", "parity_check.mjs"), a.bundle, "--json", pj], check=False, capture_output=True)
        parity = json.load(open(pj)) if os.path.exists(pj) else None
        M["status"] = a.status
        if a.fp32_parity and os.path.exists(a.fp32_parity):
            M["fp32_parity"] = json.load(open(a.fp32_parity))["max_abs_diff"]
        with open(os.path.join(a.bundle, "README.md"), "w") as f:
            f.write(render_card(M, parity, a.holdout, load_lineage() if "stages" in M["training"]["args"] else None))
        print("card ->", os.path.join(a.bundle, "README.md"))


if __name__ == "__main__":
    main()
