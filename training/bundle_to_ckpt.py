#!/usr/bin/env python3
"""Rebuild a PyTorch checkpoint from an exported bundle (int8 ONNX graphs + headflow.json).

    /usr/bin/python3 training/bundle_to_ckpt.py [--bundle public/models/emoji-vlm] \
        [--out training/runs/bundle/bundle.pt]

The training checkpoints live in training/runs/ (git-ignored), so a fresh clone has only the
bundle. The ONNX initialisers are the int8 weights and their per-output-channel scales;
dequantised (`qweight * wscale`) they are exactly the weights the shipped graphs compute
with, and `measure.py` re-quantising them gets the same int8 values back (the scale is
amax / 127 and the largest entry of each row is +-127). So
`measure.py --ckpt training/runs/bundle/bundle.pt` measures the shipped model itself.
Needs the Python `onnx` package (Debian: python3-onnx). The auxiliary training heads are not
in the bundle, so the checkpoint has `aux: false`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from vlm.common import BUNDLE, RUNS  # noqa: E402
from vlm.data import Spec  # noqa: E402
from vlm.model import VLM, VLMConfig  # noqa: E402

GRAPHS = {"vision_encoder.onnx": "m.", "embed_tokens.onnx": "m.", "decoder_model_merged.onnx": ""}


def read_initialisers(path: str) -> dict:
    import onnx
    from onnx import numpy_helper

    g = onnx.load(path).graph
    return {i.name: numpy_helper.to_array(i) for i in g.initializer}


def bundle_state(bundle: str) -> tuple[dict, VLMConfig, Spec, dict]:
    cfg_json = json.load(open(os.path.join(bundle, "config.json")))
    man = json.load(open(os.path.join(bundle, "headflow.json")))
    cfgd = dict(cfg_json["headflow_training_config"])
    cfgd["aux"] = False
    cfg = VLMConfig.from_dict(cfgd)
    spec = Spec.from_manifest(man)
    weights: dict = {}
    for g, strip in GRAPHS.items():
        for name, arr in read_initialisers(os.path.join(bundle, "onnx", g)).items():
            key = name[len(strip) :] if strip and name.startswith(strip) else name
            weights[key] = arr
    state = {}
    for k, v in weights.items():
        if k.endswith(".qweight"):
            base = k[: -len(".qweight")]
            state[base + ".weight"] = torch.from_numpy(v.astype(np.float32) * weights[base + ".wscale"].astype(np.float32))
        elif k.endswith(".wscale"):
            continue
        else:
            state[k] = torch.from_numpy(np.array(v, dtype=np.float32))
    return state, cfg, spec, man


def bundle_model(bundle: str) -> tuple[VLM, VLMConfig, Spec, dict]:
    """The PyTorch model with the bundle's own weights (int8 dequantised as its graphs do),
    in fp32 and eval mode: what the reference attribution runs on a fresh clone."""
    state, cfg, spec, man = bundle_state(bundle)
    tok = spec.tokenizer()
    hf = json.load(open(os.path.join(bundle, "tokenizer.json")))["model"]["vocab"]
    if {w: i for i, w in enumerate(tok.vocab)} != hf:
        sys.exit("the spec in headflow.json does not rebuild the bundle's tokenizer.json")
    m = VLM(cfg, tok.image_id)
    missing, unexpected = m.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"bundle weights do not match the model: missing {missing}, unexpected {unexpected}")
    m.eval()
    return m, cfg, spec, man


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=BUNDLE)
    ap.add_argument("--out", default=os.path.join(RUNS, "bundle", "bundle.pt"))
    a = ap.parse_args()
    m, cfg, spec, man = bundle_model(a.bundle)
    tr = man.get("training") or {}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    st = {
        "config": cfg.to_dict(),
        "spec": spec.to_json(),
        "args": {"from_bundle": os.path.abspath(a.bundle), **{k: tr.get(k) for k in ("lr", "warmup", "steps", "batch", "lm_batch") if k in tr}},
        "model": m.state_dict(),
        "step": int(tr.get("step") or 0),
        "samples": int(tr.get("samples") or 0),
        "time_s": float(tr.get("time_s") or 0.0),
        "averaged_steps": tr.get("averaged_steps"),
        "run": "bundle",
    }
    torch.save(st, a.out)
    print(f"{a.bundle} -> {a.out} (step {st['step']}, {sum(p.numel() for p in m.parameters()):,} params)")


if __name__ == "__main__":
    main()
