// CI smoke test of the model path: a tiny random-initialised VLM goes through synthetic
// data (same file format as the generator's) -> a few training steps -> ONNX export (fp32
// and int8 weights) -> parity against the PyTorch fixtures in onnxruntime-node.
// Needs /usr/bin/python3 with torch, numpy and PIL (Debian: python3-torch python3-numpy
// python3-pil). In CI (CI=true) a missing torch fails the test; elsewhere it is skipped.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const PYTHON = process.env.HEADFLOW_PYTHON ?? "/usr/bin/python3";
const inCI = process.env.CI === "true" || process.env.CI === "1";

function torchStatus(): string | null {
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy, PIL"], { encoding: "utf8" });
  if (r.error) return `${PYTHON} not runnable: ${r.error.message}`;
  if (r.status !== 0)
    return `${PYTHON} lacks torch/numpy/PIL: ${r.stderr.trim().split("\n").pop()}`;
  return null;
}

const missing = torchStatus();
const tmp = mkdtempSync(join(tmpdir(), "headflow-smoke-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    env: { ...process.env, HEADFLOW_THREADS: process.env.HEADFLOW_THREADS ?? "2" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

if (missing && !inCI) {
  describe.skip(`model smoke test skipped: ${missing} (install python3-torch python3-numpy python3-pil; fails in CI)`, () => {
    it("skipped", () => {});
  });
} else {
  describe("model smoke: data -> train -> export -> parity", () => {
    it("has PyTorch", () => {
      expect(
        missing,
        `the model smoke test needs ${PYTHON} with torch, numpy, PIL (apt-get install python3-torch python3-numpy python3-pil)`,
      ).toBeNull();
    });

    it.skipIf(missing !== null)(
      "trains a tiny model, exports it, and onnxruntime matches PyTorch",
      () => {
        const runs = join(tmp, "runs");
        run(PYTHON, [
          "training/train.py",
          ...["--synthetic", "96", "--config", "tiny", "--max-steps", "3", "--batch", "8"],
          ...["--lm-batch", "4", "--warmup", "2", "--runs-dir", runs, "--run", "smoke", "--fresh"],
          ...["--distractor-patches", "1", "--w-distractor-patch", "2"],
          ...["--exists-extra", "2", "--exists-distractors", "0.75"],
          "--force",
        ]);
        const ckpt = join(runs, "smoke", "best.pt");
        expect(existsSync(ckpt)).toBe(true);
        const q8 = join(tmp, "bundle");
        const f32 = join(tmp, "bundle-fp32");
        run(PYTHON, ["training/export.py", "--ckpt", ckpt, "--out", q8, "--fp32-out", f32]);
        for (const dir of [f32, q8]) {
          const out = join(dir, "parity-result.json");
          run(process.execPath, ["training/parity_check.mjs", dir, "--json", out]);
          const res = JSON.parse(readFileSync(out, "utf8"));
          expect(res.tokenizer_ok).toBe(true);
          expect(res.max_abs_diff).toBeLessThanOrEqual(1e-3);
        }
        const manifest = JSON.parse(readFileSync(join(q8, "headflow.json"), "utf8"));
        expect(manifest.schema).toBe("headflow.manifest/1");
        for (const g of Object.values(manifest.graphs) as string[]) {
          expect(existsSync(join(q8, g))).toBe(true);
        }
      },
      120_000,
    );

    it.skipIf(missing !== null)(
      "labels distractor patches as a pixel-level rasterisation of their boxes does",
      () => {
        // Independent computation: paint each box on a 64x64 pixel grid (later boxes over
        // earlier ones) and average per 8x8 patch, instead of interval overlaps.
        const script = `
import sys; sys.path.insert(0, "training")
import numpy as np
from vlm.data import distractor_patches
rng = np.random.default_rng(0)
cats = {f"c{i}": i for i in range(5)}
for trial in range(300):
    ds = []
    for k in range(int(rng.integers(1, 4))):
        w, h = (int(v) for v in rng.integers(4, 24, 2))
        x0, y0 = int(rng.integers(0, 64 - w)), int(rng.integers(0, 64 - h))
        ds.append({"category": f"c{k}", "box": [x0, y0, x0 + w, y0 + h], "front": bool(rng.random() < 0.5)})
    label, front = distractor_patches(ds, cats, 64, 8)
    want = np.full(64, -1); want_front = np.zeros(64, bool)
    for d in ds:
        px = np.zeros((64, 64)); x0, y0, x1, y1 = d["box"]; px[y0:y1, x0:x1] = 1
        frac = px.reshape(8, 8, 8, 8).mean(axis=(1, 3)).reshape(-1)
        hit = frac >= 0.4; hit[np.argmax(frac)] = True
        want[hit] = cats[d["category"]]; want_front[hit] = d["front"]
    assert (label == want).all() and (front == want_front).all(), (trial, ds)
print("ok")
`;
        expect(run(PYTHON, ["-c", script]).trim()).toBe("ok");
      },
    );

    it.skipIf(missing !== null)(
      "a split still being written (GrowingSplit) holds exactly the finished split's first scenes",
      () => {
        const dir = join(tmp, "grow");
        // The finished split is parsed by Split; the partial files are cut from it by hand,
        // the last scene line and image half written, as the generator leaves them mid-flush.
        const script = `
import os, shutil, sys
import numpy as np
sys.path.insert(0, "training")
from vlm.data import GrowingSplit, Split, make_synthetic, placeholder_spec
from vlm.common import CATEGORIES_TS
from vlm.data import categories_from_ts
d = sys.argv[1]
spec = placeholder_spec(categories_from_ts(CATEGORIES_TS)[:12])
full, part = os.path.join(d, "full"), os.path.join(d, "part")
make_synthetic(full, 40, 1, spec)
os.makedirs(part)
whole = Split(full, spec)
lines = open(os.path.join(full, "scenes.jsonl"), "rb").read().splitlines(keepends=True)
pixels = open(os.path.join(full, "images.u8"), "rb").read()
row = 64 * 64 * 3
def write(k_lines, k_images):
    with open(os.path.join(part, GrowingSplit.SCENES), "wb") as f:
        f.write(b"".join(lines[:k_lines]) + lines[k_lines][: len(lines[k_lines]) // 2])
    with open(os.path.join(part, GrowingSplit.IMAGES), "wb") as f:
        f.write(pixels[: k_images * row + row // 2])
def same(g, n):
    assert g.n == n, (g.n, n)
    for k in Split._arrays:
        if k != "q_type":
            assert np.array_equal(getattr(g, k)[:n], getattr(whole, k)[:n]), k
    assert np.array_equal(g.pixels(range(n)), whole.pixels(range(n)))
write(12, 15)
g = GrowingSplit(part, spec, 64)
same(g, 12)
write(30, 27)
g.grow()
same(g, 27)
assert len(g.category) == 30
print("ok")
`;
        expect(run(PYTHON, ["-c", script, dir]).trim()).toBe("ok");
      },
    );

    it.skipIf(missing !== null)("averages checkpoint weights element-wise (average.py)", () => {
      const dir = join(tmp, "avg");
      // Independent computation: numpy's mean over the stacked float64 copies.
      const script = `
import os, subprocess, sys
import numpy as np, torch
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(3)
ws = [rng.standard_normal((4, 5)).astype(np.float32) for _ in range(3)]
for i, w in enumerate(ws):
    torch.save({"step": 10 * (3 - i), "run": "r", "model": {"w": torch.from_numpy(w), "n": torch.tensor([7])}}, f"{d}/c{i}.pt")
r = subprocess.run([sys.executable, "training/average.py", "--out", f"{d}/avg.pt"] + [f"{d}/c{i}.pt" for i in range(3)], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
st = torch.load(f"{d}/avg.pt")
assert np.abs(st["model"]["w"].numpy() - np.stack(ws).astype(np.float64).mean(0)).max() < 1e-6
assert st["model"]["n"].tolist() == [7] and st["averaged_steps"] == [10, 20, 30] and st["step"] == 30
torch.save({"step": 40, "run": "other", "model": {"w": torch.zeros(4, 5), "n": torch.tensor([7])}}, f"{d}/x.pt")
r = subprocess.run([sys.executable, "training/average.py", "--out", f"{d}/bad.pt", f"{d}/c0.pt", f"{d}/x.pt"], capture_output=True, text=True)
assert r.returncode != 0 and "different runs" in r.stderr, r.stderr
# --run/--from-step: snapshots and the run dir's own checkpoints, one per step, from that step on
os.makedirs(f"{d}/runs/r/snapshots")
for i, step in enumerate([30, 20, 10]):
    os.link(f"{d}/c{i}.pt", f"{d}/runs/r/snapshots/ckpt-{step:08d}.pt")
os.link(f"{d}/c0.pt", f"{d}/runs/r/ckpt-00000030.pt")
r = subprocess.run([sys.executable, "training/average.py", "--runs-dir", f"{d}/runs", "--run", "r", "--from-step", "20", "--out", f"{d}/tail.pt"], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
st = torch.load(f"{d}/tail.pt")
assert st["averaged_steps"] == [20, 30] and np.abs(st["model"]["w"].numpy() - (ws[0] + ws[1]) / 2).max() < 1e-6
print("ok")
`;
      expect(run(PYTHON, ["-c", script, dir]).trim()).toBe("ok");
    });

    it.skipIf(missing !== null)(
      "runs the LLaVA-style recipe: each stage changes exactly the parameters it trains; resumes; exports with parity",
      () => {
        const runs = join(tmp, "recipe-runs");
        const args = [
          "training/recipe.py",
          ...["--synthetic", "96", "--config", "tiny", "--runs-dir", runs, "--run", "r"],
          ...["--stages", "text=3,vision=3,align=3,finetune=3", "--batch", "8"],
          ...["--lm-batch", "4", "--text-batch", "8", "--exists-extra", "2"],
          ...["--style-aug", "0.5", "--shape-aug", "0.3", "--warp-aug", "0.3"],
          ...["--style-aug-stages", "vision,finetune"],
        ];
        // stop inside the vision stage, then resume with the same command
        run(PYTHON, [...args, "--fresh", "--force", "--max-steps", "5"]);
        const resumed = run(PYTHON, args);
        expect(resumed).toContain("resumed");
        expect(resumed).toContain("at step 5");
        // a misspelt stage would otherwise turn the augmentation off without a word
        const typo = spawnSync(PYTHON, [...args, "--style-aug-stages", "vision,finetun"], {
          encoding: "utf8",
        });
        expect(typo.status).not.toBe(0);
        expect(typo.stderr).toContain("unknown stage(s) ['finetun']");
        // independent check: compare every parameter of the stage-end checkpoints
        const script = `
import sys, torch
d = sys.argv[1]
prev = None
want = {"text": {"lm"}, "vision": {"vision", "aux"}, "align": {"projector"}, "finetune": {"vision", "projector", "lm", "aux"}}
group = lambda n: "aux" if n.startswith("aux_") else n.split(".")[0]
for stage in ["text", "vision", "align", "finetune"]:
    st = torch.load(f"{d}/stage-{stage}.pt")
    cur = st["model"]
    base = st["stage_start"]
    changed = {group(n) for n, v in cur.items() if n in base and not torch.equal(v, base[n])}
    assert changed == want[stage], (stage, changed)
    if prev is not None:  # a stage starts where the previous one ended
        assert all(torch.equal(base[n], prev[n]) for n in base), stage
    prev = cur
print("ok")
`;
        expect(run(PYTHON, ["-c", script, join(runs, "r")]).trim()).toBe("ok");
        const out = join(tmp, "recipe-bundle");
        run(PYTHON, ["training/export.py", "--ckpt", join(runs, "r", "best.pt"), "--out", out]);
        const pj = join(out, "parity-result.json");
        run(process.execPath, ["training/parity_check.mjs", out, "--json", pj]);
        const res = JSON.parse(readFileSync(pj, "utf8"));
        expect(res.tokenizer_ok).toBe(true);
        expect(res.max_abs_diff).toBeLessThanOrEqual(1e-3);
        // --init: a new run takes the named groups from another run, the rest start fresh
        const best = join(runs, "r", "best.pt");
        const init = run(PYTHON, [
          ...args.slice(0, args.indexOf("--run")),
          ...["--run", "r2", "--fresh"],
          ...[
            "--stages",
            "text=0,vision=1,align=0,finetune=0",
            "--batch",
            "8",
            "--init",
            `lm=${best}`,
          ],
        ]);
        expect(init).toContain("initialised lm");
        const same = `
import sys, torch
src, st = torch.load(sys.argv[1])["model"], torch.load(sys.argv[2])["stage_start"]
lm = [n for n in st if n.startswith("lm.")]
assert lm and all(torch.equal(st[n], src[n]) for n in lm)
assert not all(torch.equal(st[n], src[n]) for n in st if n.startswith("vision."))
print("ok")
`;
        expect(run(PYTHON, ["-c", same, best, join(runs, "r2", "stage-vision.pt")]).trim()).toBe(
          "ok",
        );
      },
      150_000,
    );

    it.skipIf(missing !== null)(
      "recolours images as hue rotation about the grey axis, saturation, contrast and inversion do; drops what recolouring makes wrong",
      () => {
        // Independent computations: a third of a turn about the grey axis permutes the
        // channels cyclically; any turn keeps each pixel's channel mean and its distance from
        // grey; saturation 0 leaves the BT.601 luma in every channel (colorsys: no saturation).
        const script = `
import sys, math, colorsys; sys.path.insert(0, "training")
import numpy as np, torch
from vlm.style_aug import hue_rotation, restyle, augment_batch, drop_restyled_rows, drop_restyled_background
rng = np.random.default_rng(1)
x = torch.from_numpy(rng.uniform(-0.5, 0.5, (3, 6, 6)).astype(np.float32))
third = restyle(x, 2 * math.pi / 3, 1.0, 1.0, False)
assert torch.allclose(third, x[[2, 0, 1]], atol=1e-6)
for theta in rng.uniform(0, 2 * math.pi, 20):
    y = restyle(x, float(theta), 1.0, 1.0, False).numpy()
    xm, ym = x.numpy().mean(0), y.mean(0)
    assert np.allclose(xm, ym, atol=1e-5)
    assert np.allclose(np.linalg.norm(x.numpy() - xm, axis=0), np.linalg.norm(y - ym, axis=0), atol=1e-5)
g = restyle(x, 0.0, 0.0, 1.0, False).numpy()
p = (x.numpy() + 1) / 2
for i in range(6):
    for j in range(6):
        r, gg, b = p[:, i, j]
        luma = 0.299 * r + 0.587 * gg + 0.114 * b
        assert np.allclose(g[:, i, j], 2 * luma - 1, atol=1e-5)
        h, l, s = colorsys.rgb_to_hls(*((g[:, i, j] + 1) / 2))
        assert s < 1e-4
assert torch.allclose(restyle(x, 0.0, 1.0, 1.0, True), -x, atol=1e-6)
batch = torch.from_numpy(rng.uniform(-1, 1, (64, 3, 8, 8)).astype(np.float32))
same, hit = augment_batch(batch, 0.0, rng)
assert not hit.any() and torch.equal(same, batch)
out, hit = augment_batch(batch, 0.5, rng)
assert 16 < hit.sum() < 48 and float(out.abs().max()) <= 1.0
assert all(torch.equal(out[i], batch[i]) for i in np.nonzero(~hit)[0])
assert all(not torch.equal(out[i], batch[i]) for i in np.nonzero(hit)[0])
# the dropped targets, checked cell by cell: image b's rows are b*per .. b*per+per-1
restyled = np.array([True, False, True])
tgt = torch.arange(3 * 5 * 4).reshape(15, 4)
dropped = drop_restyled_rows(tgt, restyled, 5, 1)
for r in range(15):
    if r % 5 == 1 and restyled[r // 5]:
        assert (dropped[r] == -100).all(), r
    else:
        assert torch.equal(dropped[r], tgt[r]), r
label = torch.tensor([[-1, 2, -1], [-1, -1, 0], [3, -1, -1]])
w = torch.full((3, 3), 0.5)
kept = drop_restyled_background(w, label, restyled)
for b in range(3):
    for n in range(3):
        assert kept[b, n] == (0.0 if restyled[b] and label[b, n] < 0 else 0.5), (b, n)
print("ok")
`;
        expect(run(PYTHON, ["-c", script]).trim()).toBe("ok");
      },
    );

    it.skipIf(missing !== null)(
      "redraws images (palette remap, posterise, outline, stroke weight) without moving a pixel; warps them by at most the field's largest offset",
      () => {
        // Independent computations: numpy's interp for the channel curves, the nearest of the
        // levels for posterise, explicit 3x3 loops over an edge-padded copy for Sobel and for
        // the max / min filters.
        const script = `
import sys; sys.path.insert(0, "training")
import numpy as np, torch
from vlm.shape_aug import KINDS, remap, posterise, edge_strength, outline, stroke, redraw, redraw_batch
rng = np.random.default_rng(2)
x = torch.from_numpy(rng.uniform(-1, 1, (3, 7, 7)).astype(np.float32))
xn = x.numpy()
knots = rng.uniform(-1, 1, (3, 4))
y = remap(x, knots).numpy()
for c in range(3):
    assert np.allclose(y[c], np.interp(xn[c], np.linspace(-1, 1, 4), knots[c]), atol=1e-5), c
for levels in (2, 3, 4):
    lv = np.linspace(-1, 1, levels)
    q = posterise(x, levels).numpy()
    near = lv[np.abs(xn[..., None] - lv).argmin(-1)]
    assert np.allclose(q, near, atol=1e-5), levels
luma = np.einsum("c,chw->hw", np.array([0.299, 0.587, 0.114]), xn)
pad = np.pad(luma, 1, mode="edge")
k = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
mag = np.zeros((7, 7))
for i in range(7):
    for j in range(7):
        win = pad[i:i + 3, j:j + 3]
        mag[i, j] = np.hypot((win * k).sum(), (win * k.T).sum())
assert np.allclose(edge_strength(x).numpy(), mag / mag.max(), atol=1e-5)
assert not edge_strength(torch.full((3, 5, 5), 0.3)).any()
ink, paper = torch.tensor([1.0, -1.0, 0.0]), torch.tensor([-0.5, 0.5, 0.25])
o = outline(x, ink, paper).numpy()
e = mag / mag.max()
for c in range(3):
    assert np.allclose(o[c], paper[c].item() * (1 - e) + ink[c].item() * e, atol=1e-5)
padx = np.pad(xn, ((0, 0), (1, 1), (1, 1)), mode="edge")
for thicken, pick in ((True, np.max), (False, np.min)):
    s = stroke(x, thicken).numpy()
    for c in range(3):
        for i in range(7):
            for j in range(7):
                assert abs(s[c, i, j] - pick(padx[c, i:i + 3, j:j + 3])) < 1e-6, (thicken, c, i, j)
for kind in KINDS:
    r = redraw(x, kind, rng)
    assert r.shape == x.shape and float(r.abs().max()) <= 1.0 + 1e-6, kind
try:
    redraw(x, "blur", rng)
    raise SystemExit("an unknown kind was accepted")
except ValueError as err:
    assert "unknown redraw kind 'blur'" in str(err)
batch = torch.from_numpy(rng.uniform(-1, 1, (64, 3, 8, 8)).astype(np.float32))
same, hit = redraw_batch(batch, 0.0, rng)
assert not hit.any() and torch.equal(same, batch)
out, hit = redraw_batch(batch, 0.5, rng)
assert 16 < hit.sum() < 48
assert all(torch.equal(out[i], batch[i]) for i in np.nonzero(~hit)[0])
assert all(not torch.equal(out[i], batch[i]) for i in np.nonzero(hit)[0])
# warp: a constant field of d whole pixels reads the pixel d further on, edges replicated;
# a zero field is the identity; a smooth random field moves no pixel further than max_px
from vlm.shape_aug import warp, warp_batch
assert torch.allclose(warp(x, np.zeros((2, 4, 4))), x, atol=1e-5)
for dx, dy in ((1, 0), (0, 2), (-1, 1)):
    off = np.zeros((2, 4, 4)); off[0] += dx; off[1] += dy
    wv = warp(x, off).numpy()
    for i in range(7):
        for j in range(7):
            si, sj = min(max(i + dy, 0), 6), min(max(j + dx, 0), 6)
            assert np.allclose(wv[:, i, j], xn[:, si, sj], atol=1e-5), (dx, dy, i, j)
ramp = torch.arange(16, dtype=torch.float32).repeat(3, 16, 1)  # value = column
bent = warp(ramp, rng.uniform(-2, 2, (2, 4, 4)))
assert float((bent - ramp).abs().max()) <= 2.0 + 1e-4
same, hit = warp_batch(batch, 0.0, 2.0, rng)
assert not hit.any() and torch.equal(same, batch)
out, hit = warp_batch(batch, 0.5, 2.0, rng)
assert 16 < hit.sum() < 48
assert all(torch.equal(out[i], batch[i]) for i in np.nonzero(~hit)[0])
print("ok")
`;
        expect(run(PYTHON, ["-c", script]).trim()).toBe("ok");
      },
    );

    it.skipIf(missing !== null)(
      "writes text-corpus answers that follow from the scene words",
      () => {
        // Independent computation: re-derive each answer from the 64 context words alone.
        const script = `
import sys; sys.path.insert(0, "training")
import numpy as np
from vlm.corpus import Corpus, EXTRA_TEXTS
from vlm.data import Spec, placeholder_spec, categories_from_ts
base = placeholder_spec(categories_from_ts("training/data/categories.ts"))
qs = [dict(q) for q in base.questions]
qs[1]["answers"] = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "gray", "white", "black"]
qs[2]["answers"] = ["left", "middle", "right"]
spec = Spec(base.categories, base.styles, qs, list(EXTRA_TEXTS))
tok = spec.tokenizer()
c = Corpus(spec, tok, 64, np.random.default_rng(5), noise=0.0, sentence_p=0.0)
inv = {i: w for w, i in tok.ids.items()}
for _ in range(300):
    pre, ctx, ids, tgt, per = c.batch(1, exists_extra=2)
    words = [inv[int(i)] for i in ctx[0]]
    grid = np.asarray(words).reshape(8, 8)
    for r in range(per):
        q = " ".join(inv[int(i)] for i in ids[r] if int(i) != tok.pad_id)
        ans = inv[int(tgt[r][tgt[r] != -100][0])]
        if q.startswith("What is the main"):
            main = ans
            ys, xs = np.nonzero(grid == main)
            assert len(xs), (q, ans)
    for r in range(per):
        q = " ".join(inv[int(i)] for i in ids[r] if int(i) != tok.pad_id)
        ans = inv[int(tgt[r][tgt[r] != -100][0])]
        if q.startswith("What color"):
            assert ans in words and ans in qs[1]["answers"], (q, ans)
        elif q.startswith("Where"):
            ys, xs = np.nonzero(grid == main)
            cx = (xs.min() + xs.max() + 1) / 2 / 8
            assert ans == ("left" if cx < 1/3 else "middle" if cx < 2/3 else "right"), (cx, ans)
        elif q.startswith("Is there"):
            cat = q.split()[3]
            assert ans == ("yes" if cat in words else "no"), (q, ans)
print("ok")
`;
        expect(run(PYTHON, ["-c", script]).trim()).toBe("ok");
      },
    );
  });
}
