/**
 * Paths are built from Neon's path templates (`/projects/{project_id}/branches/{branch_id}`), so the
 * route (method + template) is known without parsing ids back out of a path: the rate limiter counts
 * per route and validation errors name it.
 */
import { configurationError } from "./errorFactory";

export type PathParams = Readonly<Record<string, string>>;
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

export function fillPathTemplate(template: string, params: PathParams = {}): string {
  return template.replace(/\{([a-z_]+)\}/g, (_placeholder, name: string) => {
    const value = params[name];
    // An empty id would silently address another route (`/projects//branches`).
    if (typeof value !== "string" || value === "") {
      throw configurationError(`${name} must be a non-empty string for ${template}`);
    }
    return encodeURIComponent(value);
  });
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
