import { describe, expect, it } from "vitest";
import { foldersToSets } from "./folder-sets";

const files = (paths: string[]) => paths.map((path) => ({ path, file: path }));

describe("foldersToSets", () => {
  it("makes a folder with files one set, sorted, with its labels.json apart", () => {
    const sets = foldersToSets(
      files(["cat/b.png", "cat/a.png", "cat/labels.json", "cat/.DS_Store"]),
      "Dropped",
    );
    expect(sets).toEqual([
      {
        name: "cat",
        files: [
          { name: "a.png", file: "cat/a.png" },
          { name: "b.png", file: "cat/b.png" },
        ],
        labels: "cat/labels.json",
      },
    ]);
  });

  it("makes one set per subfolder of a folder of folders, and one of loose files", () => {
    const sets = foldersToSets(
      files([
        "sets/labels.json",
        "sets/cat/a.png",
        "sets/dog/a.png",
        "sets/dog/deep/x.png",
        "z.png",
      ]),
      "Dropped",
    );
    expect(sets.map((s) => [s.name, s.files.map((f) => f.file)])).toEqual([
      ["cat", ["sets/cat/a.png"]],
      ["dog", ["sets/dog/a.png"]],
      ["Dropped", ["z.png"]],
    ]);
  });
});
