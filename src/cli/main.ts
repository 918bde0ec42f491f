/** Entry point of `npx headflow` / `tsx src/cli/main.ts`. */
import { runCli } from "./cli";
import { processIo } from "./output";

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
const code = await runCli(process.argv.slice(2), processIo, controller.signal);
// Let stdout drain before exiting (large JSON through a pipe).
process.stdout.write("", () => process.exit(code));
