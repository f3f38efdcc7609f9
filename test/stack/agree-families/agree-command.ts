/** One REST command for both backends; `{name}` stands for a key of this run. */
export type AgreeCommand = Array<string | number>;
/** Named families of commands, each run in order against both backends. */
export type AgreeFamilies = Record<string, AgreeCommand[]>;
