import { describe, expect, it } from "vitest";
import { ApiError, createApiClient } from "./client";

interface Sent {
  url: string;
  init: RequestInit;
}

function recording(status: number, body: unknown) {
  const sent: Sent[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { sent, fetchFn };
}

describe("createApiClient", () => {
  it("sends the key and the query, and unwraps the REST envelope", async () => {
    const { sent, fetchFn } = recording(200, { success: true, data: [{ name: "people" }], timestamp: "t" });
    const client = createApiClient("http://api", "ak_secret", fetchFn);
    const data = await client.request("GET", "/rest/db/tables", { query: new URLSearchParams({ limit: "5" }) });
    expect(data).toEqual([{ name: "people" }]);
    expect(sent[0]?.url).toBe("http://api/rest/db/tables?limit=5");
    expect((sent[0]!.init.headers as Record<string, string>)["x-api-key"]).toBe("ak_secret");
  });

  it("returns raw JSON as it is (the /auth routes have no envelope)", async () => {
    const { fetchFn } = recording(200, { id: "super-admin-key", name: "Super Admin Key" });
    const client = createApiClient("http://api", null, fetchFn);
    expect(await client.request("POST", "/auth/validate", { body: { apiKey: "k" } })).toEqual({
      id: "super-admin-key",
      name: "Super Admin Key",
    });
  });

  it("raises the API's error message with its status and code", async () => {
    const { fetchFn } = recording(409, { success: false, error: "duplicate value", code: "conflict" });
    const client = createApiClient("http://api", "k", fetchFn);
    const failure = client.request("PATCH", "/rest/db/people/1", { body: { email: "a@b.c" } });
    await expect(failure).rejects.toEqual(new ApiError("duplicate value", 409, "conflict"));
    await expect(failure).rejects.toMatchObject({ status: 409, code: "conflict" });
  });

  it("names the status when the body carries no message", async () => {
    const { fetchFn } = recording(502, "bad gateway");
    await expect(createApiClient("http://api", "k", fetchFn).request("GET", "/health")).rejects.toThrow(
      "The server answered 502",
    );
  });
});
