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
// Images and the manifest only: the GDS Transport fonts are for GOV.UK services alone.
for (const part of ["images", "manifest.json"]) {
  cpSync(`${govuk}/assets/${part}`, `static/govuk/assets/${part}`, { recursive: true });
}
console.log(`front-end built into ${out}/`);
