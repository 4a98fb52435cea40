// Loads the built extension in a fresh Node process with a stand-in `vscode` module and times require + activate().
// VS Code itself cannot run here; every API the extension touches at activation answers with an inert object, so the
// figure is the extension's own cost: its bundle's evaluation and what activate() does.
'use strict';
const Module = require('module');
const path = require('path');

const answer = (_target, property) => (property === 'then' ? undefined : property === Symbol.toPrimitive ? () => 0 : inert);
// esbuild's namespace-import helper copies own keys and keeps the prototype: the prototype answers the rest.
const inertPrototype = new Proxy({}, { get: answer });
const inert = new Proxy(function () {}, {
  get: answer,
  apply: () => inert,
  construct: () => inert,
  getPrototypeOf: () => inertPrototype,
  set: () => true,
  defineProperty: () => true,
});
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: inert };

const bundle = path.resolve(process.argv[2]);
const memento = { get: (_key, fallback) => fallback, update: async () => undefined, keys: () => [] };
const context = {
  subscriptions: [],
  extensionPath: path.dirname(path.dirname(bundle)),
  extensionUri: inert,
  globalState: memento,
  workspaceState: memento,
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: inert },
  logUri: inert,
  globalStorageUri: inert,
  storageUri: inert,
};
const started = process.hrtime.bigint();
const extension = require(bundle);
extension.activate(context);
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`${elapsed}\n`);
process.exit(0);
