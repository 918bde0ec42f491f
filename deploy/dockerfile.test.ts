/**
 * deploy/Dockerfile, statically (there is no Docker engine here to build it): dockerfile-utils'
 * linter, and with dockerfile-ast's parse the stages, the onnxruntime-node build argument, the
 * entrypoint, and that every path copied from the build context exists and is let through by
 * deploy/Dockerfile.dockerignore.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DockerfileParser,
  type Arg,
  type Copy,
  type Entrypoint,
  type From,
  type Instruction,
} from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";

const DEPLOY = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(DEPLOY);
const text = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
const dockerfile = DockerfileParser.parse(text);

interface Stage {
  from: From;
  instructions: Instruction[];
}
/** The build stages in order, each with its instructions after FROM. */
function stages(): Stage[] {
  const out: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM")
      out.push({ from: instruction as From, instructions: [] });
    else out.at(-1)?.instructions.push(instruction);
  }
  return out;
}
const byName = new Map(stages().map((stage) => [stage.from.getBuildStage(), stage]));
const of = <T extends Instruction>(stage: Stage | undefined, keyword: string) =>
  (stage?.instructions ?? []).filter((i) => i.getKeyword() === keyword) as T[];

describe("deploy/Dockerfile", () => {
  it("passes dockerfile-utils' linter, which catches a broken file", () => {
    expect(validate(text)).toEqual([]);
    expect(validate(text.replace("FROM scratch", "FORM scratch"))[0]?.message).toMatch(
      /Unknown instruction: FORM/,
    );
    expect(validate(text.replace("COPY --from=app", "COPY --frm=app")).length).toBeGreaterThan(0);
  });

  it("every RUN is valid shell for the images' /bin/sh (dash) and bash", () => {
    const runs = dockerfile
      .getInstructions()
      .filter((i) => i.getKeyword() === "RUN")
      .map((i) => i.getArgumentsContent()!.replace(/\\\n/g, " "));
    expect(runs.length).toBeGreaterThan(0);
    for (const shell of ["bash", "dash"].filter((s) => spawnSync(s, ["-c", "true"]).status === 0)) {
      for (const run of runs) expect(spawnSync(shell, ["-n", "-c", run]).status, run).toBe(0);
      expect(spawnSync(shell, ["-n", "-c", "if [ x ]; then true"]).status).not.toBe(0);
    }
  });

  it("builds deps, app, gpu, cpu, the CPU image last (the default target)", () => {
    expect(stages().map((s) => s.from.getBuildStage())).toEqual(["deps", "app", "gpu", "cpu"]);
    const initial = Object.fromEntries(
      dockerfile
        .getInitialARGs()
        .map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue()]),
    );
    expect(initial.NODE_IMAGE).toBe("node:20-bookworm-slim");
    expect(initial.CUDA_IMAGE).toMatch(/^nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/);
    expect(byName.get("cpu")?.from.getImage()).toBe("${NODE_IMAGE}");
    expect(byName.get("gpu")?.from.getImage()).toBe("${CUDA_IMAGE}");
  });

  it("installs with ONNXRUNTIME_NODE_INSTALL=skip unless the build argument asks for CUDA", () => {
    const deps = byName.get("deps");
    const arg = of<Arg>(deps, "ARG").find(
      (a) => a.getProperty()?.getName() === "ONNXRUNTIME_NODE_INSTALL",
    );
    expect(arg?.getProperty()?.getValue()).toBe("skip");
    const env = of(deps, "ENV")
      .map((e) => e.getArgumentsContent())
      .join(" ");
    expect(env).toContain("ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL}");
    const run = of(deps, "RUN")
      .map((r) => r.getArgumentsContent())
      .join(" ");
    expect(run).toMatch(/npm ci/);
    // The CUDA provider's path, which the GPU stage also checks, is where this onnxruntime-node
    // puts its Linux x64 binaries.
    const cudaLib =
      /node_modules\/onnxruntime-node\/bin\/napi-v6\/linux\/x64\/libonnxruntime_providers_cuda\.so/;
    expect(run).toMatch(cudaLib);
    expect(of(byName.get("gpu"), "RUN")[0]?.getArgumentsContent()).toMatch(cudaLib);
    expect(existsSync(join(ROOT, "node_modules/onnxruntime-node/bin/napi-v6/linux/x64"))).toBe(
      true,
    );
  });

  it("runs the CLI (bin/headflow.mjs) as the entrypoint of both images, as uid 1000", () => {
    for (const name of ["cpu", "gpu"]) {
      const stage = byName.get(name);
      const entrypoint = of<Entrypoint>(stage, "ENTRYPOINT");
      expect(entrypoint).toHaveLength(1);
      expect(entrypoint[0]!.getJSONStrings().map((s) => s.getJSONValue())).toEqual([
        "node",
        "/app/bin/headflow.mjs",
      ]);
      expect(of(stage, "USER")[0]?.getArgumentsContent()).toBe("1000:1000");
    }
    expect(existsSync(join(ROOT, "bin/headflow.mjs"))).toBe(true);
    expect(readFileSync(join(ROOT, "package.json"), "utf8")).toMatch(
      /"headflow": "bin\/headflow\.mjs"/,
    );
  });

  it("copies from the context only paths that exist and the ignore file lets through", () => {
    const allowed = readFileSync(join(DEPLOY, "Dockerfile.dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1).replace(/\/$/, ""));
    const sources = dockerfile
      .getCOPYs()
      .filter((copy: Copy) => copy.getFromFlag() === null)
      .flatMap((copy: Copy) =>
        copy
          .getArguments()
          .slice(0, -1)
          .map((a) => a.getValue()),
      );
    expect(sources).toEqual(
      expect.arrayContaining(["package-lock.json", "bin", "src", "public/models/emoji-vlm"]),
    );
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(allowed, source).toContain(source);
    }
    // The bundled model is in git (not an LFS pointer): its weights are real ONNX files.
    const onnx = readFileSync(join(ROOT, "public/models/emoji-vlm/onnx/embed_tokens.onnx"));
    expect(onnx.length).toBeGreaterThan(1000);
  });
});
