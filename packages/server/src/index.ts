export { type InProcessOptions, type InProcessServer, startInProcessServer } from './in-process.js';
