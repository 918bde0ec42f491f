/**
 * onnx.proto3 -> onnx-static.js: protobufjs's own generator (pbjs, static code on
 * protobufjs/minimal), formatted by the repository's prettier. Static code because the
 * app's Content-Security-Policy forbids `Function`, which protobufjs's reflection codecs
 * are compiled with. Used by make-onnx-static.ts and by the test that checks the
 * committed file is up to date (Node only: it runs the pbjs command).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";

const PBJS_OPTIONS = [
  "--target=static-module",
  "--wrap=es6",
  "--keep-case",
  "--no-create",
  "--no-verify",
  "--no-convert",
  "--no-delimited",
  "--no-typeurl",
  "--no-comments",
];

export async function onnxStaticModule(): Promise<string> {
  const proto = fileURLToPath(new URL("./onnx.proto3", import.meta.url));
  const pbjs = fileURLToPath(new URL("../../../../node_modules/.bin/pbjs", import.meta.url));
  const code = execFileSync(pbjs, [...PBJS_OPTIONS, proto], { encoding: "utf8" });
  // pbjs's first line disables lint rules this repository does not use. Its namespace
  // import of the CommonJS protobufjs/minimal has no named exports in Node's ESM loader
  // (tsx, the CLI): a default import works there and in Vite.
  const body = code
    .replace(/^\/\*eslint-disable[^\n]*\*\/\n/, "")
    .replace(
      'import * as $protobuf from "protobufjs/minimal";',
      'import $protobuf from "protobufjs/minimal.js";',
    );
  if (!body.includes('import $protobuf from "protobufjs/minimal.js";'))
    throw new Error("pbjs output changed: its protobufjs/minimal import was not found");
  const header = `// Generated from onnx.proto3 by make-onnx-static.ts (pbjs ${PBJS_OPTIONS.join(" ")}): do not edit.\n`;
  // The repository's prettier settings, so `prettier --check` accepts the file as written.
  const out = fileURLToPath(new URL("./onnx-static.js", import.meta.url));
  return format(header + body, { ...(await resolveConfig(out)), parser: "babel" });
}
