// A repository the user can read but not write. Tests run as root, for whom chmod restricts
// nothing, so the CLI runs as an unprivileged user (setpriv, uid/gid 65534) on a root-owned repo.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BIN, runOv, tempRepo } from "../helpers/repo.js";

const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];

function canDropPrivileges(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root, to run the CLI as another user";
  const probe = spawnSync("setpriv", [...NOBODY, "true"]);
  return probe.status === 0 ? undefined : "setpriv is not available";
}

/** Every path under .git with size and mtime: equal snapshots mean nothing was written. */
function snapshot(dir: string): string {
  return execFileSync("find", [join(dir, ".git"), "-printf", "%p %s %T@ %m\\n"], { encoding: "utf8" })
    .split("\n")
    .sort()
    .join("\n");
}

/** Runs the bin as uid 65534 with a readable global config that trusts root-owned repositories. */
function runAsNobody(
  args: string[],
  cwd: string,
  home: string,
): { code: number; stdout: string; stderr: string } {
  const res = spawnSync("setpriv", [...NOBODY, process.execPath, BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, ".gitconfig") },
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

describe("git ov on a read-only repository", { skip: canDropPrivileges() }, () => {
  it("reads, but refuses every write with one line and a non-zero exit, changing nothing", async () => {
    const repo = tempRepo({ commit: true });
    const home = mkdtempSync(join(tmpdir(), "ov-nobody-"));
    try {
      chmodSync(home, 0o755);
      writeFileSync(join(home, ".gitconfig"), "[safe]\n\tdirectory = *\n", { mode: 0o644 });
      chmodSync(repo.dir, 0o755);
      const uninit = snapshot(repo.dir);
      const init = runAsNobody(["init"], repo.dir, home);
      assert.equal(init.code, 1, init.stderr);
      assert.match(
        init.stderr,
        /^git ov: error: cannot create .*\.git\/ov: EACCES \(git ov init needs write access/,
      );
      assert.equal(init.stderr.trim().split("\n").length, 1);
      assert.equal(snapshot(repo.dir), uninit);

      assert.equal((await runOv(["init"], { cwd: repo.dir })).code, 0);
      const tip = repo.git("rev-parse", "refs/ov/config");
      const before = snapshot(repo.dir);
      for (const args of [
        ["config", "set", "agents.maxDepth", "3"],
        ["config", "unset", "project.name"],
      ]) {
        const res = runAsNobody(args, repo.dir, home);
        assert.equal(res.code, 1, `${args.join(" ")}: ${res.stderr}`);
        assert.match(
          res.stderr,
          /^git ov: error: cannot write git objects in .*EACCES \(git ov needs write access/,
        );
        assert.equal(res.stderr.trim().split("\n").length, 1);
        assert.equal(snapshot(repo.dir), before, `${args.join(" ")} changed nothing`);
      }
      assert.equal(repo.git("rev-parse", "refs/ov/config"), tip);
      const again = runAsNobody(["init"], repo.dir, home);
      assert.equal(again.code, 0, `re-init has nothing to write: ${again.stderr}`);
      assert.equal(snapshot(repo.dir), before);
      const get = runAsNobody(["config", "get", "project.canonicalBranch"], repo.dir, home);
      assert.equal(get.code, 0, get.stderr);
      assert.equal(get.stdout, "main\n");
    } finally {
      repo.cleanup();
    }
  });
});
