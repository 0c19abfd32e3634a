// esbuild.mjs bundles this file of the ELK package as its text, for the diagram's layout worker.
declare module "elkjs/lib/elk-worker.min.js" {
  const source: string;
  export default source;
}
