#!/usr/bin/env node
// `npx headflow <command>`: runs the TypeScript CLI (src/cli/main.ts) through tsx, in this
// process, so there is no build step and no second Node process.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
