// The model card's target table (training/card.py): each target is met exactly at its
// threshold and missed just below it, checked on a hand-made measurement. card.py needs
// only the Python standard library.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const PYTHON = process.env.HEADFLOW_PYTHON ?? "/usr/bin/python3";
const tmp = mkdtempSync(join(tmpdir(), "headflow-card-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TYPES = ["object", "color", "position", "exists"] as const;

function accuracy(byType: Record<string, number>, byStyle: Record<string, number> = {}) {
  const styles = Object.fromEntries(
    Object.entries(byStyle).map(([s, object]) => [s, { n: 100, ...byType, object }]),
  );
  return { n: 1000, by_type: byType, by_style: styles };
}

function measurement(args: Record<string, unknown>) {
  const heldout = accuracy(
    { object: 0.95, color: 0.9, position: 0.97, exists: 0.8999 },
    { twemoji: 0.97, openmoji: 0.9, noto: 0.96 },
  );
  return {
    checkpoint: "training/runs/x/ckpt.pt",
    config: {
      stem: "patch4",
      stem_channels: [64, 96, 128],
      v_dim: 128,
      v_layers: 3,
      v_heads: 4,
      d_model: 128,
      n_layers: 8,
      n_heads: 8,
      mlp_ratio: 4,
      vocab_size: 173,
    },
    spec: { styles: ["twemoji", "openmoji", "noto"], questions: [] },
    params: 10,
    params_vision: 4,
    params_lm: 6,
    training: { step: 5, samples: 320, time_s: 36, args: { batch: 64, lm_batch: 24, ...args } },
    measured_at: "now",
    bundle_mb: 12.0,
    splits: {
      heldout: {
        int8: heldout,
        fp32: heldout,
        agreement: Object.fromEntries(TYPES.map((t) => [t, 1])),
        agreement_all: 1,
        max_logit_diff: 0,
      },
      robust: { int8: accuracy({ object: 0.8999, color: 1, position: 1, exists: 1 }) },
      "ood-emojione": { int8: accuracy({ object: 0.65, color: 1, position: 1, exists: 1 }) },
      "ood-noto-v1": { int8: accuracy({ object: 0.6499, color: 1, position: 1, exists: 1 }) },
    },
  };
}

function card(m: object, name: string): string {
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(m));
  const parity = join(tmp, "parity.json");
  writeFileSync(parity, JSON.stringify({ max_abs_diff: 1e-3, tokenizer_ok: true }));
  const r = spawnSync(PYTHON, ["training/card.py", file, "--parity", parity], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`card.py failed: ${r.stderr}`);
  return r.stdout;
}

/** target -> [measured, met] from the card's target table. */
function targetRows(text: string): Map<string, [string, string]> {
  const rows = new Map<string, [string, string]>();
  const table = text.split("## Targets")[1]!.split("## Data")[0]!;
  for (const line of table.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length === 5 && cells[1] !== "target" && !cells[1]!.startsWith("---")) {
      rows.set(cells[1]!, [cells[2]!, cells[3]!]);
    }
  }
  return rows;
}

describe("the model card's targets", () => {
  const text = card(measurement({ stages: "text=0,vision=1", vision_lr_mult: 0.2 }), "recipe");
  const rows = targetRows(text);

  it("meets a target exactly at its threshold and misses it just below", () => {
    expect(rows.get("held-out main object >= 95.0%")).toEqual(["95.00%", "yes"]);
    expect(rows.get("held-out color >= 90.0%")).toEqual(["90.00%", "yes"]);
    expect(rows.get("held-out exists >= 90.0%")).toEqual(["89.99%", "**no**"]);
    expect(rows.get("robustness set main object >= 90.0%")).toEqual(["89.99%", "**no**"]);
    expect(rows.get("ood-emojione main object >= 65.0%")).toEqual(["65.00%", "yes"]);
    expect(rows.get("ood-noto-v1 main object >= 65.0%")).toEqual(["64.99%", "**no**"]);
    expect(rows.get("bundle <= 12 MB")).toEqual(["12.00 MB", "yes"]);
    expect(rows.get("parity with PyTorch (max abs diff <= 1e-3, tokenizer ids equal)")).toEqual([
      "1.00e-03",
      "yes",
    ]);
  });

  it("names the lowest style for the every-style target", () => {
    expect(rows.get("held-out main object >= 90.0% in every style")).toEqual([
      "90.00% (openmoji, the lowest)",
      "yes",
    ]);
  });

  it("describes the recipe and its lineage for a recipe checkpoint, train.py otherwise", () => {
    expect(text).toContain("The LLaVA recipe in miniature");
    expect(text).toContain("training/lineage.json");
    const v1 = card(measurement({ lr: 0.0015, warmup: 150, steps: 3000 }), "v1");
    expect(v1).toContain("`npm run model:train` (training/train.py");
    expect(v1).not.toContain("training/lineage.json");
  });

  it("says which augmentations the last run used, whichever of them it used", () => {
    const recipe = { stages: "text=0,vision=1", vision_lr_mult: 0.2, warp_px: 2 };
    const augText = (aug: Record<string, unknown>, name: string) => {
      const t = card(measurement({ ...recipe, ...aug }), name);
      return t.split("2. `vision`")[1]!.split("3. `align`")[0]!.replace(/\s+/g, " ");
    };
    const none = augText({}, "aug-none");
    expect(none).not.toMatch(/recoloured|redrawn|bent/);

    const warpOnly = augText({ warp_aug: 0.5, style_aug_stages: "vision" }, "aug-warp");
    expect(warpOnly).toContain("In the last run's vision stage 50% of the images are bent");
    expect(warpOnly).not.toMatch(/recoloured|redrawn|not trained/);

    const shapeOnly = augText({ shape_aug: 0.3, style_aug_stages: "vision,finetune" }, "aug-shape");
    expect(shapeOnly).toContain(
      "In the last run's vision and finetune stages 30% of the images are redrawn",
    );
    expect(shapeOnly).toContain("In finetune a redrawn image's colour question");

    const all = augText(
      { style_aug: 0.5, shape_aug: 0.4, warp_aug: 0.5, style_aug_stages: "vision,finetune" },
      "aug-all",
    );
    expect(all).toContain("vision and finetune stages 50% of the images are recoloured");
    expect(all).toContain("Before that, 40% are redrawn");
    expect(all).toContain("First of all, 50% are bent");
    expect(all).toContain("In finetune a recoloured or redrawn image's colour question");
  });
});
