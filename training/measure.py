#!/usr/bin/env python3
"""Measure a checkpoint the way the model card reports it, and (optionally) write the card.

    /usr/bin/python3 training/measure.py [--ckpt PATH] [--n 2000] [--card]

- accuracy per question type and, for the main-object question, per style, on the first
  --n held-out scenes (seed 2), for the fp32 model and for the int8-weight model that is
  shipped (PyTorch module with exactly the dequantised weights; parity.json ties it to the
  ONNX graphs);
- quantised vs fp32: top-1 agreement of the answer token and the largest absolute
  difference of any answer-position logit;
- the out-of-style splits (ood-*) if they exist;
- --card: runs `node training/parity_check.mjs` on the bundle and renders
  public/models/emoji-vlm/README.md from these numbers.
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


EXISTS_SUBJECTS = {"main": "the main object", "distractor": "a distractor", "absent": "an absent category"}


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


def pct(x):
    return f"{100 * x:.1f}%"


def render_card(M, parity, holdout):
    cfg = M["config"]
    h = M["splits"]["heldout"]
    qt = list(h["int8"]["by_type"].keys())
    tr = M["training"]
    lines = []
    A = lines.append
    A("# HeadFlow emoji VLM — model card")
    A("")
    status = M.get("status") or ""
    if status:
        A(status)
        A("")
    A("A small LLaVA-style vision-language model trained from scratch on synthetic emoji scenes, built")
    A("so that HeadFlow can show image-to-text information flow through attention heads offline.")
    A("It answers four kinds of one-word questions about a 64x64 image.")
    A("")
    A("## Data")
    A("")
    A("Scenes from `npm run model:data` (training/data/, deterministic by seed): one main emoji")
    A(f"object ({len(M['spec']['categories'])} categories) at 35-80% of the image side with a small rotation, 0-3 smaller")
    A("distractor objects, a varied background (solid, gradient, noise, stripes, checks, dots; 11 colour names).")
    A("Training styles (emoji art sets, all from npm `@iconify-json/*`):")
    A("")
    A("| style | licence |")
    A("|---|---|")
    for s, lic in [
        ("twemoji", "CC BY 4.0 (Twitter, Inc. and contributors)"),
        ("noto", "Apache-2.0 (Google)"),
        ("fluent-emoji-flat", "MIT (Microsoft)"),
        ("openmoji", "CC BY-SA 4.0 (OpenMoji project)"),
        ("fluent-emoji-high-contrast", "MIT (Microsoft); monochrome, tinted per scene"),
    ]:
        A(f"| {s} | {lic} |")
    A("")
    A("`emojione` and `noto-v1` are kept out of all training data; they are the out-of-style test sets.")
    A("Splits: train (seed 1, 300,000 scenes), heldout (seed 2, 4,000), reference (seed 3, 32: the")
    A("`mean` ablation baseline, in `reference/`), ood-emojione / ood-noto-v1 (seed 4).")
    A("")
    A("Questions (chat format `USER: <image> {question} ASSISTANT:`, 64 image tokens):")
    A("")
    for q in M["spec"]["questions"]:
        ans = q["answers"] if isinstance(q["answers"], str) else ", ".join(q["answers"])
        A(f"- `{q['id']}`: \"{q['template']}\" -> {ans}")
    A("")
    A("## Architecture")
    A("")
    if cfg.get("stem") == "patch4":
        c1, c2, c3 = cfg["stem_channels"]
        A(f"- Vision: hybrid ViT. Conv stem: 4x4 stride-4 patchify conv (3 -> {c1}, 64x64 -> 16x16), 3x3 conv ({c1} -> {c2}),")
        A(f"  3x3 stride-2 conv ({c2} -> {c3}, -> 8x8), 3x3 conv; each with a per-pixel channel LayerNorm and GELU. Then a")
        A(f"  linear map to {cfg['v_dim']}, learned positions, {cfg['v_layers']} pre-LN transformer blocks")
    else:
        A(f"- Vision: hybrid ViT. Conv stem (3x3 convs, channel LayerNorm, GELU; channels {cfg['stem_channels']}, three stride-2")
        A(f"  stages) 64x64 -> 8x8 grid, linear to {cfg['v_dim']}, learned positions, {cfg['v_layers']} pre-LN transformer blocks")
    A(f"  ({cfg['v_heads']} heads). Projector: MLP {cfg['v_dim']} -> {2 * cfg['d_model']} -> {cfg['d_model']} (GELU): 64 image tokens in the LM's embedding space.")
    A(f"- Language model: decoder-only, {cfg['n_layers']} layers x {cfg['n_heads']} heads (plain multi-head attention), d_model {cfg['d_model']},")
    A(f"  head_dim {cfg['d_model'] // cfg['n_heads']}, pre-LN, GELU MLP {cfg['mlp_ratio']}x, learned absolute positions (from `position_ids`),")
    A(f"  untied LM head, vocabulary {cfg['vocab_size']} words.")
    A("- Tokenizer: word level (HF `tokenizer.json`, WordLevel model, WhitespaceSplit + Punctuation pre-tokenizer,")
    A("  no normaliser: case-sensitive, words outside the vocabulary become `<unk>`), special tokens")
    A("  `<pad>`, `<unk>`, `<image>`, `<eos>`; no BOS.")
    A(f"- Parameters (exported): {M['params']:,} (vision + projector {M['params_vision']:,}, LM {M['params_lm']:,}).")
    A("")
    A("## Training")
    A("")
    A("`npm run model:train` (training/train.py; resumable). AdamW (betas 0.9/0.98, weight decay 0.05),")
    A(f"peak lr {tr['args']['lr']}, warmup {tr['args']['warmup']} steps, cosine with warm restarts (first cycle {tr['args']['steps']} steps),")
    A(f"batch {tr['args']['batch']} images for the vision losses, of which {tr['args']['lm_batch']} also go through the LM with all four questions")
    A("(the `USER : <image>` prefix is computed once and shared by the four continuations). Losses: LM cross-entropy")
    A("on the answer word and `<eos>`, plus auxiliary heads on the vision encoder (not exported): per-patch category")
    A("(or background) from the generator's patch coverage, main category, presence of each category, background")
    A("colour, position; and a word-alignment loss: each projected image token, read through the LM's output head,")
    A("names what covers its patch (category word, or the background colour word).")
    if tr["args"].get("distractor_patches"):
        A("From step 7263 on (`--distractor-patches 1`) the patch-level losses also name the distractors (patches")
        A("their boxes cover) instead of calling them background.")
    A(f"This checkpoint: step {tr['step']}, {tr['samples']:,} training images seen, {tr['time_s'] / 3600:.2f} h of training on the")
    A("shared 2-core CPU machine.")
    avg = tr.get("averaged_steps")
    if avg:
        A(f"Its weights are the mean of {len(avg)} checkpoints taken every ~5 minutes along the low-learning-rate tail,")
        A(f"steps {avg[0]}-{avg[-1]} (`training/average.py`, stochastic weight averaging).")
    A("")
    A(f"## Accuracy (held-out split, seed 2, first {h['int8']['n']} scenes; shipped int8-weight model)")
    A("")
    A("Reproduce: `/usr/bin/python3 training/measure.py --ckpt " + M["checkpoint"] + f" --n {h['int8']['n']}`")
    A("")
    A("| style | n | " + " | ".join(qt) + " |")
    A("|---|---|" + "---|" * len(qt))
    for s, v in h["int8"]["by_style"].items():
        A(f"| {s} | {v['n']} | " + " | ".join(pct(v[t]) for t in qt) + " |")
    A(f"| **all** | {h['int8']['n']} | " + " | ".join(f"**{pct(h['int8']['by_type'][t])}**" for t in qt) + " |")
    A("")
    if "exists_by_subject" in h["int8"]:
        A("The yes/no question by what it asks about: " + ", ".join(f"{EXISTS_SUBJECTS[k]} {pct(v['acc'])} (n = {v['n']})" for k, v in h["int8"]["exists_by_subject"].items()) + ".")
        A("")
    A("Targets: main object >= 95% overall and >= 90% in every style; every other question type >= 90%.")
    ok_obj = h["int8"]["by_type"]["object"] >= 0.95 and min(v["object"] for v in h["int8"]["by_style"].values()) >= 0.90
    ok_other = all(h["int8"]["by_type"][t] >= 0.90 for t in qt if t != "object")
    A(f"Met: main object {'yes' if ok_obj else 'NO'}; other question types {'yes' if ok_other else 'NO'}.")
    A("")
    ood = {k: v for k, v in M["splits"].items() if k.startswith("ood-")}
    if ood:
        A("Out-of-style sets (styles never seen in training):")
        A("")
        A("| split | n | " + " | ".join(qt) + " |")
        A("|---|---|" + "---|" * len(qt))
        for k, v in ood.items():
            A(f"| {k} | {v['int8']['n']} | " + " | ".join(pct(v["int8"]["by_type"][t]) for t in qt) + " |")
        A("")
    rob = M["splits"].get(ROBUST)
    if rob:
        A("Robustness set: scenes drawn by a second renderer that shares no drawing code with the training generator")
        A("(`training/robust/render.ts`: one SVG per scene rendered by librsvg through sharp at 256 px and resized by libvips,")
        A("random HSL backgrounds in five families, its own layout; never used for training or for choosing a model).")
        A("Reproduce: `npx tsx training/robust/render.ts` then `/usr/bin/python3 training/measure.py --ckpt " + M["checkpoint"] + f" --splits {ROBUST}`.")
        A("")
        A("| set | n | " + " | ".join(qt) + " |")
        A("|---|---|" + "---|" * len(qt))
        A(f"| {ROBUST} | {rob['int8']['n']} | " + " | ".join(pct(rob["int8"]["by_type"][t]) for t in qt) + " |")
        for k, v in rob.get("int8_by_background", {}).items():
            A(f"| background {k} | {v['n']} | " + " | ".join(pct(v[t]) for t in qt) + " |")
        for s_, v in rob["int8"]["by_style"].items():
            A(f"| style {s_} | {v['n']} | " + " | ".join(pct(v[t]) for t in qt) + " |")
        A("")
    A("Held-out-style variant (trained without one style, `--hold-out-style openmoji`): " + (holdout or "not trained yet."))
    A("")
    A("## Quantisation")
    A("")
    A("Weights of every linear, conv and embedding layer are stored as int8 with one fp32 scale per output")
    A("channel (symmetric, round to nearest) and dequantised inside the graph (`Cast` + `Mul`, ops both the")
    A("WebGPU and the wasm execution providers of onnxruntime-web run); LayerNorm parameters and biases stay")
    A("fp32, activations are fp32. Measured on the held-out scenes above, all four question types:")
    A("")
    A(f"- top-1 agreement int8 vs fp32: {pct(h['agreement_all'])} (" + ", ".join(f"{t} {pct(v)}" for t, v in h["agreement"].items()) + ")")
    A(f"- largest answer-position logit difference: {h['max_logit_diff']:.4f}")
    A("- accuracy fp32: " + ", ".join(f"{t} {pct(v)}" for t, v in h["fp32"]["by_type"].items()))
    A(f"- bundle size: {M['bundle_mb']:.2f} MB (limit 12 MB)")
    A("")
    A("## Parity (onnxruntime vs PyTorch)")
    A("")
    A("`node training/parity_check.mjs public/models/emoji-vlm` runs the shipped graphs in onnxruntime-node")
    A("and compares them with `parity.json` (PyTorch, same dequantised weights): vision features, whole-sequence")
    A("logits, incremental decoding with the key/value cache, the analysis graph's logits and attention")
    A("probabilities, and head ablation with the `blank` baseline done by splicing cached keys/values (the")
    A("engine's way) against PyTorch's substitution inside attention.")
    if parity:
        A(f"Largest absolute difference over all checks: {parity['max_abs_diff']:.2e} (tolerance 1e-3); tokenizer")
        A(f"(@huggingface/tokenizers) reproduces the input ids: {'yes' if parity['tokenizer_ok'] else 'NO'}.")
    if M.get("fp32_parity") is not None:
        A(f"The same check on fp32 graphs (`--fp32-out`, not shipped): {M['fp32_parity']:.2e}.")
    A("")
    A("## Files")
    A("")
    A("See docs/BUNDLE.md. `onnx/decoder_model_merged.onnx` has the transformers.js decoder interface;")
    A("`onnx/decoder_analysis.onnx` adds `attention_bias.{i}` inputs and `attentions.{i}` outputs.")
    A("")
    A("## Limitations")
    A("")
    A("Synthetic single-object scenes at 64x64 only; one-word answers from a closed vocabulary; no")
    A("free-form text. Made for interpretability demos, not as a general VLM.")
    A("")
    A(f"_Measured {M['measured_at']} with `/usr/bin/python3 training/measure.py --card`._")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt")
    ap.add_argument("--run")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--ood-n", type=int, default=500)
    ap.add_argument("--robust-n", type=int, default=2000, help="scenes of the robustness set (training/robust/render.ts) to measure")
    ap.add_argument("--splits", help="comma-separated split names to measure (default: heldout, ood-*, robust)")
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
        "training": {"step": st["step"], "samples": st["samples"], "time_s": st["time_s"], "args": st["args"], "averaged_steps": st.get("averaged_steps")},
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "splits": {},
    }
    names = ["heldout"] + sorted(os.path.basename(d) for d in glob.glob(os.path.join(DATA_OUT, "ood-*"))) + [ROBUST]
    if a.splits:
        names = a.splits.split(",")
    for name in names:
        d = os.path.join(DATA_OUT, name)
        if not split_ready(d):
            continue
        t0 = time.time()
        sp = Split(d, spec, os.path.join(RUNS, "cache"))
        M["splits"][name] = measure_split(m, mq, sp, tok, a.n if name.startswith("heldout") else a.robust_n if name == ROBUST else a.ood_n)
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
            f.write(render_card(M, parity, a.holdout))
        print("card ->", os.path.join(a.bundle, "README.md"))


if __name__ == "__main__":
    main()
