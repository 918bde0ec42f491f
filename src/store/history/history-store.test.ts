import { describe, expect, it, vi } from "vitest";
import type { StoredAnalysis } from "./analysis-record";
import { createHistoryStore } from "./history-store";
import { createMemoryHistory, type HistoryRepository } from "./repository";

const THUMBNAIL = "data:image/png;base64,iVBORw0KGgo=";

function analysis(id: string, createdAt: number, title = `Analysis ${id}`): StoredAnalysis {
  return {
    id,
    createdAt,
    title,
    thumbnail: THUMBNAIL,
    payload: { schema: "headflow.test/1", n: 1 },
  };
}

function storeOver(repository: HistoryRepository) {
  return createHistoryStore(async () => repository);
}

describe("history store", () => {
  it("lists stored analyses newest first", async () => {
    const store = storeOver(
      createMemoryHistory([analysis("a", 100), analysis("b", 300), analysis("c", 200)]),
    );
    expect(store.getState().state.status).toBe("loading");
    await store.getState().load();
    expect(store.getState().state.status).toBe("ready");
    expect(store.getState().analyses.map((item) => item.id)).toEqual(["b", "c", "a"]);
  });

  it("saves, reads back and deletes", async () => {
    const repository = createMemoryHistory();
    const store = storeOver(repository);
    await store.getState().load();
    expect(store.getState().analyses).toEqual([]);
    await store.getState().save(analysis("x", 5, "Cat, watercolour"));
    expect(store.getState().analyses.map((item) => item.title)).toEqual(["Cat, watercolour"]);
    expect(await store.getState().get("x")).toEqual(analysis("x", 5, "Cat, watercolour"));
    await store.getState().remove("x");
    expect(store.getState().analyses).toEqual([]);
    expect(await repository.list()).toEqual([]);
    expect(await store.getState().get("x")).toBeUndefined();
  });

  it("survives a new store over the same storage (a reload)", async () => {
    const repository = createMemoryHistory();
    await storeOver(repository).getState().save(analysis("kept", 1));
    const reloaded = storeOver(repository);
    await reloaded.getState().load();
    expect(reloaded.getState().analyses.map((item) => item.id)).toEqual(["kept"]);
  });

  it("hides records that do not validate and counts them", async () => {
    const store = storeOver(
      createMemoryHistory([
        analysis("good", 1),
        { ...analysis("script", 2), thumbnail: "javascript:alert(1)" },
        { ...analysis("no-schema", 3), payload: { data: 1 } },
        { id: "bare" },
      ]),
    );
    await store.getState().load();
    expect(store.getState().analyses.map((item) => item.id)).toEqual(["good"]);
    expect(store.getState().unreadable).toBe(3);
  });

  it("refuses to save an invalid record", async () => {
    const store = storeOver(createMemoryHistory());
    await expect(
      store.getState().save({ ...analysis("x", 1), thumbnail: "https://evil.example/x.png" }),
    ).rejects.toThrow();
  });

  it("reports storage that cannot be opened, and retries later", async () => {
    let attempts = 0;
    const store = createHistoryStore(async () => {
      attempts++;
      if (attempts === 1) throw new Error("the browser's storage is disabled");
      return createMemoryHistory([analysis("a", 1)]);
    });
    await store.getState().load();
    expect(store.getState().state).toEqual({
      status: "failed",
      message: "History is unavailable: the browser's storage is disabled",
    });
    await store.getState().load();
    expect(store.getState().state.status).toBe("ready");
    expect(store.getState().analyses).toHaveLength(1);
  });

  it("reports a failing write", async () => {
    const repository = createMemoryHistory();
    repository.put = async () => {
      throw new Error("could not save the analysis: the browser's storage is full");
    };
    const store = storeOver(repository);
    await store.getState().save(analysis("x", 1));
    expect(store.getState().state).toMatchObject({ status: "failed", message: /storage is full/ });
  });
});

describe("history store after a lost connection", () => {
  it("reconnects on the next action after a failure", async () => {
    let opened = 0;
    const healthy = createMemoryHistory([analysis("a", 1)]);
    const broken = createMemoryHistory();
    broken.list = async () => {
      throw new Error("the database connection is closing");
    };
    const store = createHistoryStore(async () => (++opened === 1 ? broken : healthy));
    await store.getState().load();
    expect(store.getState().state.status).toBe("failed");
    await store.getState().load();
    expect(opened).toBe(2);
    expect(store.getState().analyses.map((item) => item.id)).toEqual(["a"]);
  });
});

describe("history across tabs", () => {
  it("refreshes another tab's list when one tab saves or removes", async () => {
    const repository = createMemoryHistory();
    const channel = `headflow-history-test-${Math.random()}`;
    const first = createHistoryStore(async () => repository, channel);
    const second = createHistoryStore(async () => repository, channel);
    await first.getState().load();
    await second.getState().load();
    const secondLists = (ids: string[]) =>
      vi.waitFor(() => expect(second.getState().analyses.map((item) => item.id)).toEqual(ids));
    await first.getState().save(analysis("shared", 10));
    await secondLists(["shared"]);
    await first.getState().remove("shared");
    await secondLists([]);
  });

  it("stays quiet without a channel", async () => {
    const repository = createMemoryHistory();
    const first = createHistoryStore(async () => repository, null);
    const second = createHistoryStore(async () => repository, null);
    await first.getState().load();
    await second.getState().load();
    await first.getState().save(analysis("alone", 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.getState().analyses).toEqual([]);
  });
});
