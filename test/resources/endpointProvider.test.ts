import assert from "node:assert/strict";
import type { Exchange, NeonLocal } from "../../emulator";
import * as branch from "../../provider/resources/branch/lifecycle";
import * as endpoint from "../../provider/resources/endpoint/lifecycle";
import {
  checkAndCreate,
  createProjectThroughProvider,
  sentSince,
  settledCall,
  useNeonForProviderTests,
} from "../support/providerContext";

type Outs = Record<string, any>;

describe("Endpoint provider against the local Neon API", () => {
  let neon: NeonLocal;
  const exchanges: Exchange[] = [];
  useNeonForProviderTests({ onExchange: (e) => exchanges.push(e) }, (started) => (neon = started));

  /** A fresh project (operations finished) with its default branch and compute. */
  async function newProject(name: string): Promise<{ projectId: string; defaultBranchId: string; defaultEndpointId: string }> {
    const { id, outs } = await createProjectThroughProvider(name);
    return { projectId: id, defaultBranchId: String(outs.defaultBranchId), defaultEndpointId: String(outs.defaultEndpointId) };
  }

  /** A branch without a compute (Neon creates none unless asked). */
  async function newBranch(projectId: string, name: string): Promise<string> {
    return (await branch.create({ projectId, name } as never)).id;
  }

  async function createEndpoint(inputs: Record<string, unknown>) {
    const created = await checkAndCreate(endpoint, inputs);
    return { id: created.id, outs: created.outs as Outs };
  }

  const writesSince = (mark: number) => sentSince(exchanges, mark).filter((e) => e.method !== "GET");

  const liveEndpoint = (projectId: string, id: string) => neon.state().projects[projectId].endpoints[id];

  it("creates, reads, updates in place (never touching the branch), reads again and deletes", async () => {
    const { projectId } = await newProject("endpoint-crud");
    const branchId = await newBranch(projectId, "feature");
    const branchBefore = { ...neon.state().projects[projectId].branches[branchId].branch };
    const inputs = { projectId, branchId, autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300, pgSettings: { work_mem: "8MB" } };
    const mark = exchanges.length;
    const { id, outs } = await createEndpoint(inputs);

    assert.deepEqual(
      writesSince(mark).map((e) => [`${e.method} ${e.route}`, e.body]),
      [
        [
          "POST /projects/{project_id}/endpoints",
          {
            endpoint: {
              branch_id: branchId,
              type: "read_write",
              autoscaling_limit_min_cu: 0.25,
              autoscaling_limit_max_cu: 1,
              suspend_timeout_seconds: 300,
              settings: { pg_settings: { work_mem: "8MB" } },
            },
          },
        ],
      ],
    );
    const live = liveEndpoint(projectId, id);
    assert.equal(live.branch_id, branchId);
    assert.equal(outs.endpointId, id);
    assert.equal(outs.host, live.host);
    assert.equal(outs.poolerHost, live.host.replace(/^(ep-[^.]+)\./, "$1-pooler."));
    assert.equal(outs.branchId, branchId);
    assert.equal(outs.type, "read_write");
    assert.equal(outs.currentState, "active", "create returns after its operations finished");
    assert.match(outs.proxyHost, /neon\.tech$/);
    assert.deepEqual(outs.__declared, ["autoscalingLimitMaxCu", "autoscalingLimitMinCu", "branchId", "pgSettings", "projectId", "suspendTimeoutSeconds"]);
    for (const [k, v] of Object.entries(outs)) assert.notEqual(v, undefined, `output ${k} is undefined`);

    // A second `up` with the same inputs shows no changes, before and after a refresh.
    assert.equal((await endpoint.diff(id, outs, inputs)).changes, false);
    const read1 = (await endpoint.read(id, outs)) as { props: Outs; inputs: Outs };
    assert.deepEqual(read1.inputs, inputs);
    assert.equal((await endpoint.diff(id, read1.props, inputs)).changes, false);

    const news = { ...inputs, autoscalingLimitMaxCu: 4, pgSettings: { work_mem: "16MB", statement_timeout: "30s" } };
    const d = await endpoint.diff(id, read1.props, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const mark2 = exchanges.length;
    const updated = (await endpoint.update(id, read1.props, news as never)).outs as Outs;
    assert.deepEqual(writesSince(mark2).map((e) => [`${e.method} ${e.route}`, e.body]), [
      [
        "PATCH /projects/{project_id}/endpoints/{endpoint_id}",
        { endpoint: { autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 4, settings: { pg_settings: { work_mem: "16MB", statement_timeout: "30s" } } } },
      ],
    ]);
    assert.equal(liveEndpoint(projectId, id).autoscaling_limit_max_cu, 4);
    assert.equal(updated.endpointId, id);
    assert.equal(updated.host, outs.host, "same compute, same host");
    assert.deepEqual(neon.state().projects[projectId].branches[branchId].branch, branchBefore, "the branch is untouched by compute updates");
    assert.equal((await endpoint.diff(id, updated, news)).changes, false);

    const read2 = (await endpoint.read(id, updated)) as { props: Outs; inputs: Outs };
    assert.deepEqual(read2.props.pgSettings, { work_mem: "16MB", statement_timeout: "30s" });

    await endpoint.del(id, read2.props);
    assert.equal(liveEndpoint(projectId, id), undefined);
    await endpoint.del(id, read2.props); // already gone: Neon answers 204, still fine
  });

  it("puts a compute on the project's default branch when no branch is given", async () => {
    const { projectId, defaultBranchId } = await newProject("endpoint-default-branch");
    const inputs = { projectId, type: "read_only" };
    const mark = exchanges.length;
    const replica = await createEndpoint(inputs);
    assert.equal((writesSince(mark)[0].body as any).endpoint.branch_id, defaultBranchId);
    assert.equal(replica.outs.branchId, defaultBranchId);
    assert.equal(liveEndpoint(projectId, replica.id).type, "read_only");
    assert.equal((await endpoint.diff(replica.id, replica.outs, inputs)).changes, false);
  });

  it("read of a compute deleted outside Pulumi reports it gone", async () => {
    const { projectId } = await newProject("endpoint-gone");
    const { id, outs } = await createEndpoint({ projectId, type: "read_only" });
    await settledCall(neon, "DELETE", `/projects/${projectId}/endpoints/${id}`);
    assert.deepEqual(await endpoint.read(id, outs), {});
  });

  it("replaces only for project, branch and type; sizes, timeouts and settings are updates", async () => {
    const { projectId } = await newProject("endpoint-replace");
    const branchId = await newBranch(projectId, "b1");
    const inputs = { projectId, branchId, autoscalingLimitMaxCu: 1 };
    const { id, outs } = await createEndpoint(inputs);
    for (const [field, value] of [["branchId", "br-other-00000001"], ["type", "read_only"], ["projectId", "other-project-1"]] as const) {
      const d = await endpoint.diff(id, outs, { ...inputs, [field]: value });
      assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, [field], false], field);
    }
    for (const [field, value] of [
      ["autoscalingLimitMinCu", 0.5],
      ["autoscalingLimitMaxCu", 2],
      ["suspendTimeoutSeconds", -1],
      ["pgSettings", { work_mem: "1MB" }],
      ["provisioner", "k8s-pod"],
      ["disabled", true],
      ["poolerMode", "transaction"],
    ] as const) {
      const d = await endpoint.diff(id, outs, { ...inputs, [field]: value });
      assert.deepEqual(d.replaces, [], field);
    }
  });

  it("adopts the default compute (adoptDefault), manages its autoscaling, survives a snapshot restore and is released on delete", async () => {
    const { projectId, defaultBranchId, defaultEndpointId } = await newProject("endpoint-adopt-default");
    const inputs = { projectId, adoptDefault: true, autoscalingLimitMaxCu: 4, suspendTimeoutSeconds: -1 };
    const mark = exchanges.length;
    const adopted = await createEndpoint(inputs);
    assert.equal(adopted.id, defaultEndpointId);
    assert.deepEqual(writesSince(mark).map((e) => [`${e.method} ${e.route}`, e.body]), [
      ["PATCH /projects/{project_id}/endpoints/{endpoint_id}", { endpoint: { autoscaling_limit_max_cu: 4, suspend_timeout_seconds: -1 } }],
    ]);
    assert.equal(liveEndpoint(projectId, defaultEndpointId).autoscaling_limit_max_cu, 4);
    assert.equal(adopted.outs.branchId, defaultBranchId);
    assert.equal((await endpoint.diff(adopted.id, adopted.outs, inputs)).changes, false);

    // Restoring the default branch from a snapshot moves the compute to the restored branch.
    const snap = (await settledCall(neon, "POST", `/projects/${projectId}/branches/${defaultBranchId}/snapshot?name=s1`)).body.snapshot;
    const restore = await settledCall(neon, "POST", `/projects/${projectId}/snapshots/${snap.id}/restore`, { target_branch_id: defaultBranchId, finalize_restore: true });
    assert.equal(restore.status, 200);
    const refreshed = ((await endpoint.read(adopted.id, adopted.outs)) as { props: Outs }).props;
    assert.equal(refreshed.branchId, restore.body.branch.id, "the live branch is reported");
    assert.equal(refreshed.endpointId, defaultEndpointId);
    assert.equal((await endpoint.diff(adopted.id, refreshed, inputs)).changes, false, "nothing to replace or update after the restore");

    const mark2 = exchanges.length;
    await endpoint.del(adopted.id, refreshed);
    assert.deepEqual(sentSince(exchanges, mark2), [], "releasing sends nothing to Neon");
    assert.ok(liveEndpoint(projectId, defaultEndpointId), "the default compute still exists");
  });

  it("adopts a compute by id, keeps the settings it does not manage, and stays adopted when adoptId is dropped", async () => {
    const { projectId } = await newProject("endpoint-adopt-id");
    const branchId = await newBranch(projectId, "b-adopt");
    const existing = (await settledCall(neon, "POST", `/projects/${projectId}/endpoints`, {
      endpoint: { branch_id: branchId, type: "read_write", settings: { pgbouncer_settings: { max_client_conn: "300" } } },
    })).body.endpoint;

    await assert.rejects(endpoint.create({ projectId, adoptId: existing.id, type: "read_only" } as never), /type: the compute to adopt \(ep-[a-z0-9-]+\) is read_write, not read_only/);
    await assert.rejects(endpoint.create({ projectId, adoptId: "ep-missing-000000" } as never), /adoptId: compute ep-missing-000000 does not exist in project/);

    const inputs = { projectId, adoptId: existing.id, pgSettings: { work_mem: "4MB" } };
    const adopted = await createEndpoint(inputs);
    assert.deepEqual(liveEndpoint(projectId, existing.id).settings, { pgbouncer_settings: { max_client_conn: "300" }, pg_settings: { work_mem: "4MB" } });
    assert.equal((await endpoint.diff(adopted.id, adopted.outs, inputs)).changes, false);

    const updated = (await endpoint.update(adopted.id, adopted.outs, { projectId, pgSettings: { work_mem: "4MB" } } as never)).outs as Outs;
    assert.equal(updated.adoptId, existing.id, "once adopted, always released");
    await endpoint.del(adopted.id, updated);
    assert.ok(liveEndpoint(projectId, existing.id), "released, not deleted");
  });

  it("records an adopted compute as adopted even when applying its settings fails", async () => {
    const { projectId, defaultEndpointId } = await newProject("endpoint-adopt-fail");
    neon.faults.add({ match: { method: "PATCH", path: "/projects/{project_id}/endpoints/{endpoint_id}" }, action: { kind: "status", status: 500 } });
    await assert.rejects(createEndpoint({ projectId, adoptDefault: true, autoscalingLimitMaxCu: 4 }), (err: any) => {
      assert.equal(err.name, "ResourceInitFailure");
      assert.equal(err.id, defaultEndpointId);
      assert.equal(err.properties.adoptDefault, true, "so that deleting the resource releases the compute");
      return true;
    });
  });

  it("explains Neon's refusal of a second read-write compute on a branch", async () => {
    const { projectId, defaultEndpointId } = await newProject("endpoint-rw-unique");
    await assert.rejects(
      createEndpoint({ projectId }),
      new RegExp(`branch br-[a-z0-9-]+ already has a read-write compute \\(${defaultEndpointId}\\).*adoptId: "${defaultEndpointId}".*adoptDefault: true.*type: "read_only"`),
    );
    assert.equal(Object.keys(neon.state().projects[projectId].endpoints).length, 1);
  });

  it("after a create whose response was lost, finds the compute on its branch instead of creating a second one", async () => {
    const { projectId } = await newProject("endpoint-ambiguous");
    const branchId = await newBranch(projectId, "b-amb");
    neon.faults.add({ match: { method: "POST", path: "/projects/{project_id}/endpoints" }, action: { kind: "commit_then_drop" } });
    const inputs = { projectId, branchId, autoscalingLimitMaxCu: 1 };
    const created = await createEndpoint(inputs);
    const onBranch = Object.values(neon.state().projects[projectId].endpoints).filter((e) => e.branch_id === branchId);
    assert.deepEqual(onBranch.map((e) => e.id), [created.id], "exactly one compute exists, and it is the resource's");
    assert.equal(neon.requestLog.filter((r) => r.method === "POST" && r.route === "/projects/{project_id}/endpoints" && r.path.includes(projectId)).length, 1, "never posted twice");
    assert.equal(created.outs.adoptId, undefined, "a reconciled compute is owned by the stack");
    assert.equal((await endpoint.diff(created.id, created.outs, inputs)).changes, false);
  });

  it("hands Pulumi the id when the compute was created but its operations failed", async () => {
    const { projectId } = await newProject("endpoint-init-failure");
    neon.faults.failNextOperations(projectId, { status: "failed" });
    await assert.rejects(createEndpoint({ projectId, type: "read_only" }), (err: any) => {
      assert.equal(err.name, "ResourceInitFailure");
      assert.ok(liveEndpoint(projectId, err.id), "the compute exists in Neon and Pulumi gets its id");
      assert.equal(err.properties.endpointId, err.id);
      assert.match(err.message, /Neon compute endpoint ep-[a-z0-9-]+ was created, but finishing it failed/);
      return true;
    });
  });
});
