#!/usr/bin/env node
/**
 * authrace's entry point: finds the subcommand in cli/commands/ and runs it.
 * Commands are discovered from that folder so that each lives in one file and adding one edits nothing else.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Command, UsageError } from "./command.js";

const commandsDirectory = join(dirname(fileURLToPath(import.meta.url)), "commands");

async function loadCommands(): Promise<Command[]> {
  const files = readdirSync(commandsDirectory).filter((file) => file.endsWith(".js") || file.endsWith(".ts"));
  const commands: Command[] = [];
  for (const file of files.filter((file) => !file.endsWith(".d.ts")).sort()) {
    const module = (await import(pathToFileURL(join(commandsDirectory, file)).href)) as { command?: Command };
    if (module.command) commands.push(module.command);
  }
  return commands;
}

function help(commands: Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    "usage: authrace <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "authrace <command> --help for its options",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(help(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`authrace: unknown command '${name}'\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`authrace ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
