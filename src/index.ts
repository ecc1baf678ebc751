// Re-exports only. Each module's own index.ts lists its public names.
export * from './access';
export * from './usage';
export * from './apis';
export * from './simulate';
export * from './validation';
