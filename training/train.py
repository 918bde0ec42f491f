#!/usr/bin/env python3
"""Train the HeadFlow demo VLM (resumable).

    npm run model:train                          # resume the latest run (or start "main")
    /usr/bin/python3 training/train.py --fresh --run NAME [--config tiny|base]
    /usr/bin/python3 training/train.py --hold-out-style openmoji   # run "holdout-openmoji"
    /usr/bin/python3 training/train.py --synthetic 256 --config tiny --steps 5   # smoke

Each step: a batch of images through the vision encoder with the auxiliary losses
(per-patch category incl. background, category, presence of every category, background
colour, position); after `--lm-start` steps also the LM loss on all question types of
every image (the `USER : <image>*64` prefix computed once, its cache shared by the
question continuations). Checkpoints (model, optimiser, step, RNG) every few minutes in
training/runs/<run>/, log lines in log.jsonl, `best.pt` = best held-out score so far.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Passive OpenMP waiting: on this shared 2-core machine, spinning threads burnt ~4x the CPU
# time per step (measured 7.3 vs 1.7 CPU-s). Must be set before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from vlm.common import DATA_OUT, RUNS, latest_checkpoint, latest_run, set_threads, split_ready, write_json  # noqa: E402
from vlm.data import Encoded, GrowingSplit, Spec, Split, make_synthetic, placeholder_spec, spec_from_info  # noqa: E402
from vlm.evaluate import evaluate, lm_shared_prefix, prefix_and_suffixes  # noqa: E402
from vlm.model import CONFIGS, VLM, VLMConfig, count_params  # noqa: E402

DEFAULTS = dict(
    config="base",
    batch=48,
    lr=1.5e-3,
    min_lr_frac=0.05,
    weight_decay=0.05,
    warmup=300,
    steps=3000,  # length of the first cosine cycle; later cycles are 2x longer (warm restarts)
    restart_peak=0.5,
    anneal_from=0,  # with anneal_to: from this step, cosine-decay the scheduled lr to the floor by anneal_to
    anneal_to=0,  # (ends the current warm-restart cycle early, e.g. to finish within a session)
    lm_start=0,
    lm_questions=4,
    lm_batch=16,  # images per step that also go through the LM (all question types each)
    aux_weight=1.0,
    w_present=0.2,
    w_word=1.0,  # image tokens -> LM head: category word (object patches) / colour word (background)
    w_color=0.5,
    w_position=0.5,
    w_exists=1.0,  # LM loss weight of the exists question (its yes/no must be learned from the LM samples alone)
    w_tie=0.0,  # pull each category word's input embedding towards its output-head direction (see tie_category_words)
    style_weights="",  # e.g. "fluent-emoji-high-contrast=2": sample that style's scenes 2x as often
    distractor_patches=0,  # 1: patch-level losses name distractors too (else their patches count as background)
    w_distractor_patch=1.0,  # weight of distractor patches in those losses
    exists_extra=0,  # extra exists questions per LM image, drawn from the scene's `present` vector
    exists_distractors=None,  # P(a "present" extra question asks about a distractor, when the scene has one); None: uniform
    patch_fg=0.25,
    eval_every_min=15.0,
    eval_n=500,
    ckpt_every_min=5.0,
    keep_from=0,  # keep every checkpoint from this step on in <run>/snapshots/ (for training/average.py); 0: off
    seed=1,
    hold_out_style=None,
    train_limit=0,  # use only the first N training scenes (0 = all); dev experiments
    eval_offset=0,  # evaluate on held-out scenes from this index on
    train_split="train",
    eval_split="heldout",
    data_root=DATA_OUT,
)


def lr_at(step, a):
    frm, to = a.get("anneal_from") or 0, a.get("anneal_to") or 0
    if to > frm > 0 and step >= frm:
        lo, start = a["lr"] * a["min_lr_frac"], scheduled_lr(frm, a)
        t = min(1.0, (step - frm) / (to - frm))
        return lo + (start - lo) * 0.5 * (1 + math.cos(math.pi * t))
    return scheduled_lr(step, a)


def scheduled_lr(step, a):
    if step < a["warmup"]:
        return a["lr"] * (step + 1) / a["warmup"]
    s, n, peak = step - a["warmup"], a["steps"] - a["warmup"], a["lr"]
    while s >= n:  # warm restarts: each cycle twice as long, lower peak
        s -= n
        n *= 2
        peak *= a["restart_peak"]
    lo = a["lr"] * a["min_lr_frac"]
    return lo + (peak - lo) * 0.5 * (1 + math.cos(math.pi * s / n))


def param_groups(model, wd):
    decay, no = [], []
    for n, p in model.named_parameters():
        (decay if p.dim() >= 2 and "pos" not in n else no).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}]


class Trainer:
    def __init__(self, a: dict, run_dir: str, grow_train: bool = False):
        """`grow_train`: train on a train split the generator is still writing (GrowingSplit)
        when it is not complete yet; `refresh_train` takes in the newer scenes."""
        self.a = a
        self.run_dir = run_dir
        tr = os.path.join(a["data_root"], a["train_split"])
        hs = a.get("hold_out_style")
        if hs and split_ready(os.path.join(a["data_root"], f"train-no-{hs}")):
            tr = os.path.join(a["data_root"], f"train-no-{hs}")
        ev = os.path.join(a["data_root"], a["eval_split"])
        self.train_dir = tr
        self.growing = grow_train and not split_ready(tr) and GrowingSplit.available(tr)
        for d in (ev,) if self.growing else (tr, ev):
            if not split_ready(d):
                sys.exit(f"split not ready (no DONE/info.json): {d}\n  run `npm run model:data` first")
        cache = os.path.join(RUNS, "cache") if a["data_root"] == DATA_OUT else None
        spec = Spec.from_json(a["spec"]) if a.get("spec") else spec_from_info(json.load(open(os.path.join(tr, "info.json"))))
        a["spec"] = spec.to_json()
        self.spec = spec
        t0 = time.time()
        self.cache = cache
        self.heldout = Split(ev, spec, cache)
        self.train = GrowingSplit(tr, spec, self.heldout.size) if self.growing else Split(tr, spec, cache)
        self.tok = spec.tokenizer()
        cfg = VLMConfig(
            vocab_size=len(self.tok.vocab),
            n_categories=len(spec.categories),
            n_colors=len(spec.answers("color")),
            n_positions=len(spec.answers("position")),
            **CONFIGS[a["config"]],
        )
        self.cfg = cfg
        self.enc_train = Encoded(self.train, self.tok, cfg.n_img)
        self.enc_eval = Encoded(self.heldout, self.tok, cfg.n_img)
        idx = np.arange(a["train_limit"] or self.train.n)
        if hs:
            si = spec.styles.index(hs)
            keep = self.train.style[: self.train.n] != si
            # also drop scenes with a distractor drawn in the held-out style
            keep &= self.train.dstyle[: self.train.n, si] == 0
            idx = idx[keep]
        self.train_idx = idx
        self.train_p = self.style_sampling(idx, a.get("style_weights") or "")
        grown = " so far (the generator is still writing it)" if self.growing else ""
        print(f"data: train {len(idx)} scenes{grown}, eval {self.heldout.n} ({time.time() - t0:.1f}s)", flush=True)
        torch.manual_seed(a["seed"])
        self.model = VLM(cfg, self.tok.image_id)
        self.opt = torch.optim.AdamW(param_groups(self.model, a["weight_decay"]), lr=a["lr"], betas=(0.9, 0.98), eps=1e-8)
        self.rng = np.random.default_rng(a["seed"])
        self.step = 0
        self.samples = 0
        self.time_s = 0.0
        self.best = -1.0
        self.tied = False
        self._exists_cache = {}
        self.qtypes = self.enc_train.qtypes
        self.cat_word = np.asarray([self.tok.ids[c] for c in spec.categories], dtype=np.int64)
        self.color_word = np.asarray([self.tok.ids[c] for c in spec.answers("color")], dtype=np.int64)
        print(f"model: {count_params(self.model):,} params (exported part), vocab {cfg.vocab_size}", flush=True)


    def refresh_train(self):
        """With a growing train split: take in the scenes written since the last call, or the
        finished split once the generator is done. Only the plain sampling (no style
        hold-out, no style weights, no train_limit) is supported while growing."""
        if not self.growing:
            return
        try:
            if split_ready(self.train_dir):
                self.train = Split(self.train_dir, self.spec, self.cache)
                self.growing = False
            else:
                self.train.grow()
        except FileNotFoundError:  # renamed into place between the check and the read
            return
        self.enc_train = Encoded(self.train, self.tok, self.cfg.n_img)
        self.train_idx = np.arange(self.train.n)
        self.train_p = None
        state = "still growing" if self.growing else "complete"
        print(f"data: train {self.train.n} scenes ({state})", flush=True)
    def exists_rows(self, idx):
        """`exists_extra` more exists continuations (suffix ids + answer + eos) per image: half
        about categories in the scene (main object or a distractor), half about absent ones.
        They share the image's prefix, so each costs only its ~16 suffix tokens."""
        k = self.a["exists_extra"]
        pd = self.a.get("exists_distractors")
        tmpl = next(q["template"] for q in self.spec.questions if q["id"] == "exists")
        yes, no = self.tok.ids["yes"], self.tok.ids["no"]
        rows = []
        for i in idx:
            present = np.flatnonzero(self.train.present[i])
            absent = np.flatnonzero(self.train.present[i] == 0)
            distractors = present[present != self.train.category[i]]
            out = []
            for r in range(k):
                ask_present = r % 2 == 0 and len(present) > 0
                if ask_present and pd is not None and len(distractors):
                    c = int(self.rng.choice(distractors if self.rng.random() < pd else [self.train.category[i]]))
                else:
                    c = int(self.rng.choice(present if ask_present else absent))
                key = self.spec.categories[c]
                if key not in self._exists_cache:
                    self._exists_cache[key] = self.tok.chat_ids(tmpl.replace("{category}", key), self.cfg.n_img)
                out.append((self._exists_cache[key], yes if ask_present else no))
            rows.append(out)
        return rows

    def style_sampling(self, idx, weights: str):
        """Sampling probabilities over `idx` from "style=w,style=w" (None = uniform)."""
        if not weights:
            return None
        w = np.ones(len(self.spec.styles))
        for part in weights.split(","):
            name, _, val = part.partition("=")
            if name not in self.spec.styles:
                sys.exit(f"--style-weights: unknown style {name!r} (styles: {', '.join(self.spec.styles)})")
            w[self.spec.styles.index(name)] = float(val)
        # style -1: a style the spec does not list (train-dr's training-only extra styles), weight 1
        p = np.append(w, 1.0)[self.train.style[idx]]
        return p / p.sum()

    def with_exists_rows(self, idx, P, sids, tgt, exists_row, nq):
        """Interleave the extra exists rows after each image's standard rows (image-major, as
        lm_shared_prefix expects), re-padded to one length."""
        extra = self.exists_rows(idx)
        k = self.a["exists_extra"]
        rows_ids, rows_tgt, is_exists = [], [], []
        for b, out in enumerate(extra):
            for j in range(nq):
                r = b * nq + j
                rows_ids.append(sids[r].tolist())
                rows_tgt.append(tgt[r].tolist())
                is_exists.append(bool(exists_row[r]))
            for prompt, ans in out:
                s = prompt[P:] + [ans, self.tok.eos_id]
                t = [-100] * len(s)
                t[len(s) - 3] = ans
                t[len(s) - 2] = self.tok.eos_id
                rows_ids.append(s)
                rows_tgt.append(t)
                is_exists.append(True)
        T = max(len(r) for r in rows_ids)
        ids = np.full((len(rows_ids), T), self.tok.pad_id, dtype=np.int64)
        tg = np.full((len(rows_ids), T), -100, dtype=np.int64)
        for r, (s, t) in enumerate(zip(rows_ids, rows_tgt)):
            ids[r, : len(s)] = s
            tg[r, : len(t)] = t
        return torch.from_numpy(ids), torch.from_numpy(tg), torch.tensor(is_exists), nq + k

    def tie_category_words(self):
        """Start each category word's input embedding on the direction its image patches are
        trained to take (the word-alignment loss reads image tokens through ln_f and the head).
        Until then the exists question's category word has to be matched against the image by
        an association learned from the exists samples alone, which stayed at chance."""
        lm = self.model.lm
        with torch.no_grad():
            cw = torch.from_numpy(self.cat_word)
            target = lm.head.weight[cw] * lm.ln_f.weight
            norm = lm.embed.weight.norm(dim=1).mean()
            lm.embed.weight[cw] = target / target.norm(dim=1, keepdim=True) * norm
        print(f"tied {len(cw)} category-word embeddings to their output directions", flush=True)

    def tie_loss(self):
        lm = self.model.lm
        cw = torch.from_numpy(self.cat_word)
        target = (lm.head.weight[cw] * lm.ln_f.weight).detach()
        return self.a["w_tie"] * (1 - F.cosine_similarity(lm.embed.weight[cw], target, dim=1)).mean()

    # -- checkpoints
    def state(self):
        return {
            "config": self.cfg.to_dict(),
            "spec": self.spec.to_json(),
            "args": self.a,
            "model": self.model.state_dict(),
            "opt": self.opt.state_dict(),
            "step": self.step,
            "samples": self.samples,
            "time_s": self.time_s,
            "best": self.best,
            "rng_np": self.rng.bit_generator.state,
            "rng_torch": torch.get_rng_state(),
            "rng_py": random.getstate(),
            "run": os.path.basename(self.run_dir),
            "tied": self.tied,
        }

    def save(self, name=None):
        name = name or f"ckpt-{self.step:08d}.pt"
        p = os.path.join(self.run_dir, name)
        torch.save(self.state(), p + ".tmp")
        os.replace(p + ".tmp", p)
        if name.startswith("ckpt-"):
            if 0 < self.a.get("keep_from", 0) <= self.step:
                os.makedirs(os.path.join(self.run_dir, "snapshots"), exist_ok=True)
                snap = os.path.join(self.run_dir, "snapshots", name)
                if not os.path.exists(snap):
                    os.link(p, snap)  # a hard link: the pruning below removes only the run dir's name
            olds = sorted(f for f in os.listdir(self.run_dir) if f.startswith("ckpt-") and f.endswith(".pt"))
            for f in olds[:-2]:
                os.remove(os.path.join(self.run_dir, f))
        return p

    def load(self, p):
        st = torch.load(p, map_location="cpu")
        self.model.load_state_dict(st["model"])
        self.opt.load_state_dict(st["opt"])
        self.step, self.samples, self.time_s, self.best = st["step"], st["samples"], st["time_s"], st["best"]
        self.rng.bit_generator.state = st["rng_np"]
        torch.set_rng_state(st["rng_torch"])
        random.setstate(st["rng_py"])
        self.tied = st.get("tied", False)
        print(f"resumed {p} at step {self.step}", flush=True)

    def log(self, rec):
        with open(os.path.join(self.run_dir, "log.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    def patch_categories(self, idx):
        """[B,N] category drawn on each patch, -1 for background: the main object where it
        covers at least `patch_fg` of the patch, a distractor (box-based) where the main
        object does not, or where the distractor is drawn in front of it. Also [B,N] loss
        weights: `w_distractor_patch` on distractor patches (about 8% of all), 1 elsewhere."""
        tr = self.train
        cov = torch.from_numpy(tr.coverage[idx].astype(np.float32))
        main = torch.from_numpy(tr.category[idx].astype(np.int64))[:, None].expand_as(cov)
        label = torch.where(cov >= self.a["patch_fg"], main, torch.full_like(main, -1))
        weight = torch.ones_like(cov)
        if self.a.get("distractor_patches"):
            d = torch.from_numpy(tr.dpatch[idx].astype(np.int64))
            use = (d >= 0) & ((label < 0) | torch.from_numpy(tr.dfront[idx]))
            label = torch.where(use, d, label)
            weight[use] = self.a.get("w_distractor_patch", 1.0)
        return label, weight

    # -- one step
    def losses(self, idx):
        a, cfg, m = self.a, self.cfg, self.model
        tr = self.train
        px = torch.from_numpy(tr.pixels(idx))
        vt = m.vision(px)  # [B,N,v]
        plabel, pw = self.patch_categories(idx)  # what each patch shows, and its loss weight
        out = {}
        if cfg.aux and a["aux_weight"] > 0:
            cat = torch.from_numpy(tr.category[idx].astype(np.int64))
            ptgt = torch.where(plabel >= 0, plabel, torch.full_like(plabel, cfg.n_categories))
            ce = F.cross_entropy(m.aux_patch(vt).reshape(-1, cfg.n_categories + 1), ptgt.reshape(-1), reduction="none")
            out["patch"] = (ce * pw.reshape(-1)).mean()
            pooled = vt.mean(1)
            out["cat"] = F.cross_entropy(m.aux_cat(pooled), cat)
            pres = torch.from_numpy(tr.present[idx].astype(np.float32))
            out["present"] = a["w_present"] * F.binary_cross_entropy_with_logits(m.aux_present(pooled), pres, reduction="sum") / len(idx)
            for t, head in (("color", m.aux_color), ("position", m.aux_pos)):
                if t in self.enc_train.aux:
                    y = torch.from_numpy(self.enc_train.aux[t][idx])
                    if (y >= 0).any():
                        out[t] = a["w_" + t] * F.cross_entropy(head(pooled), y, ignore_index=-100)
        feats_all = None
        if a.get("w_word", 0) > 0:
            # Word alignment: every projected image token, read through the LM's final norm and
            # output head, should name what covers its patch (the category word) or, for
            # background patches, the background colour word. The LM then only has to move
            # this information to the answer position.
            feats_all = m.projector(vt)
            wl = m.lm.head(m.lm.ln_f(feats_all))  # [B,N,V]
            cw = torch.from_numpy(self.cat_word)[plabel.clamp(min=0)]
            bw = torch.from_numpy(self.color_word[np.maximum(self.enc_train.aux["color"][idx], 0)])
            tgt = torch.where(plabel >= 0, cw, bw[:, None].expand_as(plabel))
            out["word"] = a["w_word"] * (F.cross_entropy(wl.reshape(-1, wl.shape[-1]), tgt.reshape(-1), reduction="none") * pw.reshape(-1)).mean()
        if self.step >= a["lm_start"]:
            nb = min(a["lm_batch"] or len(idx), len(idx))
            idx = idx[:nb]
            feats = feats_all[:nb] if feats_all is not None else m.projector(vt[:nb])
            Q = len(self.qtypes)
            nq = min(a["lm_questions"], Q)
            qsel = [sorted(self.rng.choice(Q, nq, replace=False)) if nq < Q else list(range(Q)) for _ in idx]
            prefix, sids, tgt, _ = prefix_and_suffixes(self.tok, self.enc_train, idx, qsel, cfg.n_img)
            if nq < Q:
                raise NotImplementedError("lm_questions < number of question types")
            per_image = nq
            exists_row = torch.arange(len(tgt)) % nq == self.qtypes.index("exists") if "exists" in self.qtypes else torch.zeros(len(tgt), dtype=torch.bool)
            if a.get("exists_extra", 0) > 0:
                sids, tgt, exists_row, per_image = self.with_exists_rows(idx, len(prefix), sids, tgt, exists_row, nq)
            logits = lm_shared_prefix(m, prefix, feats, sids, per_image)
            ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100, reduction="none").reshape(tgt.shape)
            row_w = torch.ones(len(tgt))
            if a.get("w_exists", 1.0) != 1.0:
                row_w[exists_row] = a["w_exists"]
            out["lm"] = (ce * row_w[:, None]).sum() / (tgt != -100).sum()
            with torch.no_grad():
                mask = tgt != -100
                first = mask.float().argmax(1)
                pred = logits[torch.arange(len(first)), first].argmax(-1)
                out["train_acc"] = (pred == tgt[torch.arange(len(first)), first]).float().mean()
        if a.get("w_tie", 0) > 0:
            out["tie"] = self.tie_loss()
        return out

    def run(self, minutes=None, max_steps=None, stop_flag=None):
        a = self.a
        self.model.train()
        t_start = time.time()
        last_ckpt = last_eval = time.time()
        last_log = time.time()
        agg, nagg = {}, 0
        while True:
            if stop_flag and stop_flag["stop"]:
                break
            if minutes is not None and time.time() - t_start > minutes * 60:
                break
            if max_steps is not None and self.step >= max_steps:
                break
            t0 = time.time()
            lr = lr_at(self.step, a)
            for g in self.opt.param_groups:
                g["lr"] = lr
            if self.train_p is None:
                idx = self.rng.choice(self.train_idx, a["batch"], replace=False)
            else:
                idx = self.rng.choice(self.train_idx, a["batch"], replace=True, p=self.train_p)
            out = self.losses(idx)
            loss = sum(v for k, v in out.items() if k != "train_acc" and k != "lm") * a["aux_weight"] + out.get("lm", 0.0)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self.step += 1
            self.samples += len(idx)
            dt = time.time() - t0
            self.time_s += dt
            for k, v in out.items():
                agg[k] = agg.get(k, 0.0) + float(v)
            agg["loss"] = agg.get("loss", 0.0) + float(loss)
            agg["gnorm"] = agg.get("gnorm", 0.0) + float(gn)
            agg["step_s"] = agg.get("step_s", 0.0) + dt
            nagg += 1
            if time.time() - last_log > 60 or self.step <= 2 or (max_steps and self.step >= max_steps):
                rec = {"kind": "train", "step": self.step, "samples": self.samples, "time_s": round(self.time_s, 1), "lr": lr}
                rec.update({k: round(v / nagg, 4) for k, v in agg.items()})
                print(json.dumps(rec), flush=True)
                self.log(rec)
                agg, nagg, last_log = {}, 0, time.time()
            if time.time() - last_eval > a["eval_every_min"] * 60:
                self.do_eval()
                last_eval = time.time()
            if time.time() - last_ckpt > a["ckpt_every_min"] * 60:
                self.save()
                last_ckpt = time.time()
        self.save()

    def do_eval(self, n=None):
        t0 = time.time()
        n = n or self.a["eval_n"]
        off = self.a.get("eval_offset", 0)
        res, _ = evaluate(self.model, self.heldout, self.enc_eval, self.tok, indices=np.arange(off, min(off + n, self.heldout.n)))
        rec = {"kind": "eval", "step": self.step, "samples": self.samples, "time_s": round(self.time_s, 1), "eval_s": round(time.time() - t0, 1)}
        rec.update(res)
        print(json.dumps({k: v for k, v in rec.items() if k != "per_style"}), flush=True)
        print("  per style object acc: " + ", ".join(f"{s}={v['object']:.3f}" for s, v in res["per_style"].items()), flush=True)
        self.log(rec)
        if res["score"] > self.best:
            self.best = res["score"]
            self.save("best.pt")
        return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", help="run name (default: latest run, else 'main')")
    ap.add_argument("--fresh", action="store_true", help="start a new run (refuses to overwrite unless --force)")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--config", choices=sorted(CONFIGS))
    ap.add_argument("--hold-out-style", help="train without this style (run 'holdout-<style>')")
    ap.add_argument("--minutes", type=float, help="stop after this many minutes (checkpoint saved)")
    ap.add_argument("--max-steps", type=int, help="stop at this step")
    ap.add_argument("--synthetic", type=int, help="train on N synthetic scenes in a temp dir (smoke test)")
    ap.add_argument("--runs-dir", default=RUNS)
    ap.add_argument("--eval-only", action="store_true", help="evaluate the run's best.pt on --eval-n scenes")
    ap.add_argument("--threads", type=int)
    for k, v in DEFAULTS.items():
        if k in ("config", "hold_out_style"):
            continue
        ap.add_argument("--" + k.replace("_", "-"), type=type(v) if v is not None else (float if k == "exists_distractors" else str), default=None)
    a = ap.parse_args()
    set_threads(a.threads)

    overrides = {k: getattr(a, k) for k in DEFAULTS if getattr(a, k, None) is not None}
    if a.hold_out_style:
        overrides["hold_out_style"] = a.hold_out_style
    if a.config:
        overrides["config"] = a.config

    tmp = None
    if a.synthetic:
        tmp = tempfile.mkdtemp(prefix="headflow-synth-")
        from vlm.common import CATEGORIES_TS
        from vlm.data import categories_from_ts

        cats = categories_from_ts(CATEGORIES_TS)[:12] if os.path.exists(CATEGORIES_TS) else [f"thing{i}" for i in range(12)]
        spec = placeholder_spec(cats)
        make_synthetic(os.path.join(tmp, "train"), a.synthetic, 1, spec)
        make_synthetic(os.path.join(tmp, "heldout"), max(32, a.synthetic // 4), 2, spec)
        overrides.update(data_root=tmp, train_split="train", eval_split="heldout")

    os.makedirs(a.runs_dir, exist_ok=True)
    name = a.run
    if not name:
        if a.hold_out_style:
            name = f"holdout-{a.hold_out_style}"
        elif not a.fresh:
            lr = latest_run(a.runs_dir)
            name = os.path.basename(lr) if lr and not os.path.basename(lr).startswith("holdout-") else "main"
        else:
            name = "main"
    run_dir = os.path.join(a.runs_dir, name)
    ckpt = latest_checkpoint(run_dir)
    if a.fresh and os.path.exists(run_dir):
        if not a.force and ckpt:
            sys.exit(f"{run_dir} exists with checkpoints; use --force to overwrite or another --run name")
        shutil.rmtree(run_dir)
        ckpt = None
    os.makedirs(run_dir, exist_ok=True)
    run_json = os.path.join(run_dir, "run.json")
    if os.path.exists(run_json) and ckpt:
        args = dict(DEFAULTS)
        args.update(json.load(open(run_json))["args"])
        args.update({k: v for k, v in overrides.items() if k not in ("config", "hold_out_style", "seed")})
    else:
        args = dict(DEFAULTS)
        args.update(overrides)
    args["data_root"] = args.get("data_root") or DATA_OUT

    tr = Trainer(args, run_dir)
    write_json(run_json, {"args": tr.a, "config": tr.cfg.to_dict(), "argv": sys.argv[1:], "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    if ckpt:
        tr.load(ckpt)
    if tr.a.get("w_tie", 0) > 0 and not tr.tied:
        tr.tie_category_words()
        tr.tied = True
    if a.eval_only:
        best = os.path.join(run_dir, "best.pt")
        if os.path.exists(best):
            tr.model.load_state_dict(torch.load(best, map_location="cpu")["model"])
        tr.do_eval(n=a.eval_n or tr.heldout.n)
        return
    flag = {"stop": False}

    def on_signal(sig, frame):
        print(f"signal {sig}: saving and stopping", flush=True)
        flag["stop"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    tr.run(minutes=a.minutes, max_steps=a.max_steps, stop_flag=flag)
    if a.synthetic:
        tr.do_eval()
        if not os.path.exists(os.path.join(run_dir, "best.pt")):
            tr.save("best.pt")
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"stopped at step {tr.step} ({tr.samples} samples, {tr.time_s / 60:.1f} train-min)", flush=True)


if __name__ == "__main__":
    main()
