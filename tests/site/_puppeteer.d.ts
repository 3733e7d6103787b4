/**
 * The part of puppeteer-core's API the browser app's tests use. Its own `.d.ts` references
 * `@types/node`, whose `node:assert` typings then replace Deno's for the whole type-checked
 * program (`assert.equal(x, y, maybeUndefined)` stopped compiling elsewhere); this file is used
 * instead through `// @ts-types`.
 */

export interface LaunchOptions {
  executablePath: string;
  headless: boolean;
  userDataDir: string;
  args: string[];
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ElementHandle {
  boundingBox(): Promise<BoundingBox | null>;
}

export interface Mouse {
  move(x: number, y: number, options?: { steps?: number }): Promise<void>;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface Page {
  mouse: Mouse;
  on(event: "console", handler: (message: ConsoleMessage) => void): void;
  on(event: "pageerror", handler: (error: Error) => void): void;
  setViewport(viewport: { width: number; height: number }): Promise<void>;
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  $(selector: string): Promise<ElementHandle | null>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  /** Waits until the expression, evaluated in the page, is truthy. */
  waitForFunction(expression: string, options?: { timeout?: number }): Promise<unknown>;
  /** The value of the expression, evaluated in the page. */
  evaluate<T>(expression: string): Promise<T>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
}

export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

declare const puppeteer: { launch(options: LaunchOptions): Promise<Browser> };
export default puppeteer;
