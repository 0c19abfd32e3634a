// Entry of the bundled CLI (dist/cnnlens.js): runs the command line of this process.
import { main } from "./cli.js";

await main();
