// Public names of src/usage/ (re-exported by src/index.ts).
export {};
