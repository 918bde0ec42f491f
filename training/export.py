#!/usr/bin/env python3
"""Export a checkpoint (or a random-initialised model) to the HeadFlow bundle layout
(docs/BUNDLE.md): four ONNX graphs with int8 weights, configs, tokenizer, manifest,
reference images and parity fixtures.

    /usr/bin/python3 training/export.py                      # latest run's best checkpoint
    /usr/bin/python3 training/export.py --ckpt PATH --out DIR
    /usr/bin/python3 training/export.py --random [--config tiny]
    /usr/bin/python3 training/export.py --fp32-out DIR       # also fp32 graphs (not shipped)
"""

from __future__ import annotations

import argparse
import copy
import glob
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Passive OpenMP waiting: on this shared 2-core machine, spinning threads burnt ~4x the CPU
# time per step (measured 7.3 vs 1.7 CPU-s). Must be set before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from vlm.common import BUNDLE, CATEGORIES_TS, DATA_OUT, RUNS, latest_run, set_threads, split_ready, write_json  # noqa: E402
from vlm.data import OBJECT_QUESTION, Spec, categories_from_ts, placeholder_spec, spec_from_info  # noqa: E402
from vlm.model import CONFIGS, VLM, VLMConfig, count_params  # noqa: E402
from vlm.tokenizer import CHAT_TEMPLATE, ROLE_TOKENS  # noqa: E402

OPSET = 17
STYLES = ["twemoji", "noto", "fluent-emoji-flat", "openmoji", "fluent-emoji-high-contrast"]


# ---------------------------------------------------------------------------------------
# graph wrappers


class VisionGraph(nn.Module):
    def __init__(self, m: VLM):
        super().__init__()
        self.m = m

    def forward(self, pixel_values):
        return self.m.image_features(pixel_values)


class EmbedGraph(nn.Module):
    def __init__(self, m: VLM):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return self.m.embed_tokens(input_ids)


class DecoderGraph(nn.Module):
    def __init__(self, m: VLM, analysis: bool):
        super().__init__()
        self.lm = m.lm
        self.L = m.cfg.n_layers
        self.analysis = analysis

    def forward(self, inputs_embeds, attention_mask, position_ids, *rest):
        L = self.L
        past = [(rest[2 * i], rest[2 * i + 1]) for i in range(L)]
        biases = list(rest[2 * L : 3 * L]) if self.analysis else None
        logits, presents, probs = self.lm(inputs_embeds, attention_mask, position_ids, past=past, biases=biases, want_probs=self.analysis)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        if self.analysis:
            out += probs
        return tuple(out)


def export_graphs(m: VLM, out_dir: str, verbose=False):
    os.makedirs(out_dir, exist_ok=True)
    cfg = m.cfg
    L, H, dh, D = cfg.n_layers, cfg.n_heads, cfg.head_dim, cfg.d_model
    S = cfg.image_size
    m.eval()
    kw = dict(opset_version=OPSET, do_constant_folding=False, verbose=verbose)
    with torch.no_grad():
        torch.onnx.export(
            VisionGraph(m),
            (torch.randn(1, 3, S, S),),
            os.path.join(out_dir, "vision_encoder.onnx"),
            input_names=["pixel_values"],
            output_names=["image_features"],
            dynamic_axes={"pixel_values": {0: "batch"}, "image_features": {0: "batch"}},
            **kw,
        )
        torch.onnx.export(
            EmbedGraph(m),
            (torch.zeros(1, 4, dtype=torch.long),),
            os.path.join(out_dir, "embed_tokens.onnx"),
            input_names=["input_ids"],
            output_names=["inputs_embeds"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "inputs_embeds": {0: "batch", 1: "sequence"}},
            **kw,
        )
        B, T, P = 1, 5, 3
        for analysis in (False, True):
            args = [torch.randn(B, T, D), torch.ones(B, P + T, dtype=torch.long), torch.arange(P, P + T).unsqueeze(0)]
            names = ["inputs_embeds", "attention_mask", "position_ids"]
            dyn = {
                "inputs_embeds": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "total_sequence"},
                "position_ids": {0: "batch", 1: "sequence"},
            }
            for i in range(L):
                for kv in ("key", "value"):
                    n = f"past_key_values.{i}.{kv}"
                    args.append(torch.randn(B, H, P, dh))
                    names.append(n)
                    dyn[n] = {0: "batch", 2: "past_sequence"}
            if analysis:
                for i in range(L):
                    n = f"attention_bias.{i}"
                    args.append(torch.zeros(B, H, T, P + T))
                    names.append(n)
                    dyn[n] = {0: "batch", 2: "sequence", 3: "total_sequence"}
            outs = ["logits"]
            dyn["logits"] = {0: "batch", 1: "sequence"}
            for i in range(L):
                for kv in ("key", "value"):
                    n = f"present.{i}.{kv}"
                    outs.append(n)
                    dyn[n] = {0: "batch", 2: "total_sequence"}
            if analysis:
                for i in range(L):
                    n = f"attentions.{i}"
                    outs.append(n)
                    dyn[n] = {0: "batch", 2: "sequence", 3: "total_sequence"}
            torch.onnx.export(
                DecoderGraph(m, analysis),
                tuple(args),
                os.path.join(out_dir, "decoder_analysis.onnx" if analysis else "decoder_model_merged.onnx"),
                input_names=names,
                output_names=outs,
                dynamic_axes=dyn,
                **kw,
            )


# ---------------------------------------------------------------------------------------
# loading


def load_model(ckpt: str | None, config: str, spec: Spec | None, seed=0):
    if ckpt:
        st = torch.load(ckpt, map_location="cpu")
        cfg = VLMConfig.from_dict(st["config"])
        spec = Spec.from_json(st["spec"])
        tok = spec.tokenizer()
        m = VLM(cfg, tok.image_id)
        m.load_state_dict(st["model"])
        meta = {k: st.get(k) for k in ("step", "run", "samples", "time_s", "averaged_steps")}
    else:
        tok = spec.tokenizer()
        torch.manual_seed(seed)
        cfg = VLMConfig(
            vocab_size=len(tok.vocab),
            n_categories=len(spec.categories),
            n_colors=len(spec.answers("color")),
            n_positions=len(spec.answers("position")),
            **CONFIGS[config],
        )
        m = VLM(cfg, tok.image_id)
        meta = {"step": 0, "run": None, "random_init": True, "seed": seed}
    assert len(tok.vocab) == m.cfg.vocab_size
    m.eval()
    return m, spec, tok, meta


def default_spec() -> Spec:
    for name in ("train", "heldout", "reference"):
        d = os.path.join(DATA_OUT, name)
        if split_ready(d):
            return spec_from_info(json.load(open(os.path.join(d, "info.json"))))
    return placeholder_spec(categories_from_ts(CATEGORIES_TS))


def best_checkpoint(run_dir: str) -> str | None:
    for n in ("best.pt",):
        p = os.path.join(run_dir, n)
        if os.path.exists(p):
            return p
    c = sorted(glob.glob(os.path.join(run_dir, "ckpt-*.pt")))
    return c[-1] if c else None


# ---------------------------------------------------------------------------------------
# fixtures


def load_png(path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8)


def to_pixels(u8: np.ndarray) -> torch.Tensor:
    """uint8 HWC -> normalised [1,3,H,W] exactly as the preprocessor: (x/255 - 0.5) / 0.5."""
    x = torch.from_numpy(u8.astype(np.float32)) * np.float32(1 / 255)
    x = (x - 0.5) / 0.5
    return x.permute(2, 0, 1).unsqueeze(0).contiguous()


def fixture_images(spec: Spec, n=3):
    """[(name, uint8 HWC, source)] from the reference split, else heldout, else synthetic gray-noise."""
    out = []
    ref = sorted(glob.glob(os.path.join(DATA_OUT, "reference", "png", "*.png")))
    for p in ref[:n]:
        out.append((os.path.basename(p), load_png(p), "reference/" + os.path.basename(p)))
    if len(out) < n:
        d = os.path.join(DATA_OUT, "heldout")
        if split_ready(d):
            imgs = np.memmap(os.path.join(d, "images.u8"), dtype=np.uint8, mode="r").reshape(-1, 64, 64, 3)
            for i in range(n - len(out)):
                out.append((f"heldout-{i}", np.array(imgs[i]), None))
    rng = np.random.default_rng(7)
    while len(out) < n:
        i = len(out)
        out.append((f"random-{i}", rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8), None))
    return out


def r(x, nd=6):
    return [round(float(v), nd) for v in np.asarray(x).reshape(-1)]


def make_parity(m: VLM, tok, spec: Spec, images, L_att=(0, None)):
    cfg = m.cfg
    L, H = cfg.n_layers, cfg.n_heads
    ids = tok.chat_ids(OBJECT_QUESTION, cfg.n_img)
    input_ids = torch.tensor([ids])
    img_start = ids.index(tok.image_id)
    img_end = img_start + cfg.n_img
    blank_u8 = np.full((cfg.image_size, cfg.image_size, 3), 128, dtype=np.uint8)
    blank = to_pixels(blank_u8)
    g = torch.Generator().manual_seed(11)
    masks = {
        "single L{}H{}".format(L // 2, H // 2): torch.zeros(L, H, dtype=torch.bool),
        "random 10%": torch.rand(L, H, generator=g) < 0.1,
        "all heads": torch.ones(L, H, dtype=torch.bool),
    }
    masks["single L{}H{}".format(L // 2, H // 2)][L // 2, H // 2] = True
    cases = []
    from vlm.model import ablation_subs

    att_layers = [0, L - 1] if L > 1 else [0]
    with torch.no_grad():
        for ci, (name, u8, src) in enumerate(images):
            px = to_pixels(u8)
            feats = m.image_features(px)
            logits, _, probs = m.forward_full(input_ids, image_features=feats, want_probs=True)
            final = logits[0, -1]
            case = {
                "name": name,
                "image": src,
                "pixels_u8": [int(v) for v in u8.reshape(-1)],
                "question": OBJECT_QUESTION,
                "prompt": CHAT_TEMPLATE.replace("{question}", OBJECT_QUESTION),
                "input_ids": ids,
                "image_token_range": [img_start, img_end],
                "logits": r(final),
                "top1": tok.vocab[int(final.argmax())],
                "ablations": [],
            }
            if ci == 0:
                case["image_features"] = r(feats[0])
                case["attentions"] = {
                    "query_position": len(ids) - 1,
                    "layers": {str(l): [r(probs[l][0, h, -1]) for h in range(H)] for l in att_layers},
                }
            for mname, hm in masks.items():
                subs = ablation_subs(m, input_ids, px, blank, hm, (img_start, img_end), img_end)
                lg, _, _ = m.forward_full(input_ids, image_features=feats, subs=subs)
                case["ablations"].append(
                    {
                        "name": mname,
                        "baseline": "blank",
                        "heads": [[int(l), int(h)] for l, h in hm.nonzero().tolist()],
                        "logits": r(lg[0, -1]),
                    }
                )
            cases.append(case)
    return {
        "schema": "headflow.parity/1",
        "note": (
            "pixels_u8: HxWx3 row-major RGB; pixel_values = (pixels_u8/255 - 0.5)/0.5, NCHW. "
            "logits: final-position logits of a whole-sequence forward pass. ablations: the same with, "
            "inside attention of each listed (layer, head), the keys/values at image_token_range as read "
            "by every later text token replaced by those the baseline image produces (same text); "
            "baseline 'blank' = uniform gray, every pixel 128. attentions: post-softmax probabilities "
            "of the final token, clean run, per head, over all key positions."
        ),
        "blank_pixel_u8": 128,
        "tolerance": 1e-3,
        "cases": cases,
    }


# ---------------------------------------------------------------------------------------


def write_bundle(out: str, m_q: VLM, m_ref: VLM, spec: Spec, tok, meta: dict, fixtures):
    cfg = m_q.cfg
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    export_graphs(m_q, os.path.join(out, "onnx"))
    t_export = time.time() - t0
    tok.save(out)
    refs = sorted(glob.glob(os.path.join(DATA_OUT, "reference", "png", "*.png")))
    rdir = os.path.join(out, "reference")
    if refs:
        shutil.rmtree(rdir, ignore_errors=True)
        os.makedirs(rdir)
        for p in refs:
            shutil.copy(p, rdir)
    ref_list = sorted("reference/" + os.path.basename(p) for p in glob.glob(os.path.join(rdir, "*.png")))
    qlist = []
    for q in spec.questions:
        qlist.append({"id": q["id"], "template": q["template"], "answers": q["answers"]})
    manifest = {
        "schema": "headflow.manifest/1",
        "id": "emoji-vlm",
        "name": "HeadFlow emoji VLM",
        "layers": cfg.n_layers,
        "heads": cfg.n_heads,
        "headDim": cfg.head_dim,
        "hiddenSize": cfg.d_model,
        "vocabSize": cfg.vocab_size,
        "image": {
            "size": cfg.image_size,
            "patchSize": cfg.patch_size,
            "grid": [cfg.grid, cfg.grid],
            "tokens": cfg.n_img,
            "mean": [0.5, 0.5, 0.5],
            "std": [0.5, 0.5, 0.5],
        },
        "imageTokenId": tok.image_id,
        "bosTokenId": None,
        "eosTokenId": tok.eos_id,
        "padTokenId": tok.pad_id,
        "unkTokenId": tok.unk_id,
        "chatTemplate": CHAT_TEMPLATE,
        "roleTokens": ROLE_TOKENS,
        "questions": qlist,
        "categories": spec.categories,
        "styles": spec.styles,
        **({"extraTexts": list(spec.extra_texts)} if spec.extra_texts else {}),
        "reference": ref_list,
        "graphs": {
            "vision": "onnx/vision_encoder.onnx",
            "embed": "onnx/embed_tokens.onnx",
            "decoder": "onnx/decoder_model_merged.onnx",
            "analysis": "onnx/decoder_analysis.onnx",
        },
        "training": {k: v for k, v in meta.items() if v is not None},
    }
    write_json(os.path.join(out, "headflow.json"), manifest)
    config = {
        "model_type": "llava",
        "architectures": ["HeadFlowEmojiVLM"],
        "image_token_index": tok.image_id,
        "projector_hidden_act": "gelu",
        "text_config": {
            "model_type": "headflow_decoder",
            "num_hidden_layers": cfg.n_layers,
            "num_attention_heads": cfg.n_heads,
            "num_key_value_heads": cfg.n_heads,
            "hidden_size": cfg.d_model,
            "head_dim": cfg.head_dim,
            "intermediate_size": cfg.mlp_ratio * cfg.d_model,
            "hidden_act": "gelu",
            "vocab_size": cfg.vocab_size,
            "max_position_embeddings": cfg.max_positions,
            "position_embedding_type": "absolute",
            "layer_norm": "pre",
            "tie_word_embeddings": False,
            "bos_token_id": None,
            "eos_token_id": tok.eos_id,
            "pad_token_id": tok.pad_id,
        },
        "vision_config": {
            "model_type": "headflow_conv_vit",
            "image_size": cfg.image_size,
            "patch_size": cfg.patch_size,
            "num_channels": 3,
            "hidden_size": cfg.v_dim,
            "num_hidden_layers": cfg.v_layers,
            "num_attention_heads": cfg.v_heads,
            "stem_channels": list(cfg.stem_channels),
        },
        "eos_token_id": tok.eos_id,
        "pad_token_id": tok.pad_id,
        "quantization": {
            "weights": "int8, symmetric, one fp32 scale per output channel (per row for embeddings); dequantised in the graph as Cast(int8) * scale",
            "activations": "float32",
        },
        "headflow_training_config": cfg.to_dict(),
    }
    write_json(os.path.join(out, "config.json"), config)
    write_json(
        os.path.join(out, "preprocessor_config.json"),
        {
            "image_processor_type": "CLIPImageProcessor",
            "processor_class": "LlavaProcessor",
            "do_convert_rgb": True,
            "do_resize": True,
            "size": {"height": cfg.image_size, "width": cfg.image_size},
            "resample": 2,
            "do_center_crop": False,
            "do_rescale": True,
            "rescale_factor": 1 / 255,
            "do_normalize": True,
            "image_mean": [0.5, 0.5, 0.5],
            "image_std": [0.5, 0.5, 0.5],
        },
    )
    par = make_parity(m_ref, tok, spec, fixtures)
    with open(os.path.join(out, "parity.json"), "w") as f:
        json.dump(par, f, separators=(",", ":"))
    return t_export


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", help="checkpoint file (default: best.pt of --run)")
    ap.add_argument("--run", help="run directory (default: training/runs/main, else the latest run)")
    ap.add_argument("--random", action="store_true", help="export a random-initialised model")
    ap.add_argument("--config", default="base", choices=sorted(CONFIGS))
    ap.add_argument("--out", default=BUNDLE)
    ap.add_argument("--fp32-out", help="also write fp32 graphs + parity to this dir (not shipped)")
    ap.add_argument("--no-quant", action="store_true", help="ship fp32 graphs (tests only)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    set_threads()
    t0 = time.time()
    ckpt = None
    if not a.random:
        ckpt = a.ckpt
        if not ckpt:
            main_run = os.path.join(RUNS, "main")
            run = a.run or (main_run if os.path.isdir(main_run) else latest_run(RUNS))
            ckpt = best_checkpoint(run) if run else None
        if not ckpt:
            sys.exit("no checkpoint found: train first, or pass --random")
    m, spec, tok, meta = load_model(ckpt, a.config, default_spec(), a.seed)
    if ckpt and os.path.basename(ckpt) == "best.pt":
        # best.pt moves on while the run trains: pin the exported weights under their step so
        # the PyTorch reference (reference_attribution.py) keeps reading exactly these.
        pinned = os.path.join(os.path.dirname(ckpt), f"exported-step{torch.load(ckpt, map_location='cpu')['step']}.pt")
        shutil.copyfile(ckpt, pinned)
        ckpt = pinned
    meta["checkpoint"] = os.path.relpath(ckpt, os.path.dirname(RUNS)) if ckpt else None
    m.fold_bn_()
    m.drop_aux_()
    m.eval()
    fixtures = fixture_images(spec)
    print(f"params (exported): {count_params(m):,}")
    if a.fp32_out:
        te = write_bundle(a.fp32_out, m, m, spec, tok, meta, fixtures)
        print(f"fp32 bundle -> {a.fp32_out} ({te:.1f}s graphs)")
    if a.no_quant:
        m_q, m_ref = m, m
    else:
        m_q = copy.deepcopy(m)
        m_q.quantize_()
        m_ref = copy.deepcopy(m_q)
        m_ref.dequantize_()  # fp32 module with exactly the dequantised weights
    te = write_bundle(a.out, m_q, m_ref, spec, tok, meta, fixtures)
    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(a.out, "**"), recursive=True) if os.path.isfile(p))
    print(f"bundle -> {a.out}: {size / 1e6:.2f} MB, graphs {te:.1f}s, total {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
