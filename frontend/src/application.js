// Starts GOV.UK Frontend and MOJ Frontend components. Loaded as an external ES module so
// the Content-Security-Policy needs no inline script beyond the body-class line.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

initGovuk();
initMoj();
