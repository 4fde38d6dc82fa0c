import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { SlingInput } from "../../src/agents/sling/plan.js";
import { sling } from "../../src/agents/sling.js";
import { OvError } from "../../src/core/errors.js";
import { getRuntime } from "../../src/runtimes/registry.js";
import type { Runtime } from "../../src/runtimes/types.js";
import type { Session } from "../../src/sessions/session.js";
import type { Deps } from "../../src/store/deps.js";
import { BIN, type TempRepo } from "./repo.js";

export interface TestRuntimeOptions {
  /** Throw from deployGuards (a late sling step). */
  failDeploy?: boolean;
  /** Runs inside deployGuards, e.g. to simulate a racing process. */
  onDeploy?: (worktree: string, session: Session) => Promise<void>;
  unavailable?: boolean;
}

/** A minimal runtime for tests until the real adapters land: writes a Claude-style guard file. */
export function testRuntime(opts: TestRuntimeOptions = {}): Runtime {
  return {
    name: "test",
    async ensureAvailable() {
      if (opts.unavailable)
        throw new OvError("RUNTIME", "test runtime binary not installed", { hint: "install it" });
    },
    buildTurn: (req) => ({ cmd: "true", args: [], env: req.baseEnv, cwd: req.worktree, stdin: "" }),
    parser: () => ({ push: () => [], end: () => [] }),
    async deployGuards(worktree, session, selfBin) {
      if (opts.onDeploy) await opts.onDeploy(worktree, session);
      if (opts.failDeploy) throw new Error("guard deployment failed (test)");
      const path = join(worktree, ".claude", "settings.local.json");
      mkdirSync(dirname(path), { recursive: true });
      const command = `[ -z "$GIT_OV_AGENT" ] || '${process.execPath}' '${selfBin}' guard || exit 2`;
      writeFileSync(
        path,
        JSON.stringify({ hooks: { PreToolUse: [{ matcher: "*", hooks: [{ type: "command", command }] }] } }),
      );
      return [".claude/settings.local.json"];
    },
  };
}

/** Slings in-process, with the real scripted runtime unless a test runtime is given. */
export function slingTest(
  deps: Deps,
  input: Partial<SlingInput> & { task: string },
  rt: Runtime = getRuntime("scripted"),
) {
  return sling(
    deps,
    { capability: "builder", recover: false, forceHierarchy: false, cwd: deps.repo.cwd, ...input },
    { resolveRuntime: async () => rt, selfBin: BIN, path: process.env.PATH },
  );
}

function walk(dir: string, root: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    out.push(relative(root, p) + (name.isDirectory() ? "/" : ""));
    if (name.isDirectory()) walk(p, root, out);
  }
}

/** Everything sling could touch: refs, worktrees, the ov dir, info/exclude. Equal before/after = unchanged. */
export function repoState(repo: TempRepo): string {
  const common = repo.git("rev-parse", "--path-format=absolute", "--git-common-dir");
  const files: string[] = [];
  walk(join(common, "ov"), common, files);
  const exclude = join(common, "info", "exclude");
  return [
    repo.git("for-each-ref", "--format=%(refname) %(objectname)"),
    repo.git("worktree", "list", "--porcelain"),
    files.sort().join("\n"),
    existsSync(exclude) ? readFileSync(exclude, "utf8") : "",
  ].join("\n--\n");
}

/** Reads `session.json` of an agent straight from its ref, as plain git would. */
export function sessionJson(repo: TempRepo, agent: string): Record<string, unknown> {
  return JSON.parse(repo.git("show", `refs/ov/sessions/${agent}:session.json`)) as Record<string, unknown>;
}

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}
