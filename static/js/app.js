// CSE Framework: progressive enhancement only. Every form works without this file.
import { initAll } from "/static/build/govuk-frontend.min.js";
import { startSessionWarning } from "./session-warning.js";

initAll();
startSessionWarning(document);
