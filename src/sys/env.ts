/** Environment access, kept in sys/ so the domain reads env only through what it is handed. */
export function envVar(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === "" ? undefined : v;
}

export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
