// Re-captures the direct CLI fixtures test/fixtures/claude/{a…x}-*.ndjson (+ .meta.json) with the
// pinned Claude Code CLI against the model stub, each run in its own network namespace when possible.
// Manual, not part of npm test:
//   npm run capture:claude                 every fast case (~2–3 min unloaded)
//   npm run capture:claude -- a b d        cases whose name starts with a prefix
//   npm run capture:claude -- e-default    slow cases run only when named: e-default (~6 min), g2, g3, g4 (5–10 min each)
// The conformance scenarios' captures (cf-*) come from `OV_CONFORMANCE_CAPTURE=1 npm run test:conformance`.
import "../../helpers/env.js";
import { captureBasics } from "./basics.js";
import { captureModes } from "./modes.js";

await captureBasics();
await captureModes();
