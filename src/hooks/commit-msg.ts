import type { HookHandler } from "./handlers.js";

/** Adds Ov-Agent / Ov-Task / Ov-Run trailers to an agent's commit message (joins code to coordination). */
export const commitMsg: HookHandler = async (deps, input) => {
  const file = input.args[0];
  const agent = input.env.GIT_OV_AGENT;
  if (!file || !agent) return 0;
  const trailers: [string, string | undefined][] = [
    ["Ov-Agent", agent],
    ["Ov-Task", input.env.GIT_OV_TASK],
    ["Ov-Run", input.env.GIT_OV_RUN],
  ];
  const args = ["interpret-trailers", "--in-place", "--if-exists", "addIfDifferent"];
  for (const [k, v] of trailers) if (v) args.push("--trailer", `${k}: ${v}`);
  args.push(file);
  const res = await deps.git.run(args, { cwd: input.cwd, check: false });
  return res.code === 0 ? 0 : 1;
};
