/** Entry point of `npx headflow` / `tsx src/cli/main.ts`. */
import { runCli } from "./cli";
import { handleInterrupts } from "./interrupt";
import { processIo } from "./output";

const controller = new AbortController();
const io = { ...processIo, stdoutIsTty: Boolean(process.stdout.isTTY) };
const interrupts = handleInterrupts(controller, io, (code) => process.exit(code));
const code = await runCli(process.argv.slice(2), io, controller.signal);
interrupts.dispose();
// Let stdout drain before exiting (large JSON through a pipe).
process.stdout.write("", () => process.exit(code));
