// npm run user:create -- --username ada --display-name "Ada Admin" --role admin [--password-stdin]
//
// Creates an account in the configured database (DATABASE_URL, else the embedded PGlite folder).
// The password is read from stdin (--password-stdin, for scripts: `printf %s "$PW" | npm run …`),
// else from FUSION_NEW_USER_PASSWORD, else asked for on the terminal without echo. It is never
// accepted as a command-line argument (it would land in shell history and `ps`).
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { createDb } from "@/lib/db/client";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { audit } from "@/lib/auth/audit";
import { createUser, ROLES } from "@/lib/auth/users";
import { AppError } from "@/lib/domain/errors";
import type { Role } from "@/lib/generated/prisma/enums";

const USAGE = `usage: npm run user:create -- --username NAME --display-name "Full Name" --role ${ROLES.join("|")} [--password-stdin]`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

async function prompt(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error("no terminal to ask for the password: use --password-stdin");
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let asking = true;
  out._writeToOutput = (s: string) => {
    if (!asking || s.startsWith(question)) out.output.write(s);
  };
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  asking = false;
  rl.close();
  process.stdout.write("\n");
  return answer;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      username: { type: "string" },
      "display-name": { type: "string" },
      role: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help || !values.username || !values.role) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!ROLES.includes(values.role as Role)) {
    console.error(`--role must be one of ${ROLES.join(", ")}`);
    return 2;
  }
  let password: string;
  if (values["password-stdin"]) password = await readStdin();
  else if (process.env.FUSION_NEW_USER_PASSWORD) password = process.env.FUSION_NEW_USER_PASSWORD;
  else {
    password = await prompt("Password (at least 12 characters): ");
    const again = await prompt("Repeat the password: ");
    if (again !== password) {
      console.error("The passwords differ; nothing was created.");
      return 1;
    }
  }
  const handle = await createDb().catch(exitIfDataDirLocked("user:create"));
  try {
    const user = await createUser(handle.prisma, {
      username: values.username,
      displayName: values["display-name"] ?? values.username,
      role: values.role as Role,
      password,
    });
    await audit(handle.prisma, {
      actor: null,
      username: process.env.USER ? `cli:${process.env.USER}` : "cli",
      action: "user.create",
      entityType: "User",
      entityId: user.id,
      outcome: "success",
      request: { clientAddress: null, userAgent: null, source: "cli" },
      details: { username: user.username, role: user.role },
    });
    console.log(`created ${user.role} ${user.username} (${user.id})`);
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`user:create: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main();
