import { main, selfBinFrom } from "./main.js";

// The bundled entry: run and set the exit code (never process.exit, so stdout drains).
main(process.argv.slice(2), process.env, process.cwd(), selfBinFrom(process.argv[1])).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(
      `git ov: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 70;
  },
);
