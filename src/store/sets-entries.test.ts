import { describe, expect, it } from "vitest";
import { entryOf, uniqueName, type ImageSet } from "./sets-entries";

const set: ImageSet = {
  id: 1,
  name: "cats",
  category: "cat",
  style: " ",
  images: [
    { id: 2, file: "cats/a.png", labels: null, state: { status: "preparing" } },
    {
      id: 3,
      file: "cats/b.png",
      labels: { category: "dog", style: null },
      state: { status: "preparing" },
    },
  ],
};

describe("sets entries", () => {
  it("labels an image by its own labels, else by its set's (blank = none)", () => {
    expect(entryOf(set, set.images[0]!)).toEqual({
      file: "cats/a.png",
      set: "cats",
      category: "cat",
      style: null,
    });
    expect(entryOf(set, set.images[1]!)).toMatchObject({ category: "dog", style: null });
  });

  it("keeps set names unique (the per-set summary is keyed by name)", () => {
    expect(uniqueName("cat", ["dog"])).toBe("cat");
    expect(uniqueName("cat", ["cat", "cat 2"])).toBe("cat 3");
    expect(uniqueName("  ", [])).toBe("Set");
  });
});
