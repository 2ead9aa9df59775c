// Builds the front-end into static/build/: the GOV.UK Design System CSS (compiled with Dart Sass so
// the GOV.UK font is left out), its JavaScript and its assets. No CDN: whitenoise serves these files.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "static/build";
const govuk = "node_modules/govuk-frontend/dist/govuk";
mkdirSync(out, { recursive: true });

const css = sass.compile("frontend/app.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/app.css`, css.css);
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(`${govuk}/${file}`, `${out}/${file}`);
}
cpSync(`${govuk}/assets`, "static/govuk/assets", { recursive: true });
console.log(`front-end built into ${out}/`);
