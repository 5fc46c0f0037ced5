// Ordinary client code written against the types openapi-typescript
// generates from spec/openapi.yaml (into schema.ts beside this file) and
// openapi-fetch: it signs up, signs in, gets the countries and logs out
// against the base URL in its first argument, carrying the session in the
// header its third argument names (S2; a browser would send the cookie),
// and prints one line per step. spec/openapitest type-checks it with
// tsc --strict and runs it under node against the mock.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Countries = components["schemas"]["GetCountriesSuccess"];

const [baseUrl, login, sessionHeader] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl });
const password = "correct-horse-1";

async function main(): Promise<void> {
  // signup: the arguments are typed; business rules are checked by the
  // operation, which answers HTTP 200 with its error variant.
  const up = await client.POST("/signup/1.0/json", {
    body: {
      jsonrpc: "2.0",
      id: "signup-1",
      params: { login, password, confirm_password: password, name: "Ana", surname: "García", country: 2 },
    },
  });
  if (!up.data) throw new Error(`signup: HTTP ${up.response.status}`);
  const upResult = up.data[0].result;
  if (upResult.status !== "success") throw new Error(`signup: ${JSON.stringify(upResult)}`);
  console.log("signup: success");

  // signin: success is an array of one envelope, failure a bare one (T4).
  const { data, error, response } = await client.POST("/signin/1.0/json", {
    body: { jsonrpc: "2.0", id: 1, params: { login, password } },
  });
  if (error) throw new Error(`signin: HTTP ${response.status}: ${error.error.message}`);
  if (!data) throw new Error("signin: no body");
  if (!Array.isArray(data)) throw new Error(`signin: ${data.result.message}`);
  const uid: number = data[0].result.uid;
  const session: string = data[0].result.session_id;
  if (data[0].result.user_context.uid !== uid) throw new Error("signin: user_context.uid differs");
  if (!response.headers.get("set-cookie")) throw new Error("signin: no Set-Cookie (S2)");
  console.log(`signin: uid ${uid}, session cookie set`);

  // get_countries: a bare array of countries, no arguments.
  const gc = await client.POST("/get_countries/1.0/json", { body: { jsonrpc: "2.0" } });
  const countries: Countries | undefined = gc.data;
  if (!countries || countries.length === 0) throw new Error("get_countries: none");
  console.log(`get_countries: ${countries.length} countries, first ${countries[0].code} ${countries[0].name} ${countries[0].phone_code}`);

  // logout: the session in S2's header; the answer clears the cookie (S3).
  const out = await client.POST("/logout/1.0/json", {
    body: { jsonrpc: "2.0", params: {} },
    headers: { [sessionHeader]: session },
  });
  if (!out.data || out.data[0].result.status !== "success") throw new Error("logout: failed");
  if (!(out.response.headers.get("set-cookie") ?? "").includes("Max-Age=0")) throw new Error("logout: cookie not cleared (S3)");
  console.log("logout: success, session cookie cleared");

  // The protocol errors are typed too (T5).
  const bad = await client.POST("/signin/1.0/json", {
    body: { jsonrpc: "2.0", params: { login, password } },
    bodySerializer: () => "{",
  });
  if (!bad.error) throw new Error(`not JSON: HTTP ${bad.response.status}`);
  const code: number = bad.error.error.code;
  console.log(`not JSON: HTTP ${bad.response.status}, JSON-RPC error ${code}`);
}

main().catch((e: unknown) => {
  console.error("tsclient:", e);
  process.exit(1);
});
