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
