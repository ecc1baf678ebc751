export * from './gatekeeper-validation';
