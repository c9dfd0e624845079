import assert from "node:assert/strict";
import type { Exchange, NeonLocal } from "../../emulator";
import type { NeonClient } from "../../provider/client";
import * as auth from "../../provider/resources/authIntegration/lifecycle";
import { branchScopeChanged, branchScopedId, currentDefaultBranch, forgetDefaultBranch, knownDefaultBranch, withBranchScope } from "../../provider/resources/common/branchScope";
import { neonClientForCall } from "../../provider/resources/common/providerConfig";
import * as dataApi from "../../provider/resources/dataApi/lifecycle";
import * as project from "../../provider/resources/project/lifecycle";
import { checkAndCreate, createProjectThroughProvider, useNeonForProviderTests } from "../support/providerContext";
import { unknownValue } from "../../provider/resources/common/unknown";

describe("branch scope of branch-scoped resources (Neon Auth, Data API)", () => {
  const onDefault = branchScopedId("p-1", undefined, "neondb");
  const onStaging = branchScopedId("p-1", "br-staging-1", "neondb");

  it("records the default branch as `default` in the id, so restores do not change it", () => {
    assert.equal(onDefault, "p-1/default/neondb");
    assert.equal(onStaging, "p-1/br-staging-1/neondb");
  });

  it("sees no change while the program asks for the branch the resource was created on", () => {
    assert.equal(branchScopeChanged(onDefault, {}, { branchId: "br-main-1" }), false);
    assert.equal(branchScopeChanged(onStaging, { branchId: "br-staging-1" }, { branchId: "br-staging-1" }), false);
    assert.equal(branchScopeChanged(onDefault, { branchId: "br-main-1" }, { branchId: "br-main-1" }), false, "pinning the branch it is on");
  });

  it("treats dropping, adding or changing branchId as another branch, and an unknown one as possibly another", () => {
    const staging = { branchId: "br-staging-1" };
    assert.equal(branchScopeChanged(onStaging, {}, staging), true, "declared → default branch");
    assert.equal(branchScopeChanged(onDefault, { branchId: "br-staging-1" }, { branchId: "br-main-1" }), true, "default branch → another declared one");
    assert.equal(branchScopeChanged(onStaging, { branchId: "br-other-2" }, staging), true);
    assert.equal(branchScopeChanged(onStaging, { branchId: unknownValue }, staging), true);
  });

  it("turns a change of branch into a replacement of the resource, never an update", () => {
    const outcome = withBranchScope(onStaging, { changes: true, replaces: [], changed: ["trustedDomains"] }, { trustedDomains: ["https://a"] }, { branchId: "br-staging-1" });
    assert.deepEqual(outcome, { changes: true, replaces: ["branchId"], changed: ["trustedDomains", "branchId"] });
    const same = { changes: false, replaces: [], changed: [] };
    assert.equal(withBranchScope(onDefault, same, {}, { branchId: "br-main-1" }), same);
  });
});

/** A stand-in client whose branch listings end when the test says, in the order it chooses. */
function standInClient(baseUrl: string) {
  const listings: { answer: (defaultBranchId: string) => void }[] = [];
  const client = {
    baseUrl,
    now: () => 0,
    branches: {
      list: () => new Promise((resolve) => listings.push({ answer: (id) => resolve({ branches: [{ id, default: true }] }) })),
    },
  } as unknown as NeonClient;
  return { client, listings };
}

describe("looking up a project's default branch", () => {
  let neon: NeonLocal;
  const exchanges: Exchange[] = [];
  useNeonForProviderTests({ onExchange: (e) => exchanges.push(e) }, (started) => (neon = started));

  const listingsSince = (mark: number) => exchanges.slice(mark).filter((e) => e.operationId === "listProjectBranches").length;

  it("shares one listing between lookups that overlap (a refresh reads a tenant's resources side by side)", async () => {
    const { id } = await createProjectThroughProvider("overlap");
    const client = neonClientForCall();
    const mark = exchanges.length;
    const found = await Promise.all([currentDefaultBranch(client, id), currentDefaultBranch(client, id), currentDefaultBranch(client, id)]);
    assert.equal(listingsSince(mark), 1);
    assert.ok(found.every((b) => b.default && b.id === found[0].id));
  });

  it("asks Neon again for the current default branch once the last lookup ended (it never answers from memory)", async () => {
    const { id } = await createProjectThroughProvider("one-after-another");
    const client = neonClientForCall();
    const mark = exchanges.length;
    await currentDefaultBranch(client, id);
    await currentDefaultBranch(client, id);
    assert.equal(listingsSince(mark), 2);
  });

  it("does not let a lookup made after a change of the default branch join one started before it", async () => {
    const { client, listings } = standInClient("http://stand-in");
    const before = currentDefaultBranch(client, "p-1");
    forgetDefaultBranch(client, "p-1"); // what a restore does, before and after changing it
    const after = currentDefaultBranch(client, "p-1");
    assert.notEqual(after, before);
    assert.equal(listings.length, 2, "a listing of its own");
    listings[0].answer("br-replaced");
    assert.equal((await before).id, "br-replaced");
    assert.equal(currentDefaultBranch(client, "p-1"), after, "a lookup made while the later listing runs joins it, not the ended earlier one");
    listings[1].answer("br-restored");
    assert.equal((await after).id, "br-restored");
    assert.equal(listings.length, 2);
  });

  it("does not remember the branch a lookup started before a change of the default branch reports, even when it answers last", async () => {
    const { client, listings } = standInClient("http://stand-in-2");
    const before = currentDefaultBranch(client, "p-1");
    forgetDefaultBranch(client, "p-1");
    const after = currentDefaultBranch(client, "p-1");
    listings[1].answer("br-restored");
    await after;
    listings[0].answer("br-replaced");
    await before;
    assert.equal((await knownDefaultBranch(client, "p-1")).id, "br-restored", "what a create or read takes next");
    assert.equal(listings.length, 2, "from memory");
  });

  it("lists a tenant's branches once for a refresh's reads of the project, Neon Auth and the Data API, side by side or one after another", async () => {
    const created = await createProjectThroughProvider("refresh-reads");
    const authCreated = await checkAndCreate(auth, { projectId: created.id });
    const dataApiCreated = await checkAndCreate(dataApi, { projectId: created.id });
    const client = neonClientForCall();
    const readAll = () => [
      () => project.read(created.id, created.outs),
      () => auth.read(authCreated.id, authCreated.outs as Record<string, unknown>),
      () => dataApi.read(dataApiCreated.id, dataApiCreated.outs as Record<string, unknown>),
    ];
    forgetDefaultBranch(client, created.id); // a refresh runs in a provider process of its own
    let mark = exchanges.length;
    await Promise.all(readAll().map((read) => read()));
    assert.equal(listingsSince(mark), 1, "side by side");
    forgetDefaultBranch(client, created.id);
    mark = exchanges.length;
    for (const read of readAll()) await read();
    assert.equal(listingsSince(mark), 1, "one after another");
  });
});
