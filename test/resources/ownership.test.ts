/**
 * The one ownership rule for objects found after a create whose answer was lost, as a pure
 * function: by Neon's clock, only the one object made since the request began is ours.
 */
import assert from "node:assert/strict";
import { claimCreated } from "../../provider/resources/common/ownership";

const start = Date.parse("2026-03-01T10:00:00.400Z"); // Neon's time when our request began

describe("what may be taken over after a lost create answer", () => {
  it("is the one object of that name created since the request began, by Neon's clock", () => {
    assert.deepEqual(claimCreated("branch", "dev", [{ id: "br-new", createdAt: "2026-03-01T10:00:01Z" }], start), { ours: "br-new" });
    // Neon's timestamps have whole seconds: one made in the request's own second counts.
    assert.deepEqual(claimCreated("branch", "dev", [{ id: "br-new", createdAt: "2026-03-01T10:00:00Z" }], start), { ours: "br-new" });
  });

  it("is nothing when no object of that name exists (the create was not applied)", () => {
    assert.deepEqual(claimCreated("branch", "dev", [], start), { absent: true });
  });

  it("refuses an object that existed before the request, naming it and how to adopt it", () => {
    const claim = claimCreated("project", "acme", [{ id: "old-proj-1", createdAt: "2026-02-01T00:00:00Z" }], start);
    assert.ok("refusal" in claim);
    assert.match(claim.refusal, /the answer to creating project "acme" was lost, and Neon now has 1 projects named "acme": old-proj-1 \(created 2026-02-01T00:00:00Z\) already existed before this request and is not this stack's to take over\. Nothing was taken over\. If old-proj-1 is the one this stack should manage, adopt it with `adoptId: "old-proj-1"`/);
  });

  it("refuses when there are several candidates, pointing at the new one", () => {
    const claim = claimCreated(
      "snapshot",
      "baseline",
      [
        { id: "snap-old", createdAt: "2026-02-01T00:00:00Z" },
        { id: "snap-new", createdAt: "2026-03-01T10:00:02Z" },
      ],
      start,
    );
    assert.ok("refusal" in claim);
    assert.match(claim.refusal, /snap-old \(created 2026-02-01T00:00:00Z\) already existed before this request.*snap-new \(created 2026-03-01T10:00:02Z\) was created since the request began.*adoptId: "snap-new"/);
    const two = claimCreated("snapshot", "x", [{ id: "a", createdAt: "2026-03-01T10:00:02Z" }, { id: "b", createdAt: "2026-03-01T10:00:03Z" }], start);
    assert.ok("refusal" in two && /were created since the request began/.test(two.refusal));
  });

  it("refuses to guess when Neon's clock is unknown (no Date header), whatever our own clock says", () => {
    const claim = claimCreated("branch", "dev", [{ id: "br-new", createdAt: "2026-03-01T10:00:01Z" }], undefined);
    assert.ok("refusal" in claim && /not known on Neon.s clock/.test(claim.refusal) && /adoptId: "br-new"/.test(claim.refusal));
  });

  it("is judged on Neon's clock: an object two seconds older than the request is not ours", () => {
    const claim = claimCreated("branch", "dev", [{ id: "br-old", createdAt: "2026-03-01T09:59:58Z" }], start);
    assert.ok("refusal" in claim);
  });
});
