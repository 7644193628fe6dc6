import { format } from 'node:util';

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

const CODES = { reset: '\x1b[0m', green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m' };
export type Colour = Exclude<keyof typeof CODES, 'reset'>;

/**
 * Every write goes through here, as in the official CLI: under --json stdout carries only JSON and human
 * text moves to stderr. `out` is human output, `note` prompts and diagnostics (always stderr), `emit` one
 * JSON document per line on stdout, `emitErr` one on stderr.
 */
export class Printer {
  constructor(
    readonly json: boolean,
    readonly color: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  out(text: string, ...args: unknown[]): void {
    (this.json ? this.stderr : this.stdout).write(args.length ? format(text, ...args) : text);
  }

  note(text: string): void {
    this.stderr.write(text);
  }

  emit(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  emitErr(value: unknown): void {
    this.stderr.write(`${JSON.stringify(value)}\n`);
  }

  paint(colour: Colour, text: string): string {
    return this.color ? `${CODES[colour]}${text}${CODES.reset}` : text;
  }

  /** A connection state change: a human line, or `{"event":"status"}` on stderr under --json. */
  status(message: string): void {
    if (this.json) this.emitErr({ event: 'status', message });
    else this.note(`${message}\n`);
  }

  error(message: string): void {
    if (this.json) this.emitErr({ event: 'error', message });
    else this.note(`${message}\n`);
  }
}

/** Colour precedence, highest first: --json, --no-color, a non-empty NO_COLOR, stdout being a terminal. */
export function colourEnabled(json: boolean, noColorFlag: boolean): boolean {
  if (json || noColorFlag) return false;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}
