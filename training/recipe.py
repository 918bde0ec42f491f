#!/usr/bin/env python3
"""The LLaVA recipe in miniature, resumable, one command:

    nice -n 19 /usr/bin/python3 training/recipe.py --run v2          # start, or resume where it stopped
    /usr/bin/python3 training/recipe.py --run v2 --status             # stage, step, last evals
    /usr/bin/python3 training/recipe.py --run v2 --save-compact training/checkpoints/v2-compact.pt
    /usr/bin/python3 training/recipe.py --run v2 --init-compact training/checkpoints/v2-compact.pt   # fresh machine
    /usr/bin/python3 training/recipe.py --synthetic 96 --config tiny --stages text=3,vision=3,align=3,finetune=3 --run smoke --fresh

Same model (training/vlm/model.py), same word-level tokenizer (plus the two corpus words "on"
and "and": 173 words), same export (`training/export.py --ckpt <run>/best.pt`). Stages, in
order, each with its own cosine learning-rate schedule and its own optimiser over the
parameters it trains (the others have requires_grad False):

1. `text`: the language model alone, on the generated text corpus (training/vlm/corpus.py):
   scenes written as words in the image-token positions (and as sentences), then a question
   of the chat template and its one-word answer. Trains lm.*.
2. `vision`: the vision encoder alone, with the auxiliary heads (per-patch category incl.
   distractors, main category, presence, background colour, position) on the domain-
   randomised images: the stand-in for LLaVA's pretrained CLIP encoder. Trains vision.*,
   aux_*.
3. `align`: the projector alone, LM and vision frozen (LLaVA's feature-alignment stage): LM
   loss on the four questions (+ extra yes/no questions) of each image, plus `w_embed`:
   each projected image token should point the way the input embedding of the word that
   describes its patch does (cosine), since the text stage taught the LM to read those
   words there, plus `w_word` (the token read through the frozen LM head names its patch).
4. `finetune`: projector + LM, and the vision encoder at `vision_lr_mult` x the lr (LLaVA
   keeps its ViT frozen here; ours was pretrained on 64 px emoji only, so it is fine-tuned
   gently; `--vision-lr-mult 0` freezes it), same losses, auxiliary heads kept on.

Data: `train-dr` / `heldout-dr` (training/data/randomise.ts: `npx tsx training/data/generate.ts
--split train-dr`, `--split heldout-dr`). Evaluation (`eval_every_min`) and the choice of
`best.pt` use heldout-dr only; the robustness set (training/robust/) is never read here.
Checkpoints: `<run>/ckpt-*.pt` every `ckpt_every_min` and on SIGTERM/SIGINT (last two kept),
`<run>/stage-<name>.pt` when a stage ends, `<run>/stage-<name>.json` (which parameter groups
changed during the stage: the freezing check), log lines in `<run>/log.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from train import DEFAULTS, Trainer  # noqa: E402
from vlm.common import DATA_OUT, RUNS, latest_checkpoint, set_threads, split_ready, write_json  # noqa: E402
from vlm.corpus import EXTRA_TEXTS, Corpus  # noqa: E402
from vlm.data import GrowingSplit, make_synthetic, placeholder_spec, spec_from_info  # noqa: E402
from vlm.evaluate import lm_shared_prefix, prefix_and_suffixes  # noqa: E402
from vlm.shape_aug import redraw_batch, warp_batch  # noqa: E402
from vlm.style_aug import augment_batch, drop_restyled_background, drop_restyled_rows  # noqa: E402

STAGES = ["text", "vision", "align", "finetune"]
GROUPS = ["vision", "projector", "lm", "aux"]

RECIPE = dict(
    DEFAULTS,
    train_split="train-dr",
    eval_split="heldout-dr",
    stages="text=3000,vision=8000,align=2000,finetune=20000",
    stage_lr="text=1e-3,vision=1.5e-3,align=1e-3,finetune=5e-4",
    warmup=150,
    min_lr_frac=0.05,
    batch=64,
    text_batch=32,
    lm_batch=24,
    exists_extra=4,
    exists_distractors=0.6,
    distractor_patches=1,
    w_distractor_patch=2.0,
    w_word=1.0,
    w_embed=1.0,
    vision_lr_mult=0.2,
    corpus_noise=0.05,
    style_aug=0.0,  # share of images recoloured by vlm.style_aug (their colour label dropped)
    shape_aug=0.0,  # share of images redrawn by vlm.shape_aug (palette remap, posterise, outline, stroke weight), before any recolouring; in the same stages, with the same targets dropped
    warp_aug=0.0,  # share of images bent by a smooth displacement field (vlm.shape_aug.warp_batch), first of all; labels kept; in the same stages
    warp_px=2.0,  # the field's largest displacement, pixels of the 64-pixel image
    style_aug_stages="vision",  # the stages that recolour: vision, and/or finetune (there the colour question and background-word targets of recoloured images are dropped too)
    eval_every_min=20.0,
    eval_n=500,
    eval_offset=2000,  # choose on heldout-dr scenes 2000-2499; measure.py reports scenes 0-1999
)


def parse_kv(s: str, cast=float) -> dict:
    out = {}
    for part in s.split(","):
        if part.strip():
            k, _, v = part.partition("=")
            out[k.strip()] = cast(v)
    return out


def group_of(name: str) -> str:
    return "aux" if name.startswith("aux_") else name.split(".")[0]


GROW_EVERY_MIN = 10  # --grow-train: how often the scenes written since are taken in
TRAINS = {"text": {"lm"}, "vision": {"vision", "aux"}, "align": {"projector"}, "finetune": {"projector", "lm", "vision", "aux"}}


class Recipe(Trainer):
    def __init__(self, a, run_dir, grow_train=False):
        super().__init__(a, run_dir, grow_train)
        self.stage = STAGES[0]
        self.stage_step = 0
        self.lengths = {k: int(v) for k, v in parse_kv(a["stages"]).items()}
        self.lrs = parse_kv(a["stage_lr"])
        self.corpus = Corpus(self.spec, self.tok, self.cfg.n_img, self.rng, noise=a["corpus_noise"])
        self.make_optimizer()

    # -- stages
    def trainable(self, stage):
        groups = set(TRAINS[stage])
        if stage == "finetune" and self.a["vision_lr_mult"] <= 0:
            groups.discard("vision")
        return groups

    def make_optimizer(self):
        groups = self.trainable(self.stage)
        decay, no, vdecay, vno = [], [], [], []
        for n, p in self.model.named_parameters():
            g = group_of(n)
            p.requires_grad_(g in groups)
            if g not in groups:
                continue
            vis = g == "vision" and self.stage == "finetune"
            wd = p.dim() >= 2 and "pos" not in n
            (vdecay if vis and wd else vno if vis else decay if wd else no).append(p)
        wd = self.a["weight_decay"]
        pg = [{"params": decay, "weight_decay": wd, "mult": 1.0}, {"params": no, "weight_decay": 0.0, "mult": 1.0}]
        if vdecay or vno:
            m = self.a["vision_lr_mult"]
            pg += [{"params": vdecay, "weight_decay": wd, "mult": m}, {"params": vno, "weight_decay": 0.0, "mult": m}]
        self.opt = torch.optim.AdamW([g for g in pg if g["params"]], lr=1e-4, betas=(0.9, 0.98), eps=1e-8)
        self.stage_start = self.snapshot()

    def snapshot(self):
        return {n: p.detach().clone() for n, p in self.model.named_parameters()}

    def changed_groups(self):
        ch = {g: False for g in GROUPS}
        for n, p in self.model.named_parameters():
            if not torch.equal(p.detach(), self.stage_start[n]):
                ch[group_of(n)] = True
        return ch

    def lr_now(self):
        n, s = self.lengths[self.stage], self.stage_step
        peak, lo = self.lrs[self.stage], self.lrs[self.stage] * self.a["min_lr_frac"]
        w = min(self.a["warmup"], max(1, n // 10))
        if s < w:
            return peak * (s + 1) / w
        t = min(1.0, (s - w) / max(1, n - w))
        return lo + (peak - lo) * 0.5 * (1 + math.cos(math.pi * t))

    def end_stage(self):
        rec = {"stage": self.stage, "steps": self.stage_step, "step": self.step, "changed": self.changed_groups(), "trained": sorted(self.trainable(self.stage))}
        write_json(os.path.join(self.run_dir, f"stage-{self.stage}.json"), rec)
        self.save(f"stage-{self.stage}.pt")
        self.log({"kind": "stage_end", **rec})
        print(json.dumps({"stage_end": rec}), flush=True)
        i = STAGES.index(self.stage)
        if i + 1 < len(STAGES):
            self.stage = STAGES[i + 1]
            self.stage_step = 0
            self.make_optimizer()
            self.save()
            return True
        return False

    # -- checkpoints (the parent's, plus the stage)
    def state(self):
        st = super().state()
        st.update(stage=self.stage, stage_step=self.stage_step, stage_start=self.stage_start)
        return st

    def load(self, p):
        st = torch.load(p, map_location="cpu")
        self.stage, self.stage_step = st["stage"], st["stage_step"]
        self.make_optimizer()
        super().load(p)  # model, optimiser (this stage's), step, RNG
        self.stage_start = st["stage_start"]
        print(f"  stage {self.stage}, step {self.stage_step}/{self.lengths[self.stage]}", flush=True)

    # -- losses
    def text_losses(self):
        m = self.model
        pre, ctx, sids, tgt, per = self.corpus.batch(self.a["text_batch"], self.a["exists_extra"])
        feats = m.lm.embed(torch.from_numpy(ctx))
        prefix = pre + [self.tok.image_id] * self.cfg.n_img
        logits = lm_shared_prefix(m, prefix, feats, torch.from_numpy(sids), per)
        tg = torch.from_numpy(tgt)
        out = {"lm": F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tg.reshape(-1), ignore_index=-100)}
        with torch.no_grad():
            first = (tg != -100).float().argmax(1)
            r = torch.arange(len(first))
            out["train_acc"] = (logits[r, first].argmax(-1) == tg[r, first]).float().mean()
        return out

    def image_losses(self, idx):
        a, cfg, m, tr = self.a, self.cfg, self.model, self.train
        stage = self.stage
        px = torch.from_numpy(tr.pixels(idx))
        restyled = np.zeros(len(idx), bool)
        if stage in a["style_aug_stages"].split(","):
            if a["warp_aug"] > 0:
                px, _ = warp_batch(px, a["warp_aug"], a["warp_px"], self.rng)
            if a["shape_aug"] > 0:
                px, redrawn = redraw_batch(px, a["shape_aug"], self.rng)
                restyled |= redrawn
            if a["style_aug"] > 0:
                px, recoloured = augment_batch(px, a["style_aug"], self.rng)
                restyled |= recoloured
        if "vision" in self.trainable(stage):
            vt = m.vision(px)
        else:
            with torch.no_grad():
                vt = m.vision(px)
        plabel, pw = self.patch_categories(idx)
        out = {}
        if stage in ("vision", "finetune") and cfg.aux:
            cat = torch.from_numpy(tr.category[idx].astype(np.int64))
            ptgt = torch.where(plabel >= 0, plabel, torch.full_like(plabel, cfg.n_categories))
            ce = F.cross_entropy(m.aux_patch(vt).reshape(-1, cfg.n_categories + 1), ptgt.reshape(-1), reduction="none")
            out["patch"] = (ce * pw.reshape(-1)).mean()
            pooled = vt.mean(1)
            out["cat"] = F.cross_entropy(m.aux_cat(pooled), cat)
            pres = torch.from_numpy(tr.present[idx].astype(np.float32))
            out["present"] = a["w_present"] * F.binary_cross_entropy_with_logits(m.aux_present(pooled), pres, reduction="sum") / len(idx)
            for t, head in (("color", m.aux_color), ("position", m.aux_pos)):
                y = torch.from_numpy(self.enc_train.aux[t][idx])
                if t == "color" and restyled.any():
                    y = torch.where(torch.from_numpy(restyled), torch.full_like(y, -100), y)
                if (y >= 0).any():
                    out[t] = a["w_" + t] * F.cross_entropy(head(pooled), y, ignore_index=-100)
        if stage == "vision":
            return out
        nb = min(a["lm_batch"], len(idx))
        feats = m.projector(vt[:nb])
        # what each patch shows, as a word: category (object patches) or background colour
        cw = torch.from_numpy(self.cat_word)[plabel[:nb].clamp(min=0)]
        bw = torch.from_numpy(self.color_word[np.maximum(self.enc_train.aux["color"][idx[:nb]], 0)])
        word = torch.where(plabel[:nb] >= 0, cw, bw[:, None].expand_as(plabel[:nb]))
        w = drop_restyled_background(pw[:nb], plabel[:nb], restyled[:nb]).reshape(-1)
        if a["w_word"] > 0:
            wl = m.lm.head(m.lm.ln_f(feats))
            out["word"] = a["w_word"] * (F.cross_entropy(wl.reshape(-1, wl.shape[-1]), word.reshape(-1), reduction="none") * w).mean()
        if a["w_embed"] > 0:
            target = m.lm.embed.weight[word].detach()
            out["embed"] = a["w_embed"] * ((1 - F.cosine_similarity(feats, target, dim=-1)).reshape(-1) * w).mean()
        ii = idx[:nb]
        Q = len(self.qtypes)
        prefix, sids, tgt, _ = prefix_and_suffixes(self.tok, self.enc_train, ii, [range(Q)] * nb, cfg.n_img)
        exists_row = torch.arange(len(tgt)) % Q == self.qtypes.index("exists")
        per = Q
        if a["exists_extra"] > 0:
            sids, tgt, exists_row, per = self.with_exists_rows(ii, len(prefix), sids, tgt, exists_row, Q)
        tgt = drop_restyled_rows(tgt, restyled[:nb], per, self.qtypes.index("color"))
        logits = lm_shared_prefix(m, prefix, feats, sids, per)
        out["lm"] = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100)
        with torch.no_grad():
            first = (tgt != -100).float().argmax(1)
            r = torch.arange(len(first))
            out["train_acc"] = (logits[r, first].argmax(-1) == tgt[r, first]).float().mean()
        return out

    # -- loop
    def run(self, minutes=None, max_steps=None, stop_flag=None):
        a = self.a
        self.model.train()
        t_start = last_ckpt = last_eval = last_log = last_grow = time.time()
        agg, nagg = {}, 0
        while True:
            if self.stage_step >= self.lengths[self.stage]:
                if not self.end_stage():
                    break
                agg, nagg = {}, 0
                continue
            if (stop_flag and stop_flag["stop"]) or (minutes is not None and time.time() - t_start > minutes * 60):
                break
            if max_steps is not None and self.step >= max_steps:
                break
            t0 = time.time()
            lr = self.lr_now()
            for g in self.opt.param_groups:
                g["lr"] = lr * g.get("mult", 1.0)
            if self.stage == "text":
                out = self.text_losses()
            else:
                idx = self.rng.choice(self.train_idx, a["batch"], replace=False)
                out = self.image_losses(idx)
            loss = sum(v for k, v in out.items() if k != "train_acc")
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            params = [p for g in self.opt.param_groups for p in g["params"]]
            gn = torch.nn.utils.clip_grad_norm_(params, 1.0)
            self.opt.step()
            self.step += 1
            self.stage_step += 1
            self.samples += a["text_batch"] if self.stage == "text" else a["batch"]
            dt = time.time() - t0
            self.time_s += dt
            for k, v in out.items():
                agg[k] = agg.get(k, 0.0) + float(v)
            agg["loss"] = agg.get("loss", 0.0) + float(loss)
            agg["gnorm"] = agg.get("gnorm", 0.0) + float(gn)
            agg["step_s"] = agg.get("step_s", 0.0) + dt
            nagg += 1
            if time.time() - last_log > 60 or self.stage_step <= 2:
                rec = {"kind": "train", "stage": self.stage, "stage_step": self.stage_step, "step": self.step, "samples": self.samples, "time_s": round(self.time_s, 1), "lr": lr}
                rec.update({k: round(v / nagg, 4) for k, v in agg.items()})
                print(json.dumps(rec), flush=True)
                self.log(rec)
                agg, nagg, last_log = {}, 0, time.time()
            if self.stage in ("align", "finetune") and time.time() - last_eval > a["eval_every_min"] * 60:
                self.do_eval()
                last_eval = time.time()
            if self.growing and time.time() - last_grow > GROW_EVERY_MIN * 60:
                self.refresh_train()
                last_grow = time.time()
            if time.time() - last_ckpt > a["ckpt_every_min"] * 60:
                self.save()
                last_ckpt = time.time()
        self.save()


@torch.no_grad()
def text_eval(run_dir: str, n: int):
    """The text stage's own check: the LM answering from context words alone (corpus scenes,
    grid and sentence forms as in training, one question of each type per scene)."""
    from vlm.data import Spec
    from vlm.model import VLM, VLMConfig

    set_threads()
    ck = latest_checkpoint(run_dir)
    st = torch.load(ck, map_location="cpu")
    spec = Spec.from_json(st["spec"])
    tok = spec.tokenizer()
    m = VLM(VLMConfig.from_dict(st["config"]), tok.image_id)
    m.load_state_dict(st["model"])
    m.eval()
    c = Corpus(spec, tok, m.cfg.n_img, np.random.default_rng(12345), noise=st["args"].get("corpus_noise", 0.05))
    qt = spec.qtypes()
    ok = {t: 0 for t in qt}
    done = 0
    while done < n:
        b = min(50, n - done)
        pre, ctx, sids, tgt, per = c.batch(b, 0)
        logits = lm_shared_prefix(m, pre + [tok.image_id] * m.cfg.n_img, m.lm.embed(torch.from_numpy(ctx)), torch.from_numpy(sids), per)
        tg = torch.from_numpy(tgt)
        first = (tg != -100).float().argmax(1)
        r = torch.arange(len(first))
        hit = (logits[r, first].argmax(-1) == tg[r, first]).numpy().reshape(b, per)
        for j, t in enumerate(qt):
            ok[t] += int(hit[:, j].sum())
        done += b
    res = {"checkpoint": os.path.basename(ck), "stage": st["stage"], "stage_step": st["stage_step"], "n": n, **{t: round(ok[t] / n, 4) for t in qt}}
    print(json.dumps(res))


def init_groups(r: Recipe, path: str, groups: list[str]) -> None:
    """Start a new run with some parameter groups taken from another run (a new vision
    encoder under an already trained language model, say); every tensor of those groups
    must exist there with the same shape."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        sys.exit(f"--init: unknown group(s) {sorted(unknown)}; choose from {GROUPS}")
    src = torch.load(path, map_location="cpu")["model"]
    own = r.model.state_dict()
    take = {k: v for k, v in own.items() if group_of(k) in groups}
    for k, v in take.items():
        if k not in src or src[k].shape != v.shape:
            sys.exit(f"--init {path}: {k} is {'missing' if k not in src else tuple(src[k].shape)}, this run needs {tuple(v.shape)}")
        take[k] = src[k].to(v.dtype)
    r.model.load_state_dict({**own, **take})
    r.make_optimizer()  # stage_start = these weights
    print(f"initialised {','.join(groups)} ({len(take)} tensors) from {path}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", default="v2")
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--config", default=None)
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--max-steps", type=int)
    ap.add_argument("--synthetic", type=int)
    ap.add_argument("--runs-dir", default=RUNS)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--status", action="store_true", help="print the run's stage, step and evals, and exit")
    ap.add_argument("--text-eval", type=int, metavar="N", help="accuracy of the run's latest checkpoint on N fresh corpus scenes (seed 12345), per question type, and exit")
    ap.add_argument("--save-compact", metavar="PATH", help="write the run's latest checkpoint as fp16 weights + stage (no optimiser) to PATH, and exit")
    ap.add_argument("--init-compact", metavar="PATH", help="start a new run from such a file (weights, stage, step; a fresh optimiser)")
    ap.add_argument("--init", action="append", metavar="GROUPS=PATH", help="a new run takes these parameter groups (comma-separated, of %s) from a checkpoint or compact file, the rest start fresh; repeatable, e.g. --init lm=training/checkpoints/v2-compact.pt" % ",".join(GROUPS))
    ap.add_argument("--grow-train", action="store_true", help="if the train split is still being generated, train on the scenes written so far and take in new ones every %d min" % GROW_EVERY_MIN)
    for k, v in RECIPE.items():
        if k in ("config", "hold_out_style"):
            continue
        ap.add_argument("--" + k.replace("_", "-"), type=type(v) if v is not None else (float if k == "exists_distractors" else str), default=None)
    a = ap.parse_args()
    run_dir = os.path.join(a.runs_dir, a.run)
    if a.status:
        log = os.path.join(run_dir, "log.jsonl")
        lines = [json.loads(x) for x in open(log)] if os.path.exists(log) else []
        tr = [x for x in lines if x["kind"] == "train"]
        if tr:
            print(json.dumps(tr[-1]))
        for x in lines:
            if x["kind"] in ("eval", "stage_end"):
                print(json.dumps({k: v for k, v in x.items() if k != "per_style"}))
        return
    if a.text_eval:
        text_eval(run_dir, a.text_eval)
        return
    if a.save_compact:
        ck = latest_checkpoint(run_dir)
        if not ck:
            sys.exit(f"no checkpoint in {run_dir}")
        st = torch.load(ck, map_location="cpu")
        keep = ("config", "spec", "step", "samples", "time_s", "best", "stage", "stage_step", "run")
        out = {k: st[k] for k in keep}
        out["args"] = {k: v for k, v in st["args"].items() if k != "data_root"}
        out["model"] = {k: (v.half() if v.is_floating_point() else v) for k, v in st["model"].items()}
        out["compact_from"] = os.path.basename(ck)
        torch.save(out, a.save_compact)
        print(f"{ck} -> {a.save_compact} ({os.path.getsize(a.save_compact) / 1e6:.1f} MB; stage {st['stage']} {st['stage_step']}, step {st['step']})")
        return
    set_threads(a.threads)
    overrides = {k: getattr(a, k) for k in RECIPE if getattr(a, k, None) is not None}
    if a.config:
        overrides["config"] = a.config
    bad = set(overrides.get("style_aug_stages", RECIPE["style_aug_stages"]).split(",")) - set(STAGES)
    if bad:  # before anything is touched: a run's saved value was checked when it was given
        sys.exit(f"--style-aug-stages: unknown stage(s) {sorted(bad)}; choose from {STAGES}")
    tmp = None
    if a.synthetic:
        from vlm.common import CATEGORIES_TS
        from vlm.data import categories_from_ts

        tmp = tempfile.mkdtemp(prefix="headflow-recipe-")
        cats = categories_from_ts(CATEGORIES_TS)[:12]
        spec = placeholder_spec(cats)
        make_synthetic(os.path.join(tmp, "train"), a.synthetic, 1, spec)
        make_synthetic(os.path.join(tmp, "heldout"), max(32, a.synthetic // 4), 2, spec)
        overrides.update(data_root=tmp, train_split="train", eval_split="heldout", eval_offset=0)
    ckpt = latest_checkpoint(run_dir)
    if a.fresh and os.path.exists(run_dir):
        if ckpt and not a.force:
            sys.exit(f"{run_dir} has checkpoints; --force to overwrite")
        shutil.rmtree(run_dir)
        ckpt = None
    os.makedirs(run_dir, exist_ok=True)
    run_json = os.path.join(run_dir, "run.json")
    args = dict(RECIPE)
    if ckpt and os.path.exists(run_json):
        args.update(json.load(open(run_json))["args"])
        args.update({k: v for k, v in overrides.items() if k not in ("config", "seed", "spec")})
    else:
        args.update(overrides)
    args["data_root"] = args.get("data_root") or DATA_OUT
    if not args.get("spec"):
        d = os.path.join(args["data_root"], args["train_split"])
        if a.grow_train and not split_ready(d) and GrowingSplit.available(d):
            # The generator writes info.json last; every split of a generator version has the
            # same categories, styles and questions, so the evaluation split's spec is its spec.
            d = os.path.join(args["data_root"], args["eval_split"])
        if not split_ready(d):
            sys.exit(f"split not ready: {d}\n  run `npx tsx training/data/generate.ts --split {args['train_split']}` first")
        spec = spec_from_info(json.load(open(os.path.join(d, "info.json"))))
        spec.extra_texts = list(EXTRA_TEXTS)
        args["spec"] = spec.to_json()
    r = Recipe(args, run_dir, grow_train=a.grow_train)
    write_json(run_json, {"args": r.a, "config": r.cfg.to_dict(), "argv": sys.argv[1:], "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    if ckpt:
        r.load(ckpt)
    elif a.init_compact:
        st = torch.load(a.init_compact, map_location="cpu")
        r.model.load_state_dict({k: (v.float() if v.is_floating_point() else v) for k, v in st["model"].items()})
        r.step, r.samples, r.time_s, r.best = st["step"], st["samples"], st["time_s"], st["best"]
        r.stage, r.stage_step = st["stage"], st["stage_step"]
        r.make_optimizer()  # fresh optimiser moments; stage_start = these weights
        print(f"initialised from {a.init_compact}: stage {r.stage} {r.stage_step}, step {r.step}", flush=True)
    elif a.init:
        for spec_ in a.init:
            groups, sep, path = spec_.partition("=")
            if not sep or not path:
                sys.exit(f"--init {spec_!r}: expected GROUPS=PATH, e.g. lm=training/checkpoints/v2-compact.pt")
            init_groups(r, path, groups.split(","))
    flag = {"stop": False}

    def on_signal(sig, frame):
        print(f"signal {sig}: saving and stopping", flush=True)
        flag["stop"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    r.run(minutes=a.minutes, max_steps=a.max_steps, stop_flag=flag)
    if a.synthetic:
        r.do_eval()
        if not os.path.exists(os.path.join(run_dir, "best.pt")):
            r.save("best.pt")
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"stopped at step {r.step} (stage {r.stage} {r.stage_step}/{r.lengths[r.stage]}, {r.time_s / 60:.1f} train-min)", flush=True)


if __name__ == "__main__":
    main()
