/**
 * The browser half of `bench --real-scale`: headless Chromium with the bench page (the
 * app's client and workers alone, browser.ts), the bundled model started on wasm as the app
 * starts it, then the generated export loaded from a URL through the worker's third-party
 * path (the Model control's: streamed download, Cache API, wasm dtype order), then ask, one
 * head ablation and a default attribution on the image the app would prepare. Each phase
 * gets its wall time and the peak resident memory of Chromium's processes (/proc, reset at
 * the phase's start); the whole run stops at a deadline, and what had finished (and how
 * many masks the attribution had done) is recorded.
 */
import { DEFAULT_MODEL } from "../context";
import { errorMessage, type NamedImage } from "../../engine";
import { openBrowserBench, type BrowserRun } from "./browser";
import { resetChildrenPeaks, sampleChildren, type TreeMemory } from "./proc-memory";
import { round } from "./stats";

const MOUNT = "/real-scale/";

export interface BrowserPhase {
  wallMs: number;
  memory: TreeMemory;
  result: unknown;
}

class Deadline extends Error {}

export async function browserRealScale(
  dir: string,
  image: NamedImage,
  question: string,
  ablated: { layer: number; head: number },
  minutes: number,
  log: (text: string) => void,
) {
  const started = performance.now();
  const deadlineAt = started + minutes * 60_000;
  const phases: Record<string, BrowserPhase> = {};
  const notes: string[] = [];
  let run: BrowserRun | undefined;
  const bench = await openBrowserBench(DEFAULT_MODEL, log, { [MOUNT]: dir });
  let stoppedAt: string | null = null;
  let error: string | null = null;
  let lastProgress: unknown = null;
  let endMemory: unknown = null;

  const phase = async (name: string, work: () => Promise<unknown>) => {
    log(`browser: ${name}`);
    resetChildrenPeaks();
    const sampler = sampleChildren();
    const t0 = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Deadline(`${minutes} minutes`)),
        Math.max(0, deadlineAt - t0),
      );
    });
    try {
      const result = await Promise.race([work(), timeout]);
      const wallMs = performance.now() - t0;
      phases[name] = { wallMs: round(wallMs, 0), memory: sampler.stop(), result };
      log(`browser: ${name} took ${(wallMs / 1000).toFixed(1)} s`);
    } catch (caught) {
      const memory = sampler.stop();
      phases[name] = {
        wallMs: round(performance.now() - t0, 0),
        memory,
        result: { unfinished: caught instanceof Deadline ? "deadline" : errorMessage(caught) },
      };
      throw caught;
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await phase("start", async () => {
      run = await bench.open("wasm");
      return { backend: run.start.backend, reason: run.start.reason, browser: run.browserVersion };
    });
    const page = run!;
    await phase("load", () => page.call("loadThirdParty", [`${MOUNT}`]));
    await phase("prepare", () =>
      page.call("prepare", [
        {
          name: image.name,
          width: image.width,
          height: image.height,
          data: Array.from(image.data),
        },
      ]),
    );
    await phase("ask", () => page.call("ask", [question]));
    await phase("ablate", () =>
      page.call("ablate", [question, ablated.layer, ablated.head, "blank"]),
    );
    const progress = setInterval(() => {
      void page
        .call("progress", [])
        .then((p) => {
          lastProgress = p;
          const { done, total } = (p ?? {}) as { done?: number; total?: number };
          if (done !== undefined) log(`browser: attribute ${done}/${total} masks`);
        })
        .catch(() => undefined);
    }, 60_000);
    try {
      await phase("attribute", () => page.call("attributeFull", [question, "blank"]));
    } finally {
      clearInterval(progress);
    }
  } catch (caught) {
    stoppedAt = Object.keys(phases).at(-1) ?? "start";
    error =
      caught instanceof Deadline
        ? `stopped at the ${minutes}-minute deadline`
        : errorMessage(caught);
    log(`browser: stopped in ${stoppedAt}: ${error}`);
    if (run) lastProgress = await run.call("progress", []).catch(() => lastProgress);
  }
  try {
    if (run) endMemory = await withTimeout(run.call("memory", []), 60_000);
  } catch (caught) {
    notes.push(`measureUserAgentSpecificMemory: ${errorMessage(caught)}`);
  }
  const pageErrors = run?.pageErrors ?? [];
  await run?.close().catch(() => undefined);
  await bench.close();
  return {
    page: "src/cli/bench/browser-page (the app's client and workers), bundled model started on wasm, then the export loaded from a URL",
    totalMs: round(performance.now() - started, 0),
    completed: stoppedAt === null,
    ...(stoppedAt !== null ? { stoppedIn: stoppedAt, stopReason: error, lastProgress } : {}),
    phases,
    memoryAtEnd: endMemory,
    pageErrors,
    notes,
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
