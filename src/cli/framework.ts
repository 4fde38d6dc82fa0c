// Re-exported through a static import so the bundler handles clipanion's CommonJS interop; main.ts
// imports this module lazily (after the --version fast path).
export { Builtins, Cli } from "clipanion";
