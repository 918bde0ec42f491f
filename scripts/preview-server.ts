/**
 * The built app (dist/) served by `vite preview` for the measurement and screenshot
 * scripts: started in its own process group so that stopping it also stops the server npx
 * started, and ready once it answers.
 */
import { spawn } from "node:child_process";

export interface PreviewServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  stop(): void;
}

export async function startPreview(
  port: number,
  options: { outDir?: string; timeoutMs?: number } = {},
): Promise<PreviewServer> {
  const args = ["vite", "preview", "--port", String(port), "--strictPort"];
  if (options.outDir !== undefined) args.push("--outDir", options.outDir);
  const child = spawn("npx", args, { stdio: "ignore", detached: true });
  const server: PreviewServer = {
    url: `http://127.0.0.1:${port}/`,
    stop() {
      if (child.pid !== undefined) process.kill(-child.pid);
    },
  };
  try {
    await waitForServer(server.url, options.timeoutMs ?? 60_000);
  } catch (error) {
    server.stop();
    throw error;
  }
  return server;
}

async function waitForServer(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`vite preview did not answer at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
