/** Entry point of `npx headflow` / `tsx src/cli/main.ts`. */
import { runCli } from "./cli";
import { processIo } from "./output";

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
const io = { ...processIo, stdoutIsTty: Boolean(process.stdout.isTTY) };
const code = await runCli(process.argv.slice(2), io, controller.signal);
// Let stdout drain before exiting (large JSON through a pipe).
process.stdout.write("", () => process.exit(code));
