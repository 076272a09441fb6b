// The toolchain's version has one home, the root package.json. tsc copies the imported JSON to
// dist/package.json so the compiled import resolves; esbuild inlines it into the extension's bundles.
import pkg from "../package.json" with { type: "json" };

/** The version of this toolchain, as published: `leaddef --version`, SARIF, generated modules, the server's info. */
export const VERSION: string = pkg.version;
