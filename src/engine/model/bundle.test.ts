/** Loading the bundled model, and one clear error per broken or missing bundle file. */
import { beforeAll, describe, expect, it } from "vitest";
import { loadBundle, type Bundle } from "./bundle";
import type { ReadFile } from "./files";
import { folderReader, NODE_SESSION_OPTIONS, ort } from "../node";

const MODEL = "public/models/emoji-vlm";
const real = folderReader(MODEL);
const withFile =
  (path: string, bytes: Uint8Array | null): ReadFile =>
  async (p) => {
    if (p !== path) return real(p);
    if (bytes === null) return folderReader("/nonexistent-headflow")(p);
    return bytes;
  };
const load = (read: ReadFile) => loadBundle(read, ort, { sessionOptions: NODE_SESSION_OPTIONS });
const text = (s: string) => new TextEncoder().encode(s);

describe("loadBundle errors", () => {
  it("names a missing model file", async () => {
    await expect(load(withFile("onnx/embed_tokens.onnx", null))).rejects.toThrow(
      /^model file onnx\/embed_tokens\.onnx is missing/,
    );
    await expect(load(withFile("headflow.json", null))).rejects.toThrow(
      /^model file headflow\.json is missing/,
    );
  });

  it("names a corrupt graph", async () => {
    await expect(load(withFile("onnx/vision_encoder.onnx", text("not a model")))).rejects.toThrow(
      /^model file onnx\/vision_encoder\.onnx is corrupt: /,
    );
  });

  it("names corrupt or invalid JSON, with the field at fault", async () => {
    await expect(load(withFile("headflow.json", text("{ nope")))).rejects.toThrow(
      /^model file headflow\.json is corrupt: /,
    );
    const manifest = JSON.parse(new TextDecoder().decode(await real("headflow.json")));
    await expect(
      load(withFile("headflow.json", text(JSON.stringify({ ...manifest, layers: "eight" })))),
    ).rejects.toThrow(/^model file headflow\.json is invalid: layers: /);
    await expect(load(withFile("tokenizer.json", text("[]")))).rejects.toThrow(
      /^model file tokenizer\.json is invalid/,
    );
  });

  it("names a graph that does not match the manifest", async () => {
    const embed = await real("onnx/embed_tokens.onnx");
    await expect(load(withFile("onnx/vision_encoder.onnx", embed))).rejects.toThrow(
      /^model file onnx\/vision_encoder\.onnx does not match headflow\.json: it lacks input pixel_values/,
    );
  });
});

describe("prompt tokenisation", () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await load(real);
  });

  it("lays out prefix, image tokens and question as trained", () => {
    const prompt = bundle.tokenizer.encodePrompt(bundle.tokenizer.defaultQuestion());
    const { imageStart, imageEnd, tokens } = prompt;
    expect(tokens.slice(0, imageStart)).toEqual(["USER", ":"]);
    expect(imageEnd - imageStart).toBe(bundle.manifest.image.tokens);
    expect(new Set(prompt.ids.slice(imageStart, imageEnd))).toEqual(
      new Set([bundle.manifest.imageTokenId]),
    );
    expect(tokens.slice(-3)).toEqual([".", "ASSISTANT", ":"]);
  });

  it("refuses empty, overlong and unknown-word questions with clear errors", () => {
    const t = bundle.tokenizer;
    expect(() => t.encodePrompt("   ")).toThrow(/^the question is empty$/);
    expect(() => t.encodePrompt("cat ".repeat(200))).toThrow(
      /^the question is too long: 799 characters, the limit is 500$/,
    );
    expect(() => t.encodePrompt("What is the cat ".repeat(20))).toThrow(
      /^the question is too long: the prompt has \d+ tokens, the model reads at most 128$/,
    );
    expect(() => t.encodePrompt("What is the flibbertigibbet doing with the zorp?")).toThrow(
      /^unknown words in the question: "flibbertigibbet", "doing", "zorp"; the model knows only its training vocabulary$/,
    );
    expect(() => t.encodePrompt("what is it?")).toThrow(/"what" \(did you mean "What"\?\)/);
  });
});
