/**
 * NeonProject's provider methods. This module is what the serialized provider `require`s (see
 * provider.ts): it may hold zod schemas and use the client freely. The methods stay thin; the
 * decisions are in logic.ts.
 */
import { NeonAmbiguousWriteError, NeonConflictError, NeonNotFoundError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { CreatedProject } from "../../client/schemas/projects";
import { checkInputs, type CheckFailure } from "../common/check";
import { declaredKey, liveInputs } from "../common/declared";
import { ResourceInitFailure } from "../common/initFailure";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { neonProjectInputsSchema, type NeonProjectInputs } from "./args";
import {
  projectCreateBody,
  projectDiff,
  projectOutputs,
  projectTransitionFailures,
  projectUpdateBody,
  type ProjectView,
} from "./logic";

export { configure } from "../common/providerConfig";

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = checkInputs(neonProjectInputsSchema(), news);
  const failures: CheckFailure[] = [...result.failures, ...projectTransitionFailures(olds, news)];
  return { inputs: result.inputs, failures };
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = projectDiff(olds, news);
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: false };
}

export async function create(inputs: NeonProjectInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  if (inputs.adoptId) return adopt(client, inputs.adoptId, inputs);

  const startedAt = Date.now();
  let created: CreatedProject;
  try {
    created = await client.projects.create(projectCreateBody(inputs), { waitForOperations: false });
  } catch (err) {
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    // The POST may have created the project: find it by name before anyone creates it again.
    const found = await findCreatedProject(client, inputs, startedAt);
    if (!found) throw err;
    return adopt(client, found, inputs, { reconciled: true });
  }

  // From here on the project exists: any failure must hand Pulumi its id.
  const connection = created.connection_uris[0]?.connection_parameters;
  let view: ProjectView = {
    project: created.project,
    defaultBranch: created.branch,
    defaultEndpoint: created.endpoints.find((e) => e.type === "read_write"),
    role: created.roles.find((r) => r.name === connection?.role) ?? created.roles[0],
    database: created.databases.find((d) => d.name === connection?.database) ?? created.databases[0],
    password: connection?.password,
  };
  try {
    await client.waitForOperations(created.operations);
    if (inputs.activeSnapshotId) {
      await restoreDefaultBranch(client, created.project.id, inputs.activeSnapshotId);
      view = { ...(await readView(client, created.project.id, view)), password: view.password };
    }
  } catch (err) {
    throw new ResourceInitFailure("Neon project", created.project.id, plainOutputs(projectOutputs(view, undefined)), err);
  }
  return { id: created.project.id, outs: plainOutputs(projectOutputs(view, inputs)) };
}

export async function read(id: string, props: Record<string, unknown>) {
  const client = neonClientForCall();
  let view: ProjectView;
  try {
    view = await readView(client, id, viewHints(props));
  } catch (err) {
    if (err instanceof NeonNotFoundError) return {}; // deleted outside Pulumi: gone from state
    throw err;
  }
  const live = projectOutputs(view, undefined);
  const outs = { ...live, [declaredKey]: props[declaredKey], ...adoptedMarker(props) };
  return { id, props: plainOutputs(outs), inputs: plainOutputs(liveInputs(props, live)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: NeonProjectInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  const hints = viewHints(olds);
  try {
    await applyChanges(client, id, olds, news);
  } catch (err) {
    // Part of the change may have been made: record what is live now, so the next `up` does the rest.
    const live = await readView(client, id, hints).catch(() => undefined);
    const properties = live ? { ...projectOutputs(live, undefined), [declaredKey]: olds[declaredKey], ...adoptedMarker(olds) } : olds;
    throw new ResourceInitFailure("Neon project", id, properties, err);
  }
  const view = await readView(client, id, hints);
  return { outs: plainOutputs({ ...projectOutputs(view, news), ...adoptedMarker(olds) }) };
}

/**
 * Whether the stack adopted the project (and so must release, not delete, it). Decided once, at
 * create: it stays in the outputs whatever the program later says about `adoptId`.
 */
function adoptedMarker(props: Record<string, unknown>): { adoptId?: unknown } {
  return props.adoptId !== undefined ? { adoptId: props.adoptId } : {};
}

export async function del(id: string, props: Record<string, unknown>) {
  if (props.adoptId !== undefined) {
    // Adopted projects are released, never deleted: they existed before this stack.
    console.log(`Neon project ${id} was adopted; releasing it from the stack without deleting it.`);
    return;
  }
  const client = neonClientForCall();
  try {
    await client.projects.delete(id);
  } catch (err) {
    if (!(err instanceof NeonNotFoundError)) throw err;
  }
}

async function applyChanges(client: NeonClient, id: string, olds: Record<string, unknown>, news: NeonProjectInputs) {
  if (news.orgId !== undefined && olds.orgId !== undefined && news.orgId !== olds.orgId) {
    // A move between organizations, never a re-creation: ids, data and connection strings stay.
    await client.organizations.transferProjects(String(olds.orgId), { destination_org_id: news.orgId, project_ids: [id] });
  }
  const body = projectUpdateBody(olds, news);
  if (body) await client.projects.update(id, body);

  const branchId = String(olds.defaultBranchId);
  if (body?.project.default_endpoint_settings && olds.defaultEndpointId) {
    // Users expect the default compute to follow its project's defaults (the other providers did not).
    await client.endpoints.update(id, String(olds.defaultEndpointId), { endpoint: { ...body.project.default_endpoint_settings } });
  }
  if (news.defaultBranchName !== undefined && news.defaultBranchName !== olds.defaultBranchName) {
    await client.branches.update(id, branchId, { branch: { name: news.defaultBranchName } });
  }
  if (news.defaultDatabaseName !== undefined && olds.defaultDatabaseName !== undefined && news.defaultDatabaseName !== olds.defaultDatabaseName) {
    await client.databases.update(id, branchId, String(olds.defaultDatabaseName), { database: { name: news.defaultDatabaseName } });
  }
  if (news.activeSnapshotId !== undefined && news.activeSnapshotId !== olds.activeSnapshotId) {
    await restoreDefaultBranch(client, id, news.activeSnapshotId);
  }
}

/**
 * Restores the default branch to a snapshot in place: Neon creates a branch from the snapshot and
 * `finalize_restore` moves the computes (and with them hosts, connection strings, Neon Auth and the
 * Data API) onto it and gives it the default branch's name. The superseded branch is then removed.
 */
async function restoreDefaultBranch(client: NeonClient, projectId: string, snapshotId: string): Promise<void> {
  const { snapshots } = await client.snapshots.list(projectId);
  if (!snapshots.some((s) => s.id === snapshotId)) {
    throw new Error(`activeSnapshotId: snapshot ${snapshotId} does not exist in project ${projectId}`);
  }
  const current = await defaultBranchOf(client, projectId);
  if (current.restored_from === snapshotId) return;
  await client.snapshots.restore(projectId, snapshotId, { target_branch_id: current.id, finalize_restore: true });
  try {
    await client.branches.delete(projectId, current.id);
  } catch (err) {
    // A superseded branch with children of its own is kept (it is renamed, not lost).
    if (!(err instanceof NeonConflictError)) throw err;
    console.log(`Kept the superseded branch ${current.id} of project ${projectId}: ${err.message}`);
  }
}

async function defaultBranchOf(client: NeonClient, projectId: string) {
  const { branches } = await client.branches.list(projectId);
  const found = branches.find((b) => b.default);
  if (!found) throw new Error(`project ${projectId} has no default branch`);
  return found;
}

interface ViewHints {
  roleName?: string;
  databaseName?: string;
  password?: string;
}

function viewHints(props: Record<string, unknown>): ViewHints {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { roleName: str(props.defaultRoleName), databaseName: str(props.defaultDatabaseName), password: str(props.password) };
}

/**
 * The project as Neon has it now: three GETs (project, branches, the default branch's computes),
 * so refreshing a fleet stays well inside Neon's rate limit. The password never comes from a GET:
 * it is the one from create (or reveal_password when adopting).
 */
async function readView(client: NeonClient, id: string, hints: ViewHints): Promise<ProjectView> {
  const { project } = await client.projects.get(id);
  const defaultBranch = await defaultBranchOf(client, id);
  const { endpoints } = await client.branches.listEndpoints(id, defaultBranch.id);
  const stamp = { branch_id: defaultBranch.id, created_at: project.created_at, updated_at: project.updated_at };
  return {
    project,
    defaultBranch,
    defaultEndpoint: endpoints.find((e) => e.type === "read_write"),
    role: hints.roleName ? { ...stamp, name: hints.roleName } : undefined,
    database: hints.databaseName ? { ...stamp, id: 0, name: hints.databaseName, owner_name: hints.roleName ?? "" } : undefined,
    password: hints.password,
  };
}

/** Takes over an existing project: reads it, learns its owner role and password, then applies the declared settings. */
async function adopt(client: NeonClient, projectId: string, inputs: NeonProjectInputs, how: { reconciled?: boolean } = {}) {
  const branch = await defaultBranchOf(client, projectId);
  const { databases } = await client.databases.list(projectId, branch.id);
  const database = databases.find((d) => d.name === inputs.defaultDatabaseName) ?? databases[0];
  const roleName = inputs.defaultRoleName ?? database?.owner_name;
  let password: string | undefined;
  if (roleName) {
    try {
      password = (await client.roles.revealPassword(projectId, branch.id, roleName)).password;
    } catch (err) {
      // 412: the project does not store passwords; the connection URI outputs stay unset.
      if (!(err instanceof Error && "status" in err && (err as { status: number }).status === 412)) throw err;
    }
  }
  const hints = { roleName, databaseName: database?.name, password };
  // A project found after an ambiguous create is ours (deleted with the stack); an adopted one is not.
  const marker = how.reconciled ? {} : { adoptId: projectId };
  const before = projectOutputs(await readView(client, projectId, hints), undefined);
  try {
    await applyChanges(client, projectId, before, inputs);
  } catch (err) {
    throw new ResourceInitFailure("Neon project", projectId, plainOutputs({ ...before, ...marker }), err);
  }
  const view = await readView(client, projectId, hints);
  const { adoptId: _createOnly, ...declared } = inputs;
  return { id: projectId, outs: plainOutputs({ ...projectOutputs(view, declared), ...marker }) };
}

/** After an ambiguous POST: a project with the requested name created since the call started. */
async function findCreatedProject(client: NeonClient, inputs: NeonProjectInputs, startedAt: number): Promise<string | undefined> {
  if (!inputs.name) return undefined;
  const matches: string[] = [];
  for await (const p of client.projects.iterate({ search: inputs.name, ...(inputs.orgId ? { org_id: inputs.orgId } : {}) })) {
    // A minute of slack for clock differences between us and Neon.
    if (p.name === inputs.name && Date.parse(p.created_at) >= startedAt - 60_000) matches.push(p.id);
  }
  return matches.length === 1 ? matches[0] : undefined;
}
