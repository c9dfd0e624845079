import assert from "node:assert/strict";
import type { Exchange, NeonLocal } from "../../emulator";
import * as auth from "../../provider/resources/authIntegration/lifecycle";
import { authIntegrationDiff, authIntegrationSecretOutputs } from "../../provider/resources/authIntegration/logic";
import { call } from "../support/neonLocal";
import {
  checkAndCreate,
  createProjectThroughProvider,
  useNeonForProviderTests,
  withoutRetries,
} from "../support/providerContext";

const githubSecret = "gh-secret-RECOGNISABLE-0001";
const rotatedSecret = "gh-secret-RECOGNISABLE-0002";

/** Every value of a secret output, and every client secret we declared: none may appear elsewhere. */
function secretsIn(outs: Record<string, any>): string[] {
  const values = [outs.pubClientKey, outs.secretServerKey, githubSecret, rotatedSecret].filter((v) => typeof v === "string");
  assert.ok(values.length >= 2);
  return values;
}

function assertSecretsOnlyInSecretOutputs(outs: Record<string, any>): void {
  for (const [name, value] of Object.entries(outs)) {
    if ((authIntegrationSecretOutputs as readonly string[]).includes(name)) continue;
    const text = JSON.stringify(value);
    for (const secret of secretsIn(outs)) assert.ok(!text.includes(secret), `non-secret output ${name} holds a secret`);
  }
}

describe("AuthIntegration provider against the local Neon API", () => {
  let neon: NeonLocal;
  const exchanges: Exchange[] = [];
  useNeonForProviderTests({ onExchange: (e) => exchanges.push(e) }, (started) => (neon = started));

  const createAuth = (inputs: Record<string, unknown>) => checkAndCreate(auth, inputs);

  const mark = () => {
    const from = exchanges.length;
    return () => exchanges.slice(from).map((e) => ({ method: e.method, route: e.route?.replace("/projects/{project_id}/branches/{branch_id}/auth", "auth"), path: e.path, status: e.status, body: e.requestBody }));
  };
  const authRecord = (projectId: string, branchId: string) => neon.state().projects[projectId].branches[branchId].auth;

  it("enables on the default branch, reads (keys survive), updates providers and domains in place, reads again and disables", async () => {
    const p = await createProjectThroughProvider("auth-crud");
    const inputs = {
      projectId: p.id,
      oauthProviders: [{ id: "google" }, { id: "github", clientId: "gh-client", clientSecret: githubSecret }],
      trustedDomains: ["https://app.example.com", "https://admin.example.com"],
      allowLocalhost: true,
    };
    const sent = mark();
    const created = await createAuth(inputs);
    const outs = created.outs as Record<string, any>;
    assert.equal(created.id, `${p.id}/default`);
    assert.deepEqual(
      sent().filter((e) => e.method !== "GET").map((e) => [e.method, e.route, e.body]),
      [
        ["POST", "auth", { auth_provider: "better_auth" }],
        ["PATCH", "auth/allow_localhost", { allow_localhost: true }],
        ["POST", "auth/oauth_providers", { id: "google" }],
        ["POST", "auth/oauth_providers", { id: "github", client_id: "gh-client", client_secret: githubSecret }],
        ["POST", "auth/domains", { domain: "https://app.example.com", auth_provider: "better_auth" }],
        ["POST", "auth/domains", { domain: "https://admin.example.com", auth_provider: "better_auth" }],
      ],
    );
    const live = authRecord(p.id, p.outs.defaultBranchId)!;
    assert.equal(live.allow_localhost, true);
    assert.deepEqual(live.oauth_providers.map((o) => [o.id, o.type]), [["google", "shared"], ["github", "standard"]]);
    assert.match(outs.pubClientKey, /^pck_[0-9a-f]+$/);
    assert.match(outs.secretServerKey, /^ssk_[0-9a-f]+$/);
    assert.equal(outs.branchId, p.outs.defaultBranchId);
    assert.equal(outs.databaseName, "neondb");
    assert.equal(outs.jwksUrl, live.jwks_url);
    assert.deepEqual([outs.schemaName, outs.tableName, outs.deleteDataOnDestroy], ["neon_auth", "users_sync", false]);
    assert.deepEqual(outs.__declared, ["allowLocalhost", "oauthProviders", "projectId", "trustedDomains"]);
    for (const [k, v] of Object.entries(outs)) assert.notEqual(v, undefined, `output ${k} is undefined`);
    assertSecretsOnlyInSecretOutputs(outs);

    // Second `up`: no changes; refresh: the one-time keys and the client secret survive (Neon's GET has neither).
    assert.equal((await auth.diff(created.id, outs, inputs)).changes, false);
    const read1 = (await auth.read(created.id, outs)) as any;
    assert.equal(read1.props.pubClientKey, outs.pubClientKey);
    assert.equal(read1.props.secretServerKey, outs.secretServerKey);
    assert.deepEqual(read1.inputs.oauthProviders, inputs.oauthProviders);
    assert.deepEqual([...read1.inputs.trustedDomains].sort(), [...inputs.trustedDomains].sort());
    assert.equal(read1.inputs.branchId, undefined, "an undeclared branch is not turned into an input");
    assert.equal((await auth.diff(created.id, read1.props, inputs)).changes, false);
    assertSecretsOnlyInSecretOutputs(read1.props);

    const news = {
      projectId: p.id,
      oauthProviders: [{ id: "github", clientId: "gh-client", clientSecret: rotatedSecret }, { id: "vercel" }],
      trustedDomains: ["https://app.example.com", "https://new.example.com"],
      allowLocalhost: true,
      deleteDataOnDestroy: true,
    };
    const d = await auth.diff(created.id, read1.props, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const sentUpdate = mark();
    const updated = (await auth.update(created.id, read1.props, news as never)).outs as Record<string, any>;
    assert.deepEqual(
      sentUpdate().filter((e) => e.method !== "GET").map((e) => [e.method, e.route, e.body]),
      [
        ["DELETE", "auth/oauth_providers/{oauth_provider_id}", undefined],
        ["POST", "auth/oauth_providers", { id: "vercel" }],
        ["PATCH", "auth/oauth_providers/{oauth_provider_id}", { client_secret: rotatedSecret }],
        ["POST", "auth/domains", { domain: "https://new.example.com", auth_provider: "better_auth" }],
        ["DELETE", "auth/domains", { auth_provider: "better_auth", domains: [{ domain: "https://admin.example.com" }] }],
      ],
    );
    assert.ok(sentUpdate().some((e) => e.path.endsWith("/oauth_providers/google") && e.method === "DELETE"));
    const after = authRecord(p.id, p.outs.defaultBranchId)!;
    assert.deepEqual(after.oauth_providers.map((o) => o.id).sort(), ["github", "vercel"]);
    assert.equal(after.oauth_providers.find((o) => o.id === "github")!.client_secret, rotatedSecret);
    assert.deepEqual(after.domains.map((x) => x.domain).sort(), ["https://app.example.com", "https://new.example.com"]);
    assert.equal(updated.pubClientKey, outs.pubClientKey, "keys carried over the update");
    assert.equal(updated.deleteDataOnDestroy, true);
    assertSecretsOnlyInSecretOutputs(updated);

    const read2 = (await auth.read(created.id, updated)) as any;
    assert.equal(read2.props.secretServerKey, outs.secretServerKey);
    assert.equal((await auth.diff(created.id, read2.props, news)).changes, false);

    const sentDelete = mark();
    await auth.del(created.id, read2.props);
    assert.deepEqual(sentDelete().filter((e) => e.method === "DELETE").map((e) => [e.route, e.body]), [["auth", { delete_data: true }]]);
    assert.equal(authRecord(p.id, p.outs.defaultBranchId), undefined);
    await auth.del(created.id, read2.props); // already disabled: still fine
  });

  it("disables without dropping the users' data unless deleteDataOnDestroy is set", async () => {
    const p = await createProjectThroughProvider("auth-keep-data");
    const created = await createAuth({ projectId: p.id });
    const sent = mark();
    await auth.del(created.id, created.outs as never);
    assert.deepEqual(sent().filter((e) => e.method === "DELETE").map((e) => e.body), [{}]);
  });

  it("replaces (disabling first) for a new auth provider, database, declared branch or project; updates the rest", async () => {
    const p = await createProjectThroughProvider("auth-replace-keys");
    const inputs = { projectId: p.id, trustedDomains: ["https://app.example.com"] };
    const outs = (await createAuth(inputs)).outs as Record<string, any>;
    const expect = async (news: Record<string, unknown>, replaces: string[]) => {
      const d = await auth.diff(`${p.id}/default`, outs, { ...inputs, ...news });
      assert.deepEqual([d.changes, d.replaces], [true, replaces], JSON.stringify(news));
      assert.equal(d.deleteBeforeReplace, true, "one integration per branch");
    };
    await expect({ authProvider: "stack" }, ["authProvider"]);
    await expect({ databaseName: "other" }, ["databaseName"]);
    await expect({ branchId: "br-other-1" }, ["branchId"]);
    await expect({ projectId: "other-project-1" }, ["projectId"]);
    await expect({ trustedDomains: ["https://b.example.com"] }, []);
    await expect({ allowLocalhost: true }, []);
    await expect({ oauthProviders: [{ id: "google" }] }, []);
    await expect({ deleteDataOnDestroy: true }, []);
    assert.equal((await auth.diff(`${p.id}/default`, outs, { ...inputs, authProvider: "better_auth", databaseName: "neondb", branchId: p.outs.defaultBranchId })).changes, false);
  });

  it("read of an integration disabled outside Pulumi, or of a deleted project, reports it gone", async () => {
    const p = await createProjectThroughProvider("auth-gone");
    const created = await createAuth({ projectId: p.id });
    await call(neon, "DELETE", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/auth`, {});
    assert.deepEqual(await auth.read(created.id, created.outs as never), {});
    const again = await createAuth({ projectId: p.id });
    await call(neon, "DELETE", `/projects/${p.id}`);
    assert.deepEqual(await auth.read(again.id, again.outs as never), {});
  });

  it("refuses to enable over an existing integration, saying since when and how to adopt it, changing nothing", async () => {
    const p = await createProjectThroughProvider("auth-exists");
    await call(neon, "POST", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/auth`, { auth_provider: "better_auth" });
    const before = structuredClone(authRecord(p.id, p.outs.defaultBranchId));
    const sent = mark();
    await assert.rejects(createAuth({ projectId: p.id }), /Neon Auth is already enabled on branch br-[a-z0-9-]+ of project .*, since .* Set adoptExisting: true/);
    // Neon refuses the POST (409); the look says since when.
    assert.deepEqual(sent().filter((e) => e.route === "auth").map((e) => [e.method, e.status]), [["POST", 409], ["GET", 200]]);
    assert.deepEqual(authRecord(p.id, p.outs.defaultBranchId), before);
  });

  it("adopts an existing integration (without keys), applies the declared domains, and releases it on delete", async () => {
    const p = await createProjectThroughProvider("auth-adopt");
    await call(neon, "POST", `/projects/${p.id}/branches/${p.outs.defaultBranchId}/auth`, { auth_provider: "better_auth" });
    const sent = mark();
    const adopted = await createAuth({ projectId: p.id, adoptExisting: true, trustedDomains: ["https://app.example.com"] });
    const outs = adopted.outs as Record<string, any>;
    assert.deepEqual(sent().filter((e) => e.method === "POST").map((e) => e.route), ["auth/domains"], "Neon Auth was not enabled again");
    assert.equal(outs.adoptExisting, true);
    assert.equal(outs.pubClientKey, undefined, "Neon returns keys only when enabling");
    assert.deepEqual(authRecord(p.id, p.outs.defaultBranchId)!.domains.map((x) => x.domain), ["https://app.example.com"]);
    await auth.del(adopted.id, outs);
    assert.ok(authRecord(p.id, p.outs.defaultBranchId), "an adopted integration is released, not disabled");
    await assert.rejects(createAuth({ projectId: (await createProjectThroughProvider("auth-adopt-none")).id, adoptExisting: true }), /adoptExisting: Neon Auth is not enabled/);
  });

  it("enables on a declared branch, with its id in the Pulumi id", async () => {
    const p = await createProjectThroughProvider("auth-declared-branch");
    const dev = (await call(neon, "POST", `/projects/${p.id}/branches`, { branch: { name: "dev" }, endpoints: [{ type: "read_write" }] })).body.branch;
    await new Promise((r) => setTimeout(r, 30));
    const created = await createAuth({ projectId: p.id, branchId: dev.id, authProvider: "mock" });
    assert.equal(created.id, `${p.id}/${dev.id}`);
    assert.equal(authRecord(p.id, dev.id)!.auth_provider, "mock");
    assert.equal(authRecord(p.id, p.outs.defaultBranchId), undefined);
    const read = (await auth.read(created.id, created.outs as never)) as any;
    assert.equal(read.inputs.branchId, dev.id);
  });

  it("after an enable whose response (with the keys) was lost, re-enables to obtain keys instead of leaving a keyless integration", async () => {
    const p = await createProjectThroughProvider("auth-ambiguous");
    neon.faults.add({ match: { operationId: "createNeonAuth" }, action: { kind: "commit_then_drop" } });
    const sent = mark();
    const created = await createAuth({ projectId: p.id });
    assert.deepEqual(
      sent().filter((e) => e.route === "auth").map((e) => [e.method, e.status]),
      // The lost POST, the look (created since the request began: ours), disable, enable again, then the read for the outputs.
      [["POST", 201], ["GET", 200], ["DELETE", 200], ["POST", 201], ["GET", 200]],
    );
    assert.match((created.outs as any).secretServerKey, /^ssk_/);
    assert.ok(authRecord(p.id, p.outs.defaultBranchId), "exactly one integration is enabled");
  });

  it("hands Pulumi the id and the one-time keys when a follow-up fails, never putting a secret in the message; the next up finishes", async () => {
    const p = await createProjectThroughProvider("auth-init-failure");
    neon.faults.add({ match: { operationId: "addBranchNeonAuthTrustedDomain" }, action: { kind: "status", status: 500, message: "injected" } });
    const inputs = { projectId: p.id, oauthProviders: [{ id: "github", clientId: "gh-client", clientSecret: githubSecret }], trustedDomains: ["https://app.example.com"] };
    let failure: any;
    await assert.rejects(createAuth(inputs), (err: any) => {
      failure = err;
      assert.equal(err.name, "ResourceInitFailure");
      assert.equal(err.id, `${p.id}/default`);
      assert.match(err.properties.pubClientKey, /^pck_/);
      assert.match(err.properties.secretServerKey, /^ssk_/);
      assert.match(err.message, /Neon Auth integration .* was created, but finishing it failed/);
      for (const secret of [err.properties.pubClientKey, err.properties.secretServerKey, githubSecret]) {
        assert.ok(!err.message.includes(secret) && !err.reasons.join(" ").includes(secret), "no secret in the error");
      }
      assertSecretsOnlyInSecretOutputs(err.properties);
      return true;
    });
    assert.ok(authRecord(p.id, p.outs.defaultBranchId), "Neon Auth stays enabled and recorded");
    assert.deepEqual(failure.properties.trustedDomains, [], "the properties say what is live, so the next up adds the domain");

    assert.deepEqual(authIntegrationDiff(failure.properties, inputs).changed, ["trustedDomains"]);
    const d = await auth.diff(failure.id, failure.properties, inputs);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const sent = mark();
    const finished = (await auth.update(failure.id, failure.properties, inputs as never)).outs as Record<string, any>;
    assert.deepEqual(sent().filter((e) => e.method !== "GET").map((e) => e.route), ["auth/domains"], "only the missing domain is added");
    assert.equal(finished.pubClientKey, failure.properties.pubClientKey);
    assert.equal((await auth.diff(failure.id, finished, inputs)).changes, false);
  });

  it("records what is live when an update fails half-way, with the client secret that was set", async () => {
    const p = await createProjectThroughProvider("auth-update-failure");
    const inputs = { projectId: p.id, oauthProviders: [{ id: "google" }] };
    const created = await createAuth(inputs);
    // The provider is added, then the domain fails; retries are off so the injected 503 is final.
    await withoutRetries(neon, async () => {
      neon.faults.add({ match: { operationId: "addBranchNeonAuthTrustedDomain" }, action: { kind: "status", status: 503 } });
      const news = { ...inputs, oauthProviders: [{ id: "google" }, { id: "github", clientId: "gh-client", clientSecret: githubSecret }], trustedDomains: ["https://x.example.com"] };
      await assert.rejects(auth.update(created.id, created.outs as never, news as never), (err: any) => {
        assert.equal(err.id, created.id);
        assert.deepEqual(err.properties.oauthProviders, [{ id: "google" }, { id: "github", clientId: "gh-client", clientSecret: githubSecret }]);
        assert.equal(err.properties.pubClientKey, (created.outs as any).pubClientKey);
        assert.ok(!err.message.includes(githubSecret));
        // The provider is recorded with the secret that was set: only the domain is left to do.
        assert.deepEqual(authIntegrationDiff(err.properties, news).changed, ["trustedDomains"]);
        return true;
      });
    });
  });
});
