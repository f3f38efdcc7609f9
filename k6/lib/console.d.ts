// k6 gives scripts a console (its lines go to k6's log); @types/k6 does not declare one.
declare const console: {
  log(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
};
