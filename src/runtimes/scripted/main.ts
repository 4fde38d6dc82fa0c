import { runScriptedAgent } from "./agent.js";

// Entry of dist/scripted-agent.js. process.exit after stdout drains: stdin may still be open (the
// `exit` step leaves mid-turn), and an open stdin would otherwise keep the process alive.
runScriptedAgent(process.argv.slice(2), process.env, process.cwd(), {
  stdin: process.stdin,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (e: unknown) => {
    process.stderr.write(
      `scripted agent: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(70);
  },
);
