#!/usr/bin/env python3
"""PyTorch reference for HeadFlow's head attribution, the way a researcher would write it:
the model's own PyTorch code, attention patched so that text queries read baseline
keys/values at the image positions of the ablated heads (per batch row), and batched
whole-sequence forward passes, one per batch of masks. No key/value cache reuse.

It runs on exactly the weights the engine uses, read from the bundle itself: the int8
initialisers of its ONNX graphs times their per-channel scales, computed as the graphs'
Cast + Mul do (training/bundle_to_ckpt.py), so a fresh clone, which has no training
checkpoint, runs it too. `--ckpt` loads a training checkpoint instead (BN-folded, int8
quantised and dequantised as training/export.py does). Either way it refuses to run if its
clean logits differ from the bundle's parity.json fixtures.

Driven by `npm run bench` (src/cli/bench/pytorch.ts), which writes a job file:

    /usr/bin/python3 training/reference_attribution.py --job JOB.json --out RESULT.json

JOB.json: model_dir, input_ids, image_range [start, end], pixel_values (3*S*S floats,
normalised), baseline_pixel_values (list of such images; their key/values are averaged),
samples, alpha, seed, holdout, ridge, batch_size, answer_id, target (logit|logprob|margin),
repeats. Masks come from a port of the engine's mulberry32 generator (src/engine/math/random.ts),
so both sides evaluate the very same masks.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import export  # noqa: E402  (the colleague's exporter: model loading exactly as exported)
from bundle_to_ckpt import bundle_model  # noqa: E402
from vlm.data import Spec  # noqa: E402
from vlm.model import CONFIGS  # noqa: E402


# -- masks: a port of src/engine/math/random.ts (mulberry32) and src/engine/attribution/masks.ts ----------


def mulberry32(seed: int):
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def next_uniform():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_uniform


def sample_masks(count: int, size: int, alpha: float, seed: int) -> np.ndarray:
    rnd = mulberry32(seed)
    return np.array([rnd() < alpha for _ in range(count * size)], dtype=bool).reshape(count, size)


def is_held_out(index: int, fraction: float) -> bool:
    return math.floor((index + 1) * fraction) > math.floor(index * fraction)


# -- the model, on the bundle's weights ---------------------------------------------------


def load_reference_model(model_dir: str, ckpt: str | None):
    if ckpt is None:
        return bundle_model(model_dir)[0]
    manifest = json.load(open(os.path.join(model_dir, "headflow.json")))
    training = manifest.get("training", {})
    config = json.load(open(os.path.join(model_dir, "config.json")))["text_config"]
    name = next(
        (n for n, c in CONFIGS.items() if c["d_model"] == config["hidden_size"] and c["n_layers"] == config["num_hidden_layers"]),
        "base",
    )
    # The vocabulary (hence the random init's shapes) follows from the manifest's spec.
    spec = Spec.from_manifest(manifest)
    m, _, _, _ = export.load_model(ckpt, name, spec, training.get("seed", 0))
    m.fold_bn_()
    m.drop_aux_()
    m.quantize_()
    m_ref = copy.deepcopy(m)
    m_ref.dequantize_()  # fp32 module with exactly the dequantised weights the graphs hold
    m_ref.eval()
    return m_ref


def check_parity(m, model_dir: str, tolerance: float = 1e-3) -> float:
    parity = json.load(open(os.path.join(model_dir, "parity.json")))
    case = parity["cases"][0]
    size = m.cfg.image_size
    u8 = np.array(case["pixels_u8"], dtype=np.uint8).reshape(size, size, 3)
    px = export.to_pixels(u8)
    with torch.no_grad():
        logits, _, _ = m.forward_full(torch.tensor([case["input_ids"]]), pixel_values=px)
    diff = float((logits[0, -1] - torch.tensor(case["logits"])).abs().max())
    if diff > tolerance:
        sys.exit(f"reference_attribution: these weights are not the bundle's (clean logits differ by {diff:.2e})")
    return diff


# -- the patched attention ------------------------------------------------------------------


def patch_attention(m, state: dict):
    """Replace each layer's attention forward with one where queries at or after
    state['q_from'] read the baseline keys/values at image positions for the heads ablated
    in their batch row (state['masks']: bool [B, L, H]); earlier queries are untouched."""

    for layer_index, layer in enumerate(m.lm.layers):
        attn = layer.attn

        def forward(self, x, add_mask, past_k=None, past_v=None, bias=None, want_probs=False, sub=None, _l=layer_index):
            q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
            scale = 1.0 / math.sqrt(self.dh)
            masks = state.get("masks")
            if masks is None:
                p = torch.softmax((q @ k.transpose(-1, -2)) * scale + add_mask, dim=-1)
                o = p @ v
            else:
                a, b = state["image"]
                q_from = state["q_from"]
                ablated = masks[:, _l, :, None, None]  # [B, H, 1, 1]
                k_sub, v_sub = k.clone(), v.clone()
                k_sub[:, :, a:b] = torch.where(ablated, state["base_k"][_l], k[:, :, a:b])
                v_sub[:, :, a:b] = torch.where(ablated, state["base_v"][_l], v[:, :, a:b])
                early = torch.softmax((q[:, :, :q_from] @ k.transpose(-1, -2)) * scale + add_mask[:, :, :q_from], dim=-1) @ v
                late = torch.softmax((q[:, :, q_from:] @ k_sub.transpose(-1, -2)) * scale + add_mask[:, :, q_from:], dim=-1) @ v_sub
                o = torch.cat([early, late], dim=2)
            B, H, T, _ = o.shape
            return self.o(o.transpose(1, 2).reshape(B, T, H * self.dh)), (k, v), None

        attn.forward = types.MethodType(forward, attn)


# -- the attribution ------------------------------------------------------------------------


def target_values(logits: torch.Tensor, answer: int, kind: str) -> np.ndarray:
    x = logits.double()
    if kind == "logit":
        y = x[:, answer]
    elif kind == "logprob":
        y = x[:, answer] - torch.logsumexp(x, dim=-1)
    else:
        others = x.clone()
        others[:, answer] = -math.inf
        y = x[:, answer] - others.max(dim=-1).values
    return y.numpy()


def ridge_fit(X: np.ndarray, y: np.ndarray, ridge: float):
    design = np.hstack([np.ones((X.shape[0], 1)), X.astype(np.float64)])
    penalty = ridge * X.shape[0] * np.eye(design.shape[1])
    penalty[0, 0] = 0.0
    beta = np.linalg.solve(design.T @ design + penalty, design.T @ y)
    return beta[0], beta[1:]


def attribute(m, job: dict):
    cfg = m.cfg
    L, H = cfg.n_layers, cfg.n_heads
    size = cfg.image_size
    a, b = job["image_range"]
    ids = torch.tensor([job["input_ids"]])
    state: dict = {"image": (a, b), "q_from": b}
    patch_attention(m, state)
    t0 = time.perf_counter()
    with torch.no_grad():
        base = torch.tensor(job["baseline_pixel_values"], dtype=torch.float32).reshape(-1, 3, size, size)
        _, presents, _ = m.forward_full(ids.expand(base.shape[0], -1), pixel_values=base)
        state["base_k"] = [k[:, :, a:b].mean(dim=0) for k, _ in presents]  # [H, N, dh]
        state["base_v"] = [v[:, :, a:b].mean(dim=0) for _, v in presents]
        px = torch.tensor(job["pixel_values"], dtype=torch.float32).reshape(1, 3, size, size)
        features = m.image_features(px)
        t_baseline = time.perf_counter() - t0

        masks = sample_masks(job["samples"], L * H, job["alpha"], job["seed"])
        targets = np.zeros(job["samples"])
        bs = job["batch_size"]
        for start in range(0, job["samples"], bs):
            rows = masks[start : start + bs]
            n = rows.shape[0]
            state["masks"] = torch.from_numpy(rows.reshape(n, L, H))
            logits, _, _ = m.forward_full(ids.expand(n, -1), image_features=features.expand(n, -1, -1))
            targets[start : start + n] = target_values(logits[:, -1], job["answer_id"], job["target"])
        state["masks"] = None
        t_masks = time.perf_counter() - t0 - t_baseline

    held = np.array([is_held_out(i, job["holdout"]) for i in range(job["samples"])])
    intercept, weights = ridge_fit(masks[~held], targets[~held], job["ridge"])
    predicted = intercept + masks[held].astype(np.float64) @ weights
    r = float(np.corrcoef(predicted, targets[held])[0, 1]) if held.sum() >= 3 else None
    total = time.perf_counter() - t0
    return {
        "scores": (-weights).tolist(),
        "intercept": float(intercept),
        "heldOutR": r if r is not None and math.isfinite(r) else None,
        "targets": targets.tolist(),
        "timings": {"baselineMs": 1000 * t_baseline, "masksMs": 1000 * t_masks, "totalMs": 1000 * total},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--job", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ckpt", help="a training checkpoint to load instead of the bundle's own weights")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    job = json.load(open(a.job))
    t0 = time.perf_counter()
    m = load_reference_model(job["model_dir"], a.ckpt)
    parity_diff = check_parity(m, job["model_dir"])
    load_ms = 1000 * (time.perf_counter() - t0)
    runs = [attribute(m, job) for _ in range(max(1, job.get("repeats", 1)))]
    result = runs[-1]
    result["timings"]["runsTotalMs"] = [r["timings"]["totalMs"] for r in runs]
    result["timings"]["loadMs"] = load_ms
    result["parityMaxDiff"] = parity_diff
    result["torch"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
