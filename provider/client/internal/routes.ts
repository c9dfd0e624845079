/**
 * Paths are built from Neon's path templates (`/projects/{project_id}/branches/{branch_id}`), so the
 * route (method + template) is known without parsing ids back out of a path: the rate limiter counts
 * per route and validation errors name it.
 */
import { configurationError } from "./errorFactory";

export type PathParams = Readonly<Record<string, string>>;
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

export function fillPathTemplate(template: string, params: PathParams = {}): string {
  // Split on the placeholders: odd indexes are parameter names, even ones literal text.
  const parts = template.split(/\{([a-z_]+)\}/);
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = params[name];
    // An empty id would silently address another route (`/projects//branches`).
    if (typeof value !== "string" || value === "") {
      throw configurationError(`${name} must be a non-empty string for ${template}`);
    }
    path += encodeURIComponent(value) + parts[i + 1]!;
  }
  return path;
}

export function queryString(query: QueryParams | undefined): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) search.append(name, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
