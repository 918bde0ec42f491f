/** A model folder's files are read like any user input: regular files within a limit by kind. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderReader, modelReader, urlReader } from "./files";
import { GRAPH_LIMIT, JSON_LIMIT, TOKENIZER_LIMIT, modelFileLimit } from "./model-file-limits";

const root = mkdtempSync(join(tmpdir(), "headflow-model-folder-"));
mkdirSync(join(root, "onnx"));
writeFileSync(join(root, "config.json"), "{}");
const read = folderReader(root);

/** The message a read is refused with, and how long it took. */
async function refusal(path: string): Promise<{ message: string; ms: number }> {
  const started = performance.now();
  const error = await read(path).then(
    () => new Error("read, not refused"),
    (e: unknown) => e as Error,
  );
  return { message: error.message, ms: performance.now() - started };
}

describe("folderReader", () => {
  it("reads a regular file, also through a link to one outside the folder", async () => {
    expect(new TextDecoder().decode(await read("config.json"))).toBe("{}");
    const blob = join(mkdtempSync(join(tmpdir(), "headflow-blobs-")), "abc123");
    writeFileSync(blob, "[1]");
    symlinkSync(blob, join(root, "generation_config.json"));
    expect(new TextDecoder().decode(await read("generation_config.json"))).toBe("[1]");
  });

  it("refuses a FIFO at once and a link to /dev/zero, naming the file and its kind", async () => {
    execFileSync("mkfifo", [join(root, "tokenizer.json")]);
    const fifo = await refusal("tokenizer.json");
    expect(fifo.message).toBe(
      `cannot read model file (tokenizer file) ${join(root, "tokenizer.json")}: it is a FIFO (named pipe), not a regular file`,
    );
    expect(fifo.ms).toBeLessThan(5000); // a blocking open would never return
    symlinkSync("/dev/zero", join(root, "onnx", "vision_encoder.onnx"));
    expect((await refusal("onnx/vision_encoder.onnx")).message).toBe(
      `cannot read model file (ONNX graph) ${join(root, "onnx", "vision_encoder.onnx")}: it is a device, not a regular file`,
    );
  });

  it("refuses a file over its kind's limit by its size, unread", async () => {
    const big = join(root, "preprocessor_config.json");
    writeFileSync(big, "");
    truncateSync(big, JSON_LIMIT.maxBytes + 1); // sparse: no disk space
    const { message, ms } = await refusal("preprocessor_config.json");
    expect(message).toBe(
      `cannot read model file (JSON file) ${big}: it is 16777217 bytes, over the 16777216 bytes limit`,
    );
    expect(ms).toBeLessThan(5000);
  });

  it("names a missing file, and refuses a path that leaves the folder", async () => {
    expect((await refusal("headflow.json")).message).toBe(
      `model file headflow.json is missing (looked for ${join(root, "headflow.json")})`,
    );
    expect((await refusal("../outside.json")).message).toBe(
      "model file ../outside.json is outside the model folder",
    );
    expect((await refusal("reference/../../x.png")).message).toMatch(/is outside the model folder/);
  });

  it("stops when its signal is aborted, for a folder and for a URL", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const options = { signal: controller.signal };
    await expect(folderReader(root, options)("config.json")).rejects.toThrow("stop");
    // No request is made: the reader's fetch gives up before connecting.
    await expect(modelReader("http://127.0.0.1:9/m", options)("config.json")).rejects.toThrow(
      /cancelled/,
    );
  });
});

describe("urlReader", () => {
  // config.json: a small file; headflow.json claims 17 MiB; tokenizer.json never ends.
  const server = createServer((request, response) => {
    if (request.url === "/m/config.json") response.end("{}");
    else if (request.url === "/m/headflow.json") {
      response.writeHead(200, { "content-length": String(17 * 2 ** 20) });
      response.write("{");
    } else if (request.url === "/m/tokenizer.json") {
      const chunk = Buffer.alloc(2 ** 20, 32);
      const send = () => {
        while (response.write(chunk));
        response.once("drain", send);
      };
      send();
    } else response.writeHead(404).end();
  });
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("reads a file, and names a missing one", async () => {
    const read = urlReader(base);
    expect(new TextDecoder().decode(await read("config.json"))).toBe("{}");
    await expect(read("nope.json")).rejects.toThrow(/^model file nope\.json is missing/);
  });

  it("refuses a file over its kind's limit by Content-Length, and an endless one as it comes", async () => {
    const read = urlReader(base);
    await expect(read("headflow.json")).rejects.toThrow(
      `model file headflow.json (JSON file) from ${base}/headflow.json is 17 MiB, over the 16 MiB limit`,
    );
    await expect(read("tokenizer.json")).rejects.toThrow(
      /^model file tokenizer\.json \(tokenizer file\) from .* is more than \d+ bytes, over the 64 MiB limit$/,
    );
  });
});

describe("modelFileLimit", () => {
  it("gives graphs 2 GiB - 1, tokenizer files 64 MiB, other JSON 16 MiB", () => {
    expect(GRAPH_LIMIT.maxBytes).toBe(2147483647);
    for (const path of ["onnx/decoder_model_merged.onnx", "onnx/x_q4.onnx_data", "m.ORT"])
      expect(modelFileLimit(path)).toBe(GRAPH_LIMIT);
    for (const path of ["tokenizer.json", "vocab.txt", "merges.txt", "spiece.model"])
      expect(modelFileLimit(path)).toBe(TOKENIZER_LIMIT);
    for (const path of ["config.json", "headflow.json", "tokenizer_config.json", "parity.json"])
      expect(modelFileLimit(path)).toBe(JSON_LIMIT);
    expect(modelFileLimit("reference/000.png").kind).toBe("image");
    expect(modelFileLimit("chat_template.jinja").kind).toBe("model file");
  });
});
