import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/config.js";
import { isConfigKey } from "../config/keys.js";
import { OvError } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import { getRuntime } from "../runtimes/registry.js";
import { type Deps, openDeps } from "../store/deps.js";
import type { Clock } from "../sys/clock.js";
import { type RunResult, findExecutable, nodeExecutable, runProcess } from "../sys/run.js";
import { runShell } from "../sys/shell.js";
import { type DemoCheck, evaluateChecks } from "./checks.js";
import { checkClaudeForDemo, claudeLeadSpec } from "./claude.js";
import { ProgressTracker, type SwarmSnapshot } from "./progress.js";
import { LEAD_TASK, TEST_COMMAND } from "./project.js";
import { createProject, demoEnv, removeScratch, scratchDir } from "./scratch.js";
import { LEAD_NAME, leadScript } from "./scripts.js";
import { allFinished, mergeRequested, stamp, waitFor } from "./wait.js";

export type DemoRuntime = "scripted" | "claude";

export interface DemoOptions {
  runtime: DemoRuntime;
  /** Where to create the scratch repository (absent or empty); default: a new temp dir. */
  dir?: string;
  cwd: string;
  selfBin: string;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** How long the swarm may take, start to finish. */
  timeoutMs: number;
  /** Progress output, one line at a time. */
  log: (line: string) => void;
}

export interface DemoResult {
  ok: boolean;
  dir: string;
  runtime: DemoRuntime;
  lead: string;
  target: string;
  durationMs: number;
  /** How to call git ov from a shell here: `git ov` when it is on PATH, else this package's bin. */
  gitOv: string;
  /** Why the demo stopped waiting early, if it did. */
  stopped?: string;
  checks: DemoCheck[];
  snap: SwarmSnapshot;
}

const TARGET = "main";

/**
 * Runs the whole demo in a fresh scratch repository: project, `git ov init`, a lead that slings two
 * builders, the merge, the project's tests, and the checks. Throws only while preparing (and then
 * removes what it created); once the swarm starts, a failure is a failed check and the repository
 * is left for exploration.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const start = opts.clock.now();
  const elapsed = () => opts.clock.now() - start;
  const env = demoEnv(opts.env);
  const ov = (dir: string, args: string[], strict = true) =>
    runOv(opts.selfBin, dir, env, args, opts.log, strict);
  if (opts.runtime === "claude") await checkClaudeForDemo(opts.cwd, env);
  const { dir, deps } = await prepare(opts, env, ov);
  try {
    const base = (await deps.git.run(["rev-parse", TARGET])).stdout.trim();
    await ov(dir, slingArgs(deps, opts.runtime));
    const wait = {
      clock: opts.clock,
      deadline: start + opts.timeoutMs,
      tracker: new ProgressTracker(),
      log: opts.log,
      elapsed,
    };
    // From here on a failing command is reported by the checks, not thrown.
    const stopped = await swarm(deps, wait, (args) => ov(dir, args, false));
    const test = await runTests(dir, env, opts.log);
    const fsck = await deps.git.run(["fsck", "--strict", "--no-progress"], { check: false });
    const final = await waitFor(deps, () => ({ done: true }), wait);
    const checks = await evaluateChecks(deps, {
      snap: final.snap,
      lead: LEAD_NAME,
      target: TARGET,
      base,
      expectAutoResolve: opts.runtime === "scripted",
      test,
      fsck: fsck.code === 0 ? "" : fsck.stdout + fsck.stderr || `git fsck exited ${fsck.code}`,
    });
    return {
      ok: checks.every((c) => c.ok),
      dir,
      runtime: opts.runtime,
      lead: LEAD_NAME,
      target: TARGET,
      durationMs: elapsed(),
      gitOv: findExecutable("git-ov", env.PATH) ? "git ov" : opts.selfBin,
      ...(stopped ? { stopped } : {}),
      checks,
      snap: final.snap,
    };
  } finally {
    deps.git.close();
  }
}

type Ov = (dir: string, args: string[], strict?: boolean) => Promise<RunResult>;

/** Scratch repository, project, `git ov init`, configuration; on failure removes what it made. */
async function prepare(
  opts: DemoOptions,
  env: NodeJS.ProcessEnv,
  ov: Ov,
): Promise<{ dir: string; deps: Deps }> {
  const { dir, created } = scratchDir(opts.dir, opts.cwd);
  let deps: Deps | undefined;
  try {
    opts.log("git ov demo: a lead and two builders on a tiny project. Every line below is a real git ov");
    opts.log("command, or a ref under refs/ov/ moving as agents change state and send mail.");
    opts.log("");
    opts.log(`Scratch repository: ${dir}`);
    await createProject(dir);
    opts.log("  a tiny JS module (src/text.js) with a test (node test.js), one commit on main");
    await ov(dir, ["init"]);
    await ov(dir, ["config", "set", "runtime.default", opts.runtime]);
    await ov(dir, ["config", "set", "project.verifyCommand", TEST_COMMAND]);
    deps = await openDeps(dir, { env });
    if (opts.runtime === "claude") await ensureClaude(deps);
    return { dir, deps };
  } catch (e) {
    deps?.git.close();
    removeScratch(dir, created);
    throw e;
  }
}

/**
 * Waits for the lead to hand both branches over, merges them as the operator, then waits for
 * every agent to finish. Returns why it stopped early, if it did.
 */
async function swarm(
  deps: Deps,
  wait: Parameters<typeof waitFor>[2],
  ov: (args: string[]) => Promise<RunResult>,
): Promise<string | undefined> {
  const log = wait.log;
  log("");
  log("The swarm at work, as the refs change (agents' states, mail as it lands):");
  const ready = await waitFor(deps, mergeRequested(LEAD_NAME), wait);
  if (!ready.ok) return ready.reason;
  log("");
  log(
    `${stamp(wait.elapsed())}  The lead handed both branches over. The operator (you) reads its mail and merges:`,
  );
  await ov(["mail", "check"]);
  await ov(["merge", "--all"]);
  log("");
  log("The lead hears about the merges and finishes:");
  const done = await waitFor(deps, allFinished, wait);
  await ov(["mail", "check"]);
  return done.ok ? undefined : done.reason;
}

/** The lead's sling: scripted with the demo script, or Claude with the demo spec. */
function slingArgs(deps: Deps, runtime: DemoRuntime): string[] {
  const dir = join(ovDir(deps.repo), "demo");
  mkdirSync(dir, { recursive: true });
  const args = ["sling", LEAD_TASK, "--capability", "lead", "--name", LEAD_NAME, "--runtime", runtime];
  if (runtime === "scripted") {
    const file = join(dir, "lead-script.json");
    writeFileSync(file, `${JSON.stringify(leadScript(), null, 2)}\n`);
    return [...args, "--script", file];
  }
  const file = join(dir, "lead-spec.md");
  writeFileSync(file, `${claudeLeadSpec()}\n`);
  return [...args, "--spec", file];
}

async function ensureClaude(deps: Deps): Promise<void> {
  const cfg = await loadConfig(deps);
  await getRuntime("claude").ensureAvailable(
    { get: (k) => (isConfigKey(k) ? cfg.get(k) : undefined) },
    deps.env,
  );
}

/** Runs `git ov <args>` in the scratch repo, echoing the command and its output; `strict`: throws if it fails. */
async function runOv(
  selfBin: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  args: string[],
  log: (line: string) => void,
  strict: boolean,
): Promise<RunResult> {
  log("");
  log(`$ git ov ${args.map(shellWord).join(" ")}`);
  const r = await runProcess(nodeExecutable(), [selfBin, ...args], { cwd: dir, env });
  for (const l of `${r.stdout}${r.stderr}`.trimEnd().split("\n")) if (l) log(`  ${l}`);
  if (r.code !== 0 && !strict) log(`  (exit ${r.code})`);
  else if (r.code !== 0)
    throw new OvError("INTERNAL", `the demo's 'git ov ${args[0]}' failed (exit ${r.code}) in ${dir}`, {
      data: { dir, args, stderr: r.stderr },
    });
  return r;
}

async function runTests(
  dir: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<RunResult> {
  log("");
  log(`$ ${TEST_COMMAND}        # the project's tests, on the merged ${TARGET}`);
  const r = await runShell(TEST_COMMAND, { cwd: dir, env, timeoutMs: 60_000 });
  for (const l of `${r.stdout}${r.stderr}`.trimEnd().split("\n")) if (l) log(`  ${l}`);
  return r;
}

function shellWord(s: string): string {
  return /^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
