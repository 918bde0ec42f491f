/**
 * Regenerates onnx-static.js, the ONNX codec the engine uses, from onnx.proto3:
 *
 *     npx tsx src/engine/model/graph/make-onnx-static.ts
 *
 * onnx-codec.test.ts fails when the committed file is not what this writes.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { onnxStaticModule } from "./onnx-static-source";

const out = fileURLToPath(new URL("./onnx-static.js", import.meta.url));
writeFileSync(out, await onnxStaticModule());
console.log(`wrote ${out}`);
