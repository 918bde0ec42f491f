import { describe, expect, it } from "vitest";
import {
  createSamplesStore,
  describeSample,
  parseSampleManifest,
  sampleUrl,
  thumbnailUrl,
} from "./samples-store";

const manifest = [
  {
    file: "cat-watercolour.png",
    display: "cat-watercolour.webp",
    category: "cat",
    style: "watercolour",
    extra: 1,
  },
  { file: "sets/dog/flat.png", category: "dog", style: "flat" },
];

function respond(body: unknown, status = 200): Promise<Response> {
  return Promise.resolve(new Response(JSON.stringify(body), { status }));
}

describe("sample gallery manifest", () => {
  it("accepts the manifest and keeps extra fields", () => {
    const samples = parseSampleManifest(manifest);
    expect(samples).toHaveLength(2);
    expect(samples).toMatchObject([{ extra: 1 }, { file: "sets/dog/flat.png" }]);
  });

  it("refuses paths that leave public/samples or are not PNG files", () => {
    for (const file of [
      "../secret.png",
      "a/../../b.png",
      "https://x.example/a.png",
      "/abs.png",
      "a.svg",
      "a b.png",
      "./a.png",
    ]) {
      expect(parseSampleManifest([{ file, category: "c", style: "s" }])).toMatch(
        /malformed at 0\.file/,
      );
    }
  });

  it("refuses a display path that leaves public/samples", () => {
    const sample = { file: "a.png", display: "../a.webp", category: "c", style: "s" };
    expect(parseSampleManifest([sample])).toMatch(/malformed at 0\.display/);
  });

  it("shows the display drawing as thumbnail when there is one", () => {
    const samples = parseSampleManifest(manifest);
    if (typeof samples === "string") throw new Error(samples);
    const [withDisplay, without] = samples;
    expect(thumbnailUrl("/samples/", withDisplay!)).toBe("/samples/cat-watercolour.webp");
    expect(thumbnailUrl("/samples/", without!)).toBe("/samples/sets/dog/flat.png");
  });

  it("describes samples and resolves their URLs", () => {
    const sample = { file: "sets/dog/flat.png", category: "dog", style: "flat" };
    expect(describeSample(sample)).toBe("dog (flat)");
    expect(sampleUrl("/samples/", sample)).toBe("/samples/sets/dog/flat.png");
  });

  it("loads the gallery, or says why there is none", async () => {
    const ready = createSamplesStore(() => respond(manifest), "/samples/");
    await ready.getState().load();
    expect(ready.getState().state).toMatchObject({ status: "ready", baseUrl: "/samples/" });

    const missing = createSamplesStore(() => respond("", 404), "/samples/");
    await missing.getState().load();
    expect(missing.getState().state).toEqual({
      status: "unavailable",
      reason: "samples.json: HTTP 404",
    });

    const html = createSamplesStore(
      () => Promise.resolve(new Response("<!doctype html>")),
      "/samples/",
    );
    await html.getState().load();
    expect(html.getState().state.status).toBe("unavailable");

    const offline = createSamplesStore(
      () => Promise.reject(new TypeError("Failed to fetch")),
      "/s/",
    );
    await offline.getState().load();
    expect(offline.getState().state).toEqual({
      status: "unavailable",
      reason: "samples.json: Failed to fetch",
    });
  });
});
