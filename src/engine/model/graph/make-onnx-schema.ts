/**
 * Regenerates onnx-schema.json (the protobufjs descriptor the engine loads) from
 * onnx.proto3, onnx's own schema file committed beside it:
 *
 *     npx tsx src/engine/model/graph/make-onnx-schema.ts
 *
 * The engine imports the JSON rather than parsing the .proto text at run time, so the
 * browser bundle needs only protobufjs/light. onnx-schema.test.ts checks that the two
 * files agree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { onnxSchemaFromProto } from "./onnx-schema-source";

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const json = onnxSchemaFromProto(readFileSync(here("./onnx.proto3"), "utf8"));
// Written as the repository's formatter writes JSON, so `prettier --check` passes.
writeFileSync(here("./onnx-schema.json"), await format(JSON.stringify(json), { parser: "json" }));
console.log(`wrote ${here("./onnx-schema.json")}`);
