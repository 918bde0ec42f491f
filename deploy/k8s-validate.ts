/**
 * Offline validation of the Kubernetes manifests in deploy/k8s: YAML parsing (`yaml`) and the
 * Kubernetes OpenAPI schema (`kubernetes-models`, whose classes carry validators compiled from
 * it). The schema allows unknown fields (objects have no `additionalProperties: false`), but
 * `kubectl apply` rejects them (strict field validation), so unknown fields are found here too:
 * the compiled validator reads every field the schema knows, and a field it never reads is one
 * the schema does not have.
 */
import { Job } from "kubernetes-models/batch/v1";
import { PersistentVolumeClaim, Pod } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";

interface Validating {
  prototype: { validate(): void };
}

/** The kinds deploy/k8s uses, by `apiVersion/kind`. */
const MODELS: Record<string, Validating> = {
  "batch/v1/Job": Job,
  "v1/Pod": Pod,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
};

/** Parses a multi-document YAML file; throws on any YAML error or warning. */
export function parseManifests(text: string, file = "manifest"): unknown[] {
  const parse = (version: "1.1" | "1.2") =>
    parseAllDocuments(text, { version, prettyErrors: true }).map((doc) => {
      const problems = [...doc.errors, ...doc.warnings];
      if (problems.length > 0)
        throw new Error(`${file}: ${problems.map((p) => p.message).join("; ")}`);
      return doc.toJS() as unknown;
    });
  const docs = parse("1.2");
  // Kubernetes reads YAML 1.1 (where yes/no/on/off are booleans): both readings must agree.
  if (JSON.stringify(parse("1.1")) !== JSON.stringify(docs)) {
    throw new Error(`${file}: reads differently as YAML 1.1 and 1.2 (quote yes/no/on/off values)`);
  }
  return docs.filter((doc) => doc !== null);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Wraps `value` so that every property read is recorded in `read` as a JSON pointer. */
function recordReads(value: unknown, path: string, read: Set<string>): unknown {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== "string") return child;
      read.add(`${path}/${key}`);
      return recordReads(child, `${path}/${key}`, read);
    },
    has(target, key) {
      if (typeof key === "string") read.add(`${path}/${key}`);
      return Reflect.has(target, key);
    },
  });
}

function unreadFields(value: Json, path: string, read: Set<string>, out: string[]): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => unreadFields(item, `${path}/${i}`, read, out));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}/${key}`;
    if (!read.has(childPath)) out.push(`unknown field ${childPath || "/"}`);
    else unreadFields(child, childPath, read, out);
  }
}

/** What is wrong with one manifest (an empty list when it is valid). */
export function manifestProblems(manifest: unknown): string[] {
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    return ["not a YAML mapping"];
  }
  const { apiVersion, kind } = manifest as { apiVersion?: unknown; kind?: unknown };
  const model = MODELS[`${String(apiVersion)}/${String(kind)}`];
  if (!model) return [`no schema here for apiVersion ${String(apiVersion)}, kind ${String(kind)}`];
  const read = new Set<string>();
  try {
    model.prototype.validate.call(recordReads(manifest, "", read));
  } catch (error) {
    return [(error as Error).message];
  }
  const unknown: string[] = [];
  unreadFields(manifest as Json, "", read, unknown);
  return unknown;
}
