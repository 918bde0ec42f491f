"""Accuracy of the VLM on a split: per question type, and main-object accuracy per style.

The image + `USER :` prefix is computed once per image and its key/value cache is shared
by the four question continuations (mathematically the same as four whole-sequence passes).
"""

from __future__ import annotations

import numpy as np
import torch

from .data import Encoded, Split


def prefix_and_suffixes(tok, enc: Encoded, idx, qsel_per_image, n_img, with_answer=True):
    """Split each chat sequence into the shared prefix (`USER : <image>*N`) and the suffix
    (question + `ASSISTANT :` [+ answer + <eos>]). Returns prefix ids [P], suffix ids
    [B*Q, Ts] (right-padded), targets (-100 = none), answer positions (index into the suffix)."""
    pre = enc.prompts[idx[0]][0]
    P = pre.index(tok.image_id) + n_img
    prefix = pre[:P]
    rows, tgts, apos = [], [], []
    for i, qs in zip(idx, qsel_per_image):
        for j in qs:
            p = enc.prompts[i][j]
            assert p[:P] == prefix
            s = p[P:]
            a = len(s) - 1
            if with_answer:
                s = s + [int(enc.answer[i, j]), tok.eos_id]
            rows.append(s)
            apos.append(a)
    T = max(len(s) for s in rows)
    ids = np.full((len(rows), T), tok.pad_id, dtype=np.int64)
    tgt = np.full((len(rows), T), -100, dtype=np.int64)
    for r, s in enumerate(rows):
        ids[r, : len(s)] = s
        if with_answer:
            tgt[r, apos[r]] = s[apos[r] + 1]
            tgt[r, apos[r] + 1] = s[apos[r] + 2]
    return prefix, torch.from_numpy(ids), torch.from_numpy(tgt), np.asarray(apos)


def lm_shared_prefix(model, prefix_ids, image_features, suffix_ids, Q):
    """Logits [B*Q, Ts, V] of the suffixes, the prefix (with the image) computed once per image."""
    B = image_features.shape[0]
    P = len(prefix_ids)
    pid = torch.tensor(prefix_ids).unsqueeze(0).expand(B, P)
    emb = model.merge(pid, image_features)
    pos = torch.arange(P).unsqueeze(0).expand(B, P)
    _, presents, _ = model.lm(emb, torch.ones(B, P, dtype=torch.long), pos)
    past = [(k.repeat_interleave(Q, 0), v.repeat_interleave(Q, 0)) for k, v in presents]
    N, Ts = suffix_ids.shape
    semb = model.embed_tokens(suffix_ids)
    spos = (torch.arange(Ts) + P).unsqueeze(0).expand(N, Ts)
    logits, _, _ = model.lm(semb, torch.ones(N, P + Ts, dtype=torch.long), spos, past=past)
    return logits


@torch.no_grad()
def evaluate(model, split: Split, enc: Encoded, tok, n=None, batch=64, indices=None, log_every=0):
    model.eval()
    cfg = model.cfg
    Q = len(enc.qtypes)
    idx_all = np.asarray(indices) if indices is not None else np.arange(min(n or split.n, split.n))
    correct = np.zeros((len(idx_all), Q), dtype=bool)
    pred_ids = np.zeros((len(idx_all), Q), dtype=np.int64)
    aux_ok = np.zeros(len(idx_all), dtype=bool)
    for b0 in range(0, len(idx_all), batch):
        idx = idx_all[b0 : b0 + batch]
        px = torch.from_numpy(split.pixels(idx))
        vt = model.vision(px)
        feats = model.projector(vt)
        if hasattr(model, "aux_cat"):
            aux_ok[b0 : b0 + len(idx)] = model.aux_cat(vt.mean(1)).argmax(-1).numpy() == split.category[idx]
        prefix, sids, _, apos = prefix_and_suffixes(tok, enc, idx, [range(Q)] * len(idx), cfg.n_img, with_answer=False)
        logits = lm_shared_prefix(model, prefix, feats, sids, Q)
        pred = logits[torch.arange(len(apos)), torch.from_numpy(apos)].argmax(-1).numpy().reshape(len(idx), Q)
        pred_ids[b0 : b0 + len(idx)] = pred
        correct[b0 : b0 + len(idx)] = pred == enc.answer[idx]
        if log_every and (b0 // batch) % log_every == 0:
            print(f"  eval {b0 + len(idx)}/{len(idx_all)}", flush=True)
    res = {"n": int(len(idx_all)), "aux_cat": float(aux_ok.mean())}
    for j, t in enumerate(enc.qtypes):
        res[f"acc_{t}"] = float(correct[:, j].mean())
    jo = enc.qtypes.index("object")
    styles = split.style[idx_all]
    per_style = {}
    for si, s in enumerate(split.spec.styles):
        m = styles == si
        if m.any():
            per_style[s] = {"n": int(m.sum()), "object": float(correct[m, jo].mean())}
            for j, t in enumerate(enc.qtypes):
                per_style[s][t] = float(correct[m, j].mean())
    res["per_style"] = per_style
    res["min_style_object"] = min(v["object"] for v in per_style.values()) if per_style else 0.0
    res["score"] = float(np.mean([res[f"acc_{t}"] for t in enc.qtypes]) + res["acc_object"] + res["min_style_object"]) / 3
    model.train()
    return res, pred_ids
