import type { AgreeFamilies } from './agree-command';

export const functionFamilies: AgreeFamilies = {};
