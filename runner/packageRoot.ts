/**
 * Where this package lives: the checkout when run from the repository, or
 * `node_modules/neon-pulumi-dynamic` when installed. The runner keeps its engine build and the Go
 * tool module relative to it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const packageName = "neon-pulumi-dynamic";

export function packageRoot(start: string = __dirname): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === packageName) return dir;
  }
  throw new Error(`no package.json named ${packageName} above ${start}`);
}
