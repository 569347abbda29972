import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The absolute path of the installed `azurite` package's `azurite-blob` bin script. */
export function resolveAzuriteBlobBin(): string {
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve('azurite/package.json');
  const packageJson = require(packageJsonPath) as { bin?: string | Record<string, string> };
  const bin = typeof packageJson.bin === 'object' ? packageJson.bin['azurite-blob'] : undefined;
  if (!bin) throw new Error(`the azurite package at ${dirname(packageJsonPath)} has no azurite-blob bin`);
  return join(dirname(packageJsonPath), bin);
}
