// CSE Framework: progressive enhancement only. Every form works without this file.
import { initAll } from "/static/build/govuk-frontend.min.js";
import { startSessionWarning } from "./session-warning.js";

// govuk-frontend starts its components only on a page that says it supports them (normally set by
// an inline script, which our Content-Security-Policy forbids).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
startSessionWarning(document);
