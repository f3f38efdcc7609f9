import type { AgreeFamilies } from './agree-command';

export const bitFamilies: AgreeFamilies = {};
