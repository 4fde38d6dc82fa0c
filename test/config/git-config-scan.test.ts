// Skipping the `git config` spawn must never hide an ov.* override: whenever a file git reads
// could hold one, the scan says so.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { mayHaveOvKeys } from "../../src/config/git-config-scan.js";
import { TEST_HOME } from "../helpers/env.js";
import { tempRepo } from "../helpers/repo.js";

describe("mayHaveOvKeys", () => {
  it("is false for config files without [ov] or includes, true as soon as one could set ov.*", async () => {
    const repo = tempRepo();
    try {
      const { repo: paths } = await repo.deps();
      const env = {
        HOME: TEST_HOME,
        GIT_CONFIG_GLOBAL: join(TEST_HOME, ".gitconfig"),
        GIT_CONFIG_NOSYSTEM: "1",
      };
      assert.equal(mayHaveOvKeys(paths, env), false);
      assert.equal(mayHaveOvKeys(paths, { ...env, GIT_CONFIG_COUNT: "1" }), true, "git -c …");
      const local = join(repo.dir, ".git", "config");
      repo.git("config", "include.path", "/elsewhere");
      assert.equal(mayHaveOvKeys(paths, env), true, "an include could hold anything");
      repo.git("config", "--unset", "include.path");
      assert.equal(mayHaveOvKeys(paths, env), false);
      repo.git("config", "ov.runtime.default", "scripted");
      assert.equal(mayHaveOvKeys(paths, env), true);
      writeFileSync(local, '[core]\n\tbare = false\n[OV "x"]\n\ty = 1\n');
      assert.equal(mayHaveOvKeys(paths, env), true, "section names are case-insensitive");
      writeFileSync(local, "[core]\n\tbare = false\n");
      const global = join(repo.dir, "global.cfg");
      writeFileSync(global, "[ov]\n\tagents.maxDepth = 3\n");
      assert.equal(mayHaveOvKeys(paths, { ...env, GIT_CONFIG_GLOBAL: global }), true);
      const system = join(repo.dir, "system.cfg");
      writeFileSync(system, '[includeIf "gitdir:/x/"]\n\tpath = y\n');
      const { GIT_CONFIG_NOSYSTEM: _, ...withSystem } = env;
      assert.equal(mayHaveOvKeys(paths, { ...withSystem, GIT_CONFIG_SYSTEM: system }), true);
    } finally {
      repo.cleanup();
    }
  });
});
