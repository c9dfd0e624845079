/**
 * NeonProject's provider methods. This module is what the serialized provider `require`s (see
 * provider.ts): it may hold zod schemas and use the client freely. The methods stay thin; the
 * decisions are in logic.ts.
 */
import { NeonAmbiguousWriteError, NeonNotFoundError, NeonPreconditionFailedError } from "../../client/errors";
import type { NeonClient } from "../../client/neonClient";
import type { CreatedProject } from "../../client/schemas/projects";
import { currentDefaultBranch, rememberDefaultBranch } from "../common/branchScope";
import { restoreDefaultBranch } from "../common/defaultBranchRestore";
import { claimUnder, claimedIdOrThrow, lostAnswer, recovered, waitForObjectOperations, type Candidate, type UnknownOutcome } from "../common/ownership";
import { checkInputs, type CheckFailure } from "../common/check";
import { declaredKey, declaredNames, liveInputs } from "../common/declared";
import { ResourceInitFailure, updateStep } from "../common/initFailure";
import { plainOutputs } from "../common/plainOutputs";
import { neonClientForCall } from "../common/providerConfig";
import { neonProjectInputsSchema, type NeonProjectInputs } from "./args";
import {
  patchBeforeTransfer,
  projectCreateBody,
  projectDiff,
  projectOutputs,
  projectCreateFailures,
  projectTransitionFailures,
  projectUpdateBody,
  type ProjectView,
} from "./logic";

export { configure } from "../common/providerConfig";

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = checkInputs(neonProjectInputsSchema(), news);
  const failures: CheckFailure[] = [...result.failures, ...projectTransitionFailures(olds, news), ...projectCreateFailures(olds, news)];
  return { inputs: result.inputs, failures };
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const outcome = projectDiff(olds, news);
  return { changes: outcome.changes, replaces: outcome.replaces, deleteBeforeReplace: false };
}

export async function create(inputs: NeonProjectInputs & Record<string, unknown>) {
  const client = neonClientForCall();
  if (inputs.adoptId) return adopt(client, inputs.adoptId, inputs);

  const startedAt = client.now();
  let created: CreatedProject;
  try {
    created = await client.projects.create(projectCreateBody(inputs), { waitForOperations: false });
  } catch (err) {
    if (!(err instanceof NeonAmbiguousWriteError)) throw err;
    return reconcileCreate(client, inputs, lostAnswer(client, startedAt, err));
  }

  // From here on the project exists: any failure must hand Pulumi its id.
  rememberDefaultBranch(client, created.project.id, created.branch);
  const connection = created.connection_uris[0]?.connection_parameters;
  const view: ProjectView = {
    project: created.project,
    defaultBranch: created.branch,
    defaultEndpoint: created.endpoints.find((e) => e.type === "read_write"),
    role: created.roles.find((r) => r.name === connection?.role) ?? created.roles[0],
    database: created.databases.find((d) => d.name === connection?.database) ?? created.databases[0],
    password: connection?.password,
  };
  try {
    await client.waitForOperations(created.operations);
  } catch (err) {
    const partial = { ...projectOutputs(view, undefined), [declaredKey]: declaredNames(inputs) };
    throw new ResourceInitFailure("Neon project", created.project.id, plainOutputs(partial), err);
  }
  // A new project is never restored at create (check refuses it; a replacement may still carry the
  // argument): record the live state, so the next `up` reports what is left to do.
  return { id: created.project.id, outs: plainOutputs(projectOutputs(view, { ...inputs, activeSnapshotId: undefined })) };
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
  // `check` sees only the old inputs; the old outputs know the live values even of arguments that
  // were not declared before. Refuse what Neon cannot do before changing anything.
  const refused = projectTransitionFailures(olds, news);
  if (refused.length > 0) throw new Error(refused.map((f) => `${f.property}: ${f.reason}`).join("; "));
  const client = neonClientForCall();
  try {
    await applyChanges(client, id, olds, news);
  } catch (err) {
    // Part of the change may have been made: record what is live now, so the next `up` does the rest.
    const live = await readView(client, id, viewHints(olds)).catch(() => undefined);
    const properties = live ? { ...projectOutputs(live, undefined), [declaredKey]: olds[declaredKey], ...adoptedMarker(olds) } : olds;
    throw new ResourceInitFailure("Neon project", id, properties, err, "update");
  }
  const view = await readView(client, id, { ...viewHints(olds), ...renamedTo(news) });
  return { outs: plainOutputs({ ...projectOutputs(view, news), ...adoptedMarker(olds) }) };
}

/** The database a successful update renamed the default database to. */
function renamedTo(news: NeonProjectInputs): Partial<ViewHints> {
  return news.defaultDatabaseName !== undefined ? { databaseName: news.defaultDatabaseName } : {};
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
  const body = projectUpdateBody(olds, news);
  const patch = () => updateStep(`updating the project's settings (${Object.keys(body!.project).join(", ")})`, () => client.projects.update(id, body!));
  const patchFirst = patchBeforeTransfer(olds, news);
  if (body && patchFirst) await patch();
  if (news.orgId !== undefined && olds.orgId !== undefined && news.orgId !== olds.orgId) {
    // A move between organizations, never a re-creation: ids, data and connection strings stay.
    await updateStep(`moving the project to organization ${news.orgId}`, () =>
      client.organizations.transferProjects(String(olds.orgId), { destination_org_id: news.orgId!, project_ids: [id] }),
    );
  }
  if (body && !patchFirst) await patch();

  if (body?.project.default_endpoint_settings && olds.defaultEndpointId) {
    // Users expect the default compute to follow its project's defaults (the other providers did not).
    await updateStep(`applying the default compute settings to ${String(olds.defaultEndpointId)}`, () =>
      client.endpoints.update(id, String(olds.defaultEndpointId), { endpoint: { ...body.project.default_endpoint_settings } }),
    );
  }
  // The restore comes before renames: it replaces the default branch (and its databases) by the
  // snapshot's, and a rename made before it would be made on the branch it supersedes.
  // Also when unchanged: an update after a half-done restore finishes removing the superseded branch.
  const restored =
    news.activeSnapshotId !== undefined
      ? await updateStep(`restoring the default branch from snapshot ${news.activeSnapshotId}`, () => restoreDefaultBranch(client, id, news.activeSnapshotId!, "activeSnapshotId"))
      : undefined;
  const renameBranch = news.defaultBranchName !== undefined && news.defaultBranchName !== olds.defaultBranchName;
  const renameDatabase = news.defaultDatabaseName !== undefined && olds.defaultDatabaseName !== undefined && news.defaultDatabaseName !== olds.defaultDatabaseName;
  if (!renameBranch && !renameDatabase) return;
  const branchId = (restored ?? (await currentDefaultBranch(client, id))).id;
  if (renameBranch) {
    await updateStep(`renaming the default branch to ${news.defaultBranchName}`, () => client.branches.update(id, branchId, { branch: { name: news.defaultBranchName } }));
  }
  if (renameDatabase) {
    await updateStep(`renaming the default database to ${news.defaultDatabaseName}`, () =>
      client.databases.update(id, branchId, String(olds.defaultDatabaseName), { database: { name: news.defaultDatabaseName } }),
    );
  }
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
 * The project as Neon has it now: four GETs (project, branches, the default branch's computes and
 * databases), so refreshing a fleet stays well inside Neon's rate limit. The password never comes
 * from a GET: it is the one from create (or reveal_password when adopting).
 */
async function readView(client: NeonClient, id: string, hints: ViewHints): Promise<ProjectView> {
  const { project } = await client.projects.get(id);
  // Listed, not remembered: the view reports the branch's name and the like, which this process
  // may just have changed (a rename); the remembered branch is trusted for its id only.
  const defaultBranch = await currentDefaultBranch(client, id);
  const { endpoints } = await client.branches.listEndpoints(id, defaultBranch.id);
  const { databases } = await client.databases.list(id, defaultBranch.id);
  // The database the outputs describe: the known one if it still exists (a rename outside Pulumi
  // shows as drift), else the one the known role owns, else the first.
  const database =
    databases.find((d) => d.name === hints.databaseName) ?? databases.find((d) => d.owner_name === hints.roleName) ?? databases[0];
  const roleName = hints.roleName ?? database?.owner_name;
  return {
    project,
    defaultBranch,
    defaultEndpoint: endpoints.find((e) => e.type === "read_write"),
    role: roleName ? { branch_id: defaultBranch.id, name: roleName, created_at: project.created_at, updated_at: project.updated_at } : undefined,
    database,
    password: hints.password,
  };
}

/**
 * Takes over an existing project: reads it, learns its owner role and password, then applies the
 * declared settings. Once the project is known, any failure hands Pulumi its id (with the adopted
 * marker), so nothing is orphaned and a retry does not create another one.
 */
async function adopt(client: NeonClient, projectId: string, inputs: NeonProjectInputs, how: { reconciled?: boolean } = {}) {
  // A project found after an ambiguous create is ours (deleted with the stack); an adopted one is not.
  const marker = how.reconciled ? {} : { adoptId: projectId };
  const known = { projectId, [declaredKey]: declaredNames(inputs), ...marker };
  let before: Record<string, unknown> = known;
  try {
    const branch = await currentDefaultBranch(client, projectId);
    const { databases } = await client.databases.list(projectId, branch.id);
    const database = databases.find((d) => d.name === inputs.defaultDatabaseName) ?? databases[0];
    const roleName = inputs.defaultRoleName ?? database?.owner_name;
    let password: string | undefined;
    if (roleName) {
      try {
        password = (await client.roles.revealPassword(projectId, branch.id, roleName)).password;
      } catch (err) {
        // 412: the project does not store passwords; the connection URI outputs stay unset.
        if (!(err instanceof NeonPreconditionFailedError)) throw err;
      }
    }
    const hints = { roleName, databaseName: database?.name, password };
    before = { ...projectOutputs(await readView(client, projectId, hints), undefined), ...known };
    const mismatches = adoptionMismatches(before, inputs);
    if (mismatches.length > 0) throw new Error(`cannot adopt project ${projectId}: ${mismatches.join("; ")}`);
    const refused = projectTransitionFailures(before, inputs);
    if (refused.length > 0) throw new Error(refused.map((f) => `${f.property}: ${f.reason}`).join("; "));
    await applyChanges(client, projectId, before, inputs);
    const view = await readView(client, projectId, { ...hints, ...renamedTo(inputs) });
    const { adoptId: _createOnly, ...declared } = inputs;
    return { id: projectId, outs: plainOutputs({ ...projectOutputs(view, declared), ...marker }) };
  } catch (err) {
    throw new ResourceInitFailure("Neon project", projectId, plainOutputs(before), err, how.reconciled ? "create" : "adopt");
  }
}

/** What adoption cannot change: a project in another region or on another Postgres version is another project. */
function adoptionMismatches(live: Record<string, unknown>, inputs: NeonProjectInputs): string[] {
  const problems: string[] = [];
  if (inputs.regionId !== undefined && inputs.regionId !== live.regionId) problems.push(`it is in region ${live.regionId}, not ${inputs.regionId}`);
  if (inputs.pgVersion !== undefined && inputs.pgVersion !== live.pgVersion) problems.push(`it runs Postgres ${live.pgVersion}, not ${inputs.pgVersion}`);
  return problems;
}

/**
 * After an update that was creating the project was interrupted (the state keeps a pending create):
 * the project it made, taken on as ours with the outputs of a create; undefined when Neon has none
 * (or the create was an adoption, which made nothing).
 */
export async function recoverCreate(client: NeonClient, inputs: NeonProjectInputs, outcome: UnknownOutcome) {
  if (inputs.adoptId) return undefined;
  return recovered(outcome, () => reconcileCreate(client, inputs, outcome));
}

/**
 * The create's outcome is unknown: Neon may have made the project. It is found by name (a name is
 * needed to find it at all), claimed only under the ownership rule, and its operations are awaited
 * before it is taken on as ours (deleted with the stack, not released).
 */
async function reconcileCreate(client: NeonClient, inputs: NeonProjectInputs, outcome: UnknownOutcome) {
  const err = outcome.cause;
  if (!inputs.name) {
    throw new Error(
      `Creating a project may or may not have succeeded (${err.message}). Without a \`name\` the project cannot be found again safely, ` +
        "so it was not created again: look for a new project in the organization and adopt it (`adoptId`) or delete it, then run `pulumi up` again.",
      { cause: err },
    );
  }
  const candidates: Candidate[] = [];
  for await (const p of client.projects.iterate({ search: inputs.name, ...(inputs.orgId ? { org_id: inputs.orgId } : {}) })) {
    if (p.name === inputs.name) candidates.push({ id: p.id, createdAt: p.created_at });
  }
  const ours = claimedIdOrThrow(claimUnder(outcome, "project", inputs.name, candidates), err);
  try {
    await waitForObjectOperations(client, ours, () => true);
  } catch (cause) {
    throw new ResourceInitFailure("Neon project", ours, { projectId: ours, [declaredKey]: declaredNames(inputs) }, cause);
  }
  return adopt(client, ours, inputs, { reconciled: true });
}
