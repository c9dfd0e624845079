/**
 * Matches `METHOD /path` against the route table. Templates use the spec's own syntax
 * (`/projects/{project_id}`), and a literal segment beats a parameter (`/branches/count` is not a
 * branch id), as in the OpenAPI document.
 */
export interface RouteMatch<T> {
  route: T;
  params: Record<string, string>;
}

interface CompiledRoute<T> {
  method: string;
  segments: string[];
  route: T;
  literalCount: number;
}

export class Router<T extends { method: string; path: string }> {
  private readonly routes: CompiledRoute<T>[];

  constructor(routes: readonly T[]) {
    this.routes = routes
      .map((route) => {
        const segments = splitPath(route.path);
        return { method: route.method.toUpperCase(), segments, route, literalCount: segments.filter((s) => !isParam(s)).length };
      })
      // More literal segments first, so `/projects/shared` wins over `/projects/{project_id}`.
      .sort((a, b) => b.literalCount - a.literalCount);
  }

  /** `undefined` when no template matches the path; `"method"` when one does, but not for this method. */
  match(method: string, path: string): RouteMatch<T> | "method" | undefined {
    const segments = splitPath(path);
    let pathMatched = false;
    for (const candidate of this.routes) {
      const params = matchSegments(candidate.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (candidate.method === method.toUpperCase()) return { route: candidate.route, params };
    }
    return pathMatched ? "method" : undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

function isParam(segment: string): boolean {
  return segment.startsWith("{") && segment.endsWith("}");
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (isParam(t)) {
      let value: string;
      try {
        value = decodeURIComponent(actual[i]);
      } catch {
        return undefined;
      }
      // `.` and `..`, sent as such or percent-encoded, are path syntax, never an id or a name.
      if (value === "." || value === "..") return undefined;
      params[t.slice(1, -1)] = value;
    } else if (t !== actual[i]) {
      return undefined;
    }
  }
  return params;
}
