#!/usr/bin/env python3
"""The PyTorch reference model's clean logits, for a check that the bundle -> PyTorch
conversion (training/bundle_to_ckpt.py, the weights training/reference_attribution.py runs
on) computes what the bundle's ONNX graphs compute:

    /usr/bin/python3 training/reference_logits.py --job JOB.json --out RESULT.json

JOB.json: model_dir, cases: [{input_ids, pixel_values (3*S*S floats, normalised)}].
RESULT.json: {"logits": [[vocab floats of the last position] per case]}.
src/cli/bench/pytorch.test.ts writes the job from the engine's own prompt and pixels and
compares the result with onnxruntime's logits.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from bundle_to_ckpt import bundle_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--job", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    job = json.load(open(a.job))
    m = bundle_model(job["model_dir"])[0]
    size = m.cfg.image_size
    logits = []
    with torch.no_grad():
        for case in job["cases"]:
            px = torch.tensor(case["pixel_values"], dtype=torch.float32).reshape(1, 3, size, size)
            out, _, _ = m.forward_full(torch.tensor([case["input_ids"]]), pixel_values=px)
            logits.append(out[0, -1].tolist())
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"logits": logits, "torch": torch.__version__}, f)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
