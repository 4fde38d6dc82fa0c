import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tempRepo, fsck } from "../helpers/repo.js";

for (const casMode of ["git", "fast"] as const) {
  describe(`store smoke (${casMode})`, () => {
    it("creates, updates and reads a document", async () => {
      const repo = tempRepo();
      try {
        const deps = await repo.deps({ casMode });
        const ref = "refs/ov/test/doc";
        for (let i = 0; i < 3; i++) {
          await deps.store.update(ref, async (draft) => {
            await draft.writeJson(`items/${i}.json`, { v: 1, i });
            return { write: { subject: `add ${i}`, trailers: { "Ov-Op": "add" } }, value: i };
          });
        }
        const { draft } = await deps.store.open(ref);
        const names = (await draft.list("items")).map((e) => e.name).sort();
        assert.deepEqual(names, ["0.json", "1.json", "2.json"]);
        await deps.store.update(ref, async (d) => {
          await d.remove("items/1.json");
          return { write: { subject: "rm" }, value: null };
        });
        const again = await deps.store.open(ref);
        assert.deepEqual((await again.draft.list("items")).map((e) => e.name).sort(), ["0.json", "2.json"]);
        assert.equal(repo.git("log", "--format=%s", ref).split("\n").length, 4);
        assert.equal(fsck(repo), "");
      } finally {
        repo.cleanup();
      }
    });
  });
}
