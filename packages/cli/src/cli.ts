// The `signet` binary (tsup adds the `#!/usr/bin/env node` line). Runs in Node ≥ 20, Deno
// (`deno run -A dist/cli.js`) and Bun: everything it uses is in node:* modules and web globals.
import { run } from './main.ts'

process.exitCode = await run(process.argv.slice(2))
