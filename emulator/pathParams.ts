/**
 * The patterns Neon's OpenAPI document gives path parameters (`project_id`, `branch_id`, … must
 * match `^[a-z0-9-]{1,60}$`), read from the vendored document itself, so the local Neon API refuses
 * what Neon's spec refuses: a path naming no possible object is 404, never an answer about an id
 * Neon could not have (a DELETE of branch " " must not answer "already gone").
 */
import * as fs from "node:fs";
import * as path from "node:path";

function findSpec(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "spec", "neon-openapi-v2.json");
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`Neon's OpenAPI document (spec/neon-openapi-v2.json) is not above ${start}`);
}

interface Parameter {
  name?: string;
  in?: string;
  schema?: { pattern?: string };
  $ref?: string;
}

function loadPatterns(): Map<string, RegExp> {
  const spec = JSON.parse(fs.readFileSync(findSpec(__dirname), "utf8")) as {
    paths: Record<string, Record<string, { parameters?: Parameter[] } | Parameter[]>>;
    components: { parameters?: Record<string, Parameter> };
  };
  const resolve = (p: Parameter): Parameter => (p.$ref ? spec.components.parameters?.[p.$ref.split("/").pop()!] ?? p : p);
  const patterns = new Map<string, RegExp>();
  for (const item of Object.values(spec.paths)) {
    const shared = (item.parameters as Parameter[] | undefined) ?? [];
    for (const [key, operation] of Object.entries(item)) {
      if (key === "parameters") continue;
      for (const parameter of [...shared, ...((operation as { parameters?: Parameter[] }).parameters ?? [])].map(resolve)) {
        if (parameter.in === "path" && parameter.name && parameter.schema?.pattern) patterns.set(parameter.name, new RegExp(parameter.schema.pattern));
      }
    }
  }
  return patterns;
}

const patterns = loadPatterns();

/** The first path parameter whose value the spec's pattern refuses, or undefined. */
export function invalidPathParameter(params: Record<string, string>): { name: string; value: string } | undefined {
  for (const [name, value] of Object.entries(params)) {
    const pattern = patterns.get(name);
    if (pattern && !pattern.test(value)) return { name, value };
  }
  return undefined;
}
