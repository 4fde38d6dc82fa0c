import { Command, Option } from "clipanion";
import { OvError } from "../../core/errors.js";
import { type CommandOutput, OvCommand } from "../ov-command.js";

/** Parses a flag that takes a non-negative integer; USAGE error naming the flag otherwise. */
export function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()))
    throw new OvError("USAGE", `${flag} must be a non-negative integer, not '${raw}'`, {
      hint: `e.g. ${flag} 2`,
    });
  return Number(raw.trim());
}

export class SlingCommand extends OvCommand {
  static override paths = [["sling"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "start an agent on a task in its own branch and worktree",
    details: `
      Validates first and writes nothing on refusal: the capability exists; the hierarchy allows it (without \`--parent\` only lead, scout and builder; a parent may spawn only its roles); depth and the \`agents.*\` limits; the name is free; no live agent holds the task; a task already finished by the same role needs \`--recover\`; the base branch exists; the runtime is installed.

      Then it creates branch \`ov/<agent>/<task>\` from the base (\`project.canonicalBranch\` by default; with \`--recover\`, the previous agent's branch), a worktree under \`<git-common-dir>/ov/worktrees/<agent>\` (\`git config ov.worktreeRoot\` overrides), the overlay \`.ov/overlay.md\` (assignment, spec, file scope, role, exact commands, terminal mail), the runtime's guard files (both kept out of commits by \`info/exclude\`), and the session (\`booting\`). If a late step fails, everything is rolled back.

      The spec is \`--spec <file>\`, or else the task's spec in refs/ov/specs (\`git ov spec write\`).
    `,
    examples: [
      ["Start a builder on task fix-login", "git ov sling fix-login"],
      [
        "A scout under a lead, with a file scope",
        "git ov sling map-auth --capability scout --parent lead-auth --files src/auth.ts,src/session.ts",
      ],
      ["Re-dispatch a task whose builder died", "git ov sling fix-login --recover"],
      ["Run the first turn here and wait for it", "git ov sling fix-login --wait"],
      [
        "A scripted agent (tests, demos)",
        "git ov sling demo --runtime scripted --script lead.json --capability lead",
      ],
      [
        "Use the scripted runtime and another base",
        "git ov sling demo --runtime scripted --base-branch develop --json",
      ],
    ],
  });

  task = Option.String({ required: true, name: "task" });
  capability = Option.String("--capability", "builder", {
    description: "Role: lead, scout, builder, reviewer, merger, coordinator, orchestrator, monitor",
  });
  name = Option.String("--name", { description: "Agent name (default: <capability>-<task>, then -2, -3 …)" });
  spec = Option.String("--spec", { description: "Spec file to put in the overlay" });
  files = Option.String("--files", { description: "Comma-separated file scope" });
  parent = Option.String("--parent", { description: "The agent that spawns this one (gets its reports)" });
  depth = Option.String("--depth", { description: "Hierarchy depth (default: parent's + 1, or 0)" });
  maxAgents = Option.String("--max-agents", {
    description: "Override agents.maxAgentsPerLead for this spawn",
  });
  dispatchMaxAgents = Option.String("--dispatch-max-agents", {
    description: "Lead only: how many sub-agents it may use (told in its overlay)",
  });
  runtime = Option.String("--runtime", { description: "Runtime adapter (default: runtime.default)" });
  baseBranch = Option.String("--base-branch", {
    description: "Branch to start from (default: project.canonicalBranch)",
  });
  recover = Option.Boolean("--recover", false, {
    description: "Re-dispatch a task a previous agent of this role finished or abandoned",
  });
  forceHierarchy = Option.Boolean("--force-hierarchy", false, { description: "Skip the hierarchy rules" });
  wait = Option.Boolean("--wait", false, {
    description: "Run the first turn in this process and print how it settled (default: in the background)",
  });
  script = Option.String("--script", { description: "Scripted runtime: the JSON script this agent follows" });

  async run(): Promise<CommandOutput> {
    const input = {
      task: this.task,
      capability: this.capability,
      name: this.name,
      specPath: this.spec,
      files: this.files,
      parent: this.parent,
      depth: nonNegativeInt("--depth", this.depth),
      maxAgents: nonNegativeInt("--max-agents", this.maxAgents),
      dispatchMaxAgents: nonNegativeInt("--dispatch-max-agents", this.dispatchMaxAgents),
      runtime: this.runtime,
      baseBranch: this.baseBranch,
      recover: this.recover,
      forceHierarchy: this.forceHierarchy,
      cwd: this.context.cwd,
    };
    const deps = await this.deps();
    const [{ sling }, { lookupRuntime }, { firstTurnStarter }] = await Promise.all([
      import("../../agents/sling.js"),
      import("../../agents/runtime-lookup.js"),
      import("../first-turn.js"),
    ]);
    const svc = {
      resolveRuntime: lookupRuntime,
      selfBin: this.context.selfBin,
      path: this.context.env.PATH,
      startFirstTurn: firstTurnStarter(this.context.selfBin, this.wait, (l) =>
        this.context.stderr.write(`${l}\n`),
      ),
    };
    const { plan, result } = this.script
      ? await this.withScript(deps, () => sling(deps, input, svc))
      : await sling(deps, input, svc);
    const s = result.session;
    const data = {
      agent: s.name,
      capability: s.capability,
      task: s.task,
      branch: s.branch,
      baseBranch: s.baseBranch,
      worktree: s.worktree,
      overlay: result.overlayPath,
      guards: result.guardFiles,
      runtime: s.runtime,
      parent: s.parent,
      depth: s.depth,
      runId: s.runId,
      recovers: plan.recovers ?? null,
      state: result.firstTurn.state,
      firstTurn: result.firstTurn,
    };
    const text = [
      `slung ${s.name} (${s.capability}) on task ${s.task}${plan.recovers ? `, recovering ${plan.recovers}` : ""}`,
      `  branch:   ${s.branch} (from ${s.baseBranch})`,
      `  worktree: ${s.worktree}`,
      `  overlay:  ${result.overlayPath}`,
      `  guards:   ${result.guardFiles.join(", ") || "none"} (runtime ${s.runtime})`,
      `  parent:   ${s.parent ?? "none"} · depth ${s.depth} · run ${s.runId ?? "none"}`,
      `  state:    ${result.firstTurn.note}`,
    ].join("\n");
    return { data, text };
  }

  /** Installs `--script` for the agent the plan names, and removes it again if sling refuses. */
  private async withScript<T>(
    deps: Awaited<ReturnType<OvCommand["deps"]>>,
    run: () => Promise<T>,
  ): Promise<T> {
    const { readFileSync, rmSync } = await import("node:fs");
    const { resolve } = await import("node:path");
    const { installScript } = await import("../../runtimes/scripted/files.js");
    const { ovDir } = await import("../../git/repo.js");
    const { tryParseJson } = await import("../../core/json.js");
    const path = resolve(this.context.cwd, this.script ?? "");
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new OvError("USAGE", `cannot read --script ${path}`, {
        hint: "pass a JSON script file (docs/scripted-runtime.md)",
      });
    }
    const parsed = tryParseJson(text);
    if (!parsed.ok)
      throw new OvError("USAGE", `--script ${path} is not JSON: ${parsed.error}`, {
        hint: "docs/scripted-runtime.md shows the format",
      });
    const name = this.name ?? `${this.capability}-${this.task}`;
    const installed = await installScript(ovDir(deps.repo), name, parsed.value);
    try {
      return await run();
    } catch (e) {
      rmSync(installed, { force: true });
      throw e;
    }
  }
}

export const commands = [SlingCommand];
