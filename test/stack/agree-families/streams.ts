import type { AgreeFamilies } from './agree-command';

export const streamFamilies: AgreeFamilies = {};
