import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Session } from "../sessions/session.js";
import { canonicalTerminalType } from "./capabilities.js";
import { NO_PARENT_RECIPIENT, type Who, renderCommands, roleCommands, terminalCommand } from "./protocol.js";

/** The overlay's place inside an agent worktree (excluded from commits via info/exclude). */
export const OVERLAY_DIR = ".ov";
export const OVERLAY_FILE = `${OVERLAY_DIR}/overlay.md`;

export interface OverlayInput {
  session: Session;
  /** The role definition in force (shipped default or refs/ov/config override). */
  roleText: string;
  spec: { text: string; source: string } | undefined;
  files: readonly string[];
  /** Lead only: `--dispatch-max-agents`. */
  dispatchMaxAgents: number | undefined;
}

function who(s: Session): Who {
  return {
    me: s.name,
    parent: s.parent ?? NO_PARENT_RECIPIENT,
    task: s.task,
    branch: s.branch,
    shell: false,
  };
}

function dispatchLimits(n: number | undefined): string {
  if (n === undefined || n <= 0) return "";
  const rule =
    n === 1
      ? "You have one slot: spend it on a single builder, skip scouts and reviewers, and verify its work yourself."
      : n === 2
        ? "Work compressed: builders only, no scouts or reviewers; verify their work yourself."
        : `Do not run more than ${n} sub-agents for this task.`;
  return `\n## Dispatch limit\n\n${rule} Your parent set this; honour it over the general guidance below.\n`;
}

/** Renders the per-agent instruction file: assignment, spec, scope, role text and exact commands. */
export function renderOverlay(input: OverlayInput): string {
  const s = input.session;
  const w = who(s);
  const parent = s.parent
    ? `${s.parent} (send your reports there)`
    : `none — send your reports to ${NO_PARENT_RECIPIENT}`;
  const spec = input.spec
    ? `Source: ${input.spec.source}\n\n${input.spec.text.trimEnd()}`
    : `No spec was given. Read your mail (\`git ov mail check --agent ${s.name}\`) or ask your parent.`;
  const scope =
    input.files.length > 0
      ? `${input.files.map((f) => `- \`${f}\``).join("\n")}\n\nChange only these files; ask your parent before touching others.`
      : "No file scope was set: stay within what the task needs.";
  const terminal = terminalCommand(s.capability, w);
  const finish = terminal
    ? `## When you are done\n\nSend exactly once, last (type \`${canonicalTerminalType(s.capability)}\`):\n\n    ${terminal}\n`
    : "## When you are done\n\nYou are a persistent agent: you keep running until you are stopped.\n";
  return `<!-- git ov overlay for ${s.name}, written by git ov sling. Not committed (info/exclude). -->
# Assignment

- Agent: ${s.name} (${s.capability})
- Task: ${s.task}
- Branch: ${s.branch} (from ${s.baseBranch})
- Worktree: ${s.worktree}
- Parent: ${parent}
- Depth: ${s.depth}
- Run: ${s.runId ?? "none"}

All your file changes stay inside ${s.worktree}; your guard blocks anything outside it.

## Spec

${spec}

## File scope

${scope}
${dispatchLimits(input.dispatchMaxAgents)}
---

${input.roleText.trimEnd()}

---

# Your commands, exactly

${renderCommands(roleCommands(s.capability, w))}

${finish}`;
}

/** Writes the overlay into the worktree; returns its absolute path. */
export function writeOverlay(worktree: string, text: string): string {
  const path = join(worktree, OVERLAY_FILE);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}
