import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { raceproofCreate } from "../../src/git/raceproof.js";

describe("raceproofCreate", () => {
  it("recreates a directory that a concurrent git removed between mkdir and create", () => {
    const base = mkdtempSync(join(tmpdir(), "ov-race-"));
    try {
      const dir = join(base, "refs", "ov", "test");
      let calls = 0;
      raceproofCreate(dir, () => {
        calls++;
        // What `git pack-refs --prune` does to a directory it just emptied.
        if (calls <= 2) rmSync(join(base, "refs"), { recursive: true });
        writeFileSync(join(dir, "doc.lock"), "", { flag: "wx" });
      });
      assert.equal(calls, 3);
      assert.ok(existsSync(join(dir, "doc.lock")));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("passes other errors through", () => {
    const base = mkdtempSync(join(tmpdir(), "ov-race-"));
    try {
      writeFileSync(join(base, "f"), "");
      assert.throws(
        () => raceproofCreate(base, () => writeFileSync(join(base, "f"), "", { flag: "wx" })),
        /EEXIST/,
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
