import { CONFIG_KEYS } from "../config/keys.js";
import { OvError } from "../core/errors.js";
import { CLAUDE_INSTALL_HINT } from "../runtimes/claude.js";
import { getRuntime } from "../runtimes/registry.js";
import { runGit } from "../git/exec.js";
import { DEMO_TASKS, LEAD_TASK, TEST_COMMAND } from "./project.js";
import { builderName } from "./scripts.js";

/**
 * The lead's spec for `git ov demo --runtime claude`: the same swarm as the scripted demo, asked of
 * a real model in words. Its overlay already carries the exact `git ov` commands and mail types.
 */
export function claudeLeadSpec(): string {
  const tasks = DEMO_TASKS.map(
    (t, i) =>
      `${i + 1}. Task \`${t.task}\` for builder \`${builderName(t)}\`: in \`src/text.js\`, ${t.summary.replace(/^add /, "add ")}; add one assertion for it to \`test.js\` before its last line; run \`${TEST_COMMAND}\`; commit; send worker_done to its parent.`,
  );
  return [
    `# ${LEAD_TASK}: two helpers for textkit`,
    "",
    "textkit is a tiny JavaScript module (`src/text.js`) with a test (`test.js`). Do not write code yourself:",
    "split the work between two builders and see it merged.",
    "",
    "Spawn exactly these two builders now (git ov sling <task> --capability builder --name <name> --parent $GIT_OV_AGENT),",
    "each with a one-paragraph spec (git ov spec write <task> --body ...) written before you sling it:",
    "",
    ...tasks,
    "",
    "Then end your turn. You are woken with each builder's worker_done mail. When both builders have reported,",
    "send one merge_ready mail per builder branch to your parent (payload: branch, taskId, agentName, filesModified)",
    "and end your turn. The operator merges them; you are woken with a `merged` mail per branch. When both",
    "branches are merged, send your own worker_done to your parent and stop.",
  ].join("\n");
}

/**
 * Before anything is created: is Claude Code usable with the caller's per-user settings (`git config
 * --global ov.runtime.claude.*`)? Throws OvError("RUNTIME") with the fix, phrased for the demo.
 */
export async function checkClaudeForDemo(cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runGit(["config", "--global", "--get-regexp", "^ov\\.runtime\\.claude\\."], {
    cwd,
    check: false,
  });
  const values = new Map<string, string | boolean>();
  for (const line of r.stdout.split("\n")) {
    const m = /^ov\.(\S+)\s+(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const key = Object.keys(CONFIG_KEYS).find((k) => k.toLowerCase() === m[1]!.toLowerCase());
    if (key) values.set(key, /^(true|yes|on|1)$/i.test(m[2]) && key.endsWith(".sandbox") ? true : m[2]);
  }
  try {
    await getRuntime("claude").ensureAvailable({ get: (k) => values.get(k) }, env);
  } catch (e) {
    if (!(e instanceof OvError)) throw e;
    const missing = e.data.binary !== undefined;
    throw new OvError("RUNTIME", `git ov demo --runtime claude: ${e.message}`, {
      data: e.data,
      hint: missing
        ? `install it (${CLAUDE_INSTALL_HINT}) and log in, or name it for every repository: git config --global ov.runtime.claude.binary /path/to/claude`
        : "run the demo as a non-root user, or, if this machine is a disposable sandbox, say so for every repository: git config --global ov.runtime.claude.sandbox true",
    });
  }
}
