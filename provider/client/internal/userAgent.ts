/**
 * Kept as constants rather than read from package.json at runtime: the compiled package must not
 * depend on where package.json ends up relative to dist/. A test checks they match package.json.
 */
export const PACKAGE_NAME = "neon-pulumi-dynamic";
export const PACKAGE_VERSION = "0.1.0";

export function userAgent(prefix?: string): string {
  const own = `${PACKAGE_NAME}/${PACKAGE_VERSION} node/${process.versions.node}`;
  return prefix === undefined || prefix === "" ? own : `${prefix} ${own}`;
}
