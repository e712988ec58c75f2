export const VERSION = '0.0.0';
export type { BackendInfo, BackendName, BackendOptions, WasmPaths } from './backend';
export { initBackend, tf } from './backend';
export type { CoreErrorCode } from './errors';
export { CoreError } from './errors';
export type { ForwardHook, StateDict } from './nn/module';
export { Module } from './nn/module';
