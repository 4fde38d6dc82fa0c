import { type Capability, canSpawn, canonicalTerminalType, roleSpec } from "./capabilities.js";

/**
 * The exact `git ov` command lines agents are told to use — the single source for role texts
 * and overlays. With `SHELL_VARS` they read the agent's environment; an overlay passes the
 * agent's real name, parent, task and branch. Protocol mail carries the payload the mail layer
 * requires for its type (src/mail/payloads.ts).
 */
export interface Who {
  me: string;
  parent: string;
  task: string;
  branch: string;
  /** True when the values are `$GIT_OV_*` variables the shell expands. */
  shell: boolean;
}

/** Placeholders resolved by the shell from the agent environment (see `agentEnv`). */
export const SHELL_VARS: Who = {
  me: "$GIT_OV_AGENT",
  parent: "$GIT_OV_PARENT",
  task: "$GIT_OV_TASK",
  branch: "$GIT_OV_BRANCH",
  shell: true,
};

/** Recipient of an agent's reports when nobody slung it with --parent. */
export const NO_PARENT_RECIPIENT = "operator";

/** A shell word for a name: quoted when it is a variable. */
function word(w: Who, v: string): string {
  return w.shell ? `"${v}"` : v;
}

/** `--payload` with a JSON object: single-quoted literal, or double-quoted so variables expand. */
function payload(w: Who, obj: Record<string, unknown>): string {
  const json = JSON.stringify(obj);
  return ` --payload ${w.shell ? `"${json.replace(/"/g, '\\"')}"` : `'${json}'`}`;
}

function send(w: Who, type: string, subject: string, body: string, extra = ""): string {
  return `git ov mail send --from ${word(w, w.me)} --to ${word(w, w.parent)} --type ${type} --subject "${subject}" --body "${body}"${extra}`;
}

/** The mail that ends this role's work (undefined for persistent roles). */
export function terminalCommand(cap: Capability, w: Who): string | undefined {
  const t = canonicalTerminalType(cap);
  if (t === undefined) return undefined;
  if (t === "merged") {
    const p = payload(w, { branch: "<branch>", taskId: w.task, tier: "clean-merge" });
    return send(w, "merged", "Merged: <branch>", "<tier used, conflicts resolved, checks run>", p);
  }
  const p = payload(w, { taskId: w.task, branch: w.branch, exitCode: 0, filesModified: ["<file>"] });
  const verdict = cap === "reviewer" ? " — PASS" : "";
  const body = cap === "reviewer" ? "<verdict and findings>" : "<what you did, where it is>";
  return send(w, "worker_done", `Worker done: ${w.task}${verdict}`, body, p);
}

/** Commands a role uses, as `[purpose, command]` pairs, in the order an agent needs them. */
export function roleCommands(cap: Capability, w: Who): [string, string][] {
  const me = word(w, w.me);
  const out: [string, string][] = [
    ["See your assignment, session and unread mail", "git ov prime"],
    ["Read your mail (marks it read)", `git ov mail check --agent ${me}`],
    ["Reply within a thread", `git ov mail reply <message-id> --from ${me} --body "<answer>"`],
    ["Ask your parent a question", send(w, "question", "<short question>", "<context>")],
    ["Report progress", send(w, "status", "<one-line status>", "<details>")],
    [
      "Report a blocker you cannot fix",
      send(w, "error", "<what is blocked>", "<what you tried>", " --priority urgent"),
    ],
  ];
  if (cap === "scout" || cap === "lead" || cap === "coordinator")
    out.push([
      "Write a spec (stored in refs/ov/specs)",
      `git ov spec write <task> --agent ${me} --body "<spec>"`,
    ]);
  out.push(["Read a spec", "git ov spec show <task>"]);
  if (canSpawn(cap)) {
    const child = cap === "lead" ? "builder" : (roleSpec(cap).spawns[0] ?? "builder");
    out.push([
      "Start a sub-agent (its spec is read from refs/ov/specs/<subtask>.md)",
      `git ov sling <subtask> --capability ${child} --parent ${me} --files <a.ts,b.ts>`,
    ]);
    out.push([
      "Re-dispatch a subtask whose agent finished or died (starts from its branch)",
      "git ov sling <subtask> --recover --parent " + me,
    ]);
    out.push(["Watch your sub-agents", "git ov status"]);
    out.push(["Wake a silent sub-agent", "git ov nudge <agent>"]);
  }
  if (cap === "lead") {
    const p = payload(w, {
      branch: "<branch>",
      taskId: "<subtask>",
      agentName: "<builder>",
      filesModified: ["<file>"],
    });
    out.push([
      "Hand a verified branch to the merge queue",
      send(w, "merge_ready", "merge_ready: <subtask>", "<branch and files>", p),
    ]);
  }
  if (cap === "merger" || cap === "coordinator") {
    out.push(["Preview a merge", "git ov merge --branch <branch> --dry-run"]);
    out.push(["Merge a branch through the queue", "git ov merge --branch <branch>"]);
  }
  if (cap === "merger") {
    const p = payload(w, {
      branch: "<branch>",
      taskId: w.task,
      conflictFiles: ["<file>"],
      errorMessage: "<why>",
    });
    out.push([
      "Report a merge you could not complete",
      send(
        w,
        "merge_failed",
        "Merge failed: <branch>",
        "<conflicts and what you tried>",
        `${p} --priority urgent`,
      ),
    ]);
  }
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

/** Renders command pairs as a markdown list of inline-code shell lines. */
export function renderCommands(pairs: readonly [string, string][]): string {
  return pairs.map(([what, cmd]) => `- ${what}:\n  \`${cmd}\``).join("\n");
}
