/**
 * Which model a findings report was generated from: the manifest id, a SHA-256 over the
 * bundle's ONNX graphs (in manifest order), and whether the bundle says it is trained.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface ModelIdentity {
  id: string;
  name: string;
  onnxSha256: string;
  files: string[];
  /** From headflow.json `training.random_init` and the model card's first lines. */
  trained: boolean;
  trainingNote: string;
}

export async function modelIdentity(folder: string): Promise<ModelIdentity> {
  const manifest = JSON.parse(await readFile(join(folder, "headflow.json"), "utf8")) as {
    id: string;
    name: string;
    graphs: Record<string, string>;
    training?: { random_init?: boolean; step?: number };
  };
  const files = Object.values(manifest.graphs);
  const hash = createHash("sha256");
  for (const file of files) hash.update(await readFile(join(folder, file)));
  const card = await readFile(join(folder, "README.md"), "utf8").catch(() => "");
  const cardSaysRandom = /random[- ]init/i.test(card.split("\n").slice(0, 8).join("\n"));
  const randomInit = manifest.training?.random_init ?? cardSaysRandom;
  return {
    id: manifest.id,
    name: manifest.name,
    onnxSha256: hash.digest("hex"),
    files,
    trained: !randomInit && !cardSaysRandom,
    trainingNote: `headflow.json training: ${JSON.stringify(manifest.training ?? null)}; model card ${cardSaysRandom ? "says RANDOM-INITIALISED" : "does not say random-initialised"}`,
  };
}
