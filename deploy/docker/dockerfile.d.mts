export interface DockerInstruction {
  /** Upper case: FROM, RUN, COPY… */
  keyword: string;
  /** Leading `--name=value` options (`--from`, `--interval`…); a bare `--name` is `'true'`. */
  flags: Record<string, string>;
  args: string;
  line: number;
}

export interface DockerStage {
  /** The `AS` name, else the stage's index. */
  name: string;
  /** The image or earlier stage it is built FROM, build arguments substituted. */
  from: string;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  args: Record<string, string>;
  stages: DockerStage[];
}

export interface DockerignoreRule {
  /** False for a `!` exception. */
  exclude: boolean;
  re: RegExp;
}

export function substitute(text: string, vars: Record<string, string>): string;
export function keyValues(args: string): [string, string][];
export function commandArgv(args: string): string[];
export function parseDockerfile(text: string): Dockerfile;
export function parseDockerignore(text: string): DockerignoreRule[];
export function ignored(path: string, rules: readonly DockerignoreRule[]): boolean;
