// Starts smtp-fixture as a child process and reads where it listens from its first JSON line.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Starts the tool with an SMTP port and an HTTP port chosen by the operating system.
 * SMTP_FIXTURE_CMD overrides the command (e.g. "dotnet /path/smtp-fixture.dll"); by default it is
 * `dotnet run --project src/SmtpFixture.Cli`.
 */
export async function startSmtpFixture(...extraArgs) {
  const command = process.env.SMTP_FIXTURE_CMD
    ? process.env.SMTP_FIXTURE_CMD.split(" ")
    : ["dotnet", "run", "--project", path.join(repo, "src/SmtpFixture.Cli"), "--"];
  const child = spawn(command[0], [...command.slice(1), "--port", "0", "--http-port", "0", "--json", ...extraArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const listening = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`smtp-fixture exited with code ${code} before listening`)));
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return; // `dotnet run` may print build output first
      const event = JSON.parse(line);
      if (event.event === "listening") resolve(event);
    });
  });
  const api = `http://${listening.host}:${listening.httpPort}`;
  return {
    host: listening.host,
    smtpPort: listening.port,
    api,
    /** Calls the HTTP API; returns the parsed JSON (or text), throws with the body on any other status. */
    async call(method, path, body) {
      const response = await fetch(api + path, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) {
        const error = new Error(`${method} ${path}: ${response.status}\n${text}`);
        error.status = response.status;
        error.body = text;
        throw error;
      }
      return (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : text;
    },
    /** Stops the tool with SIGTERM (a graceful stop, exit code 0). */
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    },
  };
}
