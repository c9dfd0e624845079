/** Minimal valid Neon objects for scripted responses (only what the schemas require, plus ids). */
export const T0 = "2026-01-01T00:00:00Z";

export function operation(id: string, status: string, extra: Record<string, unknown> = {}) {
  return { id, project_id: "p-1", branch_id: "br-1", action: "create_branch", status, failures_count: 0, created_at: T0, updated_at: T0, total_duration_ms: 0, ...extra };
}

export function project(extra: Record<string, unknown> = {}) {
  return { id: "p-1", name: "tenant", region_id: "aws-us-east-1", pg_version: 17, history_retention_seconds: 86400, created_at: T0, updated_at: T0, ...extra };
}

export function branch(extra: Record<string, unknown> = {}) {
  return {
    id: "br-1",
    project_id: "p-1",
    name: "main",
    current_state: "ready",
    default: false,
    protected: false,
    created_at: T0,
    updated_at: T0,
    ...extra,
  };
}

export function endpoint(extra: Record<string, unknown> = {}) {
  return {
    id: "ep-1",
    project_id: "p-1",
    branch_id: "br-1",
    host: "ep-1.us-east-1.aws.neon.tech",
    region_id: "aws-us-east-1",
    type: "read_write",
    current_state: "active",
    autoscaling_limit_min_cu: 0.25,
    autoscaling_limit_max_cu: 1,
    suspend_timeout_seconds: 0,
    disabled: false,
    created_at: T0,
    updated_at: T0,
    ...extra,
  };
}

export function role(extra: Record<string, unknown> = {}) {
  return { branch_id: "br-1", name: "app", created_at: T0, updated_at: T0, ...extra };
}

export function database(extra: Record<string, unknown> = {}) {
  return { id: 1, branch_id: "br-1", name: "app", owner_name: "app", created_at: T0, updated_at: T0, ...extra };
}

export function connectionDetails(password: string) {
  return {
    connection_uri: `postgresql://neondb_owner:${password}@ep-1.us-east-1.aws.neon.tech/neondb?sslmode=require`,
    connection_parameters: { database: "neondb", password, role: "neondb_owner", host: "ep-1.us-east-1.aws.neon.tech", pooler_host: "ep-1-pooler.us-east-1.aws.neon.tech" },
  };
}

export function createdBranch(operations: unknown[]) {
  return { branch: branch(), endpoints: [], operations, roles: [], databases: [] };
}
