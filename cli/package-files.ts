/**
 * Files the package ships beside its code (the workflow definition, package.json), found from this
 * module's own location, never from the working directory. The code runs from its TypeScript
 * source (cli/, tests), from the bundle in dist/ (npm start) and from an installed package
 * (node_modules/credsweep/dist/): the nearest directory above with a package.json is the package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory of credsweep's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`credsweep: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

/** A path inside the package, e.g. `packageFile('statemachine', 'remediation.asl.json')`. */
export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** Where the Lambda bundle of a handler entry (`generate-report.ts`) is: `dist/lambda/generate-report`. */
export const lambdaDir = (entry: string) => `dist/lambda/${entry.replace(/\.ts$/, '')}`;
