import type { AgreeFamilies } from './agree-command';

export const moreFamilies: AgreeFamilies = {};
