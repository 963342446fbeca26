import { exec } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(exec);

export async function grep(pattern, folder) {
  const { stdout } = await run(`grep -rn "${pattern}" ${folder}`);
  return stdout;
}
