import { type Capability, canonicalTerminalType, canSpawn, roleSpec } from "./capabilities.js";

/**
 * The exact `git ov` command lines agents are told to use — the single source for role texts
 * and overlays. With `SHELL_VARS` they read the agent's environment; an overlay passes the
 * agent's real name, parent, task and branch.
 */
export interface Who {
  me: string;
  parent: string;
  task: string;
  branch: string;
}

/** Placeholders resolved by the shell from the agent environment (see `agentEnv`). */
export const SHELL_VARS: Who = {
  me: '"$GIT_OV_AGENT"',
  parent: '"$GIT_OV_PARENT"',
  task: '"$GIT_OV_TASK"',
  branch: '"$GIT_OV_BRANCH"',
};

/** Recipient of an agent's reports when nobody slung it with --parent. */
export const NO_PARENT_RECIPIENT = "operator";

function send(w: Who, to: string, type: string, subject: string, body: string, extra = ""): string {
  return `git ov mail send --from ${w.me} --to ${to} --type ${type} --subject "${subject}" --body "${body}"${extra}`;
}

/** The mail that ends this role's work (undefined for persistent roles). */
export function terminalCommand(cap: Capability, w: Who): string | undefined {
  switch (canonicalTerminalType(cap)) {
    case undefined:
      return undefined;
    case "merged":
      return send(w, w.parent, "merged", `Merged: <branch>`, "<tier used, conflicts resolved, checks run>");
    default:
      if (cap === "reviewer")
        return send(
          w,
          w.parent,
          "worker_done",
          `Worker done: ${bare(w.task)} — PASS`,
          "<verdict and findings>",
        );
      return send(w, w.parent, "worker_done", `Worker done: ${bare(w.task)}`, "<what you did, where it is>");
  }
}

/** Commands a role uses, as `[purpose, command]` pairs, in the order an agent needs them. */
export function roleCommands(cap: Capability, w: Who): [string, string][] {
  const out: [string, string][] = [
    ["See your assignment, session and unread mail", "git ov prime"],
    ["Read your mail (marks it read)", `git ov mail check --agent ${w.me}`],
    ["Reply within a thread", `git ov mail reply <message-id> --from ${w.me} --body "<answer>"`],
    ["Ask your parent a question", send(w, w.parent, "question", "<short question>", "<context>")],
    ["Report progress", send(w, w.parent, "status", "<one-line status>", "<details>")],
    [
      "Report a blocker you cannot fix",
      send(w, w.parent, "error", "<what is blocked>", "<what you tried>", " --priority urgent"),
    ],
  ];
  if (cap === "scout" || cap === "lead" || cap === "coordinator")
    out.push([
      "Write a spec (stored in refs/ov/specs)",
      `git ov spec write <task> --agent ${w.me} --body "<spec>"`,
    ]);
  out.push(["Read a spec", "git ov spec show <task>"]);
  if (canSpawn(cap)) {
    const child = roleSpec(cap).spawns[0] ?? "builder";
    out.push([
      "Start a sub-agent (its spec is read from refs/ov/specs/<subtask>.md)",
      `git ov sling <subtask> --capability ${child} --parent ${w.me} --files <a.ts,b.ts>`,
    ]);
    out.push(["Watch your sub-agents", "git ov status"]);
    out.push(["Wake a silent sub-agent", "git ov nudge <agent>"]);
  }
  if (cap === "lead")
    out.push([
      "Hand a verified branch to the merge queue",
      send(
        w,
        w.parent,
        "merge_ready",
        "merge_ready: <subtask>",
        "<branch and files>",
        ` --payload '{"branch":"<branch>"}'`,
      ),
    ]);
  if (cap === "merger" || cap === "coordinator") {
    out.push(["Preview a merge", "git ov merge --branch <branch> --dry-run"]);
    out.push(["Merge a branch through the queue", "git ov merge --branch <branch>"]);
  }
  if (cap === "merger")
    out.push([
      "Report a merge you could not complete",
      send(
        w,
        w.parent,
        "merge_failed",
        "Merge failed: <branch>",
        "<conflicts and what you tried>",
        " --priority urgent",
      ),
    ]);
  if (cap === "coordinator" || cap === "monitor") out.push(["See every agent", "git ov status"]);
  if (cap === "coordinator") {
    out.push(["End an agent", "git ov stop <agent>"]);
    out.push(["Remove finished worktrees", "git ov worktree clean --completed"]);
  }
  if (!roleSpec(cap).readOnly)
    out.push(["Commit your work (to your branch only)", "git add <files> && git commit -m '<why>'"]);
  const terminal = terminalCommand(cap, w);
  if (terminal) out.push([`Finish (your terminal mail: ${canonicalTerminalType(cap)})`, terminal]);
  return out;
}

/** Renders command pairs as a markdown list of fenced shell lines. */
export function renderCommands(pairs: readonly [string, string][]): string {
  return pairs.map(([what, cmd]) => `- ${what}:\n  \`${cmd}\``).join("\n");
}

function bare(s: string): string {
  return s.replace(/^"|"$/g, "");
}
