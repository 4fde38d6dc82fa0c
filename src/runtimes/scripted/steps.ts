import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { systemClock } from "../../sys/clock.js";
import { runProcess } from "../../sys/run.js";
import { shellQuote } from "../claude-settings.js";
import type { ClaudeEmitter } from "./emit.js";
import { installScript, loadScriptFile } from "./files.js";
import { runPreToolUse } from "./hooks.js";
import { type MailStep, type SlingStep, type Step, interpolate, interpolateDeep } from "./script.js";

export interface StepContext {
  cwd: string;
  /** Environment of every tool process (the agent's, minus GIT_OV_SCRIPT). */
  env: Record<string, string>;
  emit: ClaudeEmitter;
  ovDir: string;
  /** How to run `git ov`: a command and the arguments that precede the subcommand. */
  gitOv: { cmd: string; args: string[] };
}

/** What the agent does after a step: go on, end the turn with an error, exit, or hang. */
export type StepOutcome =
  | { kind: "next" }
  | { kind: "fail"; text: string }
  | { kind: "exit"; code: number }
  | { kind: "hang" };

interface ToolOutput {
  content: string;
  isError: boolean;
}

/** Performs one step, emitting the events Claude would emit for it. */
export async function runStep(ctx: StepContext, step: Step): Promise<StepOutcome> {
  const v = (s: string) => interpolate(s, ctx.env);
  switch (step.op) {
    case "say":
      ctx.emit.text(v(step.text));
      return next;
    case "write": {
      const file = resolve(ctx.cwd, v(step.path));
      await tool(ctx, "Write", { file_path: file, content: v(step.content) }, () =>
        writeTool(file, v(step.content)),
      );
      return next;
    }
    case "edit": {
      const file = resolve(ctx.cwd, v(step.path));
      const input = {
        file_path: file,
        old_string: v(step.find),
        new_string: v(step.replace),
        replace_all: step.all,
      };
      await tool(ctx, "Edit", input, () => editTool(file, input.old_string, input.new_string, step.all));
      return next;
    }
    case "run": {
      const r = await tool(ctx, "Bash", { command: step.command, description: "scripted run" }, () =>
        shell(ctx, step.command),
      );
      return step.check && r.isError
        ? { kind: "fail", text: `command failed: ${step.command}\n${r.content}` }
        : next;
    }
    case "commit": {
      const command = `git add -A && git commit -q -m ${shellQuote(v(step.message))}`;
      await tool(ctx, "Bash", { command, description: "commit" }, () => shell(ctx, command));
      return next;
    }
    case "mail":
      await gitOvTool(ctx, mailArgs(step, ctx.env));
      return next;
    case "sling": {
      let args: string[];
      try {
        args = await slingArgs(ctx, step);
      } catch (e) {
        return { kind: "fail", text: `sling step: ${e instanceof Error ? e.message : String(e)}` };
      }
      await gitOvTool(ctx, args);
      return next;
    }
    case "sleep":
      await systemClock.sleep(step.ms);
      return next;
    case "garbage":
      ctx.emit.raw(v(step.text));
      return next;
    case "fail":
      return { kind: "fail", text: v(step.text) };
    case "exit":
      return { kind: "exit", code: step.code };
    case "hang":
    case "silent_hang":
      return { kind: "hang" };
  }
}

const next: StepOutcome = { kind: "next" };

/** tool_use, then the PreToolUse hooks, then the tool (unless blocked), then tool_result. */
async function tool(
  ctx: StepContext,
  name: string,
  input: unknown,
  exec: () => Promise<ToolOutput>,
): Promise<ToolOutput> {
  const id = ctx.emit.toolUse(name, input);
  const verdict = await runPreToolUse({
    cwd: ctx.cwd,
    env: ctx.env,
    sessionId: ctx.emit.sessionId,
    tool: name,
    input,
    toolUseId: id,
  });
  let out: ToolOutput;
  if (verdict.allowed) out = await exec();
  else {
    ctx.emit.denials.push({ tool_name: name, tool_use_id: id, tool_input: input });
    out = { content: verdict.message, isError: true };
  }
  ctx.emit.toolResult(id, out.content, out.isError);
  return out;
}

async function writeTool(file: string, content: string): Promise<ToolOutput> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    return { content: `File created successfully at: ${file}`, isError: false };
  } catch (e) {
    return { content: `cannot write ${file}: ${(e as Error).message}`, isError: true };
  }
}

async function editTool(file: string, find: string, replace: string, all: boolean): Promise<ToolOutput> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { content: `File does not exist: ${file}`, isError: true };
  }
  if (!text.includes(find))
    return { content: `String to replace not found in file.\nString: ${find}`, isError: true };
  await writeFile(file, all ? text.split(find).join(replace) : text.replace(find, () => replace));
  return { content: `The file ${file} has been updated successfully.`, isError: false };
}

async function shell(ctx: StepContext, command: string): Promise<ToolOutput> {
  const r = await runProcess("sh", ["-c", command], { cwd: ctx.cwd, env: ctx.env });
  return outputOf(r.code, r.stdout, r.stderr);
}

/** Claude's Bash result: the output, prefixed with "Exit code N" when the command failed. */
function outputOf(code: number, stdout: string, stderr: string): ToolOutput {
  const text = [stdout.trimEnd(), stderr.trimEnd()].filter((s) => s !== "").join("\n");
  if (code !== 0) return { content: `Exit code ${code}\n${text}`.trimEnd(), isError: true };
  return { content: text === "" ? "(Bash completed with no output)" : text, isError: false };
}

/** Shown to hooks and in the stream as the Bash command a Claude agent would type; run by argv. */
async function gitOvTool(ctx: StepContext, args: string[]): Promise<void> {
  const command = `git ov ${args.map(shellQuote).join(" ")}`;
  await tool(ctx, "Bash", { command, description: "git ov" }, async () => {
    const r = await runProcess(ctx.gitOv.cmd, [...ctx.gitOv.args, ...args], { cwd: ctx.cwd, env: ctx.env });
    return outputOf(r.code, r.stdout, r.stderr);
  });
}

function mailArgs(step: MailStep, env: Record<string, string>): string[] {
  const v = (s: string) => interpolate(s, env);
  const args = [
    "mail",
    "send",
    "--to",
    v(step.to),
    "--type",
    v(step.type),
    "--subject",
    v(step.subject),
    "--body",
    v(step.body),
  ];
  const from = step.from !== undefined ? v(step.from) : env.GIT_OV_AGENT;
  if (from) args.push("--from", from);
  if (step.priority !== undefined) args.push("--priority", v(step.priority));
  if (step.payload !== undefined) args.push("--payload", JSON.stringify(interpolateDeep(step.payload, env)));
  return args;
}

async function slingArgs(ctx: StepContext, step: SlingStep): Promise<string[]> {
  const v = (s: string) => interpolate(s, ctx.env);
  const name = v(step.name);
  if (step.script !== undefined) {
    const raw =
      "path" in step.script
        ? (await loadScriptFile(resolve(ctx.cwd, v(step.script.path)))).raw
        : step.script.inline;
    await installScript(ctx.ovDir, name, raw);
  }
  const args = [
    "sling",
    v(step.task),
    "--capability",
    v(step.capability),
    "--name",
    name,
    "--runtime",
    v(step.runtime),
  ];
  const parent = step.parent !== undefined ? v(step.parent) : ctx.env.GIT_OV_AGENT;
  if (parent) args.push("--parent", parent);
  if (step.spec !== undefined) args.push("--spec", v(step.spec));
  if (step.files !== undefined) args.push("--files", step.files.map(v).join(","));
  args.push(...step.args.map(v));
  return args;
}
