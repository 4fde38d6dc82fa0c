import { realpathSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { CommandClass } from "clipanion";
import type { OvContext } from "./context.js";
import { NAMESPACES } from "./registry.js";

declare const __OV_VERSION__: string;
const VERSION = typeof __OV_VERSION__ === "string" ? __OV_VERSION__ : "0.0.0-dev";

/** Entry point of `git ov` / `ov`: returns the exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  selfBin: string,
): Promise<number> {
  const args = [...argv];
  let dir = cwd;
  while (args[0] === "-C") {
    const target = args[1];
    if (target === undefined) {
      process.stderr.write("git ov: error: -C needs a path (usage: git ov -C <path> <command>)\n");
      return 2;
    }
    dir = isAbsolute(target) ? target : resolve(dir, target);
    args.splice(0, 2);
  }
  if (args[0] === "--version" || args[0] === "-v" || args[0] === "version")
    return printVersion(args.includes("--json"));
  // The guard runs before every agent tool call: skip the CLI framework and load only its decider.
  if (args[0] === "guard" && !args.includes("--help") && !args.includes("-h")) {
    const { runGuard, readAll } = await import("../agents/guard/main.js");
    const out = await runGuard(args.slice(1), env, await readAll(process.stdin));
    process.stdout.write(out.stdout);
    process.stderr.write(out.stderr);
    return out.code;
  }

  const first = args[0];
  const wantsAll = first === undefined || first.startsWith("-") || !(first in NAMESPACES);
  if (first !== undefined && !first.startsWith("-") && !(first in NAMESPACES)) {
    const { nearest } = await import("../core/text.js");
    const near = nearest(first, Object.keys(NAMESPACES), 2);
    process.stderr.write(
      `git ov: error: unknown command '${first}'${near ? ` (did you mean 'git ov ${near}'?)` : ""}; run 'git ov --help' for the list\n`,
    );
    return 2;
  }
  const loaders = wantsAll ? Object.values(NAMESPACES) : [NAMESPACES[first]!];
  const modules = await Promise.all(loaders.map((l) => l()));

  const { Cli, Builtins } = await import("./framework.js");
  const cli = new Cli<OvContext>({
    binaryLabel: "git ov",
    binaryName: "git ov",
    binaryVersion: VERSION,
    enableColors: false,
  });
  cli.register(Builtins.HelpCommand);
  for (const m of modules) for (const c of m.commands as CommandClass<OvContext>[]) cli.register(c);

  const context: OvContext = {
    ...Cli.defaultContext,
    env,
    cwd: dir,
    selfBin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  };
  let command: Awaited<ReturnType<typeof cli.process>>;
  try {
    command = cli.process(args, context);
  } catch (e) {
    // `git ov config --help`: no single command matches, so list the namespace (all that is loaded).
    if (args.includes("--help") || args.includes("-h")) {
      process.stdout.write(cli.usage(null));
      return 0;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `git ov: error: ${oneLine(msg)} (run 'git ov ${first && !first.startsWith("-") ? `${first} ` : ""}--help')\n`,
    );
    return 2;
  }
  if (args.length === 0) {
    process.stdout.write(cli.usage(null));
    return 0;
  }
  // cli.process() leaves `--help` and the help commands' wiring to cli.run(), which we do not use.
  if (command.help) {
    process.stdout.write(cli.usage(command, { detailed: true }));
    return 0;
  }
  command.context = context;
  command.cli = {
    binaryName: cli.binaryName,
    enableCapture: cli.enableCapture,
    definitions: () => cli.definitions(),
    error: (error, opts) => cli.error(error, opts),
    format: (colored) => cli.format(colored),
    process: (input, sub) => cli.process(input, { ...context, ...sub }),
    run: (input, sub) => cli.run(input, { ...context, ...sub }),
    usage: (cmd, opts) => cli.usage(cmd, opts),
  };
  return (await command.validateAndExecute()) ?? 0;
}

function oneLine(s: string): string {
  return s
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("$ "))
    .slice(0, 2)
    .join(" ");
}

async function printVersion(json: boolean): Promise<number> {
  if (!json) {
    process.stdout.write(`git-ov ${VERSION}\n`);
    return 0;
  }
  const { runGit } = await import("../git/exec.js");
  const res = await runGit(["--version"], { cwd: process.cwd(), check: false });
  const git = /(\d+\.\d+(?:\.\d+)?)/.exec(res.stdout)?.[1] ?? "unknown";
  process.stdout.write(
    `${JSON.stringify({ name: "git-ov", version: VERSION, node: process.versions.node, git })}\n`,
  );
  return 0;
}

export function selfBinFrom(argv1: string | undefined): string {
  if (!argv1) return "git-ov";
  try {
    return realpathSync(argv1);
  } catch {
    return argv1;
  }
}
