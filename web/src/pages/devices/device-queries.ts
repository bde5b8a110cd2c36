// Query keys of the devices pages: everything under ['devices'] is invalidated when a device changes.
export const devicesKey = ['devices'] as const;
export const deviceQueryKey = (id: number) => ['devices', 'one', id] as const;
