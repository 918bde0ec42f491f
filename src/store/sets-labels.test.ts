import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { chooseSamples, labelsByName, parseLabels, parseSampleIndex } from "./sets-labels";

describe("set labels", () => {
  it("reads a folder's labels.json by file name", () => {
    const items = parseLabels([{ file: "cat/a.png", category: "cat", style: "noto" }], "x");
    expect(typeof items).not.toBe("string");
    expect(labelsByName(items as never).get("a.png")?.style).toBe("noto");
  });

  it("says what is wrong with a malformed list", () => {
    expect(parseLabels({ file: "a.png" }, "cat/labels.json")).toMatch(
      /^cat\/labels.json is not a list/,
    );
    expect(parseLabels([{ file: "a.png", style: 3 }], "l.json")).toMatch(/0\.style/);
  });

  it("reads the bundled sample index and picks categories x styles", () => {
    const index = parseSampleIndex(
      JSON.parse(readFileSync("public/samples/sets/labels.json", "utf8")),
    );
    if (typeof index === "string") throw new Error(index);
    expect(index.categories.length).toBeGreaterThanOrEqual(2);
    expect(index.styles.length).toBeGreaterThanOrEqual(2);
    const [c1, c2] = index.categories;
    const [s1, s2] = index.styles;
    const chosen = chooseSamples(index, [c1!, c2!], [s1!, s2!]);
    expect([...chosen.keys()]).toEqual([c1, c2]);
    for (const members of chosen.values()) {
      expect(new Set(members.map((m) => m.style))).toEqual(new Set([s1, s2]));
    }
  });

  it("refuses sample paths that leave the samples folder", () => {
    const bad = [{ file: "../secret.png", category: "c", style: "s" }];
    expect(parseSampleIndex(bad)).toMatch(/not a path inside/);
    expect(parseSampleIndex([{ file: "a.png", category: "c" }])).toMatch(
      /needs a category and a style/,
    );
  });
});
