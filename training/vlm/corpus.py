"""Text-only pretraining corpus for the language model (training/recipe.py, stage `text`).

LLaVA starts from a language model pretrained on text. Ours is tiny and its world is the
emoji scenes, so its text is generated: random scenes (a main object, 0-3 distractors, a
background colour, a position) written out in words, followed by one of the four questions
of the chat template and its answer:

  grid form (most samples): `USER :` + 64 words in the 64 image-token positions, one per 8x8
  patch, row-major: the category word where an object covers the patch, else the background
  colour word; then `{question} ASSISTANT : {answer} <eos>`. This is the scene in exactly the
  positions the projected image tokens take later, so the LM learns to read them there.
  A few grid words are replaced by random words (noise), as projected image tokens are
  imperfect.

  sentence form: `USER : a {cat} on the {left} with a {dog} and a {bell} on a {red} background .
  {question} ASSISTANT : {answer} <eos>` (the description padded with the colour word to 64
  tokens so positions match the grid form).

The answers follow the generator's definitions: object = the main (largest) object;
colour = the background's name; position = the main box centre's x in thirds; exists = the
category is among the objects.
"""

from __future__ import annotations

import numpy as np

# texts added to the vocabulary (Spec.extra_texts): the sentence form's own words
EXTRA_TEXTS = ["a cat on the left with a dog and a bell on a red background ."]


class Corpus:
    def __init__(self, spec, tok, n_img: int, rng: np.random.Generator, noise=0.05, sentence_p=0.25):
        self.spec, self.tok, self.n_img, self.rng = spec, tok, n_img, rng
        self.grid = int(round(n_img**0.5))
        self.cats = list(spec.categories)
        self.colors = spec.answers("color")
        self.positions = spec.answers("position")
        self.noise, self.sentence_p = noise, sentence_p
        self.cat_ids = np.asarray([tok.ids[c] for c in self.cats])
        self.color_ids = np.asarray([tok.ids[c] for c in self.colors])
        self.qtmpl = {q["id"]: q["template"] for q in spec.questions}
        self.qtypes = spec.qtypes()
        self._qcache: dict = {}

    def position_of(self, cx: float) -> str:
        if self.positions == ["left", "middle", "right"]:
            return self.positions[0 if cx < 1 / 3 else 1 if cx < 2 / 3 else 2]
        return self.positions[int(self.rng.integers(len(self.positions)))]  # synthetic specs

    def scene(self):
        """A random scene: grid of word ids [n_img], answers per question type, objects."""
        g, r = self.grid, self.rng
        color = int(r.integers(len(self.colors)))
        cats = r.choice(len(self.cats), size=4, replace=False)
        main = int(cats[0])
        nd = int(r.integers(0, 4))
        grid = np.full((g, g), self.color_ids[color], dtype=np.int64)
        # distractors first (smaller, 1-2 patches), then the main object (2-7 patches) over them
        for d in range(nd):
            w, h = int(r.integers(1, 3)), int(r.integers(1, 3))
            x, y = int(r.integers(0, g - w + 1)), int(r.integers(0, g - h + 1))
            grid[y : y + h, x : x + w] = self.cat_ids[cats[1 + d]]
        w, h = int(r.integers(2, g)), int(r.integers(2, g))
        x, y = int(r.integers(0, g - w + 1)), int(r.integers(0, g - h + 1))
        grid[y : y + h, x : x + w] = self.cat_ids[main]
        present = [int(c) for c in cats[: 1 + nd] if (grid == self.cat_ids[c]).any()]
        if self.noise > 0:
            flip = r.random((g, g)) < self.noise
            vocab = np.concatenate([self.cat_ids, self.color_ids])
            grid[flip] = r.choice(vocab, size=int(flip.sum()))
        pos = self.position_of((x + w / 2) / g)
        return dict(grid=grid.reshape(-1), main=main, color=color, pos=pos, present=present)

    def sentence_ids(self, sc) -> list:
        words = ["a", self.cats[sc["main"]], "on", "the", sc["pos"]]
        others = [c for c in sc["present"] if c != sc["main"]]
        for k, c in enumerate(others):
            words += ["with" if k == 0 else "and", "a", self.cats[c]]
        words += ["on", "a", self.colors[sc["color"]], "background", "."]
        ids = [self.tok.ids.get(w, self.tok.unk_id) for w in words]
        pad = self.tok.ids[self.colors[sc["color"]]]
        return (ids + [pad] * self.n_img)[: self.n_img]

    def question(self, qtype: str, sc, exists_present=None):
        """(question ids incl. `ASSISTANT :`, answer id) for a question type."""
        r = self.rng
        if qtype == "exists":
            yes = exists_present if exists_present is not None else r.random() < 0.5
            if yes:
                c = int(r.choice(sc["present"]))
            else:
                absent = np.setdiff1d(np.arange(len(self.cats)), sc["present"])
                c = int(r.choice(absent))
            q = self.qtmpl["exists"].replace("{category}", self.cats[c])
            ans = "yes" if yes else "no"
        else:
            q = self.qtmpl[qtype]
            ans = {"object": self.cats[sc["main"]], "color": self.colors[sc["color"]], "position": sc["pos"]}[qtype]
        if q not in self._qcache:
            self._qcache[q] = self.tok.encode(q) + self.tok.encode("ASSISTANT:")
        return self._qcache[q], self.tok.ids[ans]

    def batch(self, B: int, exists_extra: int = 0):
        """Prefix `USER :` ids, context word ids [B, n_img], suffix ids [B*Q, T] and targets
        (-100 = no loss) for all question types + `exists_extra` more exists questions per
        scene, image-major (as evaluate.lm_shared_prefix expects)."""
        ctx = np.zeros((B, self.n_img), dtype=np.int64)
        rows = []
        for b in range(B):
            sc = self.scene()
            ctx[b] = self.sentence_ids(sc) if self.rng.random() < self.sentence_p else sc["grid"]
            for t in self.qtypes:
                rows.append(self.question(t, sc))
            for k in range(exists_extra):
                rows.append(self.question("exists", sc, exists_present=(k % 2 == 0)))
        T = max(len(q) for q, _ in rows) + 2
        ids = np.full((len(rows), T), self.tok.pad_id, dtype=np.int64)
        tgt = np.full((len(rows), T), -100, dtype=np.int64)
        for i, (q, a) in enumerate(rows):
            s = q + [a, self.tok.eos_id]
            ids[i, : len(s)] = s
            tgt[i, len(q) - 1] = a
            tgt[i, len(q)] = self.tok.eos_id
        return self.tok.encode("USER:"), ctx, ids, tgt, len(self.qtypes) + exists_extra
