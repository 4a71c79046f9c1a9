export { generatePassword, hashPassword, verifyPassword } from './passwords.js';
export { CONSOLE_CSP, CONSOLE_PREFIX, type ConsoleDeps, registerConsole } from './routes.js';
export { ConsoleAuth, type ConsoleRole, type ConsoleSession } from './sessions.js';
