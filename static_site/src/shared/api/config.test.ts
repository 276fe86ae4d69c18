import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

const answer = (status: number, body: string, type = "application/json") =>
  (async () => new Response(body, { status, headers: { "content-type": type } })) as unknown as typeof fetch;

describe("loadConfig", () => {
  it("uses apiUrl from /config.json, without a trailing slash", async () => {
    const config = await loadConfig("https://studio.example", answer(200, '{"apiUrl": "https://api.example/prod/"}'));
    expect(config).toEqual({ apiUrl: "https://api.example/prod" });
  });

  it("keeps the WebSocket URL the AWS deployment names", async () => {
    const body = '{"apiUrl": "https://api.example", "websocketUrl": "wss://ws.example/live"}';
    const config = await loadConfig("https://studio.example", answer(200, body));
    expect(config).toEqual({ apiUrl: "https://api.example", websocketUrl: "wss://ws.example/live" });
  });

  it("asks the page's own origin for the file", async () => {
    const asked: string[] = [];
    const fetchFn = (async (url: string) => {
      asked.push(url);
      return new Response("{}", { status: 404 });
    }) as unknown as typeof fetch;
    await loadConfig("http://127.0.0.1:3000/", fetchFn);
    expect(asked).toEqual(["http://127.0.0.1:3000/config.json"]);
  });

  it.each([
    ["no file", answer(404, "not found", "text/plain")],
    ["the single-page fallback's HTML", answer(200, "<!doctype html><html></html>", "text/html")],
    ["a file without apiUrl", answer(200, '{"region": "eu-west-1"}')],
    ["an empty apiUrl", answer(200, '{"apiUrl": " "}')],
    ["a network error", (async () => Promise.reject(new TypeError("offline"))) as unknown as typeof fetch],
  ])("falls back to the origin on %s", async (_case, fetchFn) => {
    expect(await loadConfig("http://127.0.0.1:3990", fetchFn)).toEqual({ apiUrl: "http://127.0.0.1:3990" });
  });

  it("keeps a map tile URL, with or without apiUrl", async () => {
    const withApi = await loadConfig(
      "https://studio.example",
      answer(200, '{"apiUrl": "https://api.example", "mapTilesUrl": "https://tiles.example/{z}/{x}/{y}.png"}'),
    );
    expect(withApi).toEqual({ apiUrl: "https://api.example", mapTilesUrl: "https://tiles.example/{z}/{x}/{y}.png" });
    const alone = await loadConfig(
      "http://127.0.0.1:3990",
      answer(200, '{"mapTilesUrl": "http://127.0.0.1:8080/{z}/{x}/{y}.png"}'),
    );
    expect(alone).toEqual({ apiUrl: "http://127.0.0.1:3990", mapTilesUrl: "http://127.0.0.1:8080/{z}/{x}/{y}.png" });
  });
});
