import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tempRepo } from "../helpers/repo.js";

describe("Refs.listFast (in-process ref listing)", () => {
  it("agrees with for-each-ref over loose, packed, and packed-then-updated refs", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const head = repo.git("rev-parse", "HEAD");
      const other = repo.git("commit-tree", "HEAD^{tree}", "-m", "other");
      for (const n of ["a", "b", "c/d"]) repo.git("update-ref", `refs/ov/sessions/${n}`, head);
      repo.git("update-ref", "refs/ov/mail/x", head);
      repo.git("pack-refs", "--all");
      repo.git("update-ref", "refs/ov/sessions/b", other); // loose now shadows packed
      repo.git("update-ref", "refs/ov/sessions/e", other); // loose only
      repo.git("update-ref", "-d", "refs/ov/sessions/a"); // deleted from packed-refs
      const deps = await repo.deps();
      for (const prefix of ["refs/ov/sessions/", "refs/ov/mail/", "refs/ov/nothing/"]) {
        const viaGit = await deps.git.refs.list(prefix);
        assert.deepEqual(await deps.git.refs.listFast(prefix), viaGit, prefix);
      }
      assert.deepEqual(
        (await deps.git.refs.listFast("refs/ov/sessions/")).map((r) => r.ref),
        ["refs/ov/sessions/b", "refs/ov/sessions/c/d", "refs/ov/sessions/e"],
      );
    } finally {
      repo.cleanup();
    }
  });
});
