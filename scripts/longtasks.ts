/**
 * Measures how long the main thread blocks while an attribution runs in the browser
 * (the explorer's goal: the main thread never blocked more than 100 ms). Opens the built app (dist/) in Debian's Chromium,
 * chooses a bundled sample, waits for the model, then records every long task (> 50 ms)
 * and long animation frame from "Run attribution" until the fit summary appears. The
 * long-animation-frame entries name the scripts that ran, which is what finds a cause.
 *
 *   npx vite build && npx tsx scripts/longtasks.ts [--backend wasm|webgpu] [--samples N]
 *     [--runs R] [--port P] [--settle MS]
 *
 * Serves dist/ itself with `vite preview` on --port (default 4179, beside the e2e port).
 * Prints one JSON object: per run, the longest task and frame during the attribution and
 * the top frames' scripts. A timing, not a test: nothing here fails on a slow machine.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { findChromium } from "../e2e/chromium-path";
import { maxOf } from "../src/engine";
import { startPreview } from "./preview-server";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "wasm" },
    samples: { type: "string", default: "1000" },
    runs: { type: "string", default: "2" },
    port: { type: "string", default: "4179" },
    image: { type: "string", default: "public/samples/sample-00.png" },
    /** Another build to serve (e.g. `vite build --minify false --outDir /tmp/plain`). */
    dist: { type: "string" },
    /**
     * Trace every run and report the main thread's longest tasks with their CPU time: on a
     * loaded machine a task's wall time includes time the OS gave to other processes.
     */
    trace: { type: "boolean", default: false },
    /** Record a CPU profile of the first run's first N ms and print its hottest functions. */
    profile: { type: "string" },
    /**
     * Milliseconds to wait between the answer and the first run, as a user reading the
     * answer does (the entry graphs open after the model reports ready).
     */
    settle: { type: "string", default: "0" },
  },
});
const backend = values.backend === "webgpu" ? "webgpu" : "wasm";
const port = Number(values.port);
const runs = Number(values.runs);
const baseUrl = `http://127.0.0.1:${port}/`;

interface Recorded {
  kind: "longtask" | "frame";
  start: number;
  duration: number;
  /** Long animation frames: the scripts that ran in it (longest first). */
  scripts?: { duration: number; invoker: string; source: string }[];
  blocking?: number;
  /** Of a long animation frame: ms of rendering (style, layout, paint) after the scripts. */
  renderMs?: number;
  styleLayoutMs?: number;
}

/** Installed before the app's scripts: buffers long tasks and long animation frames. */
function observeLongWork() {
  const recorded: Recorded[] = [];
  (window as unknown as { __longWork: Recorded[] }).__longWork = recorded;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      recorded.push({ kind: "longtask", start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: "longtask", buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as PerformanceEntry[] &
        {
          blockingDuration: number;
          renderStart: number;
          styleAndLayoutStart: number;
          scripts: {
            duration: number;
            invoker: string;
            sourceURL: string;
            sourceFunctionName: string;
            sourceCharPosition: number;
          }[];
        }[]) {
        recorded.push({
          kind: "frame",
          start: entry.startTime,
          duration: entry.duration,
          blocking: entry.blockingDuration,
          renderMs:
            entry.renderStart > 0 ? entry.startTime + entry.duration - entry.renderStart : 0,
          styleLayoutMs:
            entry.styleAndLayoutStart > 0
              ? entry.startTime + entry.duration - entry.styleAndLayoutStart
              : 0,
          scripts: entry.scripts
            .map((script) => ({
              duration: Math.round(script.duration),
              invoker: script.invoker,
              source: `${script.sourceFunctionName || "(anonymous)"} ${script.sourceURL.split("/").pop()}:${script.sourceCharPosition}`,
            }))
            .sort((a, b) => b.duration - a.duration)
            .slice(0, 4),
        });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch {
    // Long animation frames are Chromium 123+; long tasks alone still give the numbers.
  }
}

const server = await startPreview(port, { outDir: values.dist });
try {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      "--headless=new",
      "--no-sandbox",
      ...(backend === "webgpu" ? ["--enable-unsafe-webgpu"] : []),
    ],
  });
  const page = await browser.newPage();
  await page.addInitScript(observeLongWork);
  await page.goto(baseUrl);
  const sample = readFileSync(values.image);
  await page
    .getByLabel("Image", { exact: true })
    .setInputFiles({ name: "sample.png", mimeType: "image/png", buffer: sample });
  await page.getByRole("region", { name: "Answer" }).getByText("Answer:").waitFor({
    timeout: 300_000,
  });
  await page.getByText("Advanced settings").click();
  await page.getByRole("spinbutton", { name: "Samples", exact: true }).fill(values.samples);
  await page.waitForTimeout(Number(values.settle));
  const results = [];
  for (let run = 0; run < runs; run++) {
    const profiling = run === 0 && values.profile !== undefined ? await startProfile(page) : null;
    if (values.trace) {
      await browser.startTracing(page, {
        categories: ["devtools.timeline", "toplevel", "disabled-by-default-devtools.timeline"],
      });
    }
    const startedAt = await page.evaluate(() => performance.now());
    await page.getByRole("button", { name: "Run attribution" }).click();
    const hottest = profiling === null ? undefined : await profiling(Number(values.profile));
    // The fit summary of this run (its text changes with the run's duration).
    await page.getByRole("button", { name: "Run attribution" }).isEnabled();
    await page.waitForFunction(
      () => {
        const button = [...document.querySelectorAll("button")].find(
          (node) => node.textContent === "Run attribution",
        );
        return (
          button !== undefined &&
          !button.disabled &&
          document.querySelector("[data-testid=held-out-r]")
        );
      },
      undefined,
      { timeout: 600_000, polling: 200 },
    );
    const endedAt = await page.evaluate(() => performance.now());
    const trace = values.trace ? await browser.stopTracing() : undefined;
    if (trace !== undefined && process.env.LONGTASKS_TRACE_DIR) {
      writeFileSync(`${process.env.LONGTASKS_TRACE_DIR}/run-${run + 1}.json`, trace);
    }
    const traced = trace === undefined ? undefined : mainThreadTasks(trace);
    const entries = await page.evaluate(
      ([from, to]) =>
        (window as unknown as { __longWork: Recorded[] }).__longWork.filter(
          (entry) => entry.start + entry.duration >= from! && entry.start <= to!,
        ),
      [startedAt, endedAt],
    );
    const tasks = entries.filter((entry) => entry.kind === "longtask");
    const frames = entries
      .filter((entry) => entry.kind === "frame")
      .sort((a, b) => b.duration - a.duration);
    results.push({
      run: run + 1,
      attributionMs: Math.round(endedAt - startedAt),
      longTasks: tasks.length,
      maxLongTaskMs: Math.round(Math.max(0, maxOf(tasks.map((task) => task.duration)))),
      longTasksMs: tasks.map((task) => Math.round(task.duration)),
      maxFrameMs: Math.round(frames[0]?.duration ?? 0),
      ...(hottest ? { hottest } : {}),
      ...(traced ? { traced } : {}),
      topFrames: frames.slice(0, 3).map((frame) => ({
        atMs: Math.round(frame.start - startedAt),
        durationMs: Math.round(frame.duration),
        blockingMs: Math.round(frame.blocking ?? 0),
        renderMs: Math.round(frame.renderMs ?? 0),
        styleLayoutMs: Math.round(frame.styleLayoutMs ?? 0),
        scripts: frame.scripts,
      })),
    });
  }
  const badgeElement = page.getByRole("status", { name: "Backend" }).first();
  const badge = await badgeElement.textContent().catch(() => null);
  // Load and warm-up times (the warm-up does the first attribution's one-off work).
  const loading = await badgeElement.getAttribute("title").catch(() => null);
  console.log(
    JSON.stringify(
      {
        backend,
        badge,
        loading,
        samples: Number(values.samples),
        settleMs: Number(values.settle),
        runs: results,
      },
      null,
      2,
    ),
  );
  await browser.close();
} finally {
  server.stop();
}

/** Starts the CPU profiler; the returned function stops it after `ms` and sums self time. */
async function startProfile(page: import("@playwright/test").Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  return async (ms: number) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { profile } = await cdp.send("Profiler.stop");
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const deltas = profile.timeDeltas ?? [];
    const parent = new Map<number, number>();
    for (const node of profile.nodes)
      for (const child of node.children ?? []) parent.set(child, node.id);
    /** The nearest caller named like a React component (or a d3 draw function). */
    const owner = (id: number) => {
      for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
        const name = byId.get(at)!.callFrame.functionName;
        if (/^[A-Z]/.test(name) || /^(draw|paint)/.test(name)) return name;
      }
      return "-";
    };
    (profile.samples ?? []).forEach((id, index) => {
      const frame = byId.get(id)!.callFrame;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}:${frame.lineNumber + 1} in ${owner(id)}`;
      self.set(key, (self.get(key) ?? 0) + (deltas[index] ?? 0) / 1000);
    });
    return [...self.entries()]
      .filter(([key]) => !key.startsWith("(idle)") && !key.startsWith("(program)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([key, total]) => `${total.toFixed(1)} ms ${key}`);
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The renderer main thread's tasks over 50 ms in a Chrome trace: wall time (dur) and the
 * thread's CPU time (tdur). The page's renderer is the one whose main thread ran the most.
 */
function mainThreadTasks(buffer: Buffer) {
  const events = (JSON.parse(buffer.toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = events.filter(
    (e) =>
      e.ph === "X" && e.name === "RunTask" && mains.has(`${e.pid}:${e.tid}`) && e.dur !== undefined,
  );
  const busiest = new Map<string, number>();
  for (const task of tasks) {
    const key = `${task.pid}:${task.tid}`;
    busiest.set(key, (busiest.get(key) ?? 0) + (task.tdur ?? 0));
  }
  const page = [...busiest.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const long = tasks
    .filter((task) => `${task.pid}:${task.tid}` === page && task.dur! > 50_000)
    .sort((a, b) => b.dur! - a.dur!);
  return {
    tasksOver50ms: long.length,
    longest: long.slice(0, 5).map((task) => ({
      wallMs: Math.round(task.dur! / 1000),
      cpuMs: Math.round((task.tdur ?? 0) / 1000),
    })),
    maxCpuMs: Math.round(
      Math.max(
        0,
        maxOf(tasks.filter((t) => `${t.pid}:${t.tid}` === page).map((t) => t.tdur ?? 0)),
      ) / 1000,
    ),
  };
}
