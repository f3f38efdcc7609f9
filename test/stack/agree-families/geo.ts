import type { AgreeFamilies } from './agree-command';

export const geoFamilies: AgreeFamilies = {};
