import type { AgreeFamilies } from './agree-command';

export const hyperLogLogFamilies: AgreeFamilies = {};
