import { OvError } from "../../../core/errors.js";
import type { OvContext } from "../../context.js";

/** The sender when `--from` is absent: the agent this shell belongs to, else the human operator. */
export function defaultSender(ctx: OvContext): string {
  const agent = ctx.env.GIT_OV_AGENT;
  return agent !== undefined && agent !== "" ? agent : "operator";
}

/** `--body`, or all of stdin when stdin is a pipe or file; a terminal gets a usage error instead. */
export async function bodyFrom(ctx: OvContext, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return flag;
  const stdin = ctx.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (stdin.isTTY) {
    throw new OvError("USAGE", "missing --body", { hint: "pass --body '<text>' or pipe the body on stdin" });
  }
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a whole-number flag (`min` inclusive). */
export function intFlag(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) {
    throw new OvError("USAGE", `${name} takes a whole number >= ${min}, not '${raw}'`, {
      hint: `e.g. ${name} ${Math.max(min, 1) * 500}`,
    });
  }
  return Number(raw);
}

/** Prints advisory warnings on stderr (JSON output carries them in `warnings` instead). */
export function printWarnings(ctx: OvContext, json: boolean, warnings: readonly string[] | undefined): void {
  if (json) return;
  for (const w of warnings ?? []) ctx.stderr.write(`git ov: warning: ${w}\n`);
}
