#!/usr/bin/env node
// Project-owned solc front end over the npm `solc` package (the official compiler as wasm).
//
// It answers the two calls py-solc-x and ape-solidity make of a native solc:
//   solc --version                      -> the version banner, on stdout
//   solc --standard-json [--allow-paths X] [--base-path X] < input.json
//                                       -> only the output JSON on stdout, exit 0
// Compiler errors are reported inside the JSON ("errors"), exactly as native solc does.
// Imports are resolved from the file system relative to --base-path / --include-path / cwd.
"use strict";

const fs = require("fs");
const path = require("path");

function loadCompiler() {
  // The wrapper lives in <project>/tools; the package in <project>/node_modules/solc.
  const projectRoot = path.resolve(__dirname, "..");
  const candidates = [path.join(projectRoot, "node_modules", "solc"), "solc"];
  for (const candidate of candidates) {
    try {
      return require(candidate);
    } catch (err) {
      if (err.code !== "MODULE_NOT_FOUND") throw err;
    }
  }
  process.stderr.write("solc wrapper: the npm package 'solc' is not installed (run `make install`)\n");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { mode: null, basePath: null, includePaths: [], allowPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const takeValue = () => {
      if (arg.includes("=")) return arg.slice(arg.indexOf("=") + 1);
      i += 1;
      return argv[i];
    };
    if (arg === "--version" || arg === "-v") opts.mode = "version";
    else if (arg === "--standard-json") opts.mode = "standard-json";
    else if (arg.startsWith("--base-path")) opts.basePath = takeValue();
    else if (arg.startsWith("--include-path")) opts.includePaths.push(takeValue());
    else if (arg.startsWith("--allow-paths")) opts.allowPaths.push(...String(takeValue()).split(","));
    else if (arg === "--help" || arg === "-h") opts.mode = "help";
    else {
      process.stderr.write(`solc wrapper: unsupported argument '${arg}'\n`);
      process.exit(2);
    }
  }
  return opts;
}

function versionBanner(solc) {
  // Native solc prints e.g. "Version: 0.8.28+commit.7893614a.Linux.g++";
  // the wasm build reports "0.8.28+commit.7893614a.Emscripten.clang".
  return `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`;
}

function makeImportReader(opts) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths, process.cwd()];
  return function findImports(importPath) {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      try {
        return { contents: fs.readFileSync(candidate, "utf8") };
      } catch (err) {
        // try the next root
      }
    }
    return { error: `File not found: ${importPath}` };
  };
}

function readStdin() {
  return fs.readFileSync(0, "utf8");
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const solc = loadCompiler();
  if (opts.mode === "version") {
    process.stdout.write(versionBanner(solc));
    return 0;
  }
  if (opts.mode === "standard-json") {
    const input = readStdin();
    const output = solc.compile(input, { import: makeImportReader(opts) });
    process.stdout.write(output);
    return 0;
  }
  process.stdout.write("usage: solc --version | solc --standard-json [--base-path P] [--allow-paths P] < input.json\n");
  return opts.mode === "help" ? 0 : 2;
}

process.exitCode = main();
