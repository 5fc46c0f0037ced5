// The API reference: Swagger UI renders the mock's own /openapi.json (at
// /_mock/openapi.json, where no endpoint of the page hides it), with
// its servers replaced by this page's origin, so "Try it out" calls the
// mock that served the page (and shows up in its journal and console).
"use strict";
(async function () {
  const spec = await (await fetch("/_mock/openapi.json", {headers: {Accept: "application/json"}})).json();
  spec.servers = [{url: window.location.origin, description: "this mock"}];
  window.ui = SwaggerUIBundle({
    spec: spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    validatorUrl: null, // never call out: the page works offline
    defaultModelsExpandDepth: 0,
    requestInterceptor: (req) => { req.credentials = "same-origin"; return req; },
    onComplete: () => document.body.setAttribute("data-ready", "true"),
  });
})().catch((e) => {
  const p = document.createElement("pre");
  p.className = "error";
  p.textContent = "could not load /_mock/openapi.json: " + e;
  document.body.appendChild(p);
});
