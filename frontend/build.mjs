// Builds the front-end assets into frontend/dist (gitignored), which collectstatic serves.
// Nothing third-party is committed: GOV.UK Frontend and MOJ Frontend come from npm.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "frontend", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "css"), { recursive: true });
mkdirSync(join(dist, "js"), { recursive: true });

let deprecations = 0;
const result = sass.compile(join(root, "frontend", "src", "application.scss"), {
  loadPaths: [root, join(root, "frontend", "src")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
  // MOJ Frontend still calls mixins GOV.UK Frontend has deprecated; those warnings are
  // about the packages, not this service, so count them rather than print them.
  logger: { warn: () => { deprecations += 1; } },
});
const css = result.css;
// The service is not on GOV.UK: fail the build if GDS Transport or any web font slipped in.
if (css.includes("GDS Transport") || css.includes("@font-face")) {
  console.error("Built CSS contains GDS Transport or @font-face; configure the font as Arial.");
  process.exit(1);
}
writeFileSync(join(dist, "css", "application.css"), css);

cpSync(join(govuk, "assets", "images"), join(dist, "assets", "images"), { recursive: true });
cpSync(join(moj, "assets", "images"), join(dist, "assets", "images"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "js", "govuk-frontend.min.js"));
cpSync(join(moj, "moj-frontend.min.js"), join(dist, "js", "moj-frontend.min.js"));
cpSync(join(root, "frontend", "src", "application.js"), join(dist, "js", "application.js"));

const size = readFileSync(join(dist, "css", "application.css")).length;
console.log(
  `Built frontend/dist (application.css ${Math.round(size / 1024)} KB; ${deprecations} deprecation warnings from the packages)`,
);
