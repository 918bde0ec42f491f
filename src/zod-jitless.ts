/**
 * zod without generated code: by default zod 4 compiles object parsers with
 * `new Function`, which the app's Content-Security-Policy forbids (no 'unsafe-eval'), and
 * even its probe for that is reported as a policy violation. zod reads the setting when a
 * schema is built, so every entry point (the page, each worker) imports this module
 * first, before any module that defines a schema.
 */
import { z } from "zod";

z.config({ jitless: true });
