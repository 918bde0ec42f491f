/**
 * `--device cpu|cuda|webgpu|...`: which onnxruntime-node execution provider runs the
 * model. A provider the installed onnxruntime-node lacks, or whose library npm did not
 * download (CUDA and TensorRT ship apart from the npm package), is refused before the
 * model loads, with the missing piece and the step that installs it.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HeadflowError, type OrtSessionOptions } from "../engine";
import { NODE_SESSION_OPTIONS, ort } from "../engine/node";

export const DEVICE_HELP = `--device cpu|cuda|webgpu|tensorrt (onnxruntime-node's execution providers; default cpu)`;

/** How a GPU user gets the CUDA provider (the project's .npmrc skips its download). */
export const CUDA_INSTALL_STEP =
  "ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node (needs CUDA 12 and cuDNN 9 on the machine)";

export interface Provider {
  name: string;
  /** Whether the provider's code is in the npm package itself. */
  bundled: boolean;
}

/** What the device check looks at; replaced in tests. */
export interface ProviderProbe {
  providers: () => Provider[];
  /** Whether a provider library file exists beside onnxruntime's own. */
  libraryExists: (file: string) => boolean;
  platform: string;
  arch: string;
}

function bindingFolder(platform: string, arch: string): string {
  const root = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
  return join(root, "bin", "napi-v6", platform, arch);
}

export const nodeProviderProbe: ProviderProbe = {
  providers: () => ort.listSupportedBackends(),
  libraryExists: (file) => existsSync(join(bindingFolder(process.platform, process.arch), file)),
  platform: process.platform,
  arch: process.arch,
};

/** The provider's shared library, as onnxruntime names it on this platform. */
function libraryName(provider: string, platform: string): string {
  if (platform === "win32") return `onnxruntime_providers_${provider}.dll`;
  return `libonnxruntime_providers_${provider}.${platform === "darwin" ? "dylib" : "so"}`;
}

export interface DeviceChoice {
  device: string;
  sessionOptions: OrtSessionOptions;
  /** The results' runtime label. */
  runtime: string;
}

export function chooseDevice(
  device: string | undefined,
  probe: ProviderProbe = nodeProviderProbe,
): DeviceChoice {
  const name = (device ?? "cpu").trim().toLowerCase();
  if (name === "cpu") {
    return {
      device: name,
      sessionOptions: NODE_SESSION_OPTIONS,
      runtime: "onnxruntime-node (cpu)",
    };
  }
  const providers = probe.providers();
  const provider = providers.find((p) => p.name === name);
  if (!provider) {
    throw new HeadflowError(
      "bad-argument",
      `--device ${name}: onnxruntime-node on ${probe.platform}/${probe.arch} has no "${name}" execution provider (it has: ${providers.map((p) => p.name).join(", ")})`,
    );
  }
  const library = libraryName(name, probe.platform);
  if (!provider.bundled && !probe.libraryExists(library)) {
    const step =
      name === "cuda" || name === "tensorrt" ? `: install it with ${CUDA_INSTALL_STEP}` : "";
    throw new HeadflowError(
      "bad-argument",
      `--device ${name}: the ${name} provider's library ${library} is not installed beside onnxruntime-node's binding (npm skips that download by default)${step}`,
    );
  }
  return {
    device: name,
    // The CPU provider stays as the fallback for any operator the device lacks.
    sessionOptions: { ...NODE_SESSION_OPTIONS, executionProviders: [name, "cpu"] },
    runtime: `onnxruntime-node (${name})`,
  };
}

/**
 * A failure to start a provider (a missing system library such as libcudart, no GPU), as
 * a one-line error naming the device. The bundle loader reports a session that would not
 * start as a bad model file; on a device that is said to be the device's failure first,
 * with the loader's words kept.
 */
export function deviceLoadError(choice: DeviceChoice, error: unknown): unknown {
  if (choice.device === "cpu") return error;
  if (error instanceof HeadflowError && error.code !== "bad-model") return error;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n").find((line) => line.trim() !== "") ?? message;
  return new HeadflowError(
    "bad-argument",
    `--device ${choice.device}: onnxruntime could not start the ${choice.device} provider: ${firstLine.trim()}`,
  );
}
