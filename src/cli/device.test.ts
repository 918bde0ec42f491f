/** `--device`: the provider plumbing and the refusals, with onnxruntime's answers faked. */
import { describe, expect, it } from "vitest";
import { NODE_SESSION_OPTIONS } from "../engine/node";
import { HeadflowError } from "../engine";
import { chooseDevice, deviceLoadError, nodeProviderProbe, type ProviderProbe } from "./device";

const probe = (installed: string[] = []): ProviderProbe => ({
  providers: () => [
    { name: "cpu", bundled: true },
    { name: "webgpu", bundled: true },
    { name: "cuda", bundled: false },
  ],
  libraryExists: (file) => installed.includes(file),
  platform: "linux",
  arch: "x64",
});

describe("chooseDevice", () => {
  it("keeps the CPU's session options unchanged", () => {
    expect(chooseDevice(undefined, probe())).toEqual({
      device: "cpu",
      sessionOptions: NODE_SESSION_OPTIONS,
      runtime: "onnxruntime-node (cpu)",
    });
    expect(chooseDevice("CPU", probe()).sessionOptions).toBe(NODE_SESSION_OPTIONS);
  });

  it("puts the provider first, the CPU after it for operators it lacks", () => {
    const webgpu = chooseDevice("webgpu", probe());
    expect(webgpu.sessionOptions).toEqual({
      ...NODE_SESSION_OPTIONS,
      executionProviders: ["webgpu", "cpu"],
    });
    expect(webgpu.runtime).toBe("onnxruntime-node (webgpu)");
    const cuda = chooseDevice("cuda", probe(["libonnxruntime_providers_cuda.so"]));
    expect(cuda.sessionOptions.executionProviders).toEqual(["cuda", "cpu"]);
  });

  it("names the missing piece", () => {
    expect(() => chooseDevice("tpu", probe())).toThrow(
      /--device tpu: onnxruntime-node on linux\/x64 has no "tpu" execution provider \(it has: cpu, webgpu, cuda\)/,
    );
    expect(() => chooseDevice("cuda", probe())).toThrow(
      /the cuda provider's library libonnxruntime_providers_cuda\.so is not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/,
    );
    expect(() => chooseDevice("cuda", { ...probe(), platform: "win32" })).toThrow(
      /onnxruntime_providers_cuda\.dll/,
    );
  });

  it("reads the installed onnxruntime-node", () => {
    const names = nodeProviderProbe.providers().map((p) => p.name);
    expect(names).toContain("cpu");
    // The bundled CPU provider has no separate library; the binding itself is there.
    expect(nodeProviderProbe.libraryExists("onnxruntime_binding.node")).toBe(
      process.platform === "linux" || process.platform === "darwin" || process.platform === "win32",
    );
  });

  it("turns a provider's start-up failure into a one-line error naming the device", () => {
    const cuda = chooseDevice("cuda", probe(["libonnxruntime_providers_cuda.so"]));
    const error = deviceLoadError(
      cuda,
      new Error("\nlibcudart.so.12: cannot open shared object file\n  at stack"),
    );
    expect(error).toBeInstanceOf(HeadflowError);
    expect((error as Error).message).toBe(
      "--device cuda: onnxruntime could not start the cuda provider: libcudart.so.12: cannot open shared object file",
    );
    const loader = new HeadflowError("bad-model", "model file a.onnx is corrupt: no adapter");
    expect((deviceLoadError(cuda, loader) as Error).message).toBe(
      "--device cuda: onnxruntime could not start the cuda provider: model file a.onnx is corrupt: no adapter",
    );
    const question = new HeadflowError("bad-question", "unknown word");
    expect(deviceLoadError(cuda, question)).toBe(question);
    const cpuError = new Error("x");
    expect(deviceLoadError(chooseDevice("cpu", probe()), cpuError)).toBe(cpuError);
  });
});
