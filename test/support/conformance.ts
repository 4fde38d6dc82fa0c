// The conformance harness: a temp repository initialised by the real `git ov`, configured for the
// claude runtime, a loopback model stub, and helpers that go through `bin/git-ov` (never around it).
import "../helpers/env.js";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ovDir } from "../../src/git/repo.js";
import { type Session, readSession } from "../../src/sessions/session.js";
import type { Deps } from "../../src/store/deps.js";
import { BIN, type OvRun, ROOT, type TempRepo, tempRepo } from "../helpers/repo.js";
import { claudeBinary, claudeEnv, networkNamespaceAvailable, writeLauncher } from "./claude-env.js";
import type { Scenario } from "./model-scenario.js";
import { type ModelStub, startModelStub } from "./model-stub.js";
import { processesIn } from "./processes.js";

export { claudeBinary } from "./claude-env.js";

/** Why the suite cannot run here (no CLI installed), or null. Tests skip with this as the reason. */
export function conformanceSkipReason(): string | null {
  return claudeBinary() === null
    ? "the Claude Code CLI is not installed (npm ci installs @anthropic-ai/claude-code)"
    : null;
}

/** Generous per-test timeout: a turn takes ~1–2 s unloaded and 10× that on a machine loaded 10× over. */
export const TURN_TIMEOUT_MS = 180_000;

export interface Conformance {
  repo: TempRepo;
  deps: Deps;
  stub: ModelStub;
  /** The environment `git ov` (and through it the CLI) runs with. */
  env: Record<string, string>;
  /** Whether each CLI run is confined to a private network namespace. */
  netns: boolean;
  /** Runs the real `bin/git-ov` in the repository. */
  ov(args: string[], opts?: { cwd?: string; input?: string }): Promise<OvRun>;
  /** Like `ov`, but fails with its stderr unless it exits 0. */
  ovOk(args: string[], opts?: { cwd?: string; input?: string }): Promise<OvRun>;
  session(agent: string): Promise<Session>;
  /** The agent's event journal (`<ov>/events/<agent>.ndjson`), parsed. */
  events(agent: string): Record<string, unknown>[];
  /** Raw stdout of every CLI run so far (of `agent`'s runs when given), oldest first (file paths). */
  captures(agent?: string): string[];
  /** Copies `agent`'s latest run to test/fixtures/claude/<name>.ndjson when OV_CONFORMANCE_CAPTURE=1. */
  keepCapture(name: string, agent: string): void;
  /** Text for assertion messages: the latest raw stream and runner log of an agent. */
  diagnostics(agent: string): string;
  cleanup(): Promise<void>;
}

/** Sets up a repository for claude agents against a stub playing `scenario`. */
export async function startConformance(scenario: Scenario): Promise<Conformance> {
  const real = claudeBinary();
  if (real === null) throw new Error("Claude Code CLI not installed");
  const scratch = mkdtempSync(join(tmpdir(), "ovc-"));
  for (const d of ["home", "t", "cap"]) mkdirSync(join(scratch, d));
  const netns = networkNamespaceAvailable();
  const stub = await startModelStub(scenario, netns ? { socketPath: join(scratch, "stub.sock") } : {});
  const env = claudeEnv({ home: join(scratch, "home"), tmpdir: join(scratch, "t"), baseUrl: stub.url });
  const launcher = writeLauncher({
    path: join(scratch, "claude"),
    real,
    captureDir: join(scratch, "cap"),
    netns: netns ? { stubSocket: join(scratch, "stub.sock"), stubPort: stub.port } : null,
  });
  const repo = tempRepo({ commit: true });
  const ov = (args: string[], opts: { cwd?: string; input?: string } = {}) =>
    runOvWith(args, { cwd: opts.cwd ?? repo.dir, env, input: opts.input ?? "" });
  const ovOk = async (args: string[], opts: { cwd?: string; input?: string } = {}) => {
    const r = await ov(args, opts);
    if (r.code !== 0) throw new Error(`git ov ${args.join(" ")} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r;
  };
  await ovOk(["init"]);
  // Root + bypassPermissions: the CLI refuses unless the environment is declared a sandbox.
  await ovOk(["config", "set", "runtime.claude.sandbox", "true"]);
  await ovOk(["config", "set", "runtime.claude.binary", launcher]);
  // A hung turn in this suite is a bug: end it long before the test's own timeout.
  await ovOk(["config", "set", "turn.stallMs", "90000"]);
  const deps = await repo.deps();
  const ov_ = ovDir(deps.repo);
  const capDir = join(scratch, "cap");
  const captures = (agent?: string) =>
    readdirSync(capDir)
      .filter((f) => agent === undefined || f.endsWith(`-${agent}.ndjson`))
      .sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]))
      .map((f) => join(capDir, f));
  return {
    repo,
    deps,
    stub,
    env,
    netns,
    ov,
    ovOk,
    async session(agent) {
      const r = await readSession(deps, agent);
      if (r.kind !== "ok") throw new Error(`no valid session for ${agent}: ${r.kind}`);
      return r.value;
    },
    events: (agent) => readJsonLines(join(ov_, "events", `${agent}.ndjson`)),
    captures,
    keepCapture(name, agent) {
      const last = captures(agent).at(-1);
      if (process.env.OV_CONFORMANCE_CAPTURE !== "1" || !last) return;
      copyFileSync(last, join(ROOT, "test", "fixtures", "claude", `${name}.ndjson`));
    },
    diagnostics(agent) {
      const last = captures(agent).at(-1);
      const logs = join(ov_, "logs", agent);
      let runner = "";
      try {
        const turn = readdirSync(logs).sort().at(-1);
        if (turn) runner = readFileSync(join(logs, turn, "runner.log"), "utf8");
        if (turn) runner += readFileSync(join(logs, turn, "stderr.log"), "utf8");
      } catch {
        /* no turn ran */
      }
      const stream = last ? readFileSync(last, "utf8") : "(no CLI run captured)";
      return `--- runner.log + stderr.log of ${agent}\n${runner}\n--- last CLI stdout\n${stream.slice(-6000)}`;
    },
    async cleanup() {
      // Background turns (mail dispatch) run with the repository as cwd: let them finish first.
      const busy = () => processesIn(repo.dir);
      await eventually(() => busy().length === 0, "background git ov processes finished", 60_000).catch(
        () => {
          for (const pid of busy()) process.kill(pid, "SIGKILL");
        },
      );
      await stub.close();
      repo.cleanup();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Polls `ok` every 100 ms until it holds; rejects naming `what` after `timeoutMs`. */
export async function eventually(
  ok: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  for (let waited = 0; !(await ok()); waited += 100) {
    if (waited >= timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function readJsonLines(path: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Runs bin/git-ov with exactly `env` (the caller's environment is not merged in). */
function runOvWith(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; input: string },
): Promise<OvRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...opts.env, PATH: `${join(ROOT, "bin")}:${opts.env.PATH ?? ""}` },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input);
  });
}
