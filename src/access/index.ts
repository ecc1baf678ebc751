// Public names of src/access/ (re-exported by src/index.ts).
export {};
