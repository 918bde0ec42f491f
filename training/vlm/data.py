"""Reading the generator's splits (docs/BUNDLE.md "Dataset files") and a tiny synthetic
stand-in in the same format (for the CI smoke test and for development before the real
data exists)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field

import numpy as np

from .tokenizer import WordTokenizer

OBJECT_QUESTION = "What is the main object in the image? Answer with one word."
QTYPES = ["object", "color", "position", "exists"]


# ---------------------------------------------------------------------------------------
# The data-set spec (categories, styles, question templates and answer words) from info.json


@dataclass
class Spec:
    categories: list
    styles: list
    questions: list  # [{id, template, answers: "categories" | [words]}]
    # texts whose words join the vocabulary (the text-pretraining corpus of training/recipe.py)
    extra_texts: list = field(default_factory=list)

    def answers(self, qid) -> list:
        for q in self.questions:
            if q["id"] == qid:
                a = q["answers"]
                return list(self.categories) if a == "categories" else list(a)
        raise KeyError(qid)

    def qtypes(self) -> list:
        return [q["id"] for q in self.questions]

    def tokenizer(self) -> WordTokenizer:
        texts = []
        for q in self.questions:
            t = q["template"]
            if "{category}" in t:
                texts += [t.replace("{category}", c) for c in self.categories]
            else:
                texts.append(t)
        answers = []
        for q in self.questions:
            answers += self.answers(q["id"])
        return WordTokenizer.build(texts + list(self.extra_texts), answers)

    def to_json(self):
        d = dict(categories=self.categories, styles=self.styles, questions=self.questions)
        if self.extra_texts:
            d["extra_texts"] = list(self.extra_texts)
        return d

    @staticmethod
    def from_json(d) -> "Spec":
        return Spec(list(d["categories"]), list(d["styles"]), list(d["questions"]), list(d.get("extra_texts") or []))

    @staticmethod
    def from_manifest(man) -> "Spec":
        """The spec a bundle's headflow.json describes (`extraTexts`: see docs/BUNDLE.md)."""
        return Spec(list(man["categories"]), list(man["styles"]), list(man["questions"]), list(man.get("extraTexts") or []))


def _names(xs):
    return [x if isinstance(x, str) else (x.get("name") or x.get("id")) for x in xs]


def spec_from_info(info: dict) -> Spec:
    """Accepts the generator's info.json. Question entries may be a list of
    {type|id, template|question, answers} or a dict type -> template|{template, answers}."""
    cats = _names(info["categories"])
    styles = _names(info["styles"])
    qs = info.get("questions") or info.get("questionTemplates") or info.get("templates")
    out = []
    items = qs.items() if isinstance(qs, dict) else [(q.get("type") or q.get("id"), q) for q in qs]
    for qid, q in items:
        if isinstance(q, str):
            q = {"template": q}
        tmpl = q.get("template") or q.get("question")
        ans = q.get("answers")
        if ans is None:
            ans = "categories" if qid == "object" else None
        if isinstance(ans, dict):
            ans = list(ans)
        out.append({"id": qid, "template": tmpl, "answers": ans})
    return Spec(cats, styles, out)


# ---------------------------------------------------------------------------------------


def distractor_patches(distractors, cat_ix, size, grid, min_overlap=0.4):
    """Per patch (row-major): the category of a distractor whose box covers at least
    `min_overlap` of the patch (-1: none), and whether that distractor is drawn in front of
    the main object. The generator stores alpha coverage for the main object only; a box is a
    coarse stand-in, good enough to tell the patch-level losses that a small object sits
    there instead of calling its patches background (which taught the model to overlook
    distractors: "Is there a <distractor>?" was answered "no" 98% of the time)."""
    cell = size / grid
    label = np.full(grid * grid, -1, dtype=np.int16)
    front = np.zeros(grid * grid, dtype=bool)
    lo = np.arange(grid) * cell
    for d in distractors:  # later distractors are drawn over earlier ones
        c = cat_ix.get(d["category"])
        if c is None:
            continue
        x0, y0, x1, y1 = d["box"]
        ox = np.clip(np.minimum(lo + cell, x1) - np.maximum(lo, x0), 0, None) / cell
        oy = np.clip(np.minimum(lo + cell, y1) - np.maximum(lo, y0), 0, None) / cell
        overlap = (oy[:, None] * ox[None, :]).reshape(-1)
        hit = overlap >= min_overlap
        hit[np.argmax(overlap)] = True  # a small box straddling patch borders still gets one
        label[hit] = c
        front[hit] = bool(d.get("front"))
    return label, front


def _file_key(path):
    st = os.stat(path)
    return f"{path}:{st.st_size}:{int(st.st_mtime)}"


class Split:
    """One split in memory: images (memory-mapped) + per-scene label arrays."""

    def __init__(self, d: str, spec: Spec | None = None, cache_dir: str | None = None):
        self.dir = d
        with open(os.path.join(d, "info.json")) as f:
            self.info = json.load(f)
        self.spec = spec or spec_from_info(self.info)
        S = int(self.info.get("imageSize") or self.info.get("image_size") or self.info.get("size") or 64)
        self.size = S
        n = os.path.getsize(os.path.join(d, "images.u8")) // (S * S * 3)
        self.images = np.memmap(os.path.join(d, "images.u8"), dtype=np.uint8, mode="r", shape=(n, S, S, 3))
        key = hashlib.sha1((_file_key(os.path.join(d, "scenes.jsonl")) + json.dumps(self.spec.to_json()) + self._layout).encode()).hexdigest()[:16]
        cache = os.path.join(cache_dir, f"{os.path.basename(d.rstrip('/'))}-{key}.npz") if cache_dir else None
        if cache and os.path.exists(cache):
            z = np.load(cache, allow_pickle=True)
            self.__dict__.update({k: z[k] for k in z.files})
        else:
            self._parse()
            if cache:
                os.makedirs(cache_dir, exist_ok=True)
                np.savez(cache, **{k: getattr(self, k) for k in self._arrays})
        self.n = min(n, len(self.category))

    _arrays = ["category", "style", "dstyle", "coverage", "present", "dpatch", "dfront", "q_text", "q_answer", "q_type"]
    _layout = "dpatch-box40"  # part of the cache key: bump when the parsed arrays change

    def _parse(self):
        with open(os.path.join(self.dir, "scenes.jsonl")) as f:
            self._parse_lines(f)

    def _parse_lines(self, lines):
        sp = self.spec
        cat_ix = {c: i for i, c in enumerate(sp.categories)}
        sty_ix = {s: i for i, s in enumerate(sp.styles)}
        qtypes = sp.qtypes()
        cats, stys, covs, pres, qtext, qans, qtyp, dsty, dpat, dfro = [], [], [], [], [], [], [], [], [], []
        for line in lines:
            if not line.strip():
                continue
            s = json.loads(line)
            cats.append(cat_ix[s["category"]])
            stys.append(sty_ix.get(s["style"], -1))
            covs.append(np.asarray(s["patchCoverage"], dtype=np.float16))
            p = np.zeros(len(sp.categories), dtype=np.uint8)
            p[cat_ix[s["category"]]] = 1
            for dd in s.get("distractors", []):
                if dd["category"] in cat_ix:
                    p[cat_ix[dd["category"]]] = 1
            pres.append(p)
            ds = np.zeros(len(sp.styles), dtype=np.uint8)
            for dd in s.get("distractors", []):
                if dd.get("style") in sty_ix:
                    ds[sty_ix[dd["style"]]] = 1
            dsty.append(ds)
            dp, df = distractor_patches(s.get("distractors", []), cat_ix, self.size, math.isqrt(len(s["patchCoverage"])))
            dpat.append(dp)
            dfro.append(df)
            byt = {qa["type"]: qa for qa in s["qa"]}
            qtext.append([byt[t]["question"] if t in byt else "" for t in qtypes])
            qans.append([str(byt[t]["answer"]) if t in byt else "" for t in qtypes])
            qtyp.append(qtypes)
        self.category = np.asarray(cats, dtype=np.int32)
        self.style = np.asarray(stys, dtype=np.int32)
        self.coverage = np.stack(covs)
        self.present = np.stack(pres)
        self.dstyle = np.stack(dsty)
        self.dpatch = np.stack(dpat)
        self.dfront = np.stack(dfro)
        self.q_text = np.asarray(qtext, dtype=object)
        self.q_answer = np.asarray(qans, dtype=object)
        self.q_type = np.asarray(qtypes, dtype=object)

    def pixels(self, idx) -> np.ndarray:
        """float32 [B,3,S,S] normalised with mean = std = 0.5."""
        x = np.asarray(self.images[np.asarray(idx)], dtype=np.float32)
        x = (x * np.float32(1 / 255) - np.float32(0.5)) / np.float32(0.5)
        return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


class GrowingSplit(Split):
    """A split the generator is still writing (`images.u8.partial`, `scenes.jsonl.partial`):
    the scenes written so far, extended by `grow()`. Scene i of a split depends only on the
    split's seed and i, so these are exactly the first scenes of the finished split; a run
    can train on them while the rest are drawn (recipe.py --grow-train)."""

    IMAGES, SCENES = "images.u8.partial", "scenes.jsonl.partial"

    def __init__(self, d: str, spec: Spec, size: int):
        self.dir = d
        self.info = {}
        self.spec = spec
        self.size = size
        self.n = 0
        self._offset = 0
        self._parsed = False
        self.grow()

    @classmethod
    def available(cls, d: str) -> bool:
        return all(os.path.exists(os.path.join(d, f)) for f in (cls.IMAGES, cls.SCENES))

    def grow(self) -> int:
        """Reads the scenes written since the last call; returns the scene count."""
        with open(os.path.join(self.dir, self.SCENES), "rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1  # whole lines only: the writer may be mid-line
        lines = data[:end].decode().splitlines()
        self._offset += end
        if lines:
            part = Split.__new__(Split)
            part.spec, part.size, part.dir = self.spec, self.size, self.dir
            part._parse_lines(lines)
            for k in self._arrays:
                new = getattr(part, k)
                keep = k == "q_type" or not self._parsed
                setattr(self, k, new if keep else np.concatenate([getattr(self, k), new]))
            self._parsed = True
        S = self.size
        count = os.path.getsize(os.path.join(self.dir, self.IMAGES)) // (S * S * 3)
        self.images = np.memmap(os.path.join(self.dir, self.IMAGES), dtype=np.uint8, mode="r", shape=(count, S, S, 3))
        self.n = min(count, len(self.category)) if self._parsed else 0
        return self.n


class Encoded:
    """Per-split token arrays for every (scene, question type), built once."""

    def __init__(self, split: Split, tok: WordTokenizer, n_img: int):
        sp = split.spec
        self.qtypes = sp.qtypes()
        self.tok = tok
        n, Q = split.n, len(self.qtypes)
        self.prompts: list = [[None] * Q for _ in range(n)]
        self.answer = np.zeros((n, Q), dtype=np.int64)
        qcache = {}
        for i in range(n):
            for j in range(Q):
                q = split.q_text[i][j]
                if q not in qcache:
                    qcache[q] = tok.chat_ids(q, n_img)
                self.prompts[i][j] = qcache[q]
                self.answer[i, j] = tok.ids.get(split.q_answer[i][j], tok.unk_id)
        # auxiliary targets for colour / position (indices into the answer lists)
        self.aux = {}
        for j, t in enumerate(self.qtypes):
            if t in ("color", "position"):
                words = sp.answers(t)
                ix = {w: k for k, w in enumerate(words)}
                self.aux[t] = np.asarray([ix.get(a, -100) for a in split.q_answer[:n, j]], dtype=np.int64)


def make_batch(enc: Encoded, idx, qsel, pad_id, eos_id):
    """Right-padded sequences prompt + answer + eos. Returns ids [B,T], loss targets [B,T]
    (-100 = no loss), answer position (index of the last prompt token) per row."""
    seqs, ans_pos = [], []
    for i, j in zip(idx, qsel):
        p = enc.prompts[i][j]
        seqs.append(p + [int(enc.answer[i, j]), eos_id])
        ans_pos.append(len(p) - 1)
    T = max(len(s) for s in seqs)
    ids = np.full((len(seqs), T), pad_id, dtype=np.int64)
    tgt = np.full((len(seqs), T), -100, dtype=np.int64)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = s
        a = ans_pos[r]
        tgt[r, a] = s[a + 1]  # the answer word
        tgt[r, a + 1] = s[a + 2]  # <eos>
    return ids, tgt, np.asarray(ans_pos)


# ---------------------------------------------------------------------------------------
# Synthetic stand-in data (same file format)

PLACEHOLDER_COLORS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black", "gray", "pink"]
PLACEHOLDER_POSITIONS = ["left", "right", "top", "bottom", "center"]


def placeholder_spec(categories: list, styles=None) -> Spec:
    styles = styles or ["twemoji", "noto", "fluent-emoji-flat", "openmoji", "fluent-emoji-high-contrast"]
    return Spec(
        list(categories),
        list(styles),
        [
            {"id": "object", "template": OBJECT_QUESTION, "answers": "categories"},
            {"id": "color", "template": "What color is the background? Answer with one word.", "answers": PLACEHOLDER_COLORS},
            {"id": "position", "template": "Where is the main object? Answer with one word.", "answers": PLACEHOLDER_POSITIONS},
            {"id": "exists", "template": "Is there a {category} in the image? Answer yes or no.", "answers": ["yes", "no"]},
        ],
    )


def categories_from_ts(path: str) -> list:
    s = open(path).read()
    t = s[s.index("const TABLE") :]
    t = t[: t.index("];")]
    return re.findall(r"\[\s*['\"]([^'\"]+)['\"]", t)


def make_synthetic(d: str, n: int, seed: int, spec: Spec, size=64, grid=8):
    """Coloured shapes whose shape/colour pattern is a function of the category."""
    rng = np.random.default_rng(seed)
    os.makedirs(d, exist_ok=True)
    C = len(spec.categories)
    palette = np.asarray(
        [[220, 40, 40], [40, 170, 60], [40, 70, 220], [230, 210, 40], [140, 50, 170], [240, 140, 30], [250, 250, 250], [15, 15, 15], [128, 128, 128], [240, 130, 180]],
        dtype=np.float32,
    )
    cat_rng = np.random.default_rng(1234)
    cat_col = cat_rng.uniform(0, 255, size=(C, 2, 3))
    cat_freq = cat_rng.integers(1, 4, size=(C, 2))
    imgs = np.zeros((n, size, size, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:size, 0:size]
    with open(os.path.join(d, "scenes.jsonl"), "w") as f:
        for i in range(n):
            c = int(rng.integers(C))
            st = spec.styles[int(rng.integers(len(spec.styles)))]
            bgi = int(rng.integers(len(PLACEHOLDER_COLORS)))
            img = np.tile(palette[bgi], (size, size, 1))
            s = int(rng.uniform(0.35, 0.8) * size)
            x0 = int(rng.integers(0, size - s + 1))
            y0 = int(rng.integers(0, size - s + 1))
            u = (xx - x0) / s
            v = (yy - y0) / s
            inside = (u >= 0) & (u < 1) & (v >= 0) & (v < 1)
            fx, fy = cat_freq[c]
            pat = (np.sin(u * np.pi * 2 * fx) * np.sin(v * np.pi * 2 * fy) > 0)[..., None]
            obj = np.where(pat, cat_col[c, 0], cat_col[c, 1])
            img = np.where(inside[..., None], obj, img)
            imgs[i] = np.clip(img, 0, 255).astype(np.uint8)
            a = inside.astype(np.float32).reshape(grid, size // grid, grid, size // grid).mean(axis=(1, 3))
            cx, cy = x0 + s / 2, y0 + s / 2
            dx, dy = cx - size / 2, cy - size / 2
            pos = "center" if max(abs(dx), abs(dy)) < size / 8 else (("right" if dx > 0 else "left") if abs(dx) > abs(dy) else ("bottom" if dy > 0 else "top"))
            other = int(rng.integers(C))
            ask = c if rng.random() < 0.5 else other
            qa = [
                {"type": "object", "question": OBJECT_QUESTION, "answer": spec.categories[c]},
                {"type": "color", "question": spec.questions[1]["template"], "answer": PLACEHOLDER_COLORS[bgi]},
                {"type": "position", "question": spec.questions[2]["template"], "answer": pos},
                {
                    "type": "exists",
                    "question": spec.questions[3]["template"].replace("{category}", spec.categories[ask]),
                    "answer": "yes" if ask == c else "no",
                },
            ]
            rec = {
                "index": i,
                "seed": seed * 1000003 + i,
                "category": spec.categories[c],
                "style": st,
                "box": [x0, y0, x0 + s, y0 + s],
                "rotation": 0,
                "background": {"kind": "solid", "color": PLACEHOLDER_COLORS[bgi], "rgb": palette[bgi].astype(int).tolist()},
                "distractors": [],
                "patchCoverage": [round(float(x), 4) for x in a.reshape(-1)],
                "qa": qa,
            }
            f.write(json.dumps(rec) + "\n")
    imgs.tofile(os.path.join(d, "images.u8"))
    info = {
        "seed": seed,
        "count": n,
        "imageSize": size,
        "grid": grid,
        "categories": spec.categories,
        "styles": spec.styles,
        "questions": spec.questions,
        "synthetic": True,
    }
    with open(os.path.join(d, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
    open(os.path.join(d, "DONE"), "w").write("synthetic\n")
