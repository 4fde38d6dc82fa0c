// The documentation that lists things from the code stays complete: every error code in
// docs/errors.md with its real exit code, every configuration key in the README.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../src/config/keys.js";
import { type OvErrorCode, exitCodeFor } from "../src/core/errors.js";
import { ROOT } from "./helpers/repo.js";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

function errorCodes(): OvErrorCode[] {
  const src = read("src/core/errors.ts");
  const union = src.slice(
    src.indexOf("export type OvErrorCode"),
    src.indexOf(";", src.indexOf("export type OvErrorCode")),
  );
  return [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1] as OvErrorCode);
}

describe("docs", () => {
  it("docs/errors.md has a row for every error code, with its exit code", () => {
    const doc = read("docs/errors.md");
    const codes = errorCodes();
    assert.ok(codes.length > 10);
    for (const code of codes) {
      const row = new RegExp(`^\\| \`${code}\` \\| (\\d+) \\|`, "m").exec(doc);
      assert.ok(row, `docs/errors.md has no row for ${code}`);
      assert.equal(Number(row[1]), exitCodeFor(code), `exit code of ${code}`);
    }
  });

  it("the README's Configuration section lists every key with its default", () => {
    const readme = read("README.md");
    const section = readme.slice(readme.indexOf("## Configuration"));
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      const row = new RegExp(`^\\| \`${key.replace(/\./g, "\\.")}\` \\|[^|]*\\| ([^|]*) \\|`, "m").exec(
        section,
      );
      assert.ok(row, `README lacks ${key}`);
      const shown = (row[1] ?? "").trim().replace(/`/g, "");
      assert.equal(shown, String(spec.default), `default of ${key}`);
    }
  });
});
